// azurerm load balancers (inline `frontend_ip_configuration` blocks), backend pools and their addresses, load
// balancing and inbound NAT rules, inbound NAT pools, and the NIC associations with pools and NAT rules.
#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {
namespace {

/// `frontend_ip_configuration_name` as the reference `{ "id": <load balancer id>/frontendIPConfigurations/<name> }`.
void copy_frontend(Context& ctx, const Instance& i, Synthesized& s, const std::string& synth) {
  const Block b = Context::top(i);
  bool unknown = false;
  auto lb = ctx.ids(b, "loadbalancer_id", &unknown);
  auto name = ctx.string(b, "frontend_ip_configuration_name");
  if (lb.empty() || !name) {
    s.set(synth, json{{"id", Context::unknown_text(b, "frontend_ip_configuration_name")}},
          b.attr_pointer("frontend_ip_configuration_name"), &i);
    return;
  }
  s.set(synth, json{{"id", fmt::format("{}/frontendIPConfigurations/{}", lb.front(), *name)}},
        b.attr_pointer("frontend_ip_configuration_name"), &i);
}

/// The fields a load balancing rule and an inbound NAT rule share, into `properties` at `base`; a NAT pool's
/// (`port` false) have a frontend port range instead of `frontend_port`.
void copy_lb_rule(Context& ctx, const Instance& i, Synthesized& s, const std::string& base, bool port = true) {
  const Block b = Context::top(i);
  ctx.copy_string(b, "protocol", s, base + "/protocol");
  if (port) {
    ctx.copy_integer(b, "frontend_port", s, base + "/frontendPort");
  } else {
    ctx.copy_integer(b, "frontend_port_start", s, base + "/frontendPortRangeStart");
    ctx.copy_integer(b, "frontend_port_end", s, base + "/frontendPortRangeEnd");
  }
  ctx.copy_integer(b, "backend_port", s, base + "/backendPort");
  ctx.copy_boolean(b, "floating_ip_enabled", s, base + "/enableFloatingIP");
  if (ctx.state(b, "floating_ip_enabled") == State::kAbsent) {
    ctx.copy_boolean(b, "enable_floating_ip", s, base + "/enableFloatingIP");  // azurerm 3.x
  }
  copy_frontend(ctx, i, s, base + "/frontendIPConfiguration");
}

/// Appends the reference of attribute `key` to list `list` of the NIC ip configuration named by
/// `ip_configuration_name` (every configuration when that name is unknown).
void associate_nic(Context& ctx, const Instance& i, std::string_view key, std::string_view list,
                   std::vector<Synthesized>& out) {
  const Edited nic = association_target(ctx, i, "network_interface_id", "network interface", out);
  if (nic.doc == nullptr) return;
  const Block b = Context::top(i);
  const auto wanted = ctx.string(b, "ip_configuration_name");
  const json& configs = nic.doc->doc["properties"]["ipConfigurations"];
  const std::size_t n = configs.is_array() ? configs.size() : 0;
  for (std::size_t k = 0; k < n; ++k) {
    const json& c = configs[k];
    if (wanted && c.contains("name") && c["name"] != *wanted) continue;
    const std::string base = fmt::format("{}/properties/ipConfigurations/{}/properties/{}", nic.base, k, list);
    Synthesized one;
    ctx.copy_ref(b, key, one, "/ref");
    if (!one.doc.contains("ref")) return;
    json& refs = nic.doc->doc[json::json_pointer(base)];
    if (!refs.is_array()) refs = json::array();
    nic.doc->set(fmt::format("{}/{}", base, refs.size()), one.doc["ref"], b.attr_pointer(key), &i);
  }
}

}  // namespace

void translate_lb(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/loadBalancers", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_string(b, "sku", *s, "/sku/name");
  const auto fronts = ctx.nested(b, "frontend_ip_configuration");
  for (std::size_t k = 0; k < fronts.size(); ++k) {
    const Block& fb = fronts[k];
    const std::string base = fmt::format("/properties/frontendIPConfigurations/{}", k);
    s->set(base, json{{"properties", json::object()}}, fb.values_pointer);
    ctx.copy_string(fb, "name", *s, base + "/name");
    ctx.copy_ref(fb, "public_ip_address_id", *s, base + "/properties/publicIPAddress");
    ctx.copy_ref(fb, "public_ip_prefix_id", *s, base + "/properties/publicIPPrefix");
    ctx.copy_ref(fb, "subnet_id", *s, base + "/properties/subnet");
    if (auto a = ctx.string(fb, "private_ip_address"); a && !a->empty()) {
      s->set(base + "/properties/privateIPAddress", *a, fb.attr_pointer("private_ip_address"));
    }
  }
}

void translate_lb_backend_pool(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  begin_resource(ctx, i, "Microsoft.Network/loadBalancers/backendAddressPools", out);
}

void translate_lb_nat_rule(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/loadBalancers/inboundNatRules", out);
  if (s == nullptr) return;
  copy_lb_rule(ctx, i, *s, "/properties");
}

void translate_lb_rule(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  // Azure lists load balancing rules inside their load balancer: the rule edits it, as an association does.
  const Edited lb = association_target(ctx, i, "loadbalancer_id", "load balancer", out);
  if (lb.doc == nullptr) return;
  json& rules = lb.doc->doc["properties"]["loadBalancingRules"];
  if (!rules.is_array()) rules = json::array();
  const std::string base = fmt::format("/properties/loadBalancingRules/{}", rules.size());
  const Block b = Context::top(i);
  lb.doc->set(base, json{{"name", ctx.name_of(i)}, {"properties", json::object()}}, i.pointer, &i);
  copy_lb_rule(ctx, i, *lb.doc, base + "/properties");
  ctx.copy_refs(b, "backend_address_pool_ids", *lb.doc, base + "/properties/backendAddressPools");
  // azurerm 2.x wrote one pool, `backend_address_pool_id`; a rule read without it would forward nowhere.
  if (ctx.state(b, "backend_address_pool_ids") == State::kAbsent) {
    ctx.copy_ref(b, "backend_address_pool_id", *lb.doc, base + "/properties/backendAddressPool");
  }
}

void translate_lb_nat_pool(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  // Azure lists inbound NAT pools inside their load balancer: the pool edits it, as a rule does.
  const Edited lb = association_target(ctx, i, "loadbalancer_id", "load balancer", out);
  if (lb.doc == nullptr) return;
  json& pools = lb.doc->doc["properties"]["inboundNatPools"];
  if (!pools.is_array()) pools = json::array();
  const std::string base = fmt::format("/properties/inboundNatPools/{}", pools.size());
  lb.doc->set(base, json{{"name", ctx.name_of(i)}, {"properties", json::object()}}, i.pointer, &i);
  copy_lb_rule(ctx, i, *lb.doc, base + "/properties", false);
}

void translate_lb_backend_pool_address(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  // An address in a pool (by IP address and virtual network, or a regional load balancer's frontend for a
  // cross-region one): appended to the pool's `loadBalancerBackendAddresses`.
  const Edited pool = association_target(ctx, i, "backend_address_pool_id", "backend address pool", out);
  if (pool.doc == nullptr) return;
  const std::string list = pool.base + "/properties/loadBalancerBackendAddresses";
  const json& addresses = pool.doc->doc[json::json_pointer(list)];
  // The list itself is located at its first address (the Azure reader's warnings about it name the list).
  if (!addresses.is_array()) pool.doc->set(list, json::array(), i.pointer, &i);
  const std::string base = fmt::format("{}/{}", list, pool.doc->doc[json::json_pointer(list)].size());
  const Block b = Context::top(i);
  pool.doc->set(base, json{{"name", ctx.name_of(i)}, {"properties", json::object()}}, i.pointer, &i);
  ctx.copy_string(b, "ip_address", *pool.doc, base + "/properties/ipAddress");
  ctx.copy_ref(b, "virtual_network_id", *pool.doc, base + "/properties/virtualNetwork");
  ctx.copy_ref(b, "backend_address_ip_configuration_id", *pool.doc,
               base + "/properties/loadBalancerFrontendIPConfiguration");
}

void translate_nic_backend_pool_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  associate_nic(ctx, i, "backend_address_pool_id", "loadBalancerBackendAddressPools", out);
}

void translate_nic_nat_rule_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  associate_nic(ctx, i, "nat_rule_id", "loadBalancerInboundNatRules", out);
}

}  // namespace exposim::importers::terraform
