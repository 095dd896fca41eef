// azurerm virtual machine scale sets (Linux, Windows and orchestrated, Flexible): capacity, and the inline
// `network_interface` blocks with their ip configurations, as Azure's network interface configurations.
#include <string>

#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {
namespace {

/// A `public_ip_address` block of an ip configuration as `publicIPAddressConfiguration` at `base`. The orchestrated
/// scale set's `sku_name` ("Standard_Regional") gives the SKU; without it Azure takes the load balancer's.
void copy_public_ip_config(Context& ctx, const Block& pb, Synthesized& s, const std::string& base) {
  s.set(base, json{{"properties", json::object()}}, pb.values_pointer, pb.instance);
  if (auto name = ctx.string(pb, "name"); name && !name->empty()) {
    s.set(base + "/name", *name, pb.attr_pointer("name"), pb.instance);
  } else {
    s.set(base + "/name", Context::unknown_text(pb, "name"), pb.attr_pointer("name"), pb.instance);
  }
  ctx.copy_string(pb, "version", s, base + "/properties/publicIPAddressVersion");
  if (auto sku = ctx.string(pb, "sku_name"); sku && !sku->empty()) {
    const auto cut = sku->find('_');
    json value{{"name", sku->substr(0, cut)}};
    if (cut != std::string::npos) value["tier"] = sku->substr(cut + 1);
    s.set(base + "/sku", std::move(value), pb.attr_pointer("sku_name"), pb.instance);
  }
}

/// One `ip_configuration` block as an element of `ipConfigurations` at `base`.
void copy_ip_config(Context& ctx, const Block& cb, Synthesized& s, const std::string& base) {
  s.set(base, json{{"properties", json::object()}}, cb.values_pointer, cb.instance);
  const std::string props = base + "/properties";
  ctx.copy_string(cb, "name", s, base + "/name");
  ctx.copy_boolean(cb, "primary", s, props + "/primary");
  ctx.copy_string(cb, "version", s, props + "/privateIPAddressVersion");
  ctx.copy_ref(cb, "subnet_id", s, props + "/subnet");
  ctx.copy_refs(cb, "application_security_group_ids", s, props + "/applicationSecurityGroups");
  ctx.copy_refs(cb, "load_balancer_backend_address_pool_ids", s, props + "/loadBalancerBackendAddressPools");
  // Named "nat_rules", these are inbound NAT pools: Azure's scale set ip configuration lists NAT pools only.
  ctx.copy_refs(cb, "load_balancer_inbound_nat_rules_ids", s, props + "/loadBalancerInboundNatPools");
  ctx.copy_refs(cb, "application_gateway_backend_address_pool_ids", s,
                props + "/applicationGatewayBackendAddressPools");
  if (ctx.state(cb, "public_ip_address") == State::kUnknown) {
    // Configured but only known after apply: a public IP per instance, which can only add exposure.
    s.set(props + "/publicIPAddressConfiguration",
          json{{"name", Context::unknown_text(cb, "public_ip_address")}, {"properties", json::object()}},
          cb.attr_pointer("public_ip_address"), cb.instance);
    return;
  }
  const auto pubs = ctx.nested(cb, "public_ip_address");
  if (!pubs.empty()) copy_public_ip_config(ctx, pubs.front(), s, props + "/publicIPAddressConfiguration");
}

}  // namespace

void translate_scale_set(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Compute/virtualMachineScaleSets", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  // Absent `instances` (autoscaled, or an orchestrated set whose VMs join it): the reader assumes one, and says so.
  ctx.copy_integer(b, "instances", *s, "/sku/capacity");
  if (i.type == "azurerm_orchestrated_virtual_machine_scale_set") {
    s->set("/properties/orchestrationMode", "Flexible", i.pointer + "/type");
  }
  translate_machine_posture(ctx, i, *s, "/properties/virtualMachineProfile");
  const std::string nics = "/properties/virtualMachineProfile/networkProfile/networkInterfaceConfigurations";
  if (ctx.state(b, "network_interface") == State::kUnknown) {
    s->set(nics, Context::unknown_text(b, "network_interface"), b.attr_pointer("network_interface"));
    return;
  }
  const auto blocks = ctx.nested(b, "network_interface");
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    const Block& nb = blocks[k];
    const std::string base = fmt::format("{}/{}", nics, k);
    s->set(base, json{{"properties", json::object()}}, nb.values_pointer);
    ctx.copy_string(nb, "name", *s, base + "/name");
    ctx.copy_boolean(nb, "primary", *s, base + "/properties/primary");
    if (ctx.state(nb, "ip_forwarding_enabled") != State::kAbsent) {  // azurerm 4.x
      ctx.copy_boolean(nb, "ip_forwarding_enabled", *s, base + "/properties/enableIPForwarding");
    } else {
      ctx.copy_boolean(nb, "enable_ip_forwarding", *s, base + "/properties/enableIPForwarding");
    }
    ctx.copy_ref(nb, "network_security_group_id", *s, base + "/properties/networkSecurityGroup");
    const std::string configs = base + "/properties/ipConfigurations";
    if (ctx.state(nb, "ip_configuration") == State::kUnknown) {
      s->set(configs, Context::unknown_text(nb, "ip_configuration"), nb.attr_pointer("ip_configuration"));
      continue;
    }
    s->set(configs, json::array(), nb.attr_pointer("ip_configuration"));
    const auto ips = ctx.nested(nb, "ip_configuration");
    for (std::size_t c = 0; c < ips.size(); ++c) copy_ip_config(ctx, ips[c], *s, fmt::format("{}/{}", configs, c));
  }
}

}  // namespace exposim::importers::terraform
