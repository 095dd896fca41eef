// `exposim whatif` for pull requests: the compact reroute lines ("was ..., now ..."), latent exposure (rules the
// change adds or widens that admit the internet but reach nothing yet), --fail-on-latent and the Markdown writer,
// on tests/data/whatif/estate.json (described in tests/whatif_test.cpp; the parts that matter here: subnet app
// 10.0.2.0/24 has no NSG and vm-app no public IP, so the internet reaches vm-app only through fw1's DNAT rule
// ssh-app, TCP 2222 -> 10.0.2.4:22, whose packets arrive from the firewall's address 10.0.0.4; nsg-spare, with
// only the default rules, is attached to nothing; vm-web has public IP 20.0.0.1 behind subnet NSG nsg-web).
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/exit_codes.h"
#include "cli/whatif_report.h"
#include "cli_support.h"
#include "solver/firewall.h"
#include "tests/whatif_support.h"

namespace exposim::testing {
namespace {

using solver::LatentRule;
using solver::WhatifDelta;

const std::string kPrApp = "networkinterfaces/nic-app|";
const std::string kAttachSpare = R"({"op": "attach-nsg", "nsg": "nsg-spare", "subnet": "vnet1/app"})";

/// An NSG rule of the change documents: inbound, any source port and destination.
std::string nsg_rule(const std::string& nsg, const std::string& name, int priority, const std::string& access,
                     const std::string& source, const std::string& ports) {
  return fmt::format(R"({{"op": "add-nsg-rule", "nsg": "{}", "rule": {{"name": "{}", "properties": {{"priority": {},
      "direction": "Inbound", "access": "{}", "protocol": "Tcp", "sourceAddressPrefix": "{}", "sourcePortRange": "*",
      "destinationAddressPrefix": "*", "destinationPortRange": "{}"}}}}}})",
                     nsg, name, priority, access, source, ports);
}

/// TCP to `ports` from `sources`, any source port, any destination: how latent packets are written.
solver::PacketSet tcp(const model::IpSet& sources, std::uint16_t port) {
  return solver::PacketSet(solver::Cube{sources, model::IpSet::all(), model::bit(model::Protocol::kTcp),
                                        model::PortSet::all(), model::PortSet::single(port)});
}

/// Packet sets are equal when neither has a packet the other lacks.
bool same(const solver::PacketSet& a, const solver::PacketSet& b) {
  return a.subtract(b).empty() && b.subtract(a).empty();
}

model::IpSet prefix(const char* text) { return model::to_set(*model::IpPrefix::parse(text)); }

/// The latent rules of a run, compared over the whole estate; comparing only what the change document changed
/// (as `whatif --change` does) must give the same rules.
std::vector<LatentRule> latent(const WhatifRun& r) {
  auto all = solver::latent_rules(r.before, r.a_before, r.after, r.a_after);
  const auto scoped = solver::latent_rules(r.before, r.a_before, r.after, r.a_after, &r.changed);
  REQUIRE(scoped.size() == all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(scoped[i].kind == all[i].kind);
    CHECK(scoped[i].resource == all[i].resource);
    CHECK(scoped[i].rule == all[i].rule);
  }
  return all;
}

/// The report writers' view of a run.
struct Report {
  std::vector<LatentRule> latent;
  cli::WhatifResult result;
  explicit Report(const WhatifRun& r)
      : latent(solver::latent_rules(r.before, r.a_before, r.after, r.a_after)), result{r.before,  r.a_before, r.after,
                                                                                       r.a_after, r.diff,     r.changed,
                                                                                       latent} {}
};

}  // namespace

TEST_CASE("whatif reroute: attaching an NSG moves the DNAT flow to its default rule in one piece", "[whatif]") {
  auto r = run_whatif(change_doc(kAttachSpare));
  REQUIRE(r.applied);
  const auto& d = delta(r, kPrApp);
  REQUIRE(d.kind == WhatifDelta::Kind::kRerouted);
  // One exposure on each side (tcp 22 from any internet client, entering at fw1's 20.0.0.10:2222), one piece.
  REQUIRE(d.reroutes.size() == 1);
  CHECK(flow(d.reroutes[0].before) == "tcp 22 any");
  CHECK(flow(d.reroutes[0].after) == "tcp 22 any");
  // The subnet hop is all that differs: no NSG before; AllowVnetInBound admits 10.0.0.4 (the VNet) after.
  Report rep(r);
  const auto t = cli::reroute_text(rep.result, d.reroutes[0]);
  CHECK(t.was == "subnet: no NSG");
  CHECK(t.now == "subnet: nsg-spare/AllowVnetInBound (65000)");
}

TEST_CASE("whatif reroute: a rule that takes over from AllowVnetInBound is one line with was and now", "[whatif]") {
  // Before (base): nsg-spare on subnet app, the DNAT flow decided by AllowVnetInBound (65000). The change adds
  // allow-fw-ssh, TCP 22 from the firewall subnet 10.0.0.0/26 at 300: the same packets, another rule.
  auto r = run_whatif(change_doc(nsg_rule("nsg-spare", "allow-fw-ssh", 300, "Allow", "10.0.0.0/26", "22")), kEstate,
                      change_doc(kAttachSpare));
  REQUIRE(r.applied);
  CHECK_FALSE(r.diff.grew);
  REQUIRE(r.diff.deltas.size() == 1);
  const auto& d = delta(r, kPrApp);
  REQUIRE(d.kind == WhatifDelta::Kind::kRerouted);
  REQUIRE(d.reroutes.size() == 1);
  CHECK(flow(d.reroutes[0].after) == "tcp 22 any");
  Report rep(r);
  const auto t = cli::reroute_text(rep.result, d.reroutes[0]);
  CHECK(t.was == "subnet: nsg-spare/AllowVnetInBound (65000)");
  CHECK(t.now == "subnet: nsg-spare/allow-fw-ssh (300)");
  // 10.0.0.0/26 is not internet: not latent.
  CHECK(rep.latent.empty());
  std::ostringstream table;
  cli::write_whatif_table(table, rep.result);
  CHECK_THAT(table.str(), Catch::Contains("rerouted  vm-app") &&
                              Catch::Contains("was subnet: nsg-spare/AllowVnetInBound (65000), now subnet: "
                                              "nsg-spare/allow-fw-ssh (300)\n"));
  CHECK_THAT(table.str(), !Catch::Contains("latent"));
}

TEST_CASE("whatif latent: a rule added to an NSG attached to nothing admits the internet and reaches nothing",
          "[whatif]") {
  auto r = run_whatif(change_doc(nsg_rule("nsg-spare", "allow-ssh", 100, "Allow", "*", "22")));
  REQUIRE(r.applied);
  CHECK(r.diff.deltas.empty());
  CHECK_FALSE(r.diff.grew);
  const auto l = latent(r);
  REQUIRE(l.size() == 1);
  CHECK(l[0].change == LatentRule::Change::kAdded);
  CHECK(l[0].kind == model::ResourceKind::kNetworkSecurityGroup);
  CHECK(r.after.nsgs[l[0].resource].name == "nsg-spare");
  CHECK(r.after.nsgs[l[0].resource].rules[l[0].rule].name == "allow-ssh");
  // `*` is every address; of it the internet (as this estate defines it), TCP 22.
  CHECK(same(l[0].packets, tcp(r.a_after.internet, 22)));
  CHECK(l[0].applies_to.empty());
}

TEST_CASE("whatif latent: RDP from Internet on a subnet without a public entry is latent on that subnet", "[whatif]") {
  auto r = run_whatif(change_doc(nsg_rule("nsg-spare", "allow-rdp", 310, "Allow", "Internet", "3389")), kEstate,
                      change_doc(kAttachSpare));
  REQUIRE(r.applied);
  CHECK(r.diff.deltas.empty());
  const auto l = latent(r);
  REQUIRE(l.size() == 1);
  CHECK(same(l[0].packets, tcp(r.a_after.internet, 3389)));
  REQUIRE(l[0].applies_to.size() == 1);
  CHECK(l[0].applies_to[0].kind == model::ResourceKind::kSubnet);
  CHECK(r.after.subnets[l[0].applies_to[0].index].name == "app");
  Report rep(r);
  std::ostringstream table;
  cli::write_whatif_table(table, rep.result);
  CHECK(table.str() ==
        "changed resources: network-security-group 'nsg-spare'\n"
        "latent exposure: 1 rule the change added or widened admits internet sources but reaches no target with an "
        "internet entry today:\n"
        "CHANGE  RULE                            PROTO  PORTS  SOURCES  APPLIES TO\n"
        "added   nsg: nsg-spare/allow-rdp (310)  tcp    3389   any      subnet vnet1/app\n"
        "0 newly exposed, 0 closed, 0 changed, 0 rerouted (4 exposures before, 4 after): exposure did not grow\n");
}

TEST_CASE("whatif latent: a rule that opens a target with a public IP is not latent", "[whatif]") {
  auto r = run_whatif(change_doc(nsg_rule("nsg-web", "allow-ssh", 110, "Allow", "*", "22")));
  REQUIRE(r.applied);
  CHECK(r.diff.grew);  // vm-web, public IP 20.0.0.1: tcp 22 from any, decided by allow-ssh
  CHECK(latent(r).empty());
}

TEST_CASE("whatif latent: widened sources and a deny made allow but not a new priority alone", "[whatif]") {
  const std::string base =
      change_doc(kAttachSpare + "," + nsg_rule("nsg-spare", "allow-mgmt", 200, "Allow", "52.10.20.0/24", "3389") + "," +
                 nsg_rule("nsg-spare", "deny-winrm", 210, "Deny", "*", "5985"));
  SECTION("sources widened to *: latent for what is new, the internet less 52.10.20.0/24") {
    auto r = run_whatif(
        change_doc(
            R"({"op": "modify-nsg-rule", "nsg": "nsg-spare", "rule": "allow-mgmt", "set": {"sourceAddressPrefix": "*"}})"),
        kEstate, base);
    REQUIRE(r.applied);
    const auto l = latent(r);
    REQUIRE(l.size() == 1);
    CHECK(l[0].change == LatentRule::Change::kWidened);
    CHECK(same(l[0].packets, tcp(r.a_after.internet.subtract(prefix("52.10.20.0/24")), 3389)));
    Report rep(r);
    std::ostringstream table;
    cli::write_whatif_table(table, rep.result);
    // `*` is IPv6 too: all of the IPv6 internet is new.
    CHECK_THAT(table.str(), Catch::Contains("widened  nsg: nsg-spare/allow-mgmt (200)  tcp    3389   IPv4 any except "
                                            "52.10.20.0/24, IPv6 any  subnet vnet1/app\n"));
  }
  SECTION("a deny rule made allow: widened from nothing to the whole internet") {
    auto r = run_whatif(
        change_doc(
            R"({"op": "modify-nsg-rule", "nsg": "nsg-spare", "rule": "deny-winrm", "set": {"access": "Allow"}})"),
        kEstate, base);
    REQUIRE(r.applied);
    const auto l = latent(r);
    REQUIRE(l.size() == 1);
    CHECK(l[0].change == LatentRule::Change::kWidened);
    CHECK(r.after.nsgs[l[0].resource].rules[l[0].rule].name == "deny-winrm");
    CHECK(same(l[0].packets, tcp(r.a_after.internet, 5985)));
  }
  SECTION("only the priority changed: the rule admits what it did, not latent") {
    auto r = run_whatif(
        change_doc(R"({"op": "modify-nsg-rule", "nsg": "nsg-spare", "rule": "allow-mgmt", "set": {"priority": 150}})"),
        kEstate, base);
    REQUIRE(r.applied);
    CHECK(latent(r).empty());
  }
  SECTION("sources narrowed: not latent") {
    auto r = run_whatif(
        change_doc(
            R"({"op": "modify-nsg-rule", "nsg": "nsg-spare", "rule": "allow-mgmt", "set": {"sourceAddressPrefix": "52.10.20.0/25"}})"),
        kEstate, base);
    REQUIRE(r.applied);
    CHECK(latent(r).empty());
  }
}

TEST_CASE("whatif latent: a DNAT rule on an address the firewall does not have is latent on the firewall", "[whatif]") {
  auto dnat = [](const std::string& name, const std::string& address, const std::string& port) {
    return fmt::format(R"({{"op": "add-firewall-rule", "firewallPolicy": "pol1", "ruleCollectionGroup": "grp",
        "ruleCollection": "dnat", "rule": {{"ruleType": "NatRule", "name": "{}", "ipProtocols": ["TCP"],
        "sourceAddresses": ["*"], "destinationAddresses": ["{}"], "destinationPorts": ["{}"],
        "translatedAddress": "10.0.2.4", "translatedPort": "3389"}}}})",
                       name, address, port);
  };
  SECTION("20.0.0.99 is not fw1's public IP (20.0.0.10): nothing enters by the rule") {
    auto r = run_whatif(change_doc(dnat("rdp-app", "20.0.0.99", "3389")));
    REQUIRE(r.applied);
    CHECK(r.diff.deltas.empty());
    const auto l = latent(r);
    REQUIRE(l.size() == 1);
    CHECK(l[0].kind == model::ResourceKind::kFirewall);
    CHECK(r.after.firewalls[l[0].resource].name == "fw1");
    CHECK(solver::rule_at(r.after, r.after.firewalls[l[0].resource], r.after.firewalls[l[0].resource].order[l[0].rule])
              .name == "rdp-app");
    CHECK(same(l[0].packets, tcp(r.a_after.internet, 3389)));
    REQUIRE(l[0].applies_to.size() == 1);
    CHECK(l[0].applies_to[0].kind == model::ResourceKind::kFirewall);
  }
  SECTION("on 20.0.0.10 the rule opens the firewall's entry and vm-app: not latent") {
    auto r = run_whatif(change_doc(dnat("rdp-app", "20.0.0.10", "3389")));
    REQUIRE(r.applied);
    CHECK(r.diff.grew);
    CHECK(latent(r).empty());
  }
}

TEST_CASE("whatif --fail-on-latent exits 1 on a latent rule and 0 without and markdown escapes the pipe",
          "[whatif][cli]") {
  const auto dir = scratch_dir("whatif-pr");
  const auto change = dir / "latent.json";
  write_file(change, change_doc(nsg_rule("nsg-spare", "allow-ssh", 100, "Allow", "*", "22")));
  CHECK(run_exposim({"whatif", kEstate, "--change", change.string()}).code == cli::kExitOk);
  auto gated = run_exposim({"whatif", kEstate, "--change", change.string(), "--fail-on-latent", "-f", "markdown"});
  CHECK(gated.code == cli::kExitFindings);
  CHECK(gated.out ==
        "**exposim whatif: exposure did not grow.** 0 newly exposed, 0 closed, 0 changed, 0 rerouted, 1 latent rule "
        "(4 exposures before, 4 after).\n"
        "\n"
        "Changed resources: network-security-group `nsg-spare`.\n"
        "\n"
        "### Latent exposure\n"
        "\n"
        "1 rule that the change added or widened admits internet sources but reaches no target with an internet "
        "entry today: a public IP, load balancer or DNAT rule added later exposes what it allows.\n"
        "\n"
        "| change | rule | proto | ports | sources | applies to |\n"
        "|---|---|---|---|---|---|\n"
        "| added | nsg: nsg-spare/allow-ssh (100) | tcp | 22 | any | nothing (the NSG is not attached) |\n");
  // A rule name with a pipe (hand-written input does not check names) does not split the cell.
  write_file(change, change_doc(nsg_rule("nsg-spare", "allow|ssh", 100, "Allow", "*", "22")));
  auto piped = run_exposim({"whatif", kEstate, "--change", change.string(), "-f", "markdown"});
  CHECK(piped.code == cli::kExitOk);
  CHECK_THAT(piped.out, Catch::Contains("| added | nsg: nsg-spare/allow\\|ssh (100) | tcp |"));
  // No difference at all.
  write_file(change, change_doc(R"({"op": "remove-route", "routeTable": "rt-web", "route": "onprem"})"));
  auto none = run_exposim({"whatif", kEstate, "--change", change.string(), "-f", "markdown", "--fail-on-latent"});
  CHECK(none.code == cli::kExitOk);
  CHECK_THAT(none.out, Catch::EndsWith("\nNo difference in exposure.\n"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("whatif markdown: rows past the comment budget are counted not written", "[whatif]") {
  // vm-web loses its public IP (tcp 443 from any closes) and stwhatif its public endpoint (tcp 443 and 445).
  auto r = run_whatif(change_doc(R"({"op": "remove-public-ip", "nic": "nic-web"},
      {"op": "set-public-network-access", "service": "stwhatif", "publicNetworkAccess": "Disabled"})"));
  REQUIRE(r.applied);
  Report rep(r);
  std::ostringstream all;
  cli::write_whatif_markdown(all, rep.result);
  CHECK_THAT(all.str(), Catch::Contains("### Closed") && Catch::Contains("| vm-web |") &&
                            Catch::Contains("| stwhatif |") && !Catch::Contains("not shown"));
  // The first row of the Closed table fits in 200 characters, not the second.
  std::ostringstream cut;
  cli::write_whatif_markdown(cut, rep.result, 200);
  CHECK_THAT(cut.str(), Catch::Contains("0 newly exposed, 2 closed") &&
                            Catch::Contains("\n_1 more row not shown: a pull-request comment holds at most 65,536 "
                                            "characters; `exposim whatif --format table` lists every row._\n"));
  std::ostringstream none;
  cli::write_whatif_markdown(none, rep.result, 0);
  CHECK_THAT(none.str(), Catch::Contains("_2 more rows not shown"));
}

TEST_CASE("whatif latent: an unresolved service tag is taken as the internet and says so", "[whatif]") {
  // GatewayManager has no address list in the model: an allow rule admits the whole internet with it
  // (docs/model.md), so the rule is latent, and the SOURCES cell names the assumption.
  auto r = run_whatif(change_doc(nsg_rule("nsg-spare", "allow-gwm", 130, "Allow", "GatewayManager", "443")));
  REQUIRE(r.applied);
  const auto l = latent(r);
  REQUIRE(l.size() == 1);
  CHECK(same(l[0].packets, tcp(r.a_after.internet, 443)));
  Report rep(r);
  std::ostringstream table;
  cli::write_whatif_table(table, rep.result);
  CHECK_THAT(table.str(), Catch::Contains("tcp    443    any (GatewayManager taken as the internet)  nothing"));
}

TEST_CASE("whatif reroute text: a hop only one side has is shown with a common neighbour", "[whatif]") {
  // vm-web's exposure (internet > entry pip-web > subnet nsg-web/allow-https > nic: no NSG > target), and the same
  // with a system return route after the entry: only the route differs, so the entry is shown on both sides.
  auto r = run_whatif(change_doc(nsg_rule("nsg-spare", "unused", 100, "Deny", "*", "22")));
  REQUIRE(r.applied);
  const solver::Exposure* web = nullptr;
  for (const auto& e : r.a_before.exposures) {
    if (e.nic >= 0 && r.before.nics[e.nic].name == "nic-web") web = &e;
  }
  REQUIRE(web != nullptr);
  REQUIRE(web->path.size() == 5);
  solver::Reroute x{*web, *web};
  solver::Hop route;
  route.kind = solver::HopKind::kRoute;
  route.resource_kind = model::ResourceKind::kRouteTable;
  route.scope = "return";
  auto& after = x.after.path.edit();  // a path of its own: `web`'s stays as it was
  after.insert(after.begin() + 2, route);
  Report rep(r);
  auto t = cli::reroute_text(rep.result, x);
  CHECK(t.was == "entry: pip-web");
  CHECK(t.now == "entry: pip-web > route (return): system route");
  // Nothing a cell names differs: both whole paths.
  x.after = *web;
  x.after.path.edit()[2].port = 443;
  t = cli::reroute_text(rep.result, x);
  CHECK(t.was == "internet > entry: pip-web > subnet: nsg-web/allow-https (100) > nic: no NSG > target: nic-web");
  CHECK(t.now == t.was);
}

}  // namespace exposim::testing
