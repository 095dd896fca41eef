// Entry point of the unit test binary (Catch2's implementation: tests/catch_runner.cpp).
#include "catch_runner.h"

int main(int argc, char** argv) { return exposim::test::run_catch_session(argc, argv); }
