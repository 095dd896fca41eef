// The one-line summary of an analysis that the NSG, compute and exposure scenario tests compare against:
// "vm1 tcp 80 any nsg1/allow-http > nsg2/allow-http", one line per exposure in the solver's order.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "model_builder.h"
#include "solver/exposure.h"

namespace exposim::testing::scenario {

using namespace exposim::testing;
using solver::Hop;

inline std::string hop_text(const model::Model& m, const Hop& h) {
  if (h.kind == Hop::Kind::kNoNsg) return "none";
  if (h.resource < 0) return "missing";
  const auto& nsg = m.nsgs[h.resource];
  return fmt::format("{}/{}", nsg.name, nsg.rules[h.rule].name);
}

/// "vm1 tcp 80 any nsg1/allow-http > nsg2/allow-http": one line per exposure, in the solver's order.
inline std::vector<std::string> summary(const model::Model& m, const solver::Analysis& a) {
  std::vector<std::string> out;
  for (const auto& e : a.exposures) {
    const std::string target = e.vm >= 0 ? m.vms[e.vm].name : m.nics[e.nic].name;
    std::string ports = model::has_ports(e.protocol) ? model::to_string(e.ports) : "-";
    if (!e.source_ports.is_all()) ports += " sport " + model::to_string(e.source_ports);
    std::string sources;
    if (e.any_source) {
      sources = "any";
    } else {
      for (const auto& c : model::to_cidr_strings(e.sources)) sources += (sources.empty() ? "" : ",") + c;
    }
    std::string rules;
    for (const auto& h : e.path) {
      if (h.kind == Hop::Kind::kNsg || h.kind == Hop::Kind::kNoNsg)
        rules += (rules.empty() ? "" : " > ") + hop_text(m, h);
    }
    out.push_back(fmt::format("{} {} {} {} {}", target, model::to_string(e.protocol), ports, sources, rules));
  }
  return out;
}

inline std::vector<std::string> analyze(EstateBuilder& b) {
  model::Diagnostics diags;
  model::Model m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  return summary(m, solver::analyze(m));
}

inline const std::vector<std::string> kAllOpen = {"tcp 0-65535", "udp 0-65535", "icmp -", "esp -", "ah -"};

}  // namespace exposim::testing::scenario
