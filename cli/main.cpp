// exposim: network exposure simulator for Azure. Entry point; see cli/commands.cpp for the command table.
#include <iostream>
#include <string>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cli/commands.h"
#include "cli/memory_limit.h"

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // Blocks of 64 KiB and more (the large vectors of a big estate) come from mmap and go back to the system
  // when freed, instead of raising glibc's adaptive threshold and staying in the heap: about 4 MB less peak
  // RSS at 100k NICs (docs/performance.md).
  mallopt(M_MMAP_THRESHOLD, 64 * 1024);
#endif
  std::ios::sync_with_stdio(false);
  exposim::cli::allow_memory_limit(true);  // --max-memory caps this process (cli/memory_limit.h)
  std::vector<std::string> args(argv + 1, argv + argc);
  return exposim::cli::run(args, std::cout, std::cerr);
}
