// Report writers for `whatif`: table and JSON (docs/output-format.md, "whatif").
#pragma once

#include <cstddef>
#include <ostream>
#include <vector>

#include "model/diagnostic.h"
#include "model/edit.h"
#include "model/model.h"
#include "solver/whatif.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
}  // namespace exposim::solver

namespace exposim::cli {

struct EastWestWhatif;  // cli/whatif_east_west.h

/// How many deltas of each kind a diff holds (solver::WhatifDiff's and solver::EastWestDiff's, which share the kinds).
struct DeltaCounts {
  std::size_t opened{0};
  std::size_t closed{0};
  std::size_t changed{0};
  std::size_t rerouted{0};
};
template <typename Delta>
DeltaCounts count_deltas(const std::vector<Delta>& deltas) {
  DeltaCounts c;
  for (const auto& x : deltas) {
    switch (x.kind) {
      case solver::WhatifDelta::Kind::kOpened: ++c.opened; break;
      case solver::WhatifDelta::Kind::kClosed: ++c.closed; break;
      case solver::WhatifDelta::Kind::kChanged: ++c.changed; break;
      case solver::WhatifDelta::Kind::kRerouted: ++c.rerouted; break;
    }
  }
  return c;
}

/// What a what-if compared: the two models and analyses, their difference, and the resources the change
/// documents changed (empty for --after).
struct WhatifResult {
  const model::Model& before_model;
  const solver::Analysis& before;
  const model::Model& after_model;
  const solver::Analysis& after;
  const solver::WhatifDiff& diff;
  const std::vector<model::Changed>& changed;
  /// Rules the change added or widened that admit the internet but reach nothing yet (solver::latent_rules).
  const std::vector<solver::LatentRule>& latent;
  /// The east-west comparison (--from, --east-west), or none when not asked for: the reports are then as before.
  const EastWestWhatif* east_west{nullptr};
};

/// What moved in one rerouted piece: the hops of the two paths that differ (the common hops at both ends left
/// out), each side as "scope: nsg/rule (priority) > ...". When the paths differ only in what no cell shows (a load
/// balancer's port), both whole paths.
struct RerouteText {
  std::string was;
  std::string now;
};
RerouteText reroute_text(const WhatifResult& r, const solver::Reroute& x);

/// One row per difference (opened, closed, changed; a rerouted exposure as one row per piece whose rules changed,
/// "was ..., now ..."), with analyze's columns; the latent rules; then a summary line.
void write_whatif_table(std::ostream& out, const WhatifResult& r);
/// The JSON contract `exposim-whatif` version 1.
void write_whatif_json(std::ostream& out, const WhatifResult& r, const std::vector<model::Diagnostic>& diagnostics);
/// At most this many characters of table rows in a Markdown report: GitHub refuses a comment over 65,536.
inline constexpr std::size_t kMarkdownRowBudget = 60000;
/// A pull-request comment in GitHub-flavoured Markdown: a summary line, the changed resources, then the opened,
/// closed and changed rows as tables (each with its rules), then the latent rules. `|` in cells is escaped. Rows
/// past `budget` characters are counted, not written (the summary line still counts everything).
void write_whatif_markdown(std::ostream& out, const WhatifResult& r, std::size_t budget = kMarkdownRowBudget);

}  // namespace exposim::cli
