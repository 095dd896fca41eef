// The nsg family on tiny topologies: rule order by priority, subnet then NIC NSG, sources (CIDRs, service tags,
// application security groups), ports and protocols, destination prefixes, and duplicate priorities. Expected
// values are worked out by hand from Azure's documentation.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "model_builder.h"
#include "scenario_summary.h"
#include "solver/exposure.h"

namespace exposim {
namespace {

using model::Sku;
using namespace exposim::testing;
using namespace exposim::testing::scenario;

}  // namespace

TEST_CASE("first match by priority: a deny at 100 carves a port out of an allow at 200", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg",
           {{"deny-ssh", 100, kDeny, tcp(), {"*"}, {"22"}}, {"allow-all", 200, kAllow, any_protocol(), {"*"}, {"*"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  CHECK(analyze(b) == std::vector<std::string>{
                          "vm tcp 0-21,23-65535 any nsg/allow-all > none",
                          "vm udp 0-65535 any nsg/allow-all > none",
                          "vm icmp - any nsg/allow-all > none",
                          "vm esp - any nsg/allow-all > none",
                          "vm ah - any nsg/allow-all > none",
                      });
}

TEST_CASE("rule order is by priority, not by position in the input", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"allow-ssh", 300, kAllow, tcp(), {"*"}, {"22"}}, {"deny-ssh", 200, kDeny, tcp(), {"*"}, {"22"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  CHECK(analyze(b).empty());
}

TEST_CASE("a subnet deny wins over a NIC allow, a NIC deny wins over a subnet allow", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("subnet-deny",
           {{"deny-rdp", 100, kDeny, tcp(), {"*"}, {"3389"}}, {"allow-web", 110, kAllow, tcp(), {"*"}, {"443"}}})
      .nsg("nic-allow", {{"allow-rdp", 100, kAllow, tcp(), {"*"}, {"3389", "443"}}})
      .nsg("subnet-allow", {{"allow-rdp", 100, kAllow, tcp(), {"*"}, {"3389"}}})
      .nsg("nic-deny", {{"deny-rdp", 100, kDeny, tcp(), {"*"}, {"3389"}}})
      .subnet("v", "a", "10.0.1.0/24", "subnet-deny")
      .subnet("v", "b", "10.0.2.0/24", "subnet-allow")
      .public_ip("pip-a", "20.0.0.1", Sku::kStandard)
      .public_ip("pip-b", "20.0.0.2", Sku::kStandard)
      .vm("vm-a", "v", "a", "10.0.1.4", "pip-a", "nic-allow")
      .vm("vm-b", "v", "b", "10.0.2.4", "pip-b", "nic-deny");
  CHECK(analyze(b) == std::vector<std::string>{"vm-a tcp 443 any subnet-deny/allow-web > nic-allow/allow-rdp"});
}

TEST_CASE("sources: CIDR lists, Internet tag, '*', and carve-outs", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"deny-52", 100, kDeny, tcp(), {"52.0.0.0/8"}, {"22"}},
                   {"allow-ssh-web", 200, kAllow, tcp(), {"*"}, {"22", "80"}},
                   {"allow-dns", 300, kAllow, udp(), {"52.1.0.0/16", "52.2.0.0/16"}, {"53"}},
                   {"allow-ping", 400, kAllow, icmp(), {"Internet"}, {"*"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  auto got = analyze(b);
  REQUIRE(got.size() == 4);
  // Sources outside 52/8 reach 22 and 80; sources in 52/8 reach only 80 (same rule, different ports).
  CHECK(got[0].rfind("vm tcp 22,80 ", 0) == 0);
  CHECK(got[0].find(",48.0.0.0/6,53.0.0.0/8,54.0.0.0/7,") != std::string::npos);
  CHECK(got[0].find(" nsg/allow-ssh-web > none") != std::string::npos);
  CHECK(got[1] == "vm tcp 80 52.0.0.0/8 nsg/allow-ssh-web > none");
  CHECK(got[2] == "vm udp 53 52.1.0.0/16,52.2.0.0/16 nsg/allow-dns > none");
  CHECK(got[3] == "vm icmp - any nsg/allow-ping > none");
}

TEST_CASE("ports constrain TCP and UDP only: '*' protocol with a port still admits ICMP", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"allow-8080", 100, kAllow, any_protocol(), {"*"}, {"8080"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  CHECK(analyze(b) ==
        std::vector<std::string>{"vm tcp 8080 any nsg/allow-8080 > none", "vm udp 8080 any nsg/allow-8080 > none",
                                 "vm icmp - any nsg/allow-8080 > none", "vm esp - any nsg/allow-8080 > none",
                                 "vm ah - any nsg/allow-8080 > none"});
}

TEST_CASE("source port ranges are reported when they restrict", "[solver][scenario]") {
  EstateBuilder b;
  RuleSpec r{"allow-ephemeral", 100, kAllow, tcp(), {"*"}, {"22"}};
  r.source_ports = {"1024-65535"};
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {r})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  CHECK(analyze(b) == std::vector<std::string>{"vm tcp 22 sport 1024-65535 any nsg/allow-ephemeral > none"});
}

TEST_CASE("destination prefixes: the rule must name the private IP, never the public one", "[solver][scenario]") {
  EstateBuilder b;
  RuleSpec to_public{"to-public-ip", 100, kAllow, tcp(), {"*"}, {"22"}};
  to_public.destinations = {"20.0.0.1"};
  RuleSpec to_private{"to-private-ip", 110, kAllow, tcp(), {"*"}, {"443"}};
  to_private.destinations = {"10.0.0.4/32"};
  RuleSpec to_other{"to-other-ip", 120, kAllow, tcp(), {"*"}, {"80"}};
  to_other.destinations = {"10.0.0.5"};
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {to_public, to_private, to_other})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  CHECK(analyze(b) == std::vector<std::string>{"vm tcp 443 any nsg/to-private-ip > none"});
}

TEST_CASE("AzureLoadBalancer and VirtualNetwork sources are not the internet", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"probe", 100, kAllow, tcp(), {"AzureLoadBalancer"}, {"*"}},
                   {"vnet", 110, kAllow, tcp(), {"VirtualNetwork"}, {"*"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  CHECK(analyze(b).empty());
}

TEST_CASE("application security groups: rules apply only to member NICs", "[solver][scenario]") {
  EstateBuilder b;
  RuleSpec web{"allow-web-asg", 100, kAllow, tcp(), {"*"}, {"80"}};
  web.destinations = {"asg:web"};
  b.vnet("v", {"10.0.0.0/16"})
      .asg("web")
      .nsg("nsg", {web})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip1", "20.0.0.1", Sku::kStandard)
      .public_ip("pip2", "20.0.0.2", Sku::kStandard)
      .vm("member", "v", "s", "10.0.0.4", "pip1", "", {"web"})
      .vm("outsider", "v", "s", "10.0.0.5", "pip2");
  CHECK(analyze(b) == std::vector<std::string>{"member tcp 80 any nsg/allow-web-asg > none"});
}

TEST_CASE("a source ASG never matches internet traffic", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .asg("admins")
      .nsg("nsg", {{"from-admins", 100, kAllow, tcp(), {"asg:admins"}, {"22"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("admin", "v", "s", "10.0.0.9", "", "", {"admins"})
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  CHECK(analyze(b).empty());
}

TEST_CASE("unresolved service tags: allow as the whole internet, deny as nothing", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"deny-cloud", 100, kDeny, tcp(), {"AzureCloud"}, {"443"}},
                   {"allow-cloud", 110, kAllow, tcp(), {"AzureCloud"}, {"443", "8443"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  CHECK(analyze(b) == std::vector<std::string>{"vm tcp 443,8443 any nsg/allow-cloud > none"});
}

TEST_CASE("duplicate priorities in one direction are rejected", "[model][validate]") {
  EstateBuilder b;
  b.nsg("nsg", {{"a", 100, kAllow, tcp(), {"*"}, {"22"}}, {"b", 100, kDeny, tcp(), {"*"}, {"80"}}});
  model::Diagnostics diags;
  b.done(&diags);
  REQUIRE(diags.has_errors());
  CHECK(diags.items()[0].code == "duplicate-priority");
  CHECK(diags.items()[0].message ==
        "rules 'a' and 'b' of network security group 'nsg' share priority 100 in the same direction");
}

}  // namespace exposim
