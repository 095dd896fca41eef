// Catch2's implementation, compiled once for both test binaries (each has its own main, which calls
// run_catch_session): about 13 s of CPU at -O0, which each binary paid before.
#define CATCH_CONFIG_RUNNER
#include "catch_runner.h"

#include <catch2/catch.hpp>

namespace exposim::test {

int run_catch_session(int argc, char** argv) { return Catch::Session().run(argc, argv); }

}  // namespace exposim::test
