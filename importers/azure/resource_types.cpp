// The Azure type table and the order of the finish steps.
#include "importers/azure/resource_types.h"

#include <unordered_map>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"

namespace exposim::importers::azure {
namespace {

constexpr Shape kTop = Shape::kTopLevel;
constexpr Shape kSeparate = Shape::kSeparateChild;
constexpr Shape kChild = Shape::kChild;
constexpr Shape kPosture = Shape::kPostureChild;

constexpr ResourceType kTypes[] = {
    // network.cpp
    {types::kVirtualNetwork, read_vnet, kTop, {}, {}, {}},
    {types::kSubnet, read_separate_subnet, kSeparate, types::kVirtualNetwork, segments::kSubnets, "subnet"},
    {types::kPeering, read_separate_peering, kSeparate, types::kVirtualNetwork, segments::kPeerings,
     "virtual network peering"},
    {types::kRouteTable, read_route_table, kTop, {}, {}, {}},
    {types::kRoute, read_separate_route, kSeparate, types::kRouteTable, segments::kRoutes, "route"},
    // nsg.cpp
    {types::kNetworkSecurityGroup, read_nsg, kTop, {}, {}, {}},
    {types::kSecurityRule, read_separate_security_rule, kSeparate, types::kNetworkSecurityGroup,
     segments::kSecurityRules, "security rule"},
    {types::kDefaultSecurityRule, read_separate_default_security_rule, kSeparate, types::kNetworkSecurityGroup,
     segments::kDefaultSecurityRules, "security rule"},
    {types::kApplicationSecurityGroup, read_asg, kTop, {}, {}, {}},
    // compute.cpp
    {types::kNetworkInterface, read_nic, kTop, {}, {}, {}},
    {types::kIpConfiguration, read_separate_ip_configuration, kSeparate, types::kNetworkInterface,
     segments::kIpConfigurations, "ip configuration"},
    {types::kPublicIpAddress, read_public_ip, kTop, {}, {}, {}},
    {types::kVirtualMachine, read_vm, kTop, {}, {}, {}},
    // machine_posture.cpp
    {types::kVmExtension, read_separate_vm_extension, kPosture, types::kVirtualMachine, segments::kExtensions,
     "extension"},
    {types::kScaleSetExtension, read_separate_scale_set_extension, kPosture, types::kScaleSet, segments::kExtensions,
     "extension"},
    // load_balancer.cpp
    {types::kLoadBalancer, read_load_balancer, kTop, {}, {}, {}},
    {types::kLbInboundNatRule, read_separate_lb_nat_rule, kSeparate, types::kLoadBalancer, segments::kLbInboundNatRules,
     "inbound NAT rule"},
    {types::kLbBackendAddressPool, read_separate_lb_backend_pool, kSeparate, types::kLoadBalancer,
     segments::kLbBackendAddressPools, "backend address pool"},
    // scale_set.cpp
    {types::kScaleSet, read_scale_set, kTop, {}, {}, {}},
    // virtual_wan.cpp
    {types::kVirtualWan, read_virtual_wan, kTop, {}, {}, {}},
    {types::kVirtualHub, read_virtual_hub, kTop, {}, {}, {}},
    {types::kHubConnection, read_hub_connection, kChild, types::kVirtualHub, segments::kHubConnections,
     "hub virtual network connection"},
    {types::kHubRoutingIntent, read_hub_routing_intent, kChild, types::kVirtualHub, segments::kHubRoutingIntents,
     "routing intent"},
    {types::kHubRouteTable, read_hub_route_table, kChild, types::kVirtualHub, segments::kHubRouteTables,
     "hub route table"},
    // paas.cpp
    {types::kStorageAccount, read_storage_account, kTop, {}, {}, {}},
    {types::kKeyVault, read_key_vault, kTop, {}, {}, {}},
    {types::kSqlServer, read_sql_server, kTop, {}, {}, {}},
    {types::kSqlFirewallRule, read_separate_sql_firewall_rule, kSeparate, types::kSqlServer,
     segments::kSqlFirewallRules, "firewall rule"},
    {types::kSqlVirtualNetworkRule, read_separate_sql_vnet_rule, kSeparate, types::kSqlServer,
     segments::kSqlVirtualNetworkRules, "virtual network rule"},
    {types::kSqlConnectionPolicy, read_separate_sql_connection_policy, kSeparate, types::kSqlServer,
     segments::kSqlConnectionPolicies, "connection policy"},
    {types::kSqlManagedInstance, read_sql_managed_instance, kTop, {}, {}, {}},
    {types::kBlobContainer, read_separate_blob_container, kSeparate, types::kStorageAccount, segments::kBlobServices,
     "blob container"},
    {types::kCosmosDbAccount, read_cosmos_account, kTop, {}, {}, {}},
    {types::kWebSite, read_web_site, kTop, {}, {}, {}},
    {types::kWebSiteConfig, read_separate_site_config, kSeparate, types::kWebSite, segments::kWebSiteConfig,
     "site configuration"},
    {types::kPrivateEndpoint, read_private_endpoint, kTop, {}, {}, {}},
    // firewall.cpp
    {types::kAzureFirewall, read_firewall, kTop, {}, {}, {}},
    {types::kFirewallPolicy, read_firewall_policy, kTop, {}, {}, {}},
    {types::kRuleCollectionGroup, read_separate_rule_collection_group, kSeparate, types::kFirewallPolicy,
     segments::kRuleCollectionGroups, "rule collection group"},
    {types::kRuleGroup, read_separate_rule_group, kSeparate, types::kFirewallPolicy, segments::kRuleGroups,
     "rule group"},
    {types::kIpGroup, read_ip_group, kTop, {}, {}, {}},
    // bastion.cpp
    {types::kBastionHost, read_bastion, kTop, {}, {}, {}},
    // application_gateway.cpp
    {types::kApplicationGateway, read_application_gateway, kTop, {}, {}, {}},
    {types::kWafPolicy, read_waf_policy, kTop, {}, {}, {}},
    // jit_policy.cpp
    {types::kJitPolicy, read_jit_policy, kTop, {}, {}, {}},
    // network_manager.cpp
    {types::kNetworkManager, read_network_manager, kTop, {}, {}, {}},
    {types::kNetworkGroup, read_network_group, kChild, types::kNetworkManager, segments::kNetworkGroups,
     "network group"},
    {types::kNetworkGroupStaticMember, read_network_group_static_member, kChild, types::kNetworkGroup,
     segments::kNetworkGroupStaticMembers, "static member"},
    {types::kSecurityAdminConfiguration, read_security_admin_configuration, kChild, types::kNetworkManager,
     segments::kSecurityAdminConfigurations, "security admin configuration"},
    {types::kAdminRuleCollection, read_admin_rule_collection, kChild, types::kSecurityAdminConfiguration,
     segments::kAdminRuleCollections, "admin rule collection"},
    {types::kAdminRule, read_admin_rule, kChild, types::kAdminRuleCollection, segments::kAdminRules,
     "security admin rule"},
    // defender_plan.cpp
    {types::kDefenderPlan, read_defender_plan, kTop, {}, {}, {}},
    // nat_gateway.cpp
    {types::kNatGateway, read_nat_gateway, kTop, {}, {}, {}},
    {types::kPublicIpPrefix, read_public_ip_prefix, kTop, {}, {}, {}},
};

// Children wait for every file of the session; a step may rely on an earlier one (peerings attach to the
// virtual networks the subnet step assumed).
constexpr FinishStep kFinishSteps[] = {
    apply_waf_policies,
    attach_subnets,
    attach_security_rules,
    attach_peerings,
    attach_routes,
    attach_ip_configurations,
    attach_lb_nat_rules,
    attach_lb_backend_pools,
    attach_rule_collection_groups,
    attach_sql_firewall_rules,
    attach_sql_vnet_rules,  // into virtual_network_rules, beside the inline ones of other services
    apply_sql_connection_policies,
    attach_blob_containers,
    apply_site_configs,
    attach_vm_extensions,
};

}  // namespace

const ResourceType* find_resource_type(std::string_view lower_type) {
  static const std::unordered_map<std::string_view, const ResourceType*> kByType = [] {
    std::unordered_map<std::string_view, const ResourceType*> out;
    for (const auto& row : kTypes) out.emplace(row.type, &row);
    return out;
  }();
  auto it = kByType.find(lower_type);
  return it == kByType.end() ? nullptr : it->second;
}

std::span<const FinishStep> finish_steps() { return kFinishSteps; }

}  // namespace exposim::importers::azure
