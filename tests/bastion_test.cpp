// Azure Bastion end to end from resource JSON: its own exposure (443), the sessions it forwards (via: bastion)
// to VMs in its VNet and in peered VNets, the NSGs on its subnet and on the targets, and its SKUs. Every
// expectation is worked out by hand from Azure's documented behaviour (docs/model.md).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cli/explain_text.h"
#include "importers/unknown_value.h"
#include "solver/explain.h"
#include "solver/path.h"
#include "tests/gateway_estate.h"

using namespace exposim::testing::gateway_estate;

TEST_CASE("bastion: its own 443, and sessions to VMs in its VNet and in a VNet peered both ways", "[solver][bastion]") {
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"AzureBastionSubnet", "10.0.1.0/26", "nsg-bastion"}, {"work", "10.0.2.0/24", ""}},
         {{"spoke"}, {"far"}, {"solo"}})
      .vnet("spoke", "10.1.0.0/16", {{"apps", "10.1.0.0/24", ""}}, {{"hub"}})
      // far peers back, but its side is Disconnected; solo never peers back (one-sided).
      .vnet("far", "10.2.0.0/16", {{"apps", "10.2.0.0/24", ""}}, {{"hub", "Disconnected"}})
      .vnet("solo", "10.3.0.0/16", {{"apps", "10.3.0.0/24", ""}})
      .nsg("nsg-bastion", {{"allow-https", 100, "Allow", "Internet", "443"}})
      .pip("pip-bastion", "20.0.0.10")
      .bastion("Basic", "hub", "pip-bastion")
      .nic("nic-hub", "hub", "work", "10.0.2.4")
      .nic("nic-spoke", "spoke", "apps", "10.1.0.4")
      .nic("nic-far", "far", "apps", "10.2.0.4")
      .nic("nic-solo", "solo", "apps", "10.3.0.4");
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  // Basic SKU: 22 and 3389 only, from the AzureBastionSubnet; no NSG on the targets filters them. The
  // exposures name the internet sources of the Bastion's 443 (any) and enter on 443.
  CHECK(lines(r) ==
        std::vector<std::string>{
            "bastion public-ip 443->tcp 443 any | internet pip:pip-bastion nsg(subnet):nsg-bastion/allow-https "
            "bastion(host) target",
            "nic-hub bastion 443->tcp 22,3389 any | internet pip:pip-bastion "
            "nsg(bastion-subnet):nsg-bastion/allow-https bastion(session) no-nsg(subnet) no-nsg(nic) target",
            "nic-spoke bastion 443->tcp 22,3389 any | internet pip:pip-bastion "
            "nsg(bastion-subnet):nsg-bastion/allow-https bastion(session) no-nsg(subnet) no-nsg(nic) target",
        });
  const auto& own = r.a.exposures[0];
  CHECK(own.target_kind == model::ResourceKind::kBastionHost);
  CHECK(own.nic == -1);
  CHECK(own.gateway == 0);
  const auto& via = r.a.exposures[1];
  CHECK(via.gateway == 0);
  CHECK(via.public_ip == own.public_ip);
  CHECK(std::string(via.path[3].note).find("authenticated, mediated access") == 0);
}

TEST_CASE("bastion: an unknown SKU is read as Standard, which reaches what every SKU reaches",
          "[solver][bastion][unknown]") {
  // Developer and Basic reach 22 and 3389 in the Bastion's VNet (Basic: and peered ones); Standard and Premium
  // every port. Standard, with a public IP, is the widest.
  auto estate = [](const json& sku) {
    Estate e;
    e.vnet("hub", "10.0.0.0/16", {{"AzureBastionSubnet", "10.0.1.0/26", ""}, {"work", "10.0.2.0/24", ""}})
        .pip("pip-bastion", "20.0.0.10")
        .bastion("Basic", "hub", "pip-bastion")
        .nic("nic-hub", "hub", "work", "10.0.2.4");
    e.resources[2]["sku"]["name"] = sku;
    return run(e.resources);
  };
  const auto unknown = estate(importers::unknown_value("parameters('bastionSku')"));
  REQUIRE_FALSE(unknown.diags.has_errors());
  CHECK(unknown.m.bastion_hosts[0].sku == model::BastionSku::kStandard);
  const auto standard = estate("Standard");
  CHECK(lines(unknown) == lines(standard));
  CHECK(lines(unknown)[1].find("tcp 0-65535") != std::string::npos);
  for (const char* sku : {"Basic", "Premium"}) {
    INFO(sku);
    const auto concrete = estate(sku);
    REQUIRE(concrete.a.exposures.size() == unknown.a.exposures.size());
    for (std::size_t i = 0; i < concrete.a.exposures.size(); ++i) {
      CHECK(unknown.a.exposures[i].ports.contains(concrete.a.exposures[i].ports));
      CHECK(unknown.a.exposures[i].sources.contains(concrete.a.exposures[i].sources));
    }
  }
}

TEST_CASE("bastion: target NSGs see the Bastion subnet, not the internet", "[solver][bastion]") {
  Estate e;
  e.vnet("hub", "10.0.0.0/16",
         {{"AzureBastionSubnet", "10.0.1.0/26", ""},
          {"a", "10.0.2.0/24", ""},
          {"b", "10.0.3.0/24", ""},
          {"c", "10.0.4.0/24", ""}})
      // Denies everything from VirtualNetwork (the Bastion subnet included): no session.
      .nsg("nsg-deny-vnet", {{"deny-vnet", 100, "Deny", "VirtualNetwork", "*"}})
      // Allows 22 from the internet: irrelevant to sessions, which come from 10.0.1.0/26; the default
      // AllowVnetInBound (65000) admits those on 22 and 3389.
      .nsg("nsg-internet-ssh", {{"allow-ssh-internet", 100, "Allow", "Internet", "22"}})
      // Allows 3389 from half of the Bastion subnet and denies the rest of the VNet: which instance address a
      // session uses is not known, so the admitted half counts (never hides an exposure).
      .nsg("nsg-half",
           {{"allow-rdp-half", 100, "Allow", "10.0.1.0/27", "3389"}, {"deny-vnet", 200, "Deny", "VirtualNetwork", "*"}})
      .pip("pip-bastion", "20.0.0.10")
      .bastion("Basic", "hub", "pip-bastion")
      .nic("nic-a", "hub", "a", "10.0.2.4", "nsg-deny-vnet")
      .nic("nic-b", "hub", "b", "10.0.3.4", "nsg-internet-ssh")
      .nic("nic-c", "hub", "c", "10.0.4.4", "nsg-half");
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  // No NSG on AzureBastionSubnet: the Bastion's 443 is open to every internet source.
  CHECK(lines(r) ==
        std::vector<std::string>{
            "bastion public-ip 443->tcp 443 any | internet pip:pip-bastion no-nsg(subnet) bastion(host) target",
            "nic-b bastion 443->tcp 22,3389 any | internet pip:pip-bastion no-nsg(bastion-subnet) "
            "bastion(session) no-nsg(subnet) nsg(nic):nsg-internet-ssh/AllowVnetInBound target",
            "nic-c bastion 443->tcp 3389 any | internet pip:pip-bastion no-nsg(bastion-subnet) "
            "bastion(session) no-nsg(subnet) nsg(nic):nsg-half/allow-rdp-half target",
        });
}

TEST_CASE("bastion: an NSG on AzureBastionSubnet decides who can start a session", "[solver][bastion]") {
  auto estate = [](const std::vector<Rule>& rules) {
    Estate e;
    e.vnet("hub", "10.0.0.0/16", {{"AzureBastionSubnet", "10.0.1.0/26", "nsg-bastion"}, {"work", "10.0.2.0/24", ""}})
        .nsg("nsg-bastion", rules)
        .pip("pip-bastion", "20.0.0.10")
        .bastion("Basic", "hub", "pip-bastion")
        .nic("nic-work", "hub", "work", "10.0.2.4");
    return run(e.resources);
  };
  SECTION("443 denied from the internet: the host is unreachable, and so is every session") {
    const auto r = estate({{"deny-https", 100, "Deny", "Internet", "443"}, {"allow-all", 200, "Allow", "*", "*"}});
    CHECK(lines(r).empty());
  }
  SECTION("443 only from one office range: both the host and the sessions name that range") {
    const auto r = estate({{"allow-office", 100, "Allow", "52.10.0.0/16", "443"}});
    REQUIRE(r.a.exposures.size() == 2);
    for (const auto& x : r.a.exposures) {
      CHECK_FALSE(x.any_source);
      CHECK(model::to_cidr_strings(x.sources) == std::vector<std::string>{"52.10.0.0/16"});
    }
    CHECK(model::to_string(r.a.exposures[1].ports) == "22,3389");
  }
}

TEST_CASE("bastion: SKUs decide the ports and the reach", "[solver][bastion]") {
  auto estate = [](const std::string& sku, json extra, bool with_pip) {
    Estate e;
    e.vnet("hub", "10.0.0.0/16", {{"AzureBastionSubnet", "10.0.1.0/26", ""}, {"work", "10.0.2.0/24", ""}}, {{"spoke"}})
        .vnet("spoke", "10.1.0.0/16", {{"apps", "10.1.0.0/24", ""}}, {{"hub"}})
        .pip("pip-bastion", "20.0.0.10")
        .nic("nic-hub", "hub", "work", "10.0.2.4")
        .nic("nic-spoke", "spoke", "apps", "10.1.0.4");
    if (sku == "Developer") {
      e.add({{"id", kS + "/bastionHosts/bastion"},
             {"name", "bastion"},
             {"type", "Microsoft.Network/bastionHosts"},
             {"sku", {{"name", "Developer"}}},
             {"properties", {{"virtualNetwork", id_ref(kS + "/virtualNetworks/hub")}}}});
    } else {
      e.bastion(sku, "hub", with_pip ? "pip-bastion" : "", extra);
    }
    return run(e.resources);
  };
  SECTION("Standard: custom inbound ports make every TCP port reachable") {
    const auto r = estate("Standard", json::object(), true);
    REQUIRE(lines(r).size() == 3);
    CHECK(r.a.exposures[1].ports.is_all());
    CHECK(r.a.exposures[2].ports.is_all());
  }
  SECTION("Standard with shareable links: the session note says a link needs no Azure account") {
    const auto r = estate("Standard", json{{"enableShareableLink", true}}, true);
    REQUIRE(lines(r).size() == 3);
    const auto& hop = r.a.exposures[1].path[3];
    REQUIRE(hop.kind == Hop::Kind::kBastion);
    CHECK_THAT(std::string(hop.note), Catch::Contains("whoever holds a link needs no Azure account"));
  }
  SECTION("Developer: the VNet of the VM only, through the portal (no public IP of its own)") {
    const auto r = estate("Developer", json::object(), false);
    // Sessions come from 168.63.129.16, which the default AllowVnetInBound admits (it is in the
    // VirtualNetwork tag); the spoke is not reached (no peering for Developer).
    CHECK(lines(r) == std::vector<std::string>{
                          "nic-hub bastion 443->tcp 22,3389 any | internet bastion(session) no-nsg(subnet) no-nsg(nic) "
                          "target",
                      });  // Its path's stages (solver/path.h): the host is its own entry, which analyze does not show;
                           // explain's session
    // trace is every stage but the target.
    const auto& e = r.a.exposures.front();
    solver::PathEntry how;
    how.via = solver::Via::kBastion;
    how.gateway = e.gateway;
    const auto stages = solver::inbound_path(r.m, how, model::IpConfigIndex{e.nic, e.ip_configuration});
    std::vector<Hop::Kind> kinds;
    for (const auto& s : stages) kinds.push_back(s.kind);
    CHECK(kinds == std::vector<Hop::Kind>{Hop::Kind::kSource, Hop::Kind::kEntry, Hop::Kind::kBastion, Hop::Kind::kRoute,
                                          Hop::Kind::kNoNsg, Hop::Kind::kNoNsg, Hop::Kind::kRoute, Hop::Kind::kTarget});
    CHECK(stages[1].resource_kind == model::ResourceKind::kBastionHost);
    solver::FlowQuery q;
    q.source = *model::IpAddress::parse("52.1.2.3");
    q.target = "nic-hub";
    q.via_bastion = true;
    q.protocol = model::Protocol::kTcp;
    q.source_port = 50000;
    q.destination_port = 22;
    const auto t = solver::explain(r.m, q, &r.a);
    REQUIRE(t.status == solver::FlowTrace::Status::kOk);
    INFO(cli::verdict_text(r.m, t));
    CHECK(t.allowed);
    std::vector<Hop::Kind> traced;
    for (const auto& h : t.hops) traced.push_back(h.kind);
    kinds.pop_back();
    CHECK(traced == kinds);
  }
  SECTION("Developer: a target NSG that denies 168.63.129.16 (AzureLoadBalancer) shuts the sessions out") {
    Estate e;
    e.vnet("hub", "10.0.0.0/16", {{"work", "10.0.2.0/24", "nsg-no-platform"}})
        .nsg("nsg-no-platform", {{"deny-platform", 100, "Deny", "AzureLoadBalancer", "*"}})
        .nic("nic-hub", "hub", "work", "10.0.2.4")
        .add({{"id", kS + "/bastionHosts/bastion"},
              {"name", "bastion"},
              {"type", "Microsoft.Network/bastionHosts"},
              {"sku", {{"name", "Developer"}}},
              {"properties", {{"virtualNetwork", id_ref(kS + "/virtualNetworks/hub")}}}});
    const auto r = run(e.resources);
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(lines(r).empty());
  }
  SECTION("Premium private-only: no internet entry at all") {
    const auto r = estate("Premium", json{{"enablePrivateOnlyBastion", true}}, false);
    CHECK(lines(r).empty());
  }
}
