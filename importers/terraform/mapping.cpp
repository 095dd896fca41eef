// The mapping table: one row per azurerm resource type read, with its Azure type and its family translator.
#include <algorithm>

#include <fmt/format.h>

#include "importers/terraform/families.h"
#include "model/ascii.h"

namespace exposim::importers::terraform {
namespace {

constexpr Mapping kMappings[] = {
    {"azurerm_resource_group", "", "", "", nullptr, false},
    // network.cpp
    {"azurerm_virtual_network", "Microsoft.Network/virtualNetworks", "", "", translate_vnet, false},
    {"azurerm_subnet", "Microsoft.Network/virtualNetworks/subnets", "azurerm_virtual_network", "virtual_network_name",
     translate_subnet, false},
    {"azurerm_subnet_network_security_group_association", "", "", "", translate_subnet_nsg_association, true},
    {"azurerm_subnet_route_table_association", "", "", "", translate_subnet_route_table_association, true},
    {"azurerm_virtual_network_peering", "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
     "azurerm_virtual_network", "virtual_network_name", translate_peering, false},
    {"azurerm_route_table", "Microsoft.Network/routeTables", "", "", translate_route_table, false},
    {"azurerm_route", "Microsoft.Network/routeTables/routes", "azurerm_route_table", "route_table_name",
     translate_route, false},
    // nsg.cpp
    {"azurerm_network_security_group", "Microsoft.Network/networkSecurityGroups", "", "", translate_nsg, false},
    {"azurerm_network_security_rule", "Microsoft.Network/networkSecurityGroups/securityRules",
     "azurerm_network_security_group", "network_security_group_name", translate_security_rule, false},
    {"azurerm_application_security_group", "Microsoft.Network/applicationSecurityGroups", "", "", translate_asg, false},
    {"azurerm_network_interface_application_security_group_association", "", "", "", translate_nic_asg_association,
     true},
    // compute.cpp
    {"azurerm_network_interface", "Microsoft.Network/networkInterfaces", "", "", translate_nic, false},
    {"azurerm_network_interface_security_group_association", "", "", "", translate_nic_nsg_association, true},
    {"azurerm_public_ip", "Microsoft.Network/publicIPAddresses", "", "", translate_public_ip, false},
    {"azurerm_linux_virtual_machine", "Microsoft.Compute/virtualMachines", "", "", translate_vm, false},
    {"azurerm_windows_virtual_machine", "Microsoft.Compute/virtualMachines", "", "", translate_vm, false},
    {"azurerm_virtual_machine", "Microsoft.Compute/virtualMachines", "", "", translate_vm, false},
    // machine_posture.cpp (extensions are children of the VM or scale set whose id they name)
    {"azurerm_virtual_machine_extension", "Microsoft.Compute/virtualMachines/extensions",
     "azurerm_linux_virtual_machine", "virtual_machine_id", translate_vm_extension, false},
    {"azurerm_virtual_machine_scale_set_extension", "Microsoft.Compute/virtualMachineScaleSets/extensions",
     "azurerm_linux_virtual_machine_scale_set", "virtual_machine_scale_set_id", translate_vm_extension, false},
    // load_balancer.cpp
    {"azurerm_lb", "Microsoft.Network/loadBalancers", "", "", translate_lb, false},
    {"azurerm_lb_backend_address_pool", "Microsoft.Network/loadBalancers/backendAddressPools", "azurerm_lb",
     "loadbalancer_id", translate_lb_backend_pool, false},
    {"azurerm_lb_nat_rule", "Microsoft.Network/loadBalancers/inboundNatRules", "azurerm_lb", "loadbalancer_id",
     translate_lb_nat_rule, false},
    {"azurerm_lb_rule", "", "", "", translate_lb_rule, true},
    {"azurerm_network_interface_backend_address_pool_association", "", "", "", translate_nic_backend_pool_association,
     true},
    {"azurerm_network_interface_nat_rule_association", "", "", "", translate_nic_nat_rule_association, true},
    // Azure lists NAT pools inside their load balancer (the pool edits it); the type composes the id others name.
    {"azurerm_lb_nat_pool", "Microsoft.Network/loadBalancers/inboundNatPools", "azurerm_lb", "loadbalancer_id",
     translate_lb_nat_pool, true},
    {"azurerm_lb_backend_address_pool_address", "", "", "", translate_lb_backend_pool_address, true},
    // scale_set.cpp
    {"azurerm_linux_virtual_machine_scale_set", "Microsoft.Compute/virtualMachineScaleSets", "", "",
     translate_scale_set, false},
    {"azurerm_windows_virtual_machine_scale_set", "Microsoft.Compute/virtualMachineScaleSets", "", "",
     translate_scale_set, false},
    {"azurerm_orchestrated_virtual_machine_scale_set", "Microsoft.Compute/virtualMachineScaleSets", "", "",
     translate_scale_set, false},
    // paas.cpp
    {"azurerm_storage_account", "Microsoft.Storage/storageAccounts", "", "", translate_storage_account, false},
    {"azurerm_storage_account_network_rules", "", "", "", translate_storage_network_rules, true},
    // A container names its account by name or id; its own `id` is a URL (azurerm 3): it edits no resource but
    // needs the account translated first.
    {"azurerm_storage_container", "", "", "", translate_storage_container, true},
    // firewall.cpp (the classic collections live inside their firewall: the composed id's parent is the firewall)
    {"azurerm_firewall", "Microsoft.Network/azureFirewalls", "", "", translate_firewall, false},
    {"azurerm_firewall_nat_rule_collection", "Microsoft.Network/azureFirewalls/natRuleCollections", "azurerm_firewall",
     "azure_firewall_name", translate_firewall_nat_collection, true},
    {"azurerm_firewall_network_rule_collection", "Microsoft.Network/azureFirewalls/networkRuleCollections",
     "azurerm_firewall", "azure_firewall_name", translate_firewall_network_collection, true},
    {"azurerm_firewall_application_rule_collection", "Microsoft.Network/azureFirewalls/applicationRuleCollections",
     "azurerm_firewall", "azure_firewall_name", translate_firewall_application_collection, true},
    {"azurerm_firewall_policy", "Microsoft.Network/firewallPolicies", "", "", translate_firewall_policy, false},
    {"azurerm_firewall_policy_rule_collection_group", "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
     "azurerm_firewall_policy", "firewall_policy_id", translate_rule_collection_group, false},
    {"azurerm_ip_group", "Microsoft.Network/ipGroups", "", "", translate_ip_group, false},
    {"azurerm_ip_group_cidr", "", "", "", translate_ip_group_cidr, true},
    // bastion.cpp
    {"azurerm_bastion_host", "Microsoft.Network/bastionHosts", "", "", translate_bastion, false},
    // paas.cpp
    {"azurerm_key_vault", "Microsoft.KeyVault/vaults", "", "", translate_key_vault, false},
    {"azurerm_mssql_server", "Microsoft.Sql/servers", "", "", translate_sql_server, false},
    {"azurerm_sql_server", "Microsoft.Sql/servers", "", "", translate_sql_server, false},
    {"azurerm_mssql_firewall_rule", "Microsoft.Sql/servers/firewallRules", "azurerm_mssql_server", "server_id",
     translate_sql_firewall_rule, false},
    {"azurerm_sql_firewall_rule", "Microsoft.Sql/servers/firewallRules", "azurerm_sql_server", "server_name",
     translate_sql_firewall_rule, false},
    {"azurerm_mssql_virtual_network_rule", "Microsoft.Sql/servers/virtualNetworkRules", "azurerm_mssql_server",
     "server_id", translate_sql_vnet_rule, false},
    {"azurerm_sql_virtual_network_rule", "Microsoft.Sql/servers/virtualNetworkRules", "azurerm_sql_server",
     "server_name", translate_sql_vnet_rule, false},
    {"azurerm_cosmosdb_account", "Microsoft.DocumentDB/databaseAccounts", "", "", translate_cosmos_account, false},
    {"azurerm_linux_web_app", "Microsoft.Web/sites", "", "", translate_web_app, false},
    {"azurerm_windows_web_app", "Microsoft.Web/sites", "", "", translate_web_app, false},
    {"azurerm_app_service", "Microsoft.Web/sites", "", "", translate_web_app, false},
    {"azurerm_linux_function_app", "Microsoft.Web/sites", "", "", translate_web_app, false},
    {"azurerm_windows_function_app", "Microsoft.Web/sites", "", "", translate_web_app, false},
    {"azurerm_function_app", "Microsoft.Web/sites", "", "", translate_web_app, false},
    {"azurerm_mssql_managed_instance", "Microsoft.Sql/managedInstances", "", "", translate_sql_managed_instance, false},
    {"azurerm_sql_managed_instance", "Microsoft.Sql/managedInstances", "", "", translate_sql_managed_instance, false},
    // application_gateway.cpp
    {"azurerm_application_gateway", "Microsoft.Network/applicationGateways", "", "", translate_application_gateway,
     false},
    {"azurerm_web_application_firewall_policy", "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
     "", "", translate_waf_policy, false},
    {"azurerm_network_interface_application_gateway_backend_address_pool_association", "", "", "",
     translate_nic_gateway_pool_association, true},
    // virtual_wan.cpp
    {"azurerm_virtual_wan", "Microsoft.Network/virtualWans", "", "", translate_virtual_wan, false},
    {"azurerm_virtual_hub", "Microsoft.Network/virtualHubs", "", "", translate_virtual_hub, false},
    {"azurerm_virtual_hub_connection", "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections",
     "azurerm_virtual_hub", "virtual_hub_id", translate_hub_connection, false},
    // defender_plan.cpp
    {"azurerm_security_center_subscription_pricing", "Microsoft.Security/pricings", "", "", translate_defender_plan,
     false},
    // nat_gateway.cpp
    {"azurerm_nat_gateway", "Microsoft.Network/natGateways", "", "", translate_nat_gateway, false},
    {"azurerm_nat_gateway_public_ip_association", "", "", "", translate_nat_gateway_public_ip_association, true},
    {"azurerm_nat_gateway_public_ip_prefix_association", "", "", "", translate_nat_gateway_public_ip_prefix_association,
     true},
    {"azurerm_subnet_nat_gateway_association", "", "", "", translate_subnet_nat_gateway_association, true},
    {"azurerm_public_ip_prefix", "Microsoft.Network/publicIPPrefixes", "", "", translate_public_ip_prefix, false},
    // paas_private_endpoint.cpp
    {"azurerm_private_endpoint", "Microsoft.Network/privateEndpoints", "", "", translate_private_endpoint, false},
    // network_manager.cpp (each child names its parent by id; a deployment is a commit, not a resource)
    {"azurerm_network_manager", "Microsoft.Network/networkManagers", "", "", translate_network_manager, false},
    {"azurerm_network_manager_network_group", "Microsoft.Network/networkManagers/networkGroups",
     "azurerm_network_manager", "network_manager_id", translate_network_group, false},
    {"azurerm_network_manager_static_member", "Microsoft.Network/networkManagers/networkGroups/staticMembers",
     "azurerm_network_manager_network_group", "network_group_id", translate_network_group_static_member, false},
    {"azurerm_network_manager_security_admin_configuration",
     "Microsoft.Network/networkManagers/securityAdminConfigurations", "azurerm_network_manager", "network_manager_id",
     translate_security_admin_configuration, false},
    {"azurerm_network_manager_admin_rule_collection",
     "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections",
     "azurerm_network_manager_security_admin_configuration", "security_admin_configuration_id",
     translate_admin_rule_collection, false},
    {"azurerm_network_manager_admin_rule",
     "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules",
     "azurerm_network_manager_admin_rule_collection", "admin_rule_collection_id", translate_admin_rule, false},
    {"azurerm_network_manager_deployment", "", "", "", translate_network_manager_deployment, false},
};

/// A child declared inline in its synthesized parent: id `<parent id>/<segment>/<name>` is element `k` of the
/// parent's `properties.<segment>` with that name (`/properties/subnets/k`); `doc` null when there is none.
Edited find_inline_child(std::vector<Synthesized>& out, std::string_view id) {
  const auto name_at = id.rfind('/');
  if (name_at == std::string_view::npos || name_at == 0) return {};
  const auto segment_at = id.rfind('/', name_at - 1);
  if (segment_at == std::string_view::npos) return {};
  const std::string name(id.substr(name_at + 1));
  const std::string segment(id.substr(segment_at + 1, name_at - segment_at - 1));
  Synthesized* parent = find_synthesized(out, id.substr(0, segment_at));
  if (parent == nullptr) return {};
  const json& props = parent->doc["properties"];
  auto list = props.find(segment);
  if (list == props.end() || !list->is_array()) return {};
  for (std::size_t k = 0; k < list->size(); ++k) {
    const json& child = (*list)[k];
    auto n = child.find("name");
    if (n != child.end() && n->is_string() && model::ascii::iequals(n->get_ref<const std::string&>(), name)) {
      return {parent, fmt::format("/properties/{}/{}", segment, k)};
    }
  }
  return {};
}

}  // namespace

const Mapping* find_mapping(std::string_view terraform_type) {
  auto it = std::find_if(std::begin(kMappings), std::end(kMappings),
                         [&](const Mapping& m) { return m.terraform_type == terraform_type; });
  return it == std::end(kMappings) ? nullptr : &*it;
}

Synthesized* begin_resource(Context& ctx, const Instance& i, std::string_view azure_type,
                            std::vector<Synthesized>& out) {
  const Block b = Context::top(i);
  auto id = ctx.id_of(i);
  const std::string name = ctx.name_of(i);
  if (!id) {  // a child whose parent's name is only known after apply
    ctx.report(model::Severity::kWarning, i, i.pointer, "unknown-value",
               "the name of its parent is only known after apply: the resource is not analysed");
    return nullptr;
  }
  if (!ctx.knows_name(i)) {
    ctx.report(model::Severity::kWarning, i, b.attr_pointer("name"), "unknown-value",
               fmt::format("its name is only known after apply: it is analysed under the name '{}'", name));
  }
  Synthesized s;
  s.instance = &i;
  s.set("/id", *id, b.attr_pointer(ctx.state(b, "id") == State::kKnown ? "id" : "name"));
  s.set("/name", name, b.attr_pointer("name"));
  s.set("/type", std::string(azure_type), i.pointer + "/type");
  ctx.copy_string(b, "location", s, "/location");
  s.doc["properties"] = json::object();
  out.push_back(std::move(s));
  return &out.back();
}

Edited association_target(Context& ctx, const Instance& i, std::string_view key, std::string_view what,
                          std::vector<Synthesized>& out) {
  const Block b = Context::top(i);
  bool unknown = false;
  auto ids = ctx.ids(b, key, &unknown);
  if (ids.empty()) {
    ctx.report(
        model::Severity::kWarning, i, b.attr_pointer(key), "unknown-value",
        fmt::format("the {} of this association is only known after apply: the association is not analysed", what));
    return {};
  }
  Edited target{find_synthesized(out, ids.front()), ""};
  if (target.doc == nullptr) target = find_inline_child(out, ids.front());
  if (target.doc == nullptr) {
    ctx.report(model::Severity::kWarning, i, b.attr_pointer(key), "missing-reference",
               fmt::format("{} '{}' is not in the plan: the association is not analysed", what, ids.front()));
  }
  return target;
}

}  // namespace exposim::importers::terraform
