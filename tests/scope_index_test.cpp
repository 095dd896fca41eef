// What a stage reads (solver/path.h, stage_reads) and the index of what-if's scope built from it
// (solver/scope_index.h): the resources of a hand-built path, the index of analyze's paths on the examples, and an
// incremental analysis that keeps the index of the model it has analysed across changes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "importers/azure/resource_importer.h"
#include "importers/change.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "solver/incremental.h"
#include "solver/path.h"
#include "solver/scope_index.h"

namespace exposim {
namespace {

using RK = model::ResourceKind;
using solver::ResourceRef;
using solver::ScopeTarget;

model::Ref si_ref(int index) { return model::Ref{"/ref/" + std::to_string(index), index, -1}; }

/// nic-0 (subnet 0) and nic-1 in subnet 1, whose NSG is nsg-1 (of two) and route table rt-0; nic-1 has no NSG of its
/// own. Load balancer lb-1 (of two), Standard, fronted by public IP pip-1 (of two), balances to nic-1.
model::Model si_lb_estate() {
  model::Model m;
  m.public_ips.resize(2);
  m.load_balancers.resize(2);
  m.nsgs.resize(2);
  m.route_tables.resize(1);
  m.subnets.resize(2);
  m.subnets[1].nsg = si_ref(1);
  m.subnets[1].route_table = si_ref(0);
  m.nics.resize(2);
  for (int n = 0; n < 2; ++n) {
    model::IpConfiguration c;
    c.subnet = si_ref(n);
    m.nics[n].ip_configurations.push_back(c);
  }
  return m;
}

std::vector<ResourceRef> si_reads_of(const model::Model& m, const std::vector<solver::Stage>& stages) {
  std::vector<ResourceRef> out;
  for (const auto& s : stages) solver::stage_reads(m, s, out);
  return out;
}

solver::PathEntry si_lb_entry() {
  solver::PathEntry e;
  e.via = solver::Via::kLoadBalancer;
  e.public_ip = 1;
  e.sku = model::Sku::kStandard;
  e.load_balancer = 1;
  e.rule = 0;
  return e;
}

}  // namespace

TEST_CASE("stage reads: a NIC behind a public load balancer in a subnet with an NSG and a route table", "[solver]") {
  const model::Model m = si_lb_estate();
  const auto stages = solver::inbound_path(m, si_lb_entry(), model::IpConfigIndex{1, 0});
  // source, entry (pip-1), the load balancer's rule (lb-1), the subnet's NSG (nsg-1 on subnet 1), no NIC NSG (nic-1),
  // the reply's route (subnet 1, its route table rt-0), the target (nic-1). No admin stage: no admin rules.
  REQUIRE(stages.size() == 7);
  const std::vector<ResourceRef> expected = {
      {RK::kPublicIp, 1},      // entry
      {RK::kLoadBalancer, 1},  // load-balancing rule
      {RK::kNetworkSecurityGroup, 1},
      {RK::kSubnet, 1},            // the subnet's NSG and its subnet
      {RK::kNetworkInterface, 1},  // no NSG on the NIC: the NIC carries the slot
      {RK::kSubnet, 1},
      {RK::kRouteTable, 0},        // the reply's route: the subnet and its table
      {RK::kNetworkInterface, 1},  // the target
  };
  CHECK(si_reads_of(m, stages) == expected);
}

TEST_CASE("stage reads: a NIC's own NSG and a subnet without a route table", "[solver]") {
  model::Model m = si_lb_estate();
  m.nics[0].nsg = si_ref(0);
  solver::PathEntry e;  // nic-0's own public IP, pip-0
  e.public_ip = 0;
  const auto stages = solver::inbound_path(m, e, model::IpConfigIndex{0, 0});
  const std::vector<ResourceRef> expected = {
      {RK::kPublicIp, 0},
      {RK::kSubnet, 0},  // no NSG on subnet 0
      {RK::kNetworkSecurityGroup, 0},
      {RK::kNetworkInterface, 0},  // nsg-0 on nic-0
      {RK::kSubnet, 0},            // the reply's route: no route table
      {RK::kNetworkInterface, 0},
  };
  CHECK(si_reads_of(m, stages) == expected);
}

TEST_CASE("stage reads: a firewall stage reads the firewall and its whole policy chain once", "[solver]") {
  model::Model m;
  m.firewalls.resize(1);
  m.firewall_policies.resize(3);
  m.firewalls[0].policy = si_ref(2);
  m.firewall_policies[2].base_policy = si_ref(0);
  m.firewall_policies[0].base_policy = si_ref(2);  // a cycle (validation reports it): followed once
  solver::Stage s;
  s.kind = solver::HopKind::kFirewall;
  s.resource_kind = RK::kFirewall;
  s.resource = 0;
  std::vector<ResourceRef> out;
  solver::stage_reads(m, s, out);
  CHECK(out == std::vector<ResourceRef>{{RK::kFirewall, 0}, {RK::kFirewallPolicy, 2}, {RK::kFirewallPolicy, 0}});
}

TEST_CASE("scope index: a path's reads index its target once and erase forgets them", "[solver]") {
  const model::Model m = si_lb_estate();
  solver::ScopeIndex index;
  const ScopeTarget nic1{RK::kNetworkInterface, 1};
  index.add(m, nic1, solver::inbound_path(m, si_lb_entry(), model::IpConfigIndex{1, 0}));
  index.add(m, nic1, solver::inbound_path(m, si_lb_entry(), model::IpConfigIndex{1, 0}));  // a second entry, same reads
  CHECK(index.target_count() == 1);
  CHECK(index.pair_count() == 6);  // pip-1, lb-1, nsg-1, subnet 1, nic-1, rt-0
  CHECK(index.readers({RK::kNetworkSecurityGroup, 1}) == std::vector<ScopeTarget>{nic1});
  CHECK(index.readers({RK::kRouteTable, 0}) == std::vector<ScopeTarget>{nic1});
  CHECK(index.readers({RK::kNetworkSecurityGroup, 0}).empty());
  CHECK(index.readers({RK::kPublicIp, 0}).empty());
  index.erase(nic1);
  CHECK(index.target_count() == 0);
  CHECK(index.pair_count() == 0);
  CHECK(index.readers({RK::kSubnet, 1}).empty());
}

TEST_CASE("scope index: erasing several targets at once keeps the others' reads", "[solver]") {
  // Three targets recorded with the same path (the index does not check which NIC a path ends at): each of the six
  // resources has the three as readers. Erasing two at once, one of them twice and one target never recorded, leaves
  // the third with its six reads; erasing it empties the index.
  const model::Model m = si_lb_estate();
  const auto path = solver::inbound_path(m, si_lb_entry(), model::IpConfigIndex{1, 0});
  solver::ScopeIndex index;
  const ScopeTarget a{RK::kNetworkInterface, 1};
  const ScopeTarget b{RK::kNetworkInterface, 0};
  const ScopeTarget c{RK::kFirewall, 0};
  for (const auto& t : {a, b, c}) index.add(m, t, path);
  REQUIRE(index.pair_count() == 18);
  index.erase(std::vector<ScopeTarget>{a, c, a, {RK::kPaasService, 7}});
  CHECK(index.target_count() == 1);
  CHECK(index.pair_count() == 6);
  CHECK(index.readers({RK::kNetworkSecurityGroup, 1}) == std::vector<ScopeTarget>{b});
  CHECK(index.readers({RK::kLoadBalancer, 1}) == std::vector<ScopeTarget>{b});
  index.erase(std::vector<ScopeTarget>{b});
  CHECK(index.target_count() == 0);
  CHECK(index.pair_count() == 0);
  CHECK(index.readers({RK::kRouteTable, 0}).empty());
}

namespace {

const std::string kScopeIndexExamples = std::string(EXPOSIM_SOURCE_DIR) + "/examples/";
const std::string kScopeIndexWhatif = std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/whatif/estate.json";

model::Model scope_index_model(const std::vector<std::string>& files) {
  model::Model m;
  model::Diagnostics diags;
  importers::azure::import_files(files, m, diags);
  model::validate(m, diags);
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

}  // namespace

TEST_CASE("scope index: every resource an exposure's path names indexes its target", "[solver][whatif]") {
  const std::string hub = kScopeIndexExamples + "hub-and-spoke/";
  const std::vector<std::vector<std::string>> estates = {
      {kScopeIndexExamples + "app-gateway-waf/estate.json"},
      {hub + "hub.json", hub + "spokes.json", hub + "firewall.json"},
      {kScopeIndexExamples + "web-behind-lb/estate.json"},
      {kScopeIndexExamples + "three-tier/estate.json"},
      {kScopeIndexExamples + "admin-rules/estate.json"},
  };
  for (const auto& files : estates) {
    CAPTURE(files.front());
    const model::Model m = scope_index_model(files);
    const solver::ScopeIndex index = solver::scope_index_of(m);
    const solver::Analysis a = solver::analyze(m);
    REQUIRE_FALSE(a.exposures.empty());
    std::size_t checked = 0;
    for (const auto& e : a.exposures) {
      const ScopeTarget t =
          e.nic >= 0 ? ScopeTarget{RK::kNetworkInterface, e.nic} : ScopeTarget{e.target_kind, e.target};
      for (const auto& h : e.path) {
        // The hops that name what their stage reads (an NSG hop names its NSG; a route hop its route table, which
        // its stage reads through the subnet).
        const bool named = h.kind == solver::HopKind::kEntry || h.kind == solver::HopKind::kLoadBalancer ||
                           h.kind == solver::HopKind::kNsg || h.kind == solver::HopKind::kTarget ||
                           h.kind == solver::HopKind::kBastion || h.kind == solver::HopKind::kFirewall;
        if (!named || h.resource < 0) continue;
        CAPTURE(solver::to_string(h.kind), h.resource, e.nic, e.target);
        const auto& readers = index.readers({h.resource_kind, h.resource});
        CHECK(std::find(readers.begin(), readers.end(), t) != readers.end());
        ++checked;
      }
    }
    CHECK(checked > 0);
  }
}

TEST_CASE("scope index: an incremental analysis keeps the index of the model it analysed across changes", "[whatif]") {
  struct Case {
    std::string file;
    std::vector<std::string> changes;
  };
  const std::vector<Case> cases = {
      {kScopeIndexExamples + "app-gateway-waf/estate.json",
       {R"({"op": "remove-nsg-rule", "nsg": "nsg-bastion", "rule": "AllowHttpsInbound"})",
        R"({"op": "remove-nsg-rule", "nsg": "nsg-bastion", "rule": "AllowGatewayManagerInbound"})",
        R"({"op": "detach-nsg", "subnet": "web"})",
        R"({"op": "remove-nsg-rule", "nsg": "nsg-appgw", "rule": "allow-https"})"}},
      {kScopeIndexWhatif,
       {R"({"op": "add-route", "routeTable": "rt-web", "route": {"name": "drop", "properties": {"addressPrefix": "192.0.2.0/24", "nextHopType": "None"}}})",
        R"({"op": "remove-public-ip", "nic": "nic-web"})",
        R"({"op": "attach-nsg", "nsg": "nsg-spare", "subnet": "app"})",
        R"({"op": "remove-firewall-rule", "firewallPolicy": "pol1", "ruleCollectionGroup": "grp", "ruleCollection": "dnat", "rule": "ssh-app"})",
        R"({"op": "set-public-network-access", "service": "stwhatif", "publicNetworkAccess": "Disabled"})"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    model::Model current = scope_index_model({c.file});
    solver::IncrementalAnalysis inc(current);
    CHECK(inc.scope_index().pairs() == solver::scope_index_of(current).pairs());
    for (const std::string& op : c.changes) {
      CAPTURE(op);
      model::Model after = current;
      model::Diagnostics diags;
      std::vector<model::Changed> changed;
      REQUIRE(importers::apply_change_text(R"({"changes": [)" + op + "]}", "change.json", after, diags, changed));
      model::validate(after, diags);
      REQUIRE_FALSE(diags.has_errors());
      CHECK(inc.update(current, after, changed));
      CHECK(inc.scope_index().pairs() == solver::scope_index_of(after).pairs());
      current = std::move(after);
    }
  }
}

}  // namespace exposim

namespace exposim {
namespace {

const std::string kSiPrefix = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/";

/// vnet1 10.0.0.0/16: subnet nva 10.0.0.0/24 holds nic-nva (10.0.0.4, IP forwarding, Basic public IP pip-nva
/// 20.0.0.1, no NSG: open to the internet), subnet app 10.0.1.0/24 (route table rt-app, no routes) holds nic-app
/// (10.0.1.4, no public IP: no entry of its own).
std::string si_appliance_estate() {
  const auto nic = [](const std::string& name, const std::string& address, const std::string& subnet,
                      const std::string& pip) {
    std::string cfg = R"({"name": "ipconfig1", "properties": {"privateIPAddress": ")" + address +
                      R"(", "primary": true, "subnet": {"id": ")" + kSiPrefix + "virtualNetworks/vnet1/subnets/" +
                      subnet + R"("})";
    if (!pip.empty()) cfg += R"(, "publicIPAddress": {"id": ")" + kSiPrefix + "publicIPAddresses/" + pip + R"("})";
    cfg += "}}";
    return R"({"id": ")" + kSiPrefix + "networkInterfaces/" + name + R"(", "name": ")" + name +
           R"(", "type": "Microsoft.Network/networkInterfaces", "properties": {"enableIPForwarding": )" +
           (pip.empty() ? "false" : "true") + R"(, "ipConfigurations": [)" + cfg + "]}}";
  };
  return "[" + std::string(R"({"id": ")") + kSiPrefix +
         R"(virtualNetworks/vnet1", "name": "vnet1", "type": "Microsoft.Network/virtualNetworks",
      "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": [
        {"name": "nva", "properties": {"addressPrefix": "10.0.0.0/24"}},
        {"name": "app", "properties": {"addressPrefix": "10.0.1.0/24", "routeTable": {"id": ")" +
         kSiPrefix + R"(routeTables/rt-app"}}}]}},
    {"id": ")" +
         kSiPrefix +
         R"(routeTables/rt-app", "name": "rt-app", "type": "Microsoft.Network/routeTables",
      "properties": {"routes": []}},
    {"id": ")" +
         kSiPrefix +
         R"(publicIPAddresses/pip-nva", "name": "pip-nva", "type": "Microsoft.Network/publicIPAddresses",
      "sku": {"name": "Basic"}, "properties": {"ipAddress": "20.0.0.1", "publicIPAllocationMethod": "Static"}},
    )" + nic("nic-nva", "10.0.0.4", "nva", "pip-nva") +
         ",\n" + nic("nic-app", "10.0.1.4", "app", "") + "]";
}

}  // namespace

TEST_CASE("scope index: a route to an appliance re-solves a NIC that had no entry and no path in the index",
          "[whatif]") {
  model::Model before;
  model::Diagnostics diags;
  importers::azure::import_text(si_appliance_estate(), "appliance.json", before, diags);
  model::Model after = before;
  model::validate(before, diags);
  REQUIRE_FALSE(diags.has_errors());
  std::vector<model::Changed> changed;
  REQUIRE(importers::apply_change_text(R"({"changes": [{"op": "add-route", "routeTable": "rt-app", "route": {
      "name": "to-nva", "properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance",
      "nextHopIpAddress": "10.0.0.4"}}}]})",
                                       "change.json", after, diags, changed));
  model::validate(after, diags);
  REQUIRE_FALSE(diags.has_errors());
  const int app = before.nics[0].name == "nic-app" ? 0 : 1;
  REQUIRE(before.nics[app].name == "nic-app");
  // Before: nic-app has no entry, so no path reads rt-app for it; after: the appliance forwards to it (its replies
  // go to 10.0.0.4), via appliance.
  const solver::ScopeIndex index = solver::scope_index_of(before);
  CHECK(index.readers({RK::kNetworkInterface, app}).empty());
  const solver::Analysis full = solver::analyze(after);
  const auto via_appliance = [&](const solver::Analysis& a) {
    return std::count_if(a.exposures.begin(), a.exposures.end(),
                         [&](const auto& e) { return e.nic == app && e.via == solver::Via::kAppliance; });
  };
  REQUIRE(via_appliance(full) > 0);
  const auto scope = solver::scope_of_change(before, after, changed, index);
  REQUIRE(scope.has_value());
  CHECK(scope->nic(app));  // the route table's subnets' NICs (docs/whatif.md)
  solver::IncrementalAnalysis inc(before);
  REQUIRE(inc.update(before, after, changed));
  const solver::Analysis got = inc.snapshot();
  CHECK(via_appliance(got) == via_appliance(full));
  CHECK(got.exposures.size() == full.exposures.size());
}

}  // namespace exposim
