// Virtual WAN in route selection (docs/model.md#virtual-wan).
#include "solver/virtual_wan.h"

namespace exposim::solver {

namespace {

RouteChoice hub_route(const model::IpPrefix& p, model::NextHopType hop, int hub) {
  RouteChoice c;
  c.next_hop = hop;
  c.system = "virtual-hub";
  c.prefix = p;
  c.hub = hub;
  return c;
}

}  // namespace

std::optional<RouteChoice> hub_default_choice(const model::Model& m, int vnet) {
  const auto d = model::hub_default_route(m, vnet);
  if (!d) return std::nullopt;
  // Routing intent or a static route of the hub: the hub advertises 0.0.0.0/0 to the spoke (docs/model.md,
  // "Virtual WAN").
  RouteChoice c = hub_route(*model::IpPrefix::parse("0.0.0.0/0"), model::NextHopType::kVirtualNetworkGateway, d->hub);
  c.hub_reason = model::hub_default_reason(m, *d);
  if (d->firewall >= 0) c.next_hop_ip = model::hub_firewall_address(m, d->firewall);
  return c;
}

std::vector<RouteChoice> hub_routes(const model::Model& m, int vnet) {
  std::vector<RouteChoice> out;
  if (auto c = hub_default_choice(m, vnet)) out.push_back(std::move(*c));
  for (const auto& r : model::hub_learned_routes(m, vnet)) {
    RouteChoice c = hub_route(
        r.prefix, r.hub_space ? model::NextHopType::kVnetPeering : model::NextHopType::kVirtualNetworkGateway, r.hub);
    c.hub_reason = r.hub_space       ? "hub address space"
                   : r.firewall >= 0 ? "routing intent for private traffic"
                                     : "connected virtual network";
    if (r.firewall >= 0) c.next_hop_ip = model::hub_firewall_address(m, r.firewall);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace exposim::solver
