// Virtual WAN: virtual WANs, virtual hubs, hub virtual network connections, routing intents, hub route
// tables.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/reader_context.h"
#include "importers/unknown_value.h"
#include "model/unknown.h"

namespace exposim::importers::azure {
namespace {

/// A hub virtual network connection's own fields (`remoteVirtualNetwork`, `enableInternetSecurity`).
void read_hub_connection_fields(ReaderContext& ctx, JsonObject props, model::HubConnection& c) {
  c.remote_vnet = ctx.get_ref(props, keys::kRemoteVirtualNetwork);
  if (!c.remote_vnet.set() && !find_field(props, keys::kRemoteVirtualNetwork)) {
    ctx.warning("missing-reference", fmt::format("hub virtual network connection '{}' has no 'remoteVirtualNetwork'; "
                                                 "it connects nothing",
                                                 c.name));
  }
  if (auto b = ctx.get_bool(props, keys::kEnableInternetSecurity)) c.enable_internet_security = *b;
  auto rc = ctx.get_object(props, keys::kRoutingConfiguration);
  if (!rc) return;
  PointerScope s(ctx.ptr, rc.key);
  c.associated_route_table = ctx.get_ref(*rc, keys::kAssociatedRouteTable);
  if (auto pr = ctx.get_object(*rc, keys::kPropagatedRouteTables)) {
    PointerScope sp(ctx.ptr, pr.key);
    c.propagated_route_tables = ctx.get_ref_list(*pr, keys::kIds);
    ctx.for_each_text(*pr, "", keys::kLabels, [&](std::string_view t) { c.propagated_labels.emplace_back(trim(t)); });
  }
  auto vr = ctx.get_object(*rc, keys::kVnetRoutes);
  if (!vr) return;
  PointerScope sv(ctx.ptr, vr.key);
  ctx.for_each_object(*vr, keys::kStaticRoutes, "static route", [&](JsonObject o, std::size_t) {
    model::HubStaticRoute r;
    r.where = ctx.here();
    if (auto n = ctx.get_string(o, keys::kName)) r.name = std::string(*n);
    r.prefixes = ctx.get_prefixes(o, "", keys::kAddressPrefixes);
    if (auto a = ctx.get_string(o, keys::kNextHopIpAddress); a && !trim(*a).empty()) {
      if (auto ip = IpAddress::parse(trim(*a))) {
        r.next_hop_ip = *ip;
      } else {
        ctx.error_at(a.key, "invalid-value", fmt::format("next hop IP address '{}' is not an IP address", *a));
      }
    }
    c.static_routes.push_back(std::move(r));
  });
}

}  // namespace

bool read_virtual_wan(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::VirtualWan w;
  static_cast<model::ResourceBase&>(w) = std::move(base);
  // Under `properties`; in flattened output `type` is the resource type, not the WAN's.
  if (auto t = ctx.get_string(props, keys::kType); t && t->find('/') == std::string_view::npos) {
    w.wan_type = std::string(trim(*t));
  }
  ctx.model.virtual_wans.push_back(std::move(w));
  return true;
}

bool read_virtual_hub(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::VirtualHub h;
  static_cast<model::ResourceBase&>(h) = std::move(base);
  h.virtual_wan = ctx.get_ref(props, keys::kVirtualWan);
  h.azure_firewall = ctx.get_ref(props, keys::kAzureFirewall);
  if (auto f = ctx.get_string(props, keys::kAddressPrefix); f && !trim(*f).empty()) {
    PointerScope s(ctx.ptr, f.key);
    h.address_prefix = ctx.prefix_value(*f);
  }
  // Older API versions list the connections inline.
  ctx.for_each_child(props, keys::kVirtualNetworkConnections, h.id, segments::kHubConnectionsAsWritten,
                     "hub virtual network connection", [&](JsonObject o, ChildIds ids) {
                       model::HubConnection c;
                       c.hub = Ref{h.key, -1};
                       std::optional<PointerScope> scope;
                       const auto child = ctx.begin_child(o, std::move(ids), c, scope);
                       if (!child.props) return;
                       read_hub_connection_fields(ctx, *child.props, c);
                       ctx.model.hub_connections.push_back(std::move(c));
                     });
  ctx.model.virtual_hubs.push_back(std::move(h));
  return true;
}

bool read_hub_connection(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::HubConnection c;
  static_cast<model::ResourceBase&>(c) = std::move(base);
  c.hub = Ref{model::canonical_id(resource.parent_id), -1};  // its id names the hub (resource_types.cpp)
  read_hub_connection_fields(ctx, props, c);
  ctx.model.hub_connections.push_back(std::move(c));
  return true;
}

bool read_hub_routing_intent(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::HubRoutingIntent r;
  static_cast<model::ResourceBase&>(r) = std::move(base);
  r.hub = Ref{model::canonical_id(resource.parent_id), -1};  // its id names the hub (resource_types.cpp)
  ctx.for_each_object(props, keys::kRoutingPolicies, "routing policy", [&](JsonObject o, std::size_t) {
    model::HubRoutingPolicy p;
    p.where = ctx.here();
    if (auto n = ctx.get_string(o, keys::kName)) p.name = std::string(*n);
    const std::size_t errors_before = ctx.errors;
    ctx.for_each_text(o, "", keys::kDestinations, [&](std::string_view t) {
      if (ascii::equals_lower(trim(t), "internet")) {
        p.internet = true;
      } else if (ascii::equals_lower(trim(t), "privatetraffic")) {
        p.private_traffic = true;
      } else {
        ctx.error("invalid-value", fmt::format("routing policy destination '{}' is not Internet or PrivateTraffic", t));
      }
    });
    if (auto hop = ctx.get_string(o, keys::kNextHop)) {
      p.next_hop = Ref{model::canonical_id(trim(*hop)), -1};
    } else if (!hop.present) {
      ctx.error("missing-field", fmt::format("routing policy '{}' has no 'nextHop'", p.name));
    }
    if (ctx.errors == errors_before) r.policies.push_back(std::move(p));
  });
  ctx.model.hub_routing_intents.push_back(std::move(r));
  return true;
}

bool read_hub_route_table(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::HubRouteTable t;
  static_cast<model::ResourceBase&>(t) = std::move(base);
  t.hub = Ref{model::canonical_id(resource.parent_id), -1};  // its id names the hub (resource_types.cpp)
  ctx.for_each_object(props, keys::kRoutes, "hub route", [&](JsonObject o, std::size_t) {
    model::HubRoute r;
    r.where = ctx.here();
    if (auto n = ctx.get_string(o, keys::kName)) r.name = std::string(*n);
    // `destinationType` CIDR (the default) lists prefixes; ResourceId and Service list other things.
    bool cidr = true;
    if (auto dt = ctx.get_string(o, keys::kDestinationType)) cidr = ascii::equals_lower(trim(*dt), "cidr");
    if (cidr) {
      r.destinations = ctx.get_prefixes(o, "", keys::kDestinations);
    } else {
      ctx.for_each_text(o, "", keys::kDestinations,
                        [&](std::string_view d) { r.other_destinations.emplace_back(trim(d)); });
    }
    r.next_hop = ctx.get_ref_id(o, keys::kNextHop);
    if (!r.next_hop.set()) {
      if (auto h = ctx.get_object(o, keys::kNextHop)) r.next_hop = ctx.get_ref(o, keys::kNextHop);
    }
    if (!r.next_hop.set()) ctx.error("missing-field", fmt::format("hub route '{}' has no 'nextHop'", r.name));
    t.routes.push_back(std::move(r));
  });
  ctx.model.hub_route_tables.push_back(std::move(t));
  return true;
}

}  // namespace exposim::importers::azure
