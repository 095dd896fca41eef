// The Azure type table and the order of the finish steps.
#include "importers/azure/resource_types.h"

#include <optional>
#include <unordered_map>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"

namespace exposim::importers::azure {
namespace {

constexpr Shape kTop = Shape::kTopLevel;
constexpr Shape kSeparate = Shape::kSeparateChild;
constexpr Shape kChild = Shape::kChild;
constexpr Shape kPosture = Shape::kPostureChild;
using ModelKind = model::ResourceKind;
/// A type read into a resource of another kind (ResourceType::kind).
constexpr std::optional<ModelKind> kNoKind = std::nullopt;

constexpr ResourceType kTypes[] = {
    // network.cpp
    {types::kVirtualNetwork, ModelKind::kVirtualNetwork, read_vnet, kTop, {}, {}, {}},
    {types::kSubnet, ModelKind::kSubnet, read_separate_subnet, kSeparate, types::kVirtualNetwork, segments::kSubnets,
     "subnet"},
    {types::kPeering, kNoKind, read_separate_peering, kSeparate, types::kVirtualNetwork, segments::kPeerings,
     "virtual network peering"},
    {types::kRouteTable, ModelKind::kRouteTable, read_route_table, kTop, {}, {}, {}},
    {types::kRoute, kNoKind, read_separate_route, kSeparate, types::kRouteTable, segments::kRoutes, "route"},
    // nsg.cpp
    {types::kNetworkSecurityGroup, ModelKind::kNetworkSecurityGroup, read_nsg, kTop, {}, {}, {}},
    {types::kSecurityRule, kNoKind, read_separate_security_rule, kSeparate, types::kNetworkSecurityGroup,
     segments::kSecurityRules, "security rule"},
    {types::kDefaultSecurityRule, kNoKind, read_separate_default_security_rule, kSeparate, types::kNetworkSecurityGroup,
     segments::kDefaultSecurityRules, "security rule"},
    {types::kApplicationSecurityGroup, ModelKind::kApplicationSecurityGroup, read_asg, kTop, {}, {}, {}},
    // compute.cpp
    {types::kNetworkInterface, ModelKind::kNetworkInterface, read_nic, kTop, {}, {}, {}},
    {types::kIpConfiguration, kNoKind, read_separate_ip_configuration, kSeparate, types::kNetworkInterface,
     segments::kIpConfigurations, "ip configuration"},
    {types::kPublicIpAddress, ModelKind::kPublicIp, read_public_ip, kTop, {}, {}, {}},
    {types::kVirtualMachine, ModelKind::kVirtualMachine, read_vm, kTop, {}, {}, {}},
    // machine_posture.cpp
    {types::kVmExtension, kNoKind, read_separate_vm_extension, kPosture, types::kVirtualMachine, segments::kExtensions,
     "extension"},
    {types::kScaleSetExtension, kNoKind, read_separate_scale_set_extension, kPosture, types::kScaleSet,
     segments::kExtensions, "extension"},
    // load_balancer.cpp
    {types::kLoadBalancer, ModelKind::kLoadBalancer, read_load_balancer, kTop, {}, {}, {}},
    {types::kLbInboundNatRule, kNoKind, read_separate_lb_nat_rule, kSeparate, types::kLoadBalancer,
     segments::kLbInboundNatRules, "inbound NAT rule"},
    {types::kLbBackendAddressPool, kNoKind, read_separate_lb_backend_pool, kSeparate, types::kLoadBalancer,
     segments::kLbBackendAddressPools, "backend address pool"},
    // scale_set.cpp
    {types::kScaleSet, ModelKind::kScaleSet, read_scale_set, kTop, {}, {}, {}},
    // virtual_wan.cpp
    {types::kVirtualWan, ModelKind::kVirtualWan, read_virtual_wan, kTop, {}, {}, {}},
    {types::kVirtualHub, ModelKind::kVirtualHub, read_virtual_hub, kTop, {}, {}, {}},
    {types::kHubConnection, ModelKind::kHubConnection, read_hub_connection, kChild, types::kVirtualHub,
     segments::kHubConnections, "hub virtual network connection"},
    {types::kHubRoutingIntent, ModelKind::kHubRoutingIntent, read_hub_routing_intent, kChild, types::kVirtualHub,
     segments::kHubRoutingIntents, "routing intent"},
    {types::kHubRouteTable, ModelKind::kHubRouteTable, read_hub_route_table, kChild, types::kVirtualHub,
     segments::kHubRouteTables, "hub route table"},
    // paas.cpp
    {types::kStorageAccount, ModelKind::kPaasService, read_storage_account, kTop, {}, {}, {}},
    {types::kKeyVault, ModelKind::kPaasService, read_key_vault, kTop, {}, {}, {}},
    {types::kSqlServer, ModelKind::kPaasService, read_sql_server, kTop, {}, {}, {}},
    {types::kSqlFirewallRule, kNoKind, read_separate_sql_firewall_rule, kSeparate, types::kSqlServer,
     segments::kSqlFirewallRules, "firewall rule"},
    {types::kSqlVirtualNetworkRule, kNoKind, read_separate_sql_vnet_rule, kSeparate, types::kSqlServer,
     segments::kSqlVirtualNetworkRules, "virtual network rule"},
    {types::kSqlConnectionPolicy, kNoKind, read_separate_sql_connection_policy, kSeparate, types::kSqlServer,
     segments::kSqlConnectionPolicies, "connection policy"},
    {types::kSqlManagedInstance, ModelKind::kPaasService, read_sql_managed_instance, kTop, {}, {}, {}},
    {types::kBlobContainer, kNoKind, read_separate_blob_container, kSeparate, types::kStorageAccount,
     segments::kBlobServices, "blob container"},
    {types::kCosmosDbAccount, ModelKind::kPaasService, read_cosmos_account, kTop, {}, {}, {}},
    {types::kWebSite, ModelKind::kPaasService, read_web_site, kTop, {}, {}, {}},
    {types::kWebSiteConfig, kNoKind, read_separate_site_config, kSeparate, types::kWebSite, segments::kWebSiteConfig,
     "site configuration"},
    {types::kPrivateEndpoint, ModelKind::kPrivateEndpoint, read_private_endpoint, kTop, {}, {}, {}},
    // firewall.cpp
    {types::kAzureFirewall, ModelKind::kFirewall, read_firewall, kTop, {}, {}, {}},
    {types::kFirewallPolicy, ModelKind::kFirewallPolicy, read_firewall_policy, kTop, {}, {}, {}},
    {types::kRuleCollectionGroup, kNoKind, read_separate_rule_collection_group, kSeparate, types::kFirewallPolicy,
     segments::kRuleCollectionGroups, "rule collection group"},
    {types::kRuleGroup, kNoKind, read_separate_rule_group, kSeparate, types::kFirewallPolicy, segments::kRuleGroups,
     "rule group"},
    {types::kIpGroup, ModelKind::kIpGroup, read_ip_group, kTop, {}, {}, {}},
    // bastion.cpp
    {types::kBastionHost, ModelKind::kBastionHost, read_bastion, kTop, {}, {}, {}},
    // application_gateway.cpp
    {types::kApplicationGateway, ModelKind::kApplicationGateway, read_application_gateway, kTop, {}, {}, {}},
    {types::kWafPolicy, kNoKind, read_waf_policy, kTop, {}, {}, {}},
    // jit_policy.cpp
    {types::kJitPolicy, ModelKind::kJitPolicy, read_jit_policy, kTop, {}, {}, {}},
    // network_manager.cpp
    {types::kNetworkManager, ModelKind::kNetworkManager, read_network_manager, kTop, {}, {}, {}},
    {types::kNetworkGroup, ModelKind::kNetworkGroup, read_network_group, kChild, types::kNetworkManager,
     segments::kNetworkGroups, "network group"},
    {types::kNetworkGroupStaticMember, ModelKind::kNetworkGroupMember, read_network_group_static_member, kChild,
     types::kNetworkGroup, segments::kNetworkGroupStaticMembers, "static member"},
    {types::kSecurityAdminConfiguration, ModelKind::kSecurityAdminConfiguration, read_security_admin_configuration,
     kChild, types::kNetworkManager, segments::kSecurityAdminConfigurations, "security admin configuration"},
    {types::kAdminRuleCollection, ModelKind::kAdminRuleCollection, read_admin_rule_collection, kChild,
     types::kSecurityAdminConfiguration, segments::kAdminRuleCollections, "admin rule collection"},
    {types::kAdminRule, ModelKind::kAdminRule, read_admin_rule, kChild, types::kAdminRuleCollection,
     segments::kAdminRules, "security admin rule"},
    // defender_plan.cpp
    {types::kDefenderPlan, ModelKind::kDefenderPlan, read_defender_plan, kTop, {}, {}, {}},
    // nat_gateway.cpp
    {types::kNatGateway, ModelKind::kNatGateway, read_nat_gateway, kTop, {}, {}, {}},
    {types::kPublicIpPrefix, ModelKind::kPublicIpPrefix, read_public_ip_prefix, kTop, {}, {}, {}},
};

// The model kinds no Azure resource type carries, so no row of kTypes reads: a network manager's deployment status
// is an element of `az network manager list-deploy-status`, an object without a type (read_admin_deployment_status(),
// called by the core before the type is looked up).
constexpr ModelKind kKindsWithoutType[] = {ModelKind::kAdminDeployment};

/// Every kind of model/resource_kinds.h is the kind of a row, or is listed in kKindsWithoutType and is the kind of no
/// row: a kind added to the model does not build until the importer says which Azure type it reads it from.
constexpr bool every_kind_has_a_type_row() {
  for (const ModelKind k : model::kResourceKinds) {
    bool read = false;
    for (const auto& row : kTypes) read = read || row.kind == k;
    bool without_type = false;
    for (const ModelKind w : kKindsWithoutType) without_type = without_type || w == k;
    if (read == without_type) return false;
  }
  return true;
}
static_assert(every_kind_has_a_type_row(),
              "every resource kind of model/resource_kinds.h needs a row in kTypes with its kind (the Azure type it is "
              "read from), or a place in kKindsWithoutType if no Azure type carries it (and then no row)");

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

std::span<const ResourceType> resource_types() { return kTypes; }

std::span<const FinishStep> finish_steps() { return kFinishSteps; }

}  // namespace exposim::importers::azure
