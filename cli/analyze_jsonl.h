// analyze's JSON Lines (`--format jsonl`): one JSON object per line, written as it goes, for pipelines that read
// a large report record by record (docs/output-format.md, "JSON Lines").
#pragma once

#include <ostream>
#include <vector>

#include "cli/analyze_report.h"
#include "model/diagnostic.h"
#include "model/model.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
}  // namespace exposim::solver

namespace exposim::cli {

/// Each line is an object with one key naming the record:
/// - `header` first: `{"format": "exposim-analyze", "version", "summary"}` (the summary of the JSON document);
/// - with version 2, `source_set` (as in the document's `source_sets`) before the first record that refers to it;
/// - `exposure`, one per exposure in the JSON document's order, exactly as its `exposures[]` entry;
/// - `broken`, one per broken flow, as the document's `broken[]` entry;
/// - `diagnostic`, one per diagnostic.
/// With `options.summary` the header is the summary document's (`exposim-analyze-summary`, with `by_severity`,
/// `by_via` and `by_port`), followed by the diagnostics only. Nothing is held but one record at a time (and, with
/// version 2, the ids of the source sets).
void write_json_lines(std::ostream& out, const model::Model& m, const solver::Analysis& a,
                      const std::vector<model::Diagnostic>& diagnostics, const JsonOptions& options);

}  // namespace exposim::cli
