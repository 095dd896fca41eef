// azurerm NAT gateways and public IP prefixes: `azurerm_nat_gateway` and its associations with public IPs, public IP
// prefixes and subnets, and `azurerm_public_ip_prefix`, as Azure's `natGateways` and `publicIPPrefixes` resources
// (a public IP's `public_ip_prefix_id` and a frontend's are in compute.cpp and load_balancer.cpp).
#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {
namespace {

/// Appends the reference attribute `key` of association `i` to the array at `list_pointer` of the NAT gateway the
/// association names (`nat_gateway_id`).
void append_to_nat_gateway(Context& ctx, const Instance& i, std::string_view key, const std::string& list_field,
                           std::vector<Synthesized>& out) {
  const Edited gw = association_target(ctx, i, "nat_gateway_id", "NAT gateway", out);
  if (gw.doc == nullptr) return;
  const Block b = Context::top(i);
  Synthesized one;  // the reference as copy_ref writes it, appended to the gateway's list
  ctx.copy_ref(b, key, one, "/ref");
  if (!one.doc.contains("ref")) return;
  const std::string base = gw.base + "/properties/" + list_field;
  json& list = gw.doc->doc[json::json_pointer(base)];
  if (!list.is_array()) list = json::array();
  gw.doc->set(fmt::format("{}/{}", base, list.size()), one.doc["ref"], b.attr_pointer(key), &i);
}

}  // namespace

void translate_nat_gateway(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/natGateways", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_string(b, "sku_name", *s, "/sku/name");
  // Provider versions before 3.0 listed the addresses on the gateway itself.
  ctx.copy_refs(b, "public_ip_address_ids", *s, "/properties/publicIpAddresses");
  ctx.copy_refs(b, "public_ip_prefix_ids", *s, "/properties/publicIpPrefixes");
}

void translate_nat_gateway_public_ip_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  append_to_nat_gateway(ctx, i, "public_ip_address_id", "publicIpAddresses", out);
}

void translate_nat_gateway_public_ip_prefix_association(Context& ctx, const Instance& i,
                                                        std::vector<Synthesized>& out) {
  append_to_nat_gateway(ctx, i, "public_ip_prefix_id", "publicIpPrefixes", out);
}

void translate_subnet_nat_gateway_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  const Edited subnet = association_target(ctx, i, "subnet_id", "subnet", out);
  if (subnet.doc == nullptr) return;
  ctx.copy_ref(Context::top(i), "nat_gateway_id", *subnet.doc, subnet.base + "/properties/natGateway");
}

void translate_public_ip_prefix(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/publicIPPrefixes", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_string(b, "sku", *s, "/sku/name");
  ctx.copy_string(b, "ip_version", *s, "/properties/publicIPAddressVersion");
  ctx.copy_integer(b, "prefix_length", *s, "/properties/prefixLength");
  // The range is only known after apply in a plan: absent then (Azure allocates it).
  if (auto p = ctx.string(b, "ip_prefix"); p && !p->empty()) {
    s->set("/properties/ipPrefix", *p, b.attr_pointer("ip_prefix"));
  }
}

}  // namespace exposim::importers::terraform
