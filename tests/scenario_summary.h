// The one-line summary of an analysis that the NSG, compute and exposure scenario tests compare against:
// "vm1 tcp 80 any nsg1/allow-http > nsg2/allow-http", one line per exposure in the solver's order.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "model_builder.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
}  // namespace exposim::solver

namespace exposim::testing::scenario {

using namespace exposim::testing;

/// "vm1 tcp 80 any nsg1/allow-http > nsg2/allow-http": one line per exposure, in the solver's order.
std::vector<std::string> summary(const model::Model& m, const solver::Analysis& a);

/// The estate `b` builds (no errors) analysed, as summary() writes it.
std::vector<std::string> analyze(EstateBuilder& b);

inline const std::vector<std::string> kAllOpen = {"tcp 0-65535", "udp 0-65535", "icmp -", "esp -", "ah -"};

}  // namespace exposim::testing::scenario
