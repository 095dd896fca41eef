// `exposim check`: spec loading, evaluation and the text, JSON, JUnit and SARIF reports.
#include "cli/check_command.h"

#include <algorithm>
#include <functional>

#include <CLI/CLI.hpp>

#include "check/evaluate.h"
#include "check/spec_parser.h"
#include "cli/check_report.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/input_options.h"

namespace exposim::cli {

void add_check_options(CLI::App& cmd, CheckOptions& o) {
  cmd.add_option("--spec", o.spec, "The check spec: named assertions, JSON or YAML (docs/check-spec.md)")->required();
  cmd.add_option("--junit", o.junit, "Also write the results as JUnit XML to this file (atomically)");
  cmd.add_option("--sarif", o.sarif, "Also write the failures as SARIF 2.1.0 to this file (atomically)");
  cmd.add_option("-f,--format", o.format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd.add_option("-o,--output", o.output, "Write the report to this file (atomically) instead of stdout");
}

std::optional<check::Spec> load_check_spec(const CheckOptions& o, std::ostream& err) {
  model::Diagnostics diags;
  auto spec = check::load_spec(o.spec, diags);
  print_diagnostics(err, diags.sorted(), true);
  if (!spec || diags.has_errors()) return std::nullopt;
  return spec;
}

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
      write_check_text(s, report);
    }
  };
  if (o.output.empty() || o.output == "-") {
    main_report(out);
    out.flush();
    if (!out) rc = kExitOutputError;
  } else {
    write(o.output, main_report);
  }
  if (!o.junit.empty()) write(o.junit, [&](std::ostream& s) { write_check_junit(s, report); });
  if (!o.sarif.empty()) write(o.sarif, [&](std::ostream& s) { write_check_sarif(s, report); });
  if (rc != kExitOk) return rc;
  const bool failed = std::any_of(results.begin(), results.end(), [](const auto& r) { return !r.passed; });
  return failed ? kExitFindings : kExitOk;
}

}  // namespace exposim::cli
