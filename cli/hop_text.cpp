// The words a table gives a hop (cli/hop_text.h).
#include "cli/hop_text.h"

#include "cli/exposure_cells.h"

namespace exposim::cli {

std::string hop_resource_name(const model::Model& m, const solver::Hop& h) {
  using K = solver::HopKind;
  const auto at = [&h] { return static_cast<std::size_t>(h.resource); };
  switch (h.kind) {
    case K::kSource: return "";
    case K::kNoNsg: return "no NSG";
    case K::kRoute: return h.resource >= 0 ? m.route_tables[at()].name : "system route";
    default: break;
  }
  if (h.resource < 0) return "";
  switch (h.kind) {
    case K::kNsg: return m.nsgs[at()].name;
    case K::kLoadBalancer: return m.load_balancers[at()].name;
    case K::kFirewall: return m.firewalls[at()].name;
    case K::kApplicationGateway: return m.application_gateways[at()].name;
    case K::kBastion: return m.bastion_hosts[at()].name;
    case K::kPaas: return m.paas_services[at()].name;
    default: {  // the entry, the target, an appliance: by their resource kind
      const auto* r = resource_of(m, h.resource_kind, h.resource);
      return r != nullptr ? r->name : "";
    }
  }
}

}  // namespace exposim::cli
