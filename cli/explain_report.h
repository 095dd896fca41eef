// Report writers for `explain`: one flow hop by hop, as a table or as JSON (docs/output-format.md, "explain").
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/explain.h"

namespace exposim::cli {

/// One line naming the flow, one line per hop (kind, result, resource, reason), then the verdict line. When the
/// trace follows another entry than the target's own (FlowTrace::redirected_from), a `note:` line before the flow
/// says why; the entries not traced follow the verdict, each as the command that traces it, starting with
/// `command` (the program and its inputs as the user gave them, "exposim explain FILE..." by default).
void write_explain_table(std::ostream& out, const model::Model& m, const solver::FlowTrace& t,
                         const std::string& command = "exposim explain FILE...");
/// The JSON document `exposim-explain`, diagnostics included: version 1 (the default), or version 2, whose hops
/// have the one hop shape analyze's version 2 paths have (cli/hop_json.h).
void write_explain_json(std::ostream& out, const model::Model& m, const solver::FlowTrace& t,
                        const std::vector<model::Diagnostic>& diagnostics, int version = 1);

}  // namespace exposim::cli
