// Application gateways (listeners, backend pools and settings, URL path maps, routing rules) and the WAF
// policies they reference.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/posture_setting.h"
#include "importers/azure/reader_context.h"
#include "importers/unknown_value.h"
#include "model/unknown.h"

namespace exposim::importers::azure {
namespace {

/// What the application gateway family keeps across files until finish().
struct ApplicationGatewayState {
  std::unordered_map<std::string, model::WafMode> waf_policies;  // WAF policy key -> mode
};

/// `protocol` of a listener or backend settings: Http or Https. False when absent or bad (reported).
bool read_ag_protocol(ReaderContext& ctx, JsonObject props, std::string_view what, std::string_view name,
                      std::size_t mark, model::AgProtocol& out) {
  auto f = ctx.get_string(props, keys::kProtocol);
  if (!f) {
    if (!f.present) {
      ctx.report(Severity::kError, "missing-field", ctx.ptr.substr(0, mark),
                 fmt::format("{} '{}' has no 'protocol'", what, name));
    }
    return false;
  }
  if (ascii::equals_lower(trim(*f), "http")) {
    out = model::AgProtocol::kHttp;
  } else if (ascii::equals_lower(trim(*f), "https")) {
    out = model::AgProtocol::kHttps;
  } else {
    ctx.error_at(f.key, "invalid-value", fmt::format("protocol '{}' is not Http or Https", *f));
    return false;
  }
  return true;
}

/// A backend pool's target pair (pool and settings) from `pool_key` and `settings_key` of `props`.
model::AgBackendTarget read_ag_target(ReaderContext& ctx, JsonObject props, std::string_view pool_key,
                                      std::string_view settings_key) {
  model::AgBackendTarget t;
  t.where = ctx.here();
  t.pool = ctx.get_ref(props, pool_key);
  t.settings = ctx.get_ref(props, settings_key);
  return t;
}

/// `mode` of a WAF: Detection or Prevention; kUnknown when absent, nullopt when bad (reported).
std::optional<model::WafMode> read_waf_mode(ReaderContext& ctx, JsonObject o, std::string_view key) {
  auto f = ctx.get_string(o, key);
  if (!f) return f.present ? std::nullopt : std::optional(model::WafMode::kUnknown);
  if (ascii::equals_lower(trim(*f), "detection")) return model::WafMode::kDetection;
  if (ascii::equals_lower(trim(*f), "prevention")) return model::WafMode::kPrevention;
  ctx.error_at(f.key, "invalid-value", fmt::format("WAF mode '{}' is not Detection or Prevention", *f));
  return std::nullopt;
}

}  // namespace

bool read_application_gateway(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject res = resource.object;
  const JsonObject props = resource.props;
  const std::size_t res_mark = resource.mark;
  model::ApplicationGateway g;
  static_cast<model::ResourceBase&>(g) = std::move(base);
  // An application gateway's `sku` sits inside `properties` (next to it in some exports).
  ReaderContext::SkuFields sku = ctx.read_sku_here(props);
  if (!sku.name && !sku.tier) sku = ctx.read_sku(res, res_mark);
  if (sku.name) g.sku_name = std::string(*sku.name);
  if (sku.tier) g.tier = std::string(*sku.tier);
  auto ends_v2 = [](std::string_view s) { return s.size() >= 3 && ascii::equals_lower(s.substr(s.size() - 3), "_v2"); };
  // v1 SKUs are Standard_Small/Medium/Large and WAF_Medium/Large (tier Standard or WAF); anything else is v2.
  const bool v1_name = !g.sku_name.empty() && !ends_v2(g.sku_name) && !ascii::equals_lower(g.sku_name, "basic");
  const bool v1_tier = !g.tier.empty() && !ends_v2(g.tier) && !ascii::equals_lower(g.tier, "basic");
  g.v2 = !(v1_name || v1_tier);
  const std::string gw = g.name;

  if (auto waf = ctx.get_object(props, keys::kWebApplicationFirewallConfiguration)) {
    PointerScope s(ctx.ptr, waf.key);
    auto enabled = ctx.get_bool(*waf, keys::kEnabled);
    if (enabled && *enabled) {
      if (auto m = read_waf_mode(ctx, *waf, keys::kFirewallMode)) g.waf_mode = *m;
    }
  }
  g.waf_policy = ctx.get_ref(props, keys::kFirewallPolicy);
  if (g.waf_policy.set()) g.waf_mode = model::WafMode::kUnknown;  // read from the policy in finish()
  // Presence only, as policy 564feb30 checks it; the policy, which takes precedence, is where it is.
  if (auto f = find_field(props, keys::kFirewallPolicy)) {
    g.waf_configured = true;
    g.waf_where = field_location(ctx, f->key);
  } else if (auto c = find_field(props, keys::kWebApplicationFirewallConfiguration)) {
    g.waf_configured = true;
    g.waf_where = field_location(ctx, c->key);
  } else {
    g.waf_where = g.where;
  }

  ctx.for_each_child(props, keys::kGatewayIpConfigurations, g.id, segments::kAgGatewayIpConfigurationsAsWritten,
                     "gateway ip configuration", [&](JsonObject o, ChildIds ids) {
                       model::AgGatewayIpConfiguration c;
                       std::optional<PointerScope> scope;
                       const auto child = ctx.begin_child(o, std::move(ids), c, scope);
                       if (!child.props) return;
                       const JsonObject p = *child.props;
                       c.subnet = ctx.get_ref(p, keys::kSubnet);
                       g.gateway_ip_configurations.push_back(std::move(c));
                     });
  ctx.for_each_child(props, keys::kFrontendIpConfigurations, g.id, segments::kAgFrontendsAsWritten,
                     "frontend IP configuration", [&](JsonObject o, ChildIds ids) {
                       model::AgFrontend fe;
                       std::optional<PointerScope> scope;
                       const auto child = ctx.begin_child(o, std::move(ids), fe, scope);
                       if (!child.props) return;
                       const JsonObject p = *child.props;
                       fe.public_ip = ctx.get_ref(p, keys::kPublicIpAddress);
                       fe.subnet = ctx.get_ref(p, keys::kSubnet);
                       ctx.read_address(p, keys::kPrivateIpAddressVersion, keys::kPrivateIpAddress,
                                        "private IP address", fe.private_ip);
                       g.frontends.push_back(std::move(fe));
                     });
  ctx.for_each_child(props, keys::kFrontendPorts, g.id, segments::kAgFrontendPortsAsWritten, "frontend port",
                     [&](JsonObject o, ChildIds ids) {
                       model::AgFrontendPort fp;
                       std::optional<PointerScope> scope;
                       const auto child = ctx.begin_child(o, std::move(ids), fp, scope);
                       if (!child.props) return;
                       const JsonObject p = *child.props;
                       const std::size_t mark = child.mark;
                       auto port =
                           ctx.read_port(p, keys::kPort, "port", 1, "frontend port", fp.name, mark, true, &fp.unknown);
                       if (!port && !fp.unknown) return;
                       if (port) fp.port = *port;  // unknown: every port
                       g.frontend_ports.push_back(std::move(fp));
                     });
  ctx.for_each_child(props, keys::kHttpListeners, g.id, segments::kAgListenersAsWritten, "HTTP listener",
                     [&](JsonObject o, ChildIds ids) {
                       model::AgListener l;
                       std::optional<PointerScope> scope;
                       const auto child = ctx.begin_child(o, std::move(ids), l, scope);
                       if (!child.props) return;
                       const JsonObject p = *child.props;
                       const std::size_t mark = child.mark;
                       bool ok = read_ag_protocol(ctx, p, "HTTP listener", l.name, mark, l.protocol);
                       l.frontend = ctx.get_ref(p, keys::kFrontendIpConfiguration);
                       l.frontend_port = ctx.get_ref(p, keys::kFrontendPort);
                       for (auto [field, ref] : {std::pair{"frontendIPConfiguration", &l.frontend},
                                                 std::pair{"frontendPort", &l.frontend_port}}) {
                         if (!ref->set() && !find_field(p, ascii::lower(field))) {
                           ctx.report(Severity::kError, "missing-field", ctx.ptr.substr(0, mark),
                                      fmt::format("HTTP listener '{}' has no '{}'", l.name, field));
                           ok = false;
                         }
                       }
                       ctx.for_each_text(p, keys::kHostName, keys::kHostNames, [&](std::string_view h) {
                         if (!trim(h).empty()) l.host_names.emplace_back(trim(h));
                       });
                       l.waf_policy = ctx.get_ref(p, keys::kFirewallPolicy);
                       if (l.waf_policy.set()) l.waf_mode = model::WafMode::kUnknown;
                       if (ok) g.listeners.push_back(std::move(l));
                     });
  ctx.for_each_child(
      props, keys::kBackendAddressPools, g.id, segments::kAgBackendPoolsAsWritten, "backend address pool",
      [&](JsonObject o, ChildIds ids) {
        model::AgBackendPool pool;
        std::optional<PointerScope> scope;
        const auto child = ctx.begin_child(o, std::move(ids), pool, scope);
        if (!child.props) return;
        const JsonObject p = *child.props;
        ctx.for_each_object(p, keys::kBackendAddresses, "backend address", [&](JsonObject a, std::size_t) {
          model::AgBackendAddress addr;
          // A backend only known at deployment: an unknown, external backend; one that is a
          // `reference('NAME')` keeps the reference, so that a site of that name is linked.
          auto deployed = [&](std::string_view field) {
            auto f = find_field(a, field);
            std::string_view text;
            if (f && f->value.get(text) && ascii::starts_with_lower(unknown_reason(text), "reference(")) {
              return std::string(unknown_reason(text));
            }
            return std::string("(only known at deployment)");
          };
          if (auto ip = ctx.get_string(a, keys::kIpAddress); ip.unknown) {
            addr.fqdn = deployed(keys::kIpAddress);
          } else if (ip) {
            PointerScope at(ctx.ptr, ip.key);
            if (auto parsed = IpAddress::parse(trim(*ip))) {
              addr.ip = *parsed;
            } else if (looks_like_ip(trim(*ip))) {
              ctx.error("invalid-value", fmt::format("backend IP address '{}' is not an IP address", *ip));
            } else if (!trim(*ip).empty()) {
              // Older API versions accepted host names here: a backend by name, as `fqdn`.
              addr.fqdn = std::string(trim(*ip));
            }
          }
          if (auto f = ctx.get_string(a, keys::kFqdn); f && !trim(*f).empty()) {
            addr.fqdn = std::string(trim(*f));
          } else if (f.unknown) {
            addr.fqdn = deployed(keys::kFqdn);
          }
          if (addr.ip || !addr.fqdn.empty()) pool.addresses.push_back(std::move(addr));
        });
        g.backend_pools.push_back(std::move(pool));
      });
  ctx.for_each_child(props, keys::kBackendHttpSettingsCollection, g.id, segments::kAgBackendSettingsAsWritten,
                     "backend HTTP settings", [&](JsonObject o, ChildIds ids) {
                       model::AgBackendSettings bs;
                       std::optional<PointerScope> scope;
                       const auto child = ctx.begin_child(o, std::move(ids), bs, scope);
                       if (!child.props) return;
                       const JsonObject p = *child.props;
                       const std::size_t mark = child.mark;
                       auto port = ctx.read_port(p, keys::kPort, "port", 1, "backend HTTP settings", bs.name, mark,
                                                 true, &bs.unknown);
                       const bool proto = read_ag_protocol(ctx, p, "backend HTTP settings", bs.name, mark, bs.protocol);
                       if ((!port && !bs.unknown) || !proto) return;
                       if (port) bs.port = *port;  // unknown: every port
                       g.backend_settings.push_back(std::move(bs));
                     });
  ctx.for_each_child(props, keys::kUrlPathMaps, g.id, segments::kAgUrlPathMapsAsWritten, "URL path map",
                     [&](JsonObject o, ChildIds ids) {
                       model::AgUrlPathMap map;
                       std::optional<PointerScope> scope;
                       const auto child = ctx.begin_child(o, std::move(ids), map, scope);
                       if (!child.props) return;
                       const JsonObject p = *child.props;
                       map.default_target =
                           read_ag_target(ctx, p, keys::kDefaultBackendAddressPool, keys::kDefaultBackendHttpSettings);
                       ctx.for_each_child(p, keys::kPathRules, map.id, segments::kAgPathRulesAsWritten, "path rule",
                                          [&](JsonObject r, ChildIds rids) {
                                            auto rbag = ctx.properties_of(r);
                                            if (!rbag) return;
                                            std::optional<PointerScope> rscope;
                                            if (!rbag->second.empty()) rscope.emplace(ctx.ptr, rbag->second);
                                            auto t = read_ag_target(ctx, rbag->first, keys::kBackendAddressPool,
                                                                    keys::kBackendHttpSettings);
                                            t.path_rule = std::move(rids.name);
                                            map.path_targets.push_back(std::move(t));
                                          });
                       g.url_path_maps.push_back(std::move(map));
                     });
  ctx.for_each_child(props, keys::kRequestRoutingRules, g.id, segments::kAgRoutingRulesAsWritten,
                     "request routing rule", [&](JsonObject o, ChildIds ids) {
                       model::AgRoutingRule r;
                       std::optional<PointerScope> scope;
                       const auto child = ctx.begin_child(o, std::move(ids), r, scope);
                       if (!child.props) return;
                       const JsonObject p = *child.props;
                       const std::size_t mark = child.mark;
                       r.listener = ctx.get_ref(p, keys::kHttpListener);
                       if (!r.listener.set()) {
                         if (!find_field(p, keys::kHttpListener)) {
                           ctx.report(Severity::kError, "missing-field", ctx.ptr.substr(0, mark),
                                      fmt::format("request routing rule '{}' has no 'httpListener'", r.name));
                         }
                         return;
                       }
                       r.target = read_ag_target(ctx, p, keys::kBackendAddressPool, keys::kBackendHttpSettings);
                       r.url_path_map = ctx.get_ref(p, keys::kUrlPathMap);
                       g.rules.push_back(std::move(r));
                     });
  for (std::string_view key : {keys::kListeners, keys::kPrivateLinkConfigurations}) {
    if (auto arr = ctx.get_array(props, key); arr && arr->size() > 0) {
      PointerScope s(ctx.ptr, arr.key);
      ctx.warning(
          "unmodelled-feature",
          fmt::format("application gateway '{}': '{}' ({}) not modelled: exposure through {} is not reported", gw,
                      arr.key, key == keys::kListeners ? "TCP/TLS proxy listeners" : "private link to the gateway",
                      arr->size() == 1 ? "it" : "them"));
    }
  }
  ctx.model.application_gateways.push_back(std::move(g));
  return true;
}

/// A WAF policy: only its mode is kept, for the gateways and listeners that reference it (finish()).
bool read_waf_policy(ReaderContext& ctx, Resource& resource) {
  model::ResourceBase& base = resource.base;
  const JsonObject props = resource.props;
  model::WafMode mode = model::WafMode::kDetection;  // Azure's default mode
  if (auto settings = ctx.get_object(props, keys::kPolicySettings)) {
    PointerScope s(ctx.ptr, settings.key);
    if (auto m = read_waf_mode(ctx, *settings, keys::kMode)) {
      mode = *m == model::WafMode::kUnknown ? model::WafMode::kDetection : *m;
    } else {
      mode = model::WafMode::kUnknown;
    }
    if (auto st = ctx.get_string(*settings, keys::kState)) {
      if (ascii::equals_lower(trim(*st), "disabled")) {
        mode = model::WafMode::kOff;
      } else if (!ascii::equals_lower(trim(*st), "enabled")) {
        ctx.error_at(st.key, "invalid-value", fmt::format("WAF policy state '{}' is not Enabled or Disabled", *st));
      }
    }
  }
  ctx.state<ApplicationGatewayState>().waf_policies.insert_or_assign(base.key, mode);
  return true;
}

/// Sets the WAF mode of gateways and listeners whose policy was read (in any file).
void apply_waf_policies(ReaderContext& ctx) {
  const auto& waf_policies = ctx.state<ApplicationGatewayState>().waf_policies;
  for (auto& g : ctx.model.application_gateways) {
    if (auto it = waf_policies.find(g.waf_policy.id); g.waf_policy.set() && it != waf_policies.end()) {
      g.waf_mode = it->second;
    }
    for (auto& l : g.listeners) {
      if (auto it = waf_policies.find(l.waf_policy.id); l.waf_policy.set() && it != waf_policies.end()) {
        l.waf_mode = it->second;
      }
    }
  }
}

}  // namespace exposim::importers::azure
