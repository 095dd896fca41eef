// PaaS services and private endpoints: names of their enumerations (model/paas.h), and the private endpoints' part
// of validation.
#include "model/paas.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "model/resolver.h"

namespace exposim::model {

const char* to_string(PaasKind k) {
  switch (k) {
    case PaasKind::kStorage: return "storage";
    case PaasKind::kKeyVault: return "key-vault";
    case PaasKind::kSqlServer: return "sql-server";
    case PaasKind::kCosmosDb: return "cosmos-db";
    case PaasKind::kAppService: return "app-service";
    case PaasKind::kSqlManagedInstance: return "sql-managed-instance";
  }
  return "?";
}

const char* to_string(PublicNetworkAccess a) {
  switch (a) {
    case PublicNetworkAccess::kEnabled: return "enabled";
    case PublicNetworkAccess::kDisabled: return "disabled";
    case PublicNetworkAccess::kSecuredByPerimeter: return "secured-by-perimeter";
  }
  return "?";
}

const char* to_string(ConnectionStatus s) {
  switch (s) {
    case ConnectionStatus::kApproved: return "approved";
    case ConnectionStatus::kPending: return "pending";
    case ConnectionStatus::kRejected: return "rejected";
    case ConnectionStatus::kDisconnected: return "disconnected";
  }
  return "?";
}

/// SQL managed instances: their subnet, whose NSG filters the public data endpoint.
/// Private endpoints: their subnet, NICs and targets. None of these decides internet exposure (a private
/// endpoint never adds any, docs/model.md#private-endpoints-and-paas-public-endpoints), so a missing one is a
/// warning. Fills PaasService::private_endpoints and the endpoint's private IPs from its NICs.
void resolve_private_endpoints(Resolver& rs) {
  Model& m = rs.model;
  for (auto& s : m.paas_services) {
    if (s.kind == PaasKind::kSqlManagedInstance && s.subnet.set()) {
      // Not in the input: its NSG is unknown, assumed to admit everything (never hides an exposure); that decides
      // exposure only when the public data endpoint is on (or unknown).
      const bool open = s.public_data_endpoint_enabled.unknown || !s.public_data_endpoint_enabled.is(false);
      rs.resolve(s.subnet, ResourceKind::kSubnet, s.where, false, "/subnetId", open);
    }
  }
  for (std::size_t i = 0; i < m.private_endpoints.size(); ++i) {
    auto& pe = m.private_endpoints[i];
    rs.resolve(pe.subnet, ResourceKind::kSubnet, pe.where, pe.flattened, "/subnet/id", false);
    for (std::size_t n = 0; n < pe.network_interfaces.size(); ++n) {
      auto& ref = pe.network_interfaces[n];
      rs.resolve(ref, ResourceKind::kNetworkInterface, pe.where, pe.flattened,
                 fmt::format("/networkInterfaces/{}/id", n), false);
      if (!ref.resolved()) continue;
      for (const auto& cfg : m.nics[ref.index].ip_configurations) {
        if (cfg.private_ip) pe.private_ips.push_back(*cfg.private_ip);
      }
    }
    std::sort(pe.private_ips.begin(), pe.private_ips.end());
    pe.private_ips.erase(std::unique(pe.private_ips.begin(), pe.private_ips.end()), pe.private_ips.end());
    for (auto& c : pe.connections) {
      if (c.target.id.find("/providers/microsoft.network/privatelinkservices/") != std::string::npos) {
        // A customer's Private Link service (behind an internal load balancer), not a PaaS service: saying
        // "paas-service ... is not in the input" would be wrong when the template holds it.
        SourceLocation at = c.where;
        at.pointer += c.flattened ? "/privateLinkServiceId" : "/properties/privateLinkServiceId";
        rs.diags.add({Severity::kNote, "unmodelled-feature", at,
                      fmt::format("private endpoint '{}' connects to Private Link service '{}', which is not "
                                  "modelled; a private endpoint adds no internet exposure",
                                  pe.name, c.target.id)});
        continue;
      }
      rs.resolve(c.target, ResourceKind::kPaasService, c.where, c.flattened, "/privateLinkServiceId", false);
      if (!c.target.resolved()) continue;
      auto& list = m.paas_services[c.target.index].private_endpoints;
      if (list.empty() || list.back() != static_cast<int>(i)) list.push_back(static_cast<int>(i));
    }
  }
}

}  // namespace exposim::model
