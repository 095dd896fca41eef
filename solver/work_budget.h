// The work budget of one evaluation (docs/security.md, "Limits"): a deterministic count of the work an NSG
// evaluation over elementary cells is about to do, checked before it does it, so that a hostile NSG ends the run
// with an error instead of running for hours. The count does not depend on the machine, the threads or the clock.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace exposim::solver {

/// Work units one NSG evaluation (one call of evaluate_nsg_cells_each: one NSG, one destination, its arriving sets)
/// may spend: a unit is one (source class, 64 rules) test of one cell, or one source interval placed into a decided
/// cube. A unit costs tens of nanoseconds and some bytes, so 10^9 is a minute or more of one core; no evaluation of
/// the bench estates at 10,000 NICs reaches the cells at all (docs/security.md).
inline constexpr std::uint64_t kNsgWorkBudget = 1'000'000'000;

/// Thrown by an evaluation that would exceed its work budget; what() names the NSG, the destination and the budget.
/// analyze never lets it out: it reads such an NSG as admitting everything (PastBudget in solver/nsg.h); should
/// anything else throw it, the CLI reports it as an error, exit 2 (cli/commands.cpp).
class WorkBudgetExceeded : public std::runtime_error {
 public:
  WorkBudgetExceeded(const std::string& what, std::uint64_t needed) : std::runtime_error(what), needed_(needed) {}
  /// The units spent before the refused charge plus that charge (saturated): a lower bound of what the whole
  /// evaluation needs (bench/nsg_worst.cpp reports it).
  std::uint64_t needed() const { return needed_; }

 private:
  std::uint64_t needed_{0};
};

}  // namespace exposim::solver
