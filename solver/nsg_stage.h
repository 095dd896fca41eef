// Where an NSG sits on a path and what deciding it yields: the slot (an NSG present, missing from the input or none),
// the stage (the slot, its scope and what carries it), the NSG chains of an ip configuration's inbound path and of a
// source's outbound path, the destination as NSG rules see it, and one rule's decision. The vocabulary that paths,
// explain and the east-west engine share; evaluating an NSG is solver/nsg.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/model.h"
#include "solver/packet_set.h"

namespace exposim::solver {

/// The ip configuration that traffic is destined to, as NSG rules see it (after public-IP translation).
struct Destination {
  std::optional<model::IpAddress> ip;            // absent when not yet allocated: address rules then do not match
  int subnet{-1};                                // index into model.subnets, for the VirtualNetwork tag
  const std::vector<model::Ref>* asgs{nullptr};  // ASG memberships of the ip configuration
};

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

}  // namespace exposim::solver
