// azurerm virtual networks (with inline `subnet` blocks), subnets, their NSG and route table associations, peerings,
// route tables (with inline `route` blocks) and routes.
#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {
namespace {

/// `address_prefixes` (azurerm 3+) or `address_prefix` (2.x) of a subnet block into `properties` at `base`.
void copy_subnet_prefixes(Context& ctx, const Block& b, Synthesized& s, const std::string& base) {
  if (ctx.state(b, "address_prefixes") != State::kAbsent) {
    ctx.copy_strings(b, "address_prefixes", s, base + "/addressPrefixes");
  } else {
    ctx.copy_string(b, "address_prefix", s, base + "/addressPrefix");
  }
}

/// `delegation { service_delegation { name } }` blocks of a subnet block into `delegations` at `base` (Azure's
/// `delegations[].properties.serviceName`): a subnet delegated to a service with network intent policies may exempt
/// its virtual network from security admin rules (docs/model.md, "Security admin rules"). Unknown: one delegation
/// whose service is unknown, which the Azure reader takes as not known.
void copy_subnet_delegations(Context& ctx, const Block& b, Synthesized& s, const std::string& base) {
  if (ctx.state(b, "delegation") == State::kUnknown) {
    s.set(base + "/delegations/0/properties/serviceName", Context::unknown_text(b, "delegation"),
          b.attr_pointer("delegation"));
    return;
  }
  const auto delegations = ctx.nested(b, "delegation");
  for (std::size_t k = 0; k < delegations.size(); ++k) {
    const std::string at = fmt::format("{}/delegations/{}/properties", base, k);
    if (ctx.state(delegations[k], "service_delegation") == State::kUnknown) {
      s.set(at + "/serviceName", Context::unknown_text(delegations[k], "service_delegation"),
            delegations[k].attr_pointer("service_delegation"));
      continue;
    }
    const auto services = ctx.nested(delegations[k], "service_delegation");
    if (services.empty()) continue;
    s.set(at, json::object(), delegations[k].values_pointer);
    ctx.copy_string(services.front(), "name", s, at + "/serviceName");
  }
}

/// `service_endpoints` (a list of service names) of a subnet block into `serviceEndpoints[].service` at `base` (docs/
/// model.md, "PaaS public endpoints from inside the estate"). Unknown: the list is unknown, which the Azure reader
/// reads as possibly holding any service.
void copy_subnet_service_endpoints(Context& ctx, const Block& b, Synthesized& s, const std::string& base) {
  switch (ctx.state(b, "service_endpoints")) {
    case State::kAbsent: return;
    case State::kUnknown:
      s.set(base + "/serviceEndpoints", Context::unknown_text(b, "service_endpoints"),
            b.attr_pointer("service_endpoints"));
      return;
    case State::kKnown: break;
  }
  const auto services = ctx.strings(b, "service_endpoints");
  if (!services) return;
  s.set(base + "/serviceEndpoints", json::array(), b.attr_pointer("service_endpoints"));
  for (std::size_t k = 0; k < services->size(); ++k) {
    s.set(fmt::format("{}/serviceEndpoints/{}/service", base, k), (*services)[k],
          b.attr_pointer("service_endpoints") + "/" + std::to_string(k));
  }
}

/// One route's attributes (the same names inline and in azurerm_route) into `properties` at `base`.
void copy_route(Context& ctx, const Block& b, Synthesized& s, const std::string& base) {
  ctx.copy_string(b, "address_prefix", s, base + "/addressPrefix");
  ctx.copy_string(b, "next_hop_type", s, base + "/nextHopType");
  ctx.copy_string(b, "next_hop_in_ip_address", s, base + "/nextHopIpAddress");
}

}  // namespace

void translate_vnet(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/virtualNetworks", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_strings(b, "address_space", *s, "/properties/addressSpace/addressPrefixes");
  // `ddos_protection_plan { id, enable }`: Azure's `ddosProtectionPlan` and `enableDdosProtection`.
  if (ctx.state(b, "ddos_protection_plan") == State::kUnknown) {
    s->set("/properties/ddosProtectionPlan", Context::unknown_text(b, "ddos_protection_plan"),
           b.attr_pointer("ddos_protection_plan"));
    s->set("/properties/enableDdosProtection", Context::unknown_text(b, "ddos_protection_plan"),
           b.attr_pointer("ddos_protection_plan"));
  } else if (const auto ddos = ctx.nested(b, "ddos_protection_plan"); !ddos.empty()) {
    ctx.copy_ref(ddos.front(), "id", *s, "/properties/ddosProtectionPlan");
    ctx.copy_boolean(ddos.front(), "enable", *s, "/properties/enableDdosProtection");
  }
  // Inline subnets: unknown and not configured means the subnets are separate resources (azurerm_subnet).
  if (ctx.state(b, "subnet") == State::kUnknown) {
    s->set("/properties/subnets", Context::unknown_text(b, "subnet"), b.attr_pointer("subnet"));
    return;
  }
  const auto subnets = ctx.nested(b, "subnet");
  for (std::size_t k = 0; k < subnets.size(); ++k) {
    const Block& sb = subnets[k];
    const std::string base = fmt::format("/properties/subnets/{}", k);
    if (auto name = ctx.string(sb, "name")) {
      s->set(base + "/name", *name, sb.attr_pointer("name"));
    } else {
      s->set(base + "/name", Context::unknown_text(sb, "name"), sb.attr_pointer("name"));
    }
    s->doc[json::json_pointer(base + "/properties")] = json::object();
    copy_subnet_prefixes(ctx, sb, *s, base + "/properties");
    copy_subnet_delegations(ctx, sb, *s, base + "/properties");
    copy_subnet_service_endpoints(ctx, sb, *s, base + "/properties");
    ctx.copy_ref(sb, "security_group", *s, base + "/properties/networkSecurityGroup");
    ctx.copy_ref(sb, "route_table_id", *s, base + "/properties/routeTable");  // azurerm 4.x
  }
}

void translate_subnet(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/virtualNetworks/subnets", out);
  if (s == nullptr) return;
  copy_subnet_prefixes(ctx, Context::top(i), *s, "/properties");
  copy_subnet_delegations(ctx, Context::top(i), *s, "/properties");
  copy_subnet_service_endpoints(ctx, Context::top(i), *s, "/properties");
}

void translate_subnet_nsg_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  const Edited subnet = association_target(ctx, i, "subnet_id", "subnet", out);
  if (subnet.doc == nullptr) return;
  ctx.copy_ref(Context::top(i), "network_security_group_id", *subnet.doc,
               subnet.base + "/properties/networkSecurityGroup");
}

void translate_subnet_route_table_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  const Edited subnet = association_target(ctx, i, "subnet_id", "subnet", out);
  if (subnet.doc == nullptr) return;
  ctx.copy_ref(Context::top(i), "route_table_id", *subnet.doc, subnet.base + "/properties/routeTable");
}

void translate_peering(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_ref(b, "remote_virtual_network_id", *s, "/properties/remoteVirtualNetwork");
  // Absent: the provider's defaults, which are Azure's (access allowed, the rest not).
  ctx.copy_boolean(b, "allow_virtual_network_access", *s, "/properties/allowVirtualNetworkAccess");
  ctx.copy_boolean(b, "allow_forwarded_traffic", *s, "/properties/allowForwardedTraffic");
  ctx.copy_boolean(b, "allow_gateway_transit", *s, "/properties/allowGatewayTransit");
  ctx.copy_boolean(b, "use_remote_gateways", *s, "/properties/useRemoteGateways");
}

void translate_route_table(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/routeTables", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  if (ctx.state(b, "bgp_route_propagation_enabled") == State::kKnown) {  // azurerm 4.x: the opposite sense
    if (auto on = ctx.boolean(b, "bgp_route_propagation_enabled")) {
      s->set("/properties/disableBgpRoutePropagation", !*on, b.attr_pointer("bgp_route_propagation_enabled"));
    }
  } else {
    ctx.copy_boolean(b, "disable_bgp_route_propagation", *s, "/properties/disableBgpRoutePropagation");
  }
  s->doc["properties"]["routes"] = json::array();
  // Unknown and not configured: the routes are separate resources (azurerm_route), read as absent. Configured but
  // only known after apply: one route whose every field is unknown, read conservatively by the Azure importer.
  if (ctx.state(b, "route") == State::kUnknown) {
    const std::string unknown = Context::unknown_text(b, "route");
    s->set("/properties/routes/0",
           json{{"name", "unknown-routes"}, {"properties", {{"addressPrefix", unknown}, {"nextHopType", unknown}}}},
           b.attr_pointer("route"));
    return;
  }
  const auto routes = ctx.nested(b, "route");
  for (std::size_t k = 0; k < routes.size(); ++k) {
    const Block& rb = routes[k];
    const std::string base = fmt::format("/properties/routes/{}", k);
    s->set(base, json{{"properties", json::object()}}, rb.values_pointer);
    ctx.copy_string(rb, "name", *s, base + "/name");
    copy_route(ctx, rb, *s, base + "/properties");
  }
}

void translate_route(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/routeTables/routes", out);
  if (s == nullptr) return;
  copy_route(ctx, Context::top(i), *s, "/properties");
}

}  // namespace exposim::importers::terraform
