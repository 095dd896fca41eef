// azurerm Azure Virtual Network Manager: network managers, network groups and their static members, security admin
// configurations, admin rule collections, admin rules, and deployments (commits of configurations to a region),
// translated into the resource JSON and deployment status that importers/azure/network_manager.cpp reads
// (docs/terraform.md, "Mapping"; docs/model.md, "Security admin rules").
#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {
namespace {

/// An id attribute as a plain string at `synth` (a static member's `resourceId`): the id it names, resolved through
/// the configuration when only known after apply; an unknown value when it stays unknown.
void network_manager_copy_id(Context& ctx, const Block& b, std::string_view key, Synthesized& s,
                             const std::string& synth) {
  bool unknown = false;
  auto ids = ctx.ids(b, key, &unknown);
  if (!ids.empty()) {
    s.set(synth, ids.front(), b.attr_pointer(key));
  } else if (unknown) {
    s.set(synth, Context::unknown_text(b, key), b.attr_pointer(key));
  }
}

/// The `source` or `destination` blocks of an admin rule as `sources[]` or `destinations[]` (`addressPrefix`,
/// `addressPrefixType`). Only known after apply as a whole (a `dynamic` block over such a value): one entry whose
/// prefix is unknown, which the Azure reader reads so that it never hides an exposure (any address in an Allow or
/// AlwaysAllow rule; the Deny rule left out). None: the reader's "any address".
void network_manager_copy_addresses(Context& ctx, const Block& b, std::string_view key, Synthesized& s,
                                    const std::string& synth) {
  if (ctx.state(b, key) == State::kUnknown) {
    s.set(synth,
          json::array({json{{"addressPrefix", Context::unknown_text(b, key)}, {"addressPrefixType", "IPPrefix"}}}),
          b.attr_pointer(key));
    return;
  }
  const auto blocks = ctx.nested(b, key);
  if (blocks.empty()) return;
  s.set(synth, json::array(), b.attr_pointer(key));
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    const Block& ab = blocks[k];
    const std::string at = fmt::format("{}/{}", synth, k);
    s.set(at, json::object(), ab.values_pointer);
    ctx.copy_string(ab, "address_prefix", s, at + "/addressPrefix");
    ctx.copy_string(ab, "address_prefix_type", s, at + "/addressPrefixType");
  }
}

/// A port range list (`source_port_ranges`, `destination_port_ranges`). Unknown: a list of one unknown value, which
/// the Azure reader widens to every port (it takes these fields as arrays only).
void network_manager_copy_ports(Context& ctx, const Block& b, std::string_view key, Synthesized& s,
                                const std::string& synth) {
  if (ctx.state(b, key) == State::kUnknown) {
    s.set(synth, json::array({Context::unknown_text(b, key)}), b.attr_pointer(key));
    return;
  }
  ctx.copy_strings(b, key, s, synth);
}

}  // namespace

void translate_network_manager(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/networkManagers", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  // Written as Azure shows them; the model does not check scopes (docs/model.md, "Security admin rules").
  ctx.copy_strings(b, "scope_accesses", *s, "/properties/networkManagerScopeAccesses");
  if (const auto scope = ctx.nested(b, "scope"); !scope.empty()) {
    s->set("/properties/networkManagerScopes", json::object(), scope.front().values_pointer);
    ctx.copy_strings(scope.front(), "subscription_ids", *s, "/properties/networkManagerScopes/subscriptions");
    ctx.copy_strings(scope.front(), "management_group_ids", *s, "/properties/networkManagerScopes/managementGroups");
  }
}

void translate_network_group(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/networkManagers/networkGroups", out);
  if (s == nullptr) return;
  ctx.copy_string(Context::top(i), "member_type", *s, "/properties/memberType");
}

void translate_network_group_static_member(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/networkManagers/networkGroups/staticMembers", out);
  if (s == nullptr) return;
  network_manager_copy_id(ctx, Context::top(i), "target_virtual_network_id", *s, "/properties/resourceId");
}

void translate_security_admin_configuration(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(ctx, i, "Microsoft.Network/networkManagers/securityAdminConfigurations", out);
  if (s == nullptr) return;
  ctx.copy_strings(Context::top(i), "apply_on_network_intent_policy_based_services", *s,
                   "/properties/applyOnNetworkIntentPolicyBasedServices");
}

void translate_admin_rule_collection(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s =
      begin_resource(ctx, i, "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  bool unknown = false;
  auto groups = ctx.ids(b, "network_group_ids", &unknown);
  if (groups.empty() && !unknown) return;
  json list = json::array();
  for (auto& id : groups) list.push_back(json{{"networkGroupId", std::move(id)}});
  // A group only known after apply: the reader takes it as a group whose members are not known.
  if (unknown) list.push_back(json{{"networkGroupId", Context::unknown_text(b, "network_group_ids")}});
  s->set("/properties/appliesToGroups", std::move(list), b.attr_pointer("network_group_ids"));
}

void translate_admin_rule(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  Synthesized* s = begin_resource(
      ctx, i, "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules", out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  s->set("/kind", "Custom", i.pointer + "/type");  // the provider manages Custom rules only
  ctx.copy_string(b, "action", *s, "/properties/access");
  ctx.copy_integer(b, "priority", *s, "/properties/priority");
  ctx.copy_string(b, "direction", *s, "/properties/direction");
  ctx.copy_string(b, "protocol", *s, "/properties/protocol");
  network_manager_copy_addresses(ctx, b, "source", *s, "/properties/sources");
  network_manager_copy_addresses(ctx, b, "destination", *s, "/properties/destinations");
  network_manager_copy_ports(ctx, b, "source_port_ranges", *s, "/properties/sourcePortRanges");
  network_manager_copy_ports(ctx, b, "destination_port_ranges", *s, "/properties/destinationPortRanges");
}

void translate_network_manager_deployment(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  // Azure's commit (`networkManagers/commit`), which leaves no resource: once applied, the configurations listed
  // are the ones deployed to the region for this type of configuration. Written as the deployment status
  // `az network manager list-deploy-status` prints (Deployed), which the Azure reader reads.
  const Block b = Context::top(i);
  const State scope = ctx.state(b, "scope_access");
  const State region = ctx.state(b, "location");
  bool unknown = false;
  auto configurations = ctx.ids(b, "configuration_ids", &unknown);
  // What stays unknown cannot say which configurations the region gets: the commit is not read, and the rules of
  // its network manager are undecided in every region (their Allow and AlwaysAllow rules are applied, their Deny
  // rules are not; the model's `admin-rules-undecided` warning names the virtual networks).
  const char* unknown_key = region == State::kUnknown  ? "location"
                            : scope == State::kUnknown ? "scope_access"
                            : unknown                  ? "configuration_ids"
                                                       : nullptr;
  if (unknown_key != nullptr) {
    ctx.report(model::Severity::kWarning, i, b.attr_pointer(unknown_key), "unknown-value",
               fmt::format("'{}' of this commit is only known after apply: the commit is not read, and whether its "
                           "network manager's security admin configurations are deployed is not known",
                           unknown_key));
    return;
  }
  if (scope == State::kAbsent || region == State::kAbsent) {
    ctx.report(model::Severity::kWarning, i, b.attr_pointer(scope == State::kAbsent ? "scope_access" : "location"),
               "missing-field",
               fmt::format("the commit has no '{}': not read", scope == State::kAbsent ? "scope_access" : "location"));
    return;
  }
  auto type = ctx.string(b, "scope_access");
  auto location = ctx.string(b, "location");
  if (!type || !location) return;  // invalid-type reported
  Synthesized d;
  d.instance = &i;
  d.set("/region", *location, b.attr_pointer("location"));
  d.set("/deploymentType", *type, b.attr_pointer("scope_access"));
  d.set("/deploymentStatus", "Deployed", i.pointer + "/type");
  d.set("/configurationIds", json(configurations), b.attr_pointer("configuration_ids"));
  out.push_back(std::move(d));
}

}  // namespace exposim::importers::terraform
