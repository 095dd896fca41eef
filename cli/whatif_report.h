// Report writers for `whatif`: table and JSON (docs/output-format.md, "whatif").
#pragma once

#include <ostream>
#include <vector>

#include "model/diagnostic.h"
#include "model/edit.h"
#include "model/model.h"
#include "solver/exposure.h"
#include "solver/whatif.h"

namespace exposim::cli {

/// What a what-if compared: the two models and analyses, their difference, and the resources the change
/// documents changed (empty for --after).
struct WhatifResult {
  const model::Model& before_model;
  const solver::Analysis& before;
  const model::Model& after_model;
  const solver::Analysis& after;
  const solver::WhatifDiff& diff;
  const std::vector<model::Changed>& changed;
};

/// One section per difference (opened, closed, changed, rerouted) with analyze's columns, then a summary line.
void write_whatif_table(std::ostream& out, const WhatifResult& r);
/// The JSON contract `exposim-whatif` version 1.
void write_whatif_json(std::ostream& out, const WhatifResult& r, const std::vector<model::Diagnostic>& diagnostics);

}  // namespace exposim::cli
