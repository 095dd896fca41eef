// Virtual networks, their subnets and peerings, route tables and their routes.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/posture_setting.h"
#include "importers/azure/reader_context.h"
#include "importers/azure/service_tags.h"
#include "importers/unknown_value.h"
#include "model/unknown.h"

namespace exposim::importers::azure {
namespace {

/// A subnet given as a separate resource, waiting for its virtual network.
struct PendingSubnet {
  std::string key;
  std::string name;
  std::string vnet_key;
  std::string vnet_id;  // as written, for messages
  model::SourceLocation where;
};

/// What the network family keeps across files until finish().
struct NetworkState {
  std::unordered_map<std::string, bool> subnet_inline;  // subnet key -> first seen inline
  std::vector<PendingSubnet> subnets;
  std::vector<PendingChild<model::Peering>> peerings;
  std::vector<PendingChild<model::Route>> routes;
};

std::optional<model::NextHopType> parse_next_hop(std::string_view t) {
  using model::NextHopType;
  if (ascii::equals_lower(t, "virtualnetworkgateway")) return NextHopType::kVirtualNetworkGateway;
  if (ascii::equals_lower(t, "vnetlocal")) return NextHopType::kVnetLocal;
  if (ascii::equals_lower(t, "internet")) return NextHopType::kInternet;
  if (ascii::equals_lower(t, "virtualappliance")) return NextHopType::kVirtualAppliance;
  if (ascii::equals_lower(t, "none")) return NextHopType::kNone;
  return std::nullopt;
}

/// `serviceEndpoints[]` (`service`, `locations`) of a subnet's properties (docs/model.md, "PaaS public endpoints from
/// inside the estate"). Whatever is only known at deployment is kept as unknown, which the solver reads as both
/// with and without the endpoint (never hiding a path).
void read_service_endpoints(ReaderContext& ctx, JsonObject props, model::Subnet& s) {
  if (ctx.unknown_list(props, keys::kServiceEndpoints)) {
    s.service_endpoints_unknown = true;
    return;
  }
  ctx.for_each_object(
      props, keys::kServiceEndpoints, "service endpoint",
      [&](JsonObject e, std::size_t) {
        model::ServiceEndpoint se;
        se.where = ctx.here();
        const auto service = ctx.get_string(e, keys::kService);
        if (service.unknown) {
          se.unknown = true;
        } else if (service) {
          se.service = std::string(trim(*service));
        } else {
          return;  // no service: nothing Azure would create (a missing field is Azure's error at deployment)
        }
        if (ctx.unknown_list(e, keys::kLocations)) {
          se.locations_unknown = true;
        } else {
          ctx.for_each_text(e, "", keys::kLocations, [&](std::string_view text) {
            if (is_unknown_value(text)) {
              ctx.note_unknown(text);
              se.locations_unknown = true;
            } else {
              se.locations.emplace_back(trim(text));
            }
          });
        }
        s.service_endpoints.push_back(std::move(se));
      },
      ReaderContext::NullElements::kSkip);
}

std::optional<model::Subnet> read_subnet(ReaderContext& ctx, JsonObject o, ChildIds ids,
                                         std::string_view vnet_key_hint) {
  model::Subnet s;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), s, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  const auto cut = irfind(s.id, segments::kSubnets);
  s.vnet.id =
      cut != std::string::npos ? ctx.canonical(std::string_view(s.id).substr(0, cut)) : ctx.canonical(vnet_key_hint);
  s.prefixes = ctx.get_prefixes(props, keys::kAddressPrefix, keys::kAddressPrefixes);
  s.nsg = ctx.get_ref(props, keys::kNetworkSecurityGroup);
  s.route_table = ctx.get_ref(props, keys::kRouteTable);
  s.nat_gateway = ctx.get_ref(props, keys::kNatGateway);
  if (auto f = ctx.get_string(props, keys::kPrivateEndpointNetworkPolicies)) {
    const std::string_view t = trim(*f);
    using model::PrivateEndpointPolicy;
    if (ascii::equals_lower(t, "disabled")) {
      s.private_endpoint_policies = PrivateEndpointPolicy::kDisabled;
    } else if (ascii::equals_lower(t, "enabled")) {
      s.private_endpoint_policies = PrivateEndpointPolicy::kEnabled;
    } else if (ascii::equals_lower(t, "networksecuritygroupenabled")) {
      s.private_endpoint_policies = PrivateEndpointPolicy::kNsgOnly;
    } else if (ascii::equals_lower(t, "routetableenabled")) {
      s.private_endpoint_policies = PrivateEndpointPolicy::kRouteTableOnly;
    } else {
      ctx.error_at(f.key, "invalid-value",
                   fmt::format("private endpoint network policies '{}' is not Disabled, Enabled, "
                               "NetworkSecurityGroupEnabled or RouteTableEnabled",
                               *f));
    }
  }
  // Delegations: a subnet delegated to a service with network intent policies (docs/model.md, "Security admin rules").
  ctx.for_each_object(props, keys::kDelegations, "delegation", [&](JsonObject d, std::size_t) {
    const auto dp = ctx.properties_of(d);
    if (!dp) return;
    std::optional<PointerScope> scope;
    if (!dp->second.empty()) scope.emplace(ctx.ptr, dp->second);
    const auto name = ctx.get_string(dp->first, keys::kServiceName);
    if (name.unknown) {
      s.delegation_unknown = true;
    } else if (name) {
      s.delegations.emplace_back(trim(*name));
    }
  });
  read_service_endpoints(ctx, props, s);
  return s;
}

/// Adds a subnet unless the same subnet came the other way (inline vs separate) before.
bool add_subnet(ReaderContext& ctx, model::Subnet&& s, bool is_inline) {
  auto [it, inserted] = ctx.state<NetworkState>().subnet_inline.try_emplace(s.key, is_inline);
  if (!inserted && it->second != is_inline) return false;
  ctx.model.subnets.push_back(std::move(s));
  return true;
}

std::optional<model::Peering> read_peering(ReaderContext& ctx, JsonObject o, ChildIds ids) {
  model::Peering p;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), p, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  p.remote_vnet = ctx.get_ref(props, keys::kRemoteVirtualNetwork);
  if (auto space = ctx.get_object(props, keys::kRemoteAddressSpace)) {
    PointerScope s(ctx.ptr, space.key);
    p.remote_address_space = ctx.get_prefixes(*space, "", keys::kAddressPrefixes);
  }
  if (auto b = ctx.get_bool(props, keys::kAllowVirtualNetworkAccess)) p.allow_virtual_network_access = *b;
  if (auto b = ctx.get_bool(props, keys::kAllowForwardedTraffic)) p.allow_forwarded_traffic = *b;
  if (auto b = ctx.get_bool(props, keys::kAllowGatewayTransit)) p.allow_gateway_transit = *b;
  if (auto b = ctx.get_bool(props, keys::kUseRemoteGateways)) p.use_remote_gateways = *b;
  // Templates never carry `peeringState` (Azure computes it): absent, the peering counts as Connected once
  // both sides exist, which routing checks (docs/model.md). Exports carry it and it is honoured.
  p.connected = true;
  if (auto st = ctx.get_string(props, keys::kPeeringState)) p.connected = ascii::equals_lower(trim(*st), "connected");
  return p;
}

std::optional<model::Route> read_route(ReaderContext& ctx, JsonObject o, ChildIds ids) {
  model::Route r;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), r, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  const std::size_t route_mark = child.mark;
  auto missing = [&](std::string_view field) {
    ctx.report(Severity::kError, "missing-field", ctx.ptr.substr(0, route_mark),
               fmt::format("route '{}' has no '{}'", r.name, field));
  };
  // Unknown fields (docs/model.md, "Unknown values"): an unknown next hop type or next hop address reads as
  // next hop Internet (the route diverts nothing and its prefix joins the VirtualNetwork tag); a route of
  // unknown prefix with next hop Internet reads as 0.0.0.0/0 (the tag then holds every address), with another
  // next hop it is left out (it could only divert the replies of the sources it would add to the tag).
  bool unknown_prefix = false, unknown_hop = false;
  if (auto f = ctx.get_string(props, keys::kAddressPrefix)) {
    PointerScope s(ctx.ptr, f.key);
    const std::string_view t = trim(*f);
    r.prefix_text = std::string(t);
    if (t.empty()) {
      ctx.error("invalid-value", fmt::format("route '{}' has an empty 'addressPrefix'", r.name));
    } else if (ctx.options.from_template && looks_like_placeholder(t)) {
      ctx.note_unknown(t);
      unknown_prefix = true;
    } else if (looks_like_ip(t)) {
      r.prefix = ctx.prefix_value(t, &unknown_prefix);
    } else if (classify_service_tag(t) == TagKind::kUnknown) {
      ctx.warning("unknown-service-tag", fmt::format("unknown service tag '{}' matches nothing", t));
    }
  } else if (f.unknown) {
    unknown_prefix = true;
  } else if (!f.present) {
    missing("addressPrefix");
  }
  if (auto f = ctx.get_string(props, keys::kNextHopType)) {
    if (auto t = parse_next_hop(trim(*f))) {
      r.next_hop = *t;
    } else {
      unknown_hop = ctx.invalid_value_at(f.key, *f,
                                         fmt::format("next hop type '{}' is not VirtualNetworkGateway, VnetLocal, "
                                                     "Internet, VirtualAppliance or None",
                                                     *f));
    }
  } else if (f.unknown) {
    unknown_hop = true;
  } else if (!f.present) {
    missing("nextHopType");
  }
  if (auto f = ctx.get_string(props, keys::kNextHopIpAddress)) {
    if (auto a = IpAddress::parse(trim(*f))) {
      r.next_hop_ip = *a;
    } else if (!trim(*f).empty()) {
      unknown_hop = ctx.invalid_value_at(f.key, *f, fmt::format("next hop IP address '{}' is not an IP address", *f)) ||
                    unknown_hop;
    }
  } else if (f.unknown) {
    unknown_hop = true;
  }
  if (ctx.failed_since(child)) return std::nullopt;
  if (unknown_hop) {
    r.next_hop = model::NextHopType::kInternet;
    r.next_hop_ip.reset();
  }
  if (unknown_prefix) {
    if (r.next_hop != model::NextHopType::kInternet) return std::nullopt;
    r.prefix = *IpPrefix::parse("0.0.0.0/0");
    r.prefix_text = "0.0.0.0/0";
  }
  return r;
}

}  // namespace

bool read_vnet(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::VirtualNetwork v;
  static_cast<model::ResourceBase&>(v) = std::move(base);
  if (auto space = ctx.get_object(props, keys::kAddressSpace)) {
    PointerScope s(ctx.ptr, space.key);
    v.address_space = ctx.get_prefixes(*space, "", keys::kAddressPrefixes);
  }
  ctx.for_each_child(props, keys::kSubnets, v.id, segments::kSubnetsAsWritten, "subnet",
                     [&](JsonObject o, ChildIds ids) {
                       if (auto sub = read_subnet(ctx, o, std::move(ids), v.key)) {
                         v.subnets.push_back(Ref{sub->key, -1});
                         add_subnet(ctx, std::move(*sub), true);
                       }
                     });
  ctx.for_each_child(props, keys::kVirtualNetworkPeerings, v.id, segments::kPeeringsAsWritten,
                     "virtual network peering", [&](JsonObject o, ChildIds ids) {
                       if (auto p = read_peering(ctx, o, std::move(ids))) v.peerings.push_back(std::move(*p));
                     });
  v.enable_ddos_protection = read_bool_setting(ctx, props, keys::kEnableDdosProtection, v.where, false);
  if (auto plan = find_field(props, keys::kDdosProtectionPlan)) {
    v.ddos_protection_plan.where = field_location(ctx, plan->key);
    Ref r = ctx.get_ref(props, keys::kDdosProtectionPlan);
    if (model::is_unknown(r)) {
      v.ddos_protection_plan.unknown = true;
    } else if (r.set()) {
      v.ddos_protection_plan.value = std::move(r.id);
    }
  } else {
    v.ddos_protection_plan.where = v.where;
  }
  ctx.model.vnets.push_back(std::move(v));
  return true;
}

bool read_route_table(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::RouteTable t;
  static_cast<model::ResourceBase&>(t) = std::move(base);
  ctx.for_each_child(props, keys::kRoutes, t.id, segments::kRoutesAsWritten, "route", [&](JsonObject o, ChildIds ids) {
    if (auto r = read_route(ctx, o, std::move(ids))) t.routes.push_back(std::move(*r));
  });
  if (auto b = ctx.get_bool(props, keys::kDisableBgpRoutePropagation)) t.disable_bgp_route_propagation = *b;
  t.subnets = ctx.get_ref_list(props, keys::kSubnets);
  ctx.model.route_tables.push_back(std::move(t));
  return true;
}

bool read_separate_subnet(ReaderContext& ctx, Resource& resource) {
  auto s = read_subnet(ctx, resource.object, ChildIds{resource.base.id, resource.base.name}, "");
  if (!s) return false;
  PendingSubnet pending{s->key, s->name, s->vnet.id, resource.parent_id, s->where};
  if (add_subnet(ctx, std::move(*s), false)) ctx.state<NetworkState>().subnets.push_back(std::move(pending));
  return true;
}

bool read_separate_peering(ReaderContext& ctx, Resource& resource) {
  auto p = read_peering(ctx, resource.object, ChildIds{resource.base.id, resource.base.name});
  if (!p) return false;
  std::string key = model::canonical_id(p->id);
  std::string parent_id = std::move(resource.parent_id);
  ctx.state<NetworkState>().peerings.push_back(
      {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*p)});
  return true;
}

bool read_separate_route(ReaderContext& ctx, Resource& resource) {
  auto r = read_route(ctx, resource.object, ChildIds{resource.base.id, resource.base.name});
  if (!r) return false;
  std::string key = ascii::lower(r->name);
  std::string parent_id = std::move(resource.parent_id);
  ctx.state<NetworkState>().routes.push_back(
      {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*r)});
  return true;
}

void attach_subnets(ReaderContext& ctx) {
  auto& pending = ctx.state<NetworkState>().subnets;
  if (pending.empty()) return;
  const auto vnets = index_by_key(ctx.model.vnets);
  std::unordered_set<std::string> listed;
  for (const auto& v : ctx.model.vnets) {
    for (const auto& r : v.subnets) listed.insert(r.id);
  }
  // From a template, a subnet of a virtual network the template does not declare (an existing one) gets an
  // assumed parent: its address space is the prefixes of its known subnets, nothing else (docs/model.md,
  // "Unknown values"); validation names it with the other resources not in the input.
  std::unordered_map<std::string, std::size_t> assumed;  // vnet key -> index in model.vnets
  std::unordered_map<std::string, std::size_t> subnet_at;
  if (ctx.options.from_template) {
    for (std::size_t i = 0; i < ctx.model.subnets.size(); ++i) subnet_at.try_emplace(ctx.model.subnets[i].key, i);
  }
  for (auto& p : pending) {
    std::size_t vnet = 0;
    if (auto it = vnets.find(p.vnet_key); it != vnets.end()) {
      vnet = it->second;
    } else if (auto a = assumed.find(p.vnet_key); a != assumed.end()) {
      vnet = a->second;
    } else if (ctx.options.from_template) {
      model::VirtualNetwork v;
      v.id = p.vnet_id;
      v.key = p.vnet_key;
      v.name = std::string(last_segment(p.vnet_id));
      v.where = p.where;
      v.location = std::string(model::kAssumedLocation);
      vnet = ctx.model.vnets.size();
      assumed.emplace(p.vnet_key, vnet);
      ctx.model.vnets.push_back(std::move(v));
    } else {
      ctx.dangling(p.where, "subnet", p.name, "virtual network", p.vnet_id);
      continue;
    }
    auto& v = ctx.model.vnets[vnet];
    if (model::is_assumed(v)) {
      if (auto s = subnet_at.find(p.key); s != subnet_at.end()) {
        for (const auto& prefix : ctx.model.subnets[s->second].prefixes) {
          if (std::find(v.address_space.begin(), v.address_space.end(), prefix) == v.address_space.end()) {
            v.address_space.push_back(prefix);
          }
        }
      }
    }
    if (listed.insert(p.key).second) v.subnets.push_back(Ref{p.key, -1});
  }
  pending.clear();
}

void attach_peerings(ReaderContext& ctx) {
  ctx.attach(
      ctx.state<NetworkState>().peerings, ctx.model.vnets, [](auto& v) -> auto& { return v.peerings; },
      [](const model::Peering& p) { return model::canonical_id(p.id); }, "virtual network peering", "virtual network");
}

void attach_routes(ReaderContext& ctx) {
  ctx.attach(
      ctx.state<NetworkState>().routes, ctx.model.route_tables, [](auto& t) -> auto& { return t.routes; },
      [](const model::Route& r) { return ascii::lower(r.name); }, "route", "route table");
}

}  // namespace exposim::importers::azure
