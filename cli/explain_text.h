// The words of explain(): the sentence each hop's reason and the verdict read as, written from the data explain()
// returns (solver/explain.h). The explain report (cli/explain_report.cpp) and the check reports
// (cli/check_report.cpp: a flow assertion's summary, finding and JSON reason) call it; the solver and check return
// data only (docs/architecture.md, "The solver returns data, the report writes words").
#pragma once

#include <string>

#include "model/model.h"
#include "solver/explain.h"

namespace exposim::cli {

/// "Bastion 'bastion-hub'", "application gateway 'agw'".
std::string entry_point_text(const model::Model& m, const solver::EntryPoint& e);
/// One line: why a hop decided as it did (or why a flow is allowed), then its further clauses after "; ".
std::string reason_text(const model::Model& m, const solver::Reason& r);
/// reason_text of the hop's reason.
inline std::string hop_text(const model::Model& m, const solver::TraceHop& h) { return reason_text(m, h.why); }
/// The verdict in one line: the allowed reason, or "denied at nsg (nic): <the hop's reason>" ("broken at ...",
/// and "not internet traffic; " before it when the source hop stops the packet).
std::string verdict_text(const model::Model& m, const solver::Verdict& v);
/// verdict_text of the trace's verdict.
inline std::string verdict_text(const model::Model& m, const solver::FlowTrace& t) {
  return verdict_text(m, t.verdict);
}

/// "vm-web-1 (10.0.3.4)": a backend by its VM (else NIC) name (with the ip configuration's when the NIC has several)
/// and private IP, as the reasons name it.
std::string backend_member_text(const model::Model& m, const model::IpConfigIndex& x);

}  // namespace exposim::cli
