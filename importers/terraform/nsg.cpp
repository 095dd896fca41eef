// azurerm network security groups (with inline `security_rule` blocks), separate security rules, application
// security groups and their NIC associations.
#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {
namespace {

/// A prefix or port range list at `synth`. Unknown (as a whole, or an element of it: Context::state()): a list of
/// one unknown value, which the Azure reader widens to every address or port; the reader takes these fields as
/// arrays only, and would read a bare unknown value as no address at all.
void copy_list(Context& ctx, const Block& b, std::string_view key, Synthesized& s, const std::string& synth) {
  if (ctx.state(b, key) == State::kUnknown) {
    s.set(synth, json::array({Context::unknown_text(b, key)}), b.attr_pointer(key), b.instance);
    return;
  }
  ctx.copy_strings(b, key, s, synth);
}

/// One rule's attributes (the same names inline and in azurerm_network_security_rule) into `base`.
void copy_rule(Context& ctx, const Block& b, Synthesized& s, const std::string& base) {
  ctx.copy_integer(b, "priority", s, base + "/priority");
  ctx.copy_string(b, "direction", s, base + "/direction");
  ctx.copy_string(b, "access", s, base + "/access");
  ctx.copy_string(b, "protocol", s, base + "/protocol");
  // Singular and plural fields: "" beside a list is a known "none", and the importer unites the two.
  ctx.copy_string(b, "source_port_range", s, base + "/sourcePortRange");
  copy_list(ctx, b, "source_port_ranges", s, base + "/sourcePortRanges");
  ctx.copy_string(b, "destination_port_range", s, base + "/destinationPortRange");
  copy_list(ctx, b, "destination_port_ranges", s, base + "/destinationPortRanges");
  ctx.copy_string(b, "source_address_prefix", s, base + "/sourceAddressPrefix");
  copy_list(ctx, b, "source_address_prefixes", s, base + "/sourceAddressPrefixes");
  ctx.copy_string(b, "destination_address_prefix", s, base + "/destinationAddressPrefix");
  copy_list(ctx, b, "destination_address_prefixes", s, base + "/destinationAddressPrefixes");
  ctx.copy_refs(b, "source_application_security_group_ids", s, base + "/sourceApplicationSecurityGroups");
  ctx.copy_refs(b, "destination_application_security_group_ids", s, base + "/destinationApplicationSecurityGroups");
}

}  // namespace

void translate_nsg(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/networkSecurityGroups", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  s->doc["properties"]["securityRules"] = json::array();
  // Unknown and not configured: the rules are separate resources (azurerm_network_security_rule), read as absent.
  // Unknown and configured (a `dynamic` block over a value only known after apply): one rule whose every field
  // is unknown, which the Azure reader takes as an inbound allow of everything (an unknown list of rules would be
  // read as no rules, and the NSG would deny what it may allow).
  if (ctx.state(b, "security_rule") == State::kUnknown) {
    const std::string unknown = Context::unknown_text(b, "security_rule");
    json props = json::object();
    for (const char* key : {"priority", "direction", "access", "protocol", "sourceAddressPrefix", "sourcePortRange",
                            "destinationAddressPrefix", "destinationPortRange"}) {
      props[key] = unknown;
    }
    s->set("/properties/securityRules/0", json{{"name", "unknown-rules"}, {"properties", std::move(props)}},
           b.attr_pointer("security_rule"));
    return;
  }
  const auto rules = ctx.nested(b, "security_rule");
  for (std::size_t k = 0; k < rules.size(); ++k) {
    const Block& rb = rules[k];
    const std::string base = fmt::format("/properties/securityRules/{}", k);
    s->set(base, json{{"properties", json::object()}}, rb.values_pointer);
    ctx.copy_string(rb, "name", *s, base + "/name");
    copy_rule(ctx, rb, *s, base + "/properties");
  }
}

void translate_security_rule(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/networkSecurityGroups/securityRules", out);
  if (s == nullptr) return;
  copy_rule(ctx, Context::top(i), *s, "/properties");
}

void translate_asg(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  begin_resource(ctx, i, "Microsoft.Network/applicationSecurityGroups", out);
}

void translate_nic_asg_association(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  const Edited nic = association_target(ctx, i, "network_interface_id", "network interface", out);
  if (nic.doc == nullptr) return;
  // The provider adds the group to every ip configuration of the NIC.
  const Block b = Context::top(i);
  const json& configs = nic.doc->doc["properties"]["ipConfigurations"];
  const std::size_t n = configs.is_array() ? configs.size() : 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::string base =
        fmt::format("{}/properties/ipConfigurations/{}/properties/applicationSecurityGroups", nic.base, k);
    Synthesized one;  // the reference as copy_ref writes it, appended to the configuration's list
    ctx.copy_ref(b, "application_security_group_id", one, "/ref");
    if (!one.doc.contains("ref")) return;
    json& list = nic.doc->doc[json::json_pointer(base)];
    if (!list.is_array()) list = json::array();
    nic.doc->set(fmt::format("{}/{}", base, list.size()), one.doc["ref"],
                 b.attr_pointer("application_security_group_id"), &i);
  }
}

}  // namespace exposim::importers::terraform
