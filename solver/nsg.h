// Exact NSG evaluation: which packets each rule of an NSG decides, first match wins by priority, for analyze, reach and
// explain. Where an NSG sits on a path (its slot and stage, the inbound and outbound chains) is solver/nsg_stage.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/model.h"
#include "solver/nsg_stage.h"
#include "solver/packet_set.h"
#include "solver/work_budget.h"

namespace exposim::solver {

class RuleSources;   // solver/nsg_sources.h
class AddressSpace;  // solver/address_space.h

/// The address set one side of a rule stands for. Unresolved Azure service tags (AzureCloud, ...) count
/// as the whole internet in allow rules and as nothing in deny rules, so that they never hide an exposure.
IpSet resolve_addresses(const model::AddressMatch& m, model::Access access, int subnet, const AddressSpace& space);

/// True when the rule's destination side covers `dst`.
bool destination_matches(const model::SecurityRule& r, const Destination& dst, const AddressSpace& space);

/// The packets (source, protocol, ports; destination unconstrained) that a rule matches.
/// Port ranges constrain TCP and UDP only; ICMP, ESP and AH packets have no ports and match any.
PacketSet source_match(const model::SecurityRule& r, int subnet, const AddressSpace& space);
/// The same, with the rule's source addresses already resolved (`src` = resolve_addresses of its source).
PacketSet source_match(const model::SecurityRule& r, const IpSet& src);

/// Evaluates `arriving` against the inbound (or outbound) rules of `nsg` for traffic to `dst`.
/// The decisions partition `arriving` (every packet is decided, by DenyAll at the latest), in rule order, one per
/// rule that decides some packet. By subtraction while the undecided rest stays a few cubes, else over elementary
/// cells (solver/nsg_cells.h). `sources`, when given, holds the rules' sources resolved for dst.subnet
/// (solver/nsg_sources.h): the result is the same, without resolving them again. Past `budget` work units over
/// cells, as `past` says (PastBudget).
std::vector<RuleDecision> evaluate_nsg(const model::NetworkSecurityGroup& nsg, model::Direction direction,
                                       const PacketSet& arriving, const Destination& dst, const AddressSpace& space,
                                       const RuleSources* sources = nullptr, PastBudget past = PastBudget::kThrow,
                                       std::uint64_t budget = kNsgWorkBudget);

/// The same decisions as evaluate_nsg, by the definition: each rule in turn takes what it matches of what no
/// earlier rule took (packet-set subtraction). Its cost grows with the fragments that interleaved allow and deny
/// rules make; kept as the reference for differential tests.
std::vector<RuleDecision> evaluate_nsg_by_subtraction(const model::NetworkSecurityGroup& nsg,
                                                      model::Direction direction, const PacketSet& arriving,
                                                      const Destination& dst, const AddressSpace& space);

/// Whether the destination of inbound rule `r` (an NSG rule or a security admin rule) reaches an entry point whose
/// instance addresses are not known, somewhere in `subnet_space` or at `frontends`: an allow rule when its
/// destination meets them, a deny rule only when it covers the whole subnet (so that a deny never hides a packet it
/// may not stop).
bool rule_reaches_entry(const model::SecurityRule& r, const IpSet& subnet_space, const IpSet& frontends);

/// How NSG slot `s` decides inbound `arriving` to `dst`: the NSG's decisions (evaluate_nsg), or, when there is no
/// NSG or it is not in the input, one allow decision of every packet with no rule (-1). `sources`, `past` and
/// `budget` as for evaluate_nsg.
std::vector<RuleDecision> decide_inbound(const model::Model& m, const NsgSlot& s, const PacketSet& arriving,
                                         const Destination& dst, const AddressSpace& space,
                                         const RuleSources* sources = nullptr, PastBudget past = PastBudget::kThrow,
                                         std::uint64_t budget = kNsgWorkBudget);

}  // namespace exposim::solver
