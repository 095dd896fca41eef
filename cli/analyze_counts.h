// analyze --summary for JSON and JSON Lines: the exposures counted by severity, by via and by port, without one
// record per exposure (docs/output-format.md, "Summary document").
#pragma once

#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/diagnostic.h"
#include "model/model.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
}  // namespace exposim::solver

namespace exposim::cli {

/// The counts of the summary document, as one object with three arrays, each entry counting `exposures` and
/// distinct `targets` (ip configurations and other entry points):
/// - `by_severity`: the table's risk classes, always all three, in order: `management-from-any`, `from-any`,
///   `restricted` (cli/analyze_table.h, risk_of);
/// - `by_via`: one entry per `entry.via`, most exposures first, then by name;
/// - `by_port`: one entry per protocol and exact port set (`ports` as in the exposures, absent for portless
///   protocols), most exposures first, then by protocol name and ports in numeric order; at most 50 entries,
///   and when there are more, `by_port_others` (`{"port_sets", "exposures", "targets"}`) counts the rest.
/// Broken flows are not exposures: they are not counted here (the summary's `broken` counts them).
nlohmann::ordered_json summary_counts_json(const solver::Analysis& a);

/// The summary document: `{"format": "exposim-analyze-summary", "version": 1, "summary", "by_severity",
/// "by_via", "by_port", "by_port_others" (only when by_port is cut), "diagnostics"}`, one array entry per line.
void write_summary_json(std::ostream& out, const solver::Analysis& a,
                        const std::vector<model::Diagnostic>& diagnostics);

}  // namespace exposim::cli
