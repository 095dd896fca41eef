// analyze's table for a terminal: a header that says what matters, the exposures ranked by risk (or by name),
// fitted to the terminal, then the summary lines; or, with --summary, aggregates instead of rows.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "cli/analyze_layout.h"
#include "cli/terminal.h"
#include "model/model.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
struct Exposure;
}  // namespace exposim::solver

namespace exposim::cli {

/// The order of the rows: by risk (management ports from any source, any source, restricted sources; within a
/// class the analysis's order, by target name) or the analysis's order alone.
enum class TableSort { kRisk, kName };

/// CIDRs a SOURCES cell lists by default: three /24s and "+N more" keep a row on one line of a wide terminal.
inline constexpr std::size_t kDefaultMaxSources = 3;

struct TableOptions {
  TerminalLayout layout;  // width 0 and no colour: redirected output
  TableSort sort{TableSort::kRisk};
  bool summary{false};  // aggregates (write_aggregates) instead of one row per exposure
  /// CIDRs listed in a SOURCES cell before " +N more" (0: all of them), before any fitting to the width.
  std::size_t max_sources{kDefaultMaxSources};
};

/// The table: header lines, a blank line, the rows (layout_table), then the summary lines and the broken flows.
/// Returns the number of rows the table holds (0 with `summary`), for the caller's hint.
std::size_t write_table(std::ostream& out, const model::Model& m, const solver::Analysis& a,
                        const TableOptions& options = {});

/// The rows of analyze's table, before layout: one per exposure, except that a target's portless protocols
/// (icmp, esp, ah) with the same entry, sources and rules are one row ("icmp,esp,ah"), and PORTS reads "all
/// except 3389" when the ports are the complement of fewer ranges than they hold. Sorted by `sort`.
std::vector<RiskRow> table_rows(const model::Model& m, const solver::Analysis& a, TableSort sort);

/// The risk of one exposure (Risk): management ports are check's default list (tcp and udp), a Bastion session
/// or a firewall's own DNAT frontend is not a management exposure; "from any" is sources shown as "any" or "any
/// except ...".
Risk risk_of(const solver::Exposure& e, const std::string& sources_cell);

/// The lines printed before the rows: targets with a management port open to any source, public entries, and
/// exposures by via. Empty when there is no exposure.
std::vector<std::string> table_header(const model::Model& m, const solver::Analysis& a);

/// --summary: one line per (protocol, ports, any or restricted sources), highest risk first, then most targets:
/// "tcp/22 from any: 1,204 NICs in 37 subnets".
std::vector<std::string> aggregate_lines(const model::Model& m, const solver::Analysis& a);

}  // namespace exposim::cli
