// A trace's hop as analyze's path holds it (solver/explain.h, path_hop): the one hop shape both documents' version 2
// write (cli/hop_json.h).
#include <string_view>

#include "solver/explain.h"

namespace exposim::solver {

Hop path_hop(const model::Model& m, const TraceHop& h) {
  using RK = model::ResourceKind;
  Hop out = h;  // kind, resource_kind, resource, scope, rule, note, port, via_rule, via_target
  switch (h.kind) {
    case HopKind::kRoute:
      // analyze's route hop names the route table and its route (-1: a system route), explain's the subnet; the
      // reply's route is "return" in analyze, unscoped in explain's trace of a direct flow.
      if (*h.scope == '\0') out.scope = "return";
      out.resource_kind = RK::kRouteTable;
      out.resource = h.route_table;
      out.rule = h.route_table >= 0 ? h.route : -1;
      break;
    case HopKind::kLoadBalancer: {
      out.rule = h.lb_rule;
      out.port = -1;
      out.scope = "";
      if (h.lb_rule < 0) break;
      out.scope = h.lb_nat_pool ? "inbound-nat-pool" : h.lb_nat ? "inbound-nat" : "load-balancing";
      const bool ha_ports =
          !h.lb_nat && m.load_balancers[static_cast<std::size_t>(h.resource)].rules[h.lb_rule].frontend_port == 0;
      out.port = ha_ports ? -1 : h.frontend_port;
      break;
    }
    case HopKind::kFirewall:
      // The firewall's own DNAT rule has no scope in the trace; a firewall crossed between a gateway and its backend
      // keeps its scope ("network", "application", "default": the default deny).
      if (*h.scope == '\0') out.scope = "dnat";
      break;
    case HopKind::kApplicationGateway:
      out.rule = h.listener;
      out.via_rule = h.routing_rule;
      out.via_target = h.routing_target;
      out.port = std::string_view(h.scope) == "listener" ? h.frontend_port : h.backend_port;
      break;
    default: break;
  }
  return out;
}

}  // namespace exposim::solver
