// Round counts of the randomised tests. Under the sanitizers (EXPOSIM_SANITIZE, which slows these loops about
// thirty-fold) the same tests run a fifth of their rounds, with the same seeds: the Release run keeps the full
// count for coverage, the sanitized run still drives every code path through ASan and UBSan, and CI stays
// well under its time budget.
#pragma once

namespace exposim::test {

#ifdef EXPOSIM_SANITIZED
inline constexpr int kRoundDivisor = 5;
#else
inline constexpr int kRoundDivisor = 1;
#endif

/// `rounds` in a Release build, a fifth of them (at least one) under the sanitizers.
constexpr int rounds(int full) { return full / kRoundDivisor > 0 ? full / kRoundDivisor : 1; }

}  // namespace exposim::test
