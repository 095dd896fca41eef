// explain's admin stage: the security admin rule that decides one packet before the target's NSGs
// (solver/network_manager.h).
#include "solver/network_manager.h"
#include "solver/explain/internal.h"

namespace exposim::solver::explain_internal {

TraceHop packet_admin_hop(const model::Model& m, const AddressSpace& space, const Stage& stage, const PacketSet& packet,
                          const Destination& dst, bool& skip_nsgs) {
  skip_nsgs = false;
  const auto decisions = decide_admin(m, stage.resource, packet, dst, space);
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
  static_cast<Hop&>(h) = admin_hop(stage.resource, rule);
  h.passes = rule < 0 || d->access != model::AdminAccess::kDeny;
  h.why.code = rule >= 0 ? ReasonCode::kAdminRule : ReasonCode::kAdminNoRule;
  h.why.vnet = stage.resource;
  h.why.rule = rule;
  h.why.passes = h.passes;
  skip_nsgs = rule >= 0 && d->access == model::AdminAccess::kAlwaysAllow;
  return h;
}

}  // namespace exposim::solver::explain_internal
