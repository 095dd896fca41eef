// `exposim graph`: the estate and its exposed paths as a diagram (DOT, SVG, PNG via Graphviz, or JSON).
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/graph_diagram.h"
#include "model/model.h"
#include "solver/exposure.h"

namespace exposim::cli {

struct GraphOptions {
  std::string format;  // "dot", "svg", "png", "json"; "" = from the -o file's extension, else "dot"
  std::string output;  // "" or "-": stdout
  DiagramOptions diagram;
};

/// Draws an analysed model. Returns an exit code (cli/exit_codes.h): 0; 2 for an unknown or ambiguous --focus;
/// 4 when the output cannot be written or Graphviz is missing or fails (nothing is written then).
int run_graph(const model::Model& m, const solver::Analysis& a, const GraphOptions& options, std::ostream& out,
              std::ostream& err);

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
