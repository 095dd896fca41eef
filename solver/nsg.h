// Exact NSG evaluation: which packets each rule of an NSG decides, first match wins by priority; and the NSG chains
// of an ip configuration's inbound path (the subnet's NSG, then the NIC's) and of a source's outbound path (the NIC's,
// then the subnet's), one definition each for analyze, reach and explain.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/model.h"
#include "solver/packet_set.h"
#include "solver/work_budget.h"

namespace exposim::solver {

class RuleSources;   // solver/nsg_sources.h
class AddressSpace;  // solver/address_space.h

/// The ip configuration that traffic is destined to, as NSG rules see it (after public-IP translation).
struct Destination {
  std::optional<model::IpAddress> ip;            // absent when not yet allocated: address rules then do not match
  int subnet{-1};                                // index into model.subnets, for the VirtualNetwork tag
  const std::vector<model::Ref>* asgs{nullptr};  // ASG memberships of the ip configuration
};

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

/// An NSG on a path: present (index into model.nsgs), referenced but absent from the input (assumed to admit
/// everything, which never hides an exposure), or none.
struct NsgSlot {
  enum class State { kNone, kPresent, kMissing } state{State::kNone};
  int index{-1};
};
/// The slot a subnet's or NIC's `nsg` reference stands for.
NsgSlot nsg_slot(const model::Ref& ref);
/// The slot of the subnet a `subnet` reference names: missing when the subnet is not in the input (an NSG that
/// admits everything is assumed), else the subnet's NSG; none when nothing is referenced.
NsgSlot subnet_nsg_slot(const model::Model& m, const model::Ref& subnet);

/// One NSG filter on the inbound path to an ip configuration: its slot, its scope ("subnet" or "nic") and what it
/// is attached to (the subnet, or the NIC), which a hop names when there is no NSG.
struct NsgStage {
  NsgSlot slot;
  const char* scope{""};
  model::ResourceKind owner_kind{model::ResourceKind::kSubnet};
  int owner{-1};
};
/// The NSG filters of the inbound path to ip configuration `x`, in the order Azure applies them: the subnet's, then
/// the NIC's (docs/model.md#network-security-groups). The one definition of that chain, for analyze and explain.
std::array<NsgStage, 2> inbound_nsg_stages(const model::Model& m, const model::IpConfigIndex& x);
/// The same chain to an address of subnet `subnet` (an index into model.subnets) that no ip configuration of the
/// input holds (an entry point's subnet, or NICs not exported): the subnet's NSG, then no NIC NSG.
std::array<NsgStage, 2> inbound_nsg_stages(const model::Model& m, int subnet);
/// The NSG filters of the outbound path from a source, in the order Azure applies them to what it sends: the NIC's,
/// then its subnet's (scopes "nic-outbound" and "subnet-outbound"; docs/model.md#network-security-groups). `x`: the
/// source ip configuration, or (nic -1) an address of subnet `subnet` that no ip configuration of the input holds (no
/// NIC NSG then); `subnet`: the source's subnet (index into model.subnets, -1: unknown), which the subnet stage names
/// as its owner. The one definition of that chain, for the east-west paths to ip configurations and to PaaS services.
std::array<NsgStage, 2> outbound_nsg_stages(const model::Model& m, const model::IpConfigIndex& x, int subnet);

/// One rule's share of the traffic: the packets it was the first to match.
struct RuleDecision {
  int rule{-1};  // index into nsg.rules
  model::Access access{model::Access::kDeny};
  PacketSet packets;
};

/// What an NSG evaluation does when the NSG's exact decisions would cost more than its work budget
/// (solver/work_budget.h): throw WorkBudgetExceeded (explain decides one packet, whose evaluation never gets there:
/// docs/model.md, "NSGs past the work budget"), or read the NSG as admitting every packet that arrives at it
/// (analyze): one allow decision of all of `arriving` by rule kNsgOverApproximated, an over-approximation that can
/// never hide an exposure.
enum class PastBudget : std::uint8_t { kThrow, kAdmitAll };

/// The rule of the decision by which an NSG past its work budget admits everything (PastBudget::kAdmitAll): no rule
/// of the NSG decided it. Negative like the -1 of "no NSG", so that whatever reads a rule only when it is >= 0 reads
/// none; an NSG hop of analyze with this rule says so in its note (kNsgOverApproximatedNote).
inline constexpr int kNsgOverApproximated = -2;
/// The note of an NSG hop whose NSG analyze read as admitting everything.
inline constexpr const char* kNsgOverApproximatedNote =
    "not evaluated: its rules need more than the work budget; assumed to admit everything (an over-approximation)";

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
