// The JSON key strings and resource type names of Azure resource JSON, in one place. All lowercase:
// keys and types are matched case-insensitively. The spelling used in messages is given where it differs.
#pragma once

#include <string_view>

namespace exposim::importers::azure::keys {

// Resource envelope.
inline constexpr std::string_view kId = "id";
inline constexpr std::string_view kName = "name";
inline constexpr std::string_view kType = "type";
inline constexpr std::string_view kLocation = "location";
inline constexpr std::string_view kTags = "tags";
inline constexpr std::string_view kProperties = "properties";
inline constexpr std::string_view kSku = "sku";

// Virtual networks, subnets, peerings.
inline constexpr std::string_view kAddressSpace = "addressspace";
inline constexpr std::string_view kAddressPrefixes = "addressprefixes";
inline constexpr std::string_view kAddressPrefix = "addressprefix";
inline constexpr std::string_view kSubnets = "subnets";
inline constexpr std::string_view kVirtualNetworkPeerings = "virtualnetworkpeerings";
inline constexpr std::string_view kNetworkSecurityGroup = "networksecuritygroup";
inline constexpr std::string_view kRouteTable = "routetable";
inline constexpr std::string_view kPrivateEndpointNetworkPolicies = "privateendpointnetworkpolicies";
inline constexpr std::string_view kDelegations = "delegations";
inline constexpr std::string_view kServiceName = "servicename";
inline constexpr std::string_view kServiceEndpoints = "serviceendpoints";
inline constexpr std::string_view kService = "service";
inline constexpr std::string_view kLocations = "locations";
inline constexpr std::string_view kRemoteVirtualNetwork = "remotevirtualnetwork";
inline constexpr std::string_view kRemoteAddressSpace = "remoteaddressspace";
inline constexpr std::string_view kAllowVirtualNetworkAccess = "allowvirtualnetworkaccess";
inline constexpr std::string_view kAllowForwardedTraffic = "allowforwardedtraffic";
inline constexpr std::string_view kAllowGatewayTransit = "allowgatewaytransit";
inline constexpr std::string_view kUseRemoteGateways = "useremotegateways";
inline constexpr std::string_view kPeeringState = "peeringstate";

// Network security groups and rules.
inline constexpr std::string_view kSecurityRules = "securityrules";
inline constexpr std::string_view kDefaultSecurityRules = "defaultsecurityrules";
inline constexpr std::string_view kNetworkInterfaces = "networkinterfaces";
inline constexpr std::string_view kProtocol = "protocol";
inline constexpr std::string_view kAccess = "access";
inline constexpr std::string_view kPriority = "priority";
inline constexpr std::string_view kDirection = "direction";
inline constexpr std::string_view kSourceAddressPrefix = "sourceaddressprefix";
inline constexpr std::string_view kSourceAddressPrefixes = "sourceaddressprefixes";
inline constexpr std::string_view kSourceApplicationSecurityGroups = "sourceapplicationsecuritygroups";
inline constexpr std::string_view kDestinationAddressPrefix = "destinationaddressprefix";
inline constexpr std::string_view kDestinationAddressPrefixes = "destinationaddressprefixes";
inline constexpr std::string_view kDestinationApplicationSecurityGroups = "destinationapplicationsecuritygroups";
inline constexpr std::string_view kSourcePortRange = "sourceportrange";
inline constexpr std::string_view kSourcePortRanges = "sourceportranges";
inline constexpr std::string_view kDestinationPortRange = "destinationportrange";
inline constexpr std::string_view kDestinationPortRanges = "destinationportranges";

// Network interfaces and public IPs.
inline constexpr std::string_view kIpConfigurations = "ipconfigurations";
inline constexpr std::string_view kPrivateIpAddress = "privateipaddress";
inline constexpr std::string_view kPrivateIpAddressVersion = "privateipaddressversion";
inline constexpr std::string_view kSubnet = "subnet";
inline constexpr std::string_view kPublicIpAddress = "publicipaddress";
inline constexpr std::string_view kApplicationSecurityGroups = "applicationsecuritygroups";
inline constexpr std::string_view kPrimary = "primary";
inline constexpr std::string_view kVirtualMachine = "virtualmachine";
inline constexpr std::string_view kEnableIpForwarding = "enableipforwarding";
inline constexpr std::string_view kPublicIpAddressVersion = "publicipaddressversion";
inline constexpr std::string_view kIpAddress = "ipaddress";
inline constexpr std::string_view kPublicIpAllocationMethod = "publicipallocationmethod";
inline constexpr std::string_view kIpConfiguration = "ipconfiguration";

// Load balancers and the NIC side of their pools and NAT rules.
inline constexpr std::string_view kFrontendIpConfigurations = "frontendipconfigurations";
inline constexpr std::string_view kBackendAddressPools = "backendaddresspools";
inline constexpr std::string_view kLoadBalancingRules = "loadbalancingrules";
inline constexpr std::string_view kInboundNatRules = "inboundnatrules";
inline constexpr std::string_view kInboundNatPools = "inboundnatpools";
inline constexpr std::string_view kLoadBalancerBackendAddresses = "loadbalancerbackendaddresses";
inline constexpr std::string_view kNetworkInterfaceIpConfiguration = "networkinterfaceipconfiguration";
inline constexpr std::string_view kPublicIpPrefix = "publicipprefix";
inline constexpr std::string_view kFrontendIpConfiguration = "frontendipconfiguration";
inline constexpr std::string_view kBackendAddressPool = "backendaddresspool";
inline constexpr std::string_view kFrontendPort = "frontendport";
inline constexpr std::string_view kBackendPort = "backendport";
inline constexpr std::string_view kEnableFloatingIp = "enablefloatingip";
inline constexpr std::string_view kFrontendPortRangeStart = "frontendportrangestart";
inline constexpr std::string_view kFrontendPortRangeEnd = "frontendportrangeend";
inline constexpr std::string_view kLoadBalancerBackendAddressPools = "loadbalancerbackendaddresspools";
inline constexpr std::string_view kLoadBalancerInboundNatRules = "loadbalancerinboundnatrules";

// Virtual machines.
inline constexpr std::string_view kNetworkProfile = "networkprofile";

// Route tables.
inline constexpr std::string_view kRoutes = "routes";
inline constexpr std::string_view kNextHopType = "nexthoptype";
inline constexpr std::string_view kNextHopIpAddress = "nexthopipaddress";
inline constexpr std::string_view kDisableBgpRoutePropagation = "disablebgproutepropagation";

// Scale sets.
inline constexpr std::string_view kCapacity = "capacity";
inline constexpr std::string_view kOrchestrationMode = "orchestrationmode";
inline constexpr std::string_view kVirtualMachineProfile = "virtualmachineprofile";
inline constexpr std::string_view kNetworkInterfaceConfigurations = "networkinterfaceconfigurations";
inline constexpr std::string_view kPublicIpAddressConfiguration = "publicipaddressconfiguration";
inline constexpr std::string_view kLoadBalancerInboundNatPools = "loadbalancerinboundnatpools";
inline constexpr std::string_view kApplicationGatewayBackendAddressPools = "applicationgatewaybackendaddresspools";
inline constexpr std::string_view kVirtualMachineScaleSet = "virtualmachinescaleset";

// What a VM (or a scale set's virtualMachineProfile) says about its own security (machine_posture.cpp).
inline constexpr std::string_view kSecurityProfile = "securityprofile";
inline constexpr std::string_view kEncryptionAtHost = "encryptionathost";
inline constexpr std::string_view kSecurityType = "securitytype";
inline constexpr std::string_view kUefiSettings = "uefisettings";
inline constexpr std::string_view kSecureBootEnabled = "securebootenabled";
inline constexpr std::string_view kVTpmEnabled = "vtpmenabled";
inline constexpr std::string_view kOsProfile = "osprofile";
inline constexpr std::string_view kLinuxConfiguration = "linuxconfiguration";
inline constexpr std::string_view kWindowsConfiguration = "windowsconfiguration";
inline constexpr std::string_view kDisablePasswordAuthentication = "disablepasswordauthentication";
inline constexpr std::string_view kStorageProfile = "storageprofile";
inline constexpr std::string_view kOsDisk = "osdisk";
inline constexpr std::string_view kOsType = "ostype";
inline constexpr std::string_view kImageReference = "imagereference";
inline constexpr std::string_view kPublisher = "publisher";
inline constexpr std::string_view kOffer = "offer";
inline constexpr std::string_view kImageSku = "sku";
inline constexpr std::string_view kIdentity = "identity";
inline constexpr std::string_view kResources = "resources";
inline constexpr std::string_view kExtensionProfile = "extensionprofile";
inline constexpr std::string_view kExtensions = "extensions";
inline constexpr std::string_view kTypePropertiesType = "typepropertiestype";  // the az CLI's extension `type`

// Virtual WAN.
inline constexpr std::string_view kVirtualWan = "virtualwan";
inline constexpr std::string_view kAzureFirewall = "azurefirewall";
inline constexpr std::string_view kVirtualNetworkConnections = "virtualnetworkconnections";
inline constexpr std::string_view kEnableInternetSecurity = "enableinternetsecurity";
inline constexpr std::string_view kRoutingPolicies = "routingpolicies";
inline constexpr std::string_view kDestinations = "destinations";
inline constexpr std::string_view kNextHop = "nexthop";

// PaaS public endpoints and private endpoints (docs/model.md#private-endpoints-and-paas-public-endpoints).
inline constexpr std::string_view kKind = "kind";  // next to `properties`
inline constexpr std::string_view kPublicNetworkAccess = "publicnetworkaccess";
inline constexpr std::string_view kNetworkAcls = "networkacls";
inline constexpr std::string_view kDefaultAction = "defaultaction";
inline constexpr std::string_view kIpRules = "iprules";
inline constexpr std::string_view kVirtualNetworkRules = "virtualnetworkrules";
inline constexpr std::string_view kBypass = "bypass";
inline constexpr std::string_view kValue = "value";
inline constexpr std::string_view kSupportsHttpsTrafficOnly = "supportshttpstrafficonly";
inline constexpr std::string_view kEnableHttpsTrafficOnly = "enablehttpstrafficonly";  // az CLI storage output
inline constexpr std::string_view kNetworkRuleSet = "networkruleset";                  // az CLI storage output
inline constexpr std::string_view kPrimaryEndpoints = "primaryendpoints";
inline constexpr std::string_view kBlob = "blob";
inline constexpr std::string_view kVaultUri = "vaulturi";
inline constexpr std::string_view kFullyQualifiedDomainName = "fullyqualifieddomainname";
inline constexpr std::string_view kStartIpAddress = "startipaddress";
inline constexpr std::string_view kVirtualNetworkSubnetId = "virtualnetworksubnetid";
inline constexpr std::string_view kEndIpAddress = "endipaddress";
inline constexpr std::string_view kIpAddressOrRange = "ipaddressorrange";
inline constexpr std::string_view kIpRangeFilter = "iprangefilter";
inline constexpr std::string_view kApiVersion = "apiversion";  // next to `properties`
inline constexpr std::string_view kConnectionType = "connectiontype";
inline constexpr std::string_view kCapabilities = "capabilities";
inline constexpr std::string_view kIsVirtualNetworkFilterEnabled = "isvirtualnetworkfilterenabled";
inline constexpr std::string_view kNetworkAclBypass = "networkaclbypass";
inline constexpr std::string_view kDocumentEndpoint = "documentendpoint";
inline constexpr std::string_view kHttpsOnly = "httpsonly";
inline constexpr std::string_view kSiteConfig = "siteconfig";
inline constexpr std::string_view kIpSecurityRestrictions = "ipsecurityrestrictions";
inline constexpr std::string_view kIpSecurityRestrictionsDefaultAction = "ipsecurityrestrictionsdefaultaction";
inline constexpr std::string_view kScmIpSecurityRestrictions = "scmipsecurityrestrictions";
inline constexpr std::string_view kScmIpSecurityRestrictionsDefaultAction = "scmipsecurityrestrictionsdefaultaction";
inline constexpr std::string_view kScmIpSecurityRestrictionsUseMain = "scmipsecurityrestrictionsusemain";
inline constexpr std::string_view kDefaultHostName = "defaulthostname";
inline constexpr std::string_view kTag = "tag";
inline constexpr std::string_view kVnetSubnetResourceId = "vnetsubnetresourceid";
inline constexpr std::string_view kHeaders = "headers";
inline constexpr std::string_view kPrivateLinkServiceConnections = "privatelinkserviceconnections";
inline constexpr std::string_view kManualPrivateLinkServiceConnections = "manualprivatelinkserviceconnections";
inline constexpr std::string_view kPrivateLinkServiceId = "privatelinkserviceid";
inline constexpr std::string_view kGroupIds = "groupids";
inline constexpr std::string_view kPrivateLinkServiceConnectionState = "privatelinkserviceconnectionstate";
inline constexpr std::string_view kStatus = "status";
inline constexpr std::string_view kCustomDnsConfigs = "customdnsconfigs";
// PaaS properties read for the recommendations (docs/recommendations.md), and SQL managed instances.
inline constexpr std::string_view kAllowBlobPublicAccess = "allowblobpublicaccess";
inline constexpr std::string_view kPublicAccess = "publicaccess";
inline constexpr std::string_view kEnablePurgeProtection = "enablepurgeprotection";
inline constexpr std::string_view kEnableSoftDelete = "enablesoftdelete";
inline constexpr std::string_view kCreateMode = "createmode";
inline constexpr std::string_view kHostingEnvironmentProfile = "hostingenvironmentprofile";
inline constexpr std::string_view kPrivateEndpointConnections = "privateendpointconnections";
inline constexpr std::string_view kPublicDataEndpointEnabled = "publicdataendpointenabled";
inline constexpr std::string_view kSubnetId = "subnetid";
// Azure Firewall, firewall policies, IP groups.
inline constexpr std::string_view kThreatIntelMode = "threatintelmode";
inline constexpr std::string_view kTier = "tier";
inline constexpr std::string_view kFirewallPolicy = "firewallpolicy";
inline constexpr std::string_view kVirtualHub = "virtualhub";
inline constexpr std::string_view kHubIpAddresses = "hubipaddresses";
inline constexpr std::string_view kManagementIpConfiguration = "managementipconfiguration";
inline constexpr std::string_view kNatRuleCollections = "natrulecollections";
inline constexpr std::string_view kNetworkRuleCollections = "networkrulecollections";
inline constexpr std::string_view kApplicationRuleCollections = "applicationrulecollections";
inline constexpr std::string_view kAction = "action";
inline constexpr std::string_view kRules = "rules";
inline constexpr std::string_view kRuleType = "ruletype";
inline constexpr std::string_view kRuleCollections = "rulecollections";
inline constexpr std::string_view kRuleCollectionGroups = "rulecollectiongroups";
inline constexpr std::string_view kRuleCollectionType = "rulecollectiontype";
inline constexpr std::string_view kBasePolicy = "basepolicy";
inline constexpr std::string_view kSourceAddresses = "sourceaddresses";
inline constexpr std::string_view kSourceIpGroups = "sourceipgroups";
inline constexpr std::string_view kDestinationAddresses = "destinationaddresses";
inline constexpr std::string_view kDestinationIpGroups = "destinationipgroups";
inline constexpr std::string_view kDestinationFqdns = "destinationfqdns";
inline constexpr std::string_view kDestinationPorts = "destinationports";
inline constexpr std::string_view kProtocols = "protocols";
inline constexpr std::string_view kIpProtocols = "ipprotocols";
inline constexpr std::string_view kProtocolType = "protocoltype";
inline constexpr std::string_view kPort = "port";
inline constexpr std::string_view kTargetFqdns = "targetfqdns";
inline constexpr std::string_view kFqdnTags = "fqdntags";
inline constexpr std::string_view kTranslatedAddress = "translatedaddress";
inline constexpr std::string_view kTranslatedFqdn = "translatedfqdn";
inline constexpr std::string_view kTranslatedPort = "translatedport";
inline constexpr std::string_view kIpAddresses = "ipaddresses";
// Legacy firewall policy rule groups (apiVersion 2019-06-01 to 2020-04-01).
inline constexpr std::string_view kRuleGroups = "rulegroups";
inline constexpr std::string_view kRuleCondition = "rulecondition";
inline constexpr std::string_view kRuleConditions = "ruleconditions";
inline constexpr std::string_view kRuleConditionType = "ruleconditiontype";

// Azure Bastion.
inline constexpr std::string_view kEnableTunneling = "enabletunneling";
inline constexpr std::string_view kEnableIpConnect = "enableipconnect";
inline constexpr std::string_view kEnableShareableLink = "enableshareablelink";
inline constexpr std::string_view kEnablePrivateOnlyBastion = "enableprivateonlybastion";
inline constexpr std::string_view kVirtualNetwork = "virtualnetwork";

// Application gateways, their WAF policies, and the NIC side of their backend pools.
inline constexpr std::string_view kGatewayIpConfigurations = "gatewayipconfigurations";
inline constexpr std::string_view kFrontendPorts = "frontendports";
inline constexpr std::string_view kHttpListeners = "httplisteners";
inline constexpr std::string_view kBackendHttpSettingsCollection = "backendhttpsettingscollection";
inline constexpr std::string_view kRequestRoutingRules = "requestroutingrules";
inline constexpr std::string_view kUrlPathMaps = "urlpathmaps";
inline constexpr std::string_view kPathRules = "pathrules";
inline constexpr std::string_view kHostName = "hostname";
inline constexpr std::string_view kHostNames = "hostnames";
inline constexpr std::string_view kBackendAddresses = "backendaddresses";
inline constexpr std::string_view kFqdn = "fqdn";
inline constexpr std::string_view kHttpListener = "httplistener";
inline constexpr std::string_view kBackendHttpSettings = "backendhttpsettings";
inline constexpr std::string_view kUrlPathMap = "urlpathmap";
inline constexpr std::string_view kDefaultBackendAddressPool = "defaultbackendaddresspool";
inline constexpr std::string_view kDefaultBackendHttpSettings = "defaultbackendhttpsettings";
inline constexpr std::string_view kWebApplicationFirewallConfiguration = "webapplicationfirewallconfiguration";
inline constexpr std::string_view kEnabled = "enabled";
inline constexpr std::string_view kFirewallMode = "firewallmode";
inline constexpr std::string_view kPolicySettings = "policysettings";
inline constexpr std::string_view kMode = "mode";
inline constexpr std::string_view kState = "state";
inline constexpr std::string_view kListeners = "listeners";
inline constexpr std::string_view kPrivateLinkConfigurations = "privatelinkconfigurations";
// Virtual WAN hub routing and secured hub firewalls.
inline constexpr std::string_view kRoutingConfiguration = "routingconfiguration";
inline constexpr std::string_view kAssociatedRouteTable = "associatedroutetable";
inline constexpr std::string_view kPropagatedRouteTables = "propagatedroutetables";
inline constexpr std::string_view kIds = "ids";
inline constexpr std::string_view kLabels = "labels";
inline constexpr std::string_view kVnetRoutes = "vnetroutes";
inline constexpr std::string_view kStaticRoutes = "staticroutes";
inline constexpr std::string_view kDestinationType = "destinationtype";
inline constexpr std::string_view kPublicIps = "publicips";
inline constexpr std::string_view kAddresses = "addresses";
inline constexpr std::string_view kAddress = "address";
inline constexpr std::string_view kCount = "count";
// DDoS protection of virtual networks and public IP addresses.
inline constexpr std::string_view kEnableDdosProtection = "enableddosprotection";
inline constexpr std::string_view kDdosProtectionPlan = "ddosprotectionplan";
inline constexpr std::string_view kDdosSettings = "ddossettings";
inline constexpr std::string_view kProtectionMode = "protectionmode";
// Just-in-time VM access policies.
inline constexpr std::string_view kVirtualMachines = "virtualmachines";
inline constexpr std::string_view kPorts = "ports";
inline constexpr std::string_view kNumber = "number";
inline constexpr std::string_view kAllowedSourceAddressPrefix = "allowedsourceaddressprefix";
inline constexpr std::string_view kAllowedSourceAddressPrefixes = "allowedsourceaddressprefixes";
inline constexpr std::string_view kMaxRequestAccessDuration = "maxrequestaccessduration";
// Defender for Cloud plans.
inline constexpr std::string_view kPricingTier = "pricingtier";
inline constexpr std::string_view kSubPlan = "subplan";

// NAT gateways and public IP prefixes (nat_gateway.cpp); a subnet's `natGateway`; `publicIPPrefix` (above) on public
// IPs and load balancer frontends.
inline constexpr std::string_view kNatGateway = "natgateway";
inline constexpr std::string_view kPublicIpAddresses = "publicipaddresses";
inline constexpr std::string_view kPublicIpPrefixes = "publicipprefixes";
inline constexpr std::string_view kPrefixLength = "prefixlength";
inline constexpr std::string_view kIpPrefix = "ipprefix";

}  // namespace exposim::importers::azure::keys

namespace exposim::importers::azure::types {

inline constexpr std::string_view kVirtualNetwork = "microsoft.network/virtualnetworks";
inline constexpr std::string_view kSubnet = "microsoft.network/virtualnetworks/subnets";
inline constexpr std::string_view kPeering = "microsoft.network/virtualnetworks/virtualnetworkpeerings";
inline constexpr std::string_view kNetworkSecurityGroup = "microsoft.network/networksecuritygroups";
inline constexpr std::string_view kSecurityRule = "microsoft.network/networksecuritygroups/securityrules";
inline constexpr std::string_view kDefaultSecurityRule = "microsoft.network/networksecuritygroups/defaultsecurityrules";
inline constexpr std::string_view kApplicationSecurityGroup = "microsoft.network/applicationsecuritygroups";
inline constexpr std::string_view kNetworkInterface = "microsoft.network/networkinterfaces";
inline constexpr std::string_view kIpConfiguration = "microsoft.network/networkinterfaces/ipconfigurations";
inline constexpr std::string_view kPublicIpAddress = "microsoft.network/publicipaddresses";
inline constexpr std::string_view kVirtualMachine = "microsoft.compute/virtualmachines";
inline constexpr std::string_view kRouteTable = "microsoft.network/routetables";
inline constexpr std::string_view kRoute = "microsoft.network/routetables/routes";
inline constexpr std::string_view kLoadBalancer = "microsoft.network/loadbalancers";
inline constexpr std::string_view kLbInboundNatRule = "microsoft.network/loadbalancers/inboundnatrules";
inline constexpr std::string_view kLbBackendAddressPool = "microsoft.network/loadbalancers/backendaddresspools";
inline constexpr std::string_view kScaleSet = "microsoft.compute/virtualmachinescalesets";
inline constexpr std::string_view kVmExtension = "microsoft.compute/virtualmachines/extensions";
inline constexpr std::string_view kScaleSetExtension = "microsoft.compute/virtualmachinescalesets/extensions";
inline constexpr std::string_view kVirtualWan = "microsoft.network/virtualwans";
inline constexpr std::string_view kVirtualHub = "microsoft.network/virtualhubs";
inline constexpr std::string_view kHubConnection = "microsoft.network/virtualhubs/hubvirtualnetworkconnections";
inline constexpr std::string_view kHubRoutingIntent = "microsoft.network/virtualhubs/routingintent";
inline constexpr std::string_view kHubRouteTable = "microsoft.network/virtualhubs/hubroutetables";
inline constexpr std::string_view kStorageAccount = "microsoft.storage/storageaccounts";
inline constexpr std::string_view kKeyVault = "microsoft.keyvault/vaults";
inline constexpr std::string_view kSqlServer = "microsoft.sql/servers";
inline constexpr std::string_view kSqlFirewallRule = "microsoft.sql/servers/firewallrules";
inline constexpr std::string_view kSqlVirtualNetworkRule = "microsoft.sql/servers/virtualnetworkrules";
inline constexpr std::string_view kSqlConnectionPolicy = "microsoft.sql/servers/connectionpolicies";
inline constexpr std::string_view kSqlManagedInstance = "microsoft.sql/managedinstances";
inline constexpr std::string_view kBlobContainer = "microsoft.storage/storageaccounts/blobservices/containers";
inline constexpr std::string_view kCosmosDbAccount = "microsoft.documentdb/databaseaccounts";
inline constexpr std::string_view kWebSite = "microsoft.web/sites";
inline constexpr std::string_view kPrivateEndpoint = "microsoft.network/privateendpoints";
inline constexpr std::string_view kWebSiteConfig = "microsoft.web/sites/config";
inline constexpr std::string_view kAzureFirewall = "microsoft.network/azurefirewalls";
inline constexpr std::string_view kFirewallPolicy = "microsoft.network/firewallpolicies";
inline constexpr std::string_view kRuleCollectionGroup = "microsoft.network/firewallpolicies/rulecollectiongroups";
inline constexpr std::string_view kRuleGroup = "microsoft.network/firewallpolicies/rulegroups";
inline constexpr std::string_view kIpGroup = "microsoft.network/ipgroups";

inline constexpr std::string_view kBastionHost = "microsoft.network/bastionhosts";
inline constexpr std::string_view kApplicationGateway = "microsoft.network/applicationgateways";
inline constexpr std::string_view kWafPolicy = "microsoft.network/applicationgatewaywebapplicationfirewallpolicies";
inline constexpr std::string_view kJitPolicy = "microsoft.security/locations/jitnetworkaccesspolicies";
inline constexpr std::string_view kDefenderPlan = "microsoft.security/pricings";
inline constexpr std::string_view kNatGateway = "microsoft.network/natgateways";
inline constexpr std::string_view kPublicIpPrefix = "microsoft.network/publicipprefixes";
inline constexpr std::string_view kNetworkManager = "microsoft.network/networkmanagers";
inline constexpr std::string_view kNetworkGroup = "microsoft.network/networkmanagers/networkgroups";
inline constexpr std::string_view kNetworkGroupStaticMember =
    "microsoft.network/networkmanagers/networkgroups/staticmembers";
inline constexpr std::string_view kSecurityAdminConfiguration =
    "microsoft.network/networkmanagers/securityadminconfigurations";
inline constexpr std::string_view kAdminRuleCollection =
    "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections";
inline constexpr std::string_view kAdminRule =
    "microsoft.network/networkmanagers/securityadminconfigurations/rulecollections/rules";

// Internet entry points exposim does not model yet, named in the `unmodelled-entry-point` warning with the
// host names of their backends (docs/model.md, "Entry points not modelled"). Children of a CDN profile (AFD
// endpoints, origin groups, origins, routes, rule sets, ...) count with their profile.
inline constexpr std::string_view kFrontDoor = "microsoft.network/frontdoors";
inline constexpr std::string_view kCdnProfile = "microsoft.cdn/profiles";
inline constexpr std::string_view kCdnProfileChildPrefix = "microsoft.cdn/profiles/";
inline constexpr std::string_view kCdnOrigin = "microsoft.cdn/profiles/origingroups/origins";
inline constexpr std::string_view kCdnAfdEndpoint = "microsoft.cdn/profiles/afdendpoints";
inline constexpr std::string_view kCdnEndpoint = "microsoft.cdn/profiles/endpoints";  // classic CDN

// Types exposim does not model that cannot change what the internet reaches: they hold no endpoint that internet
// traffic reaches in front of the estate, no route, no filter and no address (the `inert-types` note; every other
// type not modelled is in the `unmodelled-types` warning, docs/diagnostics.md). Exact types, then type
// namespaces, then the tails of extension resources (`.../providers/diagnosticSettings`).
inline constexpr std::string_view kInertTypes[] = {
    "microsoft.compute/availabilitysets",
    "microsoft.compute/virtualmachines/extensions",
    "microsoft.compute/virtualmachinescalesets/extensions",
    "microsoft.compute/virtualmachines/runcommands",
    "microsoft.compute/disks",
    "microsoft.compute/snapshots",
    "microsoft.compute/images",
    "microsoft.compute/galleries",
    "microsoft.compute/galleries/images",
    "microsoft.compute/galleries/images/versions",
    "microsoft.compute/proximityplacementgroups",
    "microsoft.compute/sshpublickeys",
    "microsoft.compute/diskencryptionsets",
    "microsoft.devtestlab/schedules",
    "microsoft.keyvault/vaults/secrets",
    "microsoft.keyvault/vaults/keys",
    "microsoft.keyvault/vaults/accesspolicies",
    "microsoft.storage/storageaccounts/blobservices",
    "microsoft.storage/storageaccounts/blobservices/containers",
    "microsoft.storage/storageaccounts/fileservices",
    "microsoft.storage/storageaccounts/fileservices/shares",
    "microsoft.storage/storageaccounts/queueservices",
    "microsoft.storage/storageaccounts/queueservices/queues",
    "microsoft.storage/storageaccounts/tableservices",
    "microsoft.storage/storageaccounts/tableservices/tables",
    "microsoft.storage/storageaccounts/managementpolicies",
    "microsoft.sql/servers/databases",
    "microsoft.sql/servers/elasticpools",
    "microsoft.sql/servers/administrators",
    "microsoft.sql/servers/auditingsettings",
    "microsoft.sql/servers/securityalertpolicies",
    "microsoft.sql/servers/vulnerabilityassessments",
    "microsoft.sql/servers/databases/transparentdataencryption",
    "microsoft.sql/servers/databases/auditingsettings",
    "microsoft.sql/servers/databases/securityalertpolicies",
    "microsoft.sql/servers/databases/backupshorttermretentionpolicies",
    "microsoft.documentdb/databaseaccounts/sqldatabases",
    "microsoft.documentdb/databaseaccounts/sqldatabases/containers",
    "microsoft.documentdb/databaseaccounts/mongodbdatabases",
    "microsoft.documentdb/databaseaccounts/mongodbdatabases/collections",
    "microsoft.web/serverfarms",
    "microsoft.web/connections",
    "microsoft.web/sites/extensions",
    "microsoft.web/sites/sourcecontrols",
    "microsoft.web/sites/hostnamebindings",
    "microsoft.web/sites/virtualnetworkconnections",
    "microsoft.web/sites/networkconfig",
    "microsoft.web/sites/basicpublishingcredentialspolicies",
    "microsoft.network/dnszones",
    "microsoft.network/dnszones/a",
    "microsoft.network/dnszones/cname",
    "microsoft.network/privatednszones",
    "microsoft.network/privatednszones/a",
    "microsoft.network/privatednszones/virtualnetworklinks",
    "microsoft.network/privateendpoints/privatednszonegroups",
    "microsoft.network/networkwatchers",
    "microsoft.network/networkwatchers/flowlogs",
    "microsoft.network/networkwatchers/connectionmonitors",
    "microsoft.network/ddosprotectionplans",
    "microsoft.network/frontdoorwebapplicationfirewallpolicies",
    "microsoft.recoveryservices/vaults",
    "microsoft.recoveryservices/vaults/backuppolicies",
    "microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems",
    "microsoft.resources/deploymentscripts",
    "microsoft.resources/tags",
    "microsoft.automation/automationaccounts",
    "microsoft.security/workspacesettings",
    "microsoft.security/securitycontacts",
    "microsoft.security/autoprovisioningsettings",
    "microsoft.guestconfiguration/guestconfigurationassignments",
    "microsoft.maintenance/maintenanceconfigurations",
    "microsoft.maintenance/configurationassignments",
};
inline constexpr std::string_view kInertTypePrefixes[] = {
    "microsoft.insights/",              // Application Insights, workbooks, alerts, diagnostic settings, ...
    "microsoft.operationalinsights/",   // Log Analytics workspaces and what hangs under them (Sentinel)
    "microsoft.operationsmanagement/",  // solutions
    "microsoft.securityinsights/",      // Sentinel
    "microsoft.alertsmanagement/",
    "microsoft.authorization/",  // role assignments and definitions, locks, policies
    "microsoft.managedidentity/",
    "microsoft.portal/",  // dashboards
    "microsoft.logic/",   // Logic Apps
    // Children of unmodelled services whose parent type is in the unmodelled-types warning already (their
    // settings cannot make the parent more or less reported than "not modelled").
    "microsoft.apimanagement/service/",
    "microsoft.automation/automationaccounts/",
    "microsoft.eventhub/namespaces/eventhubs",
    "microsoft.datamigration/services/",
    "microsoft.cache/redis/",
};
inline constexpr std::string_view kInertTypeSuffixes[] = {
    "/providers/diagnosticsettings",
    "/providers/locks",
    "/providers/roleassignments",
};
}  // namespace exposim::importers::azure::types

namespace exposim::importers::azure::segments {

// Id segments that separate a child resource from its parent (lowercase; ids are matched case-insensitively).
inline constexpr std::string_view kSubnets = "/subnets/";
inline constexpr std::string_view kPeerings = "/virtualnetworkpeerings/";
inline constexpr std::string_view kSecurityRules = "/securityrules/";
inline constexpr std::string_view kDefaultSecurityRules = "/defaultsecurityrules/";
inline constexpr std::string_view kRoutes = "/routes/";
inline constexpr std::string_view kIpConfigurations = "/ipconfigurations/";
inline constexpr std::string_view kLbInboundNatRules = "/inboundnatrules/";
inline constexpr std::string_view kLbBackendAddressPools = "/backendaddresspools/";
inline constexpr std::string_view kSqlFirewallRules = "/firewallrules/";
inline constexpr std::string_view kSqlVirtualNetworkRules = "/virtualnetworkrules/";
inline constexpr std::string_view kSqlConnectionPolicies = "/connectionpolicies/";
inline constexpr std::string_view kBlobServices = "/blobservices/";
inline constexpr std::string_view kWebSiteConfig = "/config/";
inline constexpr std::string_view kRuleCollectionGroups = "/rulecollectiongroups/";
inline constexpr std::string_view kRuleGroups = "/rulegroups/";
inline constexpr std::string_view kExtensions = "/extensions/";

// The spelling used when an inline child without an id gets one composed from its parent's.
inline constexpr std::string_view kSubnetsAsWritten = "/subnets/";
inline constexpr std::string_view kPeeringsAsWritten = "/virtualNetworkPeerings/";
inline constexpr std::string_view kSecurityRulesAsWritten = "/securityRules/";
inline constexpr std::string_view kDefaultSecurityRulesAsWritten = "/defaultSecurityRules/";
inline constexpr std::string_view kRoutesAsWritten = "/routes/";
inline constexpr std::string_view kIpConfigurationsAsWritten = "/ipConfigurations/";
inline constexpr std::string_view kLbFrontendsAsWritten = "/frontendIPConfigurations/";
inline constexpr std::string_view kLbBackendAddressPoolsAsWritten = "/backendAddressPools/";
inline constexpr std::string_view kLbRulesAsWritten = "/loadBalancingRules/";
inline constexpr std::string_view kLbInboundNatRulesAsWritten = "/inboundNatRules/";
inline constexpr std::string_view kLbInboundNatPoolsAsWritten = "/inboundNatPools/";
inline constexpr std::string_view kNicConfigurationsAsWritten = "/networkInterfaceConfigurations/";
inline constexpr std::string_view kHubConnections = "/hubvirtualnetworkconnections/";
inline constexpr std::string_view kHubRoutingIntents = "/routingintent/";
inline constexpr std::string_view kHubRouteTables = "/hubroutetables/";
inline constexpr std::string_view kHubConnectionsAsWritten = "/hubVirtualNetworkConnections/";
inline constexpr std::string_view kNetworkGroups = "/networkgroups/";
inline constexpr std::string_view kNetworkGroupStaticMembers = "/staticmembers/";
inline constexpr std::string_view kSecurityAdminConfigurations = "/securityadminconfigurations/";
inline constexpr std::string_view kAdminRuleCollections = "/rulecollections/";
inline constexpr std::string_view kAdminRules = "/rules/";
inline constexpr std::string_view kPeConnectionsAsWritten = "/privateLinkServiceConnections/";
inline constexpr std::string_view kManualPeConnectionsAsWritten = "/manualPrivateLinkServiceConnections/";
inline constexpr std::string_view kFirewallIpConfigurationsAsWritten = "/azureFirewallIpConfigurations/";
inline constexpr std::string_view kRuleCollectionGroupsAsWritten = "/ruleCollectionGroups/";
inline constexpr std::string_view kRuleGroupsAsWritten = "/ruleGroups/";

inline constexpr std::string_view kBastionIpConfigurationsAsWritten = "/bastionHostIpConfigurations/";
inline constexpr std::string_view kAgGatewayIpConfigurationsAsWritten = "/gatewayIPConfigurations/";
inline constexpr std::string_view kAgFrontendsAsWritten = "/frontendIPConfigurations/";
inline constexpr std::string_view kAgFrontendPortsAsWritten = "/frontendPorts/";
inline constexpr std::string_view kAgListenersAsWritten = "/httpListeners/";
inline constexpr std::string_view kAgBackendPoolsAsWritten = "/backendAddressPools/";
inline constexpr std::string_view kAgBackendSettingsAsWritten = "/backendHttpSettingsCollection/";
inline constexpr std::string_view kAgUrlPathMapsAsWritten = "/urlPathMaps/";
inline constexpr std::string_view kAgPathRulesAsWritten = "/pathRules/";
inline constexpr std::string_view kAgRoutingRulesAsWritten = "/requestRoutingRules/";
}  // namespace exposim::importers::azure::segments
