// Report writers for `whatif` (cli/whatif_report.h).
#include "cli/whatif_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/json_parts.h"
#include "cli/text_table.h"

namespace exposim::cli {
namespace {

using nlohmann::ordered_json;
using solver::WhatifDelta;

struct Counts {
  std::size_t opened{0};
  std::size_t closed{0};
  std::size_t changed{0};
  std::size_t rerouted{0};
};

Counts count(const solver::WhatifDiff& d) {
  Counts c;
  for (const auto& x : d.deltas) {
    switch (x.kind) {
      case WhatifDelta::Kind::kOpened: ++c.opened; break;
      case WhatifDelta::Kind::kClosed: ++c.closed; break;
      case WhatifDelta::Kind::kChanged: ++c.changed; break;
      case WhatifDelta::Kind::kRerouted: ++c.rerouted; break;
    }
  }
  return c;
}

const model::ResourceBase* changed_resource(const model::Model& m, const model::Changed& c) {
  auto v = m.find(c.key);
  return v ? m.resource(*v) : nullptr;
}

}  // namespace

void write_whatif_table(std::ostream& out, const WhatifResult& r) {
  const std::vector<std::string> header = {"CHANGE", "TARGET", "IP",      "ENTRY", "VIA",
                                           "PROTO",  "PORTS",  "SOURCES", "RULES"};
  std::vector<std::vector<std::string>> rows;
  auto add = [&](const char* what, const model::Model& m, const solver::Analysis& a, const solver::Exposure& e) {
    auto row = exposure_row(m, e, a.internet);
    row.insert(row.begin(), what);
    rows.push_back(std::move(row));
  };
  for (const auto& d : r.diff.deltas) {
    if (d.kind == WhatifDelta::Kind::kRerouted) {
      for (const auto& e : d.before) add("rerouted (was)", r.before_model, r.before, e);
      for (const auto& e : d.after) add("rerouted (now)", r.after_model, r.after, e);
      continue;
    }
    for (const auto& e : d.opened)
      add(d.kind == WhatifDelta::Kind::kOpened ? "+ exposed" : "+ more", r.after_model, r.after, e);
    for (const auto& e : d.closed)
      add(d.kind == WhatifDelta::Kind::kClosed ? "- closed" : "- less", r.before_model, r.before, e);
  }
  if (!r.changed.empty()) {
    out << "changed resources:";
    for (const auto& c : r.changed) {
      const auto* res = changed_resource(r.after_model, c);
      out << fmt::format(" {} '{}'", model::to_string(c.kind), res != nullptr ? res->name : c.key);
      if (&c != &r.changed.back()) out << ',';
    }
    out << '\n';
  }
  if (!rows.empty()) write_text_table(out, header, rows);
  const Counts c = count(r.diff);
  out << fmt::format(
      "{} newly exposed, {} closed, {} changed, {} rerouted ({} exposures before, {} after): exposure {}\n", c.opened,
      c.closed, c.changed, c.rerouted, r.diff.before_exposures, r.diff.after_exposures,
      r.diff.grew ? "GREW" : "did not grow");
}

void write_whatif_json(std::ostream& out, const WhatifResult& r, const std::vector<model::Diagnostic>& diagnostics) {
  ordered_json doc;
  doc["format"] = "exposim-whatif";
  doc["version"] = 1;
  const Counts c = count(r.diff);
  doc["summary"] = {{"grew", r.diff.grew},
                    {"opened", c.opened},
                    {"closed", c.closed},
                    {"changed", c.changed},
                    {"rerouted", c.rerouted},
                    {"exposures_before", r.diff.before_exposures},
                    {"exposures_after", r.diff.after_exposures}};
  ordered_json changed = ordered_json::array();
  for (const auto& x : r.changed) {
    const auto* res = changed_resource(r.after_model, x);
    changed.push_back({{"kind", model::to_string(x.kind)},
                       {"id", res != nullptr ? res->id : x.key},
                       {"name", res != nullptr ? ordered_json(res->name) : ordered_json(nullptr)}});
  }
  doc["changed_resources"] = std::move(changed);
  ordered_json deltas = ordered_json::array();
  for (const auto& d : r.diff.deltas) {
    ordered_json j;
    j["change"] = solver::to_string(d.kind);
    j["key"] = d.key;
    auto list = [&](const model::Model& m, const std::vector<solver::Exposure>& xs) {
      ordered_json a = ordered_json::array();
      for (const auto& e : xs) a.push_back(exposure_json(m, e));
      return a;
    };
    if (d.kind == WhatifDelta::Kind::kRerouted) {
      j["before"] = list(r.before_model, d.before);
      j["after"] = list(r.after_model, d.after);
    } else {
      j["opened"] = list(r.after_model, d.opened);
      j["closed"] = list(r.before_model, d.closed);
    }
    deltas.push_back(std::move(j));
  }
  doc["differences"] = std::move(deltas);
  ordered_json diags = ordered_json::array();
  for (const auto& d : diagnostics) diags.push_back(diagnostic_json(d));
  doc["diagnostics"] = std::move(diags);
  out << doc.dump(2) << '\n';
}

}  // namespace exposim::cli
