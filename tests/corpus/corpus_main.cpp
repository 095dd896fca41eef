// Entry point of the corpus suite: real designs by others in ../shared/corpus. Exits 77 (ctest: skipped)
// when that directory is absent, so that a checkout without ../shared still passes.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <filesystem>
#include <iostream>

int main(int argc, char** argv) {
  if (!std::filesystem::is_directory(EXPOSIM_SHARED_DIR "/corpus")) {
    std::cout << "corpus: " << EXPOSIM_SHARED_DIR "/corpus"
              << " not found, skipping\n";
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
