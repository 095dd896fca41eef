// explain(): hop lists worked out by hand on the examples and on tiny estates, target resolution, and a
// cross-check that every verdict and deciding rule agrees with analyze().
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/explain_query_text.h"
#include "cli/explain_text.h"
#include "example_model.h"
#include "importers/azure/resource_importer.h"
#include "importers/inputs.h"
#include "model_builder.h"
#include "solver/explain.h"
#include "solver/exposure.h"
#include "solver/firewall.h"
#include "solver/paas_hop.h"
#include "test_scale.h"
#include "tests/gateway_estate.h"
#include "tests/path_estates.h"
#include "tests/trace_lines.h"

namespace exposim {
namespace {

namespace fs = std::filesystem;
using model::NextHopType;
using model::Protocol;
using model::Sku;
using solver::FlowQuery;
using solver::FlowTrace;
using solver::TraceHop;
using namespace exposim::testing;

FlowQuery query(const std::string& from, const std::string& to, int port, Protocol p = Protocol::kTcp) {
  FlowQuery q;
  q.source = *model::IpAddress::parse(from);
  q.target = to;
  q.protocol = p;
  q.destination_port = static_cast<std::uint16_t>(port);
  return q;
}

}  // namespace

TEST_CASE("explain: RDP to app is allowed by the subnet NSG and denied by deny-rdp on the NIC", "[solver][explain]") {
  const auto m = load_example("open-management");
  const auto t = solver::explain(m, query("52.10.20.30", "app", 3389));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{
                                     "source pass",
                                     "entry pass appPublicIP",
                                     "nsg(subnet) pass nsg-apps/allow-rdp-from-internet",
                                     "nsg(nic) stop nsg-app-nic/deny-rdp",
                                     "route pass system (unreached)",
                                 });
  CHECK_FALSE(t.allowed);
  CHECK(t.stopped_at == 3);
  CHECK(cli::hop_text(m, t.hops[2]) ==
        "allow-rdp-from-internet (100, allow): source tag 'Internet' contains 52.10.20.30, port 3389 in '3389', "
        "protocol tcp");
  CHECK(cli::hop_text(m, t.hops[3]) == "deny-rdp (100, deny): source '*', port 3389 in '3389', protocol tcp");
  CHECK(cli::verdict_text(m, t) ==
        "denied at nsg (nic): deny-rdp (100, deny): source '*', port 3389 in '3389', protocol tcp");
  CHECK_THAT(cli::hop_text(m, t.hops[1]), Catch::Contains("public IP 'appPublicIP' 52.169.20.12 (Standard) maps to ip "
                                                          "configuration 'ipconfigapp' of NIC 'appVMNic' (10.30.1.4)"));
}

TEST_CASE("explain: SSH to jumpbox is allowed by default-allow-ssh, WinRM to app by allow-winrm and allow-rest",
          "[solver][explain]") {
  const auto m = load_example("open-management");
  auto t = solver::explain(m, query("52.10.20.30", "jumpbox", 22));
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{
                                     "source pass",
                                     "entry pass jumpboxPublicIP",
                                     "no-nsg(subnet) pass",
                                     "nsg(nic) pass jumpboxNSG/default-allow-ssh",
                                     "route pass system",
                                 });
  CHECK(t.allowed);
  CHECK(t.stopped_at == -1);
  CHECK(cli::hop_text(m, t.hops[2]) == "no NSG at this scope: nothing is filtered here");
  CHECK(cli::hop_text(m, t.hops[4]) ==
        "the reply to 52.10.20.30 takes the system default route (0.0.0.0/0 -> Internet): "
        "replies leave through the public IP and reach the client");

  t = solver::explain(m, query("52.10.20.30", "app", 5986));
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{
                                     "source pass",
                                     "entry pass appPublicIP",
                                     "nsg(subnet) pass nsg-apps/allow-winrm",
                                     "nsg(nic) pass nsg-app-nic/allow-rest",
                                     "route pass system",
                                 });
  CHECK(t.allowed);
  CHECK(cli::hop_text(m, t.hops[3]) ==
        "allow-rest (200, allow): source '*', port 5986 in '*', protocol '*' covers tcp");

  // 8080 is not allowed at the subnet: DenyAllInBound decides, and the NIC NSG would allow it.
  t = solver::explain(m, query("52.10.20.30", "app", 8080));
  CHECK(trace_hop_lines(m, t)[2] == "nsg(subnet) stop nsg-apps/DenyAllInBound");
  CHECK(trace_hop_lines(m, t)[3] == "nsg(nic) pass nsg-app-nic/allow-rest (unreached)");
  CHECK_THAT(cli::verdict_text(m, t), Catch::Contains("DenyAllInBound (65500, deny, default rule)"));
}

TEST_CASE("explain: sources outside the internet are said to be so, and the NSGs are still evaluated",
          "[solver][explain]") {
  const auto m = load_example("open-management");
  auto t = solver::explain(m, query("203.0.113.7", "jumpbox", 22));
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{
                                     "source stop",
                                     "entry pass jumpboxPublicIP (unreached)",
                                     "no-nsg(subnet) pass (unreached)",
                                     "nsg(nic) pass jumpboxNSG/default-allow-ssh (unreached)",
                                     "route pass system (unreached)",
                                 });
  CHECK_FALSE(t.allowed);
  CHECK_FALSE(t.internet_source);
  CHECK(t.verdict.why.code == solver::ReasonCode::kNotInternetSource);
  CHECK(t.verdict.why.not_internet == solver::NotInternet::kDocumentation);
  CHECK(t.verdict.why.prefix.to_string() == "203.0.113.0/24");
  CHECK(cli::verdict_text(m, t) ==
        "not internet traffic; denied at source: 203.0.113.7 is not an internet address (a documentation "
        "range 203.0.113.0/24): such a packet does not come from the internet");

  // The estate's own space to app's public IP: AllowVnetInBound admits it at the subnet of app, allow-rest at the
  // NIC. (To app itself, by name or private IP, the same address is an east-west source:
  // tests/explain_east_west_test.cpp.)
  t = solver::explain(m, query("10.30.0.4", "52.169.20.12", 8080));
  CHECK_FALSE(t.east_west);
  CHECK_THAT(cli::hop_text(m, t.hops[0]), Catch::Contains("inside 10.30.0.0/16, address space of VNet 'vnet-ops'"));
  CHECK(t.hops[0].why.not_internet == solver::NotInternet::kVnetSpace);
  CHECK(m.vnets[t.hops[0].why.vnet].name == "vnet-ops");
  CHECK(trace_hop_lines(m, t)[2] == "nsg(subnet) pass nsg-apps/AllowVnetInBound (unreached)");
  CHECK_THAT(cli::hop_text(m, t.hops[2]),
             Catch::Contains("source tag 'VirtualNetwork' (as seen from the target's subnet) "
                             "contains 10.30.0.4"));
  CHECK_FALSE(t.allowed);

  t = solver::explain(m, query("168.63.129.16", "jumpbox", 22));
  CHECK_THAT(cli::verdict_text(m, t), Catch::Contains("Azure's platform address 168.63.129.16/32"));
  t = solver::explain(m, query("192.168.1.1", "jumpbox", 22));
  CHECK_THAT(cli::verdict_text(m, t), Catch::Contains("a private range 192.168.0.0/16"));
}

TEST_CASE("explain: a target by public IP, VM, NIC, public IP name or id, or private IP", "[solver][explain]") {
  const auto m = load_example("open-management");
  const std::string pip_id =
      "/SUBSCRIPTIONS/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ops/providers/Microsoft.Network/"
      "publicIPAddresses/APPPUBLICIP";
  for (const std::string target : {"52.169.20.12", "app", "APP", "appvmnic", "appPublicIP", pip_id.c_str()}) {
    INFO(target);
    const auto t = solver::explain(m, query("52.10.20.30", target, 5986));
    REQUIRE(t.status == FlowTrace::Status::kOk);
    CHECK(m.nics[t.nic].name == "appVMNic");
    CHECK(t.via_public_ip);
    CHECK(t.allowed);
  }
  // The private IP: the same ip configuration, but no internet entry; the NSGs still say what they decide.
  const auto t = solver::explain(m, query("52.10.20.30", "10.30.1.4", 5986));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(m.nics[t.nic].name == "appVMNic");
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{
                                     "source pass",
                                     "entry stop",
                                     "nsg(subnet) pass nsg-apps/allow-winrm (unreached)",
                                     "nsg(nic) pass nsg-app-nic/allow-rest (unreached)",
                                     "route pass system (unreached)",
                                 });
  CHECK(cli::verdict_text(m, t) ==
        "denied at entry: no internet entry: 10.30.1.4 is the private address of ip configuration "
        "'ipconfigapp' of NIC 'appVMNic' (10.30.1.4); the internet reaches it only through its public IP "
        "52.169.20.12");
  CHECK(t.hops[1].why.code == solver::ReasonCode::kPrivateAddressOnly);
  CHECK(m.public_ips[t.hops[1].why.public_ip].name == "appPublicIP");
  CHECK(t.hops[1].why.target.nic == t.nic);
  CHECK(t.verdict.kind == solver::HopKind::kEntry);
}

TEST_CASE("explain: unknown and ambiguous targets are errors listing the candidates", "[solver][explain]") {
  EstateBuilder b;
  b.vnet("a", {"10.0.0.0/16"})
      .vnet("b", {"10.0.0.0/16"})
      .subnet("a", "s", "10.0.0.0/24")
      .subnet("b", "s", "10.0.0.0/24")
      .public_ip("pip-web", "20.0.0.1", Sku::kStandard)
      .public_ip("web", "20.0.0.2", Sku::kStandard)
      .public_ip("loose", "20.0.0.3", Sku::kStandard)
      .vm("web", "a", "s", "10.0.0.4", "pip-web")
      .vm("other", "b", "s", "10.0.0.4", "web");
  const auto m = b.done();
  auto t = solver::explain(m, query("52.1.2.3", "nothing-here", 22));
  CHECK(t.status == FlowTrace::Status::kUnknownTarget);
  CHECK(t.error.option == solver::QueryOption::kTo);
  CHECK(t.error.code == solver::QueryErrorCode::kUnknownTarget);
  CHECK(t.error.target == "nothing-here");
  CHECK(cli::query_error_text(m, t) ==
        "unknown target 'nothing-here': expected a public or private IP address, or the name or id of a "
        "public IP, network interface or virtual machine in the input");
  CHECK(solver::explain(m, query("52.1.2.3", "10.9.9.9", 22)).status == FlowTrace::Status::kUnknownTarget);

  t = solver::explain(m, query("52.1.2.3", "WEB", 22));  // the VM web, and the public IP web of VM other
  CHECK(t.status == FlowTrace::Status::kAmbiguousTarget);
  // The data: the option, the code, the user's text, how many, and the candidates by index (the VM web's ip
  // configuration by its own NIC, the VM other's through its public IP web).
  CHECK(t.error.option == solver::QueryOption::kTo);
  CHECK(t.error.code == solver::QueryErrorCode::kAmbiguousName);
  CHECK(t.error.target == "WEB");
  CHECK(t.error.count == 2);
  REQUIRE(t.error.candidates.size() == 2);
  for (const auto& c : t.error.candidates) {
    CHECK(c.kind == model::ResourceKind::kNetworkInterface);
    CHECK(c.child == 0);
    CHECK(c.via_public);
  }
  CHECK(m.nics[static_cast<std::size_t>(t.error.candidates[0].index)].name == "web-nic");
  CHECK(m.nics[static_cast<std::size_t>(t.error.candidates[1].index)].name == "other-nic");
  CHECK(cli::query_error_text(m, t) ==
        "ambiguous target 'WEB': it names 2 ip configurations; choose one with --backend (its VM or NIC "
        "name or id, or its private IP) or give its ip configuration id as the target");
  const std::vector<std::string> both = {
      rid("Microsoft.Network/networkInterfaces", "other-nic") +
          "/ipConfigurations/ipconfig1 (VM 'other', NIC 'other-nic', private 10.0.0.4, public 20.0.0.2)",
      rid("Microsoft.Network/networkInterfaces", "web-nic") +
          "/ipConfigurations/ipconfig1 (VM 'web', NIC 'web-nic', private 10.0.0.4, public 20.0.0.1)",
  };
  CHECK(cli::query_candidates_text(m, t.error) == both);
  // An IP address that two ip configurations hold (10.0.0.4 in VNets a and b): the message does not ask for an
  // IP address, it lists the candidates and says how to choose.
  t = solver::explain(m, query("52.1.2.3", "10.0.0.4", 22));
  CHECK(t.status == FlowTrace::Status::kAmbiguousTarget);
  CHECK(cli::query_error_text(m, t) ==
        "ambiguous target '10.0.0.4': the address belongs to 2 ip configurations (a private address used "
        "in two VNets, or a public IP referenced by two NICs); choose one with --backend (its VM or NIC "
        "name or id) or give its ip configuration id as the target");
  CHECK(t.error.candidates.size() == 2);
  // --backend chooses: the VM other (by name), the NIC web-nic (by name), or an ip configuration id.
  auto chosen = query("52.1.2.3", "10.0.0.4", 22);
  chosen.backend = "other";
  t = solver::explain(m, chosen);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(m.nics[t.nic].name == "other-nic");
  CHECK_FALSE(t.via_public_ip);  // the private address: no internet entry
  chosen.target = "WEB";
  chosen.backend = "web-nic";
  t = solver::explain(m, chosen);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(m.nics[t.nic].name == "web-nic");
  CHECK(t.via_public_ip);
  chosen.backend = rid("Microsoft.Network/networkInterfaces", "other-nic") + "/ipConfigurations/ipconfig1";
  t = solver::explain(m, chosen);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(m.nics[t.nic].name == "other-nic");
  // A --backend that names none of them, or one that fits both (their shared private IP), lists them.
  chosen.backend = "nobody";
  t = solver::explain(m, chosen);
  CHECK(t.status == FlowTrace::Status::kBadBackend);
  CHECK(t.error.option == solver::QueryOption::kBackend);
  CHECK(t.error.code == solver::QueryErrorCode::kBackendNamesNone);
  CHECK(t.error.backend == "nobody");
  CHECK(t.error.count == 2);
  CHECK(cli::query_error_text(m, t) == "--backend 'nobody' names none of the 2 ip configurations that 'WEB' fits");
  CHECK(cli::query_candidates_text(m, t.error) == both);
  chosen.backend = "10.0.0.4";
  t = solver::explain(m, chosen);
  CHECK(t.status == FlowTrace::Status::kBadBackend);
  CHECK(cli::query_error_text(m, t) ==
        "--backend '10.0.0.4' still fits 2 of the ip configurations that 'WEB' fits: give an ip "
        "configuration id");
  // A target that fits one ip configuration takes no --backend.
  chosen.target = "20.0.0.1";
  chosen.backend = "web";
  t = solver::explain(m, chosen);
  CHECK(t.status == FlowTrace::Status::kBadBackend);
  CHECK_THAT(cli::query_error_text(m, t),
             Catch::StartsWith("--backend 'web' applies only when the target is a load balancer frontend's"));
  t = solver::explain(m, query("52.1.2.3", "loose", 22));
  CHECK(t.status == FlowTrace::Status::kBadTarget);
  CHECK(t.error.code == solver::QueryErrorCode::kPublicIpUnattached);
  CHECK(t.error.kind == model::ResourceKind::kPublicIp);
  CHECK(m.public_ips[static_cast<std::size_t>(t.error.index)].name == "loose");
  CHECK(cli::query_error_text(m, t) == "public IP 'loose' is not attached to any ip configuration in the input");
  // By id, each is unambiguous.
  CHECK(solver::explain(m, query("52.1.2.3", rid("Microsoft.Compute/virtualMachines", "web"), 22)).status ==
        FlowTrace::Status::kOk);
}

TEST_CASE("explain: a target without a public IP says what becomes of its replies", "[solver][explain]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"allow-ssh", 100, kAllow, tcp(), {"Internet"}, {"22"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .vm("priv", "v", "s", "10.0.0.4");
  const auto m = b.done();
  const auto t = solver::explain(m, query("52.1.2.3", "priv", 22));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  // The NSG would admit it, but nothing reaches it; the reply has no public address to come from.
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{
                                     "source pass",
                                     "entry stop",
                                     "nsg(subnet) pass nsg/allow-ssh (unreached)",
                                     "no-nsg(nic) pass (unreached)",
                                     "route stop system (unreached)",
                                 });
  CHECK(cli::hop_text(m, t.hops[4]) ==
        "the reply to 52.1.2.3 takes the system default route (0.0.0.0/0 -> Internet), but the target has no public "
        "IP: what it sends to the internet leaves, if at all, through outbound SNAT (a NAT gateway, a load balancer's "
        "outbound rule or default outbound access) from another address, which answers no connection from the client");
  CHECK(cli::verdict_text(m, t) ==
        "denied at entry: no internet entry: ip configuration 'ipconfig1' of NIC 'priv-nic' (10.0.0.4) has "
        "no public IP");
  CHECK(t.hops[1].why.code == solver::ReasonCode::kNoPublicIp);
  CHECK(t.hops[4].why.code == solver::ReasonCode::kReplyRoute);
  CHECK(t.hops[4].why.replies_through == solver::RepliesThrough::kNothing);
  CHECK(t.redirected_from.empty());
  CHECK(t.other_entries.empty());
}

TEST_CASE("explain: a VM without a public IP reached through a firewall DNAT rule is traced through it",
          "[solver][explain][firewall]") {
  const auto m = load_example("hub-and-spoke");
  // vm-jump (10.1.1.4) has no public IP; analyze reaches its port 22 through fw-hub's DNAT rule ssh-to-jump
  // (20.50.60.70:2222 -> 10.1.1.4:22) and through a Bastion session. explain follows the DNAT rule (the first
  // entry in analyze's order) and lists the Bastion session.
  auto t = solver::explain(m, query("52.99.0.1", "vm-jump", 22));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.allowed);
  CHECK(t.redirected_from == "vm-jump");
  CHECK(t.direct.kind == solver::HopKind::kEntry);
  CHECK(t.direct.why.code == solver::ReasonCode::kNoPublicIp);
  CHECK(cli::verdict_text(m, t.direct) ==
        "denied at entry: no internet entry: ip configuration 'ipconfig1' of NIC 'vm-jump-nic' (10.1.1.4) "
        "has no public IP");
  CHECK(t.query.target == "20.50.60.70");
  CHECK(t.query.destination_port == 2222);
  REQUIRE(t.firewall >= 0);
  CHECK(m.firewalls[t.firewall].name == "fw-hub");
  CHECK(m.nics[t.nic].name == "vm-jump-nic");
  REQUIRE(t.other_entries.size() == 1);
  CHECK(t.other_entries[0].via == solver::Via::kBastion);
  CHECK(t.other_entries[0].bastion == "bas-hub");
  CHECK(t.other_entries[0].target == "vm-jump");
  CHECK(t.other_entries[0].port == 22);
  // The data: the Bastion host by index and its public address; the words are written from them.
  REQUIRE(t.other_entries[0].gateway >= 0);
  CHECK(m.bastion_hosts[static_cast<std::size_t>(t.other_entries[0].gateway)].name == "bas-hub");
  CHECK(t.other_entries[0].address == model::IpAddress::parse("20.50.60.80"));
  CHECK(cli::other_entry_text(m, t.query, t.other_entries[0]) ==
        "a session through Bastion 'bas-hub' at 20.50.60.80:443 (authenticated access)");

  // vm-db's 3389: rdp-to-db translates to it, but nsg-db denies 3389 from VirtualNetwork (the firewall's SNAT
  // address), and Bastion sessions reach every port but 3389: no entry, so the direct trace stands.
  t = solver::explain(m, query("52.30.1.1", "vm-db", 3389));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK_FALSE(t.allowed);
  CHECK(t.redirected_from.empty());
  CHECK(t.other_entries.empty());
  CHECK_THAT(cli::verdict_text(m, t), Catch::StartsWith("denied at entry: no internet entry"));
  // vm-db's 22 is reached only by a Bastion session, which is listed, not followed.
  t = solver::explain(m, query("52.30.1.1", "vm-db", 22));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK_FALSE(t.allowed);
  CHECK(t.redirected_from.empty());
  REQUIRE(t.other_entries.size() == 1);
  CHECK(t.other_entries[0].via == solver::Via::kBastion);
}

TEST_CASE("explain: a VM without a public IP behind a load balancer is traced through its rule", "[solver][explain]") {
  const auto m = load_example("web-behind-lb");
  // vm-web-1 (10.50.1.4): https 443 -> 8443 (load-balancing rule), and ssh-web-1 50001 -> 22 (inbound NAT rule)
  // from 52.233.10.0/24 only.
  auto t = solver::explain(m, query("52.10.20.30", "vm-web-1", 8443));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.allowed);
  CHECK(t.redirected_from == "vm-web-1");
  CHECK(t.query.target == "20.71.8.10");
  CHECK(t.query.destination_port == 443);
  CHECK(m.nics[t.nic].name == "nic-web-1");  // --backend chose vm-web-1, not the pool's first member by chance
  CHECK(t.query.backend == model::ip_configuration_id(m.nics[t.nic], m.nics[t.nic].ip_configurations[0]));
  t = solver::explain(m, query("52.233.10.7", "vm-web-1", 22));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.allowed);
  CHECK(t.query.destination_port == 50001);
  // The same port from a client the NSG does not admit: no entry reaches it, the direct trace stands.
  t = solver::explain(m, query("52.10.20.30", "vm-web-1", 22));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK_FALSE(t.allowed);
  CHECK(t.redirected_from.empty());
}

TEST_CASE("explain: an NSG hop names the route that puts an internet source into VirtualNetwork", "[solver][explain]") {
  // rt sends 0.0.0.0/0 to Internet: its prefix joins the subnet's VirtualNetwork tag, so AllowVnetInBound admits
  // every internet source (docs/model.md, "The VirtualNetwork tag").
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {})
      .route_table("rt", "0.0.0.0/0", NextHopType::kInternet)
      .subnet("v", "s", "10.0.0.0/24", "nsg", "rt")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  const auto m = b.done();
  const auto t = solver::explain(m, query("52.1.2.3", "vm", 22));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.allowed);
  CHECK(cli::hop_text(m, t.hops[2]) ==
        "AllowVnetInBound (65000, allow, default rule): source tag 'VirtualNetwork' (as seen from the target's subnet) "
        "contains 52.1.2.3 because route 'route-0.0.0.0/0' (0.0.0.0/0 -> Internet) of route table 'rt' puts 0.0.0.0/0 "
        "into the tag, port 22 in '*', protocol '*' covers tcp, destination covers 10.0.0.4");
  // A source in the VNet's own space is in the tag without the route: no route named.
  const auto inside = solver::explain(m, query("10.0.0.9", "vm", 22));
  CHECK_THAT(cli::hop_text(m, inside.hops[2]), !Catch::Contains("because route"));
}

TEST_CASE("explain: through lb-web, rule https to 8443 is allowed by allow-app, http 80 is denied",
          "[solver][explain]") {
  const auto m = load_example("web-behind-lb");
  auto t = solver::explain(m, query("52.10.20.30", "20.71.8.10", 443));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{
                                     "source pass",
                                     "entry pass pip-lb-web",
                                     "load-balancer pass lb-web/https",
                                     "nsg(subnet) pass nsg-web/allow-app",
                                     "no-nsg(nic) pass",
                                     "route pass system",
                                 });
  CHECK(t.allowed);
  CHECK(m.vms[t.vm].name == "vm-web-1");  // the first member in NIC-id order
  const auto& lbh = t.hops[2];
  CHECK_FALSE(lbh.lb_nat);
  CHECK(lbh.frontend_port == 443);
  CHECK(lbh.backend_port == 8443);
  REQUIRE(lbh.backends.size() == 2);
  CHECK(cli::hop_text(m, lbh) ==
        "tcp port 443 matches load-balancing rule 'https' (443 -> 8443) of 'lb-web'; pool 'pool-web' "
        "spreads flows over 2 members: traced the first in the documented order (NIC id, then ip "
        "configuration name), vm-web-1 (10.50.1.4); other members: vm-web-2 (10.50.1.5); choose one "
        "with --backend");
  CHECK(lbh.why.code == solver::ReasonCode::kLbRule);
  CHECK(m.load_balancers[lbh.why.load_balancer].rules[lbh.why.rule].name == "https");
  CHECK(lbh.why.backend == solver::LbBackend::kFirst);
  CHECK(lbh.why.members == lbh.backends);
  CHECK(lbh.why.member == 0);
  CHECK(lbh.why.frontend_port == 443);
  CHECK(lbh.why.backend_port == 8443);
  CHECK(cli::hop_text(m, t.hops[1]) ==
        "public IP 'pip-lb-web' 20.71.8.10 (Standard) is frontend 'fe-public' of load balancer "
        "'lb-web' (Standard)");
  // The NSG sees the backend port.
  CHECK_THAT(cli::hop_text(m, t.hops[3]), Catch::Contains("port 8443 in '8443'"));
  // the entry and the verdict as data: the frontend, and the rule and backend port that carried the packet
  CHECK(t.hops[1].why.code == solver::ReasonCode::kLoadBalancerEntry);
  CHECK(t.hops[1].why.load_balancer == t.load_balancer);
  CHECK(t.hops[1].why.frontend == t.frontend);
  CHECK_FALSE(t.hops[1].why.versions_differ);
  CHECK(t.verdict.why.code == solver::ReasonCode::kAllowedThroughLoadBalancer);
  CHECK(m.load_balancers[t.verdict.why.load_balancer].rules[t.verdict.why.rule].name == "https");
  CHECK_FALSE(t.verdict.why.nat);
  CHECK(t.verdict.why.backend_port == 8443);
  CHECK(t.verdict.why.target.nic == t.nic);
  CHECK(t.verdict.why.flow.destination_port == 443);

  // --backend picks another member, by name or private IP; one not in the pool is an error listing the members.
  auto q = query("52.10.20.30", "pip-lb-web", 443);
  q.backend = "10.50.1.5";
  t = solver::explain(m, q);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(m.vms[t.vm].name == "vm-web-2");
  CHECK(t.allowed);
  CHECK_THAT(cli::hop_text(m, t.hops[2]), Catch::EndsWith("traced vm-web-2 (10.50.1.5), chosen with --backend"));
  CHECK(t.hops[2].why.backend == solver::LbBackend::kChosen);
  CHECK(t.hops[2].why.member == 1);
  q.backend = "vm-mgmt";
  t = solver::explain(m, q);
  CHECK(t.status == FlowTrace::Status::kBadBackend);
  CHECK(t.error.option == solver::QueryOption::kBackend);
  CHECK(t.error.code == solver::QueryErrorCode::kBackendNotMember);
  CHECK(t.error.kind == model::ResourceKind::kLoadBalancer);
  const auto& lb = m.load_balancers[static_cast<std::size_t>(t.error.index)];
  CHECK(lb.name == "lb-web");
  CHECK(lb.rules[static_cast<std::size_t>(t.error.child)].name == "https");
  CHECK(t.error.candidates.size() == 2);
  CHECK(cli::query_error_text(m, t) ==
        "--backend 'vm-mgmt' is not a member of pool 'pool-web' of load balancer 'lb-web' (rule 'https')");
  CHECK(cli::query_candidates_text(m, t.error) ==
        std::vector<std::string>{"vm-web-1 (10.50.1.4)", "vm-web-2 (10.50.1.5)"});

  // http: no NSG rule allows 80, and DenyAllInBound decides (Standard).
  t = solver::explain(m, query("52.10.20.30", "20.71.8.10", 80));
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{
                                     "source pass",
                                     "entry pass pip-lb-web",
                                     "load-balancer pass lb-web/http",
                                     "nsg(subnet) stop nsg-web/DenyAllInBound",
                                     "no-nsg(nic) pass (unreached)",
                                     "route pass system (unreached)",
                                 });
  CHECK_FALSE(t.allowed);
  CHECK(t.stopped_at == 3);
}

TEST_CASE("explain: through lb-web's inbound NAT rules, and a port no rule matches", "[solver][explain]") {
  const auto m = load_example("web-behind-lb");
  auto t = solver::explain(m, query("52.233.10.7", "20.71.8.10", 50001));
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{
                                     "source pass",
                                     "entry pass pip-lb-web",
                                     "load-balancer pass lb-web/ssh-web-1",
                                     "nsg(subnet) pass nsg-web/allow-ssh-office",
                                     "no-nsg(nic) pass",
                                     "route pass system",
                                 });
  CHECK(t.allowed);
  CHECK(m.vms[t.vm].name == "vm-web-1");
  CHECK(t.hops[2].lb_nat);
  CHECK(t.hops[2].backend_port == 22);
  CHECK(cli::hop_text(m, t.hops[2]) ==
        "tcp port 50001 matches inbound NAT rule 'ssh-web-1' (50001 -> 22) of 'lb-web', which forwards to vm-web-1 "
        "(10.50.1.4)");
  CHECK(t.hops[2].why.code == solver::ReasonCode::kLbNatRule);
  CHECK(m.load_balancers[t.hops[2].why.load_balancer].nat_rules[t.hops[2].why.rule].name == "ssh-web-1");
  CHECK(t.hops[2].why.backend == solver::LbBackend::kForwards);
  REQUIRE(t.hops[2].why.members.size() == 1);
  CHECK(t.hops[2].why.members[0].nic == t.nic);

  t = solver::explain(m, query("52.10.20.30", "20.71.8.10", 50001));
  CHECK(trace_hop_lines(m, t)[3] == "nsg(subnet) stop nsg-web/DenyAllInBound");
  CHECK_FALSE(t.allowed);
  CHECK(cli::verdict_text(m, t) ==
        "denied at nsg (subnet): DenyAllInBound (65500, deny, default rule): source '*', port 22 in '*', "
        "protocol '*' covers tcp");

  // v2: the range's only port goes to the first member in NIC-id order.
  t = solver::explain(m, query("52.10.20.30", "20.71.8.10", 60000));
  CHECK(t.allowed);
  CHECK(m.vms[t.vm].name == "vm-web-1");
  CHECK(trace_hop_lines(m, t)[3] == "nsg(subnet) pass nsg-web/allow-admin");
  CHECK(t.hops[2].why.code == solver::ReasonCode::kLbNatRuleRange);
  CHECK(t.hops[2].why.member == 0);  // the first port of the range: the pool's first member
  CHECK(t.hops[2].why.backend == solver::LbBackend::kForwards);

  t = solver::explain(m, query("52.10.20.30", "20.71.8.10", 81));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(trace_hop_lines(m, t) ==
        std::vector<std::string>{"source pass", "entry pass pip-lb-web", "load-balancer stop lb-web"});
  CHECK(t.nic == -1);
  CHECK(t.stopped_at == 2);
  CHECK(cli::verdict_text(m, t) ==
        "denied at load-balancer: no load-balancing or inbound NAT rule of 'lb-web' on frontend "
        "'fe-public' matches tcp port 81");
  CHECK(t.verdict.why.code == solver::ReasonCode::kLbNoRule);
  CHECK(t.verdict.why.frontend == t.frontend);
  CHECK(t.verdict.why.flow.destination_port == 81);
}

TEST_CASE("explain: through the Basic lb-mgmt, the mgmt subnet's route to the appliance stops RDP",
          "[solver][explain]") {
  const auto m = load_example("web-behind-lb");
  const auto t = solver::explain(m, query("52.10.20.30", "20.71.8.20", 3389));
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{
                                     "source pass",
                                     "entry pass pip-lb-mgmt",
                                     "load-balancer pass lb-mgmt/rdp",
                                     "no-nsg(subnet) pass",
                                     "no-nsg(nic) pass",
                                     "route stop default-to-appliance",
                                 });
  CHECK(m.vms[t.vm].name == "vm-mgmt");
  CHECK(cli::hop_text(m, t.hops[4]) ==
        "no NSG on the subnet or the NIC: a Basic load balancer is open on every port where no "
        "NSG applies");
  CHECK_THAT(cli::verdict_text(m, t),
             Catch::StartsWith("broken at route: the reply to 52.10.20.30 takes route "
                               "'default-to-appliance' (0.0.0.0/0 -> VirtualAppliance 10.50.3.4)"));
  CHECK_THAT(cli::verdict_text(m, t),
             Catch::EndsWith("replies do not leave through the load balancer, so the client never gets an "
                             "answer"));
  // A backend by name has no internet entry of its own: explain follows lb-web's https rule, which analyze says
  // reaches its 8443 (docs/model.md, "Explaining one flow"). --backend does not apply to a target that fits one
  // ip configuration.
  const auto b = solver::explain(m, query("52.10.20.30", "vm-web-1", 8443));
  CHECK(b.status == FlowTrace::Status::kOk);
  CHECK(b.allowed);
  CHECK(b.redirected_from == "vm-web-1");
  REQUIRE(b.load_balancer >= 0);
  CHECK(m.load_balancers[b.load_balancer].name == "lb-web");
  auto q = query("52.10.20.30", "vm-web-1", 8443);
  q.backend = "vm-web-1";
  CHECK(solver::explain(m, q).status == FlowTrace::Status::kBadBackend);
}

TEST_CASE("explain: a return route to an appliance stops the flow at the route hop", "[solver][explain]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"allow-ssh", 100, kAllow, tcp(), {"*"}, {"22"}}})
      .route_table("rt", "0.0.0.0/0", NextHopType::kInternet)
      .route("rt", "52.0.0.0/8", NextHopType::kVirtualAppliance)
      .subnet("v", "s", "10.0.0.0/24", "nsg", "rt")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  const auto m = b.done();
  auto t = solver::explain(m, query("52.1.2.3", "vm", 22));
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{
                                     "source pass",
                                     "entry pass pip",
                                     "nsg(subnet) pass nsg/allow-ssh",
                                     "no-nsg(nic) pass",
                                     "route stop route-52.0.0.0/8",
                                 });
  CHECK(cli::verdict_text(m, t) ==
        "broken at route: the reply to 52.1.2.3 takes route 'route-52.0.0.0/8' (52.0.0.0/8 -> "
        "VirtualAppliance) of route table 'rt': replies do not leave through the public IP, so the "
        "client never gets an answer");
  t = solver::explain(m, query("20.1.2.3", "vm", 22));
  CHECK(trace_hop_lines(m, t).back() == "route pass route-0.0.0.0/0");
  CHECK(t.allowed);
}

TEST_CASE("explain: Standard and Basic public IPs without any NSG", "[solver][explain]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .subnet("v", "s", "10.0.0.0/24")
      .public_ip("pip-std", "20.0.0.1", Sku::kStandard)
      .public_ip("pip-basic", "20.0.0.2", Sku::kBasic)
      .vm("std", "v", "s", "10.0.0.4", "pip-std")
      .vm("basic", "v", "s", "10.0.0.5", "pip-basic");
  const auto m = b.done();
  auto t = solver::explain(m, query("52.1.2.3", "std", 22));
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{"source pass", "entry pass pip-std", "no-nsg(subnet) pass",
                                                          "no-nsg(nic) stop", "route pass system (unreached)"});
  CHECK(cli::verdict_text(m, t) ==
        "denied at no-nsg (nic): no NSG on the subnet or the NIC: a Standard public IP admits nothing "
        "unless an NSG allows it");
  t = solver::explain(m, query("52.1.2.3", "basic", 0, Protocol::kIcmp));
  CHECK(t.allowed);
  CHECK(cli::hop_text(m, t.hops[3]) ==
        "no NSG on the subnet or the NIC: a Basic public IP is open on every port where no NSG "
        "applies");
}

namespace {

/// The cross-checks below take `test::rounds(N)` probes: all N in Release, a fifth under the sanitizers, with the
/// same seeds (tests/test_scale.h).
/// For `probes` random packets to the ip configurations with a public IP: explain's verdict is membership
/// in analyze()'s exposures, and the deciding rules at both NSG scopes are the exposure's path.
/// Cross-checks the public-IP entries of `m` (load balancers: cross_check_lb); returns false
/// when `m` has no ip configuration with a public IP of its own.
bool cross_check(const model::Model& m, std::mt19937_64& rng, int probes) {
  const auto analysis = solver::analyze(m);
  std::vector<std::pair<int, int>> targets;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    for (std::size_t c = 0; c < m.nics[n].ip_configurations.size(); ++c) {
      if (m.nics[n].ip_configurations[c].public_ip.set()) targets.emplace_back(n, c);
    }
  }
  if (targets.empty()) return false;
  std::vector<model::IpAddress> sources;
  for (const char* a : {"52.10.20.30", "203.0.113.7", "10.30.0.4", "168.63.129.16", "52.233.10.7", "81.2.69.200",
                        "81.2.69.129", "2a01:111::1", "2001:db8::1", "20.1.2.3", "52.1.2.3"}) {
    sources.push_back(*model::IpAddress::parse(a));
  }
  for (const auto& nsg : m.nsgs) {  // addresses at the edges of every rule's source prefixes
    for (const auto& r : nsg.rules) {
      for (const auto& p : r.source.prefixes) {
        sources.push_back(p.address);
        sources.push_back(model::IpAddress{p.last()});
        sources.push_back(model::IpAddress{p.last() + 1});
      }
    }
  }
  const std::vector<int> ports = {22, 80, 443, 3389, 5985, 5986, 8080, 0, 65535};
  const std::vector<Protocol> protocols = {Protocol::kTcp, Protocol::kTcp,  Protocol::kTcp,
                                           Protocol::kUdp, Protocol::kIcmp, Protocol::kEsp};
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  // Mostly sources of the target's family: a random address, or one from the pool.
  auto random_source = [&](model::IpFamily family) {
    if (rng() % 4 == 0) {
      if (family == model::IpFamily::kV4) return model::IpAddress::v4(static_cast<std::uint32_t>(rng()));
      return model::IpAddress{(static_cast<model::U128>(0x2000 | (rng() & 0x1fff)) << 112) | rng()};
    }
    for (;;) {
      const auto& a = sources[pick(sources.size())];
      if (a.family() == family || rng() % 8 == 0) return a;
    }
  };
  int allowed = 0;
  for (int i = 0; i < probes; ++i) {
    const auto [n, c] = targets[pick(targets.size())];
    const auto& cfg = m.nics[n].ip_configurations[c];
    FlowQuery q;
    q.source = random_source(cfg.family);
    q.target = model::ip_configuration_id(m.nics[n], cfg);
    q.protocol = protocols[pick(protocols.size())];
    q.destination_port = static_cast<std::uint16_t>(rng() % 3 == 0 ? rng() % 65536 : ports[pick(ports.size())]);
    q.source_port = static_cast<std::uint16_t>(rng() % 4 == 0 ? rng() % 65536 : 49152);
    const auto t = solver::explain(m, q);
    REQUIRE(t.status == FlowTrace::Status::kOk);
    // A source inside the estate's VNets to an ip configuration is an east-west flow, which
    // tests/explain_east_west_agreement_test.cpp checks against reach().
    if (t.east_west) continue;
    REQUIRE(t.nic == n);
    REQUIRE(t.ip_configuration == c);
    const solver::Exposure* hit = nullptr;
    for (const auto& e : analysis.exposures) {
      if (e.via != solver::Via::kPublicIp || e.nic != n || e.ip_configuration != c || e.protocol != q.protocol ||
          !e.sources.contains(q.source.value)) {
        continue;
      }
      if (model::has_ports(q.protocol) &&
          (!e.ports.contains(q.destination_port) || !e.source_ports.contains(q.source_port))) {
        continue;
      }
      REQUIRE(hit == nullptr);  // a packet lies in at most one exposure
      hit = &e;
    }
    INFO(fmt::format("{} {} -> {} port {} sport {}", model::to_string(q.protocol), q.source.to_string(), q.target,
                     q.destination_port, q.source_port));
    INFO(cli::verdict_text(m, t));
    REQUIRE(t.allowed == (hit != nullptr));
    if (!hit) continue;
    ++allowed;
    std::vector<std::pair<int, int>> want, got;  // (NSG or -1, rule) at subnet and NIC
    for (const auto& h : hit->path) {
      if (h.kind == solver::Hop::Kind::kNsg || h.kind == solver::Hop::Kind::kNoNsg) {
        want.emplace_back(h.kind == solver::Hop::Kind::kNsg ? h.resource : -2, h.rule);
      }
    }
    for (const auto& h : t.hops) {
      if (h.kind == TraceHop::Kind::kNsg || h.kind == TraceHop::Kind::kNoNsg) {
        got.emplace_back(h.kind == TraceHop::Kind::kNsg ? h.resource : -2, h.rule);
      }
    }
    CHECK(got == want);
    CHECK(hit->public_ip == t.public_ip);
  }
  // Every estate with a public-IP exposure must see some allowed probes (hub-and-spoke has none: its one
  // public IP is behind a route to the firewall). That floor over the full probes only: the sanitized build's fifth
  // may miss an estate's few open ports (tests/test_scale.h); there an allowed probe still needs such an exposure.
  const bool any_public =
      std::any_of(analysis.exposures.begin(), analysis.exposures.end(), [](const solver::Exposure& e) {
        // An instance public IP: not a Bastion's or gateway's own (no NIC).
        return e.via == solver::Via::kPublicIp && e.nic >= 0;
      });
  CHECK((allowed == 0 || any_public));
  if (test::kRoundDivisor == 1) CHECK((allowed > 0) == any_public);
  return true;
}

/// For `probes` random packets to the public load balancer frontends of `m`: explain's verdict is membership in
/// analyze()'s load-balancer exposures with the same entry public IP, entry port, rule, target and backend port,
/// and the deciding rules at both NSG scopes are the exposure's path. Returns false when `m` has no public
/// frontend with an address.
bool cross_check_lb(const model::Model& m, std::mt19937_64& rng, int probes) {
  const auto analysis = solver::analyze(m);
  std::vector<std::pair<int, int>> frontends;
  for (std::size_t l = 0; l < m.load_balancers.size(); ++l) {
    const auto& fes = m.load_balancers[l].frontends;
    for (std::size_t f = 0; f < fes.size(); ++f) {
      if (fes[f].public_ip.resolved() && m.public_ips[fes[f].public_ip.index].address) frontends.emplace_back(l, f);
    }
  }
  if (frontends.empty()) return false;
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::vector<model::IpAddress> sources;
  for (const char* a : {"52.10.20.30", "52.233.10.7", "52.233.10.255", "52.233.11.0", "203.0.113.7", "10.50.1.9",
                        "20.1.2.3", "52.1.2.3", "81.2.69.200", "2a01:111::1"}) {
    sources.push_back(*model::IpAddress::parse(a));
  }
  const std::vector<Protocol> protocols = {Protocol::kTcp, Protocol::kTcp, Protocol::kTcp, Protocol::kUdp,
                                           Protocol::kIcmp};
  int allowed = 0;
  int nat = 0;
  int stopped_at_lb = 0;
  for (int i = 0; i < probes; ++i) {
    const auto [l, f] = frontends[pick(frontends.size())];
    const auto& lb = m.load_balancers[l];
    const auto& pip = m.public_ips[lb.frontends[f].public_ip.index];
    std::vector<int> ports = {22, 80, 443, 81};
    for (const auto& r : lb.rules) ports.insert(ports.end(), {r.frontend_port, r.frontend_port + 1});
    for (const auto& r : lb.nat_rules) {
      ports.push_back(r.frontend_port);
      if (r.frontend_port_range_start) {
        for (int p = *r.frontend_port_range_start; p <= *r.frontend_port_range_end + 1; ++p) ports.push_back(p);
      }
    }
    FlowQuery q;
    q.source = rng() % 4 == 0 ? model::IpAddress::v4(static_cast<std::uint32_t>(rng())) : sources[pick(sources.size())];
    q.target = rng() % 2 ? pip.address->to_string() : pip.name;
    q.protocol = protocols[pick(protocols.size())];
    q.destination_port = static_cast<std::uint16_t>(ports[pick(ports.size())] % 65536);
    q.source_port = static_cast<std::uint16_t>(rng() % 4 == 0 ? rng() % 65536 : 49152);
    auto t = solver::explain(m, q);
    REQUIRE(t.status == FlowTrace::Status::kOk);
    REQUIRE(t.hops.size() >= 3);
    REQUIRE(t.hops[2].kind == TraceHop::Kind::kLoadBalancer);
    if (t.hops[2].backends.size() > 1 && rng() % 2) {                      // another member, chosen with --backend
      const auto x = t.hops[2].backends[pick(t.hops[2].backends.size())];  // a copy: t is replaced
      q.backend = m.nics[x.nic].ip_configurations[x.ip_configuration].private_ip->to_string();
      t = solver::explain(m, q);
      REQUIRE(t.status == FlowTrace::Status::kOk);
      REQUIRE(t.nic == x.nic);
    }
    const TraceHop& h = t.hops[2];
    INFO(fmt::format("{} {} -> {} port {} sport {} backend '{}'", model::to_string(q.protocol), q.source.to_string(),
                     q.target, q.destination_port, q.source_port, q.backend));
    INFO(cli::verdict_text(m, t));
    const bool ported = model::has_ports(q.protocol);
    auto same_flow = [&](const solver::Exposure& e) {
      return e.load_balancer == l && e.frontend == f && e.public_ip == lb.frontends[f].public_ip.index &&
             e.protocol == q.protocol && e.sources.contains(q.source.value) &&
             (!ported || (e.entry_ports.contains(q.destination_port) && e.source_ports.contains(q.source_port)));
    };
    if (h.lb_rule < 0 || t.nic < 0) {  // no rule, or no backend: nothing of this flow is exposed
      ++stopped_at_lb;
      CHECK_FALSE(t.allowed);
      for (const auto& e : analysis.exposures) CHECK_FALSE(same_flow(e));
      continue;
    }
    const auto via = h.lb_nat ? solver::Via::kLoadBalancerNat : solver::Via::kLoadBalancer;
    const solver::Exposure* hit = nullptr;
    for (const auto& e : analysis.exposures) {
      if (!same_flow(e) || e.via != via || e.nic != t.nic || e.ip_configuration != t.ip_configuration) continue;
      if (ported && !e.ports.contains(static_cast<std::uint16_t>(h.backend_port))) continue;
      bool same_rule = false;
      for (const auto& ph : e.path) {
        if (ph.kind == solver::Hop::Kind::kLoadBalancer) same_rule = ph.rule == h.lb_rule;
      }
      if (!same_rule) continue;
      REQUIRE(hit == nullptr);
      hit = &e;
    }
    REQUIRE(t.allowed == (hit != nullptr));
    if (!hit) continue;
    ++allowed;
    nat += h.lb_nat ? 1 : 0;
    std::vector<std::pair<int, int>> want, got;
    for (const auto& ph : hit->path) {
      if (ph.kind == solver::Hop::Kind::kNsg || ph.kind == solver::Hop::Kind::kNoNsg) {
        want.emplace_back(ph.kind == solver::Hop::Kind::kNsg ? ph.resource : -2, ph.rule);
      }
    }
    for (const auto& th : t.hops) {
      if (th.kind == TraceHop::Kind::kNsg || th.kind == TraceHop::Kind::kNoNsg) {
        got.emplace_back(th.kind == TraceHop::Kind::kNsg ? th.resource : -2, th.rule);
      }
    }
    CHECK(got == want);
  }
  if (test::kRoundDivisor == 1) {  // the probes' coverage, over the full probes only (as in cross_check)
    CHECK(allowed > 0);
    CHECK(nat > 0);
    CHECK(stopped_at_lb > 0);
  }
  return true;
}
}  // namespace

TEST_CASE("explain agrees with analyze on every example and on random packets", "[solver][explain]") {
  std::mt19937_64 rng(20261122);
  int checked = 0;
  for (const auto& e : fs::directory_iterator(fs::path(EXPOSIM_SOURCE_DIR) / "examples")) {
    if (!e.is_directory()) continue;
    INFO(e.path().filename().string());
    checked += cross_check(load_example(e.path().filename().string()), rng, test::rounds(400)) ? 1 : 0;
  }
  CHECK(checked >= 3);
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"deny-office", 100, kDeny, any_protocol(), {"52.233.10.0/24"}, {"*"}},
                   {"allow-ssh", 110, kAllow, tcp(), {"52.0.0.0/8", "20.0.0.0/8"}, {"22"}},
                   {"allow-web", 120, kAllow, tcp(), {"Internet"}, {"80", "443"}}})
      .route_table("rt", "52.1.0.0/16", NextHopType::kVirtualAppliance)
      .subnet("v", "s", "10.0.0.0/24", "nsg", "rt")
      .subnet("v", "open", "10.0.1.0/24")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .public_ip("pip-basic", "20.0.0.2", Sku::kBasic)
      .vm("vm", "v", "s", "10.0.0.4", "pip")
      .vm("basic", "v", "open", "10.0.1.4", "pip-basic");
  CHECK(cross_check(b.done(), rng, test::rounds(400)));

  // --allow-missing: NSGs, subnets and a public IP absent from the input are assumed to admit everything.
  const auto dir = fs::path(EXPOSIM_SOURCE_DIR) / "examples" / "open-management";
  model::Model partial;
  model::Diagnostics diags;
  importers::azure::import_files({(dir / "nics.json").string()}, partial, diags);
  model::validate(partial, diags, model::ValidateOptions{true});
  REQUIRE_FALSE(diags.has_errors());
  CHECK(cross_check(partial, rng, test::rounds(200)));
  const auto t = solver::explain(partial, query("52.10.20.30", "jumpboxVMNic", 0, Protocol::kUdp));
  CHECK(trace_hop_lines(partial, t) == std::vector<std::string>{"source pass", "entry pass", "nsg(subnet) pass",
                                                                "nsg(nic) pass", "route pass system"});
  CHECK_THAT(cli::hop_text(partial, t.hops[1]),
             Catch::StartsWith("a public IP not in the input (assumed Basic SKU) maps to"));
}

TEST_CASE("explain agrees with analyze through load balancers", "[solver][explain]") {
  std::mt19937_64 rng(20261123);
  CHECK(cross_check_lb(load_example("web-behind-lb"), rng, test::rounds(600)));
  // Standard with NSGs (floating IP matched by a rule on the frontend's address, NAT v1 and v2), Basic without.
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"allow-floating", 100, kAllow, tcp(), {"Internet"}, {"443"}, {"20.0.0.1"}},
                   {"deny-office", 110, kDeny, any_protocol(), {"52.233.10.0/24"}, {"*"}},
                   {"allow-web", 120, kAllow, tcp(), {"Internet"}, {"8080"}, {"10.0.0.0/24"}},
                   {"allow-ssh", 130, kAllow, tcp(), {"52.0.0.0/8"}, {"22"}},
                   {"allow-dns", 140, kAllow, udp(), {"*"}, {"53"}}})
      .nsg("nic-nsg", {{"deny-2222", 100, kDeny, tcp(), {"*"}, {"2222"}}})
      .route_table("rt", "52.1.0.0/16", NextHopType::kVirtualAppliance)
      .subnet("v", "s", "10.0.0.0/24", "nsg", "rt")
      .subnet("v", "open", "10.0.1.0/24")
      .public_ip("pip-std", "20.0.0.1", Sku::kStandard)
      .public_ip("pip-basic", "20.0.0.2", Sku::kBasic)
      .vm("a", "v", "s", "10.0.0.4", "", "nic-nsg")
      .vm("b", "v", "s", "10.0.0.5")
      .vm("c", "v", "s", "10.0.0.6")
      .vm("d", "v", "open", "10.0.1.4")
      .vm("e", "v", "open", "10.0.1.5")
      .load_balancer("lb-std", Sku::kStandard, "pip-std")
      .lb_member("lb-std", "a")
      .lb_member("lb-std", "b")
      .lb_member("lb-std", "c")
      .lb_rule("lb-std", "web", tcp(), 80, 8080)
      .lb_rule("lb-std", "floating", tcp(), 443, 443, true)
      .lb_rule("lb-std", "dns", udp() | tcp(), 53, 53)
      .lb_nat_rule("lb-std", "ssh-a", tcp(), 50001, 22, "a")
      .lb_nat_rule("lb-std", "ssh-b", tcp(), 50002, 2222, "b")
      .lb_nat_range("lb-std", "ssh-range", tcp(), 60000, 60001, 22)
      .load_balancer("lb-basic", Sku::kBasic, "pip-basic")
      .lb_member("lb-basic", "d")
      .lb_member("lb-basic", "e")
      .lb_rule("lb-basic", "rdp", tcp(), 3389, 3389)
      .lb_rule("lb-basic", "any-udp", udp(), 500, 4500)
      .lb_nat_rule("lb-basic", "ssh-d", tcp(), 50001, 22, "d")
      .lb_nat_range("lb-basic", "range", tcp(), 61000, 61004, 2200);
  const auto m = b.done();
  CHECK(cross_check_lb(m, rng, test::rounds(1500)));

  // Floating IP: allow-floating names the frontend's address, which the NSG sees as the destination.
  auto q = query("81.2.69.200", "20.0.0.1", 443);
  q.backend = "b";
  auto t = solver::explain(m, q);
  CHECK(trace_hop_lines(m, t) ==
        std::vector<std::string>{"source pass", "entry pass pip-std", "load-balancer pass lb-std/floating",
                                 "nsg(subnet) pass nsg/allow-floating", "no-nsg(nic) pass", "route pass system"});
  CHECK_THAT(cli::hop_text(m, t.hops[3]), Catch::Contains("destination covers 20.0.0.1"));
  // Without floating IP the same address does not match: allow-web names the backend's subnet instead.
  t = solver::explain(m, query("81.2.69.200", "20.0.0.1", 80));
  CHECK(trace_hop_lines(m, t)[3] == "nsg(subnet) pass nsg/allow-web");
  CHECK(m.vms[t.vm].name == "a");
  // v2 range of two ports over three members: the third gets none, and the trace stops at the load balancer.
  t = solver::explain(m, query("52.1.2.3", "20.0.0.1", 60001));
  CHECK(m.vms[t.vm].name == "b");
  t = solver::explain(m, query("52.1.2.3", "20.0.0.1", 60002));
  CHECK(trace_hop_lines(m, t).back() == "load-balancer stop lb-std");
  // A Standard load balancer in front of an NSG-less backend admits nothing; a Basic one admits everything.
  t = solver::explain(m, query("52.1.2.3", "20.0.0.2", 61001));
  CHECK(t.allowed);
  CHECK(m.vms[t.vm].name == "e");
  CHECK(cli::hop_text(m, t.hops[4]) ==
        "no NSG on the subnet or the NIC: a Basic load balancer is open on every port where no "
        "NSG applies");
}

}  // namespace exposim

namespace exposim::testing {
namespace {

/// The DNAT rule (position in the firewall's order) that a flow enters through: a firewall-dnat exposure's own, or
/// the DNAT rule to an application gateway's private frontend on a gateway backend's path; -1 for any other flow.
int dnat_rule_of(const solver::Exposure& e) {
  if (e.via == solver::Via::kFirewallDnat) return e.gateway_rule;
  if (e.via != solver::Via::kApplicationGateway) return -1;
  for (const auto& h : e.path) {
    if (h.kind == solver::HopKind::kFirewall && std::string_view(h.scope) == "dnat") return h.rule;
  }
  return -1;
}

/// A DNAT exposure (of the firewall itself when `nic` < 0; a gateway backend's behind a DNAT rule to its private
/// frontend) holding the packet, or nullptr.
const solver::Exposure* dnat_hit(const std::vector<solver::Exposure>& exposures, int nic, const FlowQuery& q) {
  const solver::Exposure* hit = nullptr;
  for (const auto& e : exposures) {
    if (dnat_rule_of(e) < 0 || e.nic != nic || e.protocol != q.protocol) continue;
    if (!e.sources.contains(q.source.value) || !e.entry_ports.contains(q.destination_port)) continue;
    REQUIRE(hit == nullptr);
    hit = &e;
  }
  return hit;
}

/// A broken DNAT flow of analyze to ip configuration `nic` holding the packet, or nullptr.
const solver::Exposure* dnat_broken(const std::vector<solver::Exposure>& broken, int nic, const FlowQuery& q) {
  for (const auto& e : broken) {
    if (dnat_rule_of(e) < 0 || e.nic != nic || e.protocol != q.protocol) continue;
    if (e.sources.contains(q.source.value) && e.entry_ports.contains(q.destination_port)) return &e;
  }
  return nullptr;
}

/// Random probes to firewall `f`'s public addresses (by address or by name, `targets`): the firewall accepts
/// exactly the packets of its own DNAT exposures, by the same rule, and the translated target is reached (broken)
/// exactly when analyze reports the DNAT exposure (broken flow) of that target by that rule.
void cross_check_dnat(const model::Model& m, int f, const std::vector<std::string>& targets,
                      const std::vector<const char*>& sources, const std::vector<int>& ports, std::mt19937_64& rng,
                      int probes, int& allowed, int& denied, int& broken) {
  const auto analysis = solver::analyze(m);
  for (int i = 0; i < probes; ++i) {
    FlowQuery q;
    q.source = *model::IpAddress::parse(sources[rng() % sources.size()]);
    q.target = targets[rng() % targets.size()];
    q.protocol = rng() % 5 == 0 ? Protocol::kUdp : Protocol::kTcp;
    q.destination_port = static_cast<std::uint16_t>(ports[rng() % ports.size()]);
    const auto t = solver::explain(m, q);
    REQUIRE(t.status == FlowTrace::Status::kOk);
    INFO(q.source.to_string() << " -> " << q.target << " port " << q.destination_port << ": "
                              << cli::verdict_text(m, t));
    REQUIRE(t.firewall == f);
    const auto* own = dnat_hit(analysis.exposures, -1, q);
    CHECK((own != nullptr) == (t.firewall_rule >= 0));
    if (own != nullptr) CHECK(dnat_rule_of(*own) == t.firewall_rule);
    if (own != nullptr) {  // the firewall's own stages (source, entry, DNAT rule) are the head of the trace
      REQUIRE(t.hops.size() >= 3);
      REQUIRE(own->path.size() >= 3);
      for (std::size_t k = 0; k < 3; ++k) CHECK(t.hops[k].kind == own->path[k].kind);
      CHECK(t.hops[2].rule == own->path[2].rule);
      CHECK(t.hops[2].passes);
    }
    if (t.nic < 0) {
      ++denied;
      continue;
    }
    const auto* hit = dnat_hit(analysis.exposures, t.nic, q);
    const auto* lost = dnat_broken(analysis.broken, t.nic, q);
    CHECK(t.allowed == (hit != nullptr));
    CHECK(t.broken == (lost != nullptr));
    if (hit != nullptr) CHECK(dnat_rule_of(*hit) == t.firewall_rule);
    if (lost != nullptr) CHECK(dnat_rule_of(*lost) == t.firewall_rule);
    allowed += t.allowed ? 1 : 0;
    broken += t.broken ? 1 : 0;
    denied += !t.allowed && !t.broken ? 1 : 0;
  }
}

TEST_CASE("explain agrees with analyze through firewall DNAT", "[solver][explain][firewall]") {
  std::mt19937_64 rng(20261124);
  int allowed = 0;
  int denied = 0;
  int broken = 0;
  cross_check_dnat(
      load_example("hub-and-spoke"), 0, {"20.50.60.70", "fw-hub"},
      {"81.2.69.200", "52.30.1.1", "52.40.7.7", "52.29.255.255", "10.1.1.4", "198.51.100.9", "2a01:111::1"},
      {2222, 443, 3389, 8080, 22, 25, 80}, rng, 300, allowed, denied, broken);
  CHECK(allowed > 0);
  CHECK(denied > 0);

  // DNAT to an internal load balancer's frontend (its first member traced), and to an application gateway's private
  // frontend (its first backend traced): tests/path_estates.h.
  const std::vector<const char*> clients = {"81.2.69.200", "52.30.1.1", "10.0.4.9", "2a01:111::1"};
  for (const auto& e : {path_estates::dnat_to_internal_lb(), path_estates::dnat_to_gateway()}) {
    int through_allowed = 0;
    int through_denied = 0;
    const auto r = gateway_estate::run(e.resources);
    REQUIRE_FALSE(r.diags.has_errors());
    cross_check_dnat(r.m, 0, {"20.1.1.1", "fw"}, clients, {50000, 443, 3389, 80, 22}, rng, 150, through_allowed,
                     through_denied, broken);
    CHECK(through_allowed > 0);
    CHECK(through_denied > 0);
  }
}

TEST_CASE("explain agrees with analyze through a secured virtual hub firewall's public address",
          "[solver][explain][firewall][virtual-wan]") {
  std::mt19937_64 rng(20261127);
  int allowed = 0;
  int denied = 0;
  int broken = 0;
  const auto m = load_example("vwan-secured-hub-dnat");
  cross_check_dnat(
      m, 0, {"20.50.0.1", "fw-hub"},
      {"52.10.1.1", "52.10.255.254", "52.11.0.1", "81.2.69.200", "10.1.1.4", "198.51.100.9", "2a01:111::1"},
      {2222, 8443, 3389, 22, 443, 80}, rng, 400, allowed, denied, broken);
  CHECK(allowed > 0);
  CHECK(denied > 0);
  CHECK(broken > 0);
}

TEST_CASE("explain: an allowed and a denied flow through the hub firewall, hop by hop", "[solver][explain][firewall]") {
  const auto m = load_example("hub-and-spoke");
  auto labels = [](const FlowTrace& t) {
    std::vector<std::string> out;
    for (const auto& h : t.hops) {
      out.push_back(std::string(solver::to_string(h.kind)) + (*h.scope ? std::string("(") + h.scope + ")" : "") +
                    (h.passes ? " pass" : " stop"));
    }
    return out;
  };
  auto allowed = solver::explain(m, query("81.2.69.200", "20.50.60.70", 2222));
  CHECK(allowed.allowed);
  CHECK(labels(allowed) == std::vector<std::string>{"source pass", "entry pass", "firewall pass", "route(forward) pass",
                                                    "nsg(subnet) pass", "no-nsg(nic) pass", "route(return) pass"});
  CHECK(cli::verdict_text(m, allowed) ==
        "allowed: tcp 81.2.69.200 -> 20.50.60.70:2222 reaches ip configuration 'ipconfig1' of NIC 'vm-jump-nic' "
        "(10.1.1.4) on port 22 through firewall 'fw-hub' (DNAT rule 'ssh-to-jump'), and replies return");
  {  // the decisions as data: the entry address, the DNAT rule's position, the routes both ways, the verdict
    using solver::ReasonCode;
    const auto& fw = m.firewalls[allowed.firewall];
    CHECK(allowed.hops[1].why.code == ReasonCode::kFirewallEntry);
    CHECK(allowed.hops[1].why.address->to_string() == "20.50.60.70");
    CHECK(allowed.hops[2].why.code == ReasonCode::kDnatRule);
    CHECK(allowed.hops[2].why.rule == allowed.firewall_rule);
    CHECK(solver::rule_at(m, fw, fw.order[allowed.hops[2].why.rule]).name == "ssh-to-jump");
    CHECK(allowed.hops[3].why.code == ReasonCode::kFirewallForward);
    CHECK(allowed.hops[3].why.address->to_string() == "10.1.1.4");
    CHECK_FALSE(allowed.hops[4].why.nsg.snat.empty());  // the NSG sees the firewall's SNAT addresses
    CHECK(allowed.hops[6].why.code == ReasonCode::kFirewallReturn);
    CHECK(allowed.hops[6].why.passes);
    CHECK(allowed.verdict.why.code == ReasonCode::kAllowedDnat);
    CHECK(allowed.verdict.why.backend_port == 22);
    CHECK(allowed.verdict.why.target.nic == allowed.nic);
  }
  // rdp-to-db admits 52.30.0.0/16 at the firewall, but nsg-db denies 3389 from VirtualNetwork (the SNAT source).
  auto denied = solver::explain(m, query("52.30.1.1", "fw-hub", 3389));
  CHECK_FALSE(denied.allowed);
  CHECK(denied.stopped_at == 4);
  CHECK(m.nsgs[denied.hops[4].resource].rules[denied.hops[4].rule].name == "deny-rdp-from-vnet");
  // legacy-web: every filter passes, the reply does not return (asymmetric).
  auto broken = solver::explain(m, query("81.2.69.200", "pip-fw", 8080));
  CHECK_FALSE(broken.allowed);
  CHECK(broken.stopped_at == 6);
  CHECK_THAT(cli::verdict_text(m, broken), Catch::StartsWith("broken at route (return): asymmetric routing"));
  CHECK(broken.verdict.why.code == solver::ReasonCode::kFirewallReturn);
  CHECK_FALSE(broken.verdict.why.passes);
  CHECK(broken.verdict.why.route.user);
  // A port no DNAT rule takes stops at the firewall.
  auto dropped = solver::explain(m, query("81.2.69.200", "20.50.60.70", 25));
  CHECK(dropped.stopped_at == 2);
  CHECK(dropped.nic == -1);
  CHECK(dropped.verdict.why.code == solver::ReasonCode::kDnatNoRule);
  CHECK(dropped.verdict.why.flow.destination_port == 25);
}

}  // namespace
}  // namespace exposim::testing

// ---- application gateways, Bastion, PaaS public endpoints and private endpoints ----
// Expected hops worked out by hand from examples/app-gateway-waf/README.md and examples/paas-private-link/README.md.

namespace exposim::testing {
namespace {

nlohmann::json example_json(const std::string& name) {
  std::ifstream in(fs::path(EXPOSIM_SOURCE_DIR) / "examples" / name / "estate.json");
  return nlohmann::json::parse(in);
}

model::Model load_json(const nlohmann::json& doc) {
  model::Model m;
  model::Diagnostics diags;
  importers::azure::import_text(doc.dump(), "estate.json", m, diags);
  model::validate(m, diags);
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

nlohmann::json& resource(nlohmann::json& doc, const std::string& name) {
  for (auto& r : doc["value"]) {
    if (r["name"] == name) return r;
  }
  FAIL("no resource " << name);
  throw std::logic_error("unreachable");
}

/// The app-gateway-waf estate without nsg-web's allow-agw-8080: deny-all (4000) then denies the gateway subnet.
model::Model gateway_backend_denied() {
  auto doc = example_json("app-gateway-waf");
  auto& rules = resource(doc, "nsg-web")["properties"]["securityRules"];
  for (std::size_t i = 0; i < rules.size(); ++i) {
    if (rules[i]["name"] == "allow-agw-8080") rules.erase(i);
  }
  return load_json(doc);
}

/// The app-gateway-waf estate with a route table on `web` sending 10.0.2.0/24 (the gateway subnet) to an
/// appliance: the backends' replies to the gateway go elsewhere than the connection came (asymmetric).
model::Model gateway_backend_asymmetric() {
  auto doc = example_json("app-gateway-waf");
  const std::string rt =
      "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-edge/providers/"
      "Microsoft.Network/routeTables/rt-web";
  doc["value"].push_back({{"id", rt},
                          {"name", "rt-web"},
                          {"type", "Microsoft.Network/routeTables"},
                          {"location", "westeurope"},
                          {"properties",
                           {{"routes",
                             {{{"name", "gateway-via-nva"},
                               {"properties",
                                {{"addressPrefix", "10.0.2.0/24"},
                                 {"nextHopType", "VirtualAppliance"},
                                 {"nextHopIpAddress", "10.0.9.4"}}}}}}}}});
  for (auto& s : resource(doc, "vnet-hub")["properties"]["subnets"]) {
    if (s["name"] == "web") s["properties"]["routeTable"] = {{"id", rt}};
  }
  return load_json(doc);
}

/// The app-gateway-waf estate with an Azure Firewall `fw-web` (10.0.4.4, AzureFirewallSubnet 10.0.4.0/26 added to
/// vnet-hub) between the gateway subnet and `web`: `appgw` routes 10.0.3.0/24 and `web` routes 10.0.2.0/24 to it, so
/// both directions cross it. Its policy: `deny-web-2` denies 8080 to 10.0.3.5 (vm-web-2); `allow-half` allows 8080
/// from the lower half of the gateway subnet (10.0.2.0/25) to `web`; nothing else (default deny).
model::Model gateway_backend_firewalled() {
  auto doc = example_json("app-gateway-waf");
  const std::string rg =
      "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-edge/providers/"
      "Microsoft.Network/";
  auto& vnet = resource(doc, "vnet-hub");
  vnet["properties"]["subnets"].push_back({{"id", rg + "virtualNetworks/vnet-hub/subnets/AzureFirewallSubnet"},
                                           {"name", "AzureFirewallSubnet"},
                                           {"properties", {{"addressPrefix", "10.0.4.0/26"}}}});
  auto route_table = [&](const std::string& name, const std::string& prefix) {
    doc["value"].push_back({{"id", rg + "routeTables/" + name},
                            {"name", name},
                            {"type", "Microsoft.Network/routeTables"},
                            {"location", "westeurope"},
                            {"properties",
                             {{"routes",
                               {{{"name", "to-fw"},
                                 {"properties",
                                  {{"addressPrefix", prefix},
                                   {"nextHopType", "VirtualAppliance"},
                                   {"nextHopIpAddress", "10.0.4.4"}}}}}}}}});
  };
  route_table("rt-appgw", "10.0.3.0/24");
  route_table("rt-web", "10.0.2.0/24");
  for (auto& sub : resource(doc, "vnet-hub")["properties"]["subnets"]) {
    if (sub["name"] == "appgw") sub["properties"]["routeTable"] = {{"id", rg + "routeTables/rt-appgw"}};
    if (sub["name"] == "web") sub["properties"]["routeTable"] = {{"id", rg + "routeTables/rt-web"}};
  }
  auto network_rule = [](const std::string& name, const std::string& source, const std::string& destination) {
    return nlohmann::json{{"ruleType", "NetworkRule"},
                          {"name", name},
                          {"ipProtocols", {"TCP"}},
                          {"sourceAddresses", {source}},
                          {"destinationAddresses", {destination}},
                          {"destinationPorts", {"8080"}}};
  };
  doc["value"].push_back({{"id", rg + "firewallPolicies/policy-web"},
                          {"name", "policy-web"},
                          {"type", "Microsoft.Network/firewallPolicies"},
                          {"location", "westeurope"},
                          {"properties", nlohmann::json::object()}});
  doc["value"].push_back({{"id", rg + "firewallPolicies/policy-web/ruleCollectionGroups/rcg"},
                          {"name", "rcg"},
                          {"type", "Microsoft.Network/firewallPolicies/ruleCollectionGroups"},
                          {"properties",
                           {{"priority", 200},
                            {"ruleCollections",
                             {{{"ruleCollectionType", "FirewallPolicyFilterRuleCollection"},
                               {"name", "deny-web-2"},
                               {"priority", 100},
                               {"action", {{"type", "Deny"}}},
                               {"rules", {network_rule("no-vm-web-2", "*", "10.0.3.5")}}},
                              {{"ruleCollectionType", "FirewallPolicyFilterRuleCollection"},
                               {"name", "allow-half"},
                               {"priority", 200},
                               {"action", {{"type", "Allow"}}},
                               {"rules", {network_rule("low-half", "10.0.2.0/25", "10.0.3.0/24")}}}}}}}});
  doc["value"].push_back(
      {{"id", rg + "azureFirewalls/fw-web"},
       {"name", "fw-web"},
       {"type", "Microsoft.Network/azureFirewalls"},
       {"location", "westeurope"},
       {"properties",
        {{"sku", {{"name", "AZFW_VNet"}, {"tier", "Standard"}}},
         {"firewallPolicy", {{"id", rg + "firewallPolicies/policy-web"}}},
         {"ipConfigurations",
          {{{"name", "ipc"},
            {"properties",
             {{"privateIPAddress", "10.0.4.4"},
              {"subnet", {{"id", rg + "virtualNetworks/vnet-hub/subnets/AzureFirewallSubnet"}}}}}}}}}}});
  return load_json(doc);
}

/// examples/vwan-secured-hub-dnat with an application gateway `agw` in a new subnet `agw` (10.1.2.0/24) of
/// vnet-spoke1, public IP 20.90.2.2, listener `l` on 80 -> pool 10.2.1.4 (nic-vm2, in vnet-spoke2) on 443. The spokes
/// are not peered: the hub joins them, and routing intent for private traffic sends both directions through
/// fw-hub (10.100.0.132). With `allow`, policy-hub gains a network rule `agw-to-vm2` (443 from 10.1.2.0/24 to
/// 10.2.1.4); without it the policy has DNAT rules only: default deny.
model::Model gateway_across_hub(bool allow) {
  auto doc = example_json("vwan-secured-hub-dnat");
  const std::string rg =
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-vwan/providers/"
      "Microsoft.Network/";
  const std::string gw = rg + "applicationGateways/agw";
  const std::string subnet = rg + "virtualNetworks/vnet-spoke1/subnets/agw";
  auto ref = [](const std::string& id) { return nlohmann::json{{"id", id}}; };
  resource(doc, "vnet-spoke1")["properties"]["subnets"].push_back(
      {{"id", subnet}, {"name", "agw"}, {"properties", {{"addressPrefix", "10.1.2.0/24"}}}});
  doc["value"].push_back({{"id", rg + "publicIPAddresses/pip-agw"},
                          {"name", "pip-agw"},
                          {"type", "Microsoft.Network/publicIPAddresses"},
                          {"location", "westeurope"},
                          {"sku", {{"name", "Standard"}}},
                          {"properties", {{"ipAddress", "20.90.2.2"}, {"publicIPAllocationMethod", "Static"}}}});
  doc["value"].push_back(
      {{"id", gw},
       {"name", "agw"},
       {"type", "Microsoft.Network/applicationGateways"},
       {"location", "westeurope"},
       {"properties",
        {{"sku", {{"name", "Standard_v2"}, {"tier", "Standard_v2"}}},
         {"gatewayIPConfigurations", {{{"name", "gwip"}, {"properties", {{"subnet", ref(subnet)}}}}}},
         {"frontendIPConfigurations",
          {{{"id", gw + "/frontendIPConfigurations/fe"},
            {"name", "fe"},
            {"properties", {{"publicIPAddress", ref(rg + "publicIPAddresses/pip-agw")}}}}}},
         {"frontendPorts", {{{"id", gw + "/frontendPorts/p80"}, {"name", "p80"}, {"properties", {{"port", 80}}}}}},
         {"httpListeners",
          {{{"id", gw + "/httpListeners/l"},
            {"name", "l"},
            {"properties",
             {{"frontendIPConfiguration", ref(gw + "/frontendIPConfigurations/fe")},
              {"frontendPort", ref(gw + "/frontendPorts/p80")},
              {"protocol", "Http"}}}}}},
         {"backendAddressPools",
          {{{"id", gw + "/backendAddressPools/pool"},
            {"name", "pool"},
            {"properties", {{"backendAddresses", {{{"ipAddress", "10.2.1.4"}}}}}}}}},
         {"backendHttpSettingsCollection",
          {{{"id", gw + "/backendHttpSettingsCollection/s"},
            {"name", "s"},
            {"properties", {{"port", 443}, {"protocol", "Https"}}}}}},
         {"requestRoutingRules",
          {{{"name", "r"},
            {"properties",
             {{"ruleType", "Basic"},
              {"priority", 100},
              {"httpListener", ref(gw + "/httpListeners/l")},
              {"backendAddressPool", ref(gw + "/backendAddressPools/pool")},
              {"backendHttpSettings", ref(gw + "/backendHttpSettingsCollection/s")}}}}}}}}});
  if (allow) {
    doc["value"].push_back({{"id", rg + "firewallPolicies/policy-hub/ruleCollectionGroups/net"},
                            {"name", "net"},
                            {"type", "Microsoft.Network/firewallPolicies/ruleCollectionGroups"},
                            {"properties",
                             {{"priority", 300},
                              {"ruleCollections",
                               {{{"ruleCollectionType", "FirewallPolicyFilterRuleCollection"},
                                 {"name", "spokes"},
                                 {"priority", 100},
                                 {"action", {{"type", "Allow"}}},
                                 {"rules",
                                  {{{"ruleType", "NetworkRule"},
                                    {"name", "agw-to-vm2"},
                                    {"ipProtocols", {"TCP"}},
                                    {"sourceAddresses", {"10.1.2.0/24"}},
                                    {"destinationAddresses", {"10.2.1.4"}},
                                    {"destinationPorts", {"443"}}}}}}}}}}});
  }
  return load_json(doc);
}

}  // namespace

TEST_CASE("explain: through an application gateway to its first backend, hop by hop",
          "[solver][explain][application-gateway]") {
  const auto m = load_example("app-gateway-waf");
  auto t = solver::explain(m, query("81.2.69.200", "20.50.0.20", 443));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{
                                     "source pass",
                                     "entry pass pip-agw",
                                     "nsg(gateway-subnet) pass nsg-appgw/allow-https",
                                     "application-gateway(listener) pass",
                                     "application-gateway(routing) pass",
                                     "route(forward) pass system",
                                     "nsg(subnet) pass nsg-web/allow-agw-8080",
                                     "no-nsg(nic) pass",
                                     "route(return) pass system",
                                 });
  CHECK(t.allowed);
  CHECK_FALSE(t.broken);
  // web-pool: nic-web-1 by its NIC, vm-web-2 by its address 10.0.3.5; the first in NIC-id order is traced.
  CHECK(m.vms[t.vm].name == "vm-web-1");
  CHECK(m.application_gateways[t.application_gateway].listeners[t.listener].name == "l-https");
  CHECK(t.hops[3].waf_mode == model::WafMode::kPrevention);
  CHECK(t.hops[4].backend_port == 8080);
  CHECK(t.hops[4].backends.size() == 2);
  CHECK_THAT(cli::hop_text(m, t.hops[6]),
             Catch::Contains("allow-agw-8080 (100, allow): source '10.0.2.0/24' matches 10.0.2.0/24"));
  CHECK(cli::verdict_text(m, t) ==
        "allowed: tcp 81.2.69.200:49152 -> 20.50.0.20:443 passes listener 'l-https' of application gateway "
        "'agw-edge', which connects to vm-web-1 (10.0.3.4) on port 8080 (rule 'r-https', pool 'web-pool'), "
        "and replies return");
  {  // the decisions as data
    using solver::ReasonCode;
    const auto& g = m.application_gateways[t.application_gateway];
    CHECK(t.hops[2].why.code == ReasonCode::kNsgRuleAtEntry);
    CHECK(t.hops[2].why.entry.kind == model::ResourceKind::kApplicationGateway);
    CHECK(t.hops[3].why.code == ReasonCode::kAgListener);
    CHECK(t.hops[3].why.listener == t.listener);
    CHECK(t.hops[3].why.waf_mode == model::WafMode::kPrevention);
    CHECK(t.hops[3].why.also.empty());
    CHECK(t.hops[4].why.code == ReasonCode::kAgRouting);
    CHECK(g.rules[t.hops[4].why.routing_rule].name == "r-https");
    CHECK(t.hops[4].why.backend == solver::LbBackend::kFirst);
    CHECK(t.hops[4].why.members.size() == 2);
    CHECK(t.hops[4].why.target.nic == t.nic);
    CHECK(t.hops[4].why.backend_port == 8080);
    CHECK(t.hops[4].why.load_balancer == -1);
    CHECK(t.hops[5].why.code == ReasonCode::kForwardRoute);
    CHECK(t.hops[6].why.code == ReasonCode::kNsgRuleForSources);
    CHECK(t.hops[6].why.nsg.who == solver::ForwardedSources::kGatewaySubnet);
    CHECK(model::to_cidr_strings(t.hops[6].why.nsg.matched) == std::vector<std::string>{"10.0.2.0/24"});
    CHECK(t.verdict.why.code == ReasonCode::kAllowedAgBackend);
    CHECK(t.verdict.why.firewall == -1);
    CHECK(t.verdict.why.listener == t.listener);
  }
  // --backend picks the other member; the gateway's name names its public frontend.
  auto q = query("81.2.69.200", "agw-edge", 443);
  q.backend = "10.0.3.5";
  t = solver::explain(m, q);
  CHECK(t.allowed);
  CHECK(m.vms[t.vm].name == "vm-web-2");
  q.backend = "vm-app-1";
  t = solver::explain(m, q);
  CHECK(t.status == FlowTrace::Status::kBadBackend);
  CHECK(t.error.code == solver::QueryErrorCode::kBackendNotGatewayBackend);
  CHECK(t.error.kind == model::ResourceKind::kApplicationGateway);
  CHECK(m.application_gateways[static_cast<std::size_t>(t.error.index)].name == "agw-edge");
  CHECK(cli::query_candidates_text(m, t.error) ==
        std::vector<std::string>{"vm-web-1 (10.0.3.4)", "vm-web-2 (10.0.3.5)"});
}

TEST_CASE("explain: an application gateway flow denied at the gateway subnet, at the backend, or with no listener",
          "[solver][explain][application-gateway]") {
  const auto m = load_example("app-gateway-waf");
  // 80: listener l-http exists, but nsg-appgw's deny-http (120) denies Internet on 80 first.
  auto t = solver::explain(m, query("81.2.69.200", "pip-agw", 80));
  CHECK_FALSE(t.allowed);
  CHECK(t.stopped_at == 2);
  CHECK(trace_hop_lines(m, t)[2] == "nsg(gateway-subnet) stop nsg-appgw/deny-http");
  CHECK(trace_hop_lines(m, t)[3] == "application-gateway(listener) pass (unreached)");
  CHECK_THAT(cli::verdict_text(m, t),
             Catch::StartsWith("denied at nsg (gateway-subnet): deny-http (120, deny): source tag 'Internet'"));
  // 65300: allow-gateway-manager names the unresolved tag GatewayManager (taken as the internet in an allow
  // rule), but no listener is on that port.
  t = solver::explain(m, query("81.2.69.200", "20.50.0.20", 65300));
  CHECK(trace_hop_lines(m, t)[2] == "nsg(gateway-subnet) pass nsg-appgw/allow-gateway-manager");
  CHECK(trace_hop_lines(m, t)[3] == "application-gateway(listener) stop");
  CHECK(t.hops.size() == 4);
  CHECK(cli::verdict_text(m, t) ==
        "denied at application-gateway (listener): no listener of application gateway 'agw-edge' on "
        "frontend 'fe-public' port 65300: the gateway accepts nothing there");
  // UDP is never taken by a listener.
  t = solver::explain(m, query("81.2.69.200", "20.50.0.20", 443, Protocol::kUdp));
  CHECK(t.stopped_at == 2);  // no NSG rule admits UDP 443 (allow-https is TCP): AllowInternetOutBound is outbound
  CHECK_FALSE(t.hops[3].passes);

  // Without allow-agw-8080, nsg-web's deny-all denies the gateway subnet at the backend.
  const auto denied = gateway_backend_denied();
  t = solver::explain(denied, query("81.2.69.200", "20.50.0.20", 443));
  CHECK_FALSE(t.allowed);
  CHECK_FALSE(t.broken);
  CHECK(t.stopped_at == 6);
  CHECK(trace_hop_lines(denied, t)[6] == "nsg(subnet) stop nsg-web/deny-all");
  CHECK_THAT(cli::verdict_text(denied, t),
             Catch::StartsWith("denied at nsg (subnet): deny-all (4000, deny): source '*' matches "
                               "10.0.2.0/24 (the gateway subnet 10.0.2.0/24)"));

  // A route on the backends' subnet sends replies to the gateway subnet to an appliance: broken, not denied.
  const auto asymmetric = gateway_backend_asymmetric();
  t = solver::explain(asymmetric, query("81.2.69.200", "20.50.0.20", 443));
  CHECK_FALSE(t.allowed);
  CHECK(t.broken);
  CHECK(t.stopped_at == 8);
  CHECK(trace_hop_lines(asymmetric, t)[8] == "route(return) stop gateway-via-nva");
  CHECK_THAT(cli::verdict_text(asymmetric, t),
             Catch::StartsWith("broken at route (return): asymmetric routing: replies to application "
                               "gateway 'agw-edge' (10.0.2.0) take route 'gateway-via-nva'"));
}

TEST_CASE("explain: Bastion's own 443, and sessions through it by SKU port rules", "[solver][explain][bastion]") {
  const auto m = load_example("app-gateway-waf");
  auto t = solver::explain(m, query("81.2.69.200", "20.50.0.10", 443));
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{"source pass", "entry pass pip-bastion",
                                                          "nsg(bastion-subnet) pass nsg-bastion/AllowHttpsInbound",
                                                          "bastion(host) pass"});
  CHECK(t.allowed);
  CHECK(cli::verdict_text(m, t) ==
        "allowed: tcp 81.2.69.200:49152 -> 20.50.0.10:443 reaches Bastion host 'bastion-hub'");
  CHECK(t.hops[3].why.code == solver::ReasonCode::kBastionHost);
  CHECK(t.hops[3].why.passes);
  CHECK(t.verdict.why.code == solver::ReasonCode::kAllowedToBastionHost);
  CHECK(t.verdict.why.entry.index == t.bastion);
  // 22 on the Bastion itself: DenyAllInbound (4000) on its subnet, and it listens on 443 only.
  t = solver::explain(m, query("81.2.69.200", "bastion-hub", 22));
  CHECK(trace_hop_lines(m, t)[2] == "nsg(bastion-subnet) stop nsg-bastion/DenyAllInbound");
  CHECK(trace_hop_lines(m, t)[3] == "bastion(host) stop (unreached)");

  // A session to vm-web-1 on 22: the Basic SKU reaches 22; nsg-web's allow-bastion-ssh admits 10.0.1.0/26.
  auto q = query("81.2.69.200", "vm-web-1", 22);
  q.via_bastion = true;
  t = solver::explain(m, q);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{"source pass", "entry pass pip-bastion",
                                                          "nsg(bastion-subnet) pass nsg-bastion/AllowHttpsInbound",
                                                          "bastion(session) pass", "route(forward) pass system",
                                                          "nsg(subnet) pass nsg-web/allow-bastion-ssh",
                                                          "no-nsg(nic) pass", "route(return) pass system"});
  CHECK(t.allowed);
  CHECK(m.bastion_hosts[t.bastion].name == "bastion-hub");
  {  // the decisions as data (the words are cli/explain_text.cpp's)
    using solver::ReasonCode;
    const auto& entry_nsg = t.hops[2].why;
    CHECK(entry_nsg.code == ReasonCode::kNsgRuleAtEntry);
    CHECK(entry_nsg.entry.kind == model::ResourceKind::kBastionHost);
    CHECK(entry_nsg.entry.index == t.bastion);
    CHECK(m.nsgs[entry_nsg.nsg.nsg].rules[entry_nsg.nsg.rule].name == "AllowHttpsInbound");
    CHECK(entry_nsg.nsg.destination_port == 443);
    REQUIRE(t.hops[4].why.then.size() == 1);
    const auto& forward = t.hops[4].why.then[0];
    CHECK(forward.code == ReasonCode::kForwardRoute);
    CHECK(forward.entry.index == t.bastion);
    CHECK_FALSE(forward.route.user);
    CHECK(forward.address == m.nics[t.nic].ip_configurations[t.ip_configuration].private_ip);
    const auto& target_nsg = t.hops[5].why;
    CHECK(target_nsg.code == ReasonCode::kNsgRuleForSources);
    CHECK(m.nsgs[target_nsg.nsg.nsg].rules[target_nsg.nsg.rule].name == "allow-bastion-ssh");
    CHECK(target_nsg.nsg.who == solver::ForwardedSources::kBastionSubnet);
    CHECK(model::to_cidr_strings(target_nsg.nsg.from) == std::vector<std::string>{"10.0.1.0/26"});
    CHECK(target_nsg.nsg.destination_port == 22);
    CHECK(target_nsg.nsg.excluding_peering == -1);
    CHECK(t.hops[6].why.code == ReasonCode::kNoNsg);
    CHECK(t.hops[7].why.code == ReasonCode::kReturnRoute);
    CHECK(t.hops[7].why.entry.kind == model::ResourceKind::kBastionHost);
    CHECK(t.verdict.allowed);
    // Bastion: its entry, the session (Basic: 22 and 3389), the target in the Bastion's own VNet
    CHECK(t.hops[1].why.code == ReasonCode::kOwnedPublicIp);
    CHECK(t.hops[1].why.entry.index == t.bastion);
    CHECK(t.hops[3].why.code == ReasonCode::kBastionSession);
    CHECK(t.hops[3].why.passes);
    CHECK_FALSE(t.hops[3].why.any_port);
    CHECK(t.hops[4].why.code == ReasonCode::kBastionReaches);
    CHECK(t.hops[4].why.vnet == t.hops[4].why.other_vnet);
    CHECK(m.vnets[t.hops[4].why.vnet].name == "vnet-hub");
    CHECK(t.hops[4].why.target.nic == t.nic);
    CHECK(t.verdict.why.code == ReasonCode::kAllowedBastionSession);
    CHECK(t.verdict.why.public_ip == t.public_ip);
  }
  // 8080: a Basic Bastion opens sessions to 22 and 3389 only.
  q.destination_port = 8080;
  t = solver::explain(m, q);
  CHECK_FALSE(t.allowed);
  CHECK(t.stopped_at == 3);
  CHECK(cli::verdict_text(m, t) ==
        "denied at bastion (session): Bastion 'bastion-hub' (Basic) opens sessions to ports 22 and 3389 "
        "only: port 8080 needs the Standard or Premium SKU (custom ports)");
  CHECK(t.verdict.why.code == solver::ReasonCode::kBastionSession);
  CHECK_FALSE(t.verdict.why.passes);
  CHECK(t.verdict.why.flow.destination_port == 8080);
  // 3389 to vm-web-1: the SKU allows it, nsg-web's deny-all does not.
  q.destination_port = 3389;
  t = solver::explain(m, q);
  CHECK(trace_hop_lines(m, t)[5] == "nsg(subnet) stop nsg-web/deny-all");
  // vm-app-1 in the spoke, peered both ways, no NSG: 3389 allowed.
  q.target = "vm-app-1";
  t = solver::explain(m, q);
  CHECK(t.allowed);
  CHECK_THAT(cli::hop_text(m, t.hops[4]),
             Catch::StartsWith("vm-app-1 (10.1.0.4) is in VNet 'vnet-spoke', peered both ways with "
                               "the Bastion's VNet 'vnet-hub'"));
  // vm-lab-1: vnet-isolated has no peering back to the hub.
  q.target = "10.2.0.4";
  q.destination_port = 22;
  t = solver::explain(m, q);
  CHECK_FALSE(t.allowed);
  CHECK_FALSE(t.broken);
  CHECK(t.stopped_at == 4);
  CHECK(trace_hop_lines(m, t)[4] == "route(forward) stop system");
}

namespace {

/// Random probes to the Bastion hosts of `m` (by name, or by their public IP's address or name): explain's verdict on
/// a host's own 443 is membership in analyze's own exposure of the host (its own path, entry_point_path()), and the
/// rule that decides at the host subnet's NSG is the exposure's.
void cross_check_bastion_hosts(const model::Model& m, std::mt19937_64& rng, int probes, int& allowed, int& denied) {
  const auto analysis = solver::analyze(m);
  REQUIRE_FALSE(m.bastion_hosts.empty());
  const std::vector<const char*> pool = {"81.2.69.200", "52.233.10.7", "52.30.1.1",   "203.0.113.7",
                                         "10.0.2.4",    "52.1.2.3",    "2a01:111::1", "20.1.2.3"};
  for (int i = 0; i < probes; ++i) {
    const int bi = static_cast<int>(rng() % m.bastion_hosts.size());
    const auto& b = m.bastion_hosts[bi];
    std::vector<std::string> names = {b.name};
    for (const auto& c : b.ip_configurations) {
      if (!c.public_ip.resolved()) continue;
      const auto& pip = m.public_ips[c.public_ip.index];
      names.push_back(pip.name);
      if (pip.address) names.push_back(pip.address->to_string());
    }
    FlowQuery q;
    q.source = rng() % 4 == 0 ? model::IpAddress::v4(static_cast<std::uint32_t>(rng()))
                              : *model::IpAddress::parse(pool[rng() % pool.size()]);
    q.target = names[rng() % names.size()];
    q.protocol = rng() % 5 == 0 ? Protocol::kUdp : Protocol::kTcp;
    q.destination_port = static_cast<std::uint16_t>(rng() % 3 == 0 ? rng() % 65536 : rng() % 4 == 0 ? 22 : 443);
    q.source_port = static_cast<std::uint16_t>(rng() % 4 == 0 ? rng() % 65536 : 49152);
    const auto t = solver::explain(m, q);
    INFO(q.source.to_string() << " -> " << q.target << " port " << q.destination_port << ": "
                              << cli::verdict_text(m, t));
    REQUIRE(t.status == FlowTrace::Status::kOk);
    REQUIRE(t.bastion == bi);
    const solver::Exposure* hit = nullptr;
    for (const auto& e : analysis.exposures) {
      if (e.target_kind != model::ResourceKind::kBastionHost || e.target != bi || e.protocol != q.protocol) continue;
      if (!e.sources.contains(q.source.value) || !e.ports.contains(q.destination_port)) continue;
      if (!e.source_ports.contains(q.source_port)) continue;
      REQUIRE(hit == nullptr);  // a packet lies in at most one exposure
      hit = &e;
    }
    CHECK(t.allowed == (hit != nullptr));
    if (hit == nullptr) {
      ++denied;
      continue;
    }
    ++allowed;
    // The same stages, and the same deciding rule at the subnet's NSG.
    std::vector<std::pair<int, int>> want, got;
    for (const auto& h : hit->path) {
      if (h.kind == solver::HopKind::kNsg || h.kind == solver::HopKind::kNoNsg) {
        want.emplace_back(h.kind == solver::HopKind::kNsg ? h.resource : -2, h.rule);
      }
    }
    for (const auto& h : t.hops) {
      if (h.kind == solver::HopKind::kNsg || h.kind == solver::HopKind::kNoNsg) {
        got.emplace_back(h.kind == solver::HopKind::kNsg ? h.resource : -2, h.rule);
      }
    }
    CHECK(got == want);
    REQUIRE(t.hops.size() + 1 == hit->path.size());  // explain has no target hop
    for (std::size_t k = 0; k < t.hops.size(); ++k) CHECK(t.hops[k].kind == hit->path[k].kind);
  }
}

/// An estate with one Bastion host (SKU `sku`) in hub's AzureBastionSubnet: public IP pip-bastion (20.0.0.10) unless
/// `pip` is false, its subnet's NSG `nsg` when not empty; `extra`: the host's properties.
gateway_estate::Run bastion_estate(const std::string& sku, bool pip, const std::string& nsg,
                                   nlohmann::json extra = nlohmann::json::object()) {
  using gateway_estate::Estate;
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"AzureBastionSubnet", "10.0.1.0/26", nsg}, {"work", "10.0.2.0/24", ""}})
      .nsg("nsg-bastion", {{"deny-office", 100, "Deny", "52.233.10.0/24", "443", "Tcp"},
                           {"allow-partners", 110, "Allow", "52.0.0.0/8", "443", "Tcp"},
                           {"allow-udp", 120, "Allow", "Internet", "*", "Udp"},
                           {"allow-all-ports", 130, "Allow", "81.2.69.0/24", "*"}})
      .pip("pip-bastion", "20.0.0.10")
      .bastion(sku, "hub", pip ? "pip-bastion" : "", std::move(extra))
      .nic("nic-work", "hub", "work", "10.0.2.4");
  auto r = gateway_estate::run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  return r;
}

}  // namespace

TEST_CASE("explain agrees with analyze on a Bastion host's own 443", "[solver][explain][bastion]") {
  std::mt19937_64 rng(20261207);
  int allowed = 0;
  int denied = 0;
  cross_check_bastion_hosts(load_example("app-gateway-waf"), rng, test::rounds(200), allowed, denied);
  cross_check_bastion_hosts(load_example("hub-and-spoke"), rng, test::rounds(200), allowed, denied);
  cross_check_bastion_hosts(bastion_estate("Standard", true, "nsg-bastion").m, rng, test::rounds(300), allowed, denied);
  cross_check_bastion_hosts(bastion_estate("Basic", true, "").m, rng, test::rounds(100), allowed, denied);
  if (test::kRoundDivisor == 1) CHECK(allowed > 0);
  CHECK(denied > 0);
  // Without a public IP (none, private only, a Developer Bastion) the host is its own entry, no NSG stage: analyze
  // reports no exposure of it, and explain stops at the entry.
  int never = 0;
  const auto developer =
      bastion_estate("Developer", false, "",
                     {{"virtualNetwork", gateway_estate::id_ref(gateway_estate::kS + "/virtualNetworks/hub")}});
  const auto none = bastion_estate("Standard", false, "nsg-bastion");
  const auto private_only = bastion_estate("Premium", true, "nsg-bastion", {{"enablePrivateOnlyBastion", true}});
  for (const auto* r : {&none, &private_only, &developer}) {
    cross_check_bastion_hosts(r->m, rng, test::rounds(50), never, denied);
    const auto t = solver::explain(r->m, query("81.2.69.200", "bastion", 443));
    CHECK(trace_hop_lines(r->m, t) ==
          std::vector<std::string>{"source pass", "entry stop", "bastion(host) pass (unreached)"});
  }
  CHECK(never == 0);
}

TEST_CASE("explain: PaaS public endpoints by publicNetworkAccess and IP rules, private endpoints",
          "[solver][explain][paas]") {
  const auto m = load_example("paas-private-link");
  // stlogs: Enabled, default Deny, IP rule 52.10.0.0/16; serves 443 and 445.
  auto t = solver::explain(m, query("52.10.1.1", "stlogs", 443));
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{"source pass", "paas(endpoint) pass",
                                                          "paas(public-network-access) pass", "paas(ip-rules) pass"});
  CHECK(t.allowed);
  CHECK(cli::hop_text(m, t.hops[3]) == "IP rule '52.10.0.0/16' admits 52.10.1.1");
  CHECK(t.hops[1].why.code == solver::ReasonCode::kPaasServes);
  CHECK(t.hops[2].why.code == solver::ReasonCode::kPaasAccessEnabled);
  CHECK(t.hops[3].why.code == solver::ReasonCode::kPaasRule);
  CHECK(t.hops[3].why.rule == 0);
  CHECK(t.hops[3].why.passes);
  CHECK(m.paas_services[t.hops[3].why.paas_service].name == "stlogs");
  CHECK_FALSE(t.hops[3].why.scm);
  CHECK(t.verdict.why.code == solver::ReasonCode::kAllowedPaas);
  t = solver::explain(m, query("52.11.0.1", "stlogs.blob.core.windows.net", 443));
  CHECK_FALSE(t.allowed);
  CHECK(trace_hop_lines(m, t)[3] == "paas(default-action) stop");
  CHECK(cli::verdict_text(m, t) ==
        "denied at paas (default-action): no address rule matches 52.11.0.1: the default action Deny denies "
        "it");
  CHECK(t.verdict.why.code == solver::ReasonCode::kPaasDefaultAction);
  CHECK(t.verdict.why.rules_apply);
  CHECK_FALSE(t.verdict.why.passes);
  // Port 80: secure transfer is required, so the endpoint does not serve it.
  t = solver::explain(m, query("52.10.1.1", "stlogs", 80));
  CHECK(t.stopped_at == 1);
  CHECK(t.verdict.why.code == solver::ReasonCode::kPaasPortNotServed);
  // stdata: publicNetworkAccess Disabled, whatever its default action Allow says.
  t = solver::explain(m, query("52.10.1.1", "stdata", 443));
  CHECK_FALSE(t.allowed);
  CHECK(t.stopped_at == 2);
  CHECK(trace_hop_lines(m, t)[3] == "paas(default-action) pass (unreached)");
  CHECK_THAT(cli::verdict_text(m, t),
             Catch::StartsWith("denied at paas (public-network-access): publicNetworkAccess Disabled"));
  // app-shop: block-partner-lab (100) denies 52.40.1.0/24 before partner-net (200) admits 52.40.0.0/16.
  t = solver::explain(m, query("52.40.1.9", "app-shop", 443));
  CHECK(trace_hop_lines(m, t)[3] == "paas(access-restrictions) stop");
  t = solver::explain(m, query("52.40.2.9", "app-shop", 443));
  CHECK(t.allowed);
  // ... and its SCM site has no restrictions of its own: the default allows.
  t = solver::explain(m, query("52.40.1.9", "app-shop.scm.azurewebsites.net", 443));
  CHECK(t.allowed);
  CHECK(trace_hop_lines(m, t)[3] == "paas(scm-default-action) pass");
  CHECK(t.hops[3].why.code == solver::ReasonCode::kPaasDefaultAction);
  CHECK(t.hops[3].why.scm);
  // A private endpoint's address is never reached from the internet.
  t = solver::explain(m, query("52.10.1.1", "10.60.1.4", 443));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK_FALSE(t.allowed);
  CHECK(t.stopped_at == 1);
  CHECK(m.private_endpoints[t.private_endpoint].name == "pe-stdata-blob");
  CHECK(t.verdict.why.code == solver::ReasonCode::kPrivateEndpoint);
  CHECK(t.verdict.why.private_endpoint == t.private_endpoint);
  CHECK_THAT(cli::verdict_text(m, t),
             Catch::StartsWith("denied at entry: private endpoint 'pe-stdata-blob' to storage 'stdata' blob "
                               "(approved) has private addresses only"));
}

namespace {

bool any_path_rules_match(const solver::Exposure& e, const FlowTrace& t) {
  std::vector<std::pair<int, int>> want, got;
  bool behind = false;  // the NSG hops after the entry point's own
  for (const auto& h : e.path) {
    if (h.kind == solver::Hop::Kind::kApplicationGateway || h.kind == solver::Hop::Kind::kBastion) behind = true;
    if (behind && (h.kind == solver::Hop::Kind::kNsg || h.kind == solver::Hop::Kind::kNoNsg)) {
      want.emplace_back(h.kind == solver::Hop::Kind::kNsg ? h.resource : -2, h.rule);
    }
    if (behind && h.kind == solver::Hop::Kind::kFirewall) want.emplace_back(-3 - h.resource, h.rule);
  }
  behind = false;
  for (const auto& h : t.hops) {
    if (h.kind == TraceHop::Kind::kRoute && std::string(h.scope) == "forward") behind = true;
    if (behind && (h.kind == TraceHop::Kind::kNsg || h.kind == TraceHop::Kind::kNoNsg)) {
      got.emplace_back(h.kind == TraceHop::Kind::kNsg ? h.resource : -2, h.rule);
    }
    if (behind && h.kind == TraceHop::Kind::kFirewall) got.emplace_back(-3 - h.resource, h.rule);
  }
  return want == got;
}

/// Random (source, port, backend) probes to every public application gateway frontend of `m`: the gateway's
/// own entry passes exactly when analyze reports the listener's own exposure, and a traced backend is allowed
/// (broken) exactly when analyze reports the forwarded exposure (broken flow) of that listener and backend.
void cross_check_gateways(const model::Model& m, std::mt19937_64& rng, int probes, int& allowed, int& denied,
                          int& broken) {
  const auto analysis = solver::analyze(m);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::vector<model::IpAddress> sources;
  for (const char* a : {"81.2.69.200", "52.10.20.30", "10.0.2.4", "203.0.113.7", "2a01:111::1", "168.63.129.16"}) {
    sources.push_back(*model::IpAddress::parse(a));
  }
  for (int i = 0; i < probes; ++i) {
    const auto& g = m.application_gateways[pick(m.application_gateways.size())];
    const int gi = static_cast<int>(&g - m.application_gateways.data());
    FlowQuery q;
    q.source = rng() % 4 == 0 ? model::IpAddress::v4(static_cast<std::uint32_t>(rng())) : sources[pick(sources.size())];
    std::vector<int> ports = {443, 80, 8080, 22, 65300, 65199};
    for (const auto& fp : g.frontend_ports) ports.push_back(fp.port);
    q.destination_port = static_cast<std::uint16_t>(rng() % 5 == 0 ? rng() % 65536 : ports[pick(ports.size())]);
    q.source_port = static_cast<std::uint16_t>(rng() % 4 == 0 ? rng() % 65536 : 49152);
    q.target = g.name;
    auto t = solver::explain(m, q);
    REQUIRE(t.status == FlowTrace::Status::kOk);
    // Sometimes another backend, by --backend.
    std::vector<model::IpConfigIndex> backends;
    for (const auto& h : t.hops) {
      if (h.kind == TraceHop::Kind::kApplicationGateway && h.backends.size() > 1) backends = h.backends;
    }
    if (!backends.empty() && rng() % 2) {
      const auto x = backends[pick(backends.size())];
      q.backend = m.nics[x.nic].ip_configurations[x.ip_configuration].private_ip->to_string();
      t = solver::explain(m, q);
      REQUIRE(t.status == FlowTrace::Status::kOk);
      REQUIRE(t.nic == x.nic);
    }
    INFO(fmt::format("{} -> {} port {} backend '{}': {}", q.source.to_string(), q.target, q.destination_port, q.backend,
                     cli::verdict_text(m, t)));
    bool entry_ok = t.listener >= 0;
    for (const auto& h : t.hops) {
      if (h.kind == TraceHop::Kind::kApplicationGateway && std::string(h.scope) == "listener") break;
      entry_ok = entry_ok && h.passes;
    }
    bool own = false;
    for (const auto& e : analysis.exposures) {
      own = own || (e.target_kind == model::ResourceKind::kApplicationGateway && e.target == gi &&
                    e.gateway_rule == t.listener && e.sources.contains(q.source.value) &&
                    e.ports.contains(q.destination_port));
    }
    CHECK(own == entry_ok);
    if (t.nic < 0) continue;
    auto same = [&](const solver::Exposure& e) {
      return e.via == solver::Via::kApplicationGateway && e.gateway == gi && e.gateway_rule == t.listener &&
             e.nic == t.nic && e.ip_configuration == t.ip_configuration && e.sources.contains(q.source.value) &&
             e.entry_ports.contains(q.destination_port);
    };
    const solver::Exposure* hit = nullptr;
    const solver::Exposure* broke = nullptr;
    for (const auto& e : analysis.exposures) {
      if (same(e) && (hit == nullptr || any_path_rules_match(e, t))) hit = &e;
    }
    for (const auto& e : analysis.broken) {
      if (same(e)) broke = &e;
    }
    CHECK(t.allowed == (hit != nullptr));
    CHECK(t.broken == (broke != nullptr));
    if (hit != nullptr) CHECK(any_path_rules_match(*hit, t));
    allowed += t.allowed ? 1 : 0;
    broken += t.broken ? 1 : 0;
    denied += !t.allowed && !t.broken ? 1 : 0;
  }
}

/// Random (source, port) probes to every PaaS service of `m` (by name, host name or SCM host name): allowed
/// exactly when analyze reports a paas-public exposure of that site holding the packet, by the same setting.
void cross_check_paas(const model::Model& m, std::mt19937_64& rng, int probes, int& allowed, int& denied) {
  const auto analysis = solver::analyze(m);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::vector<model::IpAddress> sources;
  for (const char* a : {"81.2.69.200", "10.60.1.9", "2a01:111::1"}) sources.push_back(*model::IpAddress::parse(a));
  for (const auto& s : m.paas_services) {
    for (const auto* rules : {&s.ip_rules, &s.scm_ip_rules}) {
      for (const auto& r : *rules) {
        for (const auto& iv : r.addresses.intervals()) {
          sources.push_back(model::IpAddress{iv.lo});
          sources.push_back(model::IpAddress{iv.hi});
          if (iv.lo > 0) sources.push_back(model::IpAddress{iv.lo - 1});
          sources.push_back(model::IpAddress{iv.hi + 1});
        }
      }
    }
  }
  for (int i = 0; i < probes; ++i) {
    const int si = static_cast<int>(pick(m.paas_services.size()));
    const auto& s = m.paas_services[si];
    const bool scm = s.has_scm && rng() % 2;
    FlowQuery q;
    q.source = rng() % 4 == 0 ? model::IpAddress::v4(static_cast<std::uint32_t>(rng())) : sources[pick(sources.size())];
    if (q.source.family() == model::IpFamily::kV6 && rng() % 2) q.source = sources.front();
    const std::vector<int> ports = {443, 445, 80, 1433, 22, 8443};
    q.destination_port = static_cast<std::uint16_t>(ports[pick(ports.size())]);
    q.protocol = rng() % 6 == 0 ? Protocol::kUdp : Protocol::kTcp;
    q.target = scm ? s.scm_host_name : ((rng() % 2 == 0 || s.host_name.empty()) ? s.name : s.host_name);
    const auto t = solver::explain(m, q);
    REQUIRE(t.status == FlowTrace::Status::kOk);
    REQUIRE(t.paas_service == si);
    REQUIRE(t.scm == scm);
    INFO(fmt::format("{} -> {} port {}: {}", q.source.to_string(), q.target, q.destination_port,
                     cli::verdict_text(m, t)));
    const solver::Exposure* hit = nullptr;
    for (const auto& e : analysis.exposures) {
      if (e.via != solver::Via::kPaasPublic || e.target != si || e.protocol != q.protocol) continue;
      bool e_scm = false;
      for (const auto& h : e.path) e_scm = e_scm || solver::is_scm(h);
      if (e_scm != scm || !e.sources.contains(q.source.value) || !e.ports.contains(q.destination_port)) continue;
      REQUIRE(hit == nullptr);
      hit = &e;
    }
    REQUIRE(t.allowed == (hit != nullptr));
    if (hit == nullptr) {
      ++denied;
      continue;
    }
    ++allowed;
    const auto& decided = hit->path[1];
    CHECK(std::string(decided.scope) == t.hops.back().scope);
    CHECK(decided.rule == t.hops.back().rule);
  }
}

}  // namespace

TEST_CASE("explain agrees with analyze through application gateways", "[solver][explain][application-gateway]") {
  std::mt19937_64 rng(20261125);
  int allowed = 0;
  int denied = 0;
  int broken = 0;
  cross_check_gateways(load_example("app-gateway-waf"), rng, 300, allowed, denied, broken);
  cross_check_gateways(gateway_backend_denied(), rng, 150, allowed, denied, broken);
  cross_check_gateways(gateway_backend_asymmetric(), rng, 150, allowed, denied, broken);
  // A pool address that is an internal load balancer's frontend: its rule is a hop of the trace.
  const auto through_lb = gateway_estate::run(path_estates::gateway_to_internal_lb().resources);
  REQUIRE_FALSE(through_lb.diags.has_errors());
  cross_check_gateways(through_lb.m, rng, 150, allowed, denied, broken);
  CHECK(allowed > 0);
  CHECK(denied > 0);
  CHECK(broken > 0);
  // A firewall between the gateway and its backends (both ways): its rules decide, by share of the gateway subnet.
  int fw_allowed = 0;
  int fw_denied = 0;
  int fw_broken = 0;
  const auto firewalled = gateway_backend_firewalled();
  cross_check_gateways(firewalled, rng, 300, fw_allowed, fw_denied, fw_broken);
  CHECK(fw_allowed > 0);
  CHECK(fw_denied > 0);
  CHECK(fw_broken == 0);
  // The probes met the firewall: allowed by low-half (vm-web-1), denied by no-vm-web-2 (vm-web-2).
  auto q = query("81.2.69.200", "20.50.0.20", 443);
  auto t = solver::explain(firewalled, q);
  CHECK(trace_hop_lines(firewalled, t)[6] == "firewall(network) pass fw-web/low-half");
  CHECK(t.allowed);
  q.backend = "vm-web-2";
  t = solver::explain(firewalled, q);
  CHECK(trace_hop_lines(firewalled, t)[6] == "firewall(network) stop fw-web/no-vm-web-2");
  CHECK_FALSE(t.allowed);

  // Across a Virtual WAN hub whose routing intent sends spoke-to-spoke traffic through the hub's firewall.
  const auto denied_hub = gateway_across_hub(false);
  const auto allowed_hub = gateway_across_hub(true);
  cross_check_gateways(denied_hub, rng, 100, fw_allowed, fw_denied, fw_broken);
  cross_check_gateways(allowed_hub, rng, 100, fw_allowed, fw_denied, fw_broken);
  CHECK(fw_broken == 0);
  t = solver::explain(denied_hub, query("81.2.69.200", "agw", 80));
  CHECK(trace_hop_lines(denied_hub, t) ==
        std::vector<std::string>{"source pass", "entry pass pip-agw", "no-nsg(gateway-subnet) pass",
                                 "application-gateway(listener) pass", "application-gateway(routing) pass",
                                 "route(forward) pass system", "firewall(default) stop fw-hub",
                                 "nsg(subnet) pass nsg-spoke2/allow-https (unreached)", "no-nsg(nic) pass (unreached)",
                                 "route(return) pass system (unreached)"});
  CHECK(cli::verdict_text(denied_hub, t) ==
        "denied at firewall (default): no rule matched: default deny (no network or application rule of "
        "firewall 'fw-hub' takes tcp from 10.1.2.0/24 to 10.2.1.4 port 443); the routes send the connection "
        "and its replies through firewall 'fw-hub' (10.100.0.132)");
  t = solver::explain(allowed_hub, query("81.2.69.200", "agw", 80));
  CHECK(trace_hop_lines(allowed_hub, t)[6] == "firewall(network) pass fw-hub/agw-to-vm2");
  CHECK(t.allowed);
}

TEST_CASE("explain agrees with analyze through PaaS public endpoints", "[solver][explain][paas]") {
  std::mt19937_64 rng(20261126);
  int allowed = 0;
  int denied = 0;
  cross_check_paas(load_example("paas-private-link"), rng, 400, allowed, denied);
  CHECK(allowed > 0);
  CHECK(denied > 0);
}

TEST_CASE("explain: flows to a secured virtual hub firewall's public address, hop by hop",
          "[solver][explain][firewall][virtual-wan]") {
  // examples/vwan-secured-hub-dnat/README.md, by hand: fw-hub's hub address 20.50.0.1 (not a public IP resource);
  // ssh-vm1 takes TCP 2222 from 52.10.0.0/16 to 10.1.1.4:22; the spoke's NSG sees the hub prefix 10.100.0.0/23
  // (VirtualNetwork); the reply to the hub address 10.100.0.132 takes the hub's own route back.
  const auto m = load_example("vwan-secured-hub-dnat");
  auto t = solver::explain(m, query("52.10.1.1", "20.50.0.1", 2222));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{"source pass", "entry pass", "firewall pass fw-hub/ssh-vm1",
                                                          "route(forward) pass system",
                                                          "nsg(subnet) pass nsg-spoke1/allow-ssh-vnet",
                                                          "no-nsg(nic) pass", "route(return) pass system"});
  CHECK(t.public_ip == -1);
  REQUIRE(t.entry_address);
  CHECK(t.entry_address->to_string() == "20.50.0.1");
  CHECK(cli::hop_text(m, t.hops[1]) ==
        "20.50.0.1 is a public address of firewall 'fw-hub' of secured virtual hub 'hub-weu' "
        "(hubIPAddresses: not a public IP resource)");
  CHECK(cli::hop_text(m, t.hops[2]) ==
        "DNAT rule 'ssh-vm1', collection 'inbound' (priority 100) of group "
        "'DefaultDnatRuleCollectionGroup' in policy 'policy-hub' translates 20.50.0.1:2222 to "
        "10.1.1.4:22; the source becomes the firewall's own address (SNAT)");
  CHECK(cli::hop_text(m, t.hops[3]) ==
        "the firewall reaches 10.1.1.4 by route 10.1.1.4/32 -> VNetPeering learned from virtual hub "
        "'hub-weu' (connected virtual network)");
  CHECK_THAT(cli::hop_text(m, t.hops[4]),
             Catch::EndsWith("(the source is the firewall's SNAT address in 10.100.0.0/23)"));
  CHECK(cli::hop_text(m, t.hops[6]) ==
        "the reply to the firewall's address 10.100.0.132 takes route 10.100.0.0/23 -> "
        "VNetPeering learned from virtual hub 'hub-weu' (hub address space): it returns to the "
        "firewall");
  CHECK(t.allowed);
  CHECK(cli::verdict_text(m, t) ==
        "allowed: tcp 52.10.1.1 -> 20.50.0.1:2222 reaches ip configuration 'ipconfig1' of NIC 'nic-vm1' "
        "(10.1.1.4) on port 22 through firewall 'fw-hub' (DNAT rule 'ssh-vm1'), and replies return");
  // The firewall by name means its (only) public address.
  CHECK(solver::explain(m, query("52.10.1.1", "fw-hub", 2222)).allowed);

  // Outside 52.10.0.0/16, and a port no DNAT rule takes: the firewall drops the packet.
  t = solver::explain(m, query("81.2.69.200", "fw-hub", 2222));
  CHECK_FALSE(t.allowed);
  CHECK(t.stopped_at == 2);
  CHECK(t.nic == -1);
  CHECK(cli::verdict_text(m, t) ==
        "denied at firewall: no DNAT rule of firewall 'fw-hub' takes tcp 81.2.69.200 port 2222: the "
        "firewall drops it (network and application rules never admit inbound traffic to the firewall's "
        "own addresses)");
  t = solver::explain(m, query("52.10.1.1", "20.50.0.1", 80));
  CHECK(t.stopped_at == 2);

  // web-vm2: spoke2's route to the hub prefix goes to an appliance: broken at the reply.
  t = solver::explain(m, query("81.2.69.200", "20.50.0.1", 8443));
  CHECK_FALSE(t.allowed);
  CHECK(t.broken);
  CHECK(cli::verdict_text(m, t) ==
        "broken at route (return): asymmetric routing: the reply to the firewall's address 10.100.0.132 "
        "takes route 'hub-via-nva' (10.100.0.0/23 -> VirtualAppliance 10.2.0.100) of route table "
        "'rt-spoke2', not the firewall instance directly, so the connection fails");
  // rdp-vm3: spoke3 is not connected to the hub: broken on the way there.
  t = solver::explain(m, query("81.2.69.200", "20.50.0.1", 3389));
  CHECK(t.broken);
  CHECK(cli::verdict_text(m, t) ==
        "broken at route (forward): firewall 'fw-hub' of virtual hub 'hub-weu' cannot reach 10.3.1.4: its "
        "virtual network is not connected to a hub of the virtual WAN");

  // An NSG rule denying the hub prefix on 22 before allow-ssh-vnet stops the DNAT'ed flow at the spoke's subnet.
  auto doc = example_json("vwan-secured-hub-dnat");
  auto& rules = resource(doc, "nsg-spoke1")["properties"]["securityRules"];
  for (auto& r : rules) {
    if (r["name"] == "allow-ssh-vnet") r["properties"]["priority"] = 105;
  }
  rules.push_back({{"name", "deny-hub"},
                   {"properties",
                    {{"priority", 100},
                     {"direction", "Inbound"},
                     {"access", "Deny"},
                     {"protocol", "Tcp"},
                     {"sourceAddressPrefix", "10.100.0.0/23"},
                     {"sourcePortRange", "*"},
                     {"destinationAddressPrefix", "*"},
                     {"destinationPortRange", "22"}}}});
  const auto denied = load_json(doc);
  t = solver::explain(denied, query("52.10.1.1", "20.50.0.1", 2222));
  CHECK_FALSE(t.allowed);
  CHECK_FALSE(t.broken);
  CHECK(trace_hop_lines(denied, t)[4] == "nsg(subnet) stop nsg-spoke1/deny-hub");
  CHECK_THAT(cli::verdict_text(denied, t),
             Catch::StartsWith("denied at nsg (subnet): deny-hub (100, deny): source '10.100.0.0/23'"));
  CHECK(solver::analyze(denied).exposures.size() == 3);  // the firewall's own three only

  // Two hub addresses: the firewall's name is ambiguous (the candidates are the addresses), and ssh-vm1 names
  // 20.50.0.1 only, so the second address drops 2222.
  doc = example_json("vwan-secured-hub-dnat");
  auto& hub_ips = resource(doc, "fw-hub")["properties"]["hubIPAddresses"]["publicIPs"];
  hub_ips["addresses"].push_back({{"address", "20.50.0.2"}});
  hub_ips["count"] = 2;
  const auto two = load_json(doc);
  t = solver::explain(two, query("52.10.1.1", "fw-hub", 2222));
  CHECK(t.status == FlowTrace::Status::kAmbiguousTarget);
  CHECK(t.error.code == solver::QueryErrorCode::kAmbiguousResources);
  CHECK(t.error.kind == model::ResourceKind::kFirewall);
  CHECK(t.error.count == 2);
  REQUIRE(t.error.candidates.size() == 2);
  CHECK(t.error.candidates[0].kind == model::ResourceKind::kFirewall);
  CHECK(two.firewalls[static_cast<std::size_t>(t.error.candidates[0].index)].name == "fw-hub");
  CHECK(cli::query_error_text(two, t) == "ambiguous target 'fw-hub': it names 2 firewall public IPs");
  CHECK(cli::query_candidates_text(two, t.error) ==
        std::vector<std::string>{"20.50.0.1 (firewall 'fw-hub')", "20.50.0.2 (firewall 'fw-hub')"});
  t = solver::explain(two, query("52.10.1.1", "20.50.0.2", 2222));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.stopped_at == 2);
  CHECK(t.firewall_rule == -1);
  t = solver::explain(two, query("52.10.1.1", "20.50.0.1", 2222));
  CHECK(t.allowed);
}

}  // namespace exposim::testing

namespace exposim::testing {
namespace {

/// For `probes` random packets to the ip configurations of `m` without a public IP of their own (by id): explain
/// allows the packet exactly when analyze() has an exposure of that ip configuration through a firewall DNAT
/// rule, a load balancer or an application gateway holding it, and then says it followed another entry. Returns
/// false when `m` has no such exposure.
bool cross_check_other_entries(const model::Model& m, std::mt19937_64& rng, int probes) {
  const auto analysis = solver::analyze(m);
  auto followed = [](solver::Via v) {
    return v == solver::Via::kFirewallDnat || v == solver::Via::kLoadBalancer || v == solver::Via::kLoadBalancerNat ||
           v == solver::Via::kApplicationGateway;
  };
  std::vector<std::pair<int, int>> targets;
  std::vector<model::IpAddress> sources = {*model::IpAddress::parse("52.10.20.30"),
                                           *model::IpAddress::parse("10.0.0.9")};
  std::vector<int> ports = {22, 80, 443, 3389, 8080, 8443};
  for (const auto& e : analysis.exposures) {
    if (e.nic < 0 || !followed(e.via) || m.nics[e.nic].ip_configurations[e.ip_configuration].public_ip.set()) continue;
    targets.emplace_back(e.nic, e.ip_configuration);
    for (const auto& iv : e.sources.intervals()) {
      sources.push_back(model::IpAddress{iv.lo});
      sources.push_back(model::IpAddress{iv.hi});
    }
    for (const auto& iv : e.ports.intervals()) ports.push_back(iv.lo);
  }
  if (targets.empty()) return false;
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  int allowed = 0;
  for (int i = 0; i < probes; ++i) {
    const auto [n, c] = targets[pick(targets.size())];
    FlowQuery q;
    q.source = sources[pick(sources.size())];
    q.target = model::ip_configuration_id(m.nics[n], m.nics[n].ip_configurations[c]);
    q.protocol = rng() % 4 == 0 ? Protocol::kUdp : Protocol::kTcp;
    q.destination_port = static_cast<std::uint16_t>(ports[pick(ports.size())]);
    const auto t = solver::explain(m, q);
    REQUIRE(t.status == FlowTrace::Status::kOk);
    bool hit = false;
    for (const auto& e : analysis.exposures) {
      hit = hit || (e.nic == n && e.ip_configuration == c && followed(e.via) && e.protocol == q.protocol &&
                    e.ports.contains(q.destination_port) && e.source_ports.contains(q.source_port) &&
                    e.sources.contains(q.source.value));
    }
    INFO(fmt::format("{} {} -> {} port {}", model::to_string(q.protocol), q.source.to_string(), q.target,
                     q.destination_port));
    INFO(cli::verdict_text(m, t));
    REQUIRE(t.allowed == hit);
    CHECK(t.redirected_from.empty() == !hit);
    if (hit) {
      ++allowed;
      CHECK(t.nic == n);
      CHECK(t.ip_configuration == c);
    }
  }
  if (test::kRoundDivisor == 1) CHECK(allowed > 0);  // over the full probes only (as in cross_check)
  return true;
}

}  // namespace

TEST_CASE("explain agrees with analyze for targets reached only through another entry", "[solver][explain]") {
  std::mt19937_64 rng(20261205);
  int checked = 0;
  // DNAT (hub-and-spoke: vm-app, vm-jump), load balancer rules and NAT rules (web-behind-lb), gateway backends
  // (app-gateway-waf). vwan-secured-hub-dnat's DNAT target has a public IP of its own: not followed.
  for (const char* name : {"hub-and-spoke", "web-behind-lb", "app-gateway-waf"}) {
    INFO(name);
    checked += cross_check_other_entries(load_example(name), rng, test::rounds(150)) ? 1 : 0;
  }
  CHECK(checked == 3);
  CHECK_FALSE(cross_check_other_entries(load_example("vwan-secured-hub-dnat"), rng, 10));
  // Backends of an internal load balancer behind a DNAT rule or a gateway, and a gateway's backend behind a DNAT rule
  // to its private frontend: followed with --backend (tests/path_estates.h).
  for (const auto& e :
       {path_estates::dnat_to_internal_lb(), path_estates::gateway_to_internal_lb(), path_estates::dnat_to_gateway()}) {
    const auto r = gateway_estate::run(e.resources);
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(cross_check_other_entries(r.m, rng, test::rounds(100)));
  }

  // nic-vm1 has a public IP of its own (20.90.1.1), where nsg-spoke1 denies 22 from the internet; ssh-vm1 DNATs
  // 20.50.0.1:2222 to its 22 for 52.10.0.0/16, which allow-ssh-vnet admits. The trace stays on its own public IP
  // and lists the DNAT rule with the query that traces it.
  const auto m = load_example("vwan-secured-hub-dnat");
  const auto t = solver::explain(m, query("52.10.1.1", "nic-vm1", 22));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK_FALSE(t.allowed);
  CHECK(t.redirected_from.empty());
  CHECK(t.via_public_ip);
  REQUIRE(t.other_entries.size() == 1);
  const solver::OtherEntry& o = t.other_entries[0];
  CHECK(o.via == solver::Via::kFirewallDnat);
  CHECK(o.target == "20.50.0.1");
  CHECK(o.port == 2222);
  // The data: the firewall and the DNAT rule's position in its order, and the address; then the words.
  REQUIRE(o.gateway >= 0);
  const auto& fw = m.firewalls[static_cast<std::size_t>(o.gateway)];
  CHECK(fw.name == "fw-hub");
  REQUIRE(o.gateway_rule >= 0);
  CHECK(solver::rule_at(m, fw, fw.order[static_cast<std::size_t>(o.gateway_rule)]).name == "ssh-vm1");
  CHECK(o.address == model::IpAddress::parse("20.50.0.1"));
  CHECK(cli::other_entry_text(m, t.query, o) == "DNAT rule 'ssh-vm1' of firewall 'fw-hub' at 20.50.0.1:2222");
  // Outside 52.10.0.0/16 no entry admits the client: nothing listed.
  CHECK(solver::explain(m, query("81.2.69.200", "nic-vm1", 22)).other_entries.empty());
}

TEST_CASE("explain data: an NSG hop returns the deciding rule and the part of its source that matched",
          "[solver][explain]") {
  using solver::AddressMatchKind;
  using solver::ReasonCode;
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"allow-web", 100, kAllow, tcp(), {"10.9.0.0/16", "52.0.0.0/8"}, {"443"}},
                   {"deny-internet", 200, kDeny, any_protocol(), {"Internet"}, {"*"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  const auto m = b.done();
  auto t = solver::explain(m, query("52.1.2.3", "vm", 443));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  REQUIRE(t.hops.size() == 5);
  // the subnet's NSG: allow-web (rule 0) by its second prefix, 52.0.0.0/8
  const auto& subnet_nsg = t.hops[2].why;
  CHECK(subnet_nsg.code == ReasonCode::kNsgRule);
  CHECK(subnet_nsg.nsg.nsg == 0);
  CHECK(subnet_nsg.nsg.rule == 0);
  CHECK(subnet_nsg.nsg.source.kind == AddressMatchKind::kPrefix);
  CHECK(subnet_nsg.nsg.source.index == 1);
  CHECK(subnet_nsg.nsg.address.to_string() == "52.1.2.3");
  CHECK(subnet_nsg.nsg.protocol == Protocol::kTcp);
  CHECK(subnet_nsg.nsg.destination_port == 443);
  CHECK(subnet_nsg.nsg.source_port == 49152);
  CHECK(subnet_nsg.nsg.destination->to_string() == "10.0.0.4");
  CHECK(subnet_nsg.nsg.excluding_peering == -1);
  CHECK(cli::hop_text(m, t.hops[2]) ==
        "allow-web (100, allow): source '52.0.0.0/8' contains 52.1.2.3, port 443 in '443', protocol tcp");
  // the NIC has none; the reply leaves through the public IP by the system default route
  CHECK(t.hops[3].why.code == ReasonCode::kNoNsg);
  CHECK(t.hops[4].why.code == ReasonCode::kReplyRoute);
  CHECK(t.hops[4].why.replies_through == solver::RepliesThrough::kThePublicIp);
  CHECK_FALSE(t.hops[4].why.route.user);
  CHECK(t.hops[4].why.route.next_hop == NextHopType::kInternet);
  CHECK(t.hops[4].why.address->to_string() == "52.1.2.3");
  CHECK(t.verdict.allowed);
  // compute: the entry maps the instance public IP to the VM's ip configuration; the verdict names both
  CHECK(t.hops[1].why.code == ReasonCode::kInstancePublicIp);
  CHECK(t.hops[1].why.public_ip == 0);
  CHECK(t.hops[1].why.target.nic == t.nic);
  CHECK(t.hops[1].why.target.ip_configuration == 0);
  CHECK(t.verdict.why.code == ReasonCode::kAllowedThroughPublicIp);
  CHECK(t.verdict.why.flow.source.to_string() == "52.1.2.3");
  CHECK(cli::verdict_text(m, t) ==
        "allowed: tcp 52.1.2.3:49152 -> port 443 reaches ip configuration 'ipconfig1' of NIC 'vm-nic' (10.0.0.4) "
        "through its public IP, and replies return");

  // 22 from another internet address: deny-internet (rule 1) by the tag Internet; the verdict is that hop's
  t = solver::explain(m, query("81.2.3.4", "vm", 22));
  CHECK_FALSE(t.allowed);
  CHECK(t.hops[2].why.code == ReasonCode::kNsgRule);
  CHECK(t.hops[2].why.nsg.rule == 1);
  CHECK(t.hops[2].why.nsg.source.kind == AddressMatchKind::kInternet);
  CHECK_FALSE(t.verdict.allowed);
  CHECK(t.verdict.kind == solver::HopKind::kNsg);
  CHECK(std::string(t.verdict.scope) == "subnet");
  CHECK(t.verdict.why.nsg.rule == 1);
  CHECK(cli::verdict_text(m, t) ==
        "denied at nsg (subnet): deny-internet (200, deny): source tag 'Internet' contains 81.2.3.4, port 22 in "
        "'*', protocol '*' covers tcp");
}

TEST_CASE("explain data: an NSG hop names the route that put the source into VirtualNetwork by index",
          "[solver][explain]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {})
      .route_table("rt", "0.0.0.0/0", NextHopType::kInternet)
      .subnet("v", "s", "10.0.0.0/24", "nsg", "rt")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  const auto m = b.done();
  const auto t = solver::explain(m, query("52.1.2.3", "vm", 22));
  const auto& w = t.hops[2].why.nsg;
  CHECK(m.nsgs[w.nsg].rules[w.rule].name == "AllowVnetInBound");
  CHECK(w.source.kind == solver::AddressMatchKind::kVirtualNetwork);
  CHECK(w.source.route_table == 0);
  CHECK(w.source.route == 0);
  // from inside the VNet the tag holds the source without a route
  const auto inside = solver::explain(m, query("10.0.0.9", "vm", 22));
  CHECK(inside.hops[2].why.nsg.source.kind == solver::AddressMatchKind::kVirtualNetwork);
  CHECK(inside.hops[2].why.nsg.source.route_table == -1);
  // the reply to the internet client takes rt's route
  CHECK(t.hops[4].why.code == solver::ReasonCode::kReplyRoute);
  CHECK(t.hops[4].why.route.user);
  CHECK(t.hops[4].why.route.route_table == 0);
}

}  // namespace exposim::testing
