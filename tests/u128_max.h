// The largest 128-bit value: the last IPv6 address and the top of every U128 interval, which the IP, interval and
// packet set tests check their edges against.
#pragma once

#include "model/ip.h"

namespace exposim::testing {

/// 2^128 - 1.
inline constexpr model::U128 kMax128 = ~static_cast<model::U128>(0);

}  // namespace exposim::testing
