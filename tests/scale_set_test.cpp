// Scale sets and inbound NAT pools: import, expansion into instances, and exposure through NAT pools,
// instance public IPs and load-balancing rules. Expected values are worked out by hand from Azure's
// documentation (docs/model.md#scale-sets-and-inbound-nat-pools).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/analyze_report.h"
#include "cli/explain_text.h"
#include "importers/azure/resource_importer.h"
#include "model/topology.h"
#include "model/validate.h"
#include "resource_json.h"
#include "solver/explain.h"
#include "solver/exposure.h"

namespace exposim {
namespace {

using exposim::testing::resource_json::show;

namespace az = importers::azure;
using solver::Hop;

/// `$N` -> the Microsoft.Network provider prefix, `$C` -> the Microsoft.Compute one.
std::string scale_set_ids(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && (text[i + 1] == 'N' || text[i + 1] == 'C')) {
      out += "/subscriptions/s/resourceGroups/rg/providers/Microsoft.";
      out += text[i + 1] == 'N' ? "Network" : "Compute";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

/// A JSON array of the given resources (texts spliced with commas).
std::string scale_set_list(const std::vector<std::string>& resources) {
  std::string out = "[";
  for (const auto& r : resources) {
    if (out.size() > 1) out += ',';
    out += r;
  }
  out += ']';
  return out;
}

struct ScaleSetLoad {
  model::Model model;
  std::vector<std::string> diags;  // sorted, as printed
  bool errors{false};
};

ScaleSetLoad load_scale_sets(const std::string& text) {
  ScaleSetLoad l;
  model::Diagnostics d;
  az::import_text(scale_set_ids(text), "t.json", l.model, d);
  if (!d.has_errors()) model::validate(l.model, d);
  l.errors = d.has_errors();
  for (const auto& x : d.sorted()) l.diags.push_back(model::to_string(x));
  return l;
}

/// "vmss1_0 load-balancer-nat tcp 22 entry 50000 any lb1/ssh inbound-nat-pool": one line per exposure.
std::vector<std::string> scale_set_summary(const model::Model& m, const solver::Analysis& a) {
  std::vector<std::string> out;
  for (const auto& e : a.exposures) {
    const auto& nic = m.nics[e.nic];
    std::string target = e.vm >= 0 ? m.vms[e.vm].name : fmt::format("{}#{}", nic.name, nic.scale_set_instance);
    std::string line = fmt::format("{} {} {}", target, solver::to_string(e.via), model::to_string(e.protocol));
    if (model::has_ports(e.protocol)) {
      line += fmt::format(" {} entry {}", model::to_string(e.ports), model::to_string(e.entry_ports));
    }
    line += e.any_source ? " any" : " some";
    for (const auto& h : e.path) {
      if (h.kind == Hop::Kind::kLoadBalancer) {
        const auto& lb = m.load_balancers[h.resource];
        const std::string_view scope = h.scope;
        const std::string& rule = scope == "inbound-nat-pool" ? lb.nat_pools[h.rule].name
                                  : scope == "inbound-nat"    ? lb.nat_rules[h.rule].name
                                                              : lb.rules[h.rule].name;
        line += fmt::format(" {}/{} {}", lb.name, rule, h.scope);
      }
      if (h.kind == Hop::Kind::kEntry && e.via == solver::Via::kPublicIp) {
        const auto& pip = m.public_ips[h.resource];
        line += fmt::format(" pip {} {} {}", pip.name, model::to_string(pip.sku),
                            pip.address ? pip.address->to_string() : "no-address");
      }
    }
    out.push_back(line);
  }
  return out;
}

const char* kVnet = R"({"id": "$N/virtualNetworks/vnet1", "name": "vnet1", "type": "Microsoft.Network/virtualNetworks",
  "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
    "subnets": [{"name": "web", "properties": {"addressPrefix": "10.0.1.0/24" SUBNET_NSG}}]}})";

const char* kNsgSsh = R"({"id": "$N/networkSecurityGroups/nsg-web", "name": "nsg-web",
  "type": "Microsoft.Network/networkSecurityGroups", "properties": {"securityRules": [
    {"name": "allow-ssh", "properties": {"protocol": "Tcp", "access": "Allow", "priority": 100, "direction": "Inbound",
      "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*",
      "destinationPortRange": "22"}}]}})";

/// A load balancer `lb1` on public IP `lb-pip` (20.1.1.1) with backend pool `bepool`, inbound NAT pool `ssh`
/// (TCP RANGE -> 22), and `extra` spliced into its properties.
std::string load_balancer(const std::string& sku, const std::string& range_start, const std::string& range_end,
                          const std::string& extra = "") {
  return fmt::format(R"({{"id": "$N/publicIPAddresses/lb-pip", "name": "lb-pip",
      "type": "Microsoft.Network/publicIPAddresses", "sku": {{"name": "{0}"}},
      "properties": {{"ipAddress": "20.1.1.1", "publicIPAllocationMethod": "Static"}}}},
    {{"id": "$N/loadBalancers/lb1", "name": "lb1", "type": "Microsoft.Network/loadBalancers", "sku": {{"name": "{0}"}},
      "properties": {{
        "frontendIPConfigurations": [{{"name": "fe", "properties": {{"publicIPAddress": {{"id": "$N/publicIPAddresses/lb-pip"}}}}}}],
        "backendAddressPools": [{{"name": "bepool"}}],
        "inboundNatPools": [{{"name": "ssh", "properties": {{
          "frontendIPConfiguration": {{"id": "$N/loadBalancers/lb1/frontendIPConfigurations/fe"}},
          "protocol": "Tcp", "frontendPortRangeStart": {1}, "frontendPortRangeEnd": {2}, "backendPort": 22}}}}]
        {3}}}}})",
                     sku, range_start, range_end, extra);
}

/// Scale set `vmss1` of `capacity` instances: NIC configuration `nic` (NSG `nic_nsg` when set) with ip
/// configuration `ipconfig` in subnet web, in pool bepool and NAT pool ssh; `pub` spliced into the ip
/// configuration's properties.
std::string scale_set(const std::string& capacity, const std::string& pub = "", const std::string& nic_nsg = "") {
  const std::string nsg =
      nic_nsg.empty() ? ""
                      : fmt::format(R"("networkSecurityGroup": {{"id": "$N/networkSecurityGroups/{}"}},)", nic_nsg);
  return fmt::format(R"({{"id": "$C/virtualMachineScaleSets/vmss1", "name": "vmss1",
      "type": "Microsoft.Compute/virtualMachineScaleSets", "sku": {{"name": "Standard_B1s", "capacity": {0}}},
      "properties": {{"orchestrationMode": "Uniform", "virtualMachineProfile": {{"networkProfile": {{
        "networkInterfaceConfigurations": [{{"name": "nic", "properties": {{"primary": true, {2}
          "ipConfigurations": [{{"name": "ipconfig", "properties": {{
            "subnet": {{"id": "$N/virtualNetworks/vnet1/subnets/web"}}, {1}
            "loadBalancerBackendAddressPools": [{{"id": "$N/loadBalancers/lb1/backendAddressPools/bepool"}}],
            "loadBalancerInboundNatPools": [{{"id": "$N/loadBalancers/lb1/inboundNatPools/ssh"}}]}}}}]}}}}]}}}}}}}})",
                     capacity, pub, nsg);
}

std::string vnet(bool with_nsg) {
  const std::string v = kVnet;
  const std::string mark = " SUBNET_NSG";
  const auto at = v.find(mark);
  return v.substr(0, at) + (with_nsg ? R"(, "networkSecurityGroup": {"id": "$N/networkSecurityGroups/nsg-web"})" : "") +
         v.substr(at + mark.size());
}

TEST_CASE("scale set of 3 behind a Standard load balancer: NAT pool ports 50000, 50001, 50002 -> 22",
          "[scaleset][solver][scenario]") {
  auto l = load_scale_sets(
      scale_set_list({vnet(true), kNsgSsh, load_balancer("Standard", "50000", "50099"), scale_set("3")}));
  REQUIRE(show(l.diags) == "");
  const auto& m = l.model;
  // Three instances, each a VM with one NIC, ids as Azure gives scale set instance NICs.
  REQUIRE(m.vms.size() == 3);
  REQUIRE(m.nics.size() == 3);
  CHECK(
      m.nics[1].id ==
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss1/virtualMachines/1/"
      "networkInterfaces/nic");
  CHECK(m.nics[1].ip_configurations[0].private_ip == std::nullopt);
  CHECK(m.scale_sets[0].synthesised);
  CHECK(m.scale_sets[0].instance_nics == std::vector<int>{0, 1, 2});
  REQUIRE(m.load_balancers[0].nat_pools.size() == 1);
  CHECK(m.load_balancers[0].nat_pools[0].members.size() == 3);
  CHECK(m.load_balancers[0].backend_pools[0].members.size() == 3);

  const auto a = solver::analyze(m);
  CHECK(show(scale_set_summary(m, a)) ==
        show({
            "vmss1_0 load-balancer-nat tcp 22 entry 50000 any lb1/ssh inbound-nat-pool",
            "vmss1_1 load-balancer-nat tcp 22 entry 50001 any lb1/ssh inbound-nat-pool",
            "vmss1_2 load-balancer-nat tcp 22 entry 50002 any lb1/ssh inbound-nat-pool",
        }));
  // The deciding rule is the subnet NSG's allow-ssh; the NIC has no NSG.
  for (const auto& e : a.exposures) {
    REQUIRE(e.path.size() == 6);
    CHECK(e.path[3].kind == Hop::Kind::kNsg);
    CHECK(m.nsgs[e.path[3].resource].rules[e.path[3].rule].name == "allow-ssh");
    CHECK(e.path[4].kind == Hop::Kind::kNoNsg);
  }

  // The JSON names the hop a NAT pool and the target its scale set instance.
  std::ostringstream json;
  cli::write_json(json, m, a, {});
  const auto doc = nlohmann::json::parse(json.str());
  const auto& first = doc["exposures"][0];
  CHECK(first["target"]["name"] == "vmss1_0");
  CHECK(first["target"]["scale_set"]["name"] == "vmss1");
  CHECK(first["target"]["scale_set"]["instance"] == 0);
  CHECK(first["target"]["scale_set"]["synthesised"] == true);
  const auto& lb_hop = first["path"][2];
  CHECK(lb_hop["hop"] == "load-balancer");
  CHECK(lb_hop["rule"]["kind"] == "inbound-nat-pool");
  CHECK(lb_hop["rule"]["name"] == "ssh");
  CHECK(lb_hop["rule"]["frontend_port"] == 50000);
  CHECK(lb_hop["rule"]["backend_port"] == 22);
  CHECK(cli::describe_hop(m, a.exposures[1].path[2]) == "lb1/ssh (NAT pool)");
}

TEST_CASE("a scale set whose capacity is only known at deployment has an instance per NAT pool port",
          "[scaleset][solver][unknown]") {
  // A template's capacity parameter with no value: the count of instances is unknown, so every frontend port the
  // NAT pool can hand out (50000..50004, one per instance) must be reported, never only the first.
  const std::string unknown = "\"\\u0001unknown:parameters('instanceCount')\"";
  auto l = load_scale_sets(
      scale_set_list({vnet(true), kNsgSsh, load_balancer("Standard", "50000", "50004"), scale_set(unknown)}));
  CHECK_FALSE(l.errors);
  CHECK(show(l.diags) ==
        "t.json: /4/sku/capacity: warning: the capacity of scale set 'vmss1' is only known at deployment; as many "
        "instances are analysed as its inbound NAT pools have frontend ports (at least 1) "
        "[scale-set-capacity-unknown]\n"
        "t.json: /4/sku/capacity: warning: parameter 'instanceCount' has no value: this field is read as unknown, "
        "conservatively (an unknown can only add exposure) [unknown-value]\n");
  const auto a = solver::analyze(l.model);
  CHECK(show(scale_set_summary(l.model, a)) ==
        show({
            "vmss1_0 load-balancer-nat tcp 22 entry 50000 any lb1/ssh inbound-nat-pool",
            "vmss1_1 load-balancer-nat tcp 22 entry 50001 any lb1/ssh inbound-nat-pool",
            "vmss1_2 load-balancer-nat tcp 22 entry 50002 any lb1/ssh inbound-nat-pool",
            "vmss1_3 load-balancer-nat tcp 22 entry 50003 any lb1/ssh inbound-nat-pool",
            "vmss1_4 load-balancer-nat tcp 22 entry 50004 any lb1/ssh inbound-nat-pool",
        }));
}

TEST_CASE("explain follows a flow through an inbound NAT pool to its instance", "[scaleset][explain]") {
  auto l = load_scale_sets(
      scale_set_list({vnet(true), kNsgSsh, load_balancer("Standard", "50000", "50099"), scale_set("3")}));
  REQUIRE(show(l.diags) == "");
  solver::FlowQuery q;
  q.source = *model::IpAddress::parse("8.8.8.8");
  q.target = "20.1.1.1";
  q.destination_port = 50001;
  const auto t = solver::explain(l.model, q);
  REQUIRE(t.status == solver::FlowTrace::Status::kOk);
  CHECK(t.allowed);
  const solver::TraceHop* lb = nullptr;
  for (const auto& h : t.hops) {
    if (h.kind == solver::TraceHop::Kind::kLoadBalancer) lb = &h;
  }
  REQUIRE(lb != nullptr);
  CHECK(lb->lb_nat_pool);
  CHECK(lb->backend_port == 22);
  CHECK_THAT(cli::hop_text(l.model, *lb),
             Catch::StartsWith("tcp port 50001 matches inbound NAT pool 'ssh' (50000..50099 -> 22) of "
                               "'lb1': port 50001 goes to scale set instance 1, vmss1_1"));
  // the decision as data: NAT pool 0, its instance 1, one member
  CHECK(lb->why.code == solver::ReasonCode::kLbNatPool);
  CHECK(lb->why.rule == 0);
  CHECK(lb->why.member == 1);
  CHECK(lb->why.backend == solver::LbBackend::kForwards);
  CHECK(lb->why.members.size() == 1);
  CHECK(l.model.nics[static_cast<std::size_t>(t.nic)].scale_set_instance == 1);
  // Port 50003 belongs to instance 3, which does not exist (capacity 3): the packet goes nowhere.
  q.destination_port = 50003;
  const auto none = solver::explain(l.model, q);
  CHECK_FALSE(none.allowed);
}

TEST_CASE("scale set behind a Standard load balancer without any NSG is closed", "[scaleset][solver][scenario]") {
  auto l = load_scale_sets(scale_set_list({vnet(false), load_balancer("Standard", "50000", "50099"), scale_set("3")}));
  REQUIRE(show(l.diags) == "");
  CHECK(solver::analyze(l.model).exposures.empty());
}

TEST_CASE("scale set behind a Basic load balancer without NSG: the rule and the NAT pool are open",
          "[scaleset][solver][scenario]") {
  const std::string rule = R"(, "loadBalancingRules": [{"name": "http", "properties": {
      "frontendIPConfiguration": {"id": "$N/loadBalancers/lb1/frontendIPConfigurations/fe"},
      "backendAddressPool": {"id": "$N/loadBalancers/lb1/backendAddressPools/bepool"},
      "protocol": "Tcp", "frontendPort": 80, "backendPort": 8080}}])";
  auto l =
      load_scale_sets(scale_set_list({vnet(false), load_balancer("Basic", "50000", "50119", rule), scale_set("2")}));
  REQUIRE(show(l.diags) == "");
  const auto a = solver::analyze(l.model);
  CHECK(show(scale_set_summary(l.model, a)) ==
        show({
            "vmss1_0 load-balancer tcp 8080 entry 80 any lb1/http load-balancing",
            "vmss1_0 load-balancer-nat tcp 22 entry 50000 any lb1/ssh inbound-nat-pool",
            "vmss1_1 load-balancer tcp 8080 entry 80 any lb1/http load-balancing",
            "vmss1_1 load-balancer-nat tcp 22 entry 50001 any lb1/ssh inbound-nat-pool",
        }));
}

TEST_CASE("instance-level public IPs: one per instance, address unknown, SKU from the configuration",
          "[scaleset][solver][scenario]") {
  const std::string nsg = R"({"id": "$N/networkSecurityGroups/nsg-nic", "name": "nsg-nic",
    "type": "Microsoft.Network/networkSecurityGroups", "properties": {"securityRules": [
      {"name": "allow-https", "properties": {"protocol": "Tcp", "access": "Allow", "priority": 100,
        "direction": "Inbound", "sourceAddressPrefix": "Internet", "sourcePortRange": "*",
        "destinationAddressPrefix": "*", "destinationPortRange": "443"}}]}})";
  SECTION("Standard with a NIC NSG allowing 443") {
    const std::string pub = R"("publicIPAddressConfiguration": {"name": "pub", "sku": {"name": "Standard"},
        "properties": {"idleTimeoutInMinutes": 15}},)";
    // The LB is Standard with no rule admitted by nsg-nic (22 is not allowed): only the instance IPs expose.
    auto l = load_scale_sets(scale_set_list(
        {vnet(false), nsg, load_balancer("Standard", "50000", "50099"), scale_set("2", pub, "nsg-nic")}));
    REQUIRE(show(l.diags) == "");
    const auto& m = l.model;
    REQUIRE(m.public_ips.size() == 3);  // lb-pip and one per instance
    CHECK(m.public_ips[2].id ==
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss1/"
          "virtualMachines/1/networkInterfaces/nic/ipConfigurations/ipconfig/publicIPAddresses/pub");
    const auto a = solver::analyze(m);
    CHECK(show(scale_set_summary(m, a)) == show({
                                               "vmss1_0 public-ip tcp 443 entry 443 any pip pub Standard no-address",
                                               "vmss1_1 public-ip tcp 443 entry 443 any pip pub Standard no-address",
                                           }));
  }
  SECTION("Basic (no sku) without any NSG: every port and protocol") {
    const std::string pub = R"("publicIPAddressConfiguration": {"name": "pub"},)";
    auto l = load_scale_sets(
        scale_set_list({vnet(false), load_balancer("Standard", "50000", "50099"), scale_set("1", pub)}));
    REQUIRE(show(l.diags) == "");
    const auto a = solver::analyze(l.model);
    CHECK(show(scale_set_summary(l.model, a)) ==
          show({
              "vmss1_0 public-ip tcp 0-65535 entry 0-65535 any pip pub Basic no-address",
              "vmss1_0 public-ip udp 0-65535 entry 0-65535 any pip pub Basic no-address",
              "vmss1_0 public-ip icmp any pip pub Basic no-address",
              "vmss1_0 public-ip esp any pip pub Basic no-address",
              "vmss1_0 public-ip ah any pip pub Basic no-address",
          }));
  }
}

TEST_CASE("scale set capacity is capped at 1000 instances, and a NAT pool runs out of ports",
          "[scaleset][solver][scenario]") {
  auto l = load_scale_sets(scale_set_list({vnet(false), load_balancer("Basic", "50000", "50099"), scale_set("1500")}));
  CHECK(show(l.diags) ==
        show({"t.json: /2/properties/inboundNatPools/0: warning: inbound NAT pool 'ssh' of load balancer 'lb1' has 100 "
              "frontend ports (50000-50099): 900 instance ip configurations from instance 100 on get none and are not "
              "reached through it [nat-pool-exhausted]",
              "t.json: /3/sku/capacity: warning: scale set 'vmss1' has capacity 1500; only instances 0..999 are "
              "analysed [scale-set-capacity-capped]"}));
  REQUIRE(l.model.nics.size() == 1000);
  const auto a = solver::analyze(l.model);
  REQUIRE(a.exposures.size() == 100);  // instances 0..99 through ports 50000..50099; Basic, no NSG
  CHECK(a.exposures.front().entry_ports == model::PortSet::single(50000));
  CHECK(l.model.vms[a.exposures.front().vm].name == "vmss1_0");
  std::uint16_t highest = 0;
  for (const auto& e : a.exposures) highest = std::max(highest, e.entry_ports.intervals().front().lo);
  CHECK(highest == 50099);
}

TEST_CASE("synthesised instance ip configurations are bounded over all scale sets", "[scaleset][model]") {
  // 201 ip configurations per instance: the budget of 200000 holds 995 instances (995 x 201 = 199995).
  std::string configs;
  for (int i = 0; i < 201; ++i) configs += fmt::format(R"({}{{"name": "c{}", "properties": {{}}}})", i ? "," : "", i);
  auto l = load_scale_sets(scale_set_list({fmt::format(R"({{"id": "$C/virtualMachineScaleSets/wide", "name": "wide",
      "type": "Microsoft.Compute/virtualMachineScaleSets", "sku": {{"capacity": 1000}},
      "properties": {{"virtualMachineProfile": {{"networkProfile": {{"networkInterfaceConfigurations": [
        {{"name": "n", "properties": {{"ipConfigurations": [{}]}}}}]}}}}}}}})",
                                                       configs)}));
  CHECK(show(l.diags) == show({"t.json: /0/sku/capacity: warning: scale set 'wide' has capacity 1000; only instances "
                               "0..994 are analysed [scale-set-capacity-capped]"}));
  CHECK(l.model.nics.size() == 995);
}

/// NICs of instances 0 and 4 as `az vmss nic list` prints them (flattened), listing `lists`.
std::string instance_nics(const std::string& lists0, const std::string& lists4) {
  std::string out;
  for (auto [i, lists] : {std::pair<int, std::string>{0, lists0}, {4, lists4}}) {
    if (!out.empty()) out += ',';
    out += fmt::format(R"({{"id": "$C/virtualMachineScaleSets/vmss1/virtualMachines/{0}/networkInterfaces/nic",
        "name": "nic", "type": "Microsoft.Network/networkInterfaces", "primary": true,
        "virtualMachine": {{"id": "$C/virtualMachineScaleSets/vmss1/virtualMachines/{0}"}},
        "ipConfigurations": [{{"id": "$C/virtualMachineScaleSets/vmss1/virtualMachines/{0}/networkInterfaces/nic/ipConfigurations/ipconfig",
          "name": "ipconfig", "privateIpAddress": "10.0.1.{1}", "subnet": {{"id": "$N/virtualNetworks/vnet1/subnets/web"}},
          {2}}}]}})",
                       i, i + 4, lists);
  }
  return out;
}

TEST_CASE("instance NICs in the input are the instances: nothing is synthesised, nothing counted twice",
          "[scaleset][solver][scenario]") {
  // Azure derives one inbound NAT rule per instance from the pool (`<pool>.<instance>`); an export lists them.
  const std::string derived = R"(, "inboundNatRules": [
      {"name": "ssh.0", "properties": {"frontendIPConfiguration": {"id": "$N/loadBalancers/lb1/frontendIPConfigurations/fe"},
        "protocol": "Tcp", "frontendPort": 50000, "backendPort": 22}},
      {"name": "ssh.4", "properties": {"frontendIPConfiguration": {"id": "$N/loadBalancers/lb1/frontendIPConfigurations/fe"},
        "protocol": "Tcp", "frontendPort": 50004, "backendPort": 22}}])";
  const std::string rule0 = R"("loadBalancerInboundNatRules": [{"id": "$N/loadBalancers/lb1/inboundNatRules/ssh.0"}])";
  const std::string rule4 = R"("loadBalancerInboundNatRules": [{"id": "$N/loadBalancers/lb1/inboundNatRules/ssh.4"}])";
  const std::string pool = R"("loadBalancerInboundNatPools": [{"id": "$N/loadBalancers/lb1/inboundNatPools/ssh"}])";
  SECTION("the NICs list the derived rules") {
    auto l = load_scale_sets(scale_set_list(
        {vnet(false), load_balancer("Basic", "50000", "50099", derived), scale_set("3"), instance_nics(rule0, rule4)}));
    REQUIRE(show(l.diags) == "");
    CHECK_FALSE(l.model.scale_sets[0].synthesised);
    CHECK(l.model.nics.size() == 2);
    // The instances' VMs, absent from such exports, are added so that reports name the instances.
    REQUIRE(l.model.vms.size() == 2);
    CHECK(l.model.vms[1].id ==
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss1/"
          "virtualMachines/4");
    CHECK(show(scale_set_summary(l.model, solver::analyze(l.model))) ==
          show({"vmss1_0 load-balancer-nat tcp 22 entry 50000 any lb1/ssh.0 inbound-nat",
                "vmss1_4 load-balancer-nat tcp 22 entry 50004 any lb1/ssh.4 inbound-nat"}));
  }
  SECTION("the NICs list the pool only: instance i gets range start + i") {
    auto l = load_scale_sets(scale_set_list(
        {vnet(false), load_balancer("Basic", "50000", "50099"), scale_set("3"), instance_nics(pool, pool)}));
    REQUIRE(show(l.diags) == "");
    CHECK(show(scale_set_summary(l.model, solver::analyze(l.model))) ==
          show({"vmss1_0 load-balancer-nat tcp 22 entry 50000 any lb1/ssh inbound-nat-pool",
                "vmss1_4 load-balancer-nat tcp 22 entry 50004 any lb1/ssh inbound-nat-pool"}));
  }
  SECTION("the NICs list the pool and its derived rules: reached through the rules, once") {
    auto l = load_scale_sets(
        scale_set_list({vnet(false), load_balancer("Basic", "50000", "50099", derived), scale_set("3"),
                        instance_nics(fmt::format("{},{}", pool, rule0), fmt::format("{},{}", pool, rule4))}));
    REQUIRE(show(l.diags) == "");
    CHECK(show(scale_set_summary(l.model, solver::analyze(l.model))) ==
          show({"vmss1_0 load-balancer-nat tcp 22 entry 50000 any lb1/ssh.0 inbound-nat",
                "vmss1_4 load-balancer-nat tcp 22 entry 50004 any lb1/ssh.4 inbound-nat"}));
  }
}

TEST_CASE("a NAT pool listed by a NIC that is no scale set instance reaches nothing, with a warning",
          "[scaleset][model]") {
  auto l = load_scale_sets(scale_set_list({vnet(false), load_balancer("Basic", "50000", "50099"), R"(
    {"id": "$N/networkInterfaces/plain", "name": "plain", "type": "Microsoft.Network/networkInterfaces",
     "properties": {"ipConfigurations": [{"name": "c", "properties": {"subnet": {"id": "$N/virtualNetworks/vnet1/subnets/web"},
       "loadBalancerInboundNatPools": [{"id": "$N/loadBalancers/lb1/inboundNatPools/ssh"}]}}]}})"}));
  CHECK(show(l.diags) ==
        show({"t.json: /3/properties/ipConfigurations/0/properties/loadBalancerInboundNatPools: warning: ip "
              "configuration 'c' lists inbound NAT pool 'ssh', but its NIC is not a scale set instance (only those can "
              "use a pool): no port of the pool reaches it [inconsistent-reference]"}));
  CHECK(solver::analyze(l.model).exposures.empty());
}

TEST_CASE("Flexible orchestration: VMs naming the scale set are its instances", "[scaleset][model]") {
  auto l = load_scale_sets(scale_set_list({vnet(false), load_balancer("Basic", "50000", "50099"), scale_set("2"), R"(
    {"id": "$C/virtualMachines/vm-a", "name": "vm-a", "type": "Microsoft.Compute/virtualMachines",
     "properties": {"virtualMachineScaleSet": {"id": "$C/virtualMachineScaleSets/VMSS1"},
       "networkProfile": {"networkInterfaces": [{"id": "$N/networkInterfaces/nic-a"}]}}},
    {"id": "$N/networkInterfaces/nic-a", "name": "nic-a", "type": "Microsoft.Network/networkInterfaces",
     "properties": {"ipConfigurations": [{"name": "c", "properties": {"subnet": {"id": "$N/virtualNetworks/vnet1/subnets/web"}}}]}})"}));
  REQUIRE(show(l.diags) == "");
  const auto& s = l.model.scale_sets[0];
  CHECK_FALSE(s.synthesised);
  CHECK(s.instance_nics == std::vector<int>{0});
  CHECK(l.model.nics.size() == 1);
  CHECK(l.model.nics[0].scale_set == 0);
  CHECK(l.model.nics[0].scale_set_instance == -1);
  // The graph: scale set -> VM -> NIC.
  const auto sv = l.model.by_key.at(s.key);
  CHECK(boost::out_degree(sv, l.model.topology().graph) == 1);
}

TEST_CASE("validation twice synthesises nothing more", "[scaleset][model]") {
  auto l = load_scale_sets(scale_set_list({vnet(false), load_balancer("Basic", "50000", "50099"), scale_set("2")}));
  REQUIRE(show(l.diags) == "");
  model::Diagnostics d;
  model::validate(l.model, d);
  CHECK_FALSE(d.has_errors());
  CHECK(l.model.nics.size() == 2);
  CHECK(l.model.vms.size() == 2);
  CHECK(l.model.load_balancers[0].nat_pools[0].members.size() == 2);
}

TEST_CASE("azure: scale set fields and errors", "[scaleset][azure]") {
  SECTION("fields, az CLI flattened shape") {
    model::Model m;
    model::Diagnostics d;
    az::import_text(scale_set_ids(R"([{"id": "$C/virtualMachineScaleSets/ss", "name": "ss",
        "type": "Microsoft.Compute/virtualMachineScaleSets", "sku": {"capacity": 2},
        "virtualMachineProfile": {"networkProfile": {"networkInterfaceConfigurations": [
          {"name": "n1", "primary": true, "enableIpForwarding": true,
           "networkSecurityGroup": {"id": "$N/networkSecurityGroups/g"},
           "ipConfigurations": [{"name": "c1", "privateIpAddressVersion": "IPv6", "subnet": {"id": "$N/virtualNetworks/v/subnets/s"},
             "applicationSecurityGroups": [{"id": "$N/applicationSecurityGroups/a"}],
             "publicIpAddressConfiguration": {"name": "p", "sku": {"name": "standard"}}}]}]}}}])"),
                    "t.json", m, d);
    REQUIRE(m.scale_sets.size() == 1);
    const auto& s = m.scale_sets[0];
    CHECK(s.capacity == 2);
    REQUIRE(s.nic_configurations.size() == 1);
    const auto& n = s.nic_configurations[0];
    CHECK(n.primary);
    CHECK(n.enable_ip_forwarding);
    CHECK(n.nsg.id == "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/g");
    REQUIRE(n.ip_configurations.size() == 1);
    const auto& c = n.ip_configurations[0];
    CHECK(c.family == model::IpFamily::kV6);
    CHECK(c.asgs.size() == 1);
    REQUIRE(c.public_ip);
    CHECK(c.public_ip->name == "p");
    CHECK(c.public_ip->sku == model::Sku::kStandard);
    CHECK(c.where.pointer ==
          "/0/virtualMachineProfile/networkProfile/networkInterfaceConfigurations/0/ipConfigurations/0");
    CHECK(d.sorted().empty());
  }
  SECTION("malformed fields name their pointer") {
    model::Model m;
    model::Diagnostics d;
    az::import_text(scale_set_ids(R"([
      {"id": "$C/virtualMachineScaleSets/a", "type": "Microsoft.Compute/virtualMachineScaleSets", "sku": {"capacity": "three"}},
      {"id": "$C/virtualMachineScaleSets/b", "type": "Microsoft.Compute/virtualMachineScaleSets", "sku": {"capacity": -1}},
      {"id": "$C/virtualMachineScaleSets/c", "type": "Microsoft.Compute/virtualMachineScaleSets",
       "properties": {"virtualMachineProfile": {"networkProfile": {"networkInterfaceConfigurations": [
         7,
         {"name": "n", "properties": {"ipConfigurations": [
           {"name": "x", "properties": {"publicIPAddressConfiguration": {"sku": {"name": "Basic"}}}},
           {"name": "y", "properties": {"publicIPAddressConfiguration": {"name": "p", "sku": {"name": "Premium"}},
             "applicationGatewayBackendAddressPools": [{"id": "$N/applicationGateways/g/backendAddressPools/b"}]}},
           {"name": "Y"}]}},
         {"name": "N"}]}}}}
    ])"),
                    "t.json", m, d);
    std::vector<std::string> got;
    for (const auto& x : d.sorted()) got.push_back(model::to_string(x));
    CHECK(
        show(got) ==
        show({"t.json: /0/sku/capacity: error: 'capacity' is a string, expected an integer [invalid-type]",
              "t.json: /1/sku/capacity: error: capacity -1 is below 0 [invalid-value]",
              "t.json: /2: warning: scale set 'c' has no 'sku.capacity'; assuming 1 instance "
              "[scale-set-capacity-unknown]",
              "t.json: /2/properties/virtualMachineProfile/networkProfile/networkInterfaceConfigurations/0: error: "
              "network interface configuration is an integer, expected an object [invalid-type]",
              "t.json: /2/properties/virtualMachineProfile/networkProfile/networkInterfaceConfigurations/1/properties/"
              "ipConfigurations/0/properties/publicIPAddressConfiguration: error: public IP address configuration "
              "of ip configuration 'x' has no 'name' [missing-field]",
              "t.json: /2/properties/virtualMachineProfile/networkProfile/networkInterfaceConfigurations/1/properties/"
              "ipConfigurations/1/properties/applicationGatewayBackendAddressPools: warning: ip configuration 'y' "
              "is in 1 application gateway backend pool: scale set instances are not reached through application "
              "gateways [unmodelled-feature]",
              "t.json: /2/properties/virtualMachineProfile/networkProfile/networkInterfaceConfigurations/1/properties/"
              "ipConfigurations/1/properties/publicIPAddressConfiguration/sku/name: error: SKU 'Premium' is not "
              "Basic or Standard [invalid-value]",
              "t.json: /2/properties/virtualMachineProfile/networkProfile/networkInterfaceConfigurations/1/properties/"
              "ipConfigurations/2: error: ip configuration name 'Y' is used twice [invalid-value]",
              "t.json: /2/properties/virtualMachineProfile/networkProfile/networkInterfaceConfigurations/2: error: "
              "network interface configuration name 'N' is used twice [invalid-value]"}));
  }
  SECTION("inbound NAT pool errors") {
    model::Model m;
    model::Diagnostics d;
    az::import_text(
        scale_set_ids(R"([{"id": "$N/loadBalancers/lb", "type": "Microsoft.Network/loadBalancers", "properties": {
        "inboundNatPools": [
          {"name": "rev", "properties": {"frontendIPConfiguration": {"id": "$N/loadBalancers/lb/frontendIPConfigurations/fe"},
            "protocol": "Tcp", "frontendPortRangeStart": 50100, "frontendPortRangeEnd": 50000, "backendPort": 22}},
          {"name": "zero", "properties": {"frontendIPConfiguration": {"id": "$N/loadBalancers/lb/frontendIPConfigurations/fe"},
            "protocol": "Udp", "frontendPortRangeStart": 0, "frontendPortRangeEnd": 10, "backendPort": 70000}},
          {"name": "ok", "properties": {"frontendIPConfiguration": {"id": "$N/loadBalancers/lb/frontendIPConfigurations/fe"},
            "protocol": "All", "frontendPortRangeStart": 3000, "frontendPortRangeEnd": 3009, "backendPort": 3389,
            "enableFloatingIP": true}}]}}])"),
        "t.json", m, d);
    std::vector<std::string> got;
    for (const auto& x : d.sorted()) got.push_back(model::to_string(x));
    CHECK(show(got) ==
          show({"t.json: /0/properties/inboundNatPools/0: error: inbound NAT pool 'rev': frontend port range "
                "50100-50000 is empty [invalid-value]",
                "t.json: /0/properties/inboundNatPools/1/properties/backendPort: error: backendPort 70000 is above "
                "65535 [invalid-value]",
                "t.json: /0/properties/inboundNatPools/1/properties/frontendPortRangeStart: error: "
                "frontendPortRangeStart 0 is below 1 [invalid-value]"}));
    REQUIRE(m.load_balancers.size() == 1);
    REQUIRE(m.load_balancers[0].nat_pools.size() == 1);
    const auto& p = m.load_balancers[0].nat_pools[0];
    CHECK(p.name == "ok");
    CHECK(p.key ==
          "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/loadbalancers/lb/inboundnatpools/ok");
    CHECK(p.protocols == (model::bit(model::Protocol::kTcp) | model::bit(model::Protocol::kUdp)));
    CHECK(p.frontend_port_range_start == 3000);
    CHECK(p.frontend_port_range_end == 3009);
    CHECK(p.backend_port == 3389);
    CHECK(p.enable_floating_ip);
  }
}

}  // namespace
}  // namespace exposim
