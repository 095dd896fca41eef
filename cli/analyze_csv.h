// analyze's CSV (docs/output-format.md, "CSV").
#pragma once

#include <ostream>

#include "model/model.h"
#include "solver/exposure.h"

namespace exposim::cli {

/// RFC 4180 CSV with a header row; lists inside a cell are separated by ';'.
void write_csv(std::ostream& out, const model::Model& m, const solver::Analysis& a);

}  // namespace exposim::cli
