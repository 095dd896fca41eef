// Small deterministic picks for the randomised NSG tests: mt19937's sequence is fixed by the standard, the
// distributions of <random> are not, so these draw by modulo and give the same picks on every standard library.
#pragma once

#include <cstdint>
#include <random>

namespace exposim::testing {

struct SeededPicks {
  std::mt19937 g;
  explicit SeededPicks(std::uint32_t seed) : g(seed) {}
  /// A number in [0, n).
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(g() % n); }
  /// An element of `c`.
  template <typename C>
  const auto& pick(const C& c) {
    return c[below(static_cast<std::uint32_t>(c.size()))];
  }
};

}  // namespace exposim::testing
