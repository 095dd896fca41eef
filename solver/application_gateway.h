// Application gateways (docs/model.md#application-gateways): the gateway's subnet and frontend addresses, and what
// a backend pool reaches. Its entries in the analysis are in solver/application_gateway.cpp; explain follows it in
// solver/explain/application_gateway.cpp.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/model.h"
#include "solver/packet_set.h"

namespace exposim::solver {

/// The note of an application gateway's routing hop: whom the backend sees.
inline constexpr const char* kGatewayConnectionNote =
    "the gateway opens its own connection to the backend: the backend sees the gateway subnet as the source";

/// The subnet of an application gateway: that of its first gateway ip configuration naming one.
model::Ref gateway_subnet(const model::ApplicationGateway& g);
/// The addresses of an application gateway's frontends, private and public.
IpSet gateway_frontend_addresses(const model::Model& m, const model::ApplicationGateway& g);

/// Which listeners of an application gateway an admin stage is for: those on public frontends (the internet
/// clients arrive there), or those on private frontends, reached through a firewall's DNAT rule (the gateway
/// subnet then sees the firewall's SNAT addresses).
enum class GatewayListeners { kPublicFrontends, kBehindDnat };

/// The virtual network whose security admin rules are put, conservatively, on application gateway `gateway`'s own
/// inbound path (its listeners of kind `which`, before its subnet's NSG), or -1. Azure applies them to a gateway's
/// subnet only when the gateway is deployed with network isolation, which the input does not show: so only their
/// Allow and AlwaysAllow rules are applied there (decide_admin_at_entry, `allows_only`), and only when an
/// AlwaysAllow rule of the gateway's virtual network could admit TCP to the subnet on a port of its listeners of
/// that kind (otherwise the stage could change nothing, and is left off; docs/model.md, "Security admin rules").
int gateway_admin_vnet(const model::Model& m, int gateway, GatewayListeners which);

/// What one backend pool of application gateway `g` reaches: its NIC members and the ip configurations (in
/// VNets connected to `gateway_vnet`) whose private IP is one of its addresses, sorted, no repeats; the
/// internal load balancer frontends among its addresses as (load balancer, frontend); and the addresses that
/// match neither (as written).
struct PoolBackends {
  std::vector<model::IpConfigIndex> configs;
  std::vector<std::pair<int, int>> balancers;
  /// App Service sites in the input named by a backend host name (`fqdn`, or a host name in `ipAddress`): the
  /// site's default host name, or `<site>.azurewebsites.net` when the input gives none (indices into
  /// Model::paas_services, ascending, no repeats).
  std::vector<int> sites;
  std::vector<std::string> unresolved;
};
PoolBackends pool_backends(const model::Model& m, const model::ApplicationGateway& g, int pool, int gateway_vnet);
/// The App Service site whose host name is `host` (case-insensitive; its default host name, or
/// `<name>.azurewebsites.net` when the input gives none), or -1.
int site_named(const model::Model& m, std::string_view host);

}  // namespace exposim::solver
