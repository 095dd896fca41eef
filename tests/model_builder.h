// Test-only helpers that build small models in code, so scenario tests read like topology diagrams.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "model/model.h"
#include "model/validate.h"

namespace exposim::testing {

inline std::string rid(const std::string& type, const std::string& name) {
  return "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/" + type + "/" + name;
}

inline model::IpPrefix prefix(const std::string& text) { return *model::IpPrefix::parse(text); }

/// Parses one address-side token the way the importer does for the tags the tests use.
inline void add_address(model::AddressMatch& m, const std::string& token) {
  using model::ServiceTag;
  if (token == "*")
    m.any = true;
  else if (token == "Internet")
    m.tags.push_back(ServiceTag::kInternet);
  else if (token == "VirtualNetwork")
    m.tags.push_back(ServiceTag::kVirtualNetwork);
  else if (token == "AzureLoadBalancer")
    m.tags.push_back(ServiceTag::kAzureLoadBalancer);
  else if (token.rfind("asg:", 0) == 0)
    m.asgs.push_back(
        model::Ref{model::canonical_id(rid("Microsoft.Network/applicationSecurityGroups", token.substr(4))), -1});
  else if (token.find('.') != std::string::npos || token.find(':') != std::string::npos)
    m.prefixes.push_back(prefix(token));
  else
    m.other_tags.push_back(token);
}

inline model::PortSet ports(const std::vector<std::string>& texts) {
  model::PortSet s;
  for (const auto& t : texts) {
    if (t == "*") return model::PortSet::all();
    auto r = model::parse_port_range(t);
    s.add(r->lo, r->hi);
  }
  return s;
}

struct RuleSpec {
  std::string name;
  int priority;
  model::Access access;
  model::ProtocolMask protocols;
  std::vector<std::string> sources;
  std::vector<std::string> destination_ports;
  std::vector<std::string> destinations = {"*"};
  std::vector<std::string> source_ports = {"*"};
};

inline model::ProtocolMask tcp() { return model::bit(model::Protocol::kTcp); }
inline model::ProtocolMask udp() { return model::bit(model::Protocol::kUdp); }
inline model::ProtocolMask icmp() { return model::bit(model::Protocol::kIcmp); }
inline model::ProtocolMask any_protocol() { return model::kAllProtocols; }
inline constexpr model::Access kAllow = model::Access::kAllow;
inline constexpr model::Access kDeny = model::Access::kDeny;

/// Builds an estate step by step; names are unique per kind; `done()` validates it.
class EstateBuilder {
 public:
  model::Model m;

  EstateBuilder& vnet(const std::string& name, std::vector<std::string> space) {
    model::VirtualNetwork v;
    v.id = rid("Microsoft.Network/virtualNetworks", name);
    v.key = model::canonical_id(v.id);
    v.name = name;
    for (const auto& s : space) v.address_space.push_back(prefix(s));
    m.vnets.push_back(v);
    return *this;
  }

  EstateBuilder& subnet(const std::string& vnet, const std::string& name, const std::string& cidr,
                        const std::string& nsg = "", const std::string& route_table = "") {
    model::Subnet s;
    s.id = rid("Microsoft.Network/virtualNetworks", vnet) + "/subnets/" + name;
    s.key = model::canonical_id(s.id);
    s.name = name;
    s.vnet.id = model::canonical_id(rid("Microsoft.Network/virtualNetworks", vnet));
    s.prefixes.push_back(prefix(cidr));
    if (!nsg.empty()) s.nsg.id = model::canonical_id(rid("Microsoft.Network/networkSecurityGroups", nsg));
    if (!route_table.empty()) s.route_table.id = model::canonical_id(rid("Microsoft.Network/routeTables", route_table));
    m.subnets.push_back(s);
    return *this;
  }

  EstateBuilder& nsg(const std::string& name, const std::vector<RuleSpec>& rules) {
    model::NetworkSecurityGroup g;
    g.id = rid("Microsoft.Network/networkSecurityGroups", name);
    g.key = model::canonical_id(g.id);
    g.name = name;
    for (const auto& spec : rules) {
      model::SecurityRule r;
      r.name = spec.name;
      r.id = g.id + "/securityRules/" + spec.name;
      r.priority = spec.priority;
      r.direction = model::Direction::kInbound;
      r.access = spec.access;
      r.protocols = spec.protocols;
      for (const auto& s : spec.sources) add_address(r.source, s);
      for (const auto& d : spec.destinations) add_address(r.destination, d);
      r.source_ports = ports(spec.source_ports);
      r.destination_ports = ports(spec.destination_ports);
      r.is_jit = spec.name.rfind("SecurityCenter-JITRule", 0) == 0;
      g.rules.push_back(r);
    }
    m.nsgs.push_back(g);
    return *this;
  }

  EstateBuilder& asg(const std::string& name) {
    model::ApplicationSecurityGroup a;
    a.id = rid("Microsoft.Network/applicationSecurityGroups", name);
    a.key = model::canonical_id(a.id);
    a.name = name;
    m.asgs.push_back(a);
    return *this;
  }

  /// A route table with one route.
  EstateBuilder& route_table(const std::string& name, const std::string& prefix_text, model::NextHopType hop) {
    add_route_table(name);
    return route(name, prefix_text, hop);
  }

  /// Adds a route to an existing route table.
  EstateBuilder& route(const std::string& table, const std::string& prefix_text, model::NextHopType hop) {
    for (auto& rt : m.route_tables) {
      if (rt.name != table) continue;
      model::Route r;
      r.name = "route-" + prefix_text;
      r.prefix = prefix(prefix_text);
      r.prefix_text = prefix_text;
      r.next_hop = hop;
      rt.routes.push_back(r);
    }
    return *this;
  }

  /// Adds a route to a virtual appliance at `ip` to an existing route table (created when absent).
  EstateBuilder& route_to_appliance(const std::string& table, const std::string& prefix_text, const std::string& ip) {
    bool found = false;
    for (const auto& rt : m.route_tables) found = found || rt.name == table;
    if (!found) add_route_table(table);
    route(table, prefix_text, model::NextHopType::kVirtualAppliance);
    for (auto& rt : m.route_tables) {
      if (rt.name == table) rt.routes.back().next_hop_ip = model::IpAddress::parse(ip);
    }
    return *this;
  }

  struct PeeringSpec {
    bool connected{true};
    bool access{true};
    bool forwarded{false};
  };
  /// One side of a peering: `from`'s peering to `to` (named "<from>-to-<to>").
  EstateBuilder& peering(const std::string& from, const std::string& to, PeeringSpec spec) {
    model::Peering p;
    p.name = from + "-to-" + to;
    p.remote_vnet.id = model::canonical_id(rid("Microsoft.Network/virtualNetworks", to));
    for (const auto& v : m.vnets) {
      if (v.name == to) p.remote_address_space = v.address_space;
    }
    p.connected = spec.connected;
    p.allow_virtual_network_access = spec.access;
    p.allow_forwarded_traffic = spec.forwarded;
    for (auto& v : m.vnets) {
      if (v.name == from) v.peerings.push_back(p);
    }
    return *this;
  }
  /// Both sides of a peering with the same settings.
  EstateBuilder& peer(const std::string& a, const std::string& b, PeeringSpec spec) {
    return peering(a, b, spec).peering(b, a, spec);
  }
  EstateBuilder& peer(const std::string& a, const std::string& b) { return peer(a, b, PeeringSpec{}); }

  EstateBuilder& public_ip(const std::string& name, const std::string& address, model::Sku sku) {
    model::PublicIp p;
    p.id = rid("Microsoft.Network/publicIPAddresses", name);
    p.key = model::canonical_id(p.id);
    p.name = name;
    p.sku = sku;
    p.address = model::IpAddress::parse(address);
    p.family = p.address->family();
    m.public_ips.push_back(p);
    return *this;
  }

  /// A VM with one NIC "<vm>-nic" holding one ip configuration.
  EstateBuilder& vm(const std::string& name, const std::string& vnet, const std::string& subnet, const std::string& ip,
                    const std::string& pip = "", const std::string& nic_nsg = "", std::vector<std::string> asgs = {}) {
    model::NetworkInterface nic;
    nic.name = name + "-nic";
    nic.id = rid("Microsoft.Network/networkInterfaces", nic.name);
    nic.key = model::canonical_id(nic.id);
    if (!nic_nsg.empty()) nic.nsg.id = model::canonical_id(rid("Microsoft.Network/networkSecurityGroups", nic_nsg));
    model::IpConfiguration cfg;
    cfg.name = "ipconfig1";
    cfg.id = nic.id + "/ipConfigurations/ipconfig1";
    cfg.key = model::canonical_id(cfg.id);
    cfg.private_ip = model::IpAddress::parse(ip);
    cfg.family = cfg.private_ip->family();
    cfg.primary = true;
    cfg.subnet.id = model::canonical_id(rid("Microsoft.Network/virtualNetworks", vnet) + "/subnets/" + subnet);
    if (!pip.empty()) cfg.public_ip.id = model::canonical_id(rid("Microsoft.Network/publicIPAddresses", pip));
    for (const auto& a : asgs)
      cfg.asgs.push_back(model::Ref{model::canonical_id(rid("Microsoft.Network/applicationSecurityGroups", a)), -1});
    nic.ip_configurations.push_back(cfg);
    model::VirtualMachine v;
    v.name = name;
    v.id = rid("Microsoft.Compute/virtualMachines", name);
    v.key = model::canonical_id(v.id);
    v.network_interfaces.push_back(model::Ref{nic.key, -1});
    m.nics.push_back(nic);
    m.vms.push_back(v);
    return *this;
  }

  /// A load balancer with one frontend "fe" (public when `pip` is given, else internal at 10.0.0.100 in
  /// `internal_subnet`) and one backend pool "pool".
  EstateBuilder& load_balancer(const std::string& name, model::Sku sku, const std::string& pip,
                               const std::string& internal_subnet = "") {
    model::LoadBalancer lb;
    lb.id = rid("Microsoft.Network/loadBalancers", name);
    lb.key = model::canonical_id(lb.id);
    lb.name = name;
    lb.sku = sku;
    model::LbFrontend fe;
    fe.name = "fe";
    fe.id = lb.id + "/frontendIPConfigurations/fe";
    fe.key = model::canonical_id(fe.id);
    if (!pip.empty()) {
      fe.public_ip.id = model::canonical_id(rid("Microsoft.Network/publicIPAddresses", pip));
    } else {
      fe.private_ip = model::IpAddress::parse("10.0.0.100");
      fe.subnet.id = model::canonical_id(internal_subnet);
    }
    lb.frontends.push_back(fe);
    model::LbBackendPool pool;
    pool.name = "pool";
    pool.id = lb.id + "/backendAddressPools/pool";
    pool.key = model::canonical_id(pool.id);
    lb.backend_pools.push_back(pool);
    m.load_balancers.push_back(lb);
    return *this;
  }

  model::LoadBalancer& lb_named(const std::string& name) {
    for (auto& lb : m.load_balancers) {
      if (lb.name == name) return lb;
    }
    throw std::runtime_error("no load balancer " + name);
  }

  model::IpConfiguration& config_of(const std::string& vm_name) {
    for (auto& nic : m.nics) {
      if (nic.name == vm_name + "-nic") return nic.ip_configurations.front();
    }
    throw std::runtime_error("no VM " + vm_name);
  }

  /// A load-balancing rule from frontend "fe" to pool "pool".
  EstateBuilder& lb_rule(const std::string& lb_name, const std::string& name, model::ProtocolMask protocols,
                         std::uint16_t frontend_port, std::uint16_t backend_port, bool floating_ip = false) {
    auto& lb = lb_named(lb_name);
    model::LbRule r;
    r.name = name;
    r.id = lb.id + "/loadBalancingRules/" + name;
    r.frontend.id = lb.frontends.front().key;
    r.backend_pools.push_back(model::Ref{lb.backend_pools.front().key, -1});
    r.protocols = protocols;
    r.frontend_port = frontend_port;
    r.backend_port = backend_port;
    r.enable_floating_ip = floating_ip;
    lb.rules.push_back(r);
    return *this;
  }

  /// An inbound NAT rule on frontend "fe", listed by the ip configuration of `target_vm` (classic form).
  EstateBuilder& lb_nat_rule(const std::string& lb_name, const std::string& name, model::ProtocolMask protocols,
                             std::uint16_t frontend_port, std::uint16_t backend_port, const std::string& target_vm) {
    auto& r = add_nat_rule(lb_name, name, protocols, backend_port);
    r.frontend_port = frontend_port;
    config_of(target_vm).lb_inbound_nat_rules.push_back(model::Ref{r.key, -1});
    return *this;
  }

  /// An inbound NAT rule of the v2 form: frontend ports start..end over the members of pool "pool".
  EstateBuilder& lb_nat_range(const std::string& lb_name, const std::string& name, model::ProtocolMask protocols,
                              std::uint16_t start, std::uint16_t end, std::uint16_t backend_port) {
    auto& r = add_nat_rule(lb_name, name, protocols, backend_port);
    r.frontend_port_range_start = start;
    r.frontend_port_range_end = end;
    r.backend_pool.id = lb_named(lb_name).backend_pools.front().key;
    return *this;
  }

  /// Puts the ip configuration of `vm_name` into pool "pool" of the load balancer.
  EstateBuilder& lb_member(const std::string& lb_name, const std::string& vm_name) {
    config_of(vm_name).lb_backend_pools.push_back(model::Ref{lb_named(lb_name).backend_pools.front().key, -1});
    return *this;
  }

  /// A security admin rule (Azure Virtual Network Manager) applied to virtual network `vnet` and deployed there:
  /// network manager "nm", network group "g-<vnet>" with `vnet` as its static member, configuration "cfg", rule
  /// collection "rc-<vnet>", and a Deployed commit of "cfg" to region "westeurope" (given to `vnet` when it has
  /// none). Sources and destinations as for NSG rules (`add_address`).
  EstateBuilder& admin_rule(const std::string& vnet, const std::string& name, int priority, model::AdminAccess access,
                            model::Direction direction, model::ProtocolMask protocols,
                            const std::vector<std::string>& sources, const std::vector<std::string>& destinations,
                            const std::vector<std::string>& destination_ports) {
    const std::string nm = rid("Microsoft.Network/networkManagers", "nm");
    const std::string config = nm + "/securityAdminConfigurations/cfg";
    const std::string group = nm + "/networkGroups/g-" + vnet;
    const std::string collection = config + "/ruleCollections/rc-" + vnet;
    const auto named = [](const auto& list, const std::string& id) {
      for (const auto& r : list) {
        if (r.key == model::canonical_id(id)) return true;
      }
      return false;
    };
    if (!named(m.network_managers, nm)) {
      model::NetworkManager x;
      x.id = nm;
      x.key = model::canonical_id(nm);
      x.name = "nm";
      m.network_managers.push_back(x);
      model::SecurityAdminConfiguration c;
      c.id = config;
      c.key = model::canonical_id(config);
      c.name = "cfg";
      c.network_manager.id = x.key;
      m.security_admin_configurations.push_back(c);
      model::AdminDeployment d;
      d.id = nm + "/commit/westeurope";
      d.key = model::canonical_id(d.id);
      d.name = "westeurope";
      d.region = "westeurope";
      d.deployed = true;
      d.configurations.push_back(model::Ref{c.key, -1});
      m.admin_deployments.push_back(d);
    }
    if (!named(m.network_groups, group)) {
      for (auto& v : m.vnets) {
        if (v.name == vnet && v.location.empty()) v.location = "westeurope";
      }
      model::NetworkGroup g;
      g.id = group;
      g.key = model::canonical_id(group);
      g.name = "g-" + vnet;
      g.network_manager.id = model::canonical_id(nm);
      g.member_type = "VirtualNetwork";
      m.network_groups.push_back(g);
      model::NetworkGroupMember member;
      member.id = group + "/staticMembers/" + vnet;
      member.key = model::canonical_id(member.id);
      member.name = vnet;
      member.group.id = g.key;
      member.vnet.id = model::canonical_id(rid("Microsoft.Network/virtualNetworks", vnet));
      m.network_group_members.push_back(member);
      model::AdminRuleCollection rc;
      rc.id = collection;
      rc.key = model::canonical_id(collection);
      rc.name = "rc-" + vnet;
      rc.configuration.id = model::canonical_id(config);
      rc.applies_to_groups.push_back(model::Ref{g.key, -1});
      m.admin_rule_collections.push_back(rc);
    }
    model::AdminRule a;
    a.id = collection + "/rules/" + name;
    a.key = model::canonical_id(a.id);
    a.name = name;
    a.collection.id = model::canonical_id(collection);
    a.access = access;
    a.rule.name = name;
    a.rule.id = a.id;
    a.rule.priority = priority;
    a.rule.direction = direction;
    a.rule.access = access == model::AdminAccess::kDeny ? model::Access::kDeny : model::Access::kAllow;
    a.rule.protocols = protocols;
    for (const auto& x : sources) add_address(a.rule.source, x);
    for (const auto& x : destinations) add_address(a.rule.destination, x);
    a.rule.source_ports = model::PortSet::all();
    a.rule.destination_ports = ports(destination_ports);
    m.admin_rules.push_back(a);
    return *this;
  }

  model::Model done(model::Diagnostics* diags_out = nullptr) {
    model::Diagnostics diags;
    model::validate(m, diags);
    if (diags_out) *diags_out = diags;
    return m;
  }

 private:
  /// An empty route table.
  void add_route_table(const std::string& name) {
    model::RouteTable rt;
    rt.id = rid("Microsoft.Network/routeTables", name);
    rt.key = model::canonical_id(rt.id);
    rt.name = name;
    m.route_tables.push_back(rt);
  }

  /// An inbound NAT rule on frontend "fe" of `lb_name`, without its frontend ports and targets.
  model::LbNatRule& add_nat_rule(const std::string& lb_name, const std::string& name, model::ProtocolMask protocols,
                                 std::uint16_t backend_port) {
    auto& lb = lb_named(lb_name);
    model::LbNatRule r;
    r.name = name;
    r.id = lb.id + "/inboundNatRules/" + name;
    r.key = model::canonical_id(r.id);
    r.frontend.id = lb.frontends.front().key;
    r.protocols = protocols;
    r.backend_port = backend_port;
    lb.nat_rules.push_back(r);
    return lb.nat_rules.back();
  }
};

}  // namespace exposim::testing
