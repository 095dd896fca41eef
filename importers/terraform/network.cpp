// azurerm virtual networks (with inline `subnet` blocks), subnets and subnet-NSG associations.
#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {
namespace {

/// `address_prefixes` (azurerm 3+) or `address_prefix` (2.x) of a subnet block into `properties` at `base`.
void copy_subnet_prefixes(Context& ctx, const Block& b, Synthesized& s, const std::string& base) {
  if (ctx.state(b, "address_prefixes") != State::kAbsent) {
    ctx.copy_strings(b, "address_prefixes", s, base + "/addressPrefixes");
  } else {
    ctx.copy_string(b, "address_prefix", s, base + "/addressPrefix");
  }
}

}  // namespace

void translate_vnet(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/virtualNetworks", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_strings(b, "address_space", *s, "/properties/addressSpace/addressPrefixes");
  // Inline subnets: unknown and not configured means the subnets are separate resources (azurerm_subnet).
  if (ctx.state(b, "subnet") == State::kUnknown) {
    s->set("/properties/subnets", Context::unknown_text(b, "subnet"), b.attr_pointer("subnet"));
    return;
  }
  const auto subnets = ctx.nested(b, "subnet");
  for (std::size_t k = 0; k < subnets.size(); ++k) {
    const Block& sb = subnets[k];
    const std::string base = fmt::format("/properties/subnets/{}", k);
    if (auto name = ctx.string(sb, "name")) {
      s->set(base + "/name", *name, sb.attr_pointer("name"));
    } else {
      s->set(base + "/name", Context::unknown_text(sb, "name"), sb.attr_pointer("name"));
    }
    s->doc[json::json_pointer(base + "/properties")] = json::object();
    copy_subnet_prefixes(ctx, sb, *s, base + "/properties");
    ctx.copy_ref(sb, "security_group", *s, base + "/properties/networkSecurityGroup");
  }
}

void translate_subnet(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/virtualNetworks/subnets", out);
  if (s == nullptr) return;
  copy_subnet_prefixes(ctx, Context::top(i), *s, "/properties");
}

void translate_subnet_nsg_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  const Edited subnet = association_target(ctx, i, "subnet_id", "subnet", out);
  if (subnet.doc == nullptr) return;
  ctx.copy_ref(Context::top(i), "network_security_group_id", *subnet.doc,
               subnet.base + "/properties/networkSecurityGroup");
}

}  // namespace exposim::importers::terraform
