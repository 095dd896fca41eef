// `exposim report`: one self-contained HTML page for a design review (cli/html_report.h), its diagram rendered by
// Graphviz's `dot` when it is installed.
#include <cerrno>
#include <cstring>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/analyzed_inputs.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/graph_diagram.h"
#include "cli/graph_report.h"
#include "cli/html_report.h"
#include "cli/input_options.h"
#include "cli/output.h"
#include "cli/process.h"
#include "cli/timing.h"
#include "solver/recommendation.h"

namespace exposim::cli {
namespace {

/// Beyond this many nodes Graphviz takes minutes and the picture cannot be read in a page.
constexpr std::size_t kMaxDiagramNodes = 400;

/// The diagram of the exposed paths as SVG, or in `note` why there is none (never an error: the page says it).
void render_diagram(const model::Model& m, const solver::Analysis& a, std::string& svg, std::string& note) {
  DiagramOptions options;
  options.exposed_only = true;
  const DiagramResult d = build_diagram(m, a, options);
  if (d.diagram.paths.empty()) {
    note = "Nothing is reachable from the internet: there is no exposed path to draw.";
    return;
  }
  if (d.diagram.nodes.size() > kMaxDiagramNodes) {
    note = fmt::format(
        "The exposed paths make {} nodes, more than the {} this page draws: draw them with exposim graph "
        "--exposed-only, or one resource at a time with --focus.",
        d.diagram.nodes.size(), kMaxDiagramNodes);
    return;
  }
  std::ostringstream text;
  write_dot(text, d.diagram);
  const ProcessResult p = run_process({"dot", "-Tsvg"}, text.str());
  if (p.spawn_error == ENOENT) {
    note =
        "Graphviz's 'dot' was not found on PATH, so the diagram is not drawn: install Graphviz and run exposim report "
        "again, or draw it with exposim graph --format dot.";
  } else if (p.spawn_error != 0) {
    note = fmt::format("Graphviz's 'dot' could not be run ({}), so the diagram is not drawn.",
                       std::strerror(p.spawn_error));
  } else if (p.exit_status != 0 || p.out.empty()) {
    note = fmt::format(
        "Graphviz's 'dot -Tsvg' failed ({}), so the diagram is not drawn.",
        p.exit_status < 0 ? std::string("killed by a signal") : fmt::format("exit status {}", p.exit_status));
  } else if (inline_svg(p.out).empty()) {
    note = "Graphviz's output was not a plain SVG document, so the diagram is not drawn.";
  } else {
    svg = p.out;
  }
}

struct Report {
  InputOptions input;
  std::string output;

  int run(std::ostream& out, std::ostream& err) const {
    AnalyzedInputs in;
    if (const int rc = analyze_inputs(input, SolveTiming::kDuration, err, in); rc != kExitOk) return rc;
    const auto t0 = Clock::now();
    const solver::Recommendations recommendations = solver::recommend(in.model, in.analysis);
    HtmlReportInput report{in.model, in.analysis, recommendations, in.diagnostics, input.files, "", ""};
    render_diagram(in.model, in.analysis, report.svg, report.diagram_note);
    const int rc = write_output(
        output, [&](std::ostream& o) { write_html_report(o, report); }, out, err);
    if (input.timings) err << fmt::format("exposim: timing: report {:.3f} s\n", seconds_since(t0));
    return rc;
  }
};

}  // namespace

Command::Run report_command(CLI::App& cmd) {
  auto c = std::make_shared<Report>();
  add_input_options(cmd, c->input, kInputFilesHelp);
  cmd.add_option("-o,--output", c->output, "Write the HTML page to this file (atomically) instead of stdout");
  return [c](std::ostream& out, std::ostream& err) { return c->run(out, err); };
}

}  // namespace exposim::cli
