// azurerm Virtual WAN: virtual WANs, virtual hubs and hub virtual network connections (with their routing).
#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {

void translate_virtual_wan(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/virtualWans", out);
  if (s == nullptr) return;
  ctx.copy_string(Context::top(i), "type", *s, "/properties/type");
}

void translate_virtual_hub(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/virtualHubs", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_ref(b, "virtual_wan_id", *s, "/properties/virtualWan");
  ctx.copy_string(b, "address_prefix", *s, "/properties/addressPrefix");
}

void translate_hub_connection(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_ref(b, "remote_virtual_network_id", *s, "/properties/remoteVirtualNetwork");
  if (ctx.state(b, "internet_security_enabled") == State::kAbsent) {
    // The provider's default (false), not Azure's (true for a new connection).
    s->set("/properties/enableInternetSecurity", false, b.attr_pointer("internet_security_enabled"));
  } else {
    ctx.copy_boolean(b, "internet_security_enabled", *s, "/properties/enableInternetSecurity");
  }
  const auto routing = ctx.nested(b, "routing");
  if (routing.empty()) return;
  const Block& rb = routing.front();
  const std::string base = "/properties/routingConfiguration";
  s->set(base, json::object(), rb.values_pointer);
  ctx.copy_ref(rb, "associated_route_table_id", *s, base + "/associatedRouteTable");
  if (const auto propagated = ctx.nested(rb, "propagated_route_table"); !propagated.empty()) {
    const Block& pb = propagated.front();
    s->set(base + "/propagatedRouteTables", json::object(), pb.values_pointer);
    ctx.copy_strings(pb, "labels", *s, base + "/propagatedRouteTables/labels");
    ctx.copy_refs(pb, "route_table_ids", *s, base + "/propagatedRouteTables/ids");
  }
  const auto routes = ctx.nested(rb, "static_vnet_route");
  if (routes.empty()) return;
  s->set(base + "/vnetRoutes", json{{"staticRoutes", json::array()}}, rb.attr_pointer("static_vnet_route"));
  for (std::size_t k = 0; k < routes.size(); ++k) {
    const Block& sb = routes[k];
    const std::string route = fmt::format("{}/vnetRoutes/staticRoutes/{}", base, k);
    s->set(route, json::object(), sb.values_pointer);
    ctx.copy_string(sb, "name", *s, route + "/name");
    ctx.copy_strings(sb, "address_prefixes", *s, route + "/addressPrefixes");
    ctx.copy_string(sb, "next_hop_ip_address", *s, route + "/nextHopIpAddress");
  }
}

}  // namespace exposim::importers::terraform
