// The memory budget of a run (--max-memory): a cap on the process's address space, so that an input that needs
// more fails fast with "out of memory" (exit 2) instead of being killed by the system (docs/security.md).
#pragma once

#include <cstdint>

namespace exposim::cli {

/// The value of --max-memory that means "the default" (default_memory_limit()); 0 means no limit.
inline constexpr std::uint64_t kDefaultMemoryLimit = UINT64_MAX;

/// Lets apply_memory_limit() change the process's limit. main() allows it; a test that runs commands inside its
/// own process does not, so that the limit of one command does not stay on the tests after it.
void allow_memory_limit(bool allowed);

/// The default budget: the machine's physical memory (sysconf), or 0 (no limit) when it is unknown.
std::uint64_t default_memory_limit();

/// Sets the soft limit of the process's address space (RLIMIT_AS) to `bytes` (kDefaultMemoryLimit: the default;
/// 0: none), never above the hard limit. Does nothing unless allowed, nor in a build with AddressSanitizer, whose
/// shadow memory is address space. Returns the limit in force afterwards (0: none set by exposim).
std::uint64_t apply_memory_limit(std::uint64_t bytes);

/// The limit apply_memory_limit() set, for the message of an allocation that failed; 0 when none.
std::uint64_t memory_limit_applied();

}  // namespace exposim::cli
