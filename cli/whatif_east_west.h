// The east-west section of `exposim whatif` (docs/whatif.md, "East-west"): the sources --from names (or every subnet,
// --east-west) resolved in the models before and after the change, reach() run from them on both sides, the flows
// compared (solver/whatif_east_west.h), and the section's table, JSON and Markdown.
#pragma once

#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/whatif_east_west.h"

namespace exposim::cli {

/// What the east-west section is asked for: the --from texts (each as `exposim reach --from`), or every subnet.
struct EastWestQuery {
  std::vector<std::string> from;
  std::string to;       // --to: only flows to these targets (as `exposim reach --to`); empty: every target
  std::string gateway;  // --gateway, for an on-premises --from
  bool every_subnet{false};
  int jobs{1};
  std::function<void(std::string_view stage, std::size_t done, std::size_t total)> progress;
};

/// The east-west comparison: the sources in words, the difference, and reach()'s findings on each side.
struct EastWestWhatif {
  std::vector<std::string> from;  // as given; empty with every_subnet
  bool every_subnet{false};
  std::string to;       // --to as given; empty: every target
  std::string sources;  // "vm-web-1 (10.1.1.4), subnet vnet-app/snet-db", or "every subnet"
  std::size_t reach_calls{0};
  solver::EastWestDiff diff;
  model::Diagnostics findings_before;
  model::Diagnostics findings_after;
};

/// Resolves the query in both models and compares what its sources reach (only at the --to targets, when given). A
/// --from or --to that names nothing in one model (a VM the change adds or removes, an address only one side's ip
/// configurations hold) has no flows there; one that names nothing in either model, or that is an error of another
/// kind in one of them (ambiguous, a prefix inside a VNet), is printed on `err` with its candidates: the result is
/// then kExitBadInput, else kExitOk.
int run_east_west_whatif(const model::Model& before, const model::Model& after, const EastWestQuery& q,
                         EastWestWhatif& out, std::ostream& err);

/// The section of the table: a heading naming the sources, one row per difference (CHANGE, SOURCE, TARGET, IP,
/// PROTO, PORTS, SOURCES, RULES; a rerouted piece's RULES "was ..., now ..."), and its summary line.
void write_east_west_table(std::ostream& out, const model::Model& before, const model::Model& after,
                           const EastWestWhatif& ew);
/// The `east_west` object of the JSON document.
nlohmann::ordered_json east_west_json(const model::Model& before, const model::Model& after, const EastWestWhatif& ew);
/// "**East-west: reach grew.** 1 opened, ..." (one line, for the top of a Markdown report).
std::string east_west_markdown_summary(const EastWestWhatif& ew);
/// The "East-west" section of the Markdown report: a table of every difference (rows past `budget` characters are
/// counted, not written), or "No difference east-west.".
void write_east_west_markdown(std::ostream& out, const model::Model& before, const model::Model& after,
                              const EastWestWhatif& ew, std::size_t& budget);

}  // namespace exposim::cli
