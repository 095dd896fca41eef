// explain's admin stage: the security admin rule that decides one packet before the target's NSGs, or before an
// east-west source's outbound NSGs (solver/network_manager.h).
#include "solver/network_manager.h"
#include "solver/explain/internal.h"

namespace exposim::solver::explain_internal {

namespace {

/// The admin hop of virtual network `vnet` for one packet decided as `decisions`.
TraceHop admin_trace_hop(int vnet, const std::vector<AdminDecision>& decisions, bool& skip_nsgs) {
  // One packet: one decision. Several sources (a firewall's SNAT addresses, a Bastion subnet's, an application
  // gateway's instances): the flow passes when any of them passes, as analyze reports it, so the most permissive
  // decision is shown: AlwaysAllow, then Allow or no rule, then Deny (the first of equals, in rule order).
  const auto admin_hop_permissiveness = [](const AdminDecision& x) {
    if (x.rule < 0) return 1;
    return x.access == model::AdminAccess::kAlwaysAllow ? 2 : x.access == model::AdminAccess::kDeny ? 0 : 1;
  };
  const AdminDecision* d = nullptr;
  for (const auto& x : decisions) {
    if (d == nullptr || admin_hop_permissiveness(x) > admin_hop_permissiveness(*d)) d = &x;
  }
  const int rule = d != nullptr ? d->rule : -1;
  TraceHop h;
  static_cast<Hop&>(h) = admin_hop(vnet, rule);
  h.passes = rule < 0 || d->access != model::AdminAccess::kDeny;
  h.why.code = rule >= 0 ? ReasonCode::kAdminRule : ReasonCode::kAdminNoRule;
  h.why.vnet = vnet;
  h.why.rule = rule;
  h.why.passes = h.passes;
  skip_nsgs = rule >= 0 && d->access == model::AdminAccess::kAlwaysAllow;
  return h;
}

}  // namespace

TraceHop packet_admin_hop(const model::Model& m, const AddressSpace& space, const Stage& stage, const PacketSet& packet,
                          const Destination& dst, bool& skip_nsgs) {
  return admin_trace_hop(stage.resource, decide_admin(m, stage.resource, packet, dst, space), skip_nsgs);
}

TraceHop packet_outbound_admin_hop(const model::Model& m, const AddressSpace& space, const Stage& stage,
                                   const PacketSet& packet, const Destination& dst, bool& skip_nsgs) {
  TraceHop h = admin_trace_hop(
      stage.resource, decide_admin(m, stage.resource, packet, dst, space, model::Direction::kOutbound), skip_nsgs);
  h.scope = stage.scope;
  h.why.outbound = true;
  return h;
}

TraceHop packet_entry_admin_hop(const model::Model& m, const AddressSpace& space, int vnet, const FlowQuery& q,
                                std::uint16_t port, int subnet, const IpSet& frontends, bool allows_only,
                                bool& skip_nsgs) {
  const bool ported = model::has_ports(q.protocol);
  PortSet source_port;
  PortSet destination_port;
  if (ported) {
    source_port.add(q.source_port, q.source_port);
    destination_port.add(port, port);
  }
  const PacketSet packet(Cube{model::to_set(q.source), IpSet::all(), model::bit(q.protocol),
                              ported ? source_port : PortSet::all(), ported ? destination_port : PortSet::all()});
  return admin_trace_hop(vnet, decide_admin_at_entry(m, vnet, packet, subnet, frontends, space, allows_only),
                         skip_nsgs);
}

TraceHop snat_entry_admin_hop(const model::Model& m, const AddressSpace& space, int vnet, const IpSet& snat,
                              std::uint16_t port, int subnet, const IpSet& frontends, bool& skip_nsgs) {
  // As analyze (dnat_arrivals): every SNAT address, any source port, Deny rules not applied.
  const PacketSet arriving(
      Cube{snat, IpSet::all(), model::bit(model::Protocol::kTcp), PortSet::all(), PortSet::single(port)});
  return admin_trace_hop(vnet, decide_admin_at_entry(m, vnet, arriving, subnet, frontends, space, true), skip_nsgs);
}

}  // namespace exposim::solver::explain_internal
