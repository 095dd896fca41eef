// `exposim whatif`: every operation of a change document on tests/data/whatif/estate.json, with the opened and
// closed exposures worked out by hand (docs/model.md: NSGs, public IPs, firewall DNAT,
// routes, PaaS, JIT), the --after form, exit codes, --write atomicity and bad changes.
//
// The estate: vnet1 10.0.0.0/16 with subnets web 10.0.1.0/24 (NSG nsg-web: allow-https, Tcp 443 from *, priority
// 100; route table rt-web: route `onprem` 192.168.0.0/16 -> VirtualNetworkGateway), app 10.0.2.0/24 (no NSG) and
// AzureFirewallSubnet 10.0.0.0/26. vm-web (nic-web 10.0.1.4, Standard public IP pip-web 20.0.0.1), vm-app
// (nic-app 10.0.2.4, no public IP). Firewall fw1 (10.0.0.4, pip-fw 20.0.0.10) with policy pol1, group grp,
// DNAT collection dnat: rule ssh-app TCP * -> 20.0.0.10:2222 => 10.0.2.4:22. Storage account stwhatif, public
// network access Enabled, default action Allow. nsg-spare (no custom rules) and pip-spare (Basic, 20.0.0.20)
// are attached to nothing.
// Before the change, hand-worked: vm-web tcp 443 from any (public IP); fw1 tcp 2222 from any (its DNAT entry);
// vm-app tcp 22 from any (DNAT, no NSG on the path); stwhatif tcp 443 and 445 from any (public endpoint: HTTPS
// and SMB, docs/model.md).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>
#include <set>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/json_parts.h"
#include "cli/output.h"
#include "cli_support.h"
#include "importers/azure/resource_importer.h"
#include "importers/change.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "solver/incremental.h"
#include "solver/whatif.h"
#include "tests/model_builder.h"
#include "tests/whatif_support.h"

namespace exposim::testing {
namespace {

using solver::Exposure;
using solver::WhatifDelta;

const std::string kWeb = "networkinterfaces/nic-web|";
const std::string kApp = "networkinterfaces/nic-app|";
const std::string kFwEntry =
    "firewall|/subscriptions/00000000-0000-0000-0000-0000000000aa/resourcegroups/rg-whatif/providers/microsoft.network/"
    "azurefirewalls/fw1|";
const std::string kStorage = "storageaccounts/stwhatif|";

}  // namespace

TEST_CASE("whatif baseline: the estate before any change", "[whatif]") {
  auto r = run_whatif(change_doc(R"({"op": "detach-nsg", "nic": "nic-web"})"));
  // nic-web has no NIC NSG: detaching is refused, nothing is applied.
  REQUIRE_FALSE(r.applied);
  model::Model m;
  model::Diagnostics d;
  importers::azure::import_file(kEstate, m, d);
  model::validate(m, d);
  REQUIRE_FALSE(d.has_errors());
  const auto a = solver::analyze(m);
  CHECK(flows(a.exposures) == std::vector<std::string>{"tcp 22 any", "tcp 2222 any", "tcp 443 any", "tcp 443,445 any"});
}

TEST_CASE("whatif add-nsg-rule opens port 22 to one range on vm-web and grows", "[whatif]") {
  auto r = run_whatif(change_doc(R"({"op": "add-nsg-rule", "nsg": "nsg-web", "rule": {"name": "allow-ssh",
      "properties": {"priority": 110, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
      "sourceAddressPrefix": "52.10.20.0/24", "sourcePortRange": "*", "destinationAddressPrefix": "*",
      "destinationPortRange": "22"}}})"));
  REQUIRE(r.applied);
  CHECK(r.diff.grew);
  REQUIRE(r.diff.deltas.size() == 1);
  const auto& d = delta(r, kWeb);
  CHECK(d.kind == WhatifDelta::Kind::kChanged);
  CHECK(flows(d.opened) == std::vector<std::string>{"tcp 22 52.10.20.0/24"});
  CHECK(d.closed.empty());
  // The rule responsible is on the path: subnet NSG nsg-web, rule allow-ssh.
  bool named = false;
  for (const auto& h : d.opened.front().path) {
    if (h.kind == solver::Hop::Kind::kNsg && h.resource >= 0)
      named |= r.after.nsgs[h.resource].rules[h.rule].name == "allow-ssh";
  }
  CHECK(named);
  REQUIRE(r.changed.size() == 1);
  CHECK(r.changed[0].kind == model::ResourceKind::kNetworkSecurityGroup);
}

TEST_CASE("whatif remove-nsg-rule closes vm-web", "[whatif]") {
  auto r = run_whatif(change_doc(R"({"op": "remove-nsg-rule", "nsg": "nsg-web", "rule": "allow-https"})"));
  REQUIRE(r.applied);
  CHECK_FALSE(r.diff.grew);
  REQUIRE(r.diff.deltas.size() == 1);
  const auto& d = delta(r, kWeb);
  CHECK(d.kind == WhatifDelta::Kind::kClosed);
  CHECK(flows(d.closed) == std::vector<std::string>{"tcp 443 any"});
}

TEST_CASE("whatif modify-nsg-rule narrows the sources of 443", "[whatif]") {
  auto r = run_whatif(change_doc(
      R"({"op": "modify-nsg-rule", "nsg": "nsg-web", "rule": "allow-https", "set": {"sourceAddressPrefix": "52.40.1.0/24"}})"));
  REQUIRE(r.applied);
  CHECK_FALSE(r.diff.grew);
  const auto& d = delta(r, kWeb);
  CHECK(d.kind == WhatifDelta::Kind::kChanged);
  CHECK(d.opened.empty());
  REQUIRE(d.closed.size() == 1);
  CHECK(d.closed[0].protocol == model::Protocol::kTcp);
  CHECK(model::to_string(d.closed[0].ports) == "443");
  // Everything the internet had except 52.40.1.0/24.
  CHECK(d.closed[0].sources.intersect(model::to_set(*model::IpPrefix::parse("52.40.1.0/24"))).empty());
  CHECK(d.closed[0].sources.contains(model::to_set(*model::IpPrefix::parse("8.8.8.0/24"))));
}

TEST_CASE("whatif modify-nsg-rule widens ports: exposure grows", "[whatif]") {
  auto r = run_whatif(change_doc(
      R"({"op": "modify-nsg-rule", "nsg": "nsg-web", "rule": "allow-https", "set": {"destinationPortRange": "443-444"}})"));
  REQUIRE(r.applied);
  CHECK(r.diff.grew);
  CHECK(flows(delta(r, kWeb).opened) == std::vector<std::string>{"tcp 444 any"});
}

TEST_CASE("whatif attach-nsg on subnet app reroutes the DNAT flow through the NSG's default rule", "[whatif]") {
  // nsg-spare has only default rules: AllowVnetInBound admits the firewall's SNAT address 10.0.0.4 (VNet), so
  // the DNAT exposure of vm-app keeps its packets; its path now passes nsg-spare/AllowVnetInBound.
  auto r = run_whatif(change_doc(R"({"op": "attach-nsg", "nsg": "nsg-spare", "subnet": "vnet1/app"})"));
  REQUIRE(r.applied);
  CHECK_FALSE(r.diff.grew);
  REQUIRE(r.diff.deltas.size() == 1);
  const auto& d = delta(r, kApp);
  CHECK(d.kind == WhatifDelta::Kind::kRerouted);
  REQUIRE(d.after.size() == 1);
  bool through = false;
  for (const auto& h : d.after[0].path) {
    if (h.kind == solver::Hop::Kind::kNsg && h.resource >= 0) {
      through = r.after.nsgs[h.resource].name == "nsg-spare" &&
                r.after.nsgs[h.resource].rules[h.rule].name == "AllowVnetInBound";
    }
  }
  CHECK(through);
}

TEST_CASE("whatif detach-nsg from subnet web closes vm-web (Standard public IP, no NSG)", "[whatif]") {
  auto r = run_whatif(change_doc(R"({"op": "detach-nsg", "subnet": "web"})"));
  REQUIRE(r.applied);
  CHECK_FALSE(r.diff.grew);
  const auto& d = delta(r, kWeb);
  CHECK(d.kind == WhatifDelta::Kind::kClosed);
  CHECK(flows(d.closed) == std::vector<std::string>{"tcp 443 any"});
}

TEST_CASE("whatif add-public-ip: a Basic public IP without NSG opens everything on vm-app", "[whatif]") {
  auto r = run_whatif(change_doc(
      R"({"op": "add-public-ip", "nic": "nic-app", "publicIp": {"name": "pip-app", "sku": "Basic", "ipAddress": "20.0.0.30"}})"));
  REQUIRE(r.applied);
  CHECK(r.diff.grew);
  const WhatifDelta* opened = nullptr;
  for (const auto& d : r.diff.deltas) {
    if (d.key.find(kApp) != std::string::npos && d.key.find("publicipaddresses/pip-app") != std::string::npos)
      opened = &d;
  }
  REQUIRE(opened != nullptr);
  CHECK(opened->kind == WhatifDelta::Kind::kOpened);
  CHECK(flows(opened->opened) ==
        std::vector<std::string>{"ah - any", "esp - any", "icmp - any", "tcp 0-65535 any", "udp 0-65535 any"});
  // An existing public IP by name: pip-spare (Basic) gives the same exposure at its own address.
  auto r2 = run_whatif(change_doc(
      R"({"op": "add-public-ip", "nic": "nic-app", "ipConfiguration": "ipconfig1", "publicIp": "pip-spare"})"));
  REQUIRE(r2.applied);
  CHECK(r2.diff.grew);
  CHECK(flows(delta(r2, "publicipaddresses/pip-spare").opened).size() == 5);
}

TEST_CASE("whatif remove-public-ip closes vm-web", "[whatif]") {
  auto r = run_whatif(change_doc(R"({"op": "remove-public-ip", "nic": "nic-web"})"));
  REQUIRE(r.applied);
  CHECK_FALSE(r.diff.grew);
  const auto& d = delta(r, kWeb);
  CHECK(d.kind == WhatifDelta::Kind::kClosed);
  CHECK(flows(d.closed) == std::vector<std::string>{"tcp 443 any"});
}

TEST_CASE("whatif add-firewall-rule: a DNAT rule opens RDP to one client on the firewall and vm-app", "[whatif]") {
  auto r = run_whatif(change_doc(R"({"op": "add-firewall-rule", "firewallPolicy": "pol1", "ruleCollectionGroup": "grp",
      "ruleCollection": "dnat", "rule": {"ruleType": "NatRule", "name": "rdp-app", "ipProtocols": ["TCP"],
      "sourceAddresses": ["52.40.1.7"], "destinationAddresses": ["20.0.0.10"], "destinationPorts": ["3389"],
      "translatedAddress": "10.0.2.4", "translatedPort": "3389"}})"));
  REQUIRE(r.applied);
  CHECK(r.diff.grew);
  REQUIRE(r.diff.deltas.size() == 2);
  CHECK(flows(delta(r, kFwEntry).opened) == std::vector<std::string>{"tcp 3389 52.40.1.7/32"});
  CHECK(flows(delta(r, kApp).opened) == std::vector<std::string>{"tcp 3389 52.40.1.7/32"});
  CHECK(delta(r, kApp).kind == WhatifDelta::Kind::kChanged);
}

TEST_CASE("whatif remove-firewall-rule closes the DNAT entry and its target", "[whatif]") {
  auto r = run_whatif(change_doc(R"({"op": "remove-firewall-rule", "firewallPolicy": "pol1",
      "ruleCollectionGroup": "grp", "ruleCollection": "dnat", "rule": "ssh-app"})"));
  REQUIRE(r.applied);
  CHECK_FALSE(r.diff.grew);
  CHECK(delta(r, kFwEntry).kind == WhatifDelta::Kind::kClosed);
  CHECK(flows(delta(r, kFwEntry).closed) == std::vector<std::string>{"tcp 2222 any"});
  CHECK(flows(delta(r, kApp).closed) == std::vector<std::string>{"tcp 22 any"});
}

TEST_CASE("whatif modify-firewall-rule restricts the DNAT sources", "[whatif]") {
  auto r = run_whatif(change_doc(R"({"op": "modify-firewall-rule", "firewallPolicy": "pol1",
      "ruleCollectionGroup": "grp", "ruleCollection": "dnat", "rule": "ssh-app",
      "set": {"sourceAddresses": ["52.40.1.0/24"]}})"));
  REQUIRE(r.applied);
  CHECK_FALSE(r.diff.grew);
  const auto& d = delta(r, kApp);
  CHECK(d.kind == WhatifDelta::Kind::kChanged);
  CHECK(d.opened.empty());
  REQUIRE_FALSE(d.closed.empty());
  for (const auto& e : d.closed) {
    CHECK(model::to_string(e.ports) == "22");
    CHECK(e.sources.intersect(model::to_set(*model::IpPrefix::parse("52.40.1.0/24"))).empty());
  }
}

TEST_CASE("whatif add-route dropping one range closes it on vm-web", "[whatif]") {
  // Replies to 52.40.1.0/24 take the new route to None: those clients cannot connect (broken, not exposed).
  auto r = run_whatif(change_doc(R"({"op": "add-route", "routeTable": "rt-web", "route": {"name": "drop-partner",
      "properties": {"addressPrefix": "52.40.1.0/24", "nextHopType": "None"}}})"));
  REQUIRE(r.applied);
  CHECK_FALSE(r.diff.grew);
  const auto& d = delta(r, kWeb);
  CHECK(d.kind == WhatifDelta::Kind::kChanged);
  CHECK(flows(d.closed) == std::vector<std::string>{"tcp 443 52.40.1.0/24"});
}

TEST_CASE("whatif modify-route to 0.0.0.0/0 None closes vm-web, remove-route changes nothing", "[whatif]") {
  // Replies to every internet source are dropped: the flows become broken (not exposures). The route's prefix
  // also joins subnet web's VirtualNetwork tag, but what AllowVnetInBound admits from the internet is broken too.
  auto r = run_whatif(change_doc(
      R"({"op": "modify-route", "routeTable": "rt-web", "route": "onprem", "set": {"addressPrefix": "0.0.0.0/0", "nextHopType": "None"}})"));
  REQUIRE(r.applied);
  CHECK(delta(r, kWeb).kind == WhatifDelta::Kind::kClosed);
  // 192.168.0.0/16 is no internet source: removing the route changes no exposure.
  auto r2 = run_whatif(change_doc(R"({"op": "remove-route", "routeTable": "rt-web", "route": "onprem"})"));
  REQUIRE(r2.applied);
  CHECK_FALSE(r2.diff.grew);
  for (const auto& d : r2.diff.deltas) CHECK(d.kind == WhatifDelta::Kind::kRerouted);
}

TEST_CASE("whatif set-public-network-access Disabled closes the storage account", "[whatif]") {
  auto r = run_whatif(
      change_doc(R"({"op": "set-public-network-access", "service": "stwhatif", "publicNetworkAccess": "Disabled"})"));
  REQUIRE(r.applied);
  CHECK_FALSE(r.diff.grew);
  REQUIRE(r.diff.deltas.size() == 1);
  CHECK(delta(r, kStorage).kind == WhatifDelta::Kind::kClosed);
  CHECK(flows(delta(r, kStorage).closed) == std::vector<std::string>{"tcp 443,445 any"});
}

TEST_CASE("whatif grant-jit writes a JIT allow rule at the first free priority", "[whatif]") {
  auto r = run_whatif(change_doc(
      R"({"op": "grant-jit", "vm": "vm-web", "port": 22, "protocol": "TCP", "source": "52.10.20.5", "duration": "PT3H"})"));
  REQUIRE(r.applied);
  CHECK(r.diff.grew);
  CHECK(flows(delta(r, kWeb).opened) == std::vector<std::string>{"tcp 22 52.10.20.5/32 jit"});
  const auto& nsg = r.after.nsgs[r.after.find(r.changed[0].key)->index];
  bool found = false;
  for (const auto& rule : nsg.rules) {
    if (!rule.is_jit) continue;
    found = true;
    CHECK(rule.priority == 101);  // 100 is allow-https
    CHECK(rule.name.rfind("SecurityCenter-JITRule", 0) == 0);
  }
  CHECK(found);
  // vm-app has no NSG anywhere: JIT has nowhere to write its rule.
  auto bad =
      run_whatif(change_doc(R"({"op": "grant-jit", "vm": "vm-app", "port": 22, "source": "*", "duration": "PT1H"})"));
  CHECK_FALSE(bad.applied);
  CHECK(bad.diags.items().back().code == "change-invalid");
  auto too_long =
      run_whatif(change_doc(R"({"op": "grant-jit", "vm": "vm-web", "port": 22, "source": "*", "duration": "P2D"})"));
  CHECK_FALSE(too_long.applied);
  CHECK(too_long.diags.items().back().where.pointer == "/changes/0/duration");
}

TEST_CASE("whatif operations apply in order: add then modify then remove is no change", "[whatif]") {
  auto r = run_whatif(change_doc(R"({"op": "add-nsg-rule", "nsg": "nsg-web", "rule": {"name": "tmp",
      "properties": {"priority": 200, "direction": "Inbound", "access": "Allow", "protocol": "Udp",
      "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "53"}}},
      {"op": "modify-nsg-rule", "nsg": "nsg-web", "rule": "tmp", "set": {"destinationPortRange": "54"}},
      {"op": "remove-nsg-rule", "nsg": "nsg-web", "rule": "tmp"})"));
  REQUIRE(r.applied);
  CHECK(r.diff.deltas.empty());
  CHECK_FALSE(r.diff.grew);
}

TEST_CASE("whatif bad changes: unknown names, fields and rules are errors at their pointer", "[whatif]") {
  struct Case {
    std::string change;
    std::string code;
    std::string pointer;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {change_doc(R"({"op": "remove-nsg-rule", "nsg": "nsg-nope", "rule": "x"})"), "change-target-unknown",
       "/changes/0", "no network security group named 'nsg-nope'"},
      {change_doc(R"({"op": "remove-nsg-rule", "nsg": "nsg-web", "rule": "nope"})"), "change-target-unknown",
       "/changes/0", "has no security rule named 'nope'"},
      {change_doc(R"({"op": "remove-nsg-rule", "nsg": "nsg-web", "rule": "DenyAllInBound"})"), "change-target-unknown",
       "/changes/0", "has no security rule named 'DenyAllInBound'"},
      {change_doc(R"({"op": "frobnicate"})"), "change-invalid", "/changes/0/op", "unknown operation 'frobnicate'"},
      {change_doc(R"({"op": "attach-nsg", "nsg": "nsg-spare", "subnet": "app", "colour": "red"})"), "change-invalid",
       "/changes/0/colour", "has no field 'colour'"},
      {change_doc(R"({"op": "add-nsg-rule", "nsg": "nsg-web", "rule": {"name": "r", "properties": {"priority": 5000,
        "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "*", "sourcePortRange": "*",
        "destinationAddressPrefix": "*", "destinationPortRange": "22"}}})"),
       "invalid-value", "/changes/0/rule/properties/priority", "priority 5000 is above 4096"},
      {change_doc(R"({"op": "add-route", "routeTable": "rt-web", "route": {"name": "onprem", "properties":
        {"addressPrefix": "10.9.0.0/16", "nextHopType": "None"}}})"),
       "change-invalid", "/changes/0", "already has a route named 'onprem'"},
      {change_doc(R"({"op": "set-public-network-access", "service": "stwhatif", "publicNetworkAccess": "Maybe"})"),
       "change-invalid", "/changes/0/publicNetworkAccess", "not Enabled or Disabled"},
      {change_doc(R"({"op": "add-firewall-rule", "firewallPolicy": "pol1", "ruleCollectionGroup": "grp",
        "ruleCollection": "nope", "rule": {"name": "x"}})"),
       "change-target-unknown", "/changes/0/ruleCollection", "no rule collection named 'nope'"},
      {R"({"changes": 3})", "change-invalid", "/changes", "not a list"},
      {R"({"changes": [})", "document-syntax", "", ""},
  };
  for (const auto& c : cases) {
    INFO(c.change);
    auto r = run_whatif(c.change);
    CHECK_FALSE(r.applied);
    bool found = false;
    for (const auto& d : r.diags.items()) {
      if (d.code == c.code && d.where.pointer == c.pointer && d.where.file == "change.json" &&
          d.message.find(c.message_part) != std::string::npos) {
        found = true;
      }
    }
    if (!found) {
      for (const auto& d : r.diags.items()) UNSCOPED_INFO(model::to_string(d));
    }
    CHECK(found);
  }
}

TEST_CASE("whatif duplicate priority from an added rule is a validation error of the change", "[whatif]") {
  WhatifRun r;
  importers::azure::import_file(kEstate, r.before, r.diags);
  r.after = r.before;
  REQUIRE(importers::apply_change_text(change_doc(R"({"op": "add-nsg-rule", "nsg": "nsg-web", "rule": {"name": "dup",
      "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
      "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}}})"),
                                       "change.json", r.after, r.diags, r.changed));
  model::validate(r.after, r.diags);
  bool dup = false;
  for (const auto& d : r.diags.items()) dup |= d.code == "duplicate-priority" && d.where.file == "change.json";
  CHECK(dup);
}

namespace {

namespace fs = std::filesystem;

fs::path whatif_scratch() { return scratch_dir("whatif"); }

/// Writes `text` to `p` and returns `p`.
fs::path put(const fs::path& p, const std::string& text) {
  write_file(p, text);
  return p;
}

const std::string kOpenSsh = R"({"changes": [{"op": "add-nsg-rule", "nsg": "nsg-web", "rule": {"name": "allow-ssh",
    "properties": {"priority": 110, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
    "sourceAddressPrefix": "52.10.20.0/24", "sourcePortRange": "*", "destinationAddressPrefix": "*",
    "destinationPortRange": "22"}}}]})";

}  // namespace

TEST_CASE("whatif CLI exit codes: 1 when exposure grows, 0 when it shrinks, 3 on bad usage", "[whatif]") {
  const fs::path dir = whatif_scratch();
  const auto grow = put(dir / "grow.json", kOpenSsh);
  const auto shrink =
      put(dir / "shrink.json", R"([{"op": "remove-nsg-rule", "nsg": "nsg-web", "rule": "allow-https"}])");
  auto r = run_exposim({"whatif", kEstate, "--change", grow.string()});
  CHECK(r.code == cli::kExitFindings);
  CHECK_THAT(r.out, Catch::Contains("+ more"));
  CHECK_THAT(r.out, Catch::Contains("nsg-web/allow-ssh (110)"));
  CHECK_THAT(r.out, Catch::Contains("exposure GREW"));
  r = run_exposim({"whatif", kEstate, "--change", shrink.string(), "--format", "json"});
  CHECK(r.code == cli::kExitOk);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["format"] == "exposim-whatif");
  CHECK(j["summary"]["grew"] == false);
  CHECK(j["summary"]["closed"] == 1);
  REQUIRE(j["differences"].size() == 1);
  CHECK(j["differences"][0]["change"] == "closed");
  CHECK(j["differences"][0]["closed"][0]["ports"] == nlohmann::json::parse("[[443, 443]]"));
  CHECK(j["changed_resources"][0]["name"] == "nsg-web");
  // Both changes in order: net growth (22 opens, 443 closes) is still growth.
  CHECK(run_exposim({"whatif", kEstate, "--change", shrink.string(), "--change", grow.string()}).code ==
        cli::kExitFindings);
  CHECK(run_exposim({"whatif", kEstate}).code == cli::kExitUsage);
  CHECK(run_exposim({"whatif", kEstate, "--change", grow.string(), "--after", kEstate}).code == cli::kExitUsage);
  fs::remove_all(dir);
}

TEST_CASE("whatif --after compares two versions of an estate", "[whatif]") {
  const fs::path dir = whatif_scratch();
  // The after estate: nsg-web's rule allows 443-444 instead of 443.
  std::string text = read_file(kEstate);
  const std::string from = R"("destinationPortRange": "443")";
  REQUIRE(text.find(from) != std::string::npos);
  text.replace(text.find(from), from.size(), R"("destinationPortRange": "443-444")");
  const auto after = put(dir / "after.json", text);
  auto r = run_exposim({"whatif", kEstate, "--after", after.string(), "--format", "json"});
  CHECK(r.code == cli::kExitFindings);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["differences"].size() == 1);
  CHECK(j["differences"][0]["change"] == "changed");
  CHECK(j["differences"][0]["opened"][0]["ports"] == nlohmann::json::parse("[[444, 444]]"));
  CHECK(j["changed_resources"].empty());
  // The same estate on both sides: nothing differs, exit 0.
  r = run_exposim({"whatif", kEstate, "--after", kEstate});
  CHECK(r.code == cli::kExitOk);
  CHECK_THAT(r.out, Catch::Contains("0 newly exposed, 0 closed, 0 changed, 0 rerouted"));
  // --write needs change documents.
  CHECK(run_exposim({"whatif", kEstate, "--after", after.string(), "--write", (dir / "w.json").string()}).code ==
        cli::kExitUsage);
  fs::remove_all(dir);
}

TEST_CASE("whatif --write writes the changed resources, which import to the changed estate", "[whatif]") {
  const fs::path dir = whatif_scratch();
  const auto change = put(dir / "change.json", R"([
    {"op": "modify-nsg-rule", "nsg": "nsg-web", "rule": "allow-https", "set": {"sourceAddressPrefixes": ["52.40.1.0/24", "Internet"], "sourceAddressPrefix": null}},
    {"op": "add-public-ip", "nic": "nic-app", "publicIp": {"name": "pip-app", "ipAddress": "20.0.0.30"}},
    {"op": "attach-nsg", "nsg": "nsg-spare", "nic": "nic-app"},
    {"op": "add-route", "routeTable": "rt-web", "route": {"name": "drop", "properties": {"addressPrefix": "192.0.2.0/24", "nextHopType": "None"}}},
    {"op": "modify-firewall-rule", "firewallPolicy": "pol1", "ruleCollectionGroup": "grp", "ruleCollection": "dnat", "rule": "ssh-app", "set": {"destinationPorts": ["2200-2299"]}},
    {"op": "set-public-network-access", "service": "stwhatif", "publicNetworkAccess": "Disabled"}])");
  const auto written = dir / "changed.json";
  auto r =
      run_exposim({"whatif", kEstate, "--change", change.string(), "--write", written.string(), "--format", "json"});
  REQUIRE(r.code == cli::kExitFindings);  // 2200-2299 opens more DNAT ports
  const auto resources = nlohmann::json::parse(read_file(written));
  std::set<std::string> names;
  for (const auto& x : resources) names.insert(x["name"].get<std::string>());
  // Attaching nsg-spare changes the NIC (its reference), not the NSG.
  CHECK(names == std::set<std::string>{"nic-app", "nsg-web", "pip-app", "pol1", "rt-web", "stwhatif"});
  // The written resources first (duplicates keep the first definition), then the estate: the same exposures as
  // the what-if's after side.
  auto again = run_exposim({"analyze", written.string(), kEstate, "--format", "json"});
  REQUIRE(again.code == cli::kExitOk);
  const auto a = nlohmann::json::parse(again.out);
  const auto w = nlohmann::json::parse(r.out);
  CHECK(a["summary"]["exposures"] == w["summary"]["exposures_after"]);
  auto whatif_again = run_exposim({"whatif", kEstate, "--after", written.string(), kEstate});
  CHECK(whatif_again.code == cli::kExitFindings);
  auto none = run_exposim({"whatif", written.string(), kEstate, "--after", written.string(), kEstate});
  CHECK(none.code == cli::kExitOk);
  CHECK_THAT(none.out, Catch::Contains("0 newly exposed, 0 closed, 0 changed, 0 rerouted"));
  fs::remove_all(dir);
}

TEST_CASE("whatif bad change: clear error, exit 2, nothing written", "[whatif]") {
  const fs::path dir = whatif_scratch();
  const auto bad = put(dir / "bad.json", R"({"changes": [{"op": "remove-nsg-rule", "nsg": "nsg-typo", "rule": "x"}]})");
  const auto previous = put(dir / "previous.json", "previous content\n");
  const auto fresh = dir / "fresh.json";
  auto r =
      run_exposim({"whatif", kEstate, "--change", bad.string(), "--write", previous.string(), "-o", fresh.string()});
  CHECK(r.code == cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("bad.json: /changes/0: error: no network security group named 'nsg-typo'"));
  CHECK_THAT(r.err, Catch::Contains("[change-target-unknown]"));
  CHECK_THAT(r.err, Catch::Contains("nothing was written"));
  CHECK(r.out.empty());
  CHECK(read_file(previous) == "previous content\n");
  CHECK_FALSE(fs::exists(fresh));
  // A change that makes the estate invalid (duplicate priority) is bad input too.
  const auto dup = put(dir / "dup.json", R"([{"op": "add-nsg-rule", "nsg": "nsg-web", "rule": {"name": "dup",
      "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
      "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}}}])");
  r = run_exposim({"whatif", kEstate, "--change", dup.string(), "--write", previous.string()});
  CHECK(r.code == cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("[duplicate-priority]"));
  CHECK(read_file(previous) == "previous content\n");
  // Only the temporary-free original is left in the directory.
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir))
    files += e.path().filename().string().rfind(".previous", 0) == 0 ? 1 : 0;
  CHECK(files == 0);
  fs::remove_all(dir);
}

TEST_CASE("whatif --write: a failing write leaves the previous file intact", "[whatif]") {
  const fs::path dir = whatif_scratch();
  const auto previous = put(dir / "out.json", "previous content\n");
  std::string error;
  // The writer fails half-way: the stream goes bad after some bytes are out.
  const bool ok = cli::write_file_atomically(
      previous.string(),
      [](std::ostream& o) {
        o << "[{\"half\": ";
        o.setstate(std::ios::badbit);
      },
      error);
  CHECK_FALSE(ok);
  CHECK_THAT(error, Catch::Contains("write failed"));
  CHECK(read_file(previous) == "previous content\n");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  CHECK(entries == 1);  // no temporary file left
  // Through the command: a --write target in a directory that does not exist is an output error (exit 4).
  const auto change = put(dir / "c.json", kOpenSsh);
  auto r =
      run_exposim({"whatif", kEstate, "--change", change.string(), "--write", (dir / "missing" / "x.json").string()});
  CHECK(r.code == cli::kExitOutputError);
  fs::remove_all(dir);
}

namespace {

/// An incremental result against a full analysis of the same model (tests/whatif_support.h).
void check_same_analysis(const model::Model& m, const solver::Analysis& a, const solver::Analysis& full) {
  CHECK(analysis_difference(m, a, full) == "");
}

/// A diff of the scope alone (diff_scoped) against the diff of the whole analyses (tests/whatif_support.h).
void check_same_diff(const model::Model& mb, const model::Model& ma, const solver::WhatifDiff& x,
                     const solver::WhatifDiff& y) {
  CHECK(diff_difference(mb, ma, x, y) == "");
}

}  // namespace

TEST_CASE("whatif incremental re-analysis equals a full analysis for every operation type", "[whatif]") {
  const std::vector<std::string> changes = {
      kOpenSsh,
      change_doc(R"({"op": "remove-nsg-rule", "nsg": "nsg-web", "rule": "allow-https"})"),
      change_doc(
          R"({"op": "modify-nsg-rule", "nsg": "nsg-web", "rule": "allow-https", "set": {"sourceAddressPrefix": "52.40.1.0/24"}})"),
      change_doc(R"({"op": "attach-nsg", "nsg": "nsg-spare", "subnet": "vnet1/app"})"),
      change_doc(R"({"op": "attach-nsg", "nsg": "nsg-web", "nic": "nic-app"})"),
      change_doc(R"({"op": "detach-nsg", "subnet": "web"})"),
      change_doc(
          R"({"op": "add-public-ip", "nic": "nic-app", "publicIp": {"name": "pip-app", "sku": "Basic", "ipAddress": "20.0.0.30"}})"),
      change_doc(R"({"op": "add-public-ip", "nic": "nic-app", "publicIp": "pip-spare"})"),
      change_doc(R"({"op": "remove-public-ip", "nic": "nic-web"})"),
      change_doc(R"({"op": "add-firewall-rule", "firewallPolicy": "pol1", "ruleCollectionGroup": "grp",
          "ruleCollection": "dnat", "rule": {"ruleType": "NatRule", "name": "rdp-web", "ipProtocols": ["TCP"],
          "sourceAddresses": ["52.40.1.7"], "destinationAddresses": ["20.0.0.10"], "destinationPorts": ["3389"],
          "translatedAddress": "10.0.1.4", "translatedPort": "443"}})"),
      change_doc(
          R"({"op": "remove-firewall-rule", "firewallPolicy": "pol1", "ruleCollectionGroup": "grp", "ruleCollection": "dnat", "rule": "ssh-app"})"),
      change_doc(
          R"({"op": "modify-firewall-rule", "firewallPolicy": "pol1", "ruleCollectionGroup": "grp", "ruleCollection": "dnat", "rule": "ssh-app", "set": {"translatedAddress": "10.0.1.4"}})"),
      change_doc(
          R"({"op": "add-route", "routeTable": "rt-web", "route": {"name": "drop-partner", "properties": {"addressPrefix": "52.40.1.0/24", "nextHopType": "None"}}})"),
      change_doc(
          R"({"op": "modify-route", "routeTable": "rt-web", "route": "onprem", "set": {"addressPrefix": "0.0.0.0/0", "nextHopType": "None"}})"),
      change_doc(R"({"op": "remove-route", "routeTable": "rt-web", "route": "onprem"})"),
      change_doc(R"({"op": "set-public-network-access", "service": "stwhatif", "publicNetworkAccess": "Disabled"})"),
      change_doc(R"({"op": "grant-jit", "vm": "vm-web", "port": 22, "source": "52.10.20.5", "duration": "PT3H"})"),
  };
  for (const auto& change : changes) {
    INFO(change);
    auto r = run_whatif(change);
    REQUIRE(r.applied);
    solver::IncrementalAnalysis inc(r.before);
    REQUIRE(inc.update(r.before, r.after, r.changed));  // every operation here stays inside the incremental path
    check_same_analysis(r.after, inc.snapshot(), r.a_after);
    REQUIRE(inc.last_scope().has_value());
    check_same_diff(r.before, r.after,
                    solver::diff_scoped(r.before, r.a_before, r.after, inc.snapshot(), *inc.last_scope()), r.diff);
  }
}

TEST_CASE("whatif incremental scope: a change reaching a network virtual appliance falls back to a full analysis",
          "[whatif]") {
  // nic-web with IP forwarding and a public IP may be an appliance: what it admits decides what it forwards.
  auto r = run_whatif(change_doc(R"({"op": "remove-nsg-rule", "nsg": "nsg-web", "rule": "allow-https"})"));
  REQUIRE(r.applied);
  for (auto& n : r.after.nics) n.enable_ip_forwarding = n.name == "nic-web";
  CHECK_FALSE(solver::scope_of_change(r.before, r.after, r.changed).has_value());
  for (auto& n : r.after.nics) n.enable_ip_forwarding = false;
  const auto scope = solver::scope_of_change(r.before, r.after, r.changed);
  REQUIRE(scope.has_value());
  // nsg-web is on subnet web: nic-web only.
  for (std::size_t n = 0; n < r.after.nics.size(); ++n)
    CHECK(scope->nic(static_cast<int>(n)) == (r.after.nics[n].name == "nic-web"));
}

TEST_CASE("whatif change documents may be YAML and errors name the line", "[whatif]") {
  const std::string yaml = R"(description: open SSH from the partner
changes:
  - op: add-nsg-rule
    nsg: nsg-web
    rule:
      name: allow-ssh
      properties:
        priority: 110
        direction: Inbound
        access: Allow
        protocol: Tcp
        sourceAddressPrefix: 52.10.20.0/24
        sourcePortRange: "*"
        destinationAddressPrefix: "*"
        destinationPortRange: "22"
)";
  auto r = run_whatif(yaml);
  REQUIRE(r.applied);
  CHECK(r.diff.grew);
  CHECK(flows(delta(r, kWeb).opened) == std::vector<std::string>{"tcp 22 52.10.20.0/24"});
  auto bad = run_whatif("changes:\n  - op: remove-nsg-rule\n    nsg: nsg-nope\n    rule: x\n");
  REQUIRE_FALSE(bad.applied);
  const auto& d = bad.diags.items().back();
  CHECK(d.code == "change-target-unknown");
  CHECK(d.where.pointer == "/changes/0");
  CHECK(d.where.line == 2);
}

}  // namespace exposim::testing

namespace exposim::testing {
namespace {

bool has_finding(const solver::Analysis& a, const std::string& code) {
  return std::any_of(a.findings.items().begin(), a.findings.items().end(),
                     [&](const model::Diagnostic& d) { return d.code == code; });
}

/// The incremental analysis of `r` (one update from its before model), checked against the full analysis, and
/// the diff of its scope against the diff of the whole analyses.
void check_incremental(const WhatifRun& r) {
  solver::IncrementalAnalysis inc(r.before);
  REQUIRE(inc.update(r.before, r.after, r.changed));
  check_same_analysis(r.after, inc.snapshot(), r.a_after);
  REQUIRE(inc.last_scope().has_value());
  check_same_diff(r.before, r.after,
                  solver::diff_scoped(r.before, r.a_before, r.after, inc.snapshot(), *inc.last_scope()), r.diff);
}

}  // namespace

TEST_CASE("whatif incremental findings: a change that adds a solver warning, then one that removes it", "[whatif]") {
  // The DNAT rule ssh-app translated to 10.0.2.99, no ip configuration of the estate: the analysis warns
  // `dnat-target-unknown` (and vm-app loses its DNAT exposure). Translating back to 10.0.2.4 removes the warning.
  const auto to = [](const std::string& address) {
    return change_doc(R"({"op": "modify-firewall-rule", "firewallPolicy": "pol1", "ruleCollectionGroup": "grp",
        "ruleCollection": "dnat", "rule": "ssh-app", "set": {"translatedAddress": ")" +
                      address + R"("}})");
  };
  auto r = run_whatif(to("10.0.2.99"));
  REQUIRE(r.applied);
  CHECK_FALSE(has_finding(r.a_before, "dnat-target-unknown"));
  REQUIRE(has_finding(r.a_after, "dnat-target-unknown"));
  CHECK(flows(delta(r, kApp).closed) == std::vector<std::string>{"tcp 22 any"});
  solver::IncrementalAnalysis inc(r.before);
  REQUIRE(inc.update(r.before, r.after, r.changed));
  check_same_analysis(r.after, inc.snapshot(), r.a_after);

  // Second change, from the changed estate: the warning goes, in the incremental result too.
  model::Model again = r.after;
  std::vector<model::Changed> changed;
  REQUIRE(importers::apply_change_text(to("10.0.2.4"), "change2.json", again, r.diags, changed));
  model::validate(again, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  const auto full = solver::analyze(again);
  CHECK_FALSE(has_finding(full, "dnat-target-unknown"));
  REQUIRE(inc.update(r.after, again, changed));
  check_same_analysis(again, inc.snapshot(), full);
}

TEST_CASE("whatif incremental findings: a route into internet space warns vnet-tag-includes-internet", "[whatif]") {
  // 52.40.1.0/24 is internet space: a route for it puts it into subnet web's VirtualNetwork tag (the address
  // space's finding, rebuilt when routes change).
  auto r = run_whatif(change_doc(R"({"op": "add-route", "routeTable": "rt-web", "route": {"name": "partner",
      "properties": {"addressPrefix": "52.40.1.0/24", "nextHopType": "VirtualNetworkGateway"}}})"));
  REQUIRE(r.applied);
  CHECK_FALSE(has_finding(r.a_before, "vnet-tag-includes-internet"));
  CHECK(has_finding(r.a_after, "vnet-tag-includes-internet"));
  check_incremental(r);
}

TEST_CASE("whatif incremental findings: an NSG attached or detached changes the rules a route's tag warning names",
          "[whatif]") {
  // With the route `partner` (52.40.1.0/24 -> VirtualNetworkGateway) on rt-web, subnet web's VirtualNetwork tag holds
  // 52.40.1.0/24: nsg-web's default AllowVnetInBound admits those internet sources through the tag only, and the
  // address space warns `vnet-tag-includes-internet` naming it. The change leaves the routes alone, so the address
  // space is not built again; its warning must still follow the NSGs (found by the random test,
  // tests/whatif_scope_random_test.cpp: the incremental analysis kept the warning of the estate before the change).
  const std::string base = change_doc(R"({"op": "add-route", "routeTable": "rt-web", "route": {"name": "partner",
      "properties": {"addressPrefix": "52.40.1.0/24", "nextHopType": "VirtualNetworkGateway"}}})");
  const auto tag_warning = [](const solver::Analysis& a) {
    std::string out;
    for (const auto& d : a.findings.items()) {
      if (d.code == "vnet-tag-includes-internet") out += d.message;
    }
    return out;
  };
  const std::string kWarning =
      "route 'partner' (52.40.1.0/24 -> VirtualNetworkGateway) of route table 'rt-web' puts internet addresses into "
      "the VirtualNetwork service tag of subnet 'web': rule 'AllowVnetInBound' of '{}' admits those internet sources "
      "only through the tag";
  // nsg-web detached from subnet web (nic-web has no NSG of its own): no rule left to warn about.
  auto detached = run_whatif(change_doc(R"({"op": "detach-nsg", "subnet": "web"})"), kEstate, base);
  REQUIRE(detached.applied);
  CHECK(tag_warning(detached.a_before) == fmt::format(fmt::runtime(kWarning), "nsg-web"));
  CHECK(tag_warning(detached.a_after).empty());
  check_incremental(detached);
  // nsg-spare (Azure's default rules only) on subnet web instead: its AllowVnetInBound is the one named.
  auto replaced = run_whatif(change_doc(R"({"op": "attach-nsg", "nsg": "nsg-spare", "subnet": "web"})"), kEstate, base);
  REQUIRE(replaced.applied);
  CHECK(tag_warning(replaced.a_after) == fmt::format(fmt::runtime(kWarning), "nsg-spare"));
  check_incremental(replaced);
  // A rule added to nsg-web above AllowVnetInBound that denies 52.40.1.0/24: nothing is admitted through the tag.
  auto denied = run_whatif(change_doc(R"({"op": "add-nsg-rule", "nsg": "nsg-web", "rule": {"name": "deny-partner",
      "properties": {"priority": 200, "direction": "Inbound", "access": "Deny", "protocol": "*",
      "sourceAddressPrefix": "52.40.1.0/24", "sourcePortRange": "*", "destinationAddressPrefix": "*",
      "destinationPortRange": "*"}}})"),
                           kEstate, base);
  REQUIRE(denied.applied);
  CHECK(tag_warning(denied.a_after).empty());
  check_incremental(denied);
}

TEST_CASE(
    "whatif incremental findings: one NIC's NSG changed in a subnet of several NICs changes only its rules in "
    "the tag warning",
    "[whatif]") {
  // Subnet s1 (no subnet NSG) takes route table rt, whose route 52.40.1.0/24 -> Internet puts those internet
  // addresses into s1's VirtualNetwork tag and answers them. Three NICs in s1: vm-a's NSG nic-a allows TCP 80 from
  // VirtualNetwork to its own address 10.0.1.4 (the NSG looks at the destination: vm-a is evaluated on its own),
  // vm-b's NSG nic-b has the default rules only, vm-c has no NSG. By hand: 52.40.1.0/24 reaches vm-a's port 80 through
  // allow-web and its other packets through nic-a's AllowVnetInBound (65000), vm-b's through nic-b's
  // AllowVnetInBound; vm-c has no NSG, so no rule. The warning names those three rules, in NSG order then rule order.
  // Adding to nic-b a deny of 52.40.1.0/24 at 100 takes nic-b's rule out of the warning and leaves nic-a's two; the
  // change reaches only vm-b. Going back brings it back.
  const auto estate = [](bool deny) {
    EstateBuilder b;
    std::vector<RuleSpec> nic_b;
    if (deny) nic_b.push_back({"deny-partner", 100, kDeny, any_protocol(), {"52.40.1.0/24"}, {"*"}});
    b.vnet("v", {"10.0.0.0/16"})
        .route_table("rt", "52.40.1.0/24", model::NextHopType::kInternet)
        .subnet("v", "s1", "10.0.1.0/24", "", "rt")
        .nsg("nic-a", {{"allow-web", 200, kAllow, tcp(), {"VirtualNetwork"}, {"80"}, {"10.0.1.4"}}})
        .nsg("nic-b", nic_b)
        .vm("vm-a", "v", "s1", "10.0.1.4", "", "nic-a")
        .vm("vm-b", "v", "s1", "10.0.1.5", "", "nic-b")
        .vm("vm-c", "v", "s1", "10.0.1.6");
    model::Diagnostics diags;
    model::Model m = b.done(&diags);
    REQUIRE_FALSE(diags.has_errors());
    return m;
  };
  const auto tag_warning = [](const solver::Analysis& a) {
    std::string out;
    for (const auto& d : a.findings.items()) {
      if (d.code == "vnet-tag-includes-internet") out += d.message;
    }
    return out;
  };
  const std::string kPrefix =
      "route 'route-52.40.1.0/24' (52.40.1.0/24 -> Internet) of route table 'rt' puts internet addresses into the "
      "VirtualNetwork service tag of subnet 's1': ";
  const model::Model open = estate(false);
  const model::Model closed = estate(true);
  const auto full_open = solver::analyze(open);
  const auto full_closed = solver::analyze(closed);
  REQUIRE(tag_warning(full_open) == kPrefix +
                                        "rules 'allow-web' of 'nic-a', 'AllowVnetInBound' of 'nic-a', "
                                        "'AllowVnetInBound' of 'nic-b' admit those internet sources only through "
                                        "the tag");
  REQUIRE(tag_warning(full_closed) == kPrefix +
                                          "rules 'allow-web' of 'nic-a', 'AllowVnetInBound' of 'nic-a' admit those "
                                          "internet sources only through the tag");
  const std::vector<model::Changed> changed{{model::ResourceKind::kNetworkSecurityGroup, open.nsgs[1].key}};
  REQUIRE(open.nsgs[1].name == "nic-b");
  solver::IncrementalAnalysis inc(open);
  REQUIRE(inc.update(open, closed, changed));
  auto got = inc.snapshot();
  CHECK(tag_warning(got) == tag_warning(full_closed));
  check_same_analysis(closed, got, full_closed);
  REQUIRE(inc.update(closed, open, changed));
  got = inc.snapshot();
  CHECK(tag_warning(got) == tag_warning(full_open));
  check_same_analysis(open, got, full_open);
}

namespace {

/// The model `b` builds, with IP forwarding on vm-nva's NIC (the appliance of the tests below).
model::Model with_appliance(EstateBuilder& b) {
  model::Diagnostics diags;
  model::Model m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  for (auto& n : m.nics) n.enable_ip_forwarding = n.name == "vm-nva-nic";
  return m;
}

/// The exposures of `a` reached through an appliance, as "VM FLOW".
std::vector<std::string> through_appliance(const model::Model& m, const solver::Analysis& a) {
  std::vector<std::string> out;
  for (const auto& e : a.exposures) {
    if (e.via == solver::Via::kAppliance) out.push_back(m.vms[e.vm].name + " " + flow(e));
  }
  return out;
}

}  // namespace

TEST_CASE("whatif incremental appliances: a scoped solve enters through an appliance found by the analysis before",
          "[whatif]") {
  // vm-nva (10.0.0.4, subnet hub, no NSG) forwards IP and has a Basic public IP: a possible network virtual appliance,
  // which admits every internet source. Subnet s1 (NSG web: TCP 80 from any, then deny-rest at 4000 before
  // AllowVnetInBound, whose VirtualNetwork tag the route fills with the internet) sends 0.0.0.0/0 to 10.0.0.4, so
  // vm-app's replies to internet clients go to the appliance, and vm-app is reached through it (via appliance): TCP 80
  // from any. web's rule moved to 443 changes only vm-app (the scope): the scoped solve takes the appliance from the
  // ones the first analysis found (solver/analyzer.h, SolveMemo) and gives TCP 443 from any through it, as a full
  // analysis does; moving it back gives 80 again.
  const auto estate = [](const std::string& port) {
    EstateBuilder b;
    b.vnet("v", {"10.0.0.0/16"})
        .nsg("web",
             {{"http", 100, kAllow, tcp(), {"*"}, {port}}, {"deny-rest", 4000, kDeny, any_protocol(), {"*"}, {"*"}}})
        .route_to_appliance("rt", "0.0.0.0/0", "10.0.0.4")
        .subnet("v", "hub", "10.0.0.0/24")
        .subnet("v", "s1", "10.0.1.0/24", "web", "rt")
        .public_ip("pip-nva", "20.0.0.1", model::Sku::kBasic)
        .vm("vm-nva", "v", "hub", "10.0.0.4", "pip-nva")
        .vm("vm-app", "v", "s1", "10.0.1.4");
    return with_appliance(b);
  };
  const model::Model before = estate("80");
  const model::Model after = estate("443");
  const auto full_before = solver::analyze(before);
  const auto full_after = solver::analyze(after);
  REQUIRE(through_appliance(before, full_before) == std::vector<std::string>{"vm-app tcp 80 any"});
  REQUIRE(through_appliance(after, full_after) == std::vector<std::string>{"vm-app tcp 443 any"});
  const std::vector<model::Changed> changed{{model::ResourceKind::kNetworkSecurityGroup, before.nsgs[0].key}};
  solver::IncrementalAnalysis inc(before);
  REQUIRE(inc.update(before, after, changed));
  auto got = inc.snapshot();
  CHECK(through_appliance(after, got) == std::vector<std::string>{"vm-app tcp 443 any"});
  check_same_analysis(after, got, full_after);
  REQUIRE(inc.update(after, before, changed));
  got = inc.snapshot();
  CHECK(through_appliance(before, got) == std::vector<std::string>{"vm-app tcp 80 any"});
  check_same_analysis(before, got, full_before);
}

TEST_CASE("whatif incremental appliances: the kept sources of an appliance are taken again when it is in the scope",
          "[whatif]") {
  // vm-nva (10.0.0.4, subnet hub with NSG nva) forwards IP and has a Basic public IP; nva admits only SOURCE, so the
  // appliance forwards SOURCE: vm-app (s1, whose route sends 0.0.0.0/0 to 10.0.0.4, NSG web: TCP 80 from any, then
  // deny-rest before AllowVnetInBound, whose VirtualNetwork tag the route fills with the internet) is
  // reached through it on TCP 80 from SOURCE. The incremental analysis keeps each appliance's admitted sources across
  // updates (SolveMemo::appliance_candidates), which are right only while the appliance's own exposures are. Changing
  // nva from 1.0.0.0/8 to 2.0.0.0/8 with the scope given (the appliance and vm-app): the appliance is in the scope, its
  // sources are taken from its new exposures (kept ones would still hold 1.0.0.0/8). Then a scope of the appliance
  // alone (no NIC of it routes to an appliance: the search is skipped, and its kept sources are forgotten), followed
  // by one of vm-app alone, which must take the appliance's sources from its exposures as they are now.
  const auto estate = [](const std::string& source) {
    EstateBuilder b;
    b.vnet("v", {"10.0.0.0/16"})
        .nsg("nva", {{"in", 100, kAllow, any_protocol(), {source}, {"*"}}})
        .nsg("web",
             {{"http", 100, kAllow, tcp(), {"*"}, {"80"}}, {"deny-rest", 4000, kDeny, any_protocol(), {"*"}, {"*"}}})
        .route_to_appliance("rt", "0.0.0.0/0", "10.0.0.4")
        .subnet("v", "hub", "10.0.0.0/24", "nva")
        .subnet("v", "s1", "10.0.1.0/24", "web", "rt")
        .public_ip("pip-nva", "20.0.0.1", model::Sku::kBasic)
        .vm("vm-nva", "v", "hub", "10.0.0.4", "pip-nva")
        .vm("vm-app", "v", "s1", "10.0.1.4");
    return with_appliance(b);
  };
  const auto scope_of = [](const model::Model& m, const std::vector<std::string>& nics) {
    solver::AnalysisScope scope;
    scope.nics.assign(m.nics.size());
    for (std::size_t n = 0; n < m.nics.size(); ++n) {
      if (std::find(nics.begin(), nics.end(), m.nics[n].name) != nics.end()) scope.nics.set(static_cast<int>(n));
    }
    REQUIRE(scope.nics.list().size() == nics.size());
    return scope;
  };
  const model::Model before = estate("1.0.0.0/8");
  const model::Model after = estate("2.0.0.0/8");
  const auto full_after = solver::analyze(after);
  REQUIRE(through_appliance(before, solver::analyze(before)) == std::vector<std::string>{"vm-app tcp 80 1.0.0.0/8"});
  REQUIRE(through_appliance(after, full_after) == std::vector<std::string>{"vm-app tcp 80 2.0.0.0/8"});
  {
    solver::IncrementalAnalysis inc(before);
    inc.update(before, after, scope_of(after, {"vm-nva-nic", "vm-app-nic"}));
    const auto got = inc.snapshot();
    CHECK(through_appliance(after, got) == std::vector<std::string>{"vm-app tcp 80 2.0.0.0/8"});
    check_same_analysis(after, got, full_after);
  }
  {
    solver::IncrementalAnalysis inc(before);
    inc.update(before, after, scope_of(after, {"vm-nva-nic"}));
    inc.update(after, after, scope_of(after, {"vm-app-nic"}));
    const auto got = inc.snapshot();
    CHECK(through_appliance(after, got) == std::vector<std::string>{"vm-app tcp 80 2.0.0.0/8"});
    check_same_analysis(after, got, full_after);
  }
}

TEST_CASE("whatif incremental splice: targets gaining and losing exposures around untouched ones", "[whatif]") {
  // Subnet s1 (NSG shared: web allows TCP 80 and 443 from any) holds a-vm (NIC NSG: ssh allows 22), c-vm (NIC NSG:
  // http 80, https 443) and e-vm (no NIC NSG); s2 (NSG other: allows 80) holds b-vm and d-vm. All have Standard
  // public IPs. Before: a-vm nothing (22 stops at the subnet), c-vm 80 and 443 (two NIC rules: two exposures),
  // e-vm 80+443 (one exposure), b-vm and d-vm 80 each. Changing shared to allow 22 only: a-vm gains 22 (a target
  // new to the analysis), c-vm loses both, e-vm keeps one (22), b-vm and d-vm are untouched and sit between the
  // changed runs: the splice moves b-vm's right and d-vm's left. Then back again (the opposite moves).
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .subnet("v", "s1", "10.0.1.0/24", "shared")
      .subnet("v", "s2", "10.0.2.0/24", "other")
      .nsg("shared", {{"web", 100, kAllow, tcp(), {"*"}, {"80", "443"}}})
      .nsg("other", {{"http", 100, kAllow, tcp(), {"*"}, {"80"}}})
      .nsg("nic-a", {{"ssh", 100, kAllow, tcp(), {"*"}, {"22"}}})
      .nsg("nic-c", {{"http", 100, kAllow, tcp(), {"*"}, {"80"}}, {"https", 110, kAllow, tcp(), {"*"}, {"443"}}});
  const char* names[] = {"a", "b", "c", "d", "e"};
  for (int i = 0; i < 5; ++i) {
    b.public_ip(fmt::format("pip-{}", names[i]), fmt::format("20.0.0.{}", i + 1), model::Sku::kStandard);
  }
  b.vm("a-vm", "v", "s1", "10.0.1.4", "pip-a", "nic-a")
      .vm("b-vm", "v", "s2", "10.0.2.4", "pip-b")
      .vm("c-vm", "v", "s1", "10.0.1.5", "pip-c", "nic-c")
      .vm("d-vm", "v", "s2", "10.0.2.5", "pip-d")
      .vm("e-vm", "v", "s1", "10.0.1.6", "pip-e");
  model::Diagnostics diags;
  const model::Model before = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  model::Model after = before;
  for (auto& g : after.nsgs) {
    if (g.name == "shared") g.rules[0].destination_ports = model::PortSet::single(22);
  }
  const auto per_vm = [](const model::Model& m, const solver::Analysis& a) {
    std::vector<std::string> out;
    for (const auto& e : a.exposures) out.push_back(m.vms[e.vm].name + " " + flow(e));
    return out;
  };
  const auto full_before = solver::analyze(before);
  const auto full_after = solver::analyze(after);
  REQUIRE(per_vm(before, full_before) == std::vector<std::string>{"b-vm tcp 80 any", "c-vm tcp 80 any",
                                                                  "c-vm tcp 443 any", "d-vm tcp 80 any",
                                                                  "e-vm tcp 80,443 any"});
  REQUIRE(per_vm(after, full_after) ==
          std::vector<std::string>{"a-vm tcp 22 any", "b-vm tcp 80 any", "d-vm tcp 80 any", "e-vm tcp 22 any"});
  const std::vector<model::Changed> changed{{model::ResourceKind::kNetworkSecurityGroup, before.nsgs[0].key}};
  solver::IncrementalAnalysis inc(before);
  REQUIRE(inc.update(before, after, changed));
  check_same_analysis(after, inc.snapshot(), full_after);
  REQUIRE(inc.update(after, before, changed));
  check_same_analysis(before, inc.snapshot(), full_before);
}

TEST_CASE("whatif incremental sequence: one incremental analysis carried through five changes in a row", "[whatif]") {
  // Each change applies to the estate the previous one left; the same IncrementalAnalysis is updated every time and
  // must equal a full analysis of that estate (the exposures kept per target must not keep a stale target's items,
  // nor lose a target that comes back). nic-web's exposures, by hand: nsg-web (subnet web) allows TCP 443 from any
  // at 100, then the default rules deny the internet; vm-web's Standard public IP admits what the NSG allows.
  const std::vector<std::pair<std::string, std::vector<std::string>>> steps = {
      // An allow of 22 from any at 110: a second exposure, its own deciding rule.
      {change_doc(R"({"op": "add-nsg-rule", "nsg": "nsg-web", "rule": {"name": "allow-ssh", "properties": {
          "priority": 110, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "*",
          "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "22"}}})"),
       {"tcp 22 any", "tcp 443 any"}},
      // The same NSG again: 22 narrowed to one partner range.
      {change_doc(
           R"({"op": "modify-nsg-rule", "nsg": "nsg-web", "rule": "allow-ssh", "set": {"sourceAddressPrefix": "52.40.1.0/24"}})"),
       {"tcp 22 52.40.1.0/24", "tcp 443 any"}},
      // And again: back to the first estate's one exposure.
      {change_doc(R"({"op": "remove-nsg-rule", "nsg": "nsg-web", "rule": "allow-ssh"})"), {"tcp 443 any"}},
      // No public IP: nic-web is no target any more (its entry goes from the kept exposures).
      {change_doc(R"({"op": "remove-public-ip", "nic": "nic-web"})"), {}},
      // A Basic public IP: reachable again, through what nsg-web allows.
      {change_doc(R"({"op": "add-public-ip", "nic": "nic-web", "publicIp": "pip-spare"})"), {"tcp 443 any"}},
  };
  model::Model current;
  model::Diagnostics diags;
  importers::azure::import_file(kEstate, current, diags);
  model::validate(current, diags);
  REQUIRE_FALSE(diags.has_errors());
  solver::IncrementalAnalysis inc(current);
  for (const auto& [change, web] : steps) {
    INFO(change);
    model::Model next = current;
    std::vector<model::Changed> changed;
    REQUIRE(importers::apply_change_text(change, "change.json", next, diags, changed));
    model::validate(next, diags);
    REQUIRE_FALSE(diags.has_errors());
    REQUIRE(inc.update(current, next, changed));
    const solver::Analysis full = solver::analyze(next);
    const solver::Analysis updated = inc.snapshot();
    check_same_analysis(next, updated, full);
    CHECK(inc.exposure_count() == full.exposures.size());
    CHECK(inc.broken_count() == full.broken.size());
    std::vector<Exposure> of_web;
    for (const auto& e : updated.exposures) {
      if (e.nic >= 0 && next.nics[e.nic].name == "nic-web") of_web.push_back(e);
    }
    CHECK(flows(of_web) == web);
    current = std::move(next);
  }
  // take() gives the same analysis, moved out.
  const solver::Analysis full = solver::analyze(current);
  check_same_analysis(current, inc.take(), full);
}

TEST_CASE("whatif incremental kept subnet stages: a NIC NSG change reuses them, a subnet NSG or ASG change does not",
          "[whatif]") {
  // Subnet s1 (NSG shared: asg-deny denies TCP 443 to members of ASG web at 90, web allows TCP 80 from any at 100)
  // holds a-vm (NIC NSG nic-a: all-web allows TCP 80 from any) and b-vm (no NIC NSG), both with Standard public
  // IPs. The incremental analysis keeps what shared admits (the subnet stage) between updates. Three changes in a
  // row, each checked against a full analysis and by hand:
  // 1. nic-a allows 443 instead of 80 (the kept stage of s1 serves a-vm): a-vm nothing, b-vm tcp 80.
  // 2. shared's web allows 80 and 443 (its stages must be forgotten, or a-vm would stay closed): a-vm tcp 443,
  //    b-vm tcp 80,443.
  // 3. a-vm's ip configuration joins ASG web (a NIC change: shared's asg-deny now covers a-vm): a-vm nothing.
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .subnet("v", "s1", "10.0.1.0/24", "shared")
      .asg("web")
      .nsg("shared",
           {{"asg-deny", 90, kDeny, tcp(), {"*"}, {"443"}, {"asg:web"}}, {"web", 100, kAllow, tcp(), {"*"}, {"80"}}})
      .nsg("nic-a", {{"all-web", 100, kAllow, tcp(), {"*"}, {"80"}}})
      .public_ip("pip-a", "20.0.0.1", model::Sku::kStandard)
      .public_ip("pip-b", "20.0.0.2", model::Sku::kStandard)
      .vm("a-vm", "v", "s1", "10.0.1.4", "pip-a", "nic-a")
      .vm("b-vm", "v", "s1", "10.0.1.5", "pip-b");
  model::Diagnostics diags;
  model::Model current = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  const auto per_vm = [](const model::Model& m, const solver::Analysis& a) {
    std::vector<std::string> out;
    for (const auto& e : a.exposures) out.push_back(m.vms[e.vm].name + " " + flow(e));
    return out;
  };
  REQUIRE(per_vm(current, solver::analyze(current)) == std::vector<std::string>{"a-vm tcp 80 any", "b-vm tcp 80 any"});
  const auto nsg_named = [](model::Model& m, const std::string& name) -> model::NetworkSecurityGroup& {
    for (auto& g : m.nsgs) {
      if (g.name == name) return g;
    }
    FAIL("no NSG " << name);
    return m.nsgs.front();
  };
  solver::IncrementalAnalysis inc(current);
  const auto step = [&](model::Model next, model::ResourceKind kind, const std::string& key,
                        const std::vector<std::string>& want) {
    const std::vector<model::Changed> changed{{kind, key}};
    REQUIRE(inc.update(current, next, changed));
    const solver::Analysis full = solver::analyze(next);
    const solver::Analysis updated = inc.snapshot();
    check_same_analysis(next, updated, full);
    CHECK(per_vm(next, updated) == want);
    current = std::move(next);
  };
  model::Model next = current;
  nsg_named(next, "nic-a").rules[0].destination_ports = model::PortSet::single(443);
  step(next, model::ResourceKind::kNetworkSecurityGroup, nsg_named(next, "nic-a").key, {"b-vm tcp 80 any"});
  next = current;
  nsg_named(next, "shared").rules[1].destination_ports = ports({"80", "443"});
  step(next, model::ResourceKind::kNetworkSecurityGroup, nsg_named(next, "shared").key,
       {"a-vm tcp 443 any", "b-vm tcp 80,443 any"});
  next = current;
  const auto& a_vm = next.vms[0].name == "a-vm" ? next.vms[0] : next.vms[1];
  REQUIRE(a_vm.name == "a-vm");
  const int a_nic = a_vm.network_interfaces.front().index;
  next.nics[a_nic].ip_configurations[0].asgs.push_back(model::Ref{next.asgs[0].key, 0});
  step(next, model::ResourceKind::kNetworkInterface, next.nics[a_nic].key, {"b-vm tcp 80,443 any"});
}

// ---- Classic Azure Firewall (rule collections on the firewall resource) ----
//
// tests/data/whatif/classic-firewall.json: vnet-c 10.1.0.0/16 with AzureFirewallSubnet 10.1.0.0/26, app
// 10.1.2.0/24 (route table rt-app: 10.1.3.0/24 -> VirtualAppliance 10.1.0.4; no NSG) and agw 10.1.3.0/24 (route
// table rt-agw: 10.1.2.0/24 -> VirtualAppliance 10.1.0.4; no NSG). Firewall fw-classic (10.1.0.4, pip-fw
// 20.1.0.10), classic collections: NAT `dnat` (100): ssh-app TCP * -> 20.1.0.10:2222 => 10.1.2.4:22; network
// `net` (200, Allow): agw-web TCP 10.1.3.0/24 -> 10.1.2.0/24 port 8080; application `apps` (300, Allow): site
// Https 8443 from 10.1.3.0/24 to app.contoso.com. nic-app 10.1.2.4 and nic-b 10.1.2.5 (no public IP). Application
// gateway agw (Standard_v2, pip-agw 20.1.0.20) with listeners l80, l443, l9000 to pool [10.1.2.5] on backend
// ports 8080, 8443, 9000.
// Hand-worked before any change (docs/model.md#azure-firewall, #application-gateways): fw-classic tcp 2222 from any
// (its DNAT entry); nic-app tcp 22 from any (DNAT; the firewall's SNAT address is VNet-local for rt-app, no NSG). The
// gateway reaches 10.1.2.5 through the firewall both ways (rt-agw forward, rt-app reply: the same appliance), so the
// firewall's rules decide, network rules before application rules, deny by default: l80 -> 8080 allowed by
// net/agw-web, l443 -> 8443 by apps/site (by its port: the FQDN cannot be checked), l9000 -> 9000 by nothing.
// So nic-b: tcp 8080 and 8443 from any through agw; agw itself: its listeners' tcp 80, 443 and 9000 from any (its
// own public IP, no NSG on its subnet).

namespace {

const std::string kClassic = std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/whatif/classic-firewall.json";
const std::string kClassicFw = "azurefirewalls/fw-classic||firewall-dnat|";
const std::string kClassicApp = "networkinterfaces/nic-app|ipconfig1|firewall-dnat|";
const std::string kClassicBDnat = "networkinterfaces/nic-b|ipconfig1|firewall-dnat|";
const std::string kClassicBAgw = "networkinterfaces/nic-b|ipconfig1|application-gateway|";

WhatifRun run_classic(const std::string& op) {
  auto r = run_whatif(change_doc(op), kClassic);
  REQUIRE(r.applied);
  return r;
}

}  // namespace

TEST_CASE("whatif classic firewall: the estate before any change", "[whatif][classic-firewall]") {
  model::Model m;
  model::Diagnostics diags;
  importers::azure::import_file(kClassic, m, diags);
  model::validate(m, diags);
  REQUIRE_FALSE(diags.has_errors());
  const auto a = solver::analyze(m);
  std::multiset<std::string> got;
  for (const auto& e : a.exposures) {
    const auto* res = e.nic >= 0 ? static_cast<const model::ResourceBase*>(&m.nics[e.nic])
                                 : m.resource(model::GraphVertex{e.target_kind, e.target});
    got.insert(fmt::format("{} {} {}", res->name, solver::to_string(e.via), flow(e)));
  }
  CHECK(got == std::multiset<std::string>{"fw-classic firewall-dnat tcp 2222 any", "nic-app firewall-dnat tcp 22 any",
                                          "nic-b application-gateway tcp 8080 any",
                                          "nic-b application-gateway tcp 8443 any", "agw public-ip tcp 80 any",
                                          "agw public-ip tcp 443 any", "agw public-ip tcp 9000 any"});
  CHECK(a.broken.empty());
  CHECK(a.findings.items().empty());
}

TEST_CASE("whatif classic firewall: NAT collection rules added, removed and modified", "[whatif][classic-firewall]") {
  SECTION("add: RDP from one client to nic-b opens it on the firewall and nic-b") {
    auto r = run_classic(R"({"op": "add-firewall-rule", "firewall": "fw-classic", "ruleCollection": "dnat",
        "rule": {"name": "rdp-b", "protocols": ["TCP"], "sourceAddresses": ["52.40.1.7"],
        "destinationAddresses": ["20.1.0.10"], "destinationPorts": ["3389"], "translatedAddress": "10.1.2.5",
        "translatedPort": "3389"}})");
    CHECK(r.diff.grew);
    REQUIRE(r.diff.deltas.size() == 2);
    CHECK(delta(r, kClassicFw).kind == WhatifDelta::Kind::kChanged);
    CHECK(flows(delta(r, kClassicFw).opened) == std::vector<std::string>{"tcp 3389 52.40.1.7/32"});
    CHECK(delta(r, kClassicBDnat).kind == WhatifDelta::Kind::kOpened);
    CHECK(flows(delta(r, kClassicBDnat).opened) == std::vector<std::string>{"tcp 3389 52.40.1.7/32"});
    check_incremental(r);
  }
  SECTION("remove: ssh-app closes the firewall's 2222 and nic-app's 22") {
    auto r = run_classic(R"({"op": "remove-firewall-rule", "firewall": "fw-classic", "ruleCollection": "dnat",
        "rule": "ssh-app"})");
    CHECK_FALSE(r.diff.grew);
    REQUIRE(r.diff.deltas.size() == 2);
    CHECK(delta(r, kClassicFw).kind == WhatifDelta::Kind::kClosed);
    CHECK(flows(delta(r, kClassicFw).closed) == std::vector<std::string>{"tcp 2222 any"});
    CHECK(delta(r, kClassicApp).kind == WhatifDelta::Kind::kClosed);
    CHECK(flows(delta(r, kClassicApp).closed) == std::vector<std::string>{"tcp 22 any"});
    check_incremental(r);
  }
  SECTION("modify: ssh-app restricted to 52.40.1.0/24 closes every other source") {
    auto r = run_classic(R"({"op": "modify-firewall-rule", "firewall": "fw-classic", "ruleCollection": "dnat",
        "rule": "ssh-app", "set": {"sourceAddresses": ["52.40.1.0/24"]}})");
    CHECK_FALSE(r.diff.grew);
    REQUIRE(r.diff.deltas.size() == 2);
    const auto keep = model::to_set(*model::IpPrefix::parse("52.40.1.0/24"));
    for (const auto* what : {&kClassicFw, &kClassicApp}) {
      const auto& d = delta(r, *what);
      CHECK(d.kind == WhatifDelta::Kind::kChanged);
      CHECK(d.opened.empty());
      REQUIRE_FALSE(d.closed.empty());
      for (const auto& e : d.closed) {
        CHECK(model::to_string(e.ports) == (what == &kClassicFw ? "2222" : "22"));
        CHECK(e.sources.intersect(keep).empty());
      }
    }
    // What stays: exactly 52.40.1.0/24 on nic-app.
    std::vector<std::string> after;
    for (const auto& e : r.a_after.exposures) {
      if (e.nic >= 0 && r.after.nics[e.nic].name == "nic-app") after.push_back(flow(e));
    }
    CHECK(after == std::vector<std::string>{"tcp 22 52.40.1.0/24"});
    check_incremental(r);
  }
}

TEST_CASE("whatif classic firewall: network collection rules decide what the gateway reaches through it",
          "[whatif][classic-firewall]") {
  SECTION("add: a network rule for 8443 takes the flow from the application rule (same packets: rerouted)") {
    auto r = run_classic(R"({"op": "add-firewall-rule", "firewall": "fw-classic", "ruleCollection": "net",
        "rule": {"name": "agw-tls", "protocols": ["TCP"], "sourceAddresses": ["10.1.3.0/24"],
        "destinationAddresses": ["10.1.2.5"], "destinationPorts": ["8443"]}})");
    CHECK_FALSE(r.diff.grew);
    REQUIRE(r.diff.deltas.size() == 1);
    const auto& d = delta(r, kClassicBAgw);
    CHECK(d.kind == WhatifDelta::Kind::kRerouted);
    check_incremental(r);
  }
  SECTION("remove: agw-web goes, 8080 is denied by default and closes on nic-b") {
    auto r = run_classic(R"({"op": "remove-firewall-rule", "firewall": "fw-classic", "ruleCollection": "net",
        "rule": "agw-web"})");
    CHECK_FALSE(r.diff.grew);
    REQUIRE(r.diff.deltas.size() == 1);
    CHECK(delta(r, kClassicBAgw).kind == WhatifDelta::Kind::kChanged);
    CHECK(flows(delta(r, kClassicBAgw).closed) == std::vector<std::string>{"tcp 8080 any"});
    check_incremental(r);
  }
  SECTION("modify: agw-web narrowed to nic-app's address no longer covers nic-b") {
    auto r = run_classic(R"({"op": "modify-firewall-rule", "firewall": "fw-classic", "ruleCollection": "net",
        "rule": "agw-web", "set": {"destinationAddresses": ["10.1.2.4"]}})");
    CHECK_FALSE(r.diff.grew);
    REQUIRE(r.diff.deltas.size() == 1);
    CHECK(flows(delta(r, kClassicBAgw).closed) == std::vector<std::string>{"tcp 8080 any"});
    CHECK(delta(r, kClassicBAgw).opened.empty());
    check_incremental(r);
  }
}

TEST_CASE("whatif classic firewall: application collection rules allow by port", "[whatif][classic-firewall]") {
  SECTION("add: an HTTP 9000 rule lets listener l9000 reach nic-b") {
    auto r = run_classic(R"({"op": "add-firewall-rule", "firewall": "fw-classic", "ruleCollection": "apps",
        "rule": {"name": "jobs", "sourceAddresses": ["10.1.3.0/24"],
        "protocols": [{"protocolType": "Http", "port": 9000}], "targetFqdns": ["app.contoso.com"]}})");
    CHECK(r.diff.grew);
    REQUIRE(r.diff.deltas.size() == 1);
    CHECK(delta(r, kClassicBAgw).kind == WhatifDelta::Kind::kChanged);
    CHECK(flows(delta(r, kClassicBAgw).opened) == std::vector<std::string>{"tcp 9000 any"});
    CHECK(delta(r, kClassicBAgw).closed.empty());
    check_incremental(r);
  }
  SECTION("remove: site goes, 8443 closes on nic-b") {
    auto r = run_classic(R"({"op": "remove-firewall-rule", "firewall": "fw-classic", "ruleCollection": "apps",
        "rule": "site"})");
    CHECK_FALSE(r.diff.grew);
    REQUIRE(r.diff.deltas.size() == 1);
    CHECK(flows(delta(r, kClassicBAgw).closed) == std::vector<std::string>{"tcp 8443 any"});
    check_incremental(r);
  }
  SECTION("modify: site moved to 9443, where the gateway sends nothing: 8443 closes") {
    auto r = run_classic(R"({"op": "modify-firewall-rule", "firewall": "fw-classic", "ruleCollection": "apps",
        "rule": "site", "set": {"protocols": [{"protocolType": "Https", "port": 9443}]}})");
    CHECK_FALSE(r.diff.grew);
    REQUIRE(r.diff.deltas.size() == 1);
    CHECK(flows(delta(r, kClassicBAgw).closed) == std::vector<std::string>{"tcp 8443 any"});
    CHECK(delta(r, kClassicBAgw).opened.empty());
    check_incremental(r);
  }
}

}  // namespace exposim::testing

// Entry points' subnets and public IPs (solver/incremental.cpp, ScopeBuilder): a change to a firewall's, Bastion
// host's or application gateway's subnet or public IP, or to a load balancer frontend's public IP, re-solves what
// that entry point reaches instead of the whole estate; the result equals a full analysis.
namespace exposim::testing {
namespace {

const std::string kExamples = std::string(EXPOSIM_SOURCE_DIR) + "/examples/";
const std::vector<std::string> kHubAndSpoke = {kExamples + "hub-and-spoke/hub.json",
                                               kExamples + "hub-and-spoke/spokes.json",
                                               kExamples + "hub-and-spoke/firewall.json"};
const std::vector<std::string> kAppGateway = {kExamples + "app-gateway-waf/estate.json"};
const std::vector<std::string> kWebBehindLb = {kExamples + "web-behind-lb/estate.json"};
const std::vector<std::string> kScaleSet = {kExamples + "scale-set-nat-pool/estate.json"};

/// run_whatif over several files (import_files); an empty `change` leaves `after` a copy of `before`, validated,
/// for the caller to change by hand.
WhatifRun run_on(const std::vector<std::string>& files, const std::string& change) {
  WhatifRun r;
  importers::azure::import_files(files, r.before, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  r.after = r.before;
  r.applied = change.empty() || importers::apply_change_text(change, "change.json", r.after, r.diags, r.changed);
  REQUIRE(r.applied);
  model::validate(r.before, r.diags);
  model::validate(r.after, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  return r;
}

/// Analyses both sides of `r` fully and compares them.
void solve(WhatifRun& r) {
  r.a_before = solver::analyze(r.before);
  r.a_after = solver::analyze(r.after);
  r.diff = solver::diff_analyses(r.before, r.a_before, r.after, r.a_after);
}

/// `r` with public IP `name` changed by `edit` in the after model (a change to that resource alone).
template <typename Edit>
void change_public_ip(WhatifRun& r, const std::string& name, Edit edit) {
  auto& pips = r.after.public_ips;
  auto it = std::find_if(pips.begin(), pips.end(), [&](const auto& p) { return p.name == name; });
  REQUIRE(it != pips.end());
  edit(*it);
  r.changed = {model::Changed{model::ResourceKind::kPublicIp, it->key}};
  solve(r);
}

/// The targets (VM name, else NIC name) of the NICs a scope covers, sorted.
std::vector<std::string> scoped_nics(const model::Model& m, const solver::AnalysisScope& s) {
  std::vector<std::string> out;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    if (s.nic(static_cast<int>(n))) {
      out.emplace_back(solver::target_id(m, model::ResourceKind::kNetworkInterface, static_cast<int>(n)).first);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t count_via(const std::vector<Exposure>& xs, solver::Via via) {
  return static_cast<std::size_t>(std::count_if(xs.begin(), xs.end(), [&](const Exposure& e) { return e.via == via; }));
}

std::size_t count_target(const model::Model& m, const std::vector<Exposure>& xs, const std::string& name) {
  return static_cast<std::size_t>(
      std::count_if(xs.begin(), xs.end(), [&](const Exposure& e) { return solver::target_id(m, e).first == name; }));
}

/// The incremental update of `r` takes the incremental path; returns its scope (checked against a full analysis).
solver::AnalysisScope incremental_scope(const WhatifRun& r) {
  check_incremental(r);
  auto scope = solver::scope_of_change(r.before, r.after, r.changed);
  REQUIRE(scope.has_value());
  return *scope;
}

}  // namespace

TEST_CASE("whatif incremental scope: the Bastion subnet's NSG re-solves the Bastion and every NIC it reaches",
          "[whatif]") {
  // app-gateway-waf: bastion-hub (Basic) in vnet-hub, peered both ways with vnet-spoke; vnet-isolated has no
  // peering back. Its sessions reach vm-web-1, vm-web-2 (hub) and vm-app-1 (spoke), not vm-lab-1. Removing
  // AllowHttpsInbound (443 from Internet) alone leaves AllowGatewayManagerInbound (130), whose unresolved tag an
  // allow rule takes as the whole internet (docs/model.md); removing both leaves no rule of nsg-bastion admitting
  // internet clients on 443 (AzureLoadBalancer is 168.63.129.16, then the VNet's 8080/5701, then DenyAllInbound),
  // so the Bastion's own entry and every session close.
  WhatifRun r =
      run_on(kAppGateway, change_doc(R"({"op": "remove-nsg-rule", "nsg": "nsg-bastion", "rule": "AllowHttpsInbound"},
      {"op": "remove-nsg-rule", "nsg": "nsg-bastion", "rule": "AllowGatewayManagerInbound"})"));
  solve(r);
  CHECK(count_via(r.a_before.exposures, solver::Via::kBastion) > 0);
  CHECK(count_target(r.before, r.a_before.exposures, "bastion-hub") == 1);
  CHECK(count_via(r.a_after.exposures, solver::Via::kBastion) == 0);
  CHECK(count_target(r.after, r.a_after.exposures, "bastion-hub") == 0);
  CHECK_FALSE(r.diff.grew);
  const auto scope = incremental_scope(r);
  CHECK(scope.gateways);
  CHECK(scoped_nics(r.after, scope) == std::vector<std::string>{"vm-app-1", "vm-web-1", "vm-web-2"});
}

TEST_CASE("whatif incremental scope: the application gateway subnet's NSG re-solves the gateways and their backends",
          "[whatif]") {
  // nsg-appgw's deny-http (120) turned into an allow: listener l-http (80) admits the internet, so agw-edge opens
  // 80/tcp and its rule r-http forwards to web-pool (vm-web-1 by NIC, vm-web-2 by address 10.0.3.5) on 8080,
  // which nsg-web's allow-agw-8080 admits from the gateway subnet: a second gateway row on each backend.
  WhatifRun r = run_on(
      kAppGateway,
      change_doc(R"({"op": "modify-nsg-rule", "nsg": "nsg-appgw", "rule": "deny-http", "set": {"access": "Allow"}})"));
  solve(r);
  CHECK(r.diff.grew);
  CHECK(count_target(r.before, r.a_before.exposures, "agw-edge") == 1);
  CHECK(count_target(r.after, r.a_after.exposures, "agw-edge") == 2);
  CHECK(count_via(r.a_after.exposures, solver::Via::kApplicationGateway) ==
        count_via(r.a_before.exposures, solver::Via::kApplicationGateway) + 2);
  const auto scope = incremental_scope(r);
  CHECK(scope.gateways);
  CHECK(scoped_nics(r.after, scope) == std::vector<std::string>{"vm-web-1", "vm-web-2"});
}

TEST_CASE("whatif incremental scope: a route on the firewall subnet re-solves the firewall's DNAT targets",
          "[whatif]") {
  // hub-and-spoke: rt-firewall (AzureFirewallSubnet) gets 10.2.1.0/24 -> None, longer than the peering's
  // 10.2.0.0/16: the translated packets of web-to-app and web-to-app-from-partner no longer reach vm-app
  // (10.2.1.4), whose two DNAT exposures become broken flows. The firewall's own entries do not change.
  WhatifRun r =
      run_on(kHubAndSpoke, change_doc(R"({"op": "add-route", "routeTable": "rt-firewall", "route": {"name": "drop-app",
      "properties": {"addressPrefix": "10.2.1.0/24", "nextHopType": "None"}}})"));
  solve(r);
  CHECK(count_target(r.before, r.a_before.exposures, "vm-app") == 2);
  CHECK(count_target(r.before, r.a_before.broken, "vm-app") == 0);
  CHECK(count_target(r.after, r.a_after.exposures, "vm-app") == 0);
  CHECK(count_target(r.after, r.a_after.broken, "vm-app") == 2);
  CHECK(count_target(r.after, r.a_after.exposures, "fw-hub") == 5);
  const auto scope = incremental_scope(r);
  CHECK(scope.routes);
  CHECK_FALSE(scope.gateways);
  CHECK(scope.firewall(0));
  // The DNAT rules translate to vm-jump, vm-app, vm-db and vm-legacy; vm-web is not reached.
  CHECK(scoped_nics(r.after, scope) == std::vector<std::string>{"vm-app", "vm-db", "vm-jump", "vm-legacy"});
}

TEST_CASE("whatif incremental scope: a firewall's public IP re-solves its DNAT entries and targets", "[whatif]") {
  // pip-fw moves from 20.50.60.70 to 20.50.60.71: every DNAT rule names 20.50.60.70, so the firewall's five
  // entries, vm-jump's and vm-app's DNAT exposures and vm-legacy's broken DNAT flow all go.
  WhatifRun r = run_on(kHubAndSpoke, "");
  change_public_ip(r, "pip-fw", [](model::PublicIp& p) { p.address = model::IpAddress::parse("20.50.60.71"); });
  CHECK(count_target(r.before, r.a_before.exposures, "fw-hub") == 5);
  CHECK(count_target(r.after, r.a_after.exposures, "fw-hub") == 0);
  CHECK(count_via(r.a_after.exposures, solver::Via::kFirewallDnat) == 0);
  CHECK(count_via(r.a_after.broken, solver::Via::kFirewallDnat) == 0);
  const auto scope = incremental_scope(r);
  CHECK(scope.firewall(0));
  CHECK(scoped_nics(r.after, scope) == std::vector<std::string>{"vm-app", "vm-db", "vm-jump", "vm-legacy"});
}

TEST_CASE("whatif incremental scope: a Bastion host's public IP re-solves every NIC of its peered VNets", "[whatif]") {
  // pip-bastion's address changes; nsg-bastion's rules name no address of it, so nothing changes, but the
  // Bastion and its sessions (every VM of the hub and both spokes) are re-solved.
  WhatifRun r = run_on(kHubAndSpoke, "");
  change_public_ip(r, "pip-bastion", [](model::PublicIp& p) { p.address = model::IpAddress::parse("20.50.60.81"); });
  CHECK(r.diff.deltas.empty());
  const auto scope = incremental_scope(r);
  CHECK(scope.gateways);
  CHECK(scoped_nics(r.after, scope) == std::vector<std::string>{"vm-app", "vm-db", "vm-jump", "vm-legacy", "vm-web"});
}

TEST_CASE("whatif incremental scope: a load balancer frontend's public IP re-solves its pools and NAT targets",
          "[whatif]") {
  // web-behind-lb: pip-lb-web (fe-public of lb-web) becomes an IPv6 address: a frontend serves backends of its
  // own IP version, and vm-web-1 and vm-web-2 are IPv4, so lb-web's six exposures close (rules https and quic on
  // both, NAT ssh-web-1 and admin-range on vm-web-1). vm-mgmt (lb-mgmt) is not reached.
  WhatifRun r = run_on(kWebBehindLb, "");
  change_public_ip(r, "pip-lb-web", [](model::PublicIp& p) {
    p.family = model::IpFamily::kV6;
    p.address = model::IpAddress::parse("2603:1030::10");
  });
  CHECK(r.a_before.exposures.size() == 6);
  CHECK(r.a_after.exposures.empty());
  CHECK_FALSE(r.diff.grew);
  const auto scope = incremental_scope(r);
  CHECK_FALSE(scope.gateways);
  CHECK(scoped_nics(r.after, scope) == std::vector<std::string>{"vm-web-1", "vm-web-2"});

  // A scale set's instances behind a NAT pool and a rule: both instances are in the scope.
  WhatifRun s = run_on(kScaleSet, "");
  change_public_ip(s, "pip-lb-app", [](model::PublicIp& p) { p.address = model::IpAddress::parse("20.80.1.11"); });
  CHECK(s.a_after.exposures.size() == 4);
  const auto ss = incremental_scope(s);
  CHECK(scoped_nics(s.after, ss).size() == 2);
}

TEST_CASE("whatif incremental scope: an entry point reaching a possible network virtual appliance still falls back",
          "[whatif]") {
  // vm-web-1 with IP forwarding and a public IP of its own may be an appliance (what it admits decides what it
  // forwards): a change to the load balancer frontend that reaches it is analysed fully.
  WhatifRun r = run_on(kWebBehindLb, "");
  for (auto* m : {&r.before, &r.after}) {
    for (auto& n : m->nics) {
      if (n.name != "nic-web-1") continue;
      n.enable_ip_forwarding = true;
      n.ip_configurations.front().public_ip = model::Ref{"/subscriptions/x/publicipaddresses/pip-nva", -1};
    }
  }
  change_public_ip(r, "pip-lb-web", [](model::PublicIp& p) { p.address = model::IpAddress::parse("20.71.8.11"); });
  CHECK_FALSE(solver::scope_of_change(r.before, r.after, r.changed).has_value());
  solver::IncrementalAnalysis inc(r.before);
  CHECK_FALSE(inc.update(r.before, r.after, r.changed));
  check_same_analysis(r.after, inc.snapshot(), r.a_after);
}

}  // namespace exposim::testing
