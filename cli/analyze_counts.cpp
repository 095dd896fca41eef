// analyze's summary counts (cli/analyze_counts.h).
#include "cli/analyze_counts.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cli/analyze_table.h"
#include "cli/exposure_cells.h"
#include "cli/json_parts.h"
#include "solver/analysis.h"

namespace exposim::cli {
namespace {

using nlohmann::ordered_json;

/// The port sets `by_port` lists; the others are counted together in `by_port_others`.
constexpr std::size_t kCountsPortSetsShown = 50;

/// Exposures and the distinct targets they reach.
struct CountsTally {
  std::size_t exposures{0};
  std::set<std::tuple<int, int, int>> targets;

  std::tuple<int, int, int> last{-2, -2, -2};  // the target added last: an analysis lists a target's exposures together

  void add(const solver::Exposure& e) {
    ++exposures;
    const auto key = target_key(e);
    if (key == last) return;
    last = key;
    targets.insert(key);
  }
  void add(const CountsTally& other) {
    exposures += other.exposures;
    targets.insert(other.targets.begin(), other.targets.end());
    last = {-2, -2, -2};
  }
  ordered_json json(ordered_json j) const {
    j["exposures"] = exposures;
    j["targets"] = targets.size();
    return j;
  }
};

/// Source sets by value, through pointers into the analysis.
struct CountsSetLess {
  bool operator()(const model::IpSet* x, const model::IpSet* y) const { return *x < *y; }
};
/// (protocol, port set) by value, through pointers into the analysis.
struct CountsPortsLess {
  bool operator()(const std::pair<model::Protocol, const model::PortSet*>& x,
                  const std::pair<model::Protocol, const model::PortSet*>& y) const {
    if (x.first != y.first) return x.first < y.first;
    return *x.second < *y.second;
  }
};

const char* severity_name(Risk r) {
  switch (r) {
    case Risk::kManagementFromAny: return "management-from-any";
    case Risk::kFromAny: return "from-any";
    case Risk::kRestricted: return "restricted";
  }
  return "";
}

/// Entries most exposures first; ties keep `entries`' order (the map's, by key).
ordered_json counts_by_size(std::vector<std::pair<ordered_json, const CountsTally*>> entries) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& x, const auto& y) { return x.second->exposures > y.second->exposures; });
  ordered_json out = ordered_json::array();
  for (const auto& [key, tally] : entries) out.push_back(tally->json(key));
  return out;
}

void write_counts_array(std::ostream& out, const char* name, const ordered_json& entries) {
  out << ",\n  \"" << name << "\": [";
  for (std::size_t i = 0; i < entries.size(); ++i) out << (i ? ",\n    " : "\n    ") << entries[i].dump();
  out << (entries.empty() ? "]" : "\n  ]");
}

}  // namespace

ordered_json summary_counts_json(const solver::Analysis& a) {
  CountsTally severities[3];
  // Tallied by the exposure's own values, then named (below): no string built per exposure.
  std::map<solver::Via, CountsTally> by_via;
  std::map<std::pair<model::Protocol, const model::PortSet*>, CountsTally, CountsPortsLess> by_ports;
  static const model::PortSet no_ports;
  // Whether the SOURCES cell says "from any": decided once per distinct set, as the table does.
  std::map<const model::IpSet*, bool, CountsSetLess> from_any;
  for (const auto& e : a.exposures) {
    bool any = true;
    if (!e.any_source) {
      auto [it, added] = from_any.try_emplace(&e.sources.get());
      if (added) it->second = sources_text_is_any(e, a.internet);
      any = it->second;
    }
    severities[static_cast<int>(risk_of(e, any ? "any" : ""))].add(e);
    by_via[e.via].add(e);
    by_ports[{e.protocol, model::has_ports(e.protocol) ? &e.ports : &no_ports}].add(e);
  }
  std::map<std::string, CountsTally> vias;
  for (const auto& [via, tally] : by_via) vias[solver::to_string(via)].add(tally);
  // (protocol, port ranges): the exact port set, in numeric order.
  std::map<std::pair<std::string, std::vector<std::pair<int, int>>>, CountsTally> ports;
  for (const auto& [key, tally] : by_ports) {
    std::vector<std::pair<int, int>> ranges;
    for (const auto& iv : key.second->intervals()) ranges.emplace_back(iv.lo, iv.hi);
    ports[{model::to_string(key.first), std::move(ranges)}].add(tally);
  }
  ordered_json out;
  ordered_json by_severity = ordered_json::array();
  for (const Risk r : {Risk::kManagementFromAny, Risk::kFromAny, Risk::kRestricted}) {
    by_severity.push_back(severities[static_cast<int>(r)].json({{"severity", severity_name(r)}}));
  }
  out["by_severity"] = by_severity;
  std::vector<std::pair<ordered_json, const CountsTally*>> via_entries;
  for (const auto& [via, tally] : vias) via_entries.emplace_back(ordered_json{{"via", via}}, &tally);
  out["by_via"] = counts_by_size(std::move(via_entries));
  std::vector<std::pair<ordered_json, const CountsTally*>> port_entries;
  for (const auto& [key, tally] : ports) {
    ordered_json j = {{"protocol", key.first}};
    if (!key.second.empty()) {
      ordered_json ranges = ordered_json::array();
      for (const auto& [lo, hi] : key.second) ranges.push_back({lo, hi});
      j["ports"] = ranges;
    }
    port_entries.emplace_back(std::move(j), &tally);
  }
  std::stable_sort(port_entries.begin(), port_entries.end(),
                   [](const auto& x, const auto& y) { return x.second->exposures > y.second->exposures; });
  ordered_json others;
  if (port_entries.size() > kCountsPortSetsShown) {
    // A rule-heavy estate has thousands of distinct port sets: the rest are counted together.
    CountsTally rest;
    for (std::size_t i = kCountsPortSetsShown; i < port_entries.size(); ++i) {
      rest.exposures += port_entries[i].second->exposures;
      rest.targets.insert(port_entries[i].second->targets.begin(), port_entries[i].second->targets.end());
    }
    others = rest.json({{"port_sets", port_entries.size() - kCountsPortSetsShown}});
    port_entries.resize(kCountsPortSetsShown);
  }
  out["by_port"] = counts_by_size(std::move(port_entries));
  if (!others.is_null()) out["by_port_others"] = others;
  return out;
}

void write_summary_json(std::ostream& out, const solver::Analysis& a,
                        const std::vector<model::Diagnostic>& diagnostics) {
  const ordered_json counts = summary_counts_json(a);
  out << "{\n  \"format\": \"exposim-analyze-summary\",\n  \"version\": 1,\n  \"summary\": "
      << analyze_summary_json(a).dump();
  for (const char* name : {"by_severity", "by_via", "by_port"}) write_counts_array(out, name, counts[name]);
  if (counts.contains("by_port_others")) out << ",\n  \"by_port_others\": " << counts["by_port_others"].dump();
  ordered_json diags = ordered_json::array();
  for (const auto& d : diagnostics) diags.push_back(diagnostic_json(d));
  write_counts_array(out, "diagnostics", diags);
  out << "\n}\n";
}

}  // namespace exposim::cli
