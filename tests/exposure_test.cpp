// Scenario tests on tiny topologies: the verdict, the deciding rules and the exact ports and sources.
// Expected values are worked out by hand from Azure's documentation, as docs/model.md describes it.
#include <catch2/catch.hpp>

#include "model_builder.h"
#include "scenario_summary.h"
#include "solver/exposure.h"

namespace exposim {
namespace {

using model::NextHopType;
using model::Sku;
using namespace exposim::testing;
using namespace exposim::testing::scenario;

/// Azure's worked example ("How network security groups filter network traffic"): NSG1 on Subnet1,
/// NSG2 on the NICs of VM1 and VM3, VM2 in Subnet1 without NIC NSG, VM3 in Subnet2 (no subnet NSG),
/// VM4 in Subnet3 with no NSG at all. Traffic: TCP 80 from the internet.
EstateBuilder worked_example(bool nsg1_allows_80, bool nsg2_allows_80, Sku vm4_sku = Sku::kBasic) {
  std::vector<RuleSpec> nsg1, nsg2;
  if (nsg1_allows_80) nsg1.push_back({"Allow-HTTP-In", 100, kAllow, tcp(), {"Internet"}, {"80"}});
  if (nsg2_allows_80) nsg2.push_back({"Allow-HTTP-In", 100, kAllow, tcp(), {"Internet"}, {"80"}});
  EstateBuilder b;
  b.vnet("VNet1", {"10.0.0.0/16"})
      .nsg("NSG1", nsg1)
      .nsg("NSG2", nsg2)
      .subnet("VNet1", "Subnet1", "10.0.1.0/24", "NSG1")
      .subnet("VNet1", "Subnet2", "10.0.2.0/24")
      .subnet("VNet1", "Subnet3", "10.0.3.0/24")
      .public_ip("pip1", "20.0.0.1", Sku::kStandard)
      .public_ip("pip2", "20.0.0.2", Sku::kStandard)
      .public_ip("pip3", "20.0.0.3", Sku::kStandard)
      .public_ip("pip4", "20.0.0.4", vm4_sku)
      .vm("VM1", "VNet1", "Subnet1", "10.0.1.4", "pip1", "NSG2")
      .vm("VM2", "VNet1", "Subnet1", "10.0.1.5", "pip2")
      .vm("VM3", "VNet1", "Subnet2", "10.0.2.4", "pip3", "NSG2")
      .vm("VM4", "VNet1", "Subnet3", "10.0.3.4", "pip4");
  return b;
}

}  // namespace

TEST_CASE("Azure worked example: both NSGs allow 80", "[solver][scenario]") {
  auto b = worked_example(true, true);
  std::vector<std::string> expected = {
      "VM1 tcp 80 any NSG1/Allow-HTTP-In > NSG2/Allow-HTTP-In",
      "VM2 tcp 80 any NSG1/Allow-HTTP-In > none",
      "VM3 tcp 80 any none > NSG2/Allow-HTTP-In",
  };
  for (const auto& p : kAllOpen) expected.push_back("VM4 " + p + " any none > none");  // Basic, no NSG: open
  CHECK(analyze(b) == expected);
}

TEST_CASE("Azure worked example: NSG1 without an allow stops VM1 before NSG2", "[solver][scenario]") {
  auto b = worked_example(false, true);
  std::vector<std::string> expected = {"VM3 tcp 80 any none > NSG2/Allow-HTTP-In"};
  for (const auto& p : kAllOpen) expected.push_back("VM4 " + p + " any none > none");
  CHECK(analyze(b) == expected);
}

TEST_CASE("Azure worked example: NSG2 without an allow closes VM1 and VM3 only", "[solver][scenario]") {
  auto b = worked_example(true, false, Sku::kStandard);
  // VM4 now has a Standard public IP and no NSG: closed.
  CHECK(analyze(b) == std::vector<std::string>{"VM2 tcp 80 any NSG1/Allow-HTTP-In > none"});
}

TEST_CASE("a 0.0.0.0/0 user-defined route to Internet puts the internet into VirtualNetwork", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {})  // only the default rules
      .route_table("rt", "0.0.0.0/0", NextHopType::kInternet)
      .subnet("v", "s", "10.0.0.0/24", "nsg", "rt")
      .subnet("v", "plain", "10.0.1.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .public_ip("pip2", "20.0.0.2", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip")
      .vm("vm2", "v", "plain", "10.0.1.4", "pip2");
  model::Diagnostics diags;
  model::Model m = b.done(&diags);
  auto a = solver::analyze(m);
  std::vector<std::string> expected;
  // AllowVnetInBound admits every IPv4 internet source on the subnet with the route (next hop Internet, so
  // replies leave directly); vm2 stays closed.
  for (const auto& p : kAllOpen) expected.push_back("vm " + p + " any nsg/AllowVnetInBound > none");
  CHECK(summary(m, a) == expected);
  REQUIRE(a.findings.size() == 1);
  CHECK(a.findings.items()[0].code == "vnet-tag-includes-internet");
  CHECK_THAT(a.findings.items()[0].message, Catch::Contains("subnet 's'"));
}

TEST_CASE("return routing: a 0.0.0.0/0 route to an appliance breaks direct inbound access", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"allow-ssh", 100, kAllow, tcp(), {"Internet"}, {"22"}}})
      .route_table("rt", "0.0.0.0/0", NextHopType::kVirtualAppliance)
      .subnet("v", "s", "10.0.0.0/24", "nsg", "rt")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  // Replies to any internet source would leave through the appliance, not the public IP: nothing connects,
  // not even through AllowVnetInBound (the route also put 0.0.0.0/0 into VirtualNetwork).
  CHECK(analyze(b).empty());
}

TEST_CASE("return routing: longest prefix decides which sources can be answered", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"allow-ssh", 100, kAllow, tcp(), {"*"}, {"22"}}})
      .route_table("rt", "52.0.0.0/8", NextHopType::kVirtualAppliance)
      .route("rt", "52.1.0.0/16", NextHopType::kInternet)
      .route("rt", "60.0.0.0/8", NextHopType::kNone)
      .subnet("v", "s", "10.0.0.0/24", "nsg", "rt")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  model::Model m = b.done();
  const auto a = solver::analyze(m);
  // The UDR prefixes are also in the VirtualNetwork tag: 52.1.0.0/16 can be answered, so AllowVnetInBound
  // admits it on everything else (52/8 and 60/8 are in the tag too, but cannot be answered).
  const auto lines = summary(m, a);
  REQUIRE(lines.size() == 6);
  CHECK(lines[1] == "vm tcp 0-21,23-65535 52.1.0.0/16 nsg/AllowVnetInBound > none");
  CHECK(lines[2] == "vm udp 0-65535 52.1.0.0/16 nsg/AllowVnetInBound > none");
  CHECK(lines[5] == "vm ah - 52.1.0.0/16 nsg/AllowVnetInBound > none");
  const auto& e = a.exposures[0];
  CHECK(lines[0].rfind("vm tcp 22 ", 0) == 0);
  CHECK_FALSE(e.any_source);
  // Internet less 52/8 (to the appliance) and 60/8 (dropped), plus 52.1/16 (explicitly back to Internet).
  CHECK_FALSE(e.sources.contains(model::IpAddress::parse("52.0.0.1")->value));
  CHECK(e.sources.contains(model::IpAddress::parse("52.1.200.7")->value));
  CHECK_FALSE(e.sources.contains(model::IpAddress::parse("52.2.0.0")->value));
  CHECK_FALSE(e.sources.contains(model::IpAddress::parse("60.255.255.255")->value));
  CHECK(e.sources.contains(model::IpAddress::parse("61.0.0.0")->value));
  CHECK(e.sources.contains(model::IpAddress::parse("51.255.255.255")->value));
  const auto cidrs = model::to_cidr_strings(e.sources);
  CHECK(std::find(cidrs.begin(), cidrs.end(), "52.1.0.0/16") != cidrs.end());
  CHECK(std::find(cidrs.begin(), cidrs.end(), "61.0.0.0/8") != cidrs.end());
}

TEST_CASE("IPv6: dual-stack targets, IPv4-only prefixes do not match IPv6 sources", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16", "fd00:1::/48"})
      .nsg("nsg", {{"ssh-v4-only", 100, kAllow, tcp(), {"0.0.0.0/0"}, {"22"}},
                   {"https-any", 110, kAllow, tcp(), {"*"}, {"443"}}})
      .subnet("v", "s", "fd00:1::/64", "nsg")
      .public_ip("pip6", "2603:1030::10", Sku::kStandard)
      .vm("vm6", "v", "s", "fd00:1::4", "pip6");
  CHECK(analyze(b) == std::vector<std::string>{"vm6 tcp 443 any nsg/https-any > none"});
}

TEST_CASE("just-in-time rules mark the exposure", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"SecurityCenter-JITRule-1-abc", 100, kAllow, tcp(), {"52.10.20.30"}, {"22"}},
                   {"SecurityCenter-JITRule_-1-abc", 1000, kDeny, tcp(), {"*"}, {"22"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  model::Model m = b.done();
  auto a = solver::analyze(m);
  CHECK(summary(m, a) == std::vector<std::string>{"vm tcp 22 52.10.20.30/32 nsg/SecurityCenter-JITRule-1-abc > none"});
  REQUIRE(a.exposures.size() == 1);
  CHECK(a.exposures[0].jit);
}

TEST_CASE("the estate's own address space is not internet, even when public", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"52.0.0.0/24"})
      .nsg("nsg", {{"allow-ssh", 100, kAllow, tcp(), {"52.0.0.0/23"}, {"22"}}})
      .subnet("v", "s", "52.0.0.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "52.0.0.4", "pip");
  CHECK(analyze(b) == std::vector<std::string>{"vm tcp 22 52.0.1.0/24 nsg/allow-ssh > none"});
}

TEST_CASE("dangling references are errors that name the field", "[model][validate]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"}).subnet("v", "s", "10.0.0.0/24", "missing-nsg");
  model::Diagnostics diags;
  b.done(&diags);
  REQUIRE(diags.size() == 1);
  const auto& d = diags.items()[0];
  CHECK(d.severity == model::Severity::kError);
  CHECK(d.code == "dangling-reference");
  CHECK(d.where.pointer == "/properties/networkSecurityGroup/id");
  CHECK_THAT(d.message, Catch::Contains("missing-nsg' is not in the input"));
}

}  // namespace exposim
