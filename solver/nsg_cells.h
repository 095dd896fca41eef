// NSG evaluation over elementary cells: the rules' boundaries cut each dimension into intervals, every cell is
// decided once by the first rule that matches it, and cells are merged back into cubes only for the result.
// Its cost follows the number of rules and boundaries, not the fragments that subtracting rules one by one makes.
#pragma once

#include <cstdint>
#include <vector>

#include "model/model.h"
#include "solver/nsg.h"
#include "solver/packet_set.h"
#include "solver/work_budget.h"

namespace exposim::solver {

class AddressSpace;  // solver/address_space.h

/// The same decisions as evaluate_nsg_by_subtraction (the same rules, in the same order, each with the same
/// packets, possibly decomposed into other cubes), computed over elementary cells (docs/model.md, "NSG evaluation
/// over elementary cells").
std::vector<RuleDecision> evaluate_nsg_cells(const model::NetworkSecurityGroup& nsg, model::Direction direction,
                                             const PacketSet& arriving, const Destination& dst,
                                             const AddressSpace& space);

/// evaluate_nsg_cells for several arriving sets against the same NSG and destination (the NIC's NSG after each
/// share the subnet's NSG allowed): the rules are resolved and cut once. Result i is the decisions of arrivings[i].
/// `sources`, when given, holds the rules' sources resolved for dst.subnet (solver/nsg_sources.h). Throws
/// WorkBudgetExceeded, before doing it, when the evaluation would spend more than `budget` work units
/// (solver/work_budget.h); under the budget the result does not depend on it. `spent`, when given, receives the
/// units the evaluation spent (bench/nsg_worst.cpp).
std::vector<std::vector<RuleDecision>> evaluate_nsg_cells_each(
    const model::NetworkSecurityGroup& nsg, model::Direction direction, const std::vector<const PacketSet*>& arrivings,
    const Destination& dst, const AddressSpace& space, const RuleSources* sources = nullptr,
    std::uint64_t budget = kNsgWorkBudget, std::uint64_t* spent = nullptr);

/// decide_inbound for several arriving sets against the same slot and destination, the NSG's rules resolved once:
/// result i is decide_inbound(m, s, *arrivings[i], dst, space, sources), for analyze: when the arriving sets that
/// the NSG's rules fragment would together cost more than `budget` work units over cells, each of them is admitted
/// whole by rule kNsgOverApproximated (PastBudget::kAdmitAll); the others are decided exactly.
std::vector<std::vector<RuleDecision>> decide_inbound_each(const model::Model& m, const NsgSlot& s,
                                                           const std::vector<const PacketSet*>& arrivings,
                                                           const Destination& dst, const AddressSpace& space,
                                                           const RuleSources* sources = nullptr,
                                                           std::uint64_t budget = kNsgWorkBudget);

}  // namespace exposim::solver
