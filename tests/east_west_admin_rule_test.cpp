// Security admin rules on east-west paths (docs/model.md, "East-west reachability" and "Security admin rules"): the
// source VNet's outbound rules before the source's outbound NSGs (Deny drops, AlwaysAllow skips those NSGs, Allow
// hands the packets to them), the target VNet's inbound rules before the target's NSGs, each worked out by hand on a
// small estate built in code, in reach() and in explain --from.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/explain_text.h"
#include "cli/reach_report.h"
#include "model/model.h"
#include "solver/east_west.h"
#include "solver/explain.h"
#include "tests/model_builder.h"
#include "tests/trace_lines.h"

using namespace exposim;
using namespace exposim::testing;
using model::AdminAccess;
using model::Direction;
using solver::HopKind;

namespace {

int ewa_nic(const model::Model& m, const std::string& vm) {
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    if (m.nics[n].name == vm + "-nic") return static_cast<int>(n);
  }
  FAIL("no NIC for " << vm);
  return -1;
}

solver::Reach ewa_reach(const model::Model& m, const std::string& vm) {
  solver::ReachSource s;
  s.kind = solver::ReachSource::Kind::kIpConfiguration;
  s.ip_configuration = model::IpConfigIndex{ewa_nic(m, vm), 0};
  return solver::reach(m, s);
}

/// A hop, briefly: the NSG rule or admin rule that decided it (the VNet's name when no admin rule matched).
std::string ewa_hop(const model::Model& m, const solver::Hop& h) {
  switch (h.kind) {
    case HopKind::kSource: return "from:" + m.nics[h.resource].name;
    case HopKind::kNsg:
      return fmt::format("nsg({}):{}/{}", h.scope, m.nsgs[h.resource].name, m.nsgs[h.resource].rules[h.rule].name);
    case HopKind::kNoNsg: return fmt::format("no-nsg({})", h.scope);
    case HopKind::kRoute: return fmt::format("route({}):{}", h.scope, h.resource >= 0 ? "user" : h.note);
    case HopKind::kAdminRule:
      return fmt::format("admin({}):{}", h.scope,
                         h.resource_kind == model::ResourceKind::kAdminRule ? m.admin_rules[h.resource].name
                                                                            : m.vnets[h.resource].name);
    case HopKind::kTarget: return "to:" + m.nics[h.resource].name;
    default: return "?";
  }
}

/// The flows to `target` on TCP: "<ports> | <path>", one per flow.
std::vector<std::string> ewa_tcp_flows(const model::Model& m, const solver::Reach& r, const std::string& target) {
  std::vector<std::string> out;
  for (const auto& f : r.flows) {
    if (f.nic < 0 || m.nics[f.nic].name != target + "-nic" || f.protocol != model::Protocol::kTcp) continue;
    std::string s = model::to_string(f.ports) + " |";
    for (const auto& h : f.path) s += " " + ewa_hop(m, h);
    out.push_back(s);
  }
  return out;
}

/// The TCP ports reached at `target`.
std::string ewa_tcp_ports(const model::Model& m, const solver::Reach& r, const std::string& target) {
  model::PortSet ports;
  for (const auto& f : r.flows) {
    if (f.nic >= 0 && m.nics[f.nic].name == target + "-nic" && f.protocol == model::Protocol::kTcp) {
      ports = ports.unite(f.ports);
    }
  }
  return model::to_string(ports);
}

/// vnet 10.0.0.0/16: web 10.0.1.0/24 (vm web 10.0.1.4, NIC NSG nsg-web holding `web_rules`, outbound), db
/// 10.0.2.0/24 (vm db 10.0.2.4, NIC NSG nsg-db: allow-ssh 100 and allow-http 110 TCP 22 and 80 from VirtualNetwork,
/// deny-all 4000). No admin rule yet.
EstateBuilder ewa_one_vnet(const std::vector<RuleSpec>& web_rules) {
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"})
      .subnet("vnet", "web", "10.0.1.0/24")
      .subnet("vnet", "db", "10.0.2.0/24")
      .nsg("nsg-web", web_rules)
      .nsg("nsg-db", {{"allow-ssh", 100, kAllow, tcp(), {"VirtualNetwork"}, {"22"}},
                      {"allow-http", 110, kAllow, tcp(), {"VirtualNetwork"}, {"80"}},
                      {"deny-all", 4000, kDeny, any_protocol(), {"*"}, {"*"}}})
      .vm("web", "vnet", "web", "10.0.1.4", "", "nsg-web")
      .vm("db", "vnet", "db", "10.0.2.4", "", "nsg-db");
  for (auto& r : b.m.nsgs.front().rules) r.direction = Direction::kOutbound;  // nsg-web's rules
  return b;
}

solver::FlowQuery ewa_query(const std::string& from, const std::string& to, int port) {
  solver::FlowQuery q;
  q.source_name = from;
  q.target = to;
  q.protocol = model::Protocol::kTcp;
  q.destination_port = static_cast<std::uint16_t>(port);
  return q;
}

}  // namespace

TEST_CASE("east-west admin rules: an outbound Deny drops what the source's NSG allows", "[solver][east-west]") {
  // nsg-web allows TCP 80 out explicitly (out-http, 100) and the rest to the VNet by AllowVnetOutBound; the outbound
  // Deny admin rule deny-http-out (10, TCP 80 to 10.0.2.0/24) of web's VNet comes first and drops 80. So web reaches
  // db on 22 only (allow-ssh); nsg-db admits nothing else of TCP.
  auto b = ewa_one_vnet({{"out-http", 100, kAllow, tcp(), {"*"}, {"80"}}});
  b.admin_rule("vnet", "deny-http-out", 10, AdminAccess::kDeny, Direction::kOutbound, tcp(), {"*"}, {"10.0.2.0/24"},
               {"80"});
  const auto m = b.done();
  REQUIRE(m.vnets[0].admin_rules_outbound.size() == 1);
  CHECK(m.vnets[0].admin_rules.empty());  // an outbound rule is not an inbound one
  const auto r = ewa_reach(m, "web");
  CHECK(ewa_tcp_ports(m, r, "db") == "22");
  CHECK(ewa_tcp_flows(m, r, "db") ==
        std::vector<std::string>{"22 | from:web-nic admin(outbound):vnet nsg(nic-outbound):nsg-web/AllowVnetOutBound "
                                 "no-nsg(subnet-outbound) route(forward):virtual-network no-nsg(subnet) "
                                 "nsg(nic):nsg-db/allow-ssh route(return):virtual-network to:db-nic"});
  // The rule is the source VNet's outbound one: db's packets to web leave the same VNet, but it names 10.0.2.0/24 as
  // its destination, so db -> web is not touched (web's NSG has only defaults inbound: everything from the VNet).
  CHECK(ewa_tcp_ports(m, ewa_reach(m, "db"), "web") == "0-65535");
  // Without the admin rule, out-http lets 80 out and allow-http admits it.
  CHECK(ewa_tcp_ports(m, ewa_reach(ewa_one_vnet({{"out-http", 100, kAllow, tcp(), {"*"}, {"80"}}}).done(), "web"),
                      "db") == "22,80");
  // explain --from follows the same stage: the admin hop stops the packet before the NSGs.
  const auto t = solver::explain(m, ewa_query("web", "db", 80));
  REQUIRE(t.status == solver::FlowTrace::Status::kOk);
  REQUIRE(t.east_west);
  CHECK_FALSE(t.allowed);
  const auto lines = trace_hop_lines(m, t);
  REQUIRE(lines.size() >= 3);
  CHECK(lines[0] == "source pass");
  CHECK(lines[1] == "admin-rule(outbound) stop");
  CHECK(lines[2] == "nsg(nic-outbound) pass nsg-web/out-http (unreached)");
  CHECK(t.verdict.kind == HopKind::kAdminRule);
  CHECK(cli::verdict_text(m, t) ==
        "denied at admin-rule (outbound): outbound security admin rule 'deny-http-out' "
        "(priority 10, Deny) of vnet matches first: it drops the packet whatever the NSGs say");
}

TEST_CASE("east-west admin rules: an outbound AlwaysAllow skips the source's outbound NSG deny only",
          "[solver][east-west]") {
  // nsg-web denies TCP 22 and 3389 out (out-deny, 100). The AlwaysAllow admin rule always-ops (10, TCP 22 and 3389
  // to the VNet's 10.0.0.0/16) admits them past web's outbound NSGs; db's own NSG still decides: allow-ssh admits
  // 22, deny-all drops 3389. So web reaches db on 22 (through the admin rule) and 80 (by AllowVnetOutBound).
  const std::vector<RuleSpec> deny = {{"out-deny", 100, kDeny, tcp(), {"*"}, {"22", "3389"}}};
  CHECK(ewa_tcp_ports(ewa_one_vnet(deny).done(), ewa_reach(ewa_one_vnet(deny).done(), "web"), "db") == "80");
  auto b = ewa_one_vnet(deny);
  b.admin_rule("vnet", "always-ops", 10, AdminAccess::kAlwaysAllow, Direction::kOutbound, tcp(), {"*"}, {"10.0.0.0/16"},
               {"22", "3389"});
  const auto m = b.done();
  const auto r = ewa_reach(m, "web");
  CHECK(ewa_tcp_ports(m, r, "db") == "22,80");
  CHECK(ewa_tcp_flows(m, r, "db") ==
        std::vector<std::string>{
            "80 | from:web-nic admin(outbound):vnet nsg(nic-outbound):nsg-web/AllowVnetOutBound "
            "no-nsg(subnet-outbound) route(forward):virtual-network no-nsg(subnet) nsg(nic):nsg-db/allow-http "
            "route(return):virtual-network to:db-nic",
            "22 | from:web-nic admin(outbound):always-ops route(forward):virtual-network no-nsg(subnet) "
            "nsg(nic):nsg-db/allow-ssh route(return):virtual-network to:db-nic"});
  // explain: the AlwaysAllow rule admits 22 and the outbound NSGs are not on the trace; 3389 stops at db's NSG.
  const auto ssh = solver::explain(m, ewa_query("web", "db", 22));
  CHECK(ssh.allowed);
  const auto ssh_lines = trace_hop_lines(m, ssh);
  REQUIRE(ssh_lines.size() >= 3);
  CHECK(ssh_lines[1] == "admin-rule(outbound) pass");
  CHECK(ssh_lines[2] == "route(forward) pass system");
  CHECK(cli::hop_text(m, ssh.hops[1]) ==
        "outbound security admin rule 'always-ops' (priority 10, AlwaysAllow) of vnet matches first: it admits the "
        "packet past the source's outbound NSGs");
  const auto rdp = solver::explain(m, ewa_query("web", "db", 3389));
  CHECK_FALSE(rdp.allowed);
  CHECK(rdp.verdict.kind == HopKind::kNsg);
  CHECK(std::string(rdp.verdict.scope) == "nic");
}

TEST_CASE("east-west admin rules: an outbound Allow hands the packets to the source's NSGs", "[solver][east-west]") {
  // allow-web-out (10, Allow, TCP 22 and 80 to anywhere) matches 22 and 80 first and hands them to nsg-web, whose
  // out-deny-ssh (100) drops 22: web reaches db on 80, through the Allow rule and AllowVnetOutBound.
  auto b = ewa_one_vnet({{"out-deny-ssh", 100, kDeny, tcp(), {"*"}, {"22"}}});
  b.admin_rule("vnet", "allow-web-out", 10, AdminAccess::kAllow, Direction::kOutbound, tcp(), {"*"}, {"*"},
               {"22", "80"});
  const auto m = b.done();
  const auto r = ewa_reach(m, "web");
  CHECK(ewa_tcp_ports(m, r, "db") == "80");
  CHECK(ewa_tcp_flows(m, r, "db") ==
        std::vector<std::string>{"80 | from:web-nic admin(outbound):allow-web-out "
                                 "nsg(nic-outbound):nsg-web/AllowVnetOutBound no-nsg(subnet-outbound) "
                                 "route(forward):virtual-network no-nsg(subnet) nsg(nic):nsg-db/allow-http "
                                 "route(return):virtual-network to:db-nic"});
  const auto t = solver::explain(m, ewa_query("web", "db", 22));
  CHECK_FALSE(t.allowed);
  const auto lines = trace_hop_lines(m, t);
  REQUIRE(lines.size() >= 2);
  CHECK(lines[1] == "admin-rule(outbound) pass");
  CHECK(cli::hop_text(m, t.hops[1]) ==
        "outbound security admin rule 'allow-web-out' (priority 10, Allow) of vnet matches first: it hands the packet "
        "to the source's outbound NSGs");
  CHECK(t.verdict.kind == HopKind::kNsg);
  CHECK(std::string(t.verdict.scope) == "nic-outbound");
}

TEST_CASE("east-west admin rules: inbound rules act at the target only and outbound ones at the source only",
          "[solver][east-west]") {
  // vnet-a 10.0.0.0/16 (vm a 10.0.1.4) peered with vnet-b 10.1.0.0/16 (vm b 10.1.1.4); no NSG anywhere. vnet-a has
  // an inbound Deny admin rule (deny-in, every TCP port from anywhere); vnet-b an outbound Deny admin rule (deny-out,
  // every TCP port to anywhere). a -> b: a's VNet has no outbound rule, b's no inbound one: every TCP port passes and
  // no admin hop is on the path. b -> a: b's outbound Deny drops TCP before a's inbound Deny would.
  EstateBuilder b;
  b.vnet("vnet-a", {"10.0.0.0/16"})
      .vnet("vnet-b", {"10.1.0.0/16"})
      .subnet("vnet-a", "sa", "10.0.1.0/24")
      .subnet("vnet-b", "sb", "10.1.1.0/24")
      .peer("vnet-a", "vnet-b")
      .vm("a", "vnet-a", "sa", "10.0.1.4")
      .vm("b", "vnet-b", "sb", "10.1.1.4");
  b.admin_rule("vnet-a", "deny-in", 10, AdminAccess::kDeny, Direction::kInbound, tcp(), {"*"}, {"*"}, {"*"});
  b.admin_rule("vnet-b", "deny-out", 10, AdminAccess::kDeny, Direction::kOutbound, tcp(), {"*"}, {"*"}, {"*"});
  const auto m = b.done();
  const auto ab = ewa_reach(m, "a");
  CHECK(ewa_tcp_ports(m, ab, "b") == "0-65535");
  CHECK(ewa_tcp_flows(m, ab, "b") ==
        std::vector<std::string>{"0-65535 | from:a-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                 "route(forward):peering no-nsg(subnet) no-nsg(nic) route(return):peering to:b-nic"});
  const auto ba = ewa_reach(m, "b");
  CHECK(ewa_tcp_ports(m, ba, "a") == "");
  // UDP is not named by either rule: it passes both admin stages (no rule matches: the VNet on each hop).
  bool udp = false;
  for (const auto& f : ba.flows) {
    if (f.protocol != model::Protocol::kUdp) continue;
    udp = true;
    std::string path;
    for (const auto& h : f.path) path += " " + ewa_hop(m, h);
    CHECK(path ==
          " from:b-nic admin(outbound):vnet-b no-nsg(nic-outbound) no-nsg(subnet-outbound) route(forward):peering "
          "admin():vnet-a no-nsg(subnet) no-nsg(nic) route(return):peering to:a-nic");
  }
  CHECK(udp);
  const auto t = solver::explain(m, ewa_query("b", "a", 443));
  CHECK_FALSE(t.allowed);
  CHECK(t.verdict.kind == HopKind::kAdminRule);
  CHECK(std::string(t.verdict.scope) == "outbound");
}

TEST_CASE("east-west admin rules: an undeployed outbound rule applies as Allow or AlwaysAllow and never as Deny",
          "[solver][east-west]") {
  // Without the commit of "cfg" to the VNet's region, whether its rules act is not known: the AlwaysAllow rule
  // always-ssh is applied (so nsg-web's out-deny-ssh is skipped for 22) and the Deny rule deny-http-out is not (80
  // goes out by AllowVnetOutBound), with one admin-rules-undecided warning naming the VNet.
  auto b = ewa_one_vnet({{"out-deny-ssh", 100, kDeny, tcp(), {"*"}, {"22"}}});
  b.admin_rule("vnet", "deny-http-out", 10, AdminAccess::kDeny, Direction::kOutbound, tcp(), {"*"}, {"*"}, {"80"});
  b.admin_rule("vnet", "always-ssh", 20, AdminAccess::kAlwaysAllow, Direction::kOutbound, tcp(), {"*"}, {"*"}, {"22"});
  b.m.admin_deployments.clear();
  model::Diagnostics diags;
  const auto m = b.done(&diags);
  REQUIRE(m.vnets[0].admin_rules_outbound.size() == 1);
  CHECK(m.admin_rules[m.vnets[0].admin_rules_outbound[0]].name == "always-ssh");
  int undecided = 0;
  for (const auto& d : diags.items()) {
    if (d.code == "admin-rules-undecided") {
      ++undecided;
      CHECK(d.message.find("'vnet'") != std::string::npos);
    }
  }
  CHECK(undecided == 1);
  CHECK(ewa_tcp_ports(m, ewa_reach(m, "web"), "db") == "22,80");
}

TEST_CASE("east-west admin rules: reach's table and JSON name the outbound admin rule", "[cli][reach]") {
  // The AlwaysAllow estate above: web -> db on 22 through always-ops, past nsg-web's out-deny.
  auto b = ewa_one_vnet({{"out-deny", 100, kDeny, tcp(), {"*"}, {"22"}}});
  b.admin_rule("vnet", "always-ops", 10, AdminAccess::kAlwaysAllow, Direction::kOutbound, tcp(), {"*"}, {"10.0.0.0/16"},
               {"22"});
  const auto m = b.done();
  const auto r = ewa_reach(m, "web");
  const solver::ReachFlow* ssh = nullptr;
  for (const auto& f : r.flows) {
    if (f.nic >= 0 && m.nics[f.nic].name == "db-nic" && f.protocol == model::Protocol::kTcp && f.ports.contains(22)) {
      ssh = &f;
    }
  }
  REQUIRE(ssh != nullptr);
  CHECK(cli::reach_rules_text(m, *ssh) ==
        "admin-outbound: always-ops (10, AlwaysAllow) > subnet: no NSG > nic: nsg-db/allow-ssh (100)");
  const auto j = cli::reach_flow_json(m, *ssh);
  REQUIRE(j["path"].size() >= 2);
  CHECK(j["path"][1]["hop"] == "admin-rule");
  CHECK(j["path"][1]["scope"] == "outbound");
  CHECK(j["path"][1]["name"] == "always-ops");
  CHECK(j["path"][1]["rule"]["access"] == "AlwaysAllow");
}

TEST_CASE("east-west admin rules: a source in a subnet Azure exempts meets no outbound admin rule",
          "[solver][east-west]") {
  // Azure does not apply security admin rules to an AzureBastionSubnet (non-application at subnet level). With an
  // outbound Deny of every TCP port on the VNet, web reaches nothing on TCP, while the Bastion subnet's prefix (no ip
  // configuration in it: the whole 10.0.9.0/26 behind its NSG, none here) still reaches db on 22 and 80.
  auto b = ewa_one_vnet({});
  b.subnet("vnet", "AzureBastionSubnet", "10.0.9.0/26");
  b.admin_rule("vnet", "deny-tcp-out", 10, AdminAccess::kDeny, Direction::kOutbound, tcp(), {"*"}, {"*"}, {"*"});
  const auto m = b.done();
  CHECK(ewa_tcp_ports(m, ewa_reach(m, "web"), "db") == "");
  int bastion = -1;
  for (std::size_t s = 0; s < m.subnets.size(); ++s) {
    if (m.subnets[s].name == "AzureBastionSubnet") bastion = static_cast<int>(s);
  }
  REQUIRE(bastion >= 0);
  solver::ReachSource from;
  from.kind = solver::ReachSource::Kind::kSubnet;
  from.subnet = bastion;
  const auto r = solver::reach(m, from);
  CHECK(ewa_tcp_ports(m, r, "db") == "22,80");
  for (const auto& f : r.flows) {
    for (const auto& h : f.path) CHECK(h.kind != HopKind::kAdminRule);
  }
}
