// `exposim graph`: builds the diagram, writes DOT or JSON, or renders SVG/PNG through Graphviz's `dot`.
#include <memory>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/analyzed_inputs.h"
#include "cli/attack_path_options.h"
#include "cli/commands.h"
#include "cli/dot_render.h"
#include "cli/exit_codes.h"
#include "cli/graph_diagram.h"
#include "cli/graph_report.h"
#include "cli/input_options.h"
#include "cli/output.h"
#include "cli/terminal.h"
#include "cli/timing.h"
#include "model/ascii.h"
#include "solver/analysis.h"
#include "solver/attack_path.h"

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
  const std::string ext = model::ascii::lower(std::string_view(path).substr(dot + 1));
  if (ext == "svg" || ext == "png" || ext == "json" || ext == "dot") return ext;
  if (ext == "gv") return "dot";
  return "";
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
    if (const int rc = render_with_dot(format, text.str(), rendered, err); rc != kExitOk) return rc;
    write = [&](std::ostream& o) { o.write(rendered.data(), static_cast<std::streamsize>(rendered.size())); };
  }
  return write_output(options.output, write, out, err);
}

struct Graph {
  InputOptions input;
  GraphOptions options;
  AttackPathFlags attack;

  int run(std::ostream& out, std::ostream& err) const {
    if (!attack.critical.empty() && !attack.enabled) {
      err << "exposim: --critical applies with --attack-paths\n";
      return kExitUsage;
    }
    for (const auto& text : attack.critical) {
      if (const auto c = parse_critical_selector(text); !c.error.empty()) {
        err << "exposim: " << terminal_cell(c.error) << '\n';
        return kExitUsage;
      }
    }
    AnalyzedInputs in;
    std::optional<solver::AttackPaths> paths;
    AfterSolve after_solve;
    if (attack.enabled) {
      after_solve = [&](const model::Model& m, const solver::Analysis& a) {
        paths = compute_attack_paths(m, a, attack, input.jobs, err);
        return paths ? paths->findings : model::Diagnostics{};
      };
    }
    if (const int rc = analyze_inputs(input, SolveTiming::kDuration, err, in, after_solve); rc != kExitOk) return rc;
    if (attack.enabled && !paths) return kExitUsage;
    const auto t0 = Clock::now();
    GraphOptions drawn = options;
    if (paths) drawn.diagram.attack_paths = &*paths;
    const int rc = run_graph(in.model, in.analysis, drawn, out, err);
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
  add_attack_path_options(cmd, c->attack);
  return [c](std::ostream& out, std::ostream& err) { return c->run(out, err); };
}

}  // namespace exposim::cli
