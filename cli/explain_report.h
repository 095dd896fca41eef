// Report writers for `explain`: one flow hop by hop, as a table or as JSON (docs/output-format.md, "explain").
#pragma once

#include <ostream>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/explain.h"

namespace exposim::cli {

/// One line naming the flow, one line per hop (kind, result, resource, reason), then the verdict line.
void write_explain_table(std::ostream& out, const model::Model& m, const solver::FlowTrace& t);
/// The JSON document `exposim-explain`, version 1, diagnostics included.
void write_explain_json(std::ostream& out, const model::Model& m, const solver::FlowTrace& t,
                        const std::vector<model::Diagnostic>& diagnostics);

}  // namespace exposim::cli
