// Application Gateway: names of its enumerations, as printed in every output, and its part of validation.
#include "model/application_gateway.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "model/resolver.h"
#include "model/unknown.h"

namespace exposim::model {
namespace {

/// Resolves a reference between children of one application gateway (`owner`); a missing child is an error.
void resolve_in_gateway(Resolver& rs, Ref& ref, const std::unordered_map<std::string_view, int>& children, int owner,
                        const char* what, const SourceLocation& where, bool flattened, std::string_view field) {
  Model& m = rs.model;
  if (!ref.set()) return;
  if (auto it = children.find(ref.id); it != children.end()) {
    ref.index = owner;
    ref.child = it->second;
    return;
  }
  ref.index = -1;
  ref.child = -1;
  if (is_unknown(ref)) {
    // Only known at deployment (the importer warned `unknown-value`): the gateway's first child of that kind, a
    // documented assumption (docs/model.md, "Unknown values"); none when the gateway has none.
    for (const auto& [key, index] : children) {
      if (ref.child < 0 || index < ref.child) ref.child = index;
    }
    if (ref.child >= 0) ref.index = owner;
    return;
  }
  SourceLocation at = where;
  at.pointer += flattened ? std::string(field) : "/properties" + std::string(field);
  rs.diags.error("dangling-reference", at,
                 fmt::format("referenced {} '{}' is not in application gateway '{}'", what, ref.id,
                             m.application_gateways[owner].name));
}

}  // namespace

const char* to_string(AgProtocol p) { return p == AgProtocol::kHttp ? "Http" : "Https"; }

const char* to_string(WafMode m) {
  switch (m) {
    case WafMode::kOff: return "off";
    case WafMode::kDetection: return "detection";
    case WafMode::kPrevention: return "prevention";
    case WafMode::kUnknown: return "unknown";
  }
  return "?";
}

/// Application gateways: their subnets and public IPs, the references between their children, and the ip
/// configurations listing their backend pools.
void resolve_application_gateways(Resolver& rs) {
  Model& m = rs.model;
  using RK = ResourceKind;
  for (std::size_t gi = 0; gi < m.application_gateways.size(); ++gi) {
    auto& g = m.application_gateways[gi];
    const int owner = static_cast<int>(gi);
    for (auto& c : g.gateway_ip_configurations) rs.resolve(c.subnet, RK::kSubnet, c.where, c.flattened, "/subnet/id");
    for (auto& fe : g.frontends) {
      rs.resolve(fe.public_ip, RK::kPublicIp, fe.where, fe.flattened, "/publicIPAddress/id", false);
      rs.resolve(fe.subnet, RK::kSubnet, fe.where, fe.flattened, "/subnet/id", false);
    }
    // A listener whose frontend port is only known at deployment listens on every port: one frontend port of
    // unknown number stands for them; whose frontend IP configuration is, on the public one when there is one
    // (docs/model.md, "Unknown values"). Added before the indexes below, which point into the vectors.
    for (auto& l : g.listeners) {
      if (is_unknown(l.frontend_port)) {
        constexpr std::string_view kUnknownPort = "<frontend port only known at deployment>";
        if (std::none_of(g.frontend_ports.begin(), g.frontend_ports.end(),
                         [&](const AgFrontendPort& p) { return p.key == kUnknownPort; })) {
          AgFrontendPort p;
          p.name = p.id = p.key = std::string(kUnknownPort);
          p.unknown = true;
          p.where = l.where;
          g.frontend_ports.push_back(std::move(p));
        }
        l.frontend_port = Ref{std::string(kUnknownPort)};
      }
      if (is_unknown(l.frontend) && !g.frontends.empty()) {
        auto pub =
            std::find_if(g.frontends.begin(), g.frontends.end(), [](const AgFrontend& f) { return f.public_ip.set(); });
        l.frontend = Ref{pub != g.frontends.end() ? pub->key : g.frontends.front().key};
      }
    }
    auto index = [](const auto& children) {
      std::unordered_map<std::string_view, int> out;
      for (std::size_t i = 0; i < children.size(); ++i) out.emplace(children[i].key, static_cast<int>(i));
      return out;
    };
    const auto frontends = index(g.frontends);
    const auto ports = index(g.frontend_ports);
    const auto listeners = index(g.listeners);
    const auto pools = index(g.backend_pools);
    const auto settings = index(g.backend_settings);
    const auto maps = index(g.url_path_maps);
    for (auto& l : g.listeners) {
      resolve_in_gateway(rs, l.frontend, frontends, owner, "frontend IP configuration", l.where, l.flattened,
                         "/frontendIPConfiguration/id");
      resolve_in_gateway(rs, l.frontend_port, ports, owner, "frontend port", l.where, l.flattened, "/frontendPort/id");
    }
    auto target = [&](AgBackendTarget& t) {
      resolve_in_gateway(rs, t.pool, pools, owner, "backend address pool", t.where, true, "/backendAddressPool/id");
      resolve_in_gateway(rs, t.settings, settings, owner, "backend HTTP settings", t.where, true,
                         "/backendHttpSettings/id");
    };
    for (auto& map : g.url_path_maps) {
      resolve_in_gateway(rs, map.default_target.pool, pools, owner, "backend address pool", map.default_target.where,
                         true, "/defaultBackendAddressPool/id");
      resolve_in_gateway(rs, map.default_target.settings, settings, owner, "backend HTTP settings",
                         map.default_target.where, true, "/defaultBackendHttpSettings/id");
      for (auto& t : map.path_targets) target(t);
    }
    for (auto& r : g.rules) {
      resolve_in_gateway(rs, r.listener, listeners, owner, "HTTP listener", r.where, r.flattened, "/httpListener/id");
      target(r.target);
      resolve_in_gateway(rs, r.url_path_map, maps, owner, "URL path map", r.where, r.flattened, "/urlPathMap/id");
      r.targets.clear();
      if (r.url_path_map.child >= 0) {
        const auto& map = g.url_path_maps[r.url_path_map.child];
        r.targets.push_back(map.default_target);
        r.targets.insert(r.targets.end(), map.path_targets.begin(), map.path_targets.end());
      } else if (r.target.pool.set() || r.target.settings.set()) {
        r.targets.push_back(r.target);
      }
    }
    for (std::size_t p = 0; p < g.backend_pools.size(); ++p) {
      if (g.backend_pools[p].key.empty()) continue;
      rs.ag_pools.emplace(g.backend_pools[p].key, std::make_pair(owner, static_cast<int>(p)));
    }
  }
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    auto& nic = m.nics[n];
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      auto& cfg = nic.ip_configurations[c];
      for (std::size_t i = 0; i < cfg.ag_backend_pools.size(); ++i) {
        auto& ref = cfg.ag_backend_pools[i];
        rs.resolve_child(ref, rs.ag_pools, "application gateway backend address pool", -1, cfg.where, cfg.flattened,
                         fmt::format("/applicationGatewayBackendAddressPools/{}/id", i));
        if (ref.child >= 0) {
          m.application_gateways[ref.index].backend_pools[ref.child].members.push_back(
              IpConfigIndex{static_cast<int>(n), static_cast<int>(c)});
        }
      }
    }
  }
  for (auto& g : m.application_gateways) {
    for (auto& pool : g.backend_pools) {
      auto& v = pool.members;
      auto key = [&m](const IpConfigIndex& x) {
        const auto& nic = m.nics[x.nic];
        return std::tie(nic.key, nic.ip_configurations[x.ip_configuration].name);
      };
      std::sort(v.begin(), v.end(), [&](const IpConfigIndex& a, const IpConfigIndex& b) { return key(a) < key(b); });
      v.erase(std::unique(v.begin(), v.end()), v.end());
    }
  }
}

}  // namespace exposim::model
