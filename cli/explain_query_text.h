// The words of explain about the query rather than a hop: the label of another entry to the target
// (solver::OtherEntry) and the error of a query that cannot be answered (solver::QueryError).
#pragma once

#include <string>
#include <vector>

#include "model/model.h"
#include "solver/explain.h"

namespace exposim::cli {

/// The one-line label of entry `o` for the packet of `q`: "DNAT rule 'ssh-to-jump' of firewall 'fw-hub' at
/// 20.50.60.70:2222", "listener 'l' of application gateway 'agw' at 20.1.1.1:80", "a session through Bastion 'b' at
/// 20.1.1.2:443 (authenticated access)", ...
std::string other_entry_text(const model::Model& m, const solver::FlowQuery& q, const solver::OtherEntry& o);

/// The error of trace `t`, which explain could not answer (status not kOk): a message in the LLVM style, "unknown
/// target 'x': expected ...", with a suggestion of what an unknown name may mean (model/suggest.h).
std::string query_error_text(const model::Model& m, const solver::FlowTrace& t);

/// The candidates of error `e`, one line each, as they are printed after it (sorted where the error lists what an
/// ambiguous text could mean; a load balancer's or gateway's members in their documented order).
std::vector<std::string> query_candidates_text(const model::Model& m, const solver::QueryError& e);

}  // namespace exposim::cli
