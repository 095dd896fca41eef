// Report writers for `recommend`: a table grouped by recommendation, the JSON contract `exposim-recommend`
// (docs/output-format.md) and SARIF 2.1.0 (cli/sarif.h). Each takes a std::ostream&.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/recommendation.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
}  // namespace exposim::solver

namespace exposim::cli {

/// What every recommend writer reads.
struct RecommendReport {
  const model::Model& model;
  const solver::Analysis& analysis;
  const solver::Recommendations& recommendations;
  /// The catalog the findings point into (solver::recommendation_catalog(); tests give their own rows).
  const std::vector<solver::RecommendationInfo>& catalog;
  std::vector<std::string> inputs;  // the input files, as given
  /// List healthy, not-applicable and undecidable findings too (the summary always counts them).
  bool all{false};
};

/// Per recommendation (worst severity first) a header line (id, severity, title, counts) and one line per resource
/// (name, type, status, evidence); then the counts by status and severity, and the skipped ids.
void write_recommend_table(std::ostream& out, const RecommendReport& r);
/// The JSON document `exposim-recommend`, version 1, diagnostics included.
void write_recommend_json(std::ostream& out, const RecommendReport& r,
                          const std::vector<model::Diagnostic>& diagnostics);
/// SARIF 2.1.0: one rule per recommendation of the catalog that was evaluated, one result per unhealthy finding
/// (with `all`, the others too, of kind pass, notApplicable or review), each located at its input's line.
void write_recommend_sarif(std::ostream& out, const RecommendReport& r);

/// The SARIF level of a recommendation severity: high "error", medium "warning", low "note".
const char* sarif_level(solver::RecommendationSeverity s);
/// The SARIF result kind of a status: unhealthy "fail", healthy "pass", not-applicable "notApplicable",
/// undecidable "review".
const char* sarif_kind(solver::FindingStatus s);

}  // namespace exposim::cli
