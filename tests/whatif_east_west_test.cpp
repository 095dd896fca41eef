// whatif's east-west difference (solver/whatif_east_west.h, cli/whatif_east_west.h) on examples/three-tier, worked
// out by hand from its README:
// - snet-web 10.1.1.0/24 (vm-web-1 10.1.1.4, vm-web-2 10.1.1.5), snet-app 10.1.2.0/24 (vm-app-1 10.1.2.4), snet-db
//   10.1.3.0/24 (vm-db-1 10.1.3.4) in vnet-app 10.1.0.0/16, peered with vnet-hub 10.0.0.0/16, whose
//   AzureFirewallSubnet 10.0.1.0/26 holds fw-hub (no ip configuration: the subnet's whole prefix is its source);
// - every cross-subnet flow of vnet-app goes through fw-hub (user routes 10.1.0.0/16 -> 10.0.1.4), whose network
//   rules allow web -> app TCP 8080, app -> db TCP 1433 and web -> 10.1.0.0/16 TCP 22 (nothing else);
// - nsg-db admits TCP 1433 from 10.1.2.0/24 (100) and denies everything from VirtualNetwork (4000).
// The change: an allow rule `allow-vnet-all` from VirtualNetwork on every protocol and port at priority 200 in nsg-db.
// Then, from every subnet: web -> db TCP 22 opens (the firewall's web-ssh-anywhere, then the new rule instead of
// deny-vnet-inbound); app -> db gains nothing (the firewall passes only 1433, which allow-sql-from-app (100) already
// admitted and still decides); the firewall subnet -> db opens on every protocol and port (the peering route,
// straight to snet-db: 10.0.1.0/26 is in vnet-app's VirtualNetwork through the peering).
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "importers/azure/resource_importer.h"
#include "importers/change.h"
#include "model/validate.h"
#include "solver/reach_source.h"
#include "solver/whatif_east_west.h"

namespace {

using exposim::model::Model;
using exposim::solver::EastWestDiff;
using exposim::solver::ReachFlow;
using exposim::solver::WhatifDelta;

const char* const kEwwiOpenDb = R"([{"op": "add-nsg-rule", "nsg": "nsg-db", "rule": {"name": "allow-vnet-all",
  "properties": {"priority": 200, "direction": "Inbound", "access": "Allow", "protocol": "*",
  "sourceAddressPrefix": "VirtualNetwork", "sourcePortRange": "*", "destinationAddressPrefix": "*",
  "destinationPortRange": "*"}}}])";
const char* const kEwwiCloseDb = R"([{"op": "remove-nsg-rule", "nsg": "nsg-db", "rule": "allow-vnet-all"}])";

std::string ewwi_estate() { return exposim::testing::example("three-tier/estate.json"); }

struct EwwiModels {
  Model before;
  Model after;
};

/// The three-tier estate (with `base` applied, when given) before and after `change`, both validated.
EwwiModels ewwi_models(const std::string& change, const std::string& base = "") {
  EwwiModels r;
  exposim::model::Diagnostics diags;
  exposim::importers::azure::import_file(ewwi_estate(), r.before, diags);
  std::vector<exposim::model::Changed> changed;
  if (!base.empty()) REQUIRE(exposim::importers::apply_change_text(base, "base.json", r.before, diags, changed));
  r.after = r.before;
  REQUIRE(exposim::importers::apply_change_text(change, "change.json", r.after, diags, changed));
  exposim::model::validate(r.before, diags);
  exposim::model::validate(r.after, diags);
  REQUIRE_FALSE(diags.has_errors());
  return r;
}

/// reach() from every subnet (merged by class, as --east-west) or from the sources `from` names.
std::vector<ReachFlow> ewwi_flows(const Model& m, const std::string& from = "") {
  std::vector<exposim::solver::ReachSource> sources;
  exposim::solver::ReachOptions options;
  if (from.empty()) {
    options.merge_sources = true;
    for (std::size_t s = 0; s < m.subnets.size(); ++s) {
      exposim::solver::ReachSource x;
      x.kind = exposim::solver::ReachSource::Kind::kSubnet;
      x.subnet = static_cast<int>(s);
      sources.push_back(x);
    }
  } else {
    const auto resolved = exposim::solver::resolve_reach_source(m, from);
    REQUIRE_FALSE(resolved.error);
    sources = resolved.sources;
  }
  std::vector<ReachFlow> out;
  for (const auto& s : sources) {
    for (auto& f : exposim::solver::reach(m, s, options).flows) out.push_back(std::move(f));
  }
  return out;
}

EastWestDiff ewwi_diff(const EwwiModels& r, const std::string& from = "") {
  return exposim::solver::diff_reach(r.before, ewwi_flows(r.before, from), r.after, ewwi_flows(r.after, from));
}

/// The names of the NSG rules on a flow's path ("nsg-db/allow-vnet-all").
std::set<std::string> ewwi_nsg_rules(const Model& m, const ReachFlow& f) {
  std::set<std::string> out;
  for (const auto& h : f.path) {
    if (h.kind == exposim::solver::HopKind::kNsg && h.resource >= 0 && h.rule >= 0) {
      out.insert(m.nsgs[h.resource].name + "/" + m.nsgs[h.resource].rules[h.rule].name);
    }
  }
  return out;
}

/// "SOURCE > TARGET PROTO PORTS SOURCES" of a flow (source: the ip configuration's NIC or the subnet; ports "-" for
/// portless protocols).
std::string ewwi_flow_text(const Model& m, const ReachFlow& f) {
  const std::string source = f.source.nic >= 0 ? m.nics[f.source.nic].name : m.subnets[f.source_subnet].name;
  std::string sources;
  for (const auto& c : exposim::model::to_cidr_strings(f.sources)) sources += (sources.empty() ? "" : ",") + c;
  return fmt::format("{} > {} {} {} {}", source, m.nics[f.nic].name, exposim::model::to_string(f.protocol),
                     exposim::model::has_ports(f.protocol) ? exposim::model::to_string(f.ports) : "-", sources);
}

/// Every opened (or closed) flow of a diff as text, with the kinds of its deltas.
std::set<std::string> ewwi_listed(const Model& m, const EastWestDiff& d, bool opened, WhatifDelta::Kind kind) {
  std::set<std::string> out;
  for (const auto& x : d.deltas) {
    CHECK(x.kind == kind);
    for (const auto& f : opened ? x.opened : x.closed) out.insert(ewwi_flow_text(m, f));
  }
  return out;
}

const std::set<std::string> kEwwiOpened = {
    "AzureFirewallSubnet > vm-db-1-nic ah - 10.0.1.0/26",
    "AzureFirewallSubnet > vm-db-1-nic esp - 10.0.1.0/26",
    "AzureFirewallSubnet > vm-db-1-nic icmp - 10.0.1.0/26",
    "AzureFirewallSubnet > vm-db-1-nic tcp 0-65535 10.0.1.0/26",
    "AzureFirewallSubnet > vm-db-1-nic udp 0-65535 10.0.1.0/26",
    "snet-web > vm-db-1-nic tcp 22 10.1.1.4/31",
};

}  // namespace

TEST_CASE("east-west whatif: an allow from VirtualNetwork in nsg-db opens web to db on 22 and the hub to db",
          "[solver][whatif][east-west]") {
  const auto r = ewwi_models(kEwwiOpenDb);
  const EastWestDiff d = ewwi_diff(r);
  CHECK(d.grew);
  CHECK(ewwi_listed(r.after, d, true, WhatifDelta::Kind::kOpened) == kEwwiOpened);
  for (const auto& x : d.deltas) {
    CHECK(x.closed.empty());
    for (const auto& f : x.opened) {
      // The new rule decides at the target's subnet NSG, and nothing else of nsg-db.
      CHECK(ewwi_nsg_rules(r.after, f).count("nsg-db/allow-vnet-all") == 1);
      CHECK(ewwi_nsg_rules(r.after, f).count("nsg-db/deny-vnet-inbound") == 0);
    }
  }
  // Keys name the source subnet (merged sources), the target's ip configuration and the protocol.
  CHECK(d.deltas.size() == 6);
  // Sorted by key: vnet-app's snet-web before vnet-hub's AzureFirewallSubnet.
  CHECK(d.deltas.front().key.find("/virtualnetworks/vnet-app/subnets/snet-web > ip-configuration|") !=
        std::string::npos);
  CHECK(d.before_flows + 6 == d.after_flows);
}

TEST_CASE("east-west whatif: removing the rule closes what it opened and does not grow",
          "[solver][whatif][east-west]") {
  const auto r = ewwi_models(kEwwiCloseDb, kEwwiOpenDb);
  const EastWestDiff d = ewwi_diff(r);
  CHECK_FALSE(d.grew);
  CHECK(ewwi_listed(r.before, d, false, WhatifDelta::Kind::kClosed) == kEwwiOpened);
  for (const auto& x : d.deltas) {
    CHECK(x.opened.empty());
    for (const auto& f : x.closed) CHECK(ewwi_nsg_rules(r.before, f).count("nsg-db/allow-vnet-all") == 1);
  }
}

TEST_CASE("east-west whatif: a change that touches nothing east-west has no east-west delta",
          "[solver][whatif][east-west]") {
  // An allow from the Internet tag: no source inside the estate is the internet.
  const auto r = ewwi_models(R"([{"op": "add-nsg-rule", "nsg": "nsg-db", "rule": {"name": "rdp-from-internet",
    "properties": {"priority": 300, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
    "sourceAddressPrefix": "Internet", "sourcePortRange": "*", "destinationAddressPrefix": "*",
    "destinationPortRange": "3389"}}}])");
  const EastWestDiff d = ewwi_diff(r);
  CHECK_FALSE(d.grew);
  CHECK(d.deltas.empty());
  CHECK(d.before_flows == d.after_flows);
  CHECK(d.before_flows > 0);
}

TEST_CASE("east-west whatif from one VM: keyed by its ip configuration", "[solver][whatif][east-west]") {
  const auto r = ewwi_models(kEwwiOpenDb);
  const EastWestDiff d = ewwi_diff(r, "vm-web-1");
  CHECK(d.grew);
  REQUIRE(d.deltas.size() == 1);
  CHECK(d.deltas[0].kind == WhatifDelta::Kind::kOpened);
  CHECK(d.deltas[0].key.find("ip-configuration|/subscriptions/") == 0);
  CHECK(d.deltas[0].key.find("vm-web-1-nic|") != std::string::npos);
  CHECK(d.deltas[0].key.substr(d.deltas[0].key.size() - 6) == " | tcp");
  REQUIRE(d.deltas[0].opened.size() == 1);
  CHECK(ewwi_flow_text(r.after, d.deltas[0].opened[0]) == "vm-web-1-nic > vm-db-1-nic tcp 22 10.1.1.4/32");
}

TEST_CASE("east-west whatif: the deciding rule renamed is a reroute of the same packets",
          "[solver][whatif][east-west]") {
  // allow-sql-from-app (100) replaced by the same rule under another name at 110: app -> db TCP 1433 keeps its
  // packets, decided by the new rule.
  const auto r = ewwi_models(R"([{"op": "remove-nsg-rule", "nsg": "nsg-db", "rule": "allow-sql-from-app"},
    {"op": "add-nsg-rule", "nsg": "nsg-db", "rule": {"name": "sql-from-app-v2",
    "properties": {"priority": 110, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
    "sourceAddressPrefix": "10.1.2.0/24", "sourcePortRange": "*", "destinationAddressPrefix": "*",
    "destinationPortRange": "1433"}}}])");
  const EastWestDiff d = ewwi_diff(r);
  CHECK_FALSE(d.grew);
  REQUIRE(d.deltas.size() == 1);
  const auto& x = d.deltas[0];
  CHECK(x.kind == WhatifDelta::Kind::kRerouted);
  REQUIRE(x.reroutes.size() == 1);
  CHECK(ewwi_flow_text(r.before, x.reroutes[0].before) == "snet-app > vm-db-1-nic tcp 1433 10.1.2.4/32");
  CHECK(ewwi_flow_text(r.after, x.reroutes[0].after) == "snet-app > vm-db-1-nic tcp 1433 10.1.2.4/32");
  CHECK(ewwi_nsg_rules(r.before, x.reroutes[0].before).count("nsg-db/allow-sql-from-app") == 1);
  CHECK(ewwi_nsg_rules(r.after, x.reroutes[0].after).count("nsg-db/sql-from-app-v2") == 1);
}

namespace {

/// A scratch file holding `text`.
std::string ewwi_file(const std::string& name, const std::string& text) {
  const auto p = exposim::testing::scratch_dir("whatif-east-west") / name;
  exposim::testing::write_file(p, text);
  return p.string();
}

/// The three-tier estate with allow-vnet-all in nsg-db, as a second export of it (for --after).
std::string ewwi_open_estate() {
  auto doc = nlohmann::json::parse(exposim::testing::read_file(ewwi_estate()));
  for (auto& r : doc["value"]) {
    if (r["name"] != "nsg-db") continue;
    r["properties"]["securityRules"].push_back(nlohmann::json::parse(R"({"name": "allow-vnet-all",
      "properties": {"priority": 200, "direction": "Inbound", "access": "Allow", "protocol": "*",
      "sourceAddressPrefix": "VirtualNetwork", "sourcePortRange": "*", "destinationAddressPrefix": "*",
      "destinationPortRange": "*"}})"));
  }
  return ewwi_file("open-estate.json", doc.dump(1));
}

/// The three-tier estate with a second app VM, vm-app-2 (10.1.2.5 in snet-app), as a second export of it.
std::string ewwi_second_app_estate() {
  auto doc = nlohmann::json::parse(exposim::testing::read_file(ewwi_estate()));
  nlohmann::json added = nlohmann::json::array();
  for (const auto& r : doc["value"]) {
    if (r["name"] != "vm-app-1" && r["name"] != "vm-app-1-nic") continue;
    std::string text = r.dump();
    for (std::size_t at = text.find("vm-app-1"); at != std::string::npos; at = text.find("vm-app-1", at)) {
      text.replace(at, 8, "vm-app-2");
    }
    const std::size_t ip = text.find("10.1.2.4");
    if (ip != std::string::npos) text.replace(ip, 8, "10.1.2.5");
    added.push_back(nlohmann::json::parse(text));
  }
  REQUIRE(added.size() == 2);
  for (auto& r : added) doc["value"].push_back(std::move(r));
  return ewwi_file("second-app-estate.json", doc.dump(1));
}

}  // namespace

TEST_CASE("whatif --east-west: the table lists the opened flows with the new rule and exits 1",
          "[cli][whatif][east-west]") {
  using exposim::testing::run_exposim;
  const std::string change = ewwi_file("open-db.json", kEwwiOpenDb);
  const auto plain = run_exposim({"whatif", ewwi_estate(), "--change", change});
  const auto r = run_exposim({"whatif", ewwi_estate(), "--change", change, "--east-west"});
  INFO(r.err);
  // Without the option the report is the internet's alone, and the internet exposure did not grow: exit 0.
  CHECK(plain.code == 0);
  CHECK(plain.out.find("east-west") == std::string::npos);
  // With it, the internet part is unchanged, the section follows, and the east-west opening makes the exit 1.
  CHECK(r.code == 1);
  REQUIRE(r.out.size() > plain.out.size());
  CHECK(r.out.substr(0, plain.out.size()) == plain.out);
  const std::string section = r.out.substr(plain.out.size());
  CHECK(section.find("\neast-west from every subnet:\nCHANGE    SOURCE                        TARGET   IP        "
                     "PROTO  PORTS  SOURCES      RULES\n") == 0);
  CHECK(section.find("\n+ opened  vnet-app/snet-web             vm-db-1  10.1.3.4  tcp    22     "
                     "10.1.1.4/31  nic-outbound: no NSG > subnet-outbound: nsg-web/AllowVnetOutBound (65000) > "
                     "route: rt-web/vnet-through-firewall > fw: fw-hub/east-west/web-ssh-anywhere (200) > subnet: "
                     "nsg-db/allow-vnet-all (200) > nic: no NSG\n") != std::string::npos);
  // The firewall subnet crosses no firewall rule: the peering route straight to snet-db, every protocol and port.
  for (const char* proto : {"ah     -  ", "esp    -  ", "icmp   -  ", "tcp    all", "udp    all"}) {
    CHECK(section.find(fmt::format("\n+ opened  vnet-hub/AzureFirewallSubnet  vm-db-1  10.1.3.4  {}    10.0.1.0/26  "
                                   "nic-outbound: no NSG > subnet-outbound: no NSG > subnet: nsg-db/allow-vnet-all "
                                   "(200) > nic: no NSG\n",
                                   proto)) != std::string::npos);
  }
  CHECK(section.find("east-west: 6 opened, 0 closed, 0 changed, 0 rerouted (") != std::string::npos);
  CHECK(section.substr(section.size() - 13) == ": reach GREW\n");
}

TEST_CASE("whatif --east-west JSON and Markdown: the section only when asked", "[cli][whatif][east-west]") {
  using exposim::testing::run_exposim;
  const std::string change = ewwi_file("open-db.json", kEwwiOpenDb);
  const auto plain = run_exposim({"whatif", ewwi_estate(), "--change", change, "--format", "json"});
  const auto r = run_exposim({"whatif", ewwi_estate(), "--change", change, "--format", "json", "--east-west"});
  INFO(r.err);
  CHECK(nlohmann::json::parse(plain.out).count("east_west") == 0);
  const auto doc = nlohmann::ordered_json::parse(r.out);
  REQUIRE(doc.count("east_west") == 1);
  const auto& ew = doc["east_west"];
  CHECK(ew["from"].is_null());
  CHECK(ew["every_subnet"] == true);
  CHECK(ew["summary"]["grew"] == true);
  CHECK(ew["summary"]["opened"] == 6);
  CHECK(ew["summary"]["closed"] == 0);
  REQUIRE(ew["differences"].size() == 6);
  const auto& web = ew["differences"][0];
  CHECK(web["change"] == "opened");
  REQUIRE(web["opened"].size() == 1);
  CHECK(web["opened"][0]["protocol"] == "tcp");
  CHECK(web["opened"][0]["ports"] == nlohmann::json::parse("[[22, 22]]"));
  CHECK(web["opened"][0]["sources"] == nlohmann::json::parse(R"(["10.1.1.4/31"])"));
  CHECK(web["opened"][0]["source"]["type"] == "addresses");
  CHECK(web["opened"][0]["source"]["subnet"]["name"] == "snet-web");
  CHECK(web["opened"][0]["target"]["name"] == "vm-db-1");
  // The keys of the document: east_west comes after latent, before diagnostics.
  std::vector<std::string> keys;
  for (const auto& [k, v] : doc.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"format", "version", "summary", "changed_resources", "differences", "latent",
                                         "east_west", "diagnostics"});

  const auto md =
      run_exposim({"whatif", ewwi_estate(), "--change", change, "--format", "markdown", "--from", "vm-web-1"});
  CHECK(md.code == 1);
  CHECK(md.out.find("\n**East-west: reach grew.** 1 opened, 0 closed, 0 changed, 0 rerouted (") != std::string::npos);
  // Before, vm-web-1 reaches vm-app-1 on TCP 8080 (one flow); after, also vm-db-1 on TCP 22.
  CHECK(md.out.find(" rerouted (1 flow before, 2 after), from vm-web-1 (10.1.1.4).\n") != std::string::npos);
  CHECK(md.out.find("\nNo difference in exposure from the internet.\n") != std::string::npos);
  CHECK(md.out.find("\n### East-west\n\n| change | source | target | IP | proto | ports | sources | rules |\n") !=
        std::string::npos);
  CHECK(md.out.find("| + opened | vm-web-1 | vm-db-1 | 10.1.3.4 | tcp | 22 | 10.1.1.4/32 | ") != std::string::npos);
  const auto md_plain = run_exposim({"whatif", ewwi_estate(), "--change", change, "--format", "markdown"});
  CHECK(md_plain.out.find("East-west") == std::string::npos);
}

TEST_CASE("whatif --after with --from: opened one way, closed the other", "[cli][whatif][east-west]") {
  using exposim::testing::run_exposim;
  const std::string open = ewwi_open_estate();
  // One source per --from: the estate after it is an input.
  const auto r = run_exposim({"whatif", "--from", "vm-web-1", ewwi_estate(), "--after", open, "--from", "vm-app-1"});
  INFO(r.err);
  CHECK(r.code == 1);
  CHECK(r.out.find("\neast-west from vm-web-1 (10.1.1.4), vm-app-1 (10.1.2.4):\n") != std::string::npos);
  CHECK(r.out.find("+ opened  vm-web-1  vm-db-1  10.1.3.4  tcp    22     10.1.1.4/32") != std::string::npos);
  CHECK(r.out.find("east-west: 1 opened, 0 closed, 0 changed, 0 rerouted (") != std::string::npos);
  const auto back = run_exposim({"whatif", open, "--after", ewwi_estate(), "--from", "vm-web-1"});
  CHECK(back.code == 0);
  CHECK(back.out.find("- closed  vm-web-1  vm-db-1  10.1.3.4  tcp    22     10.1.1.4/32") != std::string::npos);
  CHECK(back.out.find("subnet: nsg-db/allow-vnet-all (200)") != std::string::npos);
  CHECK(back.out.find(": reach did not grow\n") != std::string::npos);
}

TEST_CASE("whatif --from a subnet: a renamed deciding rule is one rerouted line", "[cli][whatif][east-west]") {
  using exposim::testing::run_exposim;
  const std::string change = ewwi_file("rename.json", R"([
    {"op": "remove-nsg-rule", "nsg": "nsg-db", "rule": "allow-sql-from-app"},
    {"op": "add-nsg-rule", "nsg": "nsg-db", "rule": {"name": "sql-from-app-v2",
    "properties": {"priority": 110, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
    "sourceAddressPrefix": "10.1.2.0/24", "sourcePortRange": "*", "destinationAddressPrefix": "*",
    "destinationPortRange": "1433"}}}])");
  const auto r = run_exposim({"whatif", ewwi_estate(), "--change", change, "--from", "subnet:snet-app"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("\neast-west from subnet vnet-app/snet-app:\n") != std::string::npos);
  CHECK(r.out.find("\nrerouted  vm-app-1  vm-db-1  10.1.3.4  tcp    1433   10.1.2.4/32  was subnet: "
                   "nsg-db/allow-sql-from-app (100), now subnet: nsg-db/sql-from-app-v2 (110)\n") != std::string::npos);
  CHECK(r.out.find("east-west: 0 opened, 0 closed, 0 changed, 1 rerouted (1 flow before, 1 after): reach did not "
                   "grow\n") != std::string::npos);
}

TEST_CASE("whatif --after: a VM only the after estate has is a source there and widens its subnet's flows",
          "[cli][whatif][east-west]") {
  using exposim::testing::run_exposim;
  const std::string after = ewwi_second_app_estate();
  // vm-app-2 (10.1.2.5) is unknown before: everything it reaches is opened. Hand-worked: to vm-db-1 through the
  // firewall's app-to-db (TCP 1433 only) and nsg-db/allow-sql-from-app; vm-app-1 (same subnet, local) is denied by
  // nsg-app/deny-vnet-inbound, the web tier by the firewall (no rule from the app subnet to it).
  const auto r = run_exposim({"whatif", ewwi_estate(), "--after", after, "--from", "vm-app-2"});
  INFO(r.err);
  CHECK(r.code == 1);
  CHECK(r.out.find("\neast-west from vm-app-2 (10.1.2.5):\n") != std::string::npos);
  CHECK(r.out.find("\n+ opened  vm-app-2  vm-db-1  10.1.3.4  tcp    1433   10.1.2.5/32  ") != std::string::npos);
  CHECK(r.out.find("east-west: 1 opened, 0 closed, 0 changed, 0 rerouted (0 flows before, 1 after): reach GREW\n") !=
        std::string::npos);
  // Its address, which no ip configuration holds before: the same.
  const auto by_address = run_exposim({"whatif", ewwi_estate(), "--after", after, "--from", "10.1.2.5"});
  CHECK(by_address.code == 1);
  CHECK(by_address.out == r.out);
  // Every subnet: snet-app's flow to vm-db-1 gains the new source (changed, + more), and snet-web reaches the new
  // target on TCP 8080 (the firewall's web-to-app, nsg-app/allow-8080-from-web).
  const auto all = run_exposim({"whatif", ewwi_estate(), "--after", after, "--east-west"});
  CHECK(all.code == 1);
  CHECK(all.out.find("\n+ more    vnet-app/snet-app  vm-db-1   10.1.3.4  tcp    1433   10.1.2.5/32  ") !=
        std::string::npos);
  CHECK(all.out.find("\n+ opened  vnet-app/snet-web  vm-app-2  10.1.2.5  tcp    8080   10.1.1.4/31  ") !=
        std::string::npos);
  CHECK(all.out.find("east-west: 1 opened, 0 closed, 1 changed, 0 rerouted (") != std::string::npos);
}

TEST_CASE("whatif --from errors: an unknown source exits 2 and --from with --east-west 3", "[cli][whatif][east-west]") {
  using exposim::testing::run_exposim;
  const std::string change = ewwi_file("open-db.json", kEwwiOpenDb);
  const auto unknown = run_exposim({"whatif", ewwi_estate(), "--change", change, "--from", "vm-wbe-1"});
  CHECK(unknown.code == 2);
  CHECK(unknown.out.empty());
  CHECK(unknown.err.find("exposim: error: --from: unknown source 'vm-wbe-1'") != std::string::npos);
  const auto both = run_exposim({"whatif", ewwi_estate(), "--change", change, "--from", "vm-web-1", "--east-west"});
  CHECK(both.code == 3);
  const auto gateway = run_exposim({"whatif", ewwi_estate(), "--change", change, "--gateway", "vnet-hub"});
  CHECK(gateway.code == 3);
}

TEST_CASE("whatif --to: only the flows to those targets are compared", "[cli][whatif][east-west]") {
  using exposim::testing::run_exposim;
  const std::string change = ewwi_file("open-db.json", kEwwiOpenDb);
  // Every subnet to vm-db-1: the six openings of the change are all to vm-db-1 (web on TCP 22, the firewall subnet on
  // every protocol), so the section is the same as without --to but for its heading.
  const auto all = run_exposim({"whatif", ewwi_estate(), "--change", change, "--east-west"});
  const auto db = run_exposim({"whatif", ewwi_estate(), "--change", change, "--east-west", "--to", "vm-db-1"});
  INFO(db.err);
  CHECK(db.code == 1);
  REQUIRE(all.out.find("\neast-west from every subnet:\n") != std::string::npos);
  std::string expected = all.out;
  expected.replace(expected.find("\neast-west from every subnet:\n"), 30,
                   "\neast-west from every subnet to vm-db-1:\n");
  // The flows counted are only those to vm-db-1 on each side.
  const auto counts = [](const std::string& out) {
    const auto at = out.find("east-west: 6 opened, 0 closed, 0 changed, 0 rerouted (");
    return at == std::string::npos ? std::string() : out.substr(at, out.find(')', at) - at);
  };
  CHECK_FALSE(counts(db.out).empty());
  CHECK(counts(db.out) != counts(all.out));
  const auto strip_counts = [&](std::string out) {
    const auto c = counts(out);
    if (!c.empty()) out.replace(out.find(c), c.size(), "");
    return out;
  };
  CHECK(strip_counts(db.out) == strip_counts(expected));
  // From vm-web-1 to vm-app-1: the change opens nothing there (the new rule is nsg-db's), so nothing is reported
  // and the exit is 0; to the db subnet, the one opening on TCP 22.
  const auto app = run_exposim({"whatif", ewwi_estate(), "--change", change, "--from", "vm-web-1", "--to", "vm-app-1"});
  CHECK(app.code == 0);
  CHECK(app.out.find("\neast-west from vm-web-1 (10.1.1.4) to vm-app-1:\n") != std::string::npos);
  CHECK(app.out.find("east-west: 0 opened, 0 closed, 0 changed, 0 rerouted (1 flow before, 1 after): reach did not "
                     "grow\n") != std::string::npos);
  const auto snet =
      run_exposim({"whatif", ewwi_estate(), "--change", change, "--from", "vm-web-1", "--to", "subnet:snet-db"});
  CHECK(snet.code == 1);
  CHECK(snet.out.find("+ opened  vm-web-1  vm-db-1  10.1.3.4  tcp    22     10.1.1.4/32") != std::string::npos);
  CHECK(snet.out.find("east-west: 1 opened, 0 closed, 0 changed, 0 rerouted (0 flows before, 1 after): reach GREW\n") !=
        std::string::npos);
  // JSON names the targets; Markdown too.
  const auto js = run_exposim(
      {"whatif", ewwi_estate(), "--change", change, "--from", "vm-web-1", "--to", "vm-db-1", "--format", "json"});
  CHECK(nlohmann::json::parse(js.out)["east_west"]["to"] == "vm-db-1");
  const auto md = run_exposim(
      {"whatif", ewwi_estate(), "--change", change, "--from", "vm-web-1", "--to", "vm-db-1", "--format", "markdown"});
  CHECK(md.out.find(", from vm-web-1 (10.1.1.4) to vm-db-1.\n") != std::string::npos);
}

TEST_CASE("whatif --to errors: unknown on both sides exits 2 and without a source 3", "[cli][whatif][east-west]") {
  using exposim::testing::run_exposim;
  const std::string change = ewwi_file("open-db.json", kEwwiOpenDb);
  const auto unknown =
      run_exposim({"whatif", ewwi_estate(), "--change", change, "--from", "vm-web-1", "--to", "vm-bd-1"});
  CHECK(unknown.code == 2);
  CHECK(unknown.out.empty());
  CHECK(unknown.err.find("exposim: error: --to: unknown target 'vm-bd-1'") != std::string::npos);
  const auto alone = run_exposim({"whatif", ewwi_estate(), "--change", change, "--to", "vm-db-1"});
  CHECK(alone.code == 3);
  CHECK(alone.err.find("--to chooses the targets of the east-west comparison") != std::string::npos);
  // A target only the after estate has: no flows to it before, so everything reaching it is opened (vm-app-2,
  // 10.1.2.5: TCP 8080 from vm-web-1 through the firewall's web-to-app).
  const auto added = run_exposim(
      {"whatif", ewwi_estate(), "--after", ewwi_second_app_estate(), "--from", "vm-web-1", "--to", "vm-app-2"});
  INFO(added.err);
  CHECK(added.code == 1);
  CHECK(added.out.find("\n+ opened  vm-web-1  vm-app-2  10.1.2.5  tcp    8080   10.1.1.4/32  ") != std::string::npos);
  CHECK(
      added.out.find("east-west: 1 opened, 0 closed, 0 changed, 0 rerouted (0 flows before, 1 after): reach GREW\n") !=
      std::string::npos);
}

// PaaS public endpoints as east-west targets of whatif, on tests/data/reach/paas.json: web-nic (10.0.1.4, public IP
// 52.1.1.1) in subnet web (10.0.1.0/24, a Microsoft.Storage service endpoint); storage account st (StorageV2: TCP 443
// and 445) denies by default and admits web by a virtual network rule; Key Vault kv's public network access is
// disabled. reach lists web-nic -> st on 443 and 445 (tests/reach_cli_test.cpp).
namespace {

/// tests/data/reach/paas.json with `edit` applied to each resource, written to a scratch file `name`.
template <typename Edit>
std::string ewwi_paas_estate(const std::string& name, Edit edit) {
  auto doc = nlohmann::json::parse(
      exposim::testing::read_file(std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/reach/paas.json"));
  for (auto& r : doc) edit(r);
  return ewwi_file(name, doc.dump(1));
}

/// st without its virtual network rule: its default action Deny admits nothing from web.
std::string ewwi_paas_closed_estate() {
  return ewwi_paas_estate("paas-closed.json", [](nlohmann::json& r) {
    if (r["name"] == "st") r["properties"]["networkAcls"]["virtualNetworkRules"] = nlohmann::json::array();
  });
}

const char* const kEwwiPaasRules =
    "nic-outbound: no NSG > subnet-outbound: no NSG > route: service-endpoint > service: st/virtual-network-rules";

}  // namespace

TEST_CASE("whatif --from: a virtual network rule added to a storage account opens it on 443 and 445",
          "[cli][whatif][east-west][paas]") {
  using exposim::testing::run_exposim;
  const std::string before = ewwi_paas_closed_estate();
  const std::string after = std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/reach/paas.json";
  const auto r = run_exposim({"whatif", before, "--after", after, "--from", "web-nic"});
  INFO(r.err);
  CHECK(r.code == 1);
  CHECK(r.out.find(std::string("\n+ opened  web-nic  st      st.blob.core.windows.net  tcp    443,445  10.0.1.4/32  ") +
                   kEwwiPaasRules + "\n") != std::string::npos);
  CHECK(r.out.find("east-west: 1 opened, 0 closed, 0 changed, 0 rerouted (0 flows before, 1 after): reach GREW\n") !=
        std::string::npos);
  // --to the service by name, id or host name keeps it; --to the vault (never reached) keeps nothing.
  for (const char* to : {"st", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
                         "st.blob.core.windows.net"}) {
    const auto only = run_exposim({"whatif", before, "--after", after, "--from", "web-nic", "--to", to});
    CHECK(only.code == 1);
    CHECK(only.out.find("east-west: 1 opened, 0 closed") != std::string::npos);
  }
  const auto kv = run_exposim({"whatif", before, "--after", after, "--from", "web-nic", "--to", "kv"});
  CHECK(kv.code == 0);
  CHECK(kv.out.find("east-west: 0 opened, 0 closed, 0 changed, 0 rerouted (0 flows before, 0 after): reach did not "
                    "grow\n") != std::string::npos);
  // The JSON key names the service by its canonical id.
  const auto j = nlohmann::json::parse(
      run_exposim({"whatif", before, "--after", after, "--from", "web-nic", "--format", "json"}).out);
  const auto& d = j["east_west"]["differences"];
  REQUIRE(d.size() == 1);
  CHECK(d[0]["change"] == "opened");
  CHECK(d[0]["key"].get<std::string>().find(
            " > paas-service|/subscriptions/s/resourcegroups/rg/providers/microsoft.storage/storageaccounts/st | "
            "tcp") != std::string::npos);
  CHECK(d[0]["opened"][0]["target"]["host"] == "st.blob.core.windows.net");
  CHECK(d[0]["opened"][0]["ports"] == nlohmann::json::parse("[[443, 443], [445, 445]]"));
}

TEST_CASE("whatif --east-west: a storage account's default action Allow opens it from the web subnet",
          "[cli][whatif][east-west][paas]") {
  using exposim::testing::run_exposim;
  const std::string before = ewwi_paas_closed_estate();
  const std::string after = ewwi_paas_estate("paas-allow.json", [](nlohmann::json& r) {
    if (r["name"] == "st") {
      r["properties"]["networkAcls"]["virtualNetworkRules"] = nlohmann::json::array();
      r["properties"]["networkAcls"]["defaultAction"] = "Allow";
    }
  });
  const auto r = run_exposim({"whatif", before, "--after", after, "--east-west"});
  INFO(r.err);
  CHECK(r.code == 1);
  // Keyed by the subnet, as every --east-west flow: the subnet's sources of one path united.
  CHECK(r.out.find("\n+ opened  v/web   st      st.blob.core.windows.net  tcp    443,445  10.0.1.4/32  "
                   "nic-outbound: no NSG > subnet-outbound: no NSG > route: service-endpoint > service: "
                   "st/default-action\n") != std::string::npos);
  CHECK(r.out.find("east-west: 1 opened, 0 closed, 0 changed, 0 rerouted (0 flows before, 1 after): reach GREW\n") !=
        std::string::npos);
}

TEST_CASE("whatif --from: removing the subnet's service endpoint closes the storage account",
          "[cli][whatif][east-west][paas]") {
  using exposim::testing::run_exposim;
  // Without the service endpoint the packet takes the route to the internet and st sees web-nic's public IP
  // 52.1.1.1, which no IP rule admits: its default action Deny closes both ports.
  const std::string before = std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/reach/paas.json";
  const std::string after = ewwi_paas_estate("paas-no-endpoint.json", [](nlohmann::json& r) {
    if (r["name"] == "v") r["properties"]["subnets"][0]["properties"].erase("serviceEndpoints");
  });
  const auto r = run_exposim({"whatif", before, "--after", after, "--from", "subnet:web"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find(std::string("\n- closed  web-nic  st      st.blob.core.windows.net  tcp    443,445  10.0.1.4/32  ") +
                   kEwwiPaasRules + "\n") != std::string::npos);
  CHECK(r.out.find("east-west: 0 opened, 1 closed, 0 changed, 0 rerouted (1 flow before, 0 after): reach did not "
                   "grow\n") != std::string::npos);
}
