// Aligned text tables for terminal reports: columns padded to their widest cell, two spaces apart.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace exposim::cli {

/// Writes `header` then `rows`, each cell left-aligned in a column as wide as its widest cell; the last
/// column is not padded. Rows shorter than the header leave their last columns empty. Cells are escaped by
/// terminal_cell() (cli/terminal.h) before they are measured.
void write_text_table(std::ostream& out, const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows);

/// `n` with a comma every three digits: "1,204" (table headers and summaries, progress lines).
std::string with_thousands(std::size_t n);

}  // namespace exposim::cli
