// Load balancer scenario tests on tiny topologies: rules, inbound NAT rules, SKUs, floating IP, and the
// references validation checks. Expected values are worked out by hand from docs/model.md, "Load balancers".
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "model_builder.h"
#include "solver/exposure.h"

namespace exposim {
namespace {

using model::NextHopType;
using model::Sku;
using solver::Hop;
using namespace exposim::testing;

std::string lb_hop_text(const model::Model& m, const Hop& h) {
  if (h.kind == Hop::Kind::kNoNsg) return "none";
  if (h.resource < 0) return "missing";
  const auto& nsg = m.nsgs[h.resource];
  return fmt::format("{}/{}", nsg.name, nsg.rules[h.rule].name);
}

}  // namespace
// ---- Load balancers (docs/model.md#load-balancers) ----

/// "web load-balancer 52.0.0.10:80 tcp 8080 any lb/http nsg/allow > none": target, via, entry ip:ports,
/// protocol, target ports, sources, the load balancer's rule, the NSG hops.
std::vector<std::string> lb_summary(const model::Model& m, const solver::Analysis& a) {
  std::vector<std::string> out;
  for (const auto& e : a.exposures) {
    const std::string target = e.vm >= 0 ? m.vms[e.vm].name : m.nics[e.nic].name;
    const bool ports = model::has_ports(e.protocol);
    std::string entry = m.public_ips[e.public_ip].address->to_string();
    if (ports) entry += ":" + model::to_string(e.entry_ports);
    std::string rule = "-", rules;
    for (const auto& h : e.path) {
      if (h.kind == Hop::Kind::kLoadBalancer) {
        const auto& lb = m.load_balancers[h.resource];
        rule =
            lb.name + "/" + (std::string(h.scope) == "inbound-nat" ? lb.nat_rules[h.rule].name : lb.rules[h.rule].name);
      }
      if (h.kind == Hop::Kind::kNsg || h.kind == Hop::Kind::kNoNsg)
        rules += (rules.empty() ? "" : " > ") + lb_hop_text(m, h);
    }
    out.push_back(fmt::format("{} {} {} {} {} {} {} {}", target, solver::to_string(e.via), entry,
                              model::to_string(e.protocol), ports ? model::to_string(e.ports) : "-",
                              e.any_source ? "any" : model::to_cidr_strings(e.sources).front(), rule, rules));
  }
  return out;
}

std::vector<std::string> analyze_lb(EstateBuilder& b) {
  model::Diagnostics diags;
  model::Model m = b.done(&diags);
  INFO(diags.size());
  REQUIRE_FALSE(diags.has_errors());
  return lb_summary(m, solver::analyze(m));
}

/// VNet 10.0.0.0/16; VM "web" (10.0.1.4, no public IP) in subnet "s" (NSG `subnet_nsg`, if any), in the
/// backend pool of load balancer "lb" whose frontend has public IP 52.0.0.10.
EstateBuilder lb_estate(Sku sku, const std::string& subnet_nsg = "", const std::string& route_table = "") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .subnet("v", "s", "10.0.1.0/24", subnet_nsg, route_table)
      .public_ip("pip-lb", "52.0.0.10", sku)
      .vm("web", "v", "s", "10.0.1.4")
      .load_balancer("lb", sku, "pip-lb")
      .lb_member("lb", "web");
  return b;
}

TEST_CASE("Basic load balancer without NSG: the rule's port is open to every source", "[solver][scenario][lb]") {
  auto b = lb_estate(Sku::kBasic);
  b.lb_rule("lb", "http", tcp(), 80, 8080);
  // Only TCP to the backend port passes the load balancer; no NSG filters it (Basic: open by default).
  CHECK(analyze_lb(b) == std::vector<std::string>{"web load-balancer 52.0.0.10:80 tcp 8080 any lb/http none > none"});
}

TEST_CASE("Standard load balancer without NSG: closed", "[solver][scenario][lb]") {
  auto b = lb_estate(Sku::kStandard);
  b.lb_rule("lb", "http", tcp(), 80, 8080);
  CHECK(analyze_lb(b).empty());
}

TEST_CASE("Standard load balancer: NSGs see the backend port, never the frontend port", "[solver][scenario][lb]") {
  SECTION("an NSG allowing the backend port admits the flow") {
    auto b = lb_estate(Sku::kStandard, "nsg");
    b.nsg("nsg", {{"allow-8080", 100, kAllow, tcp(), {"Internet"}, {"8080"}}});
    b.lb_rule("lb", "http", tcp(), 80, 8080);
    CHECK(analyze_lb(b) ==
          std::vector<std::string>{"web load-balancer 52.0.0.10:80 tcp 8080 any lb/http nsg/allow-8080 > none"});
  }
  SECTION("an NSG allowing only the frontend port admits nothing") {
    auto b = lb_estate(Sku::kStandard, "nsg");
    b.nsg("nsg", {{"allow-80", 100, kAllow, tcp(), {"Internet"}, {"80"}}});
    b.lb_rule("lb", "http", tcp(), 80, 8080);
    CHECK(analyze_lb(b).empty());
  }
  SECTION("a rule naming the frontend's public IP as destination never matches") {
    auto b = lb_estate(Sku::kStandard, "nsg");
    b.nsg("nsg", {{"allow-to-pip", 100, kAllow, tcp(), {"*"}, {"8080"}, {"52.0.0.10"}}});
    b.lb_rule("lb", "http", tcp(), 80, 8080);
    CHECK(analyze_lb(b).empty());
  }
}

TEST_CASE("inbound NAT rule: entry port 50001, target port 3389, only the listing ip configuration",
          "[solver][scenario][lb]") {
  auto b = lb_estate(Sku::kStandard, "nsg");
  b.nsg("nsg", {{"allow-rdp", 100, kAllow, tcp(), {"Internet"}, {"3389"}}})
      .vm("other", "v", "s", "10.0.1.5")
      .lb_member("lb", "other")
      .lb_nat_rule("lb", "rdp-web", tcp(), 50001, 3389, "web");
  CHECK(analyze_lb(b) ==
        std::vector<std::string>{"web load-balancer-nat 52.0.0.10:50001 tcp 3389 any lb/rdp-web nsg/allow-rdp > none"});
}

TEST_CASE("a load-balancing rule reaches every member of its pool", "[solver][scenario][lb]") {
  auto b = lb_estate(Sku::kStandard, "nsg");
  b.nsg("nsg", {{"allow-https", 100, kAllow, tcp(), {"*"}, {"443"}}})
      .vm("web2", "v", "s", "10.0.1.5")
      .lb_member("lb", "web2")
      .lb_rule("lb", "https", tcp(), 443, 443);
  CHECK(analyze_lb(b) == std::vector<std::string>{
                             "web load-balancer 52.0.0.10:443 tcp 443 any lb/https nsg/allow-https > none",
                             "web2 load-balancer 52.0.0.10:443 tcp 443 any lb/https nsg/allow-https > none",
                         });
}

TEST_CASE("UDP and All rules: the protocol of the rule, both for All", "[solver][scenario][lb]") {
  SECTION("Udp") {
    auto b = lb_estate(Sku::kBasic);
    b.lb_rule("lb", "dns", udp(), 53, 53);
    CHECK(analyze_lb(b) == std::vector<std::string>{"web load-balancer 52.0.0.10:53 udp 53 any lb/dns none > none"});
  }
  SECTION("All = TCP and UDP, never ICMP, even with an NSG allowing every protocol") {
    auto b = lb_estate(Sku::kStandard, "nsg");
    b.nsg("nsg", {{"allow-all", 100, kAllow, any_protocol(), {"*"}, {"*"}}});
    b.lb_rule("lb", "any", tcp() | udp(), 1000, 2000);
    CHECK(analyze_lb(b) == std::vector<std::string>{
                               "web load-balancer 52.0.0.10:1000 tcp 2000 any lb/any nsg/allow-all > none",
                               "web load-balancer 52.0.0.10:1000 udp 2000 any lb/any nsg/allow-all > none",
                           });
  }
}

TEST_CASE("a pool behind an internal frontend is not exposed", "[solver][scenario][lb]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .subnet("v", "s", "10.0.1.0/24")
      .vm("web", "v", "s", "10.0.1.4")
      .load_balancer("ilb", Sku::kBasic, "", rid("Microsoft.Network/virtualNetworks", "v") + "/subnets/s")
      .lb_member("ilb", "web")
      .lb_rule("ilb", "http", tcp(), 80, 80);
  CHECK(analyze_lb(b).empty());
}

TEST_CASE("a default route to an appliance on the backend subnet breaks the return path", "[solver][scenario][lb]") {
  auto b = lb_estate(Sku::kBasic, "", "rt");
  b.route_table("rt", "0.0.0.0/0", NextHopType::kVirtualAppliance).lb_rule("lb", "http", tcp(), 80, 80);
  CHECK(analyze_lb(b).empty());
}

TEST_CASE("v2 inbound NAT rule: members in NIC order get consecutive frontend ports, the rest nothing",
          "[solver][scenario][lb]") {
  auto b = lb_estate(Sku::kBasic);
  // NIC ids order the members: a-nic < b-nic < web-nic; the range holds two ports.
  b.vm("b", "v", "s", "10.0.1.6").vm("a", "v", "s", "10.0.1.5").lb_member("lb", "b").lb_member("lb", "a");
  b.lb_nat_range("lb", "ssh", tcp(), 50000, 50001, 22);
  CHECK(analyze_lb(b) == std::vector<std::string>{
                             "a load-balancer-nat 52.0.0.10:50000 tcp 22 any lb/ssh none > none",
                             "b load-balancer-nat 52.0.0.10:50001 tcp 22 any lb/ssh none > none",
                         });
}

TEST_CASE("floating IP: NSGs see the frontend address as the destination", "[solver][scenario][lb]") {
  SECTION("a rule naming the backend's private IP does not match") {
    auto b = lb_estate(Sku::kStandard, "nsg");
    b.nsg("nsg", {{"allow-web", 100, kAllow, tcp(), {"*"}, {"443"}, {"10.0.1.4"}}});
    b.lb_rule("lb", "https", tcp(), 443, 443, true);
    CHECK(analyze_lb(b).empty());
  }
  SECTION("a rule with destination '*' does") {
    auto b = lb_estate(Sku::kStandard, "nsg");
    b.nsg("nsg", {{"allow-any", 100, kAllow, tcp(), {"*"}, {"443"}}});
    b.lb_rule("lb", "https", tcp(), 443, 443, true);
    CHECK(analyze_lb(b) ==
          std::vector<std::string>{"web load-balancer 52.0.0.10:443 tcp 443 any lb/https nsg/allow-any > none"});
  }
}

TEST_CASE("a NIC in a pool of a load balancer absent from the input", "[model][validate][lb]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"}).subnet("v", "s", "10.0.1.0/24").vm("web", "v", "s", "10.0.1.4");
  b.config_of("web").lb_backend_pools.push_back(
      model::Ref{model::canonical_id(rid("Microsoft.Network/loadBalancers", "gone") + "/backendAddressPools/p"), -1});
  model::Diagnostics diags;
  b.done(&diags);
  REQUIRE(diags.size() == 1);
  const auto& d = diags.items()[0];
  CHECK(d.code == "dangling-reference");
  CHECK(d.where.pointer == "/properties/loadBalancerBackendAddressPools/0/id");
  CHECK_THAT(d.message, Catch::StartsWith("referenced backend address pool '/subscriptions/"));
}

TEST_CASE("a rule naming another load balancer's frontend is an error", "[model][validate][lb]") {
  auto b = lb_estate(Sku::kBasic);
  b.public_ip("pip-2", "52.0.0.20", Sku::kBasic).load_balancer("lb2", Sku::kBasic, "pip-2");
  b.lb_rule("lb", "http", tcp(), 80, 80);
  b.lb_named("lb").rules[0].frontend.id = b.lb_named("lb2").frontends[0].key;
  model::Diagnostics diags;
  b.done(&diags);
  REQUIRE(diags.size() == 1);
  const auto& d = diags.items()[0];
  CHECK(d.code == "dangling-reference");
  CHECK(d.where.pointer == "/properties/frontendIPConfiguration/id");
  CHECK_THAT(d.message,
             Catch::EndsWith("/loadbalancers/lb2/frontendipconfigurations/fe' belongs to another load balancer"));
}

}  // namespace exposim
