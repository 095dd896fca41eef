// --timings: how long a phase took, for the "exposim: timing: PHASE N s" lines every command prints to stderr.
#pragma once

#include <chrono>

namespace exposim::cli {

using Clock = std::chrono::steady_clock;

/// The seconds from `t` to now.
inline double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace exposim::cli
