// explain's trace as one line per hop, for tests that compare a whole trace at once (tests/explain_test.cpp,
// tests/path_follow_test.cpp).
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/model.h"
#include "solver/explain.h"

namespace exposim::testing {

/// "nsg(nic) stop nsg-app-nic/deny-rdp": one line per hop; " (unreached)" after the packet stopped.
inline std::vector<std::string> trace_hop_lines(const model::Model& m, const solver::FlowTrace& t) {
  std::vector<std::string> out;
  for (const auto& h : t.hops) {
    std::string s = solver::to_string(h.kind);
    if (*h.scope) s += fmt::format("({})", h.scope);
    s += h.passes ? " pass" : " stop";
    switch (h.kind) {
      case solver::HopKind::kEntry:
        if (t.via_public_ip && h.resource >= 0) s += " " + m.public_ips[h.resource].name;
        break;
      case solver::HopKind::kLoadBalancer: {
        const auto& lb = m.load_balancers[h.resource];
        s += " " + lb.name;
        if (h.lb_rule >= 0) s += "/" + (h.lb_nat ? lb.nat_rules[h.lb_rule].name : lb.rules[h.lb_rule].name);
        break;
      }
      case solver::HopKind::kNsg:
        if (h.resource >= 0) s += " " + m.nsgs[h.resource].name + "/" + m.nsgs[h.resource].rules[h.rule].name;
        break;
      case solver::HopKind::kRoute:
        s += h.route_table >= 0 ? " " + m.route_tables[h.route_table].routes[h.route].name : " system";
        break;
      case solver::HopKind::kFirewall: {
        const auto& fw = m.firewalls[h.resource];
        s += " " + fw.name;
        if (h.rule >= 0) {
          const auto& at = fw.order[h.rule];
          const auto& c = at.policy < 0 ? fw.classic[at.collection]
                                        : m.firewall_policies[at.policy].groups[at.group].collections[at.collection];
          s += "/" + c.rules[at.rule].name;
        }
        break;
      }
      default: break;
    }
    if (!h.reached) s += " (unreached)";
    out.push_back(s);
  }
  return out;
}

}  // namespace exposim::testing
