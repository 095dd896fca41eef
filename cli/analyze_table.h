// analyze's table for a terminal.
#pragma once

#include <ostream>

#include "model/model.h"
#include "solver/exposure.h"

namespace exposim::cli {

/// Aligned columns for a terminal; one line per exposure, then a summary line.
void write_table(std::ostream& out, const model::Model& m, const solver::Analysis& a);

}  // namespace exposim::cli
