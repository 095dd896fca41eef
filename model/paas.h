// Private endpoints and the public endpoints of PaaS services
// (docs/model.md#private-endpoints-and-paas-public-endpoints).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/ip.h"
#include "model/nsg.h"
#include "model/resource_base.h"
#include "model/setting.h"

namespace exposim::model {

/// The PaaS services whose public endpoint is modelled.
enum class PaasKind { kStorage, kKeyVault, kSqlServer, kCosmosDb, kAppService, kSqlManagedInstance };
/// "storage", "key-vault", "sql-server", "cosmos-db", "app-service", "sql-managed-instance".
const char* to_string(PaasKind k);

/// `publicNetworkAccess`. Absent means Enabled (Azure's default for every modelled service).
enum class PublicNetworkAccess { kEnabled, kDisabled, kSecuredByPerimeter };
/// "enabled", "disabled", "secured-by-perimeter".
const char* to_string(PublicNetworkAccess a);

/// One address rule of a service's firewall, whatever the service calls it: storage, Key Vault and Cosmos DB
/// `ipRules`, SQL server firewall rules (`Microsoft.Sql/servers/firewallRules`), App Service
/// `siteConfig.ipSecurityRestrictions`.
struct PaasIpRule {
  std::string name;  // SQL firewall rules and App Service restrictions; "" for ipRules
  std::string text;  // the address as written ("52.10.0.0/16", "1.2.3.4-1.2.3.9", "Any", a tag)
  IpSet addresses;   // what the rule matches (IPv4 and IPv6 in the unified space)
  Access action{Access::kAllow};
  int priority{0};  // App Service only (lower first); 0 elsewhere
  /// The rule matches a range the solver cannot resolve: SQL's 0.0.0.0-0.0.0.0 ("allow Azure services"),
  /// Cosmos DB's 0.0.0.0 (Azure datacenters), an App Service `ServiceTag` restriction. An allow rule of this
  /// kind is taken as the whole internet, a deny rule as nothing (never hides an exposure).
  bool unresolved{false};
  /// With `unresolved`: the address is only known at deployment, or a placeholder (docs/model.md, "Unknown
  /// values"), not an Azure range.
  bool unknown{false};
  /// An App Service restriction that admits a subnet through a service endpoint (`vnetSubnetResourceId`):
  /// never internet traffic, matches no internet source.
  bool subnet_only{false};
  /// App Service restriction with `headers` (X-Forwarded-For, X-Azure-FDID, ...): allow rules are taken as
  /// matching on addresses alone, deny rules as matching nothing.
  bool has_headers{false};
  SourceLocation where;
};

/// A storage account's blob container (`blobServices/containers`, `azurerm_storage_container`).
struct BlobContainer {
  std::string name;
  std::string public_access;  // `publicAccess`: "None" (absent), "Blob", "Container"; "" when `unknown`
  bool unknown{false};        // only known at deployment: never counts as "None"
  SourceLocation where;       // `publicAccess`; the container's object when absent
};

/// An entry of a service's own `privateEndpointConnections` (what an export of a deployed service lists), as
/// opposed to the connections of the private endpoints in the input (PrivateEndpoint::connections).
struct ServiceEndpointConnection {
  std::string name;
  std::string status;  // `privateLinkServiceConnectionState.status`: "Approved", "Pending", ...
  SourceLocation where;
};

/// A PaaS resource with a public endpoint: storage account, Key Vault, SQL server, Cosmos DB account, App
/// Service site, SQL managed instance. Which internet sources reach the public endpoint is decided by
/// (docs/model.md): `public_network_access`, then the service's firewall (`default_action` and `ip_rules`); for a
/// SQL managed instance instead `public_data_endpoint_enabled`, then the NSG of its subnet (`subnet`).
/// Recorded but not evaluated: virtual network rules (they admit subnets, never the internet), `bypass`
/// (trusted Microsoft services, not arbitrary internet sources). Not modelled: network security perimeter
/// rules (SecuredByPerimeter is assumed to admit the internet), IPv6 on public endpoints.
struct PaasService : ResourceBase {
  PaasKind kind{PaasKind::kStorage};
  PublicNetworkAccess public_network_access{PublicNetworkAccess::kEnabled};
  /// Storage and Key Vault `networkAcls.defaultAction`; Cosmos DB: Deny when it has IP rules or the virtual
  /// network filter on; SQL: always Deny (firewall rules only admit); App Service:
  /// `ipSecurityRestrictionsDefaultAction`, else Deny when any restriction exists, else Allow.
  Access default_action{Access::kAllow};
  /// In evaluation order: App Service restrictions sorted by priority (stable), others as written.
  std::vector<PaasIpRule> ip_rules;
  std::vector<Ref> virtual_network_rules;  // subnets, recorded only
  std::string bypass;                      // as written ("AzureServices, Logging"), recorded only
  bool virtual_network_filter{false};      // Cosmos DB `isVirtualNetworkFilterEnabled`
  bool https_only{true};  // storage `supportsHttpsTrafficOnly` (default true), App Service `httpsOnly` (default false)
  PortSet tcp_ports;      // the TCP ports the public endpoint serves (set by the importer, see docs/model.md)
  std::string host_name;  // e.g. "acct.blob.core.windows.net"; "" when the input does not say
  /// Filled by validation: the private endpoints with a connection to this service (indices into
  /// Model::private_endpoints, ascending).
  std::vector<int> private_endpoints;

  /// App Service only: the SCM (Kudu) site, a second public endpoint (the same ports) with its own restrictions
  /// (`scmIpSecurityRestrictions`, `scmIpSecurityRestrictionsDefaultAction`, same rules as the main site's)
  /// unless `scmIpSecurityRestrictionsUseMain`. `publicNetworkAccess` applies to both.
  bool has_scm{false};
  std::string scm_host_name;  // "<app>.scm.azurewebsites.net", derived from the default host name
  bool scm_uses_main{false};
  std::vector<PaasIpRule> scm_ip_rules;
  Access scm_default_action{Access::kAllow};

  /// Properties read for the recommendations (docs/recommendations.md), never by the reachability solver.
  SourceLocation public_network_access_where;  // `publicNetworkAccess`; the resource's object when absent
  SourceLocation default_action_where;         // `networkAcls.defaultAction` (storage, Key Vault)
  SourceLocation https_only_where;             // `supportsHttpsTrafficOnly` (storage), `httpsOnly` (sites)
  Setting<bool> allow_blob_public_access;      // storage `allowBlobPublicAccess` (absent fails policy 4fa4b6c0)
  std::vector<BlobContainer> containers;       // storage
  Setting<bool> enable_purge_protection;       // Key Vault `enablePurgeProtection`
  /// Key Vault `enableSoftDelete`; absent is true from API version 2019-09-01 (the importer sets the value then).
  Setting<bool> enable_soft_delete;
  std::string create_mode;                 // Key Vault `createMode` ("recover" is exempt from KV-001)
  bool in_app_service_environment{false};  // sites: `hostingEnvironmentProfile.id` set
  std::string site_kind;                   // sites: `kind` ("app", "functionapp,linux", ...)
  std::vector<ServiceEndpointConnection> endpoint_connections;

  /// SQL managed instance only: `publicDataEndpointEnabled` (absent: false, Azure's default). Its public data
  /// endpoint (TCP 3342) admits what the NSG of `subnet` admits; `publicNetworkAccess` does not apply. An unknown
  /// value is taken as enabled by the solver (never hides an exposure).
  Setting<bool> public_data_endpoint_enabled;
  /// SQL managed instance only: `subnetId`, the subnet the instance is deployed into (resolved by validation).
  Ref subnet;
};

enum class ConnectionStatus { kApproved, kPending, kRejected, kDisconnected };
/// "approved", "pending", "rejected", "disconnected".
const char* to_string(ConnectionStatus s);

/// A private endpoint's connection to a service (`privateLinkServiceConnections[]` and
/// `manualPrivateLinkServiceConnections[]`).
struct PrivateLinkConnection {
  std::string name;
  Ref target;                          // privateLinkServiceId; resolved to a PaasService when it is one
  std::vector<std::string> group_ids;  // "blob", "vault", "sqlServer", ...
  ConnectionStatus status{ConnectionStatus::kApproved};
  bool manual{false};
  SourceLocation where;
  bool flattened{false};  // fields on the object itself, not under "properties"
};

/// A private endpoint: a NIC-like address in a subnet that reaches one service privately. It never adds
/// internet exposure and never closes the service's public endpoint
/// (docs/model.md#private-endpoints-and-paas-public-endpoints).
struct PrivateEndpoint : ResourceBase {
  Ref subnet;
  /// Private addresses from `ipConfigurations[].privateIPAddress`, `customDnsConfigs[].ipAddresses` and
  /// (filled by validation) the ip configurations of the NICs in `network_interfaces`; sorted, unique.
  std::vector<IpAddress> private_ips;
  std::vector<Ref> network_interfaces;
  std::vector<PrivateLinkConnection> connections;
};

}  // namespace exposim::model
