// Entry point of the corpus suite: real designs by others in ../shared/corpus. Exits 77 (ctest: skipped)
// when that directory is absent, so that a checkout without ../shared still passes. Catch2's implementation:
// tests/catch_runner.cpp.
#include <filesystem>
#include <iostream>

#include "tests/catch_runner.h"

int main(int argc, char** argv) {
  if (!std::filesystem::is_directory(EXPOSIM_SHARED_DIR "/corpus")) {
    std::cout << "corpus: " << EXPOSIM_SHARED_DIR "/corpus"
              << " not found, skipping\n";
    return 77;
  }
  return exposim::test::run_catch_session(argc, argv);
}
