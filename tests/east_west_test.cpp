// East-west reachability (solver/east_west.h, docs/model.md "East-west reachability"): scenario tests worked out by
// hand, each on a small estate built in code.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "model/model.h"
#include "solver/east_west.h"
#include "solver/explain.h"
#include "solver/firewall.h"
#include "tests/model_builder.h"

using namespace exposim;
using namespace exposim::testing;
using solver::HopKind;
using solver::ReachSource;

namespace {

/// Makes every rule of NSG `nsg` whose name starts with "out-" an outbound rule (the builder writes inbound ones).
void make_outbound(EstateBuilder& b, const std::string& nsg) {
  for (auto& g : b.m.nsgs) {
    if (g.name != nsg) continue;
    for (auto& r : g.rules) {
      if (r.name.rfind("out-", 0) == 0) r.direction = model::Direction::kOutbound;
    }
  }
}

int nic_of(const model::Model& m, const std::string& vm) {
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    if (m.nics[n].name == vm + "-nic") return static_cast<int>(n);
  }
  FAIL("no NIC for " << vm);
  return -1;
}

int subnet_of(const model::Model& m, const std::string& name) {
  for (std::size_t s = 0; s < m.subnets.size(); ++s) {
    if (m.subnets[s].name == name) return static_cast<int>(s);
  }
  FAIL("no subnet " << name);
  return -1;
}

ReachSource from_vm(const model::Model& m, const std::string& vm) {
  ReachSource s;
  s.kind = ReachSource::Kind::kIpConfiguration;
  s.ip_configuration = model::IpConfigIndex{nic_of(m, vm), 0};
  return s;
}

/// Private endpoint `name` at `ip` in subnet `subnet` of VNet `vnet`.
void add_endpoint(EstateBuilder& b, const std::string& name, const std::string& vnet, const std::string& subnet,
                  const std::string& ip) {
  model::PrivateEndpoint pe;
  pe.name = name;
  pe.id = rid("Microsoft.Network/privateEndpoints", name);
  pe.key = model::canonical_id(pe.id);
  pe.subnet.id = model::canonical_id(rid("Microsoft.Network/virtualNetworks", vnet) + "/subnets/" + subnet);
  pe.private_ips.push_back(*model::IpAddress::parse(ip));
  b.m.private_endpoints.push_back(pe);
}

/// A hop, briefly: the NSG rule, route, firewall rule or admin rule that decided it.
std::string ew_hop_text(const model::Model& m, const solver::Hop& h) {
  switch (h.kind) {
    case HopKind::kSource:
      return h.resource_kind == model::ResourceKind::kNetworkInterface
                 ? "from:" + m.nics[h.resource].name
                 : "from:" + (h.resource >= 0 ? m.subnets[h.resource].name : std::string("?"));
    case HopKind::kNsg: {
      std::string s = std::string("nsg(") + h.scope + "):";
      if (h.resource < 0) return s + "missing";
      return s + m.nsgs[h.resource].name + "/" + (h.rule >= 0 ? m.nsgs[h.resource].rules[h.rule].name : "?");
    }
    case HopKind::kNoNsg: return std::string("no-nsg(") + h.scope + ")";
    case HopKind::kRoute: {
      const std::string what = h.resource >= 0 ? m.route_tables[h.resource].routes[h.rule].name : h.note;
      return std::string("route(") + h.scope + "):" + what;
    }
    case HopKind::kFirewall: {
      const auto& fw = m.firewalls[h.resource];
      if (h.rule < 0) return "fw:" + fw.name;
      const auto& at = fw.order[h.rule];
      return std::string("fw(") + h.scope + "):" + fw.classic[at.collection].rules[at.rule].name;
    }
    case HopKind::kAppliance: return "appliance:" + (h.resource >= 0 ? m.nics[h.resource].name : std::string("?"));
    case HopKind::kAdminRule: return "admin:" + std::to_string(h.rule);
    case HopKind::kTarget:
      return h.resource_kind == model::ResourceKind::kPrivateEndpoint ? "to:" + m.private_endpoints[h.resource].name
                                                                      : "to:" + m.nics[h.resource].name;
    default: return "?";
  }
}

/// One flow per line: source NIC -> target, protocol, ports, sources, path.
std::string flow_line(const model::Model& m, const solver::ReachFlow& f) {
  const std::string target =
      f.target_kind == model::ResourceKind::kPrivateEndpoint ? m.private_endpoints[f.target].name : m.nics[f.nic].name;
  std::string s = fmt::format("{} -> {} {} {} from {} |", f.source.nic >= 0 ? m.nics[f.source.nic].name : "-", target,
                              model::to_string(f.protocol), model::to_string(f.ports),
                              fmt::join(model::to_cidr_strings(f.sources), ","));
  for (const auto& h : f.path) s += " " + ew_hop_text(m, h);
  return s;
}

std::vector<std::string> lines(const model::Model& m, const std::vector<solver::ReachFlow>& flows) {
  std::vector<std::string> out;
  for (const auto& f : flows) out.push_back(flow_line(m, f));
  return out;
}

/// The TCP ports that source `vm` reaches at target NIC `target` (its flows' union).
std::string tcp_ports(const model::Model& m, const solver::Reach& r, const std::string& target) {
  model::PortSet ports;
  for (const auto& f : r.flows) {
    if (f.nic >= 0 && m.nics[f.nic].name == target + "-nic" && f.protocol == model::Protocol::kTcp) {
      ports = ports.unite(f.ports);
    }
  }
  return model::to_string(ports);
}

std::set<std::string> targets_reached(const model::Model& m, const solver::Reach& r) {
  std::set<std::string> out;
  for (const auto& f : r.flows) {
    out.insert(f.target_kind == model::ResourceKind::kPrivateEndpoint ? m.private_endpoints[f.target].name
                                                                      : m.nics[f.nic].name);
  }
  return out;
}

/// vnet 10.0.0.0/16: web 10.0.1.0/24 (vm web 10.0.1.4, NIC NSG nsg-web), db 10.0.2.0/24 (vm db 10.0.2.4, NIC NSG
/// nsg-db admitting 22 and 80 from VirtualNetwork, denying the rest).
EstateBuilder one_vnet(bool deny_ssh_out) {
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"})
      .subnet("vnet", "web", "10.0.1.0/24")
      .subnet("vnet", "db", "10.0.2.0/24")
      .nsg("nsg-web", deny_ssh_out ? std::vector<RuleSpec>{{"out-deny-ssh", 100, kDeny, tcp(), {"*"}, {"22"}}}
                                   : std::vector<RuleSpec>{})
      .nsg("nsg-db", {{"allow-ssh", 100, kAllow, tcp(), {"VirtualNetwork"}, {"22"}},
                      {"allow-http", 110, kAllow, tcp(), {"VirtualNetwork"}, {"80"}},
                      {"deny-all", 4000, kDeny, any_protocol(), {"*"}, {"*"}}})
      .vm("web", "vnet", "web", "10.0.1.4", "", "nsg-web")
      .vm("db", "vnet", "db", "10.0.2.4", "", "nsg-db");
  make_outbound(b, "nsg-web");
  return b;
}

}  // namespace

TEST_CASE("east-west: an outbound deny at the source NIC stops that port only", "[solver][east-west]") {
  // web -> db: nsg-web's outbound out-deny-ssh (100) denies TCP 22 to anywhere; the rest of web's packets go out by
  // AllowVnetOutBound (10.0.2.4 is in the VNet), the system route 10.0.0.0/16 -> VnetLocal delivers them, and
  // nsg-db admits TCP 22 and 80 from VirtualNetwork. So web reaches db on TCP 80 only (22 is stopped on the way out).
  auto m = one_vnet(true).done();
  const auto r = solver::reach(m, from_vm(m, "web"));
  CHECK(tcp_ports(m, r, "db") == "80");
  REQUIRE(r.flows.size() == 1);
  CHECK(flow_line(m, r.flows[0]) ==
        "web-nic -> db-nic tcp 80 from 10.0.1.4/32 | from:web-nic nsg(nic-outbound):nsg-web/AllowVnetOutBound "
        "no-nsg(subnet-outbound) route(forward):virtual-network no-nsg(subnet) nsg(nic):nsg-db/allow-http "
        "route(return):virtual-network to:db-nic");
  CHECK(r.broken.empty());
  CHECK(r.source_classes == 1);
  // Without the outbound rule, 22 passes as well (22 and 80 by their own inbound rules).
  auto open = one_vnet(false).done();
  const auto o = solver::reach(open, from_vm(open, "web"));
  CHECK(tcp_ports(open, o, "db") == "22,80");
  // db reaches web on everything: web's NSG has only the default rules, and AllowVnetInBound admits 10.0.2.4.
  const auto back = solver::reach(m, from_vm(m, "db"));
  REQUIRE_FALSE(back.flows.empty());
  CHECK(tcp_ports(m, back, "web") == "0-65535");
}

namespace {

/// Azure Firewall `fw` at 10.0.1.4 in hub's AzureFirewallSubnet, with one network rule collection "net" (Allow,
/// priority 100) holding TCP rule "sql" from `from` to `to` on `port` (none when `rule` is false).
void hub_firewall(EstateBuilder& b, bool rule = true, const std::string& from = "10.1.0.0/16",
                  const std::string& to = "10.2.0.0/16", const std::string& port = "1433") {
  model::Firewall fw;
  fw.name = "fw";
  fw.id = rid("Microsoft.Network/azureFirewalls", "fw");
  fw.key = model::canonical_id(fw.id);
  model::FirewallIpConfiguration ipc;
  ipc.name = "ipc";
  ipc.subnet.id = model::canonical_id(rid("Microsoft.Network/virtualNetworks", "hub") + "/subnets/AzureFirewallSubnet");
  ipc.private_ip = model::IpAddress::parse("10.0.1.4");
  fw.ip_configurations.push_back(ipc);
  model::FirewallRuleCollection c;
  c.name = "net";
  c.priority = 100;
  c.kind = model::FirewallRuleKind::kNetwork;
  c.action = model::FirewallAction::kAllow;
  if (rule) {
    model::FirewallRule r;
    r.name = "sql";
    r.kind = model::FirewallRuleKind::kNetwork;
    r.protocols = tcp();
    r.sources.prefixes.push_back(prefix(from));
    r.destinations.prefixes.push_back(prefix(to));
    r.destination_ports = ports({port});
    c.rules.push_back(r);
  }
  fw.classic.push_back(c);
  b.m.firewalls.push_back(fw);
}

/// Hub 10.0.0.0/16 (AzureFirewallSubnet 10.0.1.0/26, firewall 10.0.1.4) peered with spoke-a 10.1.0.0/16 (vm a
/// 10.1.1.4) and spoke-b 10.2.0.0/16 (vm b 10.2.1.4), both peerings allowing forwarded traffic; no NSG anywhere.
/// `udr_a`: spoke-a's subnet sends 10.2.0.0/16 to the firewall; `udr_b`: spoke-b's sends 10.1.0.0/16 to it;
/// `direct`: the spokes are also peered with each other.
EstateBuilder hub_and_spokes(bool udr_a, bool udr_b, bool direct = false, bool rule = true) {
  EstateBuilder b;
  b.vnet("hub", {"10.0.0.0/16"})
      .vnet("spoke-a", {"10.1.0.0/16"})
      .vnet("spoke-b", {"10.2.0.0/16"})
      .subnet("hub", "AzureFirewallSubnet", "10.0.1.0/26")
      .subnet("spoke-a", "app", "10.1.1.0/24", "", udr_a ? "rt-a" : "")
      .subnet("spoke-b", "db", "10.2.1.0/24", "", udr_b ? "rt-b" : "")
      .peer("hub", "spoke-a", {true, true, true})
      .peer("hub", "spoke-b", {true, true, true})
      .vm("a", "spoke-a", "app", "10.1.1.4")
      .vm("b", "spoke-b", "db", "10.2.1.4");
  if (udr_a) b.route_to_appliance("rt-a", "10.2.0.0/16", "10.0.1.4");
  if (udr_b) b.route_to_appliance("rt-b", "10.1.0.0/16", "10.0.1.4");
  if (direct) b.peer("spoke-a", "spoke-b");
  hub_firewall(b, rule);
  return b;
}

}  // namespace

TEST_CASE("east-west: spoke to spoke through the hub firewall passes its network rule only", "[solver][east-west]") {
  // a (10.1.1.4) -> b (10.2.1.4): rt-a sends 10.2.0.0/16 to the firewall 10.0.1.4 (spoke-a is peered with the hub,
  // where it is); the firewall's network rule sql allows TCP 10.1.0.0/16 -> 10.2.0.0/16 on 1433, and denies the rest
  // by default; the firewall subnet's system peering route delivers to spoke-b, whose peering accepts forwarded
  // traffic; no NSG; b's reply takes rt-b's 10.1.0.0/16 back to the same firewall. So: TCP 1433 only.
  auto m = hub_and_spokes(true, true).done();
  const auto r = solver::reach(m, from_vm(m, "a"));
  REQUIRE(r.flows.size() == 1);
  CHECK(flow_line(m, r.flows[0]) ==
        "a-nic -> b-nic tcp 1433 from 10.1.1.4/32 | from:a-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
        "route(forward):route-10.2.0.0/16 fw(network):sql route(forward):peering no-nsg(subnet) no-nsg(nic) "
        "route(return):route-10.1.0.0/16 to:b-nic");
  CHECK(r.broken.empty());
  // The one path explain follows for a packet a -> b: source, outbound NSGs, the spoke's route, the firewall, its
  // subnet's route, b's NSGs, the reply's route and b.
  solver::EastWestEnds ends;
  ends.from = model::IpConfigIndex{nic_of(m, "a"), 0};
  ends.to = *model::IpAddress::parse("10.2.1.4");
  ends.x = model::IpConfigIndex{nic_of(m, "b"), 0};
  std::vector<std::string> stages;
  for (const auto& st : solver::east_west_path(m, ends)) {
    stages.push_back(std::string(solver::to_string(st.kind)) + "(" + st.scope + ")");
  }
  CHECK(stages == std::vector<std::string>{"source()", "no-nsg(nic-outbound)", "no-nsg(subnet-outbound)",
                                           "route(forward)", "firewall()", "route(forward)", "no-nsg(subnet)",
                                           "no-nsg(nic)", "route(return)", "target()"});
  // Without the rule the firewall denies everything: nothing is reached.
  auto closed = hub_and_spokes(true, true, false, false).done();
  CHECK(solver::reach(closed, from_vm(closed, "a")).flows.empty());
}

TEST_CASE("east-west: peering is not transitive: spoke to spoke without a hub route reaches nothing",
          "[solver][east-west]") {
  // a -> b without a route: spoke-a knows 10.0.0.0/16 (hub, peering) and its own space; 10.2.1.4 falls in the
  // reserved 10.0.0.0/8 system route, next hop None: dropped. The hub has no NIC, so a reaches nothing at all.
  auto m = hub_and_spokes(false, false).done();
  const auto r = solver::reach(m, from_vm(m, "a"));
  CHECK(r.flows.empty());
  CHECK(r.broken.empty());
  // The path stops at the route, which says why.
  solver::EastWestEnds ends;
  ends.from = model::IpConfigIndex{nic_of(m, "a"), 0};
  ends.to = *model::IpAddress::parse("10.2.1.4");
  ends.x = model::IpConfigIndex{nic_of(m, "b"), 0};
  const auto path = solver::east_west_path(m, ends);
  REQUIRE_FALSE(path.empty());
  CHECK(path.back().kind == HopKind::kRoute);
  CHECK(std::string(path.back().note) == "next hop None: the packet is dropped");
}

TEST_CASE("east-west: a request through the firewall whose reply comes straight back is broken",
          "[solver][east-west]") {
  // The spokes are peered directly too. a's subnet has no route: 10.2.1.4 goes by the direct peering; b's rt-b
  // sends replies to 10.1.0.0/16 to the firewall. The request crossed nothing, the reply a firewall: asymmetric, so
  // every flow a -> b is broken, and none is reported as working.
  auto m = hub_and_spokes(false, true, true).done();
  const auto r = solver::reach(m, from_vm(m, "a"));
  CHECK(r.flows.empty());
  REQUIRE_FALSE(r.broken.empty());
  for (const auto& f : r.broken) {
    REQUIRE(f.broken);
    CHECK(f.broken->code == solver::BrokenCode::kEastWestAsymmetric);
    CHECK(f.broken->firewall == -1);
    CHECK(f.nic == nic_of(m, "b"));
  }
  // With both routes through the firewall the same estate works (on 1433).
  auto sym = hub_and_spokes(true, true, true).done();
  const auto s = solver::reach(sym, from_vm(sym, "a"));
  CHECK(s.broken.empty());
  CHECK(tcp_ports(sym, s, "b") == "1433");
}

TEST_CASE("east-west: a private endpoint's subnet NSG applies only with network policies enabled",
          "[solver][east-west]") {
  // vnet 10.0.0.0/16: app 10.0.1.0/24 (vm app 10.0.1.4), pe 10.0.3.0/24 whose NSG nsg-pe denies everything inbound
  // (priority 100). Private endpoint pe-sql at 10.0.3.5. Policies Disabled: the NSG does not apply, app reaches the
  // endpoint on every port and protocol. Enabled: nsg-pe's deny-all decides: nothing.
  for (const auto policy : {model::PrivateEndpointPolicy::kDisabled, model::PrivateEndpointPolicy::kEnabled}) {
    EstateBuilder b;
    b.vnet("vnet", {"10.0.0.0/16"})
        .subnet("vnet", "app", "10.0.1.0/24")
        .subnet("vnet", "pe", "10.0.3.0/24", "nsg-pe")
        .nsg("nsg-pe", {{"deny-all", 100, kDeny, any_protocol(), {"*"}, {"*"}}})
        .vm("app", "vnet", "app", "10.0.1.4");
    b.m.subnets.back().private_endpoint_policies = policy;
    add_endpoint(b, "pe-sql", "vnet", "pe", "10.0.3.5");
    auto m = b.done();
    const auto r = solver::reach(m, from_vm(m, "app"));
    if (policy == model::PrivateEndpointPolicy::kDisabled) {
      CAPTURE(lines(m, r.flows));
      REQUIRE(r.flows.size() == 5);  // tcp, udp, icmp, esp, ah
      CHECK(flow_line(m, r.flows[0]) ==
            "app-nic -> pe-sql tcp 0-65535 from 10.0.1.4/32 | from:app-nic no-nsg(nic-outbound) "
            "no-nsg(subnet-outbound) route(forward):private-endpoint no-nsg(subnet) no-nsg(nic) "
            "route(return):virtual-network to:pe-sql");
      CHECK(r.flows[0].target_kind == model::ResourceKind::kPrivateEndpoint);
      CHECK(r.flows[0].destinations == model::to_set(*model::IpAddress::parse("10.0.3.5")));
    } else {
      CHECK(r.flows.empty());
    }
  }
}

TEST_CASE("east-west: an ASG-to-ASG rule admits the source ASG's members only", "[solver][east-west]") {
  // db's subnet NSG: allow-sql (100) TCP 1433 from ASG web to ASG db, deny-all (200). web1 (10.0.1.4) is in ASG
  // web, web2 (10.0.1.5) is not; db (10.0.2.4) is in ASG db. web1 reaches db on TCP 1433 only, web2 nothing.
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"})
      .subnet("vnet", "web", "10.0.1.0/24")
      .subnet("vnet", "db", "10.0.2.0/24", "nsg-db")
      .asg("web")
      .asg("db")
      .nsg("nsg-db", {{"allow-sql", 100, kAllow, tcp(), {"asg:web"}, {"1433"}, {"asg:db"}},
                      {"deny-all", 200, kDeny, any_protocol(), {"*"}, {"*"}}})
      .vm("web1", "vnet", "web", "10.0.1.4", "", "", {"web"})
      .vm("web2", "vnet", "web", "10.0.1.5")
      .vm("db", "vnet", "db", "10.0.2.4", "", "", {"db"});
  auto m = b.done();
  const auto r1 = solver::reach(m, from_vm(m, "web1"));
  CHECK(tcp_ports(m, r1, "db") == "1433");
  std::size_t to_db = 0;
  for (const auto& f : r1.flows) {
    if (f.nic != nic_of(m, "db")) continue;
    ++to_db;
    CHECK(flow_line(m, f) ==
          "web1-nic -> db-nic tcp 1433 from 10.0.1.4/32 | from:web1-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
          "route(forward):virtual-network nsg(subnet):nsg-db/allow-sql no-nsg(nic) route(return):virtual-network "
          "to:db-nic");
  }
  CHECK(to_db == 1);
  const auto r2 = solver::reach(m, from_vm(m, "web2"));
  CHECK(tcp_ports(m, r2, "db") == "");
  CHECK(targets_reached(m, r2) == std::set<std::string>{"web1-nic"});
  // The subnet as a source: both NICs in one class (same subnet, no NIC NSG), the ASG rule still tells them apart.
  ReachSource web;
  web.kind = ReachSource::Kind::kSubnet;
  web.subnet = subnet_of(m, "web");
  const auto rs = solver::reach(m, web);
  CHECK(rs.source_classes == 1);
  model::IpSet to_db_sources;
  for (const auto& f : rs.flows) {
    if (f.nic == nic_of(m, "db")) to_db_sources = to_db_sources.unite(f.sources);
  }
  CHECK(to_db_sources == model::to_set(*model::IpAddress::parse("10.0.1.4")));
}

TEST_CASE("east-west: the VirtualNetwork tag covers a peer only with allowVirtualNetworkAccess",
          "[solver][east-west]") {
  // a 10.1.0.0/16 (vm src 10.1.1.4) peered with b 10.2.0.0/16 (vm dst 10.2.1.4, NIC NSG nsg-dst with the default
  // rules only; vm dst2 10.2.1.5 whose nsg-dst2 adds allow-https (100) TCP 443 from 10.1.0.0/16).
  // Access allowed: 10.1.0.0/16 is in b's VirtualNetwork tag, AllowVnetInBound admits everything to dst (and to
  // dst2). Access not allowed (both sides): the peering still carries traffic, but the tag leaves a's space out:
  // DenyAllInBound stops everything to dst; dst2's explicit prefix rule still admits 443.
  for (const bool access : {true, false}) {
    EstateBuilder b;
    b.vnet("a", {"10.1.0.0/16"})
        .vnet("b", {"10.2.0.0/16"})
        .subnet("a", "sa", "10.1.1.0/24")
        .subnet("b", "sb", "10.2.1.0/24")
        .peer("a", "b", {true, access, false})
        .nsg("nsg-dst", {})
        .nsg("nsg-dst2", {{"allow-https", 100, kAllow, tcp(), {"10.1.0.0/16"}, {"443"}}})
        .vm("src", "a", "sa", "10.1.1.4")
        .vm("dst", "b", "sb", "10.2.1.4", "", "nsg-dst")
        .vm("dst2", "b", "sb", "10.2.1.5", "", "nsg-dst2");
    auto m = b.done();
    const auto r = solver::reach(m, from_vm(m, "src"));
    CAPTURE(access, lines(m, r.flows));
    if (access) {
      CHECK(tcp_ports(m, r, "dst") == "0-65535");
      CHECK(tcp_ports(m, r, "dst2") == "0-65535");
    } else {
      CHECK(tcp_ports(m, r, "dst") == "");
      CHECK(tcp_ports(m, r, "dst2") == "443");
      CHECK(targets_reached(m, r) == std::set<std::string>{"dst2-nic"});
    }
  }
}

TEST_CASE("east-west: a subnet or VNet source gives the union of its ip configurations' flows", "[solver][east-west]") {
  // one_vnet plus web2 (10.0.1.5, no NIC NSG) and web3 (10.0.1.6, nsg-web) in web: the subnet's flows are those of
  // reach() from web, web2 and web3 one by one (the order is by source first); web and web3 share a class.
  auto b = one_vnet(true);
  b.vm("web2", "vnet", "web", "10.0.1.5").vm("web3", "vnet", "web", "10.0.1.6", "", "nsg-web");
  auto m = b.done();
  ReachSource web;
  web.kind = ReachSource::Kind::kSubnet;
  web.subnet = subnet_of(m, "web");
  const auto rs = solver::reach(m, web);
  CHECK(rs.source_classes == 2);
  std::vector<std::string> one_by_one;
  for (const char* vm : {"web", "db", "web2", "web3"}) {
    if (std::string(vm) == "db") continue;
    for (auto& l : lines(m, solver::reach(m, from_vm(m, vm)).flows)) one_by_one.push_back(l);
  }
  CHECK(lines(m, rs.flows) == one_by_one);
  // web3 is limited like web: its 22 to db is denied on the way out.
  CHECK(tcp_ports(m, solver::reach(m, from_vm(m, "web3")), "db") == "80");
  // The VNet: every NIC of both subnets.
  ReachSource vnet;
  vnet.kind = ReachSource::Kind::kVirtualNetwork;
  vnet.vnet = 0;
  std::vector<std::string> all;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    for (auto& l : lines(m, solver::reach(m, from_vm(m, m.nics[n].name.substr(0, m.nics[n].name.size() - 4))).flows)) {
      all.push_back(l);
    }
  }
  const auto rv = solver::reach(m, vnet);
  CHECK(rv.source_classes == 3);
  CHECK(lines(m, rv.flows) == all);
}

TEST_CASE("east-west: the result does not depend on the number of jobs", "[solver][east-west]") {
  // Every VNet of the hub-and-spoke estate (with more VMs) as a source, with 1 and 3 workers: the same flows.
  auto b = hub_and_spokes(true, true, true);
  for (int i = 5; i < 12; ++i) {
    b.vm(fmt::format("a{}", i), "spoke-a", "app", fmt::format("10.1.1.{}", i));
    b.vm(fmt::format("b{}", i), "spoke-b", "db", fmt::format("10.2.1.{}", i));
  }
  auto m = b.done();
  for (int v = 0; v < 3; ++v) {
    ReachSource s;
    s.kind = ReachSource::Kind::kVirtualNetwork;
    s.vnet = v;
    solver::ReachOptions one;
    one.jobs = 1;
    solver::ReachOptions three;
    three.jobs = 3;
    const auto r1 = solver::reach(m, s, one);
    const auto r3 = solver::reach(m, s, three);
    CHECK(lines(m, r1.flows) == lines(m, r3.flows));
    CHECK(lines(m, r1.broken) == lines(m, r3.broken));
    CHECK(r1.evaluations == r3.evaluations);
    if (v != 1) continue;
    // From spoke-a: every a* to every b* on TCP 1433 through the firewall; within spoke-a, everything.
    std::size_t to_b = 0;
    for (const auto& f : r1.flows) {
      if (m.nics[f.nic].name[0] == 'b') {
        ++to_b;
        CHECK(model::to_string(f.ports) == "1433");
      }
    }
    CHECK(to_b == 8 * 8);
    CHECK(r1.flows.size() == 8 * 8 + 8 * 7 * 5);
  }
}

TEST_CASE("east-west: merged sources carry the same packets in fewer flows", "[solver][east-west]") {
  // The subnet web of one_vnet with web2 and web3: per source, and merged per class (web and web3 share nsg-web):
  // for every target and protocol, each port set is reached from the same addresses.
  auto b = one_vnet(true);
  b.vm("web2", "vnet", "web", "10.0.1.5").vm("web3", "vnet", "web", "10.0.1.6", "", "nsg-web");
  auto m = b.done();
  ReachSource web;
  web.kind = ReachSource::Kind::kSubnet;
  web.subnet = subnet_of(m, "web");
  solver::ReachOptions merged;
  merged.merge_sources = true;
  const auto one = solver::reach(m, web);
  const auto all = solver::reach(m, web, merged);
  using Key = std::tuple<int, int, std::string>;  // target NIC, protocol, ports
  auto summary = [](const std::vector<solver::ReachFlow>& flows) {
    std::map<Key, model::IpSet> out;
    for (const auto& f : flows) {
      auto& s = out[Key{f.nic, static_cast<int>(f.protocol), model::to_string(f.ports)}];
      s = s.unite(f.sources);
    }
    return out;
  };
  CHECK(summary(one.flows) == summary(all.flows));
  CHECK(all.flows.size() < one.flows.size());
  for (const auto& f : all.flows) {
    CHECK(f.source.nic == -1);
    CHECK(f.source_subnet == web.subnet);
  }
  // db on TCP: 80 from all three, 22 from web2 only (web and web3 deny it on the way out).
  const auto& db = summary(all.flows);
  const int n = nic_of(m, "db");
  CHECK(db.at(Key{n, 0, "22"}) == model::to_set(*model::IpAddress::parse("10.0.1.5")));
  CHECK(db.at(Key{n, 0, "80"}) == model::to_set(prefix("10.0.1.4/31")).unite(model::to_set(prefix("10.0.1.6/32"))));
}

TEST_CASE("east-west: on-premises addresses through the gateway subnet and the hub firewall", "[solver][east-west]") {
  // hub 10.0.0.0/16 with GatewaySubnet 10.0.255.0/27 whose rt-gw sends 10.1.0.0/16 to the firewall 10.0.1.4, whose
  // network rule allows TCP 192.168.0.0/16 -> 10.1.0.0/16 on 443; spoke-a (vm a 10.1.1.4) peered with the hub
  // (forwarded traffic allowed). On-premises 192.168.10.0/24 arriving through the hub: no outbound NSG on the
  // GatewaySubnet; its route to the firewall, the network rule (443 only), the firewall subnet's peering route.
  // The reply: rt-a's 192.168.0.0/16 to the firewall: the same firewall, so a is reached on TCP 443 from the prefix.
  // Without rt-a's route the reply takes the system route 192.168.0.0/16 (None), which stands for the routes the
  // gateway learns by BGP (not modelled): back through the gateway, not the firewall the request crossed, so the
  // flow is broken (asymmetric).
  for (const bool reply_through_firewall : {true, false}) {
    EstateBuilder b;
    b.vnet("hub", {"10.0.0.0/16"})
        .vnet("spoke-a", {"10.1.0.0/16"})
        .subnet("hub", "AzureFirewallSubnet", "10.0.1.0/26")
        .subnet("hub", "GatewaySubnet", "10.0.255.0/27", "", "rt-gw")
        .subnet("spoke-a", "app", "10.1.1.0/24", "", reply_through_firewall ? "rt-a" : "")
        .peer("hub", "spoke-a", {true, true, true})
        .vm("a", "spoke-a", "app", "10.1.1.4");
    b.route_to_appliance("rt-gw", "10.1.0.0/16", "10.0.1.4");
    if (reply_through_firewall) b.route_to_appliance("rt-a", "192.168.0.0/16", "10.0.1.4");
    hub_firewall(b, true, "192.168.0.0/16", "10.1.0.0/16", "443");
    auto m = b.done();
    ReachSource onprem;
    onprem.kind = ReachSource::Kind::kPrefix;
    onprem.vnet = 0;
    onprem.prefix = model::to_set(prefix("192.168.10.0/24"));
    const auto r = solver::reach(m, onprem);
    CAPTURE(lines(m, r.flows), lines(m, r.broken));
    if (reply_through_firewall) {
      REQUIRE(r.flows.size() == 1);
      CHECK(flow_line(m, r.flows[0]) ==
            "- -> a-nic tcp 443 from 192.168.10.0/24 | from:GatewaySubnet route(forward):route-10.1.0.0/16 "
            "fw(network):sql route(forward):peering no-nsg(subnet) no-nsg(nic) route(return):route-192.168.0.0/16 "
            "to:a-nic");
      CHECK(r.broken.empty());
    } else {
      CHECK(r.flows.empty());
      REQUIRE(r.broken.size() == 1);
      CHECK(r.broken[0].broken->code == solver::BrokenCode::kEastWestAsymmetric);
      CHECK(r.broken[0].broken->firewall == 0);
    }
  }
}

namespace {

/// Hub 10.0.0.0/16 with appliance nva (10.0.2.4 in subnet nva, IP forwarding on), peered with spoke-a 10.1.0.0/16
/// (vm a 10.1.1.4 in app) and spoke-b 10.2.0.0/16 (vm b 10.2.1.4 in db), both peerings allowing forwarded traffic;
/// each spoke's subnet sends the other spoke's space to nva (rt-a, rt-b); no NSG anywhere. `chain`: the hub also
/// has its firewall (AzureFirewallSubnet 10.0.1.0/26, fw 10.0.1.4, network rule sql: TCP 1433 from 10.1.0.0/16 to
/// 10.2.0.0/16), and nva's subnet sends 10.2.0.0/16 on to it (route table rt-nva).
EstateBuilder hub_spokes_appliance(bool chain) {
  EstateBuilder b;
  b.vnet("hub", {"10.0.0.0/16"}).vnet("spoke-a", {"10.1.0.0/16"}).vnet("spoke-b", {"10.2.0.0/16"});
  if (chain) b.subnet("hub", "AzureFirewallSubnet", "10.0.1.0/26");
  b.subnet("hub", "nva", "10.0.2.0/24", "", chain ? "rt-nva" : "")
      .subnet("spoke-a", "app", "10.1.1.0/24", "", "rt-a")
      .subnet("spoke-b", "db", "10.2.1.0/24", "", "rt-b")
      .peer("hub", "spoke-a", {true, true, true})
      .peer("hub", "spoke-b", {true, true, true})
      .vm("nva", "hub", "nva", "10.0.2.4")
      .vm("a", "spoke-a", "app", "10.1.1.4")
      .vm("b", "spoke-b", "db", "10.2.1.4");
  b.m.nics[0].enable_ip_forwarding = true;
  b.route_to_appliance("rt-a", "10.2.0.0/16", "10.0.2.4").route_to_appliance("rt-b", "10.1.0.0/16", "10.0.2.4");
  if (chain) {
    b.route_to_appliance("rt-nva", "10.2.0.0/16", "10.0.1.4");
    hub_firewall(b);
  }
  return b;
}

}  // namespace

TEST_CASE("east-west: an appliance with IP forwarding is assumed to forward everything", "[solver][east-west]") {
  // As the hub firewall estate, but the spokes route to nva (10.0.2.4 in hub/nva, IP forwarding on) instead: the
  // appliance's filtering is unknown, so a reaches b on every port and protocol, through the appliance both ways.
  EstateBuilder b = hub_spokes_appliance(false);
  auto m = b.done();
  const auto r = solver::reach(m, from_vm(m, "a"));
  std::vector<std::string> to_b;
  for (const auto& f : r.flows) {
    if (f.nic == nic_of(m, "b")) to_b.push_back(flow_line(m, f));
  }
  REQUIRE(to_b.size() == 5);
  CHECK(to_b[0] ==
        "a-nic -> b-nic tcp 0-65535 from 10.1.1.4/32 | from:a-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
        "route(forward):route-10.2.0.0/16 appliance:nva-nic route(forward):peering no-nsg(subnet) no-nsg(nic) "
        "route(return):route-10.1.0.0/16 to:b-nic");
  CHECK(r.broken.empty());
  // Without allowForwardedTraffic on spoke-b's side, the appliance's packets (sources outside the hub) are refused.
  for (auto& v : b.m.vnets) {
    for (auto& p : v.peerings) {
      if (v.name == "spoke-b") p.allow_forwarded_traffic = false;
    }
  }
  auto refused = b.done();
  const auto none = solver::reach(refused, from_vm(refused, "a"));
  CHECK(targets_reached(refused, none) == std::set<std::string>{"nva-nic"});
}

TEST_CASE("east-west: a firewall application rule translates the source to the firewall", "[solver][east-west]") {
  // The hub-and-spoke estate with an application rule collection "app" (Allow, priority 200, after the network
  // rules) holding rule "web": TCP 443 from any source to *.contoso.com, and no network rule. b's NIC NSG nsg-b admits
  // TCP 443 from the firewall subnet 10.0.1.0/26 only (allow-fw 100, deny-all 200). Application rules always translate
  // the source to the firewall's address, so nsg-b sees 10.0.1.0/26: a reaches b on 443, decided by allow-fw; the reply
  // goes to the firewall's address 10.0.1.4 by spoke-b's peering route (direct, as it must).
  EstateBuilder b;
  b.vnet("hub", {"10.0.0.0/16"})
      .vnet("spoke-a", {"10.1.0.0/16"})
      .vnet("spoke-b", {"10.2.0.0/16"})
      .subnet("hub", "AzureFirewallSubnet", "10.0.1.0/26")
      .subnet("spoke-a", "app", "10.1.1.0/24", "", "rt-a")
      .subnet("spoke-b", "db", "10.2.1.0/24", "", "rt-b")
      .peer("hub", "spoke-a", {true, true, true})
      .peer("hub", "spoke-b", {true, true, true})
      .nsg("nsg-b", {{"allow-fw", 100, kAllow, tcp(), {"10.0.1.0/26"}, {"443"}},
                     {"deny-all", 200, kDeny, any_protocol(), {"*"}, {"*"}}})
      .vm("a", "spoke-a", "app", "10.1.1.4")
      .vm("b", "spoke-b", "db", "10.2.1.4", "", "nsg-b");
  b.route_to_appliance("rt-a", "10.2.0.0/16", "10.0.1.4").route_to_appliance("rt-b", "10.1.0.0/16", "10.0.1.4");
  hub_firewall(b, false);
  model::FirewallRuleCollection app;
  app.name = "app";
  app.priority = 200;
  app.kind = model::FirewallRuleKind::kApplication;
  app.action = model::FirewallAction::kAllow;
  model::FirewallRule web;
  web.name = "web";
  web.kind = model::FirewallRuleKind::kApplication;
  web.protocols = tcp();
  web.sources.any = true;
  web.destination_ports = ports({"443"});
  web.destination_fqdns.push_back("*.contoso.com");
  app.rules.push_back(web);
  b.m.firewalls[0].classic.push_back(app);
  auto m = b.done();
  const auto r = solver::reach(m, from_vm(m, "a"));
  CAPTURE(lines(m, r.flows), lines(m, r.broken));
  REQUIRE(r.flows.size() == 1);
  CHECK(flow_line(m, r.flows[0]) ==
        "a-nic -> b-nic tcp 443 from 10.1.1.4/32 | from:a-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
        "route(forward):route-10.2.0.0/16 fw(application):web route(forward):peering no-nsg(subnet) "
        "nsg(nic):nsg-b/allow-fw route(return):peering to:b-nic");
  CHECK(std::string(r.flows[0].path[4].note) == solver::kAssumedFqdnNote);
  CHECK(r.broken.empty());
}

TEST_CASE(
    "east-west: a user-defined route overrides a private endpoint's route only when its prefix is as long as the "
    "VNet's",
    "[solver][east-west]") {
  // hub 10.0.0.0/16: AzureFirewallSubnet 10.0.1.0/26 (firewall 10.0.1.4, network rule sql: TCP 10.0.2.0/24 ->
  // 10.0.3.0/24 on 1433), app 10.0.2.0/24 (vm app 10.0.2.4, route table rt-app with one route to the firewall),
  // pe 10.0.3.0/24 (private endpoint pe-sql 10.0.3.5, no route table). Azure gives the endpoint a /32 system route;
  // with route tables enabled in the endpoint subnet's network policies, a user-defined route invalidates it only
  // when its prefix length is equal to or larger than the VNet's (/16): 10.0.0.0/16 and 10.0.3.0/24 do, 0.0.0.0/0
  // does not ("a user-defined routes default route (0.0.0.0/0) doesn't invalidate private endpoint routes",
  // https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy). Through the firewall
  // only TCP 1433 passes, and the endpoint's reply comes straight back (its subnet has no route): broken. Direct,
  // every protocol and port arrives (5 flows: tcp, udp, icmp, esp, ah).
  using P = model::PrivateEndpointPolicy;
  struct Case {
    const char* prefix;
    P policy;
    bool through_firewall;
  };
  const Case cases[] = {
      {"0.0.0.0/0", P::kEnabled, false},        {"10.0.0.0/16", P::kEnabled, true},
      {"10.0.3.0/24", P::kEnabled, true},       {"10.0.3.0/24", P::kRouteTableOnly, true},
      {"10.0.3.0/24", P::kDisabled, false},     {"10.0.3.0/24", P::kNsgOnly, false},
      {"0.0.0.0/0", P::kRouteTableOnly, false}, {"10.0.0.0/8", P::kEnabled, false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.prefix, static_cast<int>(c.policy));
    EstateBuilder b;
    b.vnet("hub", {"10.0.0.0/16"})
        .subnet("hub", "AzureFirewallSubnet", "10.0.1.0/26")
        .subnet("hub", "app", "10.0.2.0/24", "", "rt-app")
        .subnet("hub", "pe", "10.0.3.0/24")
        .route_to_appliance("rt-app", c.prefix, "10.0.1.4")
        .vm("app", "hub", "app", "10.0.2.4");
    for (auto& s : b.m.subnets) {
      if (s.name == "pe") s.private_endpoint_policies = c.policy;
    }
    hub_firewall(b, true, "10.0.2.0/24", "10.0.3.0/24", "1433");
    add_endpoint(b, "pe-sql", "hub", "pe", "10.0.3.5");
    auto m = b.done();
    const auto r = solver::reach(m, from_vm(m, "app"));
    CAPTURE(lines(m, r.flows), lines(m, r.broken));
    if (c.through_firewall) {
      CHECK(r.flows.empty());
      REQUIRE(r.broken.size() == 1);
      CHECK(r.broken[0].protocol == model::Protocol::kTcp);
      CHECK(model::to_string(r.broken[0].ports) == "1433");
      REQUIRE(r.broken[0].broken);
      CHECK(r.broken[0].broken->code == solver::BrokenCode::kEastWestAsymmetric);
    } else {
      CHECK(r.broken.empty());
      REQUIRE(r.flows.size() == 5);
      CHECK(flow_line(m, r.flows[0]) ==
            "app-nic -> pe-sql tcp 0-65535 from 10.0.2.4/32 | from:app-nic no-nsg(nic-outbound) "
            "no-nsg(subnet-outbound) route(forward):private-endpoint no-nsg(subnet) no-nsg(nic) "
            "route(return):virtual-network to:pe-sql");
    }
  }
}

TEST_CASE("east-west: a private endpoint's replies follow its subnet's routes only with route tables enabled",
          "[solver][east-west]") {
  // vnet 10.0.0.0/16: app 10.0.1.0/24 (vm app 10.0.1.4), nva 10.0.2.0/24 (appliance 10.0.2.4, IP forwarding), pe
  // 10.0.3.0/24 (private endpoint pe-sql 10.0.3.5) whose route table rt-pe sends 10.0.1.0/24 to the appliance. The
  // request takes the endpoint's /32 route, directly. Azure applies a subnet's user-defined routes to its private
  // endpoints only when the subnet's network policies enable route tables
  // (https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy): Disabled, the reply
  // comes straight back and every protocol and port works (5 flows); RouteTableEnabled, the reply goes to the
  // appliance, which the request did not cross: asymmetric, every flow broken.
  for (const auto policy : {model::PrivateEndpointPolicy::kDisabled, model::PrivateEndpointPolicy::kRouteTableOnly}) {
    CAPTURE(static_cast<int>(policy));
    EstateBuilder b;
    b.vnet("vnet", {"10.0.0.0/16"})
        .subnet("vnet", "app", "10.0.1.0/24")
        .subnet("vnet", "nva", "10.0.2.0/24")
        .subnet("vnet", "pe", "10.0.3.0/24", "", "rt-pe")
        .route_to_appliance("rt-pe", "10.0.1.0/24", "10.0.2.4")
        .vm("app", "vnet", "app", "10.0.1.4")
        .vm("nva", "vnet", "nva", "10.0.2.4");
    b.m.nics.back().enable_ip_forwarding = true;
    for (auto& s : b.m.subnets) {
      if (s.name == "pe") s.private_endpoint_policies = policy;
    }
    add_endpoint(b, "pe-sql", "vnet", "pe", "10.0.3.5");
    auto m = b.done();
    solver::ReachOptions only_pe;
    only_pe.targets = [](model::ResourceKind kind, int) { return kind == model::ResourceKind::kPrivateEndpoint; };
    const auto r = solver::reach(m, from_vm(m, "app"), only_pe);
    if (policy == model::PrivateEndpointPolicy::kDisabled) {
      CHECK(r.broken.empty());
      REQUIRE(r.flows.size() == 5);
      CHECK(flow_line(m, r.flows[0]) ==
            "app-nic -> pe-sql tcp 0-65535 from 10.0.1.4/32 | from:app-nic no-nsg(nic-outbound) "
            "no-nsg(subnet-outbound) route(forward):private-endpoint no-nsg(subnet) no-nsg(nic) "
            "route(return):virtual-network to:pe-sql");
    } else {
      CHECK(r.flows.empty());
      REQUIRE(r.broken.size() == 5);
      REQUIRE(r.broken[0].broken);
      CHECK(r.broken[0].broken->code == solver::BrokenCode::kEastWestAsymmetric);
    }
  }
}

TEST_CASE("east-west: replies through the hub firewall need the source spoke to accept forwarded traffic",
          "[solver][east-west]") {
  // hub_and_spokes with both UDRs: a -> b crosses the firewall (network rule sql, TCP 1433), and so does the reply.
  // The firewall keeps the addresses, so the reply from b (10.2.1.4, outside the hub) enters spoke-a as forwarded
  // traffic: spoke-a's peering with the hub must allow forwarded traffic
  // (https://learn.microsoft.com/azure/virtual-network/virtual-network-peering-overview). With it off, the request
  // still reaches b (spoke-b accepts forwarded traffic) but the reply is dropped: broken.
  auto b = hub_and_spokes(true, true);
  for (auto& v : b.m.vnets) {
    if (v.name != "spoke-a") continue;
    for (auto& p : v.peerings) p.allow_forwarded_traffic = false;
  }
  auto m = b.done();
  const auto r = solver::reach(m, from_vm(m, "a"));
  CHECK(r.flows.empty());
  REQUIRE(r.broken.size() == 1);
  CHECK(r.broken[0].protocol == model::Protocol::kTcp);
  CHECK(model::to_string(r.broken[0].ports) == "1433");
  REQUIRE(r.broken[0].broken);
  CHECK(r.broken[0].broken->code == solver::BrokenCode::kEastWestReplyNotForwarded);
  CHECK(r.broken[0].broken->to_vnet == m.subnets[subnet_of(m, "app")].vnet.index);
  // explain follows the same packet to the same end: every hop passes but the reply's route.
  solver::FlowQuery q;
  q.source_name = "a";
  q.target = "b";
  q.protocol = model::Protocol::kTcp;
  q.destination_port = 1433;
  const solver::FlowTrace t = solver::explain(m, q);
  REQUIRE_FALSE(t.hops.empty());
  std::string failed;
  for (const auto& h : t.hops) {
    if (!h.passes) failed += std::string(solver::to_string(h.kind)) + "(" + h.scope + ") ";
  }
  CHECK(failed == "route(return) ");
}

TEST_CASE("east-west: a chain of two devices applies the second firewall's rules and delivers", "[solver][east-west]") {
  // Hub 10.0.0.0/16 with an appliance nva (10.0.2.4, IP forwarding) in subnet nva, whose route table rt-nva sends
  // spoke-b's 10.2.0.0/16 on to the hub firewall fw (10.0.1.4; network rule sql: TCP 1433 from 10.1.0.0/16 to
  // 10.2.0.0/16). spoke-a's app subnet sends 10.2.0.0/16 to nva; spoke-b's db subnet sends 10.1.0.0/16 to nva (the
  // reply crosses nva, the request's first device: symmetric). No NSG anywhere. So a reaches b on TCP 1433 only:
  // through nva (assumed to forward), then fw's rule, then assumed delivered. Before chains were followed, the path
  // ended at nva's route and a reached nothing in spoke-b.
  EstateBuilder b = hub_spokes_appliance(true);
  auto m = b.done();
  const auto r = solver::reach(m, from_vm(m, "a"));
  std::vector<std::string> to_b;
  for (const auto& f : r.flows) {
    if (f.nic == nic_of(m, "b")) to_b.push_back(flow_line(m, f));
  }
  CAPTURE(lines(m, r.flows), lines(m, r.broken));
  REQUIRE(to_b.size() == 1);
  CHECK(to_b[0] ==
        "a-nic -> b-nic tcp 1433 from 10.1.1.4/32 | from:a-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
        "route(forward):route-10.2.0.0/16 appliance:nva-nic route(forward):route-10.2.0.0/16 fw(network):sql "
        "no-nsg(subnet) no-nsg(nic) route(return):route-10.1.0.0/16 to:b-nic");
  CHECK(r.broken.empty());
  // explain follows the same path for one packet: 1433 passes, 22 stops at the firewall's default deny.
  const auto failed_hops = [&](const model::Model& mm, int port) {
    solver::FlowQuery q;
    q.source_name = "a";
    q.target = "b";
    q.protocol = model::Protocol::kTcp;
    q.destination_port = port;
    const solver::FlowTrace t = solver::explain(mm, q);
    std::string failed = t.hops.empty() ? "no hops" : "";
    for (const auto& h : t.hops) {
      if (!h.passes) failed += std::string(solver::to_string(h.kind)) + "(" + h.scope + ") ";
    }
    return failed;
  };
  CHECK(failed_hops(m, 1433).empty());
  CHECK(failed_hops(m, 22) == "firewall(default) ");

  // nva's subnet sending the packet back to nva itself is a routing loop: nothing reaches spoke-b.
  for (auto& t : b.m.route_tables) {
    if (t.name == "rt-nva") t.routes[0].next_hop_ip = model::IpAddress::parse("10.0.2.4");
  }
  auto looped = b.done();
  const auto none = solver::reach(looped, from_vm(looped, "a"));
  CHECK(targets_reached(looped, none).count("b-nic") == 0);
  CHECK(failed_hops(looped, 1433) == "route(forward) ");
}
