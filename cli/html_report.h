// The HTML report of `exposim report`: one self-contained page for a design review (summary, exposures table,
// recommendations, diagram), its data embedded once as JSON (docs/output-format.md) and rendered by a small inline
// script. Nothing in the page loads from the network.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/recommendation.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
}  // namespace exposim::solver

namespace exposim::cli {

/// What the report shows: an analysed estate, its recommendations and its diagram.
struct HtmlReportInput {
  const model::Model& model;
  const solver::Analysis& analysis;
  const solver::Recommendations& recommendations;
  const std::vector<model::Diagnostic>& diagnostics;  // after the policy, sorted (what was printed)
  std::vector<std::string> inputs;                    // the input files as given on the command line
  /// The diagram of the exposed paths as Graphviz's SVG output (prologue included); "" when there is none.
  std::string svg;
  /// Why there is no diagram ("Graphviz's dot was not found on PATH", ...); "" when `svg` is drawn.
  std::string diagram_note;
};

/// The page's data (`"format": "exposim-report"`, `"version": 1`): inputs, summary, entry points, exposed targets,
/// exposures (one per row of analyze's table), findings, skipped ids, the diagram's state and the diagnostics.
nlohmann::ordered_json report_data(const HtmlReportInput& in);

/// Writes the whole page: the data in a `<script type="application/json" id="exposim-data">` element, the inline
/// style and script, and the diagram's SVG inline (or the note saying why there is none).
void write_html_report(std::ostream& out, const HtmlReportInput& in);

/// `text` with '&', '<', '>', '"' and '\'' replaced by character references: safe in element content and in
/// quoted attribute values.
std::string html_escape(std::string_view text);

/// `data` as JSON that can sit inside a `<script>` element: every '<', '>' and '&' written as a \u escape, so
/// that no "</script" nor "<!--" appears in it; JSON.parse() reads it back unchanged.
std::string script_json(const nlohmann::ordered_json& data);

/// Graphviz's SVG made fit to sit inside HTML: the XML prologue, doctype and comments removed. "" when the text is
/// not an SVG document or holds active content (a script, a foreignObject, a javascript: URL).
std::string inline_svg(std::string_view svg);

}  // namespace exposim::cli
