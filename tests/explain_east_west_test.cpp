// explain() of east-west flows (docs/model.md, "Explaining one flow"): a source inside the estate, by private address
// or by name, followed hop by hop through its outbound NSGs, the routes, the hub firewall and the target's inbound
// NSGs, on tests/golden/inputs/east-west-hub.json, worked out by hand:
//
//   vnet-hub 10.0.0.0/16: AzureFirewallSubnet 10.0.1.0/26, fw-hub at 10.0.1.4 (policy fwp-hub: network rule
//     web-to-sql TCP 10.1.0.0/16 -> 10.2.1.0/24 port 1433, nothing else); peered with the three spokes (the hub's
//     side allows no forwarded traffic, each spoke's side does).
//   vnet-spoke1 10.1.0.0/16: snet-web 10.1.1.0/24 (NSG nsg-web: no rules of its own; rt-spoke1: to-spoke2
//     10.2.0.0/16 -> VirtualAppliance 10.0.1.4); vm-web 10.1.1.4, NIC NSG nsg-web-nic: deny-rdp-out (100) TCP 3389
//     to VirtualNetwork, outbound.
//   vnet-spoke2 10.2.0.0/16: snet-db 10.2.1.0/24 (NSG nsg-db: allow-sql-from-spoke1 (100) TCP 1433 from
//     10.1.0.0/16, deny-ssh (200) TCP 22; rt-spoke2: to-spoke1 10.1.0.0/16 -> VirtualAppliance 10.0.1.4); vm-db
//     10.2.1.4; snet-legacy 10.2.2.0/24 (no NSG, no route table), vm-legacy 10.2.2.4.
//   vnet-spoke3 10.3.0.0/16: snet-app 10.3.1.0/24 (no NSG, no route table), vm-app 10.3.1.4; peered with the hub
//     only.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include "cli/explain_query_text.h"
#include "cli/explain_report.h"
#include "cli/explain_text.h"
#include "importers/inputs.h"
#include "model/model.h"
#include "model/validate.h"
#include "solver/explain.h"
#include "tests/trace_lines.h"

namespace exposim {
namespace {

using model::Protocol;
using solver::FlowQuery;
using solver::FlowTrace;
using solver::HopKind;
using solver::ReasonCode;
using namespace exposim::testing;

std::string east_west_hub_file() {
  return (std::filesystem::path(EXPOSIM_SOURCE_DIR) / "tests" / "golden" / "inputs" / "east-west-hub.json").string();
}

model::Model east_west_input(const std::string& file) {
  model::Model m;
  model::Diagnostics diags;
  const auto reports = importers::import_inputs({file}, {}, m, diags);
  model::validate(m, diags, model::ValidateOptions{importers::has_template(reports)});
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

model::Model east_west_hub() { return east_west_input(east_west_hub_file()); }

/// --from a name (a NIC or VM) when `from` is not an address.
FlowQuery ew_query(const std::string& from, const std::string& to, int port, Protocol p = Protocol::kTcp) {
  FlowQuery q;
  if (const auto a = model::IpAddress::parse(from)) {
    q.source = *a;
  } else {
    q.source_name = from;
  }
  q.target = to;
  q.protocol = p;
  q.destination_port = static_cast<std::uint16_t>(port);
  return q;
}

}  // namespace

TEST_CASE("explain east-west: an outbound deny at the source NIC stops the packet before any route",
          "[solver][explain][east-west]") {
  const auto m = east_west_hub();
  const FlowTrace t = solver::explain(m, ew_query("vm-web", "vm-db", 3389));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.east_west);
  CHECK_FALSE(t.internet_source);
  CHECK(t.query.source.to_string() == "10.1.1.4");  // the name resolved to its ip configuration's private address
  CHECK(m.nics[t.source_nic].name == "vm-web-nic");
  CHECK(m.vms[t.vm].name == "vm-db");
  const auto lines = trace_hop_lines(m, t);
  REQUIRE(lines.size() >= 3);
  CHECK(lines[0] == "source pass");
  // deny-rdp-out names VirtualNetwork, which holds 10.2.1.4 only because rt-spoke1's route puts 10.2.0.0/16 into
  // snet-web's tag; everything after it would still be evaluated.
  CHECK(lines[1] == "nsg(nic-outbound) stop nsg-web-nic/deny-rdp-out");
  CHECK(t.stopped_at == 1);
  CHECK_FALSE(t.allowed);
  CHECK_FALSE(t.broken);
  CHECK(t.verdict.kind == HopKind::kNsg);
  CHECK(std::string(t.verdict.scope) == "nic-outbound");
  CHECK(cli::verdict_text(m, t) ==
        "denied at NSG 'nsg-web-nic' (outbound, NIC): deny-rdp-out (100, deny): destination tag 'VirtualNetwork' (as "
        "seen from the source's subnet) contains 10.2.1.4 because route 'to-spoke2' (10.2.0.0/16 -> "
        "VirtualAppliance) of route table 'rt-spoke1' puts 10.2.0.0/16 into the tag, port 3389 in '3389', protocol "
        "tcp");
}

TEST_CASE("explain east-west: through the hub firewall a network rule allows 1433 and replies come back through it",
          "[solver][explain][east-west]") {
  const auto m = east_west_hub();
  const FlowTrace t = solver::explain(m, ew_query("vm-web", "10.2.1.4", 1433));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.east_west);
  CHECK(trace_hop_lines(m, t) == std::vector<std::string>{
                                     "source pass",
                                     "nsg(nic-outbound) pass nsg-web-nic/AllowVnetOutBound",
                                     "nsg(subnet-outbound) pass nsg-web/AllowVnetOutBound",
                                     "route(forward) pass to-spoke2",
                                     "firewall(network) pass fw-hub/web-to-sql",
                                     "route(forward) pass system",
                                     "nsg(subnet) pass nsg-db/allow-sql-from-spoke1",
                                     "no-nsg(nic) pass",
                                     "route(return) pass to-spoke1",
                                 });
  CHECK(t.allowed);
  CHECK(t.stopped_at == -1);
  // The firewall's subnet reaches spoke2 by its peering: the packet keeps 10.1.1.4 (no SNAT for private
  // destinations), so spoke2's side must accept forwarded traffic, which it does.
  const auto& onward = t.hops[5];
  CHECK(onward.why.leg == solver::EastWestLeg::kPeered);
  CHECK(onward.why.forwarded);
  CHECK(cli::hop_text(m, onward) ==
        "subnet 'AzureFirewallSubnet' sends 10.2.1.4 by system route 10.2.0.0/16 -> VNetPeering (the longest prefix "
        "that holds it): VNet 'vnet-hub' is peered with VNet 'vnet-spoke2', which accepts forwarded traffic");
  CHECK(cli::hop_text(m, t.hops[3]) ==
        "subnet 'snet-web' sends 10.2.1.4 by route 'to-spoke2' (10.2.0.0/16 -> VirtualAppliance 10.0.1.4) of route "
        "table 'rt-spoke1' (the longest prefix that holds it): to firewall 'fw-hub'");
  CHECK(cli::hop_text(m, t.hops[8]) ==
        "the reply to 10.1.1.4 takes route 'to-spoke1' (10.1.0.0/16 -> VirtualAppliance 10.0.1.4) of route table "
        "'rt-spoke2': back through firewall 'fw-hub', which the request crossed");
  CHECK(cli::verdict_text(m, t) ==
        "allowed: tcp 10.1.1.4:49152 -> 10.2.1.4:1433 from vm-web (10.1.1.4) reaches ip configuration 'ipconfig1' of "
        "NIC 'vm-db-nic' (10.2.1.4), and replies return");
}

TEST_CASE("explain east-west: the hub firewall's default deny stops SSH between the spokes",
          "[solver][explain][east-west]") {
  const auto m = east_west_hub();
  // By private address: 10.1.1.4 is vm-web's, the same flow as by name.
  const FlowTrace t = solver::explain(m, ew_query("10.1.1.4", "vm-db", 22));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.east_west);
  CHECK(m.vms[t.source_vm].name == "vm-web");
  const auto lines = trace_hop_lines(m, t);
  REQUIRE(lines.size() == 9);
  CHECK(lines[4] == "firewall(default) stop fw-hub");
  // nsg-db's deny-ssh would stop it too: every hop is evaluated, after the stop as well.
  CHECK(lines[6] == "nsg(subnet) stop nsg-db/deny-ssh (unreached)");
  CHECK(t.stopped_at == 4);
  CHECK(t.verdict.kind == HopKind::kFirewall);
  CHECK(cli::verdict_text(m, t) ==
        "denied at firewall (default): no rule matched: default deny (no network or application rule of firewall "
        "'fw-hub' takes tcp 10.1.1.4:49152 -> 10.2.1.4:22)");
}

TEST_CASE("explain east-west: peering is not transitive, spoke3 to spoke2 stops at the route",
          "[solver][explain][east-west]") {
  const auto m = east_west_hub();
  const FlowTrace t = solver::explain(m, ew_query("vm-app", "vm-db", 1433));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  const auto lines = trace_hop_lines(m, t);
  // east_west_path() ends the path at the route that does not deliver the packet.
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "source pass");
  CHECK(lines[1] == "no-nsg(nic-outbound) pass");
  CHECK(lines[2] == "no-nsg(subnet-outbound) pass");
  // snet-app has no route table: 10.2.1.4 matches the system route 10.0.0.0/8 -> None, longer than 0.0.0.0/0; spoke3
  // is peered with the hub only.
  CHECK(lines[3] == "route(forward) stop system");
  CHECK(t.stopped_at == 3);
  CHECK(t.hops[3].why.leg == solver::EastWestLeg::kDropped);
  CHECK(cli::verdict_text(m, t) ==
        "denied at route (forward): subnet 'snet-app' sends 10.2.1.4 by system route 10.0.0.0/8 -> None (the longest "
        "prefix that holds it): next hop None drops the packet; virtual networks 'vnet-spoke3' and 'vnet-spoke2' are "
        "not peered (peering is not transitive)");
}

TEST_CASE("explain east-west: within a VNet, from an address no ip configuration holds",
          "[solver][explain][east-west]") {
  const auto m = east_west_hub();
  // 10.2.2.50 is in snet-legacy, held by no NIC: no NIC NSG, and the subnet has none. vm-db's nsg-db
  // admits 1433 from 10.2.2.50 by AllowVnetInBound (allow-sql-from-spoke1 names 10.1.0.0/16 only), and the reply
  // takes spoke2's own system route.
  const FlowTrace t = solver::explain(m, ew_query("10.2.2.50", "vm-db", 1433));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.east_west);
  CHECK(t.source_nic == -1);
  CHECK(m.subnets[t.source_subnet].name == "snet-legacy");
  const auto lines = trace_hop_lines(m, t);
  REQUIRE(lines.size() == 7);
  CHECK(lines[1] == "no-nsg(nic-outbound) pass");
  CHECK(t.hops[1].resource == -1);  // no NIC holds the address
  CHECK(lines[3] == "route(forward) pass system");
  CHECK(std::find(lines.begin(), lines.end(), "nsg(subnet) pass nsg-db/AllowVnetInBound") != lines.end());
  CHECK(lines.back() == "route(return) pass system");
  CHECK(t.allowed);
  CHECK(cli::hop_text(m, t.hops.front()) ==
        "10.2.2.50 is in subnet 'snet-legacy' of VNet 'vnet-spoke2', held by no ip configuration in the input: the "
        "packet leaves through the subnet's outbound rules only");
}

TEST_CASE("explain east-west: a next hop that is not in the input is assumed to forward, both ways",
          "[solver][explain][east-west]") {
  auto m = east_west_hub();
  // Both spokes' routes to a next hop 10.0.1.100 that no firewall or NIC holds: east_west_path() has an appliance
  // stage without a resource (assumed to forward to the target, which never hides a flow), and the reply crosses the
  // same unknown next hop, so it returns.
  for (auto& rt : m.route_tables) {
    for (auto& r : rt.routes) r.next_hop_ip = *model::IpAddress::parse("10.0.1.100");
  }
  const FlowTrace t = solver::explain(m, ew_query("vm-web", "vm-db", 1433));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  const auto lines = trace_hop_lines(m, t);
  REQUIRE(lines.size() == 8);
  CHECK(lines[3] == "route(forward) pass to-spoke2");
  CHECK(lines[4] == "appliance pass");
  CHECK(t.hops[4].resource == -1);
  CHECK(cli::hop_text(m, t.hops[4]) ==
        "assumed: the next hop 10.0.1.100, which is not in the input, forwards tcp 10.1.1.4:49152 -> 10.2.1.4:1433 "
        "unchanged to the target");
  CHECK(lines[7] == "route(return) pass to-spoke1");
  CHECK_THAT(cli::hop_text(m, t.hops[7]), Catch::EndsWith("back through the next hop 10.0.1.100, which the request "
                                                          "crossed"));
  CHECK(t.allowed);
  // Both JSON versions write the hop without a resource.
  for (int version : {1, 2}) {
    std::ostringstream out;
    cli::write_explain_json(out, m, t, {}, version);
    CHECK_THAT(out.str(), Catch::Contains("\"hop\": \"appliance\""));
  }
}

TEST_CASE("explain east-west: an application rule translates the source, and the reply goes to the firewall",
          "[solver][explain][east-west]") {
  // east-west-hub with one more collection in rcg-east-west: https-out, an application rule for HTTPS 443 from
  // 10.1.0.0/16 to *.contoso.com. For vm-web to vm-db on 443 no network rule matches; the application rule is
  // allowed by its port (its FQDN cannot be checked for a connection addressed by IP). The firewall translates the
  // source to its own address, so nsg-db sees 10.0.1.0/26: AllowVnetInBound (the hub is peered with spoke2). The reply
  // goes to the firewall's address 10.0.1.4 by spoke2's peering route 10.0.0.0/16, straight to the firewall: it
  // returns.
  auto doc = nlohmann::json::parse(std::ifstream(east_west_hub_file()));
  for (auto& r : doc["value"]) {
    if (r["name"] != "rcg-east-west") continue;
    r["properties"]["ruleCollections"].push_back(nlohmann::json::parse(R"({
      "ruleCollectionType": "FirewallPolicyFilterRuleCollection", "name": "web-apps", "priority": 300,
      "action": {"type": "Allow"},
      "rules": [{"ruleType": "ApplicationRule", "name": "https-out", "sourceAddresses": ["10.1.0.0/16"],
                 "protocols": [{"protocolType": "Https", "port": 443}], "targetFqdns": ["*.contoso.com"]}]})"));
  }
  const auto file = std::filesystem::temp_directory_path() / "exposim-east-west-app-rule.json";
  std::ofstream(file) << doc.dump();
  const auto m = east_west_input(file.string());
  std::filesystem::remove(file);
  const FlowTrace t = solver::explain(m, ew_query("vm-web", "vm-db", 443));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  const auto lines = trace_hop_lines(m, t);
  REQUIRE(lines.size() == 9);
  CHECK(lines[4] == "firewall(application) pass fw-hub/https-out");
  CHECK(lines[6] == "nsg(subnet) pass nsg-db/AllowVnetInBound");
  CHECK_THAT(cli::hop_text(m, t.hops[6]),
             Catch::Contains("contains 10.0.1.4") && Catch::EndsWith("(the source is the firewall's SNAT address in "
                                                                     "10.0.1.0/26)"));
  CHECK(lines[8] == "route(return) pass system");
  CHECK(cli::hop_text(m, t.hops[8]) ==
        "the reply to 10.0.1.4 (the firewall's own address: its application rule translated the source) takes "
        "system route 10.0.0.0/16 -> VNetPeering: it returns the way the request came");
  CHECK(t.allowed);
}

TEST_CASE("explain east-west: sources and targets it does not take", "[solver][explain][east-west]") {
  const auto m = east_west_hub();
  SECTION("an unknown source name") {
    const FlowTrace t = solver::explain(m, ew_query("vm-nope", "vm-db", 1433));
    CHECK(t.status == FlowTrace::Status::kUnknownTarget);
    CHECK(t.error.option == solver::QueryOption::kFrom);
    CHECK(t.error.code == solver::QueryErrorCode::kUnknownSource);
    CHECK_THAT(cli::query_error_text(m, t), Catch::StartsWith("unknown source 'vm-nope': expected an IP address"));
  }
  SECTION("a named source to something that is no ip configuration or private endpoint") {
    const FlowTrace t = solver::explain(m, ew_query("vm-web", "fw-hub", 443));
    CHECK(t.status == FlowTrace::Status::kUnknownTarget);
    CHECK(t.error.code == solver::QueryErrorCode::kEastWestTarget);
  }
  SECTION("an internet source keeps today's trace") {
    const FlowTrace t = solver::explain(m, ew_query("52.10.20.30", "vm-db", 1433));
    REQUIRE(t.status == FlowTrace::Status::kOk);
    CHECK_FALSE(t.east_west);
    CHECK(t.internet_source);
    CHECK(t.hops.front().why.code == ReasonCode::kInternetSource);
  }
  SECTION("a private address outside every VNet keeps today's trace: not internet traffic") {
    const FlowTrace t = solver::explain(m, ew_query("192.168.7.7", "vm-db", 1433));
    REQUIRE(t.status == FlowTrace::Status::kOk);
    CHECK_FALSE(t.east_west);
    CHECK(t.verdict.kind == HopKind::kSource);
  }
}

}  // namespace exposim
