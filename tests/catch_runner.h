// Runs the Catch2 session of a test binary: Catch2's implementation is compiled once, in tests/catch_runner.cpp, for
// both test binaries, whose main functions (tests/test_main.cpp, tests/corpus/corpus_main.cpp) call this.
#pragma once

namespace exposim::test {

/// Catch::Session().run(argc, argv): the test cases selected by the command line, and the exit status.
int run_catch_session(int argc, char** argv);

}  // namespace exposim::test
