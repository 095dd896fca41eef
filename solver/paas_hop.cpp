// How a report reads a PaaS service's hops and exposures.
#include "solver/paas_hop.h"

#include <algorithm>
#include <string_view>

#include "solver/analysis.h"

namespace exposim::solver {

using model::PaasKind;

const char* paas_rule_scope(PaasKind k) {
  switch (k) {
    case PaasKind::kSqlServer: return "firewall-rules";
    case PaasKind::kAppService: return "access-restrictions";
    case PaasKind::kSqlManagedInstance: return "nsg";
    case PaasKind::kStorage:
    case PaasKind::kKeyVault:
    case PaasKind::kCosmosDb: break;
  }
  return "ip-rules";
}

bool is_scm(const Hop& h) { return h.kind == HopKind::kPaas && std::string_view(h.scope).rfind("scm-", 0) == 0; }

const std::vector<model::PaasIpRule>& hop_rules(const model::PaasService& s, const Hop& h) {
  return is_scm(h) && !s.scm_uses_main ? s.scm_ip_rules : s.ip_rules;
}

const std::string& entry_host(const model::PaasService& s, const Exposure& e) { return entry_host(s, e.path); }

bool scm_path(const std::vector<Hop>& path) {
  return std::any_of(path.begin(), path.end(), [](const Hop& h) { return is_scm(h); });
}

const std::string& entry_host(const model::PaasService& s, const std::vector<Hop>& path) {
  return scm_path(path) ? s.scm_host_name : s.host_name;
}

}  // namespace exposim::solver
