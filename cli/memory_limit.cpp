// The memory budget of a run (cli/memory_limit.h).
#include "cli/memory_limit.h"

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>

#if defined(__SANITIZE_ADDRESS__)
#define EXPOSIM_MEMORY_LIMIT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EXPOSIM_MEMORY_LIMIT_ASAN 1
#endif
#endif

namespace exposim::cli {
namespace {

std::atomic<bool> memory_limit_allowed{false};
std::atomic<std::uint64_t> memory_limit_in_force{0};

}  // namespace

void allow_memory_limit(bool allowed) { memory_limit_allowed = allowed; }

std::uint64_t default_memory_limit() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
}

std::uint64_t apply_memory_limit(std::uint64_t bytes) {
#if defined(EXPOSIM_MEMORY_LIMIT_ASAN)
  (void)bytes;
  return 0;
#else
  if (!memory_limit_allowed) return 0;
  if (bytes == kDefaultMemoryLimit) bytes = default_memory_limit();
  if (bytes == 0) return 0;
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0) return 0;
  if (limit.rlim_max != RLIM_INFINITY && bytes > limit.rlim_max) bytes = limit.rlim_max;
  limit.rlim_cur = static_cast<rlim_t>(bytes);
  if (::setrlimit(RLIMIT_AS, &limit) != 0) return 0;
  memory_limit_in_force = bytes;
  return bytes;
#endif
}

std::uint64_t memory_limit_applied() { return memory_limit_in_force; }

}  // namespace exposim::cli
