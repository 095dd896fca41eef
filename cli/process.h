// Running a child process (Graphviz's `dot` for `exposim graph`): no shell, its standard input given, both of
// its outputs collected.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace exposim::cli {

/// What a child process did: whether it started (`spawn_error` is the errno when not), its exit status
/// (-1 when killed by a signal), and what it wrote.
struct ProcessResult {
  int spawn_error{0};
  int exit_status{-1};
  std::string out;
  std::string err;
};

/// Runs `argv[0]` found on PATH (no shell) with `input` on its standard input; collects both outputs.
ProcessResult run_process(const std::vector<std::string>& argv, std::string_view input);

}  // namespace exposim::cli
