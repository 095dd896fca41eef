// What the what-if tests share: the fixture estate (tests/data/whatif/estate.json, described in
// tests/whatif_test.cpp), a run of a change document on it, and the flows of exposures as short text.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "importers/azure/resource_importer.h"
#include "importers/change.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "solver/whatif.h"

namespace exposim::testing {

inline const std::string kEstate = std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/whatif/estate.json";

struct WhatifRun {
  model::Model before;
  model::Model after;
  model::Diagnostics diags;
  std::vector<model::Changed> changed;
  bool applied{false};
  solver::Analysis a_before;
  solver::Analysis a_after;
  solver::WhatifDiff diff;
};

/// Imports the estate, applies `change` (JSON text), validates and analyses both sides and compares them. A
/// `base` change document, when given, is applied first to both sides (it is part of the estate as it is).
inline WhatifRun run_whatif(const std::string& change, const std::string& estate = kEstate,
                            const std::string& base = "") {
  WhatifRun r;
  importers::azure::import_file(estate, r.before, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  if (!base.empty()) {
    std::vector<model::Changed> ignored;
    REQUIRE(importers::apply_change_text(base, "base.json", r.before, r.diags, ignored));
  }
  r.after = r.before;
  r.applied = importers::apply_change_text(change, "change.json", r.after, r.diags, r.changed);
  if (!r.applied) return r;
  model::validate(r.before, r.diags);
  model::validate(r.after, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  r.a_before = solver::analyze(r.before);
  r.a_after = solver::analyze(r.after);
  r.diff = solver::diff_analyses(r.before, r.a_before, r.after, r.a_after);
  return r;
}

/// "tcp 22 52.10.20.0/24" (ports "-" for portless protocols; sources "any" when the whole internet).
inline std::string flow(const solver::Exposure& e) {
  std::string sources;
  if (e.any_source) {
    sources = "any";
  } else {
    for (const auto& c : model::to_cidr_strings(e.sources)) sources += (sources.empty() ? "" : ",") + c;
  }
  return fmt::format("{} {} {}{}", model::to_string(e.protocol),
                     model::has_ports(e.protocol) ? model::to_string(e.ports) : "-", sources, e.jit ? " jit" : "");
}

inline std::vector<std::string> flows(const std::vector<solver::Exposure>& xs) {
  std::vector<std::string> out;
  for (const auto& e : xs) out.push_back(flow(e));
  std::sort(out.begin(), out.end());
  return out;
}

/// The one delta whose key contains `what` (e.g. "networkinterfaces/nic-web|").
inline const solver::WhatifDelta& delta(const WhatifRun& r, const std::string& what) {
  const solver::WhatifDelta* found = nullptr;
  for (const auto& d : r.diff.deltas) {
    if (d.key.find(what) == std::string::npos) continue;
    REQUIRE(found == nullptr);
    found = &d;
  }
  INFO("no delta for " << what);
  REQUIRE(found != nullptr);
  return *found;
}

inline std::string change_doc(const std::string& ops) { return R"({"changes": [)" + ops + "]}"; }

}  // namespace exposim::testing
