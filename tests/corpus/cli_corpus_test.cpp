// Corpus: recorded ARM REST responses from cloud-custodian and Apache jclouds (../shared/corpus/cli),
// with the exposure ../shared/corpus/SOURCES.md states for them (public IPs, load balancers, application
// gateways and Bastion).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "importers/azure/resource_importer.h"
#include "model/validate.h"
#include "solver/exposure.h"

namespace {

using namespace exposim;

const std::string kCli = EXPOSIM_SHARED_DIR "/corpus/cli/";

struct Loaded {
  model::Model model;
  model::Diagnostics diags;
};

Loaded load(const std::vector<std::string>& names, bool allow_missing = false) {
  Loaded l;
  std::vector<std::string> paths;
  for (const auto& n : names) paths.push_back(kCli + n);
  importers::azure::import_files(paths, l.model, l.diags);
  if (!l.diags.has_errors()) model::validate(l.model, l.diags, {allow_missing});
  return l;
}

std::string codes(const model::Diagnostics& d) {
  std::string out;
  for (const auto& x : d.sorted()) {
    if (x.severity == model::Severity::kError) out += x.code + " at " + model::format_location(x.where) + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("every recorded resource list imports without error", "[corpus]") {
  for (const char* name : {"c7n-appgw-wafpolicy-list.json", "c7n-nsg-list.json", "c7n-pip-list.json",
                           "c7n-routetable-list.json", "jclouds-nsg-get.json", "jclouds-pip-get.json"}) {
    INFO(name);
    auto l = load({name});
    CHECK(codes(l.diags).empty());
  }
  // Load balancer lists alone: their public frontends name public IPs of other lists, which validation reports
  // as dangling (as for a NIC's public IP); nothing else is wrong with them.
  for (const char* name : {"c7n-lb-list.json", "jclouds-lb-get.json"}) {
    INFO(name);
    auto l = load({name});
    REQUIRE(l.diags.has_errors());
    for (const auto& d : l.diags.sorted()) {
      if (d.severity != model::Severity::kError) continue;
      CHECK(d.code == "dangling-reference");
      CHECK_THAT(d.where.pointer, Catch::EndsWith("/properties/publicIPAddress/id"));
      CHECK_THAT(d.where.pointer, Catch::Contains("/frontendIPConfigurations/"));
    }
  }  // Gateway and Bastion lists alone: their subnets (whose NSGs decide what is admitted) are in no list.
  for (const char* name : {"c7n-appgw-list-private.json", "c7n-appgw-list-waf.json", "c7n-bastion-list.json"}) {
    INFO(name);
    auto l = load({name});
    REQUIRE(l.diags.has_errors());
    for (const auto& d : l.diags.sorted()) {
      if (d.severity != model::Severity::kError) continue;
      CHECK(d.code == "dangling-reference");
      CHECK_THAT(d.where.pointer, Catch::EndsWith("/properties/subnet/id"));
      CHECK_THAT(d.where.pointer, Catch::Contains("ipConfigurations/0/") || Catch::Contains("IPConfigurations/0/"));
    }
  }
}

TEST_CASE("cloud-custodian Bastion and application gateway lists", "[corpus]") {
  // SOURCES.md: Bastion cctestvnet: 443/tcp on its public IP (not in the lists). Application gateways
  // cfb-rypimkfr-app-gateway(-2, -3, -4): 80/tcp on each gateway's public IP; ccgatewayc129bfa71a47 has a
  // private frontend only: nothing. Subnets are absent: their NSGs are assumed to admit everything.
  auto l = load({"c7n-bastion-list.json", "c7n-appgw-list-waf.json", "c7n-appgw-list-private.json",
                 "c7n-appgw-wafpolicy-list.json"},
                true);
  REQUIRE_FALSE(l.diags.has_errors());
  const auto a = solver::analyze(l.model);
  // The subnets are absent, so the address sessions and backends come from is unknown: said once for the Bastion
  // and once for each of the five gateways (each has a routing rule).
  int unknown_subnet = 0;
  for (const auto& d : a.findings.sorted()) unknown_subnet += d.code == "entry-subnet-unknown" ? 1 : 0;
  CHECK(unknown_subnet == 6);
  std::vector<std::string> seen;
  for (const auto& e : a.exposures) {
    CHECK(e.nic < 0);  // no NIC is in these lists: nothing is forwarded
    const auto* r = l.model.resource(model::GraphVertex{e.target_kind, e.target});
    std::string waf;
    if (e.target_kind == model::ResourceKind::kApplicationGateway) {
      const auto& g = l.model.application_gateways[e.target];
      waf = std::string(" waf ") + model::to_string(model::effective_waf_mode(g, g.listeners[e.gateway_rule]));
    }
    seen.push_back(std::string(model::to_string(e.target_kind)) + " " + r->name + " " + model::to_string(e.protocol) +
                   " " + model::to_string(e.ports) + (e.any_source ? " any" : " some") + waf);
  }
  // WAF: gateway 1 has webApplicationFirewallConfiguration enabled in Detection; 2 and 3 use policy
  // cfb-rypimkfr-waf-policy, whose policySettings.state is Disabled; 4 is Standard_Small (no WAF).
  // Sorted by target name.
  CHECK(seen == std::vector<std::string>{
                    "bastion-host cctestvnet tcp 443 any",
                    "application-gateway cfb-rypimkfr-app-gateway tcp 80 any waf detection",
                    "application-gateway cfb-rypimkfr-app-gateway-2 tcp 80 any waf off",
                    "application-gateway cfb-rypimkfr-app-gateway-3 tcp 80 any waf off",
                    "application-gateway cfb-rypimkfr-app-gateway-4 tcp 80 any waf off",
                });
}

TEST_CASE("an effective-route listing is not a resource list and is skipped with one warning", "[corpus]") {
  auto l = load({"c7n-nic-effective-routes.json"});
  REQUIRE_FALSE(l.diags.has_errors());
  const auto d = l.diags.sorted();
  REQUIRE(d.size() == 1);
  CHECK(d.front().code == "effective-routes-skipped");
  CHECK(d.front().where.pointer == "/value");
}

TEST_CASE("cloud-custodian NSG, NIC, LB and public IP lists together", "[corpus]") {
  const std::vector<std::string> files = {"c7n-nsg-list.json", "c7n-nic-list.json", "c7n-lb-list.json",
                                          "c7n-pip-list.json"};
  // The recordings hold no VNets: the NICs' subnets are dangling references, an error by default.
  auto strict = load(files);
  CHECK(strict.diags.has_errors());
  CHECK_THAT(codes(strict.diags), Catch::Contains("dangling-reference at " + kCli +
                                                  "c7n-nic-list.json: /value/0/properties/ipConfigurations/0/"
                                                  "properties/subnet/id"));

  auto l = load(files, true);
  REQUIRE_FALSE(l.diags.has_errors());
  const auto a = solver::analyze(l.model);
  // SOURCES.md: myVMNic (10.0.0.4) has Basic public IP myPublicIP (23.102.173.223), no NIC NSG, and no NSG in
  // the list names its subnet: all ports on 23.102.173.223 (unsure only because the subnet is unseen; exposim
  // assumes the unseen subnet's NSG admits everything, which never hides an exposure).
  std::vector<std::string> seen;
  for (const auto& e : a.exposures) {
    const auto& nic = l.model.nics[e.nic];
    if (nic.name != "myVMNic") continue;
    CHECK(e.public_ip >= 0);
    CHECK(l.model.public_ips[e.public_ip].address->to_string() == "23.102.173.223");
    CHECK(e.any_source);
    if (model::has_ports(e.protocol)) CHECK(e.ports.is_all());
    seen.push_back(model::to_string(e.protocol));
  }
  CHECK(seen == std::vector<std::string>{"tcp", "udp", "icmp", "esp", "ah"});
  // SOURCES.md: Basic LB k8s-master-lb-C02B7042 on 40.84.199.78, LB rule LBRuleHTTPS 443->443 to the master
  // pool and NAT rule SSH-k8s-master-C02B7042-0 22->22 to k8s-master-C02B7042-nic-0. The subnet (and so its NSG,
  // which allows 22 and 443 from '*') is not in the lists: assumed to admit everything, the NIC has no NSG. The
  // internal LB k8s-master-internal-lb (443->4443, private frontend 10.240.255.15) exposes nothing.
  std::vector<std::string> master;
  for (const auto& e : a.exposures) {
    if (l.model.nics[e.nic].name != "k8s-master-C02B7042-nic-0") continue;
    REQUIRE(e.public_ip >= 0);
    REQUIRE(e.load_balancer >= 0);
    std::string rule;
    for (const auto& h : e.path) {
      if (h.kind != solver::Hop::Kind::kLoadBalancer) continue;
      const auto& lb = l.model.load_balancers[h.resource];
      rule = std::string(h.scope) == "inbound-nat" ? lb.nat_rules[h.rule].name : lb.rules[h.rule].name;
    }
    master.push_back(std::string(solver::to_string(e.via)) + " " +
                     l.model.public_ips[e.public_ip].address->to_string() + ":" + model::to_string(e.entry_ports) +
                     " " + model::to_string(e.protocol) + " " + model::to_string(e.ports) + " " +
                     l.model.load_balancers[e.load_balancer].name + "/" + rule + (e.any_source ? " any" : " some"));
  }
  CHECK(master == std::vector<std::string>{
                      "load-balancer 40.84.199.78:443 tcp 443 k8s-master-lb-C02B7042/LBRuleHTTPS any",
                      "load-balancer-nat 40.84.199.78:22 tcp 22 k8s-master-lb-C02B7042/SSH-k8s-master-C02B7042-0 any",
                  });
  // Agent NICs are in no pool and no NAT rule (the lists hold no agent load balancer), and cctestnic has no
  // public IP: nothing.
  for (const auto& e : a.exposures) {
    const std::string name = l.model.nics[e.nic].name;
    CHECK(name.find("k8s-agent") == std::string::npos);
    CHECK(name != "cctestnic");
  }
}

TEST_CASE("jclouds fragments: an NSG with defaults listed, a NIC whose subnet is elsewhere", "[corpus]") {
  auto nsg = load({"jclouds-nsg-get.json"});
  REQUIRE_FALSE(nsg.diags.has_errors());
  REQUIRE(nsg.model.nsgs.size() == 1);
  const auto& rules = nsg.model.nsgs[0].rules;
  // One custom rule (denyallout, outbound 4095) and Azure's six defaults, listed in the file.
  REQUIRE(rules.size() == 7);
  int defaults = 0;
  for (const auto& r : rules) defaults += r.is_default ? 1 : 0;
  CHECK(defaults == 6);

  auto nic = load({"jclouds-nic-get.json"});
  CHECK(nic.diags.has_errors());
  CHECK_THAT(codes(nic.diags), Catch::Contains("dangling-reference"));
}

TEST_CASE("cloud-custodian route tables change nothing for the NSG, NIC, LB and public IP lists", "[corpus]") {
  // SOURCES.md: k8s-master-C02B7042-routetable (pod CIDR routes to node IPs) and an empty table: no exposure
  // impact. No 0.0.0.0/0 route, and the tables' subnets are in no list: the exposures are those without them.
  const std::vector<std::string> files = {"c7n-nsg-list.json", "c7n-nic-list.json", "c7n-lb-list.json",
                                          "c7n-pip-list.json"};
  auto without = load(files, true);
  auto with = files;
  with.push_back("c7n-routetable-list.json");
  auto l = load(with, true);
  REQUIRE_FALSE(without.diags.has_errors());
  REQUIRE_FALSE(l.diags.has_errors());
  CHECK(l.model.route_tables.size() == 2);
  const auto a = solver::analyze(without.model);
  const auto b = solver::analyze(l.model);
  auto lines = [](const Loaded& x, const solver::Analysis& an) {
    std::vector<std::string> out;
    for (const auto& e : an.exposures) {
      out.push_back(x.model.nics[e.nic].name + " " + solver::to_string(e.via) + " " + model::to_string(e.protocol) +
                    " " + model::to_string(e.entry_ports) + "->" + model::to_string(e.ports));
    }
    return out;
  };
  CHECK(lines(without, a).size() == 7);  // the master's 443 and 22, myVMNic's five protocols
  CHECK(lines(l, b) == lines(without, a));
  CHECK(b.broken.empty());
}

TEST_CASE("jclouds fragments together: nothing is exposed", "[corpus]") {
  // SOURCES.md: isolated fragments with unrelated ids; no exposure determinable. The load balancer's rule has
  // no backend pool member and its public IP is not the jclouds public IP fragment; the NIC has no public IP.
  auto l = load({"jclouds-lb-get.json", "jclouds-pip-get.json", "jclouds-nic-get.json", "jclouds-nsg-get.json"}, true);
  REQUIRE_FALSE(l.diags.has_errors());
  const auto a = solver::analyze(l.model);
  CHECK(a.exposures.empty());
  CHECK(a.targets_evaluated == 0);
}
