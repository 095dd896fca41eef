// The resource kinds of the model, in one table: everything per kind in model/ (the ResourceKind enum and its names,
// the Model's containers, lookups, duplicate removal, graph vertices) is derived from it. Adding a kind is adding a
// row here (and its type in its family header).
#pragma once

// X(Enum, "output-name", member, Type, "noun")
// - Enum: ResourceKind::k<Enum>.
// - "output-name": to_string(ResourceKind), the stable name printed in every output.
// - member: the Model's std::vector<Type> of that kind.
// - Type: the resource's C++ type (declared in its family header, model/<family>.h).
// - "noun": how messages name one resource of that kind ("network interface").
// Rows are in the order of the enum, of the Model's containers and of the graph's vertices (outputs depend on it).
// The internet (ResourceKind::kInternet, vertex 0 of the graph) is not a resource and has no row.
#define EXPOSIM_RESOURCE_KINDS(X)                                                                                  \
  X(VirtualNetwork, "virtual-network", vnets, VirtualNetwork, "virtual network")                                   \
  X(Subnet, "subnet", subnets, Subnet, "subnet")                                                                   \
  X(NetworkSecurityGroup, "network-security-group", nsgs, NetworkSecurityGroup, "network security group")          \
  X(ApplicationSecurityGroup, "application-security-group", asgs, ApplicationSecurityGroup,                        \
    "application security group")                                                                                  \
  X(RouteTable, "route-table", route_tables, RouteTable, "route table")                                            \
  X(NetworkInterface, "network-interface", nics, NetworkInterface, "network interface")                            \
  X(PublicIp, "public-ip", public_ips, PublicIp, "public IP address")                                              \
  X(VirtualMachine, "virtual-machine", vms, VirtualMachine, "virtual machine")                                     \
  X(LoadBalancer, "load-balancer", load_balancers, LoadBalancer, "load balancer")                                  \
  X(IpGroup, "ip-group", ip_groups, IpGroup, "IP group")                                                           \
  X(FirewallPolicy, "firewall-policy", firewall_policies, FirewallPolicy, "firewall policy")                       \
  X(Firewall, "firewall", firewalls, Firewall, "firewall")                                                         \
  X(BastionHost, "bastion-host", bastion_hosts, BastionHost, "Bastion host")                                       \
  X(ApplicationGateway, "application-gateway", application_gateways, ApplicationGateway, "application gateway")    \
  X(PaasService, "paas-service", paas_services, PaasService, "PaaS service")                                       \
  X(PrivateEndpoint, "private-endpoint", private_endpoints, PrivateEndpoint, "private endpoint")                   \
  X(ScaleSet, "scale-set", scale_sets, ScaleSet, "scale set")                                                      \
  X(VirtualWan, "virtual-wan", virtual_wans, VirtualWan, "virtual WAN")                                            \
  X(VirtualHub, "virtual-hub", virtual_hubs, VirtualHub, "virtual hub")                                            \
  X(HubConnection, "hub-connection", hub_connections, HubConnection, "hub virtual network connection")             \
  X(HubRoutingIntent, "hub-routing-intent", hub_routing_intents, HubRoutingIntent, "routing intent")               \
  X(HubRouteTable, "hub-route-table", hub_route_tables, HubRouteTable, "hub route table")                          \
  X(JitPolicy, "jit-policy", jit_policies, JitPolicy, "just-in-time access policy")                                \
  X(DefenderPlan, "defender-plan", defender_plans, DefenderPlan, "Defender for Cloud plan")                        \
  X(NetworkManager, "network-manager", network_managers, NetworkManager, "network manager")                        \
  X(NetworkGroup, "network-group", network_groups, NetworkGroup, "network group")                                  \
  X(NetworkGroupMember, "network-group-member", network_group_members, NetworkGroupMember, "network group member") \
  X(SecurityAdminConfiguration, "security-admin-configuration", security_admin_configurations,                     \
    SecurityAdminConfiguration, "security admin configuration")                                                    \
  X(AdminRuleCollection, "admin-rule-collection", admin_rule_collections, AdminRuleCollection,                     \
    "admin rule collection")                                                                                       \
  X(AdminRule, "admin-rule", admin_rules, AdminRule, "security admin rule")                                        \
  X(AdminDeployment, "admin-deployment", admin_deployments, AdminDeployment, "network manager deployment")         \
  X(NatGateway, "nat-gateway", nat_gateways, NatGateway, "NAT gateway")                                            \
  X(PublicIpPrefix, "public-ip-prefix", public_ip_prefixes, PublicIpPrefix, "public IP prefix")
