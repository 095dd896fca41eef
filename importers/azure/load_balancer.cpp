// Load balancers: frontends, backend pools, load-balancing rules, inbound NAT rules and NAT pools.
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

/// What the load balancer family keeps across files until finish().
struct LoadBalancerState {
  std::vector<PendingChild<model::LbNatRule>> nat_rules;
  std::vector<PendingChild<model::LbBackendPool>> pools;
};

/// `sku.name` of a resource (next to `properties`); false when it is present but not one of `allowed`.
/// `res_mark` is the length of the resource's pointer.
std::optional<std::string_view> read_sku_name(ReaderContext& ctx, JsonObject res, std::size_t res_mark) {
  const std::string saved = ctx.ptr;
  ctx.ptr.resize(res_mark);
  std::optional<std::string_view> out;
  if (auto sku = ctx.get_object(res, keys::kSku)) {
    PointerScope s(ctx.ptr, sku.key);
    if (auto name = ctx.get_string(*sku, keys::kName)) out = trim(*name);
  }
  ctx.ptr = saved;
  return out;
}

/// `protocol` of a load balancer rule: Tcp, Udp or All (= TCP and UDP).
void read_lb_protocol(ReaderContext& ctx, JsonObject props, std::string_view what, std::string_view name,
                      std::size_t mark, model::ProtocolMask& out) {
  using model::Protocol;
  const model::ProtocolMask all = model::bit(Protocol::kTcp) | model::bit(Protocol::kUdp);
  if (auto f = ctx.get_string(props, keys::kProtocol)) {
    const std::string_view t = trim(*f);
    if (ascii::equals_lower(t, "tcp")) {
      out = model::bit(Protocol::kTcp);
    } else if (ascii::equals_lower(t, "udp")) {
      out = model::bit(Protocol::kUdp);
    } else if (ascii::equals_lower(t, "all")) {
      out = all;
    } else if (ctx.invalid_value_at(f.key, *f, fmt::format("protocol '{}' is not Tcp, Udp or All", *f))) {
      out = all;  // unknown: All (docs/model.md, "Unknown values")
    }
  } else if (f.unknown) {
    out = all;
  } else if (!f.present) {
    ctx.report(Severity::kError, "missing-field", ctx.ptr.substr(0, mark),
               fmt::format("{} '{}' has no 'protocol'", what, name));
  }
}

/// The required `frontendIPConfiguration` reference of a load-balancing or inbound NAT rule.
Ref read_lb_frontend_ref(ReaderContext& ctx, JsonObject props, std::string_view what, std::string_view name,
                         std::size_t mark) {
  Ref frontend = ctx.get_ref(props, keys::kFrontendIpConfiguration);
  if (!frontend.set() && !find_field(props, keys::kFrontendIpConfiguration)) {
    ctx.report(Severity::kError, "missing-field", ctx.ptr.substr(0, mark),
               fmt::format("{} '{}' has no 'frontendIPConfiguration'", what, name));
  }
  return frontend;
}

/// One entry of a load balancer's `inboundNatPools`; nullopt when it has an error (reported).
std::optional<model::LbNatPool> read_lb_nat_pool(ReaderContext& ctx, JsonObject o, ChildIds ids) {
  model::LbNatPool p;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), p, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  const std::size_t mark = child.mark;
  constexpr std::string_view what = "inbound NAT pool";
  p.frontend = read_lb_frontend_ref(ctx, props, what, p.name, mark);
  read_lb_protocol(ctx, props, what, p.name, mark, p.protocols);
  auto start = ctx.read_port(props, keys::kFrontendPortRangeStart, "frontendPortRangeStart", 1, what, p.name, mark,
                             true, &p.frontend_port_unknown);
  auto end = ctx.read_port(props, keys::kFrontendPortRangeEnd, "frontendPortRangeEnd", 1, what, p.name, mark, true,
                           &p.frontend_port_unknown);
  if (auto b = ctx.read_port(props, keys::kBackendPort, "backendPort", 1, what, p.name, mark, true,
                             &p.backend_port_unknown)) {
    p.backend_port = *b;
  }
  if (start && end && !p.frontend_port_unknown) {
    if (*start > *end) {
      ctx.report(Severity::kError, "invalid-value", ctx.ptr.substr(0, mark),
                 fmt::format("{} '{}': frontend port range {}-{} is empty", what, p.name, *start, *end));
    }
    p.frontend_port_range_start = *start;
    p.frontend_port_range_end = *end;
  }
  if (auto b = ctx.get_bool(props, keys::kEnableFloatingIp)) p.enable_floating_ip = *b;
  if (ctx.failed_since(child)) return std::nullopt;
  return p;
}

std::optional<model::LbFrontend> read_lb_frontend(ReaderContext& ctx, JsonObject o, ChildIds ids) {
  model::LbFrontend fe;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), fe, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  fe.public_ip = ctx.get_ref(props, keys::kPublicIpAddress);
  fe.subnet = ctx.get_ref(props, keys::kSubnet);
  if (auto f = ctx.get_string(props, keys::kPrivateIpAddress)) {
    if (auto a = IpAddress::parse(trim(*f))) {
      fe.private_ip = *a;
    } else if (!trim(*f).empty()) {
      ctx.error_at(f.key, "invalid-value", fmt::format("private IP address '{}' is not an IP address", *f));
    }
  }
  // A prefix frontend serves outbound rules only (docs/model.md, "NAT gateways and public IP prefixes"): read for
  // the graph, and for the `outbound-only-frontend` warning on an inbound rule that uses it (validation).
  fe.public_ip_prefix = ctx.get_ref(props, keys::kPublicIpPrefix);
  return fe;
}

std::optional<model::LbBackendPool> read_lb_pool(ReaderContext& ctx, JsonObject o, ChildIds ids,
                                                 std::string_view lb_name) {
  model::LbBackendPool pool;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), pool, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  // Backends given by IP address (not by a NIC ip configuration) are not modelled: say so, never drop silently.
  if (auto arr = ctx.get_array(props, keys::kLoadBalancerBackendAddresses)) {
    std::size_t by_address = 0;
    for (JsonValue e : *arr) {
      JsonObject a;
      if (!e.get(a)) continue;
      auto bag = ctx.properties_of(a);
      if (!bag) continue;
      if (!find_field(bag->first, keys::kNetworkInterfaceIpConfiguration)) ++by_address;
    }
    if (by_address > 0) {
      PointerScope s(ctx.ptr, arr.key);
      ctx.warning(
          "unmodelled-feature",
          fmt::format("load balancer '{}': backend pool '{}' has {} IP-address-based {}, not modelled: exposure "
                      "through {} is not reported",
                      lb_name, pool.name, by_address, by_address == 1 ? "backend" : "backends",
                      by_address == 1 ? "it" : "them"));
    }
  }
  return pool;
}

std::optional<model::LbRule> read_lb_rule(ReaderContext& ctx, JsonObject o, ChildIds ids) {
  model::LbRule r;  // no key: a rule is not referenced
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), r, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  const std::size_t mark = child.mark;
  constexpr std::string_view what = "load-balancing rule";
  r.frontend = read_lb_frontend_ref(ctx, props, what, r.name, mark);
  if (auto pool = ctx.get_ref(props, keys::kBackendAddressPool); pool.set()) {
    r.backend_pools.push_back(std::move(pool));
    r.backend_pool_singular = true;
  }
  // Both fields may name the same pool (newer API versions fill both); the solver reaches a member once.
  for (auto& pool : ctx.get_ref_list(props, keys::kBackendAddressPools)) r.backend_pools.push_back(std::move(pool));
  read_lb_protocol(ctx, props, what, r.name, mark, r.protocols);
  if (auto p = ctx.read_port(props, keys::kFrontendPort, "frontendPort", 0, what, r.name, mark, true,
                             &r.frontend_port_unknown)) {
    r.frontend_port = *p;
  }
  if (auto p = ctx.read_port(props, keys::kBackendPort, "backendPort", 0, what, r.name, mark, true,
                             &r.backend_port_unknown)) {
    r.backend_port = *p;
  }
  if (auto b = ctx.get_bool(props, keys::kEnableFloatingIp)) r.enable_floating_ip = *b;
  if (ctx.failed_since(child)) return std::nullopt;
  return r;
}

std::optional<model::LbNatRule> read_lb_nat_rule(ReaderContext& ctx, JsonObject o, ChildIds ids) {
  model::LbNatRule r;
  std::optional<PointerScope> scope;
  const auto child = ctx.begin_child(o, std::move(ids), r, scope);
  if (!child.props) return std::nullopt;
  const JsonObject props = *child.props;
  const std::size_t mark = child.mark;
  constexpr std::string_view what = "inbound NAT rule";
  r.frontend = read_lb_frontend_ref(ctx, props, what, r.name, mark);
  r.backend_pool = ctx.get_ref(props, keys::kBackendAddressPool);
  read_lb_protocol(ctx, props, what, r.name, mark, r.protocols);
  r.frontend_port_range_start = ctx.read_port(props, keys::kFrontendPortRangeStart, "frontendPortRangeStart", 1, what,
                                              r.name, mark, false, &r.frontend_port_unknown);
  r.frontend_port_range_end = ctx.read_port(props, keys::kFrontendPortRangeEnd, "frontendPortRangeEnd", 1, what, r.name,
                                            mark, false, &r.frontend_port_unknown);
  const bool ranged = r.backend_pool.set();  // the v2 form maps a port range over a pool
  if (auto p = ctx.read_port(props, keys::kFrontendPort, "frontendPort", ranged ? 0 : 1, what, r.name, mark, !ranged,
                             &r.frontend_port_unknown)) {
    r.frontend_port = *p;
  }
  if (auto p = ctx.read_port(props, keys::kBackendPort, "backendPort", 1, what, r.name, mark, true,
                             &r.backend_port_unknown)) {
    r.backend_port = *p;
  }
  if (ranged && !ctx.failed_since(child) && !r.frontend_port_unknown) {
    if (!r.frontend_port_range_start || !r.frontend_port_range_end) {
      ctx.report(Severity::kError, "missing-field", ctx.ptr.substr(0, mark),
                 fmt::format("{} '{}' has a 'backendAddressPool' but no 'frontendPortRangeStart' and "
                             "'frontendPortRangeEnd'",
                             what, r.name));
    } else if (*r.frontend_port_range_start > *r.frontend_port_range_end) {
      ctx.report(Severity::kError, "invalid-value", ctx.ptr.substr(0, mark),
                 fmt::format("{} '{}': frontend port range {}-{} is empty", what, r.name, *r.frontend_port_range_start,
                             *r.frontend_port_range_end));
    }
  }
  if (auto b = ctx.get_bool(props, keys::kEnableFloatingIp)) r.enable_floating_ip = *b;
  if (ctx.failed_since(child)) return std::nullopt;
  return r;
}

}  // namespace

bool read_load_balancer(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject res = resource.object;
  const JsonObject props = resource.props;
  const std::size_t res_mark = resource.mark;
  model::LoadBalancer lb;
  static_cast<model::ResourceBase&>(lb) = std::move(base);
  if (auto sku = read_sku_name(ctx, res, res_mark)) {
    if (ascii::equals_lower(*sku, "basic")) {
      lb.sku = model::Sku::kBasic;
    } else if (ascii::equals_lower(*sku, "standard")) {
      lb.sku = model::Sku::kStandard;
    } else if (ascii::equals_lower(*sku, "gateway")) {
      const std::string saved = ctx.ptr;
      ctx.ptr.resize(res_mark);
      ctx.warning(
          "unmodelled-feature",
          fmt::format("gateway load balancer '{}' is not modelled: exposure through it is not reported", lb.name));
      ctx.ptr = saved;
      return true;
    } else {
      const std::string saved = ctx.ptr;
      ctx.ptr.resize(res_mark);
      ctx.ptr += "/sku/name";
      ctx.error("invalid-value", fmt::format("SKU '{}' is not Basic, Standard or Gateway", *sku));
      ctx.ptr = saved;
    }
  }
  ctx.for_each_child(props, keys::kFrontendIpConfigurations, lb.id, segments::kLbFrontendsAsWritten,
                     "frontend IP configuration", [&](JsonObject o, ChildIds ids) {
                       if (auto fe = read_lb_frontend(ctx, o, std::move(ids))) lb.frontends.push_back(std::move(*fe));
                     });
  ctx.for_each_child(props, keys::kBackendAddressPools, lb.id, segments::kLbBackendAddressPoolsAsWritten,
                     "backend address pool", [&](JsonObject o, ChildIds ids) {
                       if (auto p = read_lb_pool(ctx, o, std::move(ids), lb.name))
                         lb.backend_pools.push_back(std::move(*p));
                     });
  ctx.for_each_child(props, keys::kLoadBalancingRules, lb.id, segments::kLbRulesAsWritten, "load-balancing rule",
                     [&](JsonObject o, ChildIds ids) {
                       if (auto r = read_lb_rule(ctx, o, std::move(ids))) lb.rules.push_back(std::move(*r));
                     });
  ctx.for_each_child(props, keys::kInboundNatRules, lb.id, segments::kLbInboundNatRulesAsWritten, "inbound NAT rule",
                     [&](JsonObject o, ChildIds ids) {
                       if (auto r = read_lb_nat_rule(ctx, o, std::move(ids))) lb.nat_rules.push_back(std::move(*r));
                     });
  ctx.for_each_child(props, keys::kInboundNatPools, lb.id, segments::kLbInboundNatPoolsAsWritten, "inbound NAT pool",
                     [&](JsonObject o, ChildIds ids) {
                       if (auto p = read_lb_nat_pool(ctx, o, std::move(ids))) lb.nat_pools.push_back(std::move(*p));
                     });
  ctx.model.load_balancers.push_back(std::move(lb));
  return true;
}

bool read_separate_lb_nat_rule(ReaderContext& ctx, Resource& resource) {
  std::string parent_id = std::move(resource.parent_id);
  auto r = read_lb_nat_rule(ctx, resource.object, ChildIds{resource.base.id, resource.base.name});
  if (!r) return false;
  std::string key = r->key;
  ctx.state<LoadBalancerState>().nat_rules.push_back(
      {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*r)});
  return true;
}

bool read_separate_lb_backend_pool(ReaderContext& ctx, Resource& resource) {
  std::string parent_id = std::move(resource.parent_id);
  auto p = read_lb_pool(ctx, resource.object, ChildIds{resource.base.id, resource.base.name}, last_segment(parent_id));
  if (!p) return false;
  std::string key = p->key;
  ctx.state<LoadBalancerState>().pools.push_back(
      {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*p)});
  return true;
}

void attach_lb_nat_rules(ReaderContext& ctx) {
  ctx.attach(
      ctx.state<LoadBalancerState>().nat_rules, ctx.model.load_balancers, [](auto& l) -> auto& { return l.nat_rules; },
      [](const model::LbNatRule& r) { return r.key; }, "inbound NAT rule", "load balancer");
}

void attach_lb_backend_pools(ReaderContext& ctx) {
  ctx.attach(
      ctx.state<LoadBalancerState>().pools, ctx.model.load_balancers, [](auto& l) -> auto& { return l.backend_pools; },
      [](const model::LbBackendPool& p) { return p.key; }, "backend address pool", "load balancer");
}

}  // namespace exposim::importers::azure
