// The import, validation and analysis of an estate of the gateway fixture (tests/gateway_fixture.h), with its
// exposures printed one per line. run() is defined in tests/analyze_support.cpp.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/analysis.h"
#include "tests/gateway_fixture.h"

namespace exposim::testing::gateway_estate {

using solver::Hop;

struct Run {
  model::Model m;
  model::Diagnostics diags;
  solver::Analysis a;
};

/// `resources` imported, validated (missing references allowed with `allow_missing`) and, without errors, analysed.
Run run(const json& resources, bool allow_missing = false);

/// A hop, briefly: kind, scope and the deciding NSG rule or the listener.
inline std::string hop_text(const model::Model& m, const Hop& h) {
  switch (h.kind) {
    case Hop::Kind::kSource: return "internet";
    case Hop::Kind::kEntry: return "pip:" + (h.resource >= 0 ? m.public_ips[h.resource].name : std::string("?"));
    case Hop::Kind::kNsg: {
      std::string s = std::string("nsg(") + h.scope + "):";
      if (h.resource < 0) return s + "missing";
      return s + m.nsgs[h.resource].name + "/" + (h.rule >= 0 ? m.nsgs[h.resource].rules[h.rule].name : "?");
    }
    case Hop::Kind::kNoNsg: return std::string("no-nsg(") + h.scope + ")";
    case Hop::Kind::kBastion: return std::string("bastion(") + h.scope + ")";
    case Hop::Kind::kApplicationGateway: {
      const auto& g = m.application_gateways[h.resource];
      std::string s = std::string("agw(") + h.scope + "):" + g.listeners[h.rule].name;
      if (h.via_rule >= 0) s += "->" + std::to_string(h.port);
      return s;
    }
    case Hop::Kind::kLoadBalancer: {
      const auto& lb = m.load_balancers[h.resource];
      return "lb:" + lb.name + "/" + lb.rules[h.rule].name;
    }
    case Hop::Kind::kTarget: return "target";
    case Hop::Kind::kFirewall: {
      const auto& fw = m.firewalls[h.resource];
      if (h.rule < 0) return std::string("fw(") + h.scope + "):" + fw.name;
      const auto& at = fw.order[h.rule];
      const auto& c = m.firewall_policies[at.policy].groups[at.group].collections[at.collection];
      return std::string("fw(") + h.scope + "):" + c.name + "/" + c.rules[at.rule].name;
    }
    case Hop::Kind::kRoute: {
      const std::string what = h.resource >= 0 ? m.route_tables[h.resource].routes[h.rule].name : "system";
      return std::string("route(") + h.scope + "):" + what;
    }
    default: return "?";
  }
}

/// One exposure per line: target, via, entry ports -> protocol and ports, sources, path.
inline std::vector<std::string> lines(const Run& r) {
  std::vector<std::string> out;
  for (const auto& e : r.a.exposures) {
    const auto* res = e.nic >= 0 ? static_cast<const model::ResourceBase*>(&r.m.nics[e.nic])
                                 : r.m.resource(model::GraphVertex{e.target_kind, e.target});
    std::string s =
        fmt::format("{} {} {}->{} {} {} |", res->name, solver::to_string(e.via), model::to_string(e.entry_ports),
                    model::to_string(e.protocol), model::to_string(e.ports), e.any_source ? "any" : "some");
    for (const auto& h : e.path) s += fmt::format(" {}", hop_text(r.m, h));
    out.push_back(s);
  }
  return out;
}

}  // namespace exposim::testing::gateway_estate
