// azurerm Bastion hosts (importers/azure/bastion.cpp reads what is written here).
#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {

void translate_bastion(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/bastionHosts", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  // The provider's default is Basic (written in the plan's values); an unknown SKU is read as Standard.
  ctx.copy_string(b, "sku", *s, "/sku/name");
  const auto configs = ctx.nested(b, "ip_configuration");
  if (!configs.empty()) s->doc["properties"]["ipConfigurations"] = json::array();
  for (std::size_t k = 0; k < configs.size(); ++k) {
    const Block& cb = configs[k];
    const std::string base = fmt::format("/properties/ipConfigurations/{}", k);
    s->set(base, json{{"properties", json::object()}}, cb.values_pointer);
    ctx.copy_string(cb, "name", *s, base + "/name");
    ctx.copy_ref(cb, "subnet_id", *s, base + "/properties/subnet");
    ctx.copy_ref(cb, "public_ip_address_id", *s, base + "/properties/publicIPAddress");
  }
  ctx.copy_ref(b, "virtual_network_id", *s, "/properties/virtualNetwork");  // the Developer SKU's network
  ctx.copy_boolean(b, "tunneling_enabled", *s, "/properties/enableTunneling");
  ctx.copy_boolean(b, "ip_connect_enabled", *s, "/properties/enableIpConnect");
  ctx.copy_boolean(b, "shareable_link_enabled", *s, "/properties/enableShareableLink");
}

}  // namespace exposim::importers::terraform
