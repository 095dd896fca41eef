// analyze's CSV (docs/output-format.md, "CSV").
#pragma once

#include <ostream>
#include <string>

#include "model/model.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
}  // namespace exposim::solver

namespace exposim::cli {

/// RFC 4180 CSV with a header row; lists inside a cell are separated by ';', cells are escaped by csv_cell().
/// docs/output-format.md ("CSV") describes every column.
void write_csv(std::ostream& out, const model::Model& m, const solver::Analysis& a);

/// `s` as one CSV cell: with a leading "'" when it starts with '=', '+', '-', '@', a tab or a carriage return (a
/// spreadsheet would run it as a formula), then in double quotes, '"' doubled, when it holds ',', '"' or a line
/// break (RFC 4180).
std::string csv_cell(const std::string& s);

}  // namespace exposim::cli
