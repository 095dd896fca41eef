// `exposim analyze`: everything the internet can reach, as a table, JSON or CSV (cli/analyze_report.h).
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/analyze_report.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/input_options.h"
#include "cli/output.h"
#include "cli/pipeline.h"
#include "cli/timing.h"

namespace exposim::cli {
namespace {

struct Analyze {
  InputOptions input;
  std::string format = "table";
  std::string output;

  int run(std::ostream& out, std::ostream& err) const {
    AnalyzedInputs in;
    if (const int rc = analyze_inputs(input, SolveTiming::kDurationAndCounts, err, in); rc != kExitOk) return rc;
    const model::Model& m = in.model;
    const solver::Analysis& a = in.analysis;
    const auto t0 = Clock::now();
    const int rc = write_output(
        output,
        [&](std::ostream& o) {
          if (format == "json") {
            write_json(o, m, a, in.diagnostics);
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
