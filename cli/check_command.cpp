// `exposim check`: spec loading, evaluation and the text, JSON, JUnit and SARIF reports (cli/check_report.h).
#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "check/evaluate.h"
#include "check/spec_parser.h"
#include "cli/analyzed_inputs.h"
#include "cli/check_report.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/input_options.h"
#include "cli/output.h"
#include "cli/terminal.h"
#include "solver/analysis.h"

namespace exposim::cli {
namespace {

struct CheckOptions {
  std::string spec;
  std::string junit;
  std::string sarif;
  std::string format = "text";
  std::string output;
};

/// Reads and validates the spec; on errors prints every one of them to `err` and returns nullopt.
std::optional<check::Spec> load_check_spec(const CheckOptions& o, std::ostream& err) {
  model::Diagnostics diags;
  auto spec = check::load_spec(o.spec, diags);
  print_diagnostics(err, diags.sorted(), true);
  if (!spec || diags.has_errors()) return std::nullopt;
  return spec;
}

/// Evaluates the spec and writes the reports. Returns 0 when every assertion holds, 1 when one fails,
/// 4 when a report could not be written (the others are still written).
int run_check(const CheckOptions& o, const std::vector<std::string>& inputs, const check::Spec& spec,
              const model::Model& m, const solver::Analysis& a, const std::vector<model::Diagnostic>& diagnostics,
              std::ostream& out, std::ostream& err) {
  const auto results = check::evaluate(spec, m, a);
  const CheckReport report{m, a, spec, results, inputs};
  int rc = kExitOk;
  auto write = [&](const std::string& path, const std::function<void(std::ostream&)>& writer) {
    std::string error;
    if (!write_file_atomically(path, writer, error)) {
      err << "exposim: error: " << error << '\n';
      rc = kExitOutputError;
    }
  };
  auto main_report = [&](std::ostream& s) {
    if (o.format == "json") {
      write_check_json(s, report, diagnostics);
    } else {
      write_terminal_safe(s, [&](std::ostream& safe) { write_check_text(safe, report); });
    }
  };
  if (write_output(o.output, main_report, out, err) != kExitOk) rc = kExitOutputError;
  if (!o.junit.empty()) write(o.junit, [&](std::ostream& s) { write_check_junit(s, report); });
  if (!o.sarif.empty()) write(o.sarif, [&](std::ostream& s) { write_check_sarif(s, report); });
  if (rc != kExitOk) return rc;
  const bool failed = std::any_of(results.begin(), results.end(), [](const auto& r) { return !r.passed; });
  return failed ? kExitFindings : kExitOk;
}

struct Check {
  InputOptions input;
  CheckOptions options;

  int run(std::ostream& out, std::ostream& err) const {
    const auto spec = load_check_spec(options, err);
    if (!spec) return kExitBadInput;
    AnalyzedInputs in;
    if (const int rc = analyze_inputs(input, SolveTiming::kNone, err, in); rc != kExitOk) return rc;
    return run_check(options, input.files, *spec, in.model, in.analysis, in.diagnostics, out, err);
  }
};

}  // namespace

Command::Run check_command(CLI::App& cmd) {
  auto c = std::make_shared<Check>();
  add_input_options(cmd, c->input, kInputFilesHelp);
  cmd.add_option("--spec", c->options.spec, "The check spec: named assertions, JSON or YAML (docs/check-spec.md)")
      ->required();
  cmd.add_option("--junit", c->options.junit, "Also write the results as JUnit XML to this file (atomically)");
  cmd.add_option("--sarif", c->options.sarif, "Also write the failures as SARIF 2.1.0 to this file (atomically)");
  cmd.add_option("-f,--format", c->options.format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd.add_option("-o,--output", c->options.output, "Write the report to this file (atomically) instead of stdout");
  return [c](std::ostream& out, std::ostream& err) { return c->run(out, err); };
}

}  // namespace exposim::cli
