// The segmentation matrix (solver/segmentation.h) and its groupings (solver/grouping.h): groupings checked member by
// member, a three-tier estate's matrix worked out by hand, and the matrix of random small estates against the union
// of reach() from every ip configuration on its own.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "example_model.h"
#include "model_builder.h"
#include "solver/east_west.h"
#include "solver/grouping.h"
#include "solver/segmentation.h"
#include "test_scale.h"

namespace exposim {
namespace {

using testing::EstateBuilder;
using testing::kAllow;
using testing::kDeny;
using testing::RuleSpec;

/// The name of the group of ip configuration 0 of the NIC of VM `vm` ("web1" -> NIC "web1-nic").
std::string segmentation_group_of(const model::Model& m, const solver::Grouping& g, const std::string& vm) {
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    if (m.nics[n].name == vm + "-nic") {
      const int id = g.ip_configuration_group[n][0];
      return id < 0 ? std::string("-") : g.names[id];
    }
  }
  return "?";
}

/// web, app and db subnets of one VNet, two VMs each. app admits TCP 8080 from the web subnet and denies the rest
/// of the VNet; db admits TCP 1433 from the app subnet and denies everything else; web keeps the default rules
/// (AllowVnetInBound). Outbound everything keeps AllowVnetOutBound.
model::Model segmentation_three_tier() {
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"})
      .nsg("app-nsg", {RuleSpec{"web-8080", 100, kAllow, testing::tcp(), {"10.0.1.0/24"}, {"8080"}},
                       RuleSpec{"deny-vnet", 4000, kDeny, testing::any_protocol(), {"VirtualNetwork"}, {"*"}}})
      .nsg("db-nsg", {RuleSpec{"app-1433", 100, kAllow, testing::tcp(), {"10.0.2.0/24"}, {"1433"}},
                      RuleSpec{"deny-all", 4000, kDeny, testing::any_protocol(), {"*"}, {"*"}}})
      .subnet("vnet", "web", "10.0.1.0/24")
      .subnet("vnet", "app", "10.0.2.0/24", "app-nsg")
      .subnet("vnet", "db", "10.0.3.0/24", "db-nsg")
      .vm("web1", "vnet", "web", "10.0.1.4")
      .vm("web2", "vnet", "web", "10.0.1.5")
      .vm("app1", "vnet", "app", "10.0.2.4")
      .vm("app2", "vnet", "app", "10.0.2.5")
      .vm("db1", "vnet", "db", "10.0.3.4")
      .vm("db2", "vnet", "db", "10.0.3.5");
  return b.done();
}

/// The matrix as (from name, to name) -> ports by protocol.
using SegmentationCells =
    std::map<std::pair<std::string, std::string>, std::array<model::PortSet, model::kProtocolCount>>;

SegmentationCells segmentation_cells(const solver::Grouping& g, const solver::Segmentation& s) {
  SegmentationCells out;
  for (const auto& c : s.cells) out[{g.names[c.from], g.names[c.to]}] = c.ports;
  return out;
}

std::array<model::PortSet, model::kProtocolCount> segmentation_tcp_only(model::PortSet p) {
  std::array<model::PortSet, model::kProtocolCount> a;
  a[0] = std::move(p);
  return a;
}

std::array<model::PortSet, model::kProtocolCount> segmentation_everything() {
  std::array<model::PortSet, model::kProtocolCount> a;
  for (auto& p : a) p = model::PortSet::all();
  return a;
}

}  // namespace

TEST_CASE("grouping by subnet and by VNet names VNET/SUBNET and the VNet in name order", "[solver][segmentation]") {
  const model::Model m = segmentation_three_tier();
  const auto by_subnet = solver::group_by_subnet(m);
  CHECK(by_subnet.names == std::vector<std::string>{"vnet/app", "vnet/db", "vnet/web"});
  CHECK(segmentation_group_of(m, by_subnet, "web1") == "vnet/web");
  CHECK(segmentation_group_of(m, by_subnet, "app2") == "vnet/app");
  CHECK(segmentation_group_of(m, by_subnet, "db1") == "vnet/db");
  CHECK(by_subnet.extra_groups.empty());
  const auto by_vnet = solver::group_by_vnet(m);
  CHECK(by_vnet.names == std::vector<std::string>{"vnet"});
  CHECK(segmentation_group_of(m, by_vnet, "db2") == "vnet");
}

TEST_CASE("grouping by ASG counts an ip configuration in each of its ASGs", "[solver][segmentation]") {
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"})
      .asg("web")
      .asg("mgmt")
      .subnet("vnet", "s", "10.0.1.0/24")
      .vm("a", "vnet", "s", "10.0.1.4", "", "", {"web"})
      .vm("b", "vnet", "s", "10.0.1.5", "", "", {"web", "mgmt"})
      .vm("c", "vnet", "s", "10.0.1.6");
  const model::Model m = b.done();
  const auto g = solver::group_by_asg(m);
  // Names in order, the parenthesised group last.
  REQUIRE(g.names == std::vector<std::string>{"mgmt", "web", "(no asg)"});
  CHECK(segmentation_group_of(m, g, "a") == "web");
  CHECK(segmentation_group_of(m, g, "c") == "(no asg)");
  // b is in mgmt (0) and web (1): the first in ip_configuration_group, the other in extra_groups.
  CHECK(segmentation_group_of(m, g, "b") == "mgmt");
  REQUIRE(g.extra_groups.size() == 1);
  CHECK(g.extra_groups.begin()->first == model::IpConfigIndex{1, 0});
  CHECK(g.extra_groups.begin()->second == std::vector<int>{1});
}

TEST_CASE("grouping by tag takes the VM's value before the NIC's and names the rest untagged",
          "[solver][segmentation]") {
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"})
      .subnet("vnet", "s", "10.0.1.0/24")
      .vm("a", "vnet", "s", "10.0.1.4")
      .vm("b", "vnet", "s", "10.0.1.5")
      .vm("c", "vnet", "s", "10.0.1.6")
      .vm("d", "vnet", "s", "10.0.1.7");
  b.m.vms[0].tags = model::Tags{{"Tier", "web"}};
  b.m.nics[0].tags = model::Tags{{"tier", "nic-value"}};  // the VM's value wins
  b.m.nics[1].tags = model::Tags{{"TIER", "db"}};         // no VM value: the NIC's (keys compared case-insensitively)
  b.m.vms[3].tags = model::Tags{{"tier", ""}};
  const model::Model m = b.done();
  const auto g = solver::group_by_tag(m, "tier");
  REQUIRE(g.names == std::vector<std::string>{"db", "web", "(empty)", "(untagged)"});
  CHECK(segmentation_group_of(m, g, "a") == "web");
  CHECK(segmentation_group_of(m, g, "b") == "db");
  CHECK(segmentation_group_of(m, g, "c") == "(untagged)");
  CHECK(segmentation_group_of(m, g, "d") == "(empty)");
}

TEST_CASE("a private endpoint is grouped by its subnet or VNet, and apart by ASG or tag", "[solver][segmentation]") {
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"}).subnet("vnet", "data", "10.0.9.0/24").subnet("vnet", "s", "10.0.1.0/24");
  b.vm("a", "vnet", "s", "10.0.1.4");
  model::PrivateEndpoint pe;
  pe.name = "pe-sql";
  pe.id = testing::rid("Microsoft.Network/privateEndpoints", "pe-sql");
  pe.key = model::canonical_id(pe.id);
  pe.subnet.id = model::canonical_id(testing::rid("Microsoft.Network/virtualNetworks", "vnet") + "/subnets/data");
  pe.private_ips.push_back(*model::IpAddress::parse("10.0.9.4"));
  b.m.private_endpoints.push_back(pe);
  const model::Model m = b.done();
  REQUIRE(m.private_endpoints.size() == 1);
  const auto by_subnet = solver::group_by_subnet(m);
  REQUIRE(by_subnet.names == std::vector<std::string>{"vnet/data", "vnet/s"});
  CHECK(by_subnet.private_endpoint_group[0] == 0);
  const auto by_vnet = solver::group_by_vnet(m);
  CHECK(by_vnet.names[by_vnet.private_endpoint_group[0]] == "vnet");
  const auto by_asg = solver::group_by_asg(m);
  CHECK(by_asg.names[by_asg.private_endpoint_group[0]] == "vnet/data (private endpoints)");
  const auto by_tag = solver::group_by_tag(m, "tier");
  CHECK(by_tag.names[by_tag.private_endpoint_group[0]] == "vnet/data (private endpoints)");
}

TEST_CASE("the three-tier matrix by subnet worked out by hand", "[solver][segmentation][east-west]") {
  const model::Model m = segmentation_three_tier();
  const auto g = solver::group_by_subnet(m);
  const auto s = solver::segmentation(m, g);
  // From web: web (AllowVnetInBound: everything), app (web-8080: TCP 8080), db (deny-all: nothing).
  // From app: web (everything), app (deny-vnet: nothing), db (app-1433: TCP 1433).
  // From db: web (everything), app and db nothing.
  const SegmentationCells expected{
      {{"vnet/web", "vnet/web"}, segmentation_everything()},
      {{"vnet/web", "vnet/app"}, segmentation_tcp_only(model::PortSet::single(8080))},
      {{"vnet/app", "vnet/web"}, segmentation_everything()},
      {{"vnet/app", "vnet/db"}, segmentation_tcp_only(model::PortSet::single(1433))},
      {{"vnet/db", "vnet/web"}, segmentation_everything()},
  };
  CHECK(segmentation_cells(g, s) == expected);
  // The witness of app -> db on TCP is a flow from an app VM to a db VM whose last NSG hop is db-nsg's app-1433.
  for (const auto& c : s.cells) {
    if (g.names[c.from] != "vnet/app" || g.names[c.to] != "vnet/db") continue;
    REQUIRE(c.witnesses.size() == 1);
    const auto& w = c.witnesses[0];
    CHECK(w.protocol == model::Protocol::kTcp);
    CHECK(m.nics[w.source.nic].name == "app1-nic");  // the smallest source, then the smallest target
    CHECK(m.nics[w.nic].name == "db1-nic");
    CHECK(w.ports == model::PortSet::single(1433));
  }
  // The cells are sorted by (from, to) and hold nothing empty.
  for (std::size_t k = 1; k < s.cells.size(); ++k) {
    CHECK(std::pair{s.cells[k - 1].from, s.cells[k - 1].to} < std::pair{s.cells[k].from, s.cells[k].to});
  }
}

namespace {

/// A random estate: two VNets (peered or not), two or three subnets each with an NSG drawn from a small pool of
/// rules (sources: prefixes of either VNet, VirtualNetwork, ASGs), one to three VMs per subnet in random ASGs.
model::Model segmentation_random_estate(std::mt19937_64& rng) {
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  EstateBuilder b;
  b.vnet("v0", {"10.0.0.0/16"}).vnet("v1", {"10.1.0.0/16"}).asg("red").asg("blue");
  if (pick(2) == 0) b.peer("v0", "v1");
  const std::vector<std::string> sources{"10.0.1.0/24", "10.0.2.0/24", "10.1.1.0/24", "VirtualNetwork",
                                         "asg:red",     "asg:blue",    "*",           "10.0.1.4"};
  const std::vector<std::string> port_pool{"22", "80", "443", "1433", "8000-8100", "*"};
  int vm = 0;
  for (int v = 0; v < 2; ++v) {
    const int subnets = 2 + pick(2);
    for (int s = 1; s <= subnets; ++s) {
      const std::string vnet = "v" + std::to_string(v);
      const std::string name = "s" + std::to_string(s);
      const std::string nsg = vnet + "-" + name + "-nsg";
      std::vector<RuleSpec> rules;
      const int n = pick(4);
      for (int r = 0; r < n; ++r) {
        const auto protocols = pick(3) == 0 ? testing::any_protocol() : testing::tcp();
        rules.push_back(RuleSpec{"r" + std::to_string(r),
                                 100 + 10 * r,
                                 pick(3) == 0 ? kDeny : kAllow,
                                 protocols,
                                 {sources[pick(static_cast<int>(sources.size()))]},
                                 {port_pool[pick(static_cast<int>(port_pool.size()))]}});
      }
      b.nsg(nsg, rules);
      b.subnet(vnet, name, "10." + std::to_string(v) + "." + std::to_string(s) + ".0/24", pick(4) == 0 ? "" : nsg);
      const int vms = 1 + pick(3);
      for (int k = 0; k < vms; ++k) {
        std::vector<std::string> asgs;
        if (pick(2) == 0) asgs.push_back("red");
        if (pick(3) == 0) asgs.push_back("blue");
        b.vm("vm" + std::to_string(vm++), vnet, name,
             "10." + std::to_string(v) + "." + std::to_string(s) + "." + std::to_string(4 + k), "", "", asgs);
      }
    }
  }
  return b.done();
}

/// The matrix folded, independently of segmentation(), from reach() of every ip configuration on its own.
SegmentationCells segmentation_reference(const model::Model& m, const solver::Grouping& g) {
  const auto groups = [&](int nic, int cfg) {
    std::vector<int> out;
    if (g.ip_configuration_group[nic][cfg] >= 0) out.push_back(g.ip_configuration_group[nic][cfg]);
    if (const auto it = g.extra_groups.find({nic, cfg}); it != g.extra_groups.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
    }
    return out;
  };
  SegmentationCells out;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    for (std::size_t c = 0; c < m.nics[n].ip_configurations.size(); ++c) {
      solver::ReachSource from;
      from.kind = solver::ReachSource::Kind::kIpConfiguration;
      from.ip_configuration = {static_cast<int>(n), static_cast<int>(c)};
      for (const auto& f : solver::reach(m, from).flows) {
        std::vector<int> to;
        if (f.target_kind == model::ResourceKind::kPrivateEndpoint) {
          if (g.private_endpoint_group[f.target] >= 0) to.push_back(g.private_endpoint_group[f.target]);
        } else {
          to = groups(f.nic, f.ip_configuration);
        }
        for (const int a : groups(static_cast<int>(n), static_cast<int>(c))) {
          for (const int t : to) {
            auto& cell = out[{g.names[a], g.names[t]}];
            auto& p = cell[static_cast<std::size_t>(f.protocol)];
            p = p.unite(f.ports);
          }
        }
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the matrix of random estates is the union of reach from every ip configuration",
          "[solver][segmentation][east-west]") {
  std::mt19937_64 rng(20261207);
  for (int round = 0; round < test::rounds(40); ++round) {
    const model::Model m = segmentation_random_estate(rng);
    for (const auto& g : {solver::group_by_subnet(m), solver::group_by_asg(m)}) {
      const auto s = solver::segmentation(m, g);
      INFO("round " << round);
      CHECK(segmentation_cells(g, s) == segmentation_reference(m, g));
      // Every witness is a flow of its cell: from a member of the row to a member of the column, on its protocol,
      // on ports of the cell.
      for (const auto& c : s.cells) {
        for (const auto& w : c.witnesses) {
          CHECK(c.ports[static_cast<std::size_t>(w.protocol)].contains(w.ports));
          const int from = g.ip_configuration_group[w.source.nic][w.source.ip_configuration];
          const auto extra = g.extra_groups.find(w.source);
          CHECK((from == c.from ||
                 (extra != g.extra_groups.end() &&
                  std::find(extra->second.begin(), extra->second.end(), c.from) != extra->second.end())));
        }
      }
    }
  }
}

namespace {

/// Whether two flows are the same, field by field (but ReachFlow::targets, which only merged targets set).
bool segmentation_same_flow(const solver::ReachFlow& a, const solver::ReachFlow& b) {
  const auto hops = [](const solver::ReachFlow& f) {
    std::vector<std::tuple<int, int, int, std::string, int, std::string>> out;
    for (const auto& h : f.path) {
      out.emplace_back(static_cast<int>(h.kind), static_cast<int>(h.resource_kind), h.resource, h.scope, h.rule,
                       h.note);
    }
    return out;
  };
  return a.source == b.source && a.source_vm == b.source_vm && a.source_subnet == b.source_subnet &&
         a.target_kind == b.target_kind && a.target == b.target && a.nic == b.nic &&
         a.ip_configuration == b.ip_configuration && a.vm == b.vm && a.protocol == b.protocol && a.ports == b.ports &&
         a.source_ports == b.source_ports && a.sources == b.sources && a.destinations == b.destinations &&
         hops(a) == hops(b) && (a.broken == nullptr) == (b.broken == nullptr);
}

/// The matrix, witnesses included, folded from plain reach() calls (each with its own context, no merged sources or
/// targets) from every subnet: a cell's witness for a protocol is the flow of the smallest (source, target), the first
/// in reach()'s order among equals.
std::map<std::pair<int, int>, std::map<int, solver::ReachFlow>> segmentation_plain_witnesses(const model::Model& m,
                                                                                             const solver::Grouping& g,
                                                                                             SegmentationCells& cells) {
  const auto groups = [&](int nic, int cfg) {
    std::vector<int> out;
    if (g.ip_configuration_group[nic][cfg] >= 0) out.push_back(g.ip_configuration_group[nic][cfg]);
    if (const auto it = g.extra_groups.find({nic, cfg}); it != g.extra_groups.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
    }
    return out;
  };
  std::map<std::pair<int, int>, std::map<int, solver::ReachFlow>> out;
  for (std::size_t s = 0; s < m.subnets.size(); ++s) {
    solver::ReachSource from;
    from.kind = solver::ReachSource::Kind::kSubnet;
    from.subnet = static_cast<int>(s);
    for (const auto& f : solver::reach(m, from).flows) {
      if (f.source.nic < 0) continue;
      std::vector<int> to;
      if (f.target_kind == model::ResourceKind::kPrivateEndpoint) {
        if (g.private_endpoint_group[f.target] >= 0) to.push_back(g.private_endpoint_group[f.target]);
      } else {
        to = groups(f.nic, f.ip_configuration);
      }
      for (const int a : groups(f.source.nic, f.source.ip_configuration)) {
        for (const int b : to) {
          auto& ports = cells[{g.names[a], g.names[b]}][static_cast<std::size_t>(f.protocol)];
          ports = ports.unite(f.ports);
          auto& cell = out[{a, b}];
          const auto key = [](const solver::ReachFlow& x) {
            return std::tuple{x.source, static_cast<int>(x.target_kind), x.target, x.ip_configuration};
          };
          const auto w = cell.find(static_cast<int>(f.protocol));
          if (w == cell.end()) {
            cell.emplace(static_cast<int>(f.protocol), f);
          } else if (key(f) < key(w->second)) {
            w->second = f;
          }
        }
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("the matrix with the shared context and merged targets equals the one of plain reach calls",
          "[solver][segmentation][east-west]") {
  std::mt19937_64 rng(20261208);
  int merged = 0;
  for (int round = 0; round < test::rounds(40); ++round) {
    const model::Model m = segmentation_random_estate(rng);
    INFO("round " << round);
    // reach() with one context for every call gives what it gives with its own context per call.
    const solver::ReachContext context(m);
    for (std::size_t s = 0; s < m.subnets.size(); ++s) {
      solver::ReachSource from;
      from.kind = solver::ReachSource::Kind::kSubnet;
      from.subnet = static_cast<int>(s);
      const auto alone = solver::reach(m, from);
      const auto shared = solver::reach(m, from, {}, context);
      REQUIRE(alone.flows.size() == shared.flows.size());
      REQUIRE(alone.broken.size() == shared.broken.size());
      for (std::size_t i = 0; i < alone.flows.size(); ++i)
        CHECK(segmentation_same_flow(alone.flows[i], shared.flows[i]));
      for (std::size_t i = 0; i < alone.broken.size(); ++i) {
        CHECK(segmentation_same_flow(alone.broken[i], shared.broken[i]));
      }
      CHECK(alone.evaluations == shared.evaluations);
      CHECK(alone.target_classes == shared.target_classes);
    }
    // segmentation() (one context, sources merged by class, targets merged by group) against plain reach() calls.
    for (const auto& g : {solver::group_by_subnet(m), solver::group_by_asg(m)}) {
      SegmentationCells cells;
      const auto witnesses = segmentation_plain_witnesses(m, g, cells);
      const auto s = solver::segmentation(m, g);
      CHECK(segmentation_cells(g, s) == cells);
      REQUIRE(s.cells.size() == witnesses.size());
      for (const auto& c : s.cells) {
        const auto& expected = witnesses.at({c.from, c.to});
        REQUIRE(c.witnesses.size() == expected.size());
        for (const auto& w : c.witnesses) {
          CHECK(segmentation_same_flow(w, expected.at(static_cast<int>(w.protocol))));
          if (w.targets > 1) ++merged;
        }
      }
    }
  }
  // The estates exercise the merging: some witnesses stand for several targets. Over the full rounds only: the
  // sanitized build runs a fifth of them (tests/test_scale.h) and checks the agreement alone.
  if (test::kRoundDivisor == 1) CHECK(merged > 10);
}

TEST_CASE("the PaaS columns of the matrix are what reach from each subnet finds of each service",
          "[solver][segmentation][paas]") {
  // Cross-check: every subnet that has a group, reach() from the subnet with ReachOptions::paas (PaaS targets only,
  // one flow per source), its ports by service united; the matrix's cell (subnet's group, paas:SERVICE) holds exactly
  // those, and no other PaaS cell exists. examples/paas-private-link: its private-endpoints subnet holds private
  // endpoints only, so reach() starts from its whole prefix, folded by its members as merged flows are.
  for (const char* example : {"paas-private-link", "restricted-admin", "hub-and-spoke"}) {
    INFO(example);
    const model::Model m = testing::load_example(example);
    solver::Grouping g = solver::group_by_subnet(m);
    const std::size_t plain = g.names.size();
    solver::add_paas_groups(m, g);
    REQUIRE(g.names.size() == plain + m.paas_services.size());
    const solver::Segmentation s = solver::segmentation(m, g);
    std::map<std::pair<int, int>, model::PortSet> cells;
    for (const auto& c : s.cells) {
      if (static_cast<std::size_t>(c.to) < plain) continue;
      CHECK(static_cast<std::size_t>(c.from) < plain);  // a service is never a row
      for (std::size_t p = 0; p < model::kProtocolCount; ++p) {
        if (p != static_cast<std::size_t>(model::Protocol::kTcp)) CHECK(c.ports[p].empty());
      }
      cells[{c.from, c.to}] = c.ports[static_cast<std::size_t>(model::Protocol::kTcp)];
    }
    std::map<std::pair<int, int>, model::PortSet> expected;
    for (std::size_t sub = 0; sub < m.subnets.size(); ++sub) {
      const auto& subnet = m.subnets[sub];
      const std::string name =
          (subnet.vnet.resolved() ? m.vnets[subnet.vnet.index].name + "/" : std::string()) + subnet.name;
      const auto at = std::find(g.names.begin(), g.names.begin() + static_cast<std::ptrdiff_t>(plain), name);
      if (at == g.names.begin() + static_cast<std::ptrdiff_t>(plain)) continue;
      const int row = static_cast<int>(at - g.names.begin());
      solver::ReachSource from;
      from.kind = solver::ReachSource::Kind::kSubnet;
      from.subnet = static_cast<int>(sub);
      solver::ReachOptions options;
      options.paas = true;
      options.targets = [](model::ResourceKind kind, int) { return kind == model::ResourceKind::kPaasService; };
      for (const auto& f : solver::reach(m, from, options).flows) {
        REQUIRE(f.target_kind == model::ResourceKind::kPaasService);
        auto& ports = expected[{row, g.paas_service_group[static_cast<std::size_t>(f.target)]}];
        ports = ports.unite(f.ports);
      }
    }
    CHECK(cells == expected);
    if (std::string(example) == "paas-private-link") CHECK_FALSE(expected.empty());
  }
}

}  // namespace exposim
