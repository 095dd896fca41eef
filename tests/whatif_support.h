// What the what-if tests share: the fixture estate (tests/data/whatif/estate.json, described in
// tests/whatif_test.cpp), a run of a change document on it, and the flows of exposures as short text.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "cli/json_parts.h"
#include "importers/azure/resource_importer.h"
#include "importers/change.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "solver/incremental.h"
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

/// An exposure in analyze's JSON form (cli::exposure_json's object, path included), written directly.
inline std::string exposure_text(const model::Model& m, const solver::Exposure& e) {
  std::string out;
  cli::append_exposure_json(out, m, e, cli::sources_list_json(e.sources));
  return out;
}

/// How an incremental result differs from a full analysis of the same model ("" when it does not): exposures and
/// broken flows item by item (in their JSON form, path included), findings in order, targets_evaluated and the
/// internet. The first difference found.
inline std::string analysis_difference(const model::Model& m, const solver::Analysis& a, const solver::Analysis& full) {
  if (a.targets_evaluated != full.targets_evaluated) {
    return fmt::format("targets_evaluated {} against {}", a.targets_evaluated, full.targets_evaluated);
  }
  if (!(a.internet == full.internet)) return "the internet differs";
  const auto& got = a.findings.items();
  const auto& want = full.findings.items();
  for (std::size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
    const std::string x = i < got.size() ? model::to_string(got[i]) : "none";
    const std::string y = i < want.size() ? model::to_string(want[i]) : "none";
    if (x != y)
      return fmt::format("findings ({} against {}), item {}: {}\n  full analysis: {}", got.size(), want.size(), i, x,
                         y);
  }
  for (const auto* list : {&a.exposures, &a.broken}) {
    const char* what = list == &a.exposures ? "exposures" : "broken flows";
    const auto& want = list == &a.exposures ? full.exposures : full.broken;
    for (std::size_t i = 0; i < std::max(list->size(), want.size()); ++i) {
      const std::string got = i < list->size() ? exposure_text(m, (*list)[i]) : "none";
      const std::string expected = i < want.size() ? exposure_text(m, want[i]) : "none";
      if (got != expected) {
        return fmt::format("{} ({} against {}), item {}: {}\n  full analysis: {}", what, list->size(), want.size(), i,
                           got, expected);
      }
    }
  }
  return "";
}

/// How a diff of the scope alone (diff_scoped) differs from the diff of the whole analyses ("" when it does not):
/// every delta, its kind and the JSON of every exposure it lists.
inline std::string diff_difference(const model::Model& mb, const model::Model& ma, const solver::WhatifDiff& x,
                                   const solver::WhatifDiff& y) {
  if (x.grew != y.grew) return fmt::format("grew {} against {}", x.grew, y.grew);
  if (x.before_exposures != y.before_exposures || x.after_exposures != y.after_exposures) {
    return fmt::format("counts {}/{} against {}/{}", x.before_exposures, x.after_exposures, y.before_exposures,
                       y.after_exposures);
  }
  const auto json = [](const model::Model& m, const std::vector<solver::Exposure>& xs) {
    std::string out;
    for (const auto& e : xs) out += exposure_text(m, e) + "\n";
    return out;
  };
  for (std::size_t i = 0; i < std::max(x.deltas.size(), y.deltas.size()); ++i) {
    if (i >= x.deltas.size() || i >= y.deltas.size()) {
      return fmt::format("{} deltas against {}", x.deltas.size(), y.deltas.size());
    }
    const auto& a = x.deltas[i];
    const auto& b = y.deltas[i];
    if (a.key != b.key || a.kind != b.kind || json(ma, a.opened) != json(ma, b.opened) ||
        json(mb, a.closed) != json(mb, b.closed) || json(mb, a.before) != json(mb, b.before) ||
        json(ma, a.after) != json(ma, b.after)) {
      return fmt::format("delta {}: {} {} against {} {}", i, a.key, solver::to_string(a.kind), b.key,
                         solver::to_string(b.kind));
    }
  }
  return "";
}

inline std::string change_doc(const std::string& ops) { return R"({"changes": [)" + ops + "]}"; }

}  // namespace exposim::testing
