// Azure Virtual Network Manager (docs/model.md, "Security admin rules"): network managers, network groups and their
// members, security admin configurations, their rule collections and rules, and the deployments (commits) that
// put configurations into regions. Validation (model/network_manager.cpp) decides which admin rules apply to each
// virtual network, inbound and outbound, in the order Azure evaluates them, before its NSGs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/nsg.h"
#include "model/resource_base.h"

namespace exposim::model {

/// A security admin rule's `access`: `Deny` drops the packet whatever the NSGs say, `AlwaysAllow` admits it and
/// skips the NSGs, `Allow` hands it to the NSGs as if no admin rule had matched.
enum class AdminAccess { kAllow, kDeny, kAlwaysAllow };
/// "Allow", "Deny", "AlwaysAllow".
const char* to_string(AdminAccess a);

/// A security admin configuration's `applyOnNetworkIntentPolicyBasedServices`: whether its rules apply to virtual
/// networks that hold services with network intent policies (SQL managed instances, Azure Databricks). `None` (also
/// absent, Azure's default): none of its rules; `AllowRulesOnly`: its Allow and AlwaysAllow rules, not its Deny
/// rules; `All`: every rule. kUnknown: only known at deployment.
enum class IntentPolicyApply : std::uint8_t { kNone, kAllowRulesOnly, kAll, kUnknown };
/// "None", "AllowRulesOnly", "All", "unknown".
const char* to_string(IntentPolicyApply a);

/// `Microsoft.Network/networkManagers`.
struct NetworkManager : ResourceBase {};

/// `Microsoft.Network/networkManagers/networkGroups`.
struct NetworkGroup : ResourceBase {
  Ref network_manager;      // derived from the id
  std::string member_type;  // `memberType` as written ("VirtualNetwork", "Subnet"; empty: VirtualNetwork)
  /// Filled by validation: the virtual networks of its static members (indices into Model::vnets, sorted), and
  /// whether its membership cannot be decided from the input: an Azure Policy adds members by a condition
  /// (a `NetworkGroupMember` with `by_condition`), or the input holds no member of it at all.
  std::vector<int> vnets;
  bool conditional{false};
};

/// A member of a network group: `networkGroups/staticMembers` (a virtual network added by hand), or an Azure Policy
/// definition whose `addToNetworkGroup` effect adds virtual networks that meet a condition (`by_condition`, `vnet`
/// unset): exposim does not evaluate the condition.
struct NetworkGroupMember : ResourceBase {
  Ref group;  // derived from the id (static member) or `then.details.networkGroupId` (policy)
  Ref vnet;   // `resourceId` (a static member)
  bool by_condition{false};
};

/// `Microsoft.Network/networkManagers/securityAdminConfigurations`.
struct SecurityAdminConfiguration : ResourceBase {
  Ref network_manager;  // derived from the id
  /// `applyOnNetworkIntentPolicyBasedServices`: `All` when the list holds it, else `AllowRulesOnly` when it holds
  /// that, else `None` (docs/model.md, "Security admin rules").
  IntentPolicyApply on_intent_policy_services{IntentPolicyApply::kNone};
};

/// `.../securityAdminConfigurations/ruleCollections`.
struct AdminRuleCollection : ResourceBase {
  Ref configuration;                   // derived from the id
  std::vector<Ref> applies_to_groups;  // `appliesToGroups[].networkGroupId`
};

/// `.../ruleCollections/rules` of kind `Custom`. `rule` holds what an NSG rule would (priority 1..4096, direction,
/// protocols, addresses, ports); its `access` is Deny for kDeny, Allow otherwise, which is how service tags exposim
/// cannot resolve are read (the whole internet for Allow and AlwaysAllow, nothing for Deny).
struct AdminRule : ResourceBase {
  Ref collection;  // derived from the id
  AdminAccess access{AdminAccess::kDeny};
  SecurityRule rule;
};

/// What the input says of a network manager's commit to one region (`az network manager list-deploy-status`, the
/// REST `listDeploymentStatus`, Terraform's `azurerm_network_manager_deployment`): the configurations deployed
/// there. A commit replaces the region's configurations of its type: one not listed by a `Deployed` status of its
/// network manager's region is not deployed there.
struct AdminDeployment : ResourceBase {
  std::string region;               // lowercase, spaces removed ("westeurope")
  bool deployed{false};             // `deploymentStatus` is `Deployed` (else Deploying, Failed, NotStarted: not known)
  std::vector<Ref> configurations;  // `configurationIds`
};

}  // namespace exposim::model
