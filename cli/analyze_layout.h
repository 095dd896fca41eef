// analyze's table fitted to a width: one line per row when it fits, the last column (RULES or WHY) wrapped
// under itself when the others leave it room, else two lines per row; risky rows coloured or marked.
#pragma once

#include <string>
#include <vector>

#include "cli/terminal.h"

namespace exposim::cli {

/// How much an exposure matters to a reader, most first (docs/output-format.md, "The table").
enum class Risk {
  kManagementFromAny,  // a management port (tcp or udp 22, 3389, 5985-5986) from any source, not through Bastion
  kFromAny,            // sources "any" or "any except ..."
  kRestricted,         // other sources
};

/// One row of analyze's table: TARGET, IP, ENTRY, VIA, PROTO, PORTS, SOURCES and the last column (RULES for
/// exposures, WHY for broken flows), with its risk.
struct RiskRow {
  std::vector<std::string> cells;
  Risk risk{Risk::kRestricted};
};

/// The columns of analyze's table, the indexes of `RiskRow::cells`.
namespace table_column {
inline constexpr std::size_t kTarget = 0;
inline constexpr std::size_t kIp = 1;
inline constexpr std::size_t kEntry = 2;
inline constexpr std::size_t kVia = 3;
inline constexpr std::size_t kProto = 4;
inline constexpr std::size_t kPorts = 5;
inline constexpr std::size_t kSources = 6;
inline constexpr std::size_t kLast = 7;  // RULES or WHY
inline constexpr std::size_t kCount = 8;
}  // namespace table_column

/// What the last column holds, which decides where it may be broken: between hops (" > ") or between words.
enum class LastColumn { kRules, kWhy };

/// The marker of a row when colour is off: "!" management port from any source, "*" any source, " " else.
char risk_marker(Risk r);

/// The lines of the table, header first, for `layout.columns` characters (0: unlimited, full cells on one line
/// per row, as for redirected output). With `layout.colour` risky rows are red (management from any) or yellow
/// (any source) and there is no marker column; without it every line starts with the marker and a space.
/// When the rows do not fit: ENTRY and SOURCES are elided to 24 characters ("+N more" for lists), then the last
/// column wraps under itself when it keeps at least 40 characters, else each row takes two lines (TARGET, IP,
/// PROTO, PORTS, SOURCES; then VIA, ENTRY and the last column, indented, wrapped). A hop or word longer than
/// the width is cut. No line ends with a space. Cells are escaped by terminal_cell() before anything else, so
/// that the only control sequences of the lines are the colours added here.
std::vector<std::string> layout_table(const std::vector<std::string>& header, const std::vector<RiskRow>& rows,
                                      const TerminalLayout& layout, LastColumn last);

/// `text` in at most `width` characters: unchanged when it fits, else cut with "...".
std::string elide_end(const std::string& text, std::size_t width);
/// A list cell ("a,b,c +N more", optionally after "any except ") in at most `width` characters, keeping at
/// least one item: the items that fit, then " +N more" counting those left out.
std::string elide_list(const std::string& text, std::size_t width);

}  // namespace exposim::cli
