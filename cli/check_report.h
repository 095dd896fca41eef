// Report writers for `check`: a readable summary, JSON, JUnit XML and SARIF 2.1.0 (docs/check-spec.md).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "check/evaluate.h"
#include "check/spec.h"
#include "cli/sarif.h"
#include "model/diagnostic.h"
#include "model/model.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
}  // namespace exposim::solver

namespace exposim::cli {

/// What every check writer reads.
struct CheckReport {
  const model::Model& model;
  const solver::Analysis& analysis;
  const check::Spec& spec;
  const std::vector<check::AssertionResult>& results;
  std::vector<std::string> inputs;  // the input files, as given
};

/// PASS/FAIL per assertion with its summary; under each failure its evidence (the exposure's target, entry,
/// via, protocol, ports, sources and rules; the subnet; the entry point; or the flow's trace); a total line.
void write_check_text(std::ostream& out, const CheckReport& r);
/// The JSON document `exposim-check`, version 1, diagnostics included.
void write_check_json(std::ostream& out, const CheckReport& r, const std::vector<model::Diagnostic>& diagnostics);
/// JUnit XML: one testsuite (the spec) with one testcase per assertion; failures carry the summary as
/// `message` and the evidence as text.
void write_check_junit(std::ostream& out, const CheckReport& r);
/// SARIF 2.1.0 (cli/sarif.h): one rule per assertion, one result (level error) per finding, located at the line of
/// the input that causes it (the resource, or the finding's property) with the resource's id as the logical
/// location (findings without a resource: at the assertion in the spec).
void write_check_sarif(std::ostream& out, const CheckReport& r);

/// `text` with XML's five special characters escaped and characters XML 1.0 forbids replaced by '?'.
std::string xml_escape(std::string_view text);

}  // namespace exposim::cli
