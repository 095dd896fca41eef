// Markdown for pull-request comments (`whatif --format markdown`): cells and code spans that show names as written
// and cannot add HTML, links or mentions, and tables that stop at a character budget.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace exposim::cli {

/// A table cell: `|`, `[`, `]` and backticks escaped, `<` as an entity, line breaks as spaces, a zero-width space
/// after `@` and inside what GitHub would link (issue references, bare URLs).
std::string md_cell(const std::string& s);
/// `s` as a code span that shows it as written (fenced by one backtick more than its longest run of backticks).
std::string md_code_span(const std::string& s);
/// One table line of `cells` (md_cell each).
std::string md_line(const std::vector<std::string>& cells);
/// The header and the rows while their characters fit in `budget` (what is written is taken from it); the rows that
/// do not fit are counted in a note.
void md_table(std::ostream& out, const std::vector<std::string>& header,
              const std::vector<std::vector<std::string>>& rows, std::size_t& budget);

}  // namespace exposim::cli
