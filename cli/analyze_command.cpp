// `exposim analyze`: everything the internet can reach, as a table, JSON or CSV (cli/analyze_report.h).
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/analyze_report.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/input_options.h"
#include "cli/output.h"
#include "cli/timing.h"
#include "solver/exposure.h"

namespace exposim::cli {
namespace {

struct Analyze {
  InputOptions input;
  std::string format = "table";
  std::string output;

  int run(std::ostream& out, std::ostream& err) const {
    model::Model m;
    model::Diagnostics diags;
    std::optional<DiagnosticPolicy> policy;
    if (const int rc = load_inputs(input, err, m, diags, policy); rc != kExitOk) return rc;
    auto t0 = Clock::now();
    solver::Analysis a = solver::analyze(m);
    if (input.timings) {
      err << fmt::format("exposim: timing: solve {:.3f} s ({} targets, {} distinct evaluations)\n", seconds_since(t0),
                         a.targets_evaluated, a.distinct_evaluations);
    }
    std::vector<model::Diagnostic> sorted;
    if (const int rc = finish_diagnostics(input, *policy, diags, std::move(a.findings), err, sorted); rc != kExitOk) {
      return rc;
    }
    t0 = Clock::now();
    const int rc = write_output(
        output,
        [&](std::ostream& o) {
          if (format == "json") {
            write_json(o, m, a, sorted);
          } else if (format == "csv") {
            write_csv(o, m, a);
          } else {
            write_table(o, m, a);
          }
        },
        out, err);
    if (input.timings) err << fmt::format("exposim: timing: report {:.3f} s\n", seconds_since(t0));
    return rc;
  }
};

}  // namespace

Command::Run analyze_command(CLI::App& cmd) {
  auto c = std::make_shared<Analyze>();
  add_input_options(cmd, c->input, kInputFilesHelp);
  cmd.add_option("-f,--format", c->format, "Output format")->check(CLI::IsMember({"table", "json", "csv"}));
  cmd.add_option("-o,--output", c->output, "Write the report to this file (atomically) instead of stdout");
  return [c](std::ostream& out, std::ostream& err) { return c->run(out, err); };
}

}  // namespace exposim::cli
