// azurerm network interfaces (ip configurations), NIC-NSG associations, public IPs and virtual machines.
#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {

void translate_nic(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/networkInterfaces", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_boolean(b, "ip_forwarding_enabled", *s, "/properties/enableIPForwarding");
  if (ctx.state(b, "ip_forwarding_enabled") == State::kAbsent) {
    ctx.copy_boolean(b, "enable_ip_forwarding", *s, "/properties/enableIPForwarding");  // azurerm 3.x
  }
  const auto configs = ctx.nested(b, "ip_configuration");
  for (std::size_t k = 0; k < configs.size(); ++k) {
    const Block& cb = configs[k];
    const std::string base = fmt::format("/properties/ipConfigurations/{}", k);
    s->set(base, json{{"properties", json::object()}}, cb.values_pointer);
    ctx.copy_string(cb, "name", *s, base + "/name");
    ctx.copy_ref(cb, "subnet_id", *s, base + "/properties/subnet");
    ctx.copy_ref(cb, "public_ip_address_id", *s, base + "/properties/publicIPAddress");
    ctx.copy_string(cb, "private_ip_address_allocation", *s, base + "/properties/privateIPAllocationMethod");
    ctx.copy_string(cb, "private_ip_address_version", *s, base + "/properties/privateIPAddressVersion");
    // A dynamic address is only known after apply: absent, the model gives it a placeholder in the subnet.
    if (auto a = ctx.string(cb, "private_ip_address"); a && !a->empty()) {
      s->set(base + "/properties/privateIPAddress", *a, cb.attr_pointer("private_ip_address"));
    }
    ctx.copy_boolean(cb, "primary", *s, base + "/properties/primary");
  }
}

void translate_nic_nsg_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  const Edited nic = association_target(ctx, i, "network_interface_id", "network interface", out);
  if (nic.doc == nullptr) return;
  ctx.copy_ref(Context::top(i), "network_security_group_id", *nic.doc, nic.base + "/properties/networkSecurityGroup");
}

void translate_public_ip(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/publicIPAddresses", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_string(b, "allocation_method", *s, "/properties/publicIPAllocationMethod");
  ctx.copy_string(b, "ip_version", *s, "/properties/publicIPAddressVersion");
  ctx.copy_string(b, "sku", *s, "/sku/name");
  ctx.copy_string(b, "ddos_protection_mode", *s, "/properties/ddosSettings/protectionMode");
  ctx.copy_ref(b, "public_ip_prefix_id", *s, "/properties/publicIPPrefix");
  // The address is only known after apply in most plans: absent, the model gives it a placeholder address.
  if (auto a = ctx.string(b, "ip_address"); a && !a->empty()) {
    s->set("/properties/ipAddress", *a, b.attr_pointer("ip_address"));
  }
}

void translate_vm(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Compute/virtualMachines", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_refs(b, "network_interface_ids", *s, "/properties/networkProfile/networkInterfaces");
  // An instance of a Flexible (orchestrated) scale set: the set's instances are the VMs that name it.
  ctx.copy_ref(b, "virtual_machine_scale_set_id", *s, "/properties/virtualMachineScaleSet");
  translate_machine_posture(ctx, i, *s, "/properties");
}

}  // namespace exposim::importers::terraform
