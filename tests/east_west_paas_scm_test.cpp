// An App Service's SCM (Kudu) site reached from inside the estate (solver/east_west_paas.cpp; docs/model.md, "PaaS
// public endpoints from inside the estate"): a second public endpoint with its own access restrictions, a target of
// reach(), `exposim reach`, `explain --from` and attack paths of its own. Worked out by hand on
// tests/data/reach/scm.json and variants of it.
//
// The fixture: vnet v (10.0.0.0/16, westeurope) with subnet web (10.0.1.0/24, no NSG, no route table, no service
// endpoint); NIC web-nic at 10.0.1.4 in web with public IP pip-web 52.1.1.1 (Standard); App Service app
// (app.azurewebsites.net, httpsOnly: 443 only) whose main site admits 203.0.113.0/24 (`office`, priority 100) and
// denies the rest (ipSecurityRestrictionsDefaultAction Deny), and whose SCM site (app.scm.azurewebsites.net) has no
// restrictions of its own (scmIpSecurityRestrictionsUseMain false): Azure allows everything there.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/attack_path_report.h"
#include "cli/exit_codes.h"
#include "cli/explain_text.h"
#include "cli/reach_report.h"
#include "cli_support.h"
#include "importers/azure/resource_importer.h"
#include "model/validate.h"
#include "solver/attack_path.h"
#include "solver/east_west.h"
#include "solver/explain.h"
#include "solver/exposure.h"
#include "solver/paas_hop.h"
#include "solver/whatif_east_west.h"

namespace {

using nlohmann::json;
namespace model = exposim::model;
namespace solver = exposim::solver;
namespace cli = exposim::cli;
using exposim::testing::run_exposim;

const std::string kScmRg = "/subscriptions/s/resourceGroups/rg/providers/";
const std::string kScmWeb = kScmRg + "Microsoft.Network/virtualNetworks/v/subnets/web";

/// The fixture's path (appended piecewise: GCC 12 warns falsely on the concatenation inlined).
std::string scm_fixture_path() {
  std::string path = EXPOSIM_SOURCE_DIR;
  path.append("/tests/data/reach/scm.json");
  return path;
}

json scm_fixture() {
  std::ifstream in(scm_fixture_path());
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

/// The fixture's resource named `name`.
json& scm_resource(json& estate, const std::string& name) {
  for (auto& r : estate) {
    if (r["name"] == name) return r;
  }
  FAIL("no resource " << name);
  return estate[0];
}

json& scm_site_config(json& estate) { return scm_resource(estate, "app")["properties"]["siteConfig"]; }

/// web gets a Microsoft.Web service endpoint; the SCM site admits one subnet by an access restriction
/// (`vnetSubnetResourceId`), and denies the rest (implicitly, after a restriction).
void scm_subnet_restriction(json& estate, const std::string& subnet) {
  estate[0]["properties"]["subnets"][0]["properties"]["serviceEndpoints"] = {
      {{"service", "Microsoft.Web"}, {"locations", {"westeurope"}}}};
  scm_site_config(estate)["scmIpSecurityRestrictions"] = {
      {{"name", "from-web"}, {"vnetSubnetResourceId", subnet}, {"action", "Allow"}, {"priority", 100}}};
}

/// Adds an Azure Firewall fw (10.0.0.4 in AzureFirewallSubnet 10.0.0.0/26, public IP 20.1.1.1) that web's default
/// route (route table rt) sends everything to, with one rule: an application rule `site` (HTTPS 443) to `fqdn`, or,
/// `network`, a network rule `site` (TCP 443) to FQDN `fqdn`. Both sites' restrictions are removed: each allows all.
void scm_firewall(json& estate, const std::string& fqdn, bool network = false) {
  auto& v = estate[0]["properties"];
  v["subnets"].push_back({{"id", kScmRg + "Microsoft.Network/virtualNetworks/v/subnets/AzureFirewallSubnet"},
                          {"name", "AzureFirewallSubnet"},
                          {"properties", {{"addressPrefix", "10.0.0.0/26"}}}});
  v["subnets"][0]["properties"]["routeTable"] = {{"id", kScmRg + "Microsoft.Network/routeTables/rt"}};
  estate.push_back({{"id", kScmRg + "Microsoft.Network/routeTables/rt"},
                    {"name", "rt"},
                    {"type", "Microsoft.Network/routeTables"},
                    {"location", "westeurope"},
                    {"properties",
                     {{"routes",
                       {{{"name", "default-to-fw"},
                         {"properties",
                          {{"addressPrefix", "0.0.0.0/0"},
                           {"nextHopType", "VirtualAppliance"},
                           {"nextHopIpAddress", "10.0.0.4"}}}}}}}}});
  estate.push_back({{"id", kScmRg + "Microsoft.Network/publicIPAddresses/pip-fw"},
                    {"name", "pip-fw"},
                    {"type", "Microsoft.Network/publicIPAddresses"},
                    {"location", "westeurope"},
                    {"sku", {{"name", "Standard"}}},
                    {"properties", {{"ipAddress", "20.1.1.1"}, {"publicIPAllocationMethod", "Static"}}}});
  json props = {{"ipConfigurations",
                 {{{"name", "c"},
                   {"properties",
                    {{"privateIPAddress", "10.0.0.4"},
                     {"subnet", {{"id", kScmRg + "Microsoft.Network/virtualNetworks/v/subnets/AzureFirewallSubnet"}}},
                     {"publicIPAddress", {{"id", kScmRg + "Microsoft.Network/publicIPAddresses/pip-fw"}}}}}}}}};
  if (network) {
    props["networkRuleCollections"] = {{{"name", "net"},
                                        {"properties",
                                         {{"priority", 200},
                                          {"action", {{"type", "Allow"}}},
                                          {"rules",
                                           {{{"name", "site"},
                                             {"protocols", {"TCP"}},
                                             {"sourceAddresses", {"*"}},
                                             {"destinationFqdns", {fqdn}},
                                             {"destinationPorts", {"443"}}}}}}}}};
  } else {
    props["applicationRuleCollections"] = {{{"name", "app"},
                                            {"properties",
                                             {{"priority", 300},
                                              {"action", {{"type", "Allow"}}},
                                              {"rules",
                                               {{{"name", "site"},
                                                 {"sourceAddresses", {"*"}},
                                                 {"protocols", {{{"protocolType", "Https"}, {"port", 443}}}},
                                                 {"targetFqdns", {fqdn}}}}}}}}};
  }
  estate.push_back({{"id", kScmRg + "Microsoft.Network/azureFirewalls/fw"},
                    {"name", "fw"},
                    {"type", "Microsoft.Network/azureFirewalls"},
                    {"location", "westeurope"},
                    {"properties", props}});
  scm_site_config(estate) = json::object();
}

model::Model scm_model(const json& estate) {
  model::Model m;
  model::Diagnostics d;
  exposim::importers::azure::import_text(estate.dump(), "scm.json", m, d);
  REQUIRE_FALSE(d.has_errors());
  model::validate(m, d, {});
  REQUIRE_FALSE(d.has_errors());
  return m;
}

/// reach() from web-nic to the PaaS public endpoints, one line a flow: TARGET IP PORTS | RULES, as reach's table.
std::vector<std::string> scm_lines(const json& estate) {
  const model::Model m = scm_model(estate);
  REQUIRE(m.nics[0].name == "web-nic");
  solver::ReachSource from;
  from.kind = solver::ReachSource::Kind::kIpConfiguration;
  from.ip_configuration = model::IpConfigIndex{0, 0};
  solver::ReachOptions options;
  options.paas = true;
  std::vector<std::string> out;
  for (const auto& f : solver::reach(m, from, options).flows) {
    if (f.target_kind != model::ResourceKind::kPaasService) continue;
    CHECK(model::to_cidr_strings(f.sources) == std::vector<std::string>{"10.0.1.4/32"});
    const auto row = cli::reach_row(m, f);  // SOURCE TARGET IP PROTO PORTS SOURCES RULES
    out.push_back(fmt::format("{} {} {} {} | {}", row[1], row[2], row[3], row[4], row[6]));
  }
  return out;
}

const std::string kScmNoNsgs = "nic-outbound: no NSG > subnet-outbound: no NSG > ";

/// explain from web-nic (by name) to `to` on TCP `port`.
solver::FlowTrace scm_explain(const model::Model& m, const std::string& to, int port) {
  solver::FlowQuery q;
  q.source_name = "web-nic";
  q.target = to;
  q.protocol = model::Protocol::kTcp;
  q.source_port = 50000;
  q.destination_port = static_cast<std::uint16_t>(port);
  return solver::explain(m, q);
}

}  // namespace

TEST_CASE("reach SCM: a main site that denies the source beside an SCM site without restrictions",
          "[solver][east_west_paas]") {
  // The main site sees web-nic's public IP 52.1.1.1, outside `office`: its default action denies. The SCM site has
  // no restrictions (none of its own, UseMain false): allowed; one flow, to the SCM host, decided by
  // scm-default-action. On main (before the SCM site was a target) reach listed nothing here.
  const json estate = scm_fixture();
  CHECK(scm_lines(estate) == std::vector<std::string>{"app app.scm.azurewebsites.net tcp 443 | " + kScmNoNsgs +
                                                      "route: default > service: app/scm-default-action"});
  SECTION("with scmIpSecurityRestrictionsUseMain the SCM site takes the main site's restrictions: nothing") {
    json e = estate;
    scm_site_config(e)["scmIpSecurityRestrictionsUseMain"] = true;
    CHECK(scm_lines(e).empty());
  }
  SECTION("with the main site's office rule naming 52.1.1.1, UseMain: both sites by that rule, scm/ for SCM") {
    json e = estate;
    scm_site_config(e)["ipSecurityRestrictions"][0]["ipAddress"] = "52.1.1.1/32";
    scm_site_config(e)["scmIpSecurityRestrictionsUseMain"] = true;
    CHECK(scm_lines(e) == std::vector<std::string>{"app app.azurewebsites.net tcp 443 | " + kScmNoNsgs +
                                                       "route: default > service: app/office 52.1.1.1/32 (100)",
                                                   "app app.scm.azurewebsites.net tcp 443 | " + kScmNoNsgs +
                                                       "route: default > service: app/scm/office 52.1.1.1/32 (100)"});
  }
  SECTION("the SCM site's own deny before an allow-all decides") {
    json e = estate;
    scm_site_config(e)["scmIpSecurityRestrictions"] = {
        {{"name", "no-pip"}, {"ipAddress", "52.1.1.0/24"}, {"action", "Deny"}, {"priority", 100}},
        {{"name", "all"}, {"ipAddress", "Any"}, {"action", "Allow"}, {"priority", 200}}};
    CHECK(scm_lines(e).empty());
    scm_site_config(e)["scmIpSecurityRestrictions"][0]["ipAddress"] = "52.9.9.0/24";
    CHECK(scm_lines(e) == std::vector<std::string>{"app app.scm.azurewebsites.net tcp 443 | " + kScmNoNsgs +
                                                   "route: default > service: app/scm/all Any (200)"});
  }
  SECTION("publicNetworkAccess Disabled closes both sites") {
    json e = estate;
    scm_resource(e, "app")["properties"]["publicNetworkAccess"] = "Disabled";
    CHECK(scm_lines(e).empty());
  }
  SECTION("SecuredByPerimeter: both sites assumed to admit") {
    json e = estate;
    scm_resource(e, "app")["properties"]["publicNetworkAccess"] = "SecuredByPerimeter";
    CHECK(scm_lines(e) == std::vector<std::string>{"app app.azurewebsites.net tcp 443 | " + kScmNoNsgs +
                                                       "route: default > service: app/public-network-access",
                                                   "app app.scm.azurewebsites.net tcp 443 | " + kScmNoNsgs +
                                                       "route: default > service: app/scm-public-network-access"});
  }
  SECTION("an outbound NSG deny to AppService stops both sites") {
    json e = estate;
    e.push_back({{"id", kScmRg + "Microsoft.Network/networkSecurityGroups/nsg"},
                 {"name", "nsg"},
                 {"type", "Microsoft.Network/networkSecurityGroups"},
                 {"location", "westeurope"},
                 {"properties",
                  {{"securityRules",
                    {{{"name", "deny-app"},
                      {"properties",
                       {{"priority", 100},
                        {"direction", "Outbound"},
                        {"access", "Deny"},
                        {"protocol", "Tcp"},
                        {"sourceAddressPrefix", "*"},
                        {"sourcePortRange", "*"},
                        {"destinationAddressPrefix", "AppService"},
                        {"destinationPortRange", "443"}}}}}}}}});
    scm_resource(e, "web-nic")["properties"]["networkSecurityGroup"] = {
        {"id", kScmRg + "Microsoft.Network/networkSecurityGroups/nsg"}};
    CHECK(scm_lines(e).empty());
  }
}

TEST_CASE("reach SCM: through a service endpoint an SCM subnet restriction naming the source subnet admits it",
          "[solver][east_west_paas]") {
  // web has a Microsoft.Web service endpoint: the site sees the subnet. The SCM site's restriction `from-web` names
  // web (priority 100, then the implicit deny): admitted by that rule. The main site's only rule is an address
  // rule, which matches no private source: its default action denies.
  json e = scm_fixture();
  scm_subnet_restriction(e, kScmWeb);
  CHECK(scm_lines(e) ==
        std::vector<std::string>{"app app.scm.azurewebsites.net tcp 443 | " + kScmNoNsgs +
                                 "route: service-endpoint > service: app/scm/from-web " + kScmWeb + " (100)"});
  SECTION("a restriction naming another subnet admits nothing") {
    scm_subnet_restriction(e, kScmRg + "Microsoft.Network/virtualNetworks/v/subnets/other");
    CHECK(scm_lines(e).empty());
  }
  SECTION("without the service endpoint the SCM site sees 52.1.1.1, which a subnet restriction never matches") {
    e[0]["properties"]["subnets"][0]["properties"].erase("serviceEndpoints");
    CHECK(scm_lines(e).empty());
  }
  SECTION("UseMain: the main site's restrictions, which do not name web") {
    scm_site_config(e)["scmIpSecurityRestrictionsUseMain"] = true;
    CHECK(scm_lines(e).empty());
  }
}

TEST_CASE("reach SCM: a firewall's application rules match the host name of the site asked for",
          "[solver][east_west_paas]") {
  // web's default route goes to fw, which SNATs to 20.1.1.1; neither site has restrictions (both allow all). An
  // application rule matches the host the client asks for (TLS SNI): the main host's rule does not admit the SCM
  // site, the SCM host's not the main site, a wildcard both. A network rule's FQDN is resolved to addresses, which
  // the two sites may share: the main host's admits the SCM site too (never hiding a path).
  const auto rules = [](const std::string& host) {
    return "app " + host + " tcp 443 | " + kScmNoNsgs + "route: rt/default-to-fw > fw: fw/app/site (300) > service: " +
           (host.find(".scm.") != std::string::npos ? "app/scm-default-action" : "app/default-action");
  };
  json e = scm_fixture();
  SECTION("the main host") {
    scm_firewall(e, "app.azurewebsites.net");
    CHECK(scm_lines(e) == std::vector<std::string>{rules("app.azurewebsites.net")});
  }
  SECTION("the SCM host") {
    scm_firewall(e, "app.scm.azurewebsites.net");
    CHECK(scm_lines(e) == std::vector<std::string>{rules("app.scm.azurewebsites.net")});
  }
  SECTION("a wildcard") {
    scm_firewall(e, "*.azurewebsites.net");
    CHECK(scm_lines(e) == std::vector<std::string>{rules("app.azurewebsites.net"), rules("app.scm.azurewebsites.net")});
  }
  SECTION("a network rule to the main host") {
    scm_firewall(e, "app.azurewebsites.net", true);
    const std::string net = "route: rt/default-to-fw > fw: fw/net/site (200) > service: ";
    CHECK(scm_lines(e) ==
          std::vector<std::string>{
              "app app.azurewebsites.net tcp 443 | " + kScmNoNsgs + net + "app/default-action",
              "app app.scm.azurewebsites.net tcp 443 | " + kScmNoNsgs + net + "app/scm-default-action"});
  }
}

TEST_CASE("explain SCM from inside: the SCM host traces the SCM site and the main host the main site",
          "[solver][explain][east_west_paas]") {
  const model::Model m = scm_model(scm_fixture());
  const solver::FlowTrace scm = scm_explain(m, "app.scm.azurewebsites.net", 443);
  REQUIRE(scm.status == solver::FlowTrace::Status::kOk);
  CHECK(scm.east_west);
  CHECK(scm.scm);
  CHECK(scm.allowed);
  CHECK(cli::hop_text(m, scm.hops.back()) == "service: app/scm-default-action: admits the packet");
  CHECK(cli::verdict_text(m, scm) ==
        "allowed: tcp 10.0.1.4:50000 -> app.scm.azurewebsites.net:443 from web-nic (10.0.1.4) reaches the SCM site of "
        "app-service 'app'");
  for (const std::string to : {"app", "app.azurewebsites.net"}) {
    const solver::FlowTrace main = scm_explain(m, to, 443);
    REQUIRE(main.status == solver::FlowTrace::Status::kOk);
    CHECK(main.east_west);
    CHECK_FALSE(main.scm);
    CHECK_FALSE(main.allowed);
    CHECK(cli::verdict_text(m, main) ==
          "denied at paas (default-action): service: app/default-action: stops the packet");
  }
  SECTION("through the service endpoint, the SCM subnet restriction") {
    json e = scm_fixture();
    scm_subnet_restriction(e, kScmWeb);
    const model::Model se = scm_model(e);
    const solver::FlowTrace t = scm_explain(se, "app.scm.azurewebsites.net", 443);
    CHECK(t.allowed);
    CHECK(cli::hop_text(se, t.hops[4]) == "route: service-endpoint: admits the packet");
    CHECK(cli::hop_text(se, t.hops[5]) == "service: app/scm/from-web " + kScmWeb + " (100): admits the packet");
  }
  SECTION("public network access Disabled stops the SCM site at its access setting") {
    json e = scm_fixture();
    scm_resource(e, "app")["properties"]["publicNetworkAccess"] = "Disabled";
    const model::Model off = scm_model(e);
    const solver::FlowTrace t = scm_explain(off, "app.scm.azurewebsites.net", 443);
    CHECK_FALSE(t.allowed);
    CHECK(cli::verdict_text(off, t) ==
          "denied at paas (scm-public-network-access): service: app/scm-public-network-access: stops the packet");
  }
}

TEST_CASE("explain SCM from inside agrees with reach on both sites of every variant",
          "[solver][explain][east_west_paas]") {
  // For each variant: explain's verdict from web-nic to each site (the main site by the service's id, the SCM site
  // by its host name) on each port is whether reach() lists that port to that site.
  std::vector<json> estates;
  const auto add = [&](auto change) {
    json e = scm_fixture();
    change(e);
    estates.push_back(e);
  };
  add([](json&) {});
  add([](json& e) { scm_site_config(e)["scmIpSecurityRestrictionsUseMain"] = true; });
  add([](json& e) {
    scm_site_config(e)["ipSecurityRestrictions"][0]["ipAddress"] = "52.1.1.1/32";
    scm_site_config(e)["scmIpSecurityRestrictionsUseMain"] = true;
  });
  add([](json& e) { scm_subnet_restriction(e, kScmWeb); });
  add([](json& e) { scm_subnet_restriction(e, kScmRg + "Microsoft.Network/virtualNetworks/v/subnets/other"); });
  add([](json& e) { scm_resource(e, "app")["properties"]["publicNetworkAccess"] = "Disabled"; });
  add([](json& e) { scm_resource(e, "app")["properties"]["publicNetworkAccess"] = "SecuredByPerimeter"; });
  add([](json& e) { scm_firewall(e, "app.azurewebsites.net"); });
  add([](json& e) { scm_firewall(e, "app.scm.azurewebsites.net"); });
  add([](json& e) { scm_firewall(e, "*.azurewebsites.net"); });
  add([](json& e) { scm_firewall(e, "app.azurewebsites.net", true); });
  add([](json& e) {
    scm_resource(e, "app")["properties"]["httpsOnly"] = false;
    scm_site_config(e)["scmIpSecurityRestrictions"] = {
        {{"name", "https"}, {"ipAddress", "Any"}, {"action", "Allow"}, {"priority", 100}}};
  });
  std::size_t allowed = 0;
  std::size_t denied = 0;
  for (std::size_t i = 0; i < estates.size(); ++i) {
    const model::Model m = scm_model(estates[i]);
    solver::ReachSource from;
    from.kind = solver::ReachSource::Kind::kIpConfiguration;
    from.ip_configuration = model::IpConfigIndex{0, 0};
    solver::ReachOptions options;
    options.paas = true;
    const auto r = solver::reach(m, from, options);
    const auto& s = m.paas_services[0];
    for (const bool scm : {false, true}) {
      for (const int port : {22, 80, 443}) {
        bool listed = false;
        for (const auto& f : r.flows) {
          listed = listed || (f.target_kind == model::ResourceKind::kPaasService && f.target == 0 &&
                              solver::scm_path(f.path) == scm && f.ports.contains(port));
        }
        const solver::FlowTrace t = scm_explain(m, scm ? s.scm_host_name : s.id, port);
        INFO("estate " << i << ", " << (scm ? "SCM" : "main") << ", port " << port << ": " << cli::verdict_text(m, t));
        REQUIRE(t.status == solver::FlowTrace::Status::kOk);
        CHECK(t.scm == scm);
        CHECK(t.allowed == listed);
        (listed ? allowed : denied) += 1;
      }
    }
  }
  // Both verdicts occur on both sites (the loop would prove nothing otherwise).
  CHECK(allowed >= 12);
  CHECK(denied >= 40);
}

TEST_CASE("attack paths: an internet-exposed VM that reaches an App Service's SCM site", "[solver][attack_path]") {
  // pip-web is Basic and no NSG applies: web-nic is exposed to the whole internet. It reaches the SCM site (not the
  // main site, which denies 52.1.1.1): one first step, to the SCM site, labelled so; with the main site open too,
  // two paths, the main site's first, each to its own host.
  json e = scm_fixture();
  scm_resource(e, "pip-web")["sku"]["name"] = "Basic";
  const auto chains = [](const json& estate) {
    const model::Model m = scm_model(estate);
    const auto a = solver::analyze(m);
    const auto paths = solver::attack_paths(m, a);
    std::vector<std::string> out;
    for (const auto& p : paths.paths) {
      REQUIRE(p.steps.size() == 1);
      const auto& f = p.steps.front().flows.front();
      if (f.target_kind != model::ResourceKind::kPaasService) continue;
      const auto j = cli::reach_flow_json(m, f);
      out.push_back(fmt::format("{}: {} ({})", solver::to_string(p.rank), cli::attack_chain_text(m, p),
                                j["target"]["host"].get<std::string>()));
    }
    return out;
  };
  CHECK(chains(e) == std::vector<std::string>{
                         "private-endpoint: internet -> web-nic -> app (SCM site) (app.scm.azurewebsites.net)"});
  scm_site_config(e)["ipSecurityRestrictions"][0]["ipAddress"] = "52.1.1.1/32";
  CHECK(chains(e) == std::vector<std::string>{
                         "private-endpoint: internet -> web-nic -> app (app.azurewebsites.net)",
                         "private-endpoint: internet -> web-nic -> app (SCM site) (app.scm.azurewebsites.net)"});
}

TEST_CASE("reach lists an App Service's SCM site with its host name and --to chooses a site", "[cli][reach]") {
  const std::string path = scm_fixture_path();
  const std::string rules =
      "nic-outbound: no NSG > subnet-outbound: no NSG > route: default > service: app/scm-default-action";
  const auto r = run_exposim({"reach", path, "--from", "web-nic", "--quiet"});
  REQUIRE(r.code == exposim::cli::kExitOk);
  CHECK(r.out ==
        "from web-nic (10.0.1.4)\n"
        "\n"
        "  SOURCE   TARGET  IP                         PROTO  PORTS  SOURCES      RULES\n"
        "  web-nic  app     app.scm.azurewebsites.net  tcp    443    10.0.1.4/32  " +
            rules +
            "\n"
            "1 flow to 1 target\n");
  // --to by the SCM host, the name or the id keeps the SCM site's flow; the main site's host keeps nothing.
  for (const char* to :
       {"app.scm.azurewebsites.net", "APP", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app"}) {
    const auto csv = run_exposim({"reach", path, "--from", "web-nic", "--to", to, "-f", "csv", "--quiet"});
    REQUIRE(csv.code == exposim::cli::kExitOk);
    CHECK(csv.out.find(",app,paas-service,/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app,"
                       "app.scm.azurewebsites.net,tcp,443,10.0.1.4/32,false,," +
                       rules + "\n") != std::string::npos);
  }
  const auto main = run_exposim({"reach", path, "--from", "web-nic", "--to", "app.azurewebsites.net", "--quiet"});
  REQUIRE(main.code == exposim::cli::kExitOk);
  CHECK(main.out == "from web-nic (10.0.1.4) to app.azurewebsites.net\n\nnothing reachable\n");
  const auto j = nlohmann::json::parse(run_exposim({"reach", path, "--from", "web-nic", "-f", "json"}).out);
  REQUIRE(j["flows"].size() == 1);
  const auto& flow = j["flows"][0];
  CHECK(flow["target"]["type"] == "paas-service");
  CHECK(flow["target"]["host"] == "app.scm.azurewebsites.net");
  CHECK(flow["target"]["site"] == "scm");
  CHECK(flow["path"][4]["hop"] == "paas");
  CHECK(flow["path"][4]["scope"] == "scm-default-action");
  CHECK(j["summary"]["targets"] == 1);
}

TEST_CASE("explain follows a VM's packet to an App Service's SCM site", "[cli][reach][explain]") {
  const std::string path = scm_fixture_path();
  const auto r = run_exposim(
      {"explain", path, "--from", "web-nic", "--to", "app.scm.azurewebsites.net", "--port", "443", "-f", "json"});
  REQUIRE(r.code == exposim::cli::kExitOk);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["flow"]["destination"] == "app.scm.azurewebsites.net");
  CHECK(j["verdict"]["allowed"] == true);
  CHECK(j["hops"].back()["scope"] == "scm-default-action");
  const auto main = nlohmann::json::parse(
      run_exposim({"explain", path, "--from", "web-nic", "--to", "app", "--port", "443", "-f", "json"}).out);
  CHECK(main["flow"]["destination"] == "app.azurewebsites.net");
  CHECK(main["verdict"]["allowed"] == false);
  CHECK(main["verdict"]["reason"] == "denied at paas (default-action): service: app/default-action: stops the packet");
}

TEST_CASE("whatif's east-west key tells an App Service's SCM site from its main site", "[solver][whatif]") {
  // Both sites admit web-nic (the main site's office rule names 52.1.1.1, the SCM site takes it with UseMain): two
  // flows to one service, whose keys must differ, or a change that closes one site and opens the other would be
  // read as one key whose packets did not change.
  json e = scm_fixture();
  scm_site_config(e)["ipSecurityRestrictions"][0]["ipAddress"] = "52.1.1.1/32";
  scm_site_config(e)["scmIpSecurityRestrictionsUseMain"] = true;
  const model::Model m = scm_model(e);
  solver::ReachSource from;
  from.ip_configuration = model::IpConfigIndex{0, 0};
  solver::ReachOptions options;
  options.paas = true;
  std::vector<std::string> keys;
  for (const auto& f : solver::reach(m, from, options).flows) {
    if (f.target_kind == model::ResourceKind::kPaasService) keys.push_back(solver::reach_flow_key(m, f));
  }
  const std::string app = "paas-service|/subscriptions/s/resourcegroups/rg/providers/microsoft.web/sites/app";
  REQUIRE(keys.size() == 2);
  CHECK(keys[0].find(app + " | tcp") != std::string::npos);
  CHECK(keys[1].find(app + "|scm | tcp") != std::string::npos);
}
