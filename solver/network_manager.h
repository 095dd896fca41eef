// Security admin rules (Azure Virtual Network Manager) as a stage of an inbound path: evaluated before the subnet's
// NSG, over packet sets for analyze and over one packet for explain (docs/model.md, "Security admin rules"); and,
// outbound, at an east-west source before its outbound NSGs (reach(), explain --from). Which rules apply to a virtual
// network, and in which order, is validation's (VirtualNetwork::admin_rules, admin_rules_outbound).
#pragma once

#include <string>
#include <vector>

#include "model/model.h"
#include "solver/hop.h"
#include "solver/nsg_stage.h"
#include "solver/packet_set.h"

namespace exposim::solver {

class AddressSpace;  // solver/address_space.h

/// The virtual network of subnet `subnet` when security admin rules apply to it; else -1.
int admin_rules_vnet(const model::Model& m, int subnet);
/// The same for outbound security admin rules: the virtual network of subnet `subnet` when outbound rules apply to
/// it, else -1.
int admin_rules_outbound_vnet(const model::Model& m, int subnet);

/// One admin rule's share of the traffic: the packets it was the first to match. `rule` -1: the packets no admin
/// rule matched, which go on to the NSGs like those an Allow rule matched.
struct AdminDecision {
  int rule{-1};  // index into Model::admin_rules
  model::AdminAccess access{model::AdminAccess::kAllow};
  PacketSet packets;
};

/// How the admin rules of virtual network `vnet` decide inbound `arriving` to `dst`: a partition of `arriving`, in
/// rule order (first match wins), then what no rule matched. Service tags resolve as in NSG rules (resolve_addresses):
/// a tag exposim cannot resolve is the whole internet in an Allow or AlwaysAllow rule, nothing in a Deny rule.
/// `direction` kOutbound: its outbound rules decide packets leaving a source in `vnet` for `dst` (whose `subnet` is
/// then the source's, for the VirtualNetwork tag, as for outbound NSG rules).
std::vector<AdminDecision> decide_admin(const model::Model& m, int vnet, const PacketSet& arriving,
                                        const Destination& dst, const AddressSpace& space,
                                        model::Direction direction = model::Direction::kInbound);

/// The same for an entry point whose instance address is not known, somewhere in subnet `subnet` or at one of
/// `frontends` (a SQL managed instance's public data endpoint, an application gateway's listener), read so that it
/// never hides an exposure, as its subnet's NSG is (entry_nsg_decisions): an Allow or AlwaysAllow rule applies when
/// its destination meets the subnet or a frontend, a Deny rule only when it covers the subnet. `allows_only`: Deny
/// rules are not applied at all (where exposim does not know whether the admin rules act).
std::vector<AdminDecision> decide_admin_at_entry(const model::Model& m, int vnet, const PacketSet& arriving, int subnet,
                                                 const IpSet& frontends, const AddressSpace& space, bool allows_only);

/// Whether an AlwaysAllow rule of virtual network `vnet` could admit TCP to an entry point in subnet `subnet` or at
/// `frontends` on `ports` (its destination meets them, its ports meet `ports`).
bool admin_always_allow_at_entry(const model::Model& m, int vnet, int subnet, const IpSet& frontends,
                                 const PortSet& ports);

/// What analyze's evaluation key needs of the admin stage of `vnet` for `dst`: the VNet and which of its rules'
/// destinations cover `dst` (empty when `vnet` is -1); of its outbound rules for `direction` kOutbound.
std::string admin_stage_key(const model::Model& m, int vnet, const Destination& dst, const AddressSpace& space,
                            model::Direction direction = model::Direction::kInbound);

/// What a change of security admin rule `key` (added, removed or modified) may change, between two validated
/// models of one estate (the same virtual networks at the same indices): flags, indexed like Model::vnets, of the
/// virtual networks whose admin stage differs, those where the rule applies on either side, and those whose
/// applied rules differ in any way (a removal renumbers the rules after it). A rule not applied anywhere (a Deny
/// rule whose membership or deployment is undecided) flags none.
std::vector<char> admin_changed_vnets(const model::Model& before, const model::Model& after, const std::string& key);

/// The hop of the admin stage: the deciding rule (`resource` and `rule`), or the VNet when no rule matches (`rule`
/// -1). `scope`: "" for the inbound stage, "outbound" for an east-west source's outbound stage.
Hop admin_hop(int vnet, int rule, const char* scope = "");

}  // namespace exposim::solver
