// `exposim graph`: builds the diagram, writes DOT or JSON, or renders SVG/PNG through Graphviz's `dot`.
#include <cerrno>
#include <cstring>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/graph_diagram.h"
#include "cli/graph_report.h"
#include "cli/input_options.h"
#include "cli/output.h"
#include "cli/pipeline.h"
#include "cli/process.h"
#include "cli/timing.h"
#include "solver/analysis.h"

namespace exposim::cli {
namespace {

struct GraphOptions {
  std::string format;  // "dot", "svg", "png", "json"; "" = from the -o file's extension, else "dot"
  std::string output;  // "" or "-": stdout
  DiagramOptions diagram;
};

std::string extension_format(const std::string& path) {
  const auto dot = path.rfind('.');
  if (dot == std::string::npos) return "";
  std::string ext = path.substr(dot + 1);
  for (auto& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (ext == "svg" || ext == "png" || ext == "json" || ext == "dot") return ext;
  if (ext == "gv") return "dot";
  return "";
}

/// The last non-empty lines of a child's stderr, for an error message.
std::string tail_lines(const std::string& text) {
  constexpr std::size_t kMax = 600;
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  if (t.size() > kMax) t = "..." + t.substr(t.size() - kMax);
  return t;
}

/// Draws an analysed model. Returns an exit code (cli/exit_codes.h): 0; 2 for an unknown or ambiguous --focus;
/// 4 when the output cannot be written or Graphviz is missing or fails (nothing is written then).
int run_graph(const model::Model& m, const solver::Analysis& a, const GraphOptions& options, std::ostream& out,
              std::ostream& err) {
  std::string format = options.format;
  if (format.empty()) format = extension_format(options.output);
  if (format.empty()) format = "dot";
  const DiagramResult d = build_diagram(m, a, options.diagram);
  if (!d.error.empty()) {
    err << "exposim: error: " << d.error << '\n';
    for (const auto& c : d.candidates) err << "exposim: note: candidate: " << c << '\n';
    return kExitBadInput;
  }
  std::function<void(std::ostream&)> write;
  std::string rendered;
  if (format == "json") {
    write = [&](std::ostream& o) { write_graph_json(o, d.diagram); };
  } else if (format == "dot") {
    write = [&](std::ostream& o) { write_dot(o, d.diagram); };
  } else {
    std::ostringstream text;
    write_dot(text, d.diagram);
    const ProcessResult p = run_process({"dot", "-T" + format}, text.str());
    if (p.spawn_error == ENOENT) {
      err << fmt::format(
          "exposim: error: --format {} needs Graphviz: the program 'dot' was not found on PATH (install Graphviz, or "
          "write --format dot and render it elsewhere); nothing was written\n",
          format);
      return kExitOutputError;
    }
    if (p.spawn_error != 0) {
      err << fmt::format("exposim: error: cannot run Graphviz 'dot': {}; nothing was written\n",
                         std::strerror(p.spawn_error));
      return kExitOutputError;
    }
    if (p.exit_status != 0 || p.out.empty()) {
      err << fmt::format(
          "exposim: error: Graphviz 'dot -T{}' failed ({}){}{}; nothing was written\n", format,
          p.exit_status < 0 ? std::string("killed by a signal") : fmt::format("exit status {}", p.exit_status),
          p.err.empty() ? "" : ": ", tail_lines(p.err));
      return kExitOutputError;
    }
    rendered = p.out;
    write = [&](std::ostream& o) { o.write(rendered.data(), static_cast<std::streamsize>(rendered.size())); };
  }
  return write_output(options.output, write, out, err);
}

struct Graph {
  InputOptions input;
  GraphOptions options;

  int run(std::ostream& out, std::ostream& err) const {
    AnalyzedInputs in;
    if (const int rc = analyze_inputs(input, SolveTiming::kDuration, err, in); rc != kExitOk) return rc;
    const auto t0 = Clock::now();
    const int rc = run_graph(in.model, in.analysis, options, out, err);
    if (input.timings) err << fmt::format("exposim: timing: graph {:.3f} s\n", seconds_since(t0));
    return rc;
  }
};

}  // namespace

Command::Run graph_command(CLI::App& cmd) {
  auto c = std::make_shared<Graph>();
  add_input_options(cmd, c->input, kInputFilesHelp);
  cmd.add_option("-f,--format", c->options.format,
                 "dot (default), svg or png (rendered by Graphviz's 'dot' from PATH), or json; default: from the "
                 "-o file's extension")
      ->check(CLI::IsMember({"dot", "svg", "png", "json"}));
  cmd.add_option("-o,--output", c->options.output, "Write the diagram to this file (atomically) instead of stdout");
  cmd.add_option("--focus", c->options.diagram.focus,
                 "Draw one resource (name or id) with its neighbourhood and the exposed paths touching it");
  cmd.add_flag("--exposed-only", c->options.diagram.exposed_only, "Draw only what lies on exposed paths");
  cmd.add_flag("--expand-all", c->options.diagram.expand_all, "Never collapse private NICs into one node per subnet");
  return [c](std::ostream& out, std::ostream& err) { return c->run(out, err); };
}

}  // namespace exposim::cli
