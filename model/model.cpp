// Names of model enums, canonical ids and lookups on the Model.
#include "model/model.h"

#include "model/ascii.h"

namespace exposim::model {

const char* to_string(Protocol p) {
  switch (p) {
    case Protocol::kTcp: return "tcp";
    case Protocol::kUdp: return "udp";
    case Protocol::kIcmp: return "icmp";
    case Protocol::kEsp: return "esp";
    case Protocol::kAh: return "ah";
  }
  return "?";
}

const char* to_string(NextHopType t) {
  switch (t) {
    case NextHopType::kVirtualNetworkGateway: return "VirtualNetworkGateway";
    case NextHopType::kVnetLocal: return "VnetLocal";
    case NextHopType::kInternet: return "Internet";
    case NextHopType::kVirtualAppliance: return "VirtualAppliance";
    case NextHopType::kNone: return "None";
    case NextHopType::kVnetPeering: return "VNetPeering";
  }
  return "?";
}

const char* to_string(ThreatIntelMode m) {
  switch (m) {
    case ThreatIntelMode::kAlert: return "Alert";
    case ThreatIntelMode::kDeny: return "Deny";
    case ThreatIntelMode::kOff: return "Off";
  }
  return "?";
}

const char* to_string(FirewallRuleKind k) {
  switch (k) {
    case FirewallRuleKind::kNat: return "dnat";
    case FirewallRuleKind::kNetwork: return "network";
    case FirewallRuleKind::kApplication: return "application";
  }
  return "?";
}

const char* to_string(FirewallAction a) {
  switch (a) {
    case FirewallAction::kDnat: return "DNAT";
    case FirewallAction::kAllow: return "Allow";
    case FirewallAction::kDeny: return "Deny";
  }
  return "?";
}

const char* to_string(Sku s) { return s == Sku::kBasic ? "Basic" : "Standard"; }

const char* to_string(ResourceKind k) {
  switch (k) {
    case ResourceKind::kInternet: return "internet";
    case ResourceKind::kVirtualNetwork: return "virtual-network";
    case ResourceKind::kSubnet: return "subnet";
    case ResourceKind::kNetworkSecurityGroup: return "network-security-group";
    case ResourceKind::kApplicationSecurityGroup: return "application-security-group";
    case ResourceKind::kRouteTable: return "route-table";
    case ResourceKind::kNetworkInterface: return "network-interface";
    case ResourceKind::kPublicIp: return "public-ip";
    case ResourceKind::kVirtualMachine: return "virtual-machine";
    case ResourceKind::kLoadBalancer: return "load-balancer";
    case ResourceKind::kIpGroup: return "ip-group";
    case ResourceKind::kFirewallPolicy: return "firewall-policy";
    case ResourceKind::kFirewall: return "firewall";
    case ResourceKind::kBastionHost: return "bastion-host";
    case ResourceKind::kApplicationGateway: return "application-gateway";
    case ResourceKind::kPaasService: return "paas-service";
    case ResourceKind::kPrivateEndpoint: return "private-endpoint";
    case ResourceKind::kScaleSet: return "scale-set";
    case ResourceKind::kVirtualWan: return "virtual-wan";
    case ResourceKind::kVirtualHub: return "virtual-hub";
    case ResourceKind::kHubConnection: return "hub-connection";
    case ResourceKind::kHubRoutingIntent: return "hub-routing-intent";
    case ResourceKind::kHubRouteTable: return "hub-route-table";
  }
  return "?";
}

const char* to_string(EdgeKind k) {
  switch (k) {
    case EdgeKind::kContains: return "contains";
    case EdgeKind::kAttachedTo: return "attached-to";
    case EdgeKind::kSecuredBy: return "secured-by";
    case EdgeKind::kRoutedBy: return "routed-by";
    case EdgeKind::kPeeredWith: return "peered-with";
    case EdgeKind::kMemberOf: return "member-of";
    case EdgeKind::kReaches: return "reaches";
    case EdgeKind::kBalancesTo: return "balances-to";
    case EdgeKind::kConnectedTo: return "connected-to";
  }
  return "?";
}

std::string security_rule_id(const NetworkSecurityGroup& nsg, const SecurityRule& rule) {
  if (!rule.id.empty()) return rule.id;
  return nsg.id + (rule.is_default ? "/defaultSecurityRules/" : "/securityRules/") + rule.name;
}

std::string ip_configuration_id(const NetworkInterface& nic, const IpConfiguration& cfg) {
  return cfg.id.empty() ? nic.id + "/ipConfigurations/" + cfg.name : cfg.id;
}

void drop_derivable_id(const NetworkInterface& nic, IpConfiguration& cfg) {
  if (cfg.id.empty() || nic.id.empty()) return;
  std::string written = std::move(cfg.id);
  cfg.id = std::string();
  if (ip_configuration_id(nic, cfg) != written) cfg.id = std::move(written);  // not derivable: kept
}

std::string canonical_id(std::string_view id) {
  std::string out = ascii::lower(id);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

Model::Model(const Model& o)
    : vnets(o.vnets),
      subnets(o.subnets),
      nsgs(o.nsgs),
      asgs(o.asgs),
      route_tables(o.route_tables),
      nics(o.nics),
      public_ips(o.public_ips),
      vms(o.vms),
      load_balancers(o.load_balancers),
      ip_groups(o.ip_groups),
      firewall_policies(o.firewall_policies),
      firewalls(o.firewalls),
      bastion_hosts(o.bastion_hosts),
      application_gateways(o.application_gateways),
      paas_services(o.paas_services),
      private_endpoints(o.private_endpoints),
      scale_sets(o.scale_sets),
      virtual_wans(o.virtual_wans),
      virtual_hubs(o.virtual_hubs),
      hub_connections(o.hub_connections),
      hub_routing_intents(o.hub_routing_intents),
      hub_route_tables(o.hub_route_tables),
      graph(o.graph) {
  // The index must view this copy's strings, not the original's.
  for (const auto& [key, v] : o.by_key) {
    const ResourceBase* r = resource(graph[v]);
    if (r != nullptr) by_key.emplace(r->key, v);
  }
}

Model& Model::operator=(const Model& o) {
  if (this != &o) {
    Model copy(o);
    *this = std::move(copy);
  }
  return *this;
}

std::optional<GraphVertex> Model::find(std::string_view key) const {
  auto it = by_key.find(key);
  if (it == by_key.end()) return std::nullopt;
  return graph[it->second];
}

const ResourceBase* Model::resource(const GraphVertex& v) const {
  switch (v.kind) {
    case ResourceKind::kInternet: return nullptr;
    case ResourceKind::kVirtualNetwork: return &vnets.at(v.index);
    case ResourceKind::kSubnet: return &subnets.at(v.index);
    case ResourceKind::kNetworkSecurityGroup: return &nsgs.at(v.index);
    case ResourceKind::kApplicationSecurityGroup: return &asgs.at(v.index);
    case ResourceKind::kRouteTable: return &route_tables.at(v.index);
    case ResourceKind::kNetworkInterface: return &nics.at(v.index);
    case ResourceKind::kPublicIp: return &public_ips.at(v.index);
    case ResourceKind::kVirtualMachine: return &vms.at(v.index);
    case ResourceKind::kLoadBalancer: return &load_balancers.at(v.index);
    case ResourceKind::kIpGroup: return &ip_groups.at(v.index);
    case ResourceKind::kFirewallPolicy: return &firewall_policies.at(v.index);
    case ResourceKind::kFirewall: return &firewalls.at(v.index);
    case ResourceKind::kBastionHost: return &bastion_hosts.at(v.index);
    case ResourceKind::kApplicationGateway: return &application_gateways.at(v.index);
    case ResourceKind::kPaasService: return &paas_services.at(v.index);
    case ResourceKind::kPrivateEndpoint: return &private_endpoints.at(v.index);
    case ResourceKind::kScaleSet: return &scale_sets.at(v.index);
    case ResourceKind::kVirtualWan: return &virtual_wans.at(v.index);
    case ResourceKind::kVirtualHub: return &virtual_hubs.at(v.index);
    case ResourceKind::kHubConnection: return &hub_connections.at(v.index);
    case ResourceKind::kHubRoutingIntent: return &hub_routing_intents.at(v.index);
    case ResourceKind::kHubRouteTable: return &hub_route_tables.at(v.index);
  }
  return nullptr;
}

}  // namespace exposim::model
