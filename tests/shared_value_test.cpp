// Tests of solver::SharedValue (one immutable value that copies share) and of analyze() handing every exposure of one
// evaluation result the same source set, and the exposures of one target with the same deciding rules the same path.
#include <catch2/catch.hpp>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "model/ip.h"
#include "model_builder.h"
#include "solver/analysis.h"
#include "solver/exposure.h"
#include "solver/shared_value.h"

namespace {

namespace model = exposim::model;
namespace solver = exposim::solver;
using model::IpSet;
using solver::Hop;
using solver::HopKind;
using solver::SharedValue;

IpSet addresses_of(const std::vector<std::string>& texts) {
  IpSet s;
  for (const auto& t : texts) s = s.unite(model::to_set(*model::IpPrefix::parse(t)));
  return s;
}

std::size_t count_prefixes(const IpSet& s) { return model::to_prefixes(s).size(); }

Hop nsg_hop(int resource, int rule) {
  Hop h;
  h.kind = HopKind::kNsg;
  h.resource_kind = model::ResourceKind::kNetworkSecurityGroup;
  h.resource = resource;
  h.scope = "subnet";
  h.rule = rule;
  return h;
}

TEST_CASE("a shared source set reads and compares like the set", "[solver]") {
  const IpSet value = addresses_of({"203.0.113.0/24", "198.51.100.0/25"});
  const SharedValue<IpSet> s = value;
  CHECK(s == value);
  CHECK(value == s);
  CHECK(s != addresses_of({"203.0.113.0/24"}));
  CHECK(!s.empty());
  CHECK(s.size() == 2);  // two intervals
  CHECK(s.intervals() == value.intervals());
  CHECK(s.contains(model::IpAddress::parse("203.0.113.7")->value));
  CHECK(!s.contains(model::IpAddress::parse("198.51.100.200")->value));
  CHECK(s.contains(addresses_of({"198.51.100.0/26"})));
  CHECK(s.intersects(addresses_of({"198.51.100.64/26"})));
  CHECK(s.intersect(addresses_of({"203.0.113.128/25", "192.0.2.0/24"})) == addresses_of({"203.0.113.128/25"}));
  CHECK(s.subtract(addresses_of({"203.0.113.0/24"})) == addresses_of({"198.51.100.0/25"}));
  CHECK(s.unite(addresses_of({"198.51.100.128/25"})) == addresses_of({"203.0.113.0/24", "198.51.100.0/24"}));
  CHECK(count_prefixes(s) == 2);  // passes as a `const IpSet&`
  const IpSet& read = s;
  CHECK(&read == &s.get());
  CHECK(s < addresses_of({"203.0.113.0/24"}));  // ordered as the sets are: 198.51.100.0 comes first
  CHECK(SharedValue<IpSet>(addresses_of({"198.51.100.0/25"})) < s);
}

TEST_CASE("the empty shared value reads as an empty value and equals an empty one", "[solver]") {
  const SharedValue<IpSet> none;
  CHECK(none.empty());
  CHECK(none == IpSet());
  CHECK(none == SharedValue<IpSet>(IpSet()));
  CHECK(!none.shares(SharedValue<IpSet>()));  // neither holds a value
  const SharedValue<std::vector<Hop>> no_path;
  CHECK(no_path.size() == 0);
  CHECK(no_path.begin() == no_path.end());
}

TEST_CASE("a shared hop path reads, iterates and orders like the vector", "[solver]") {
  const std::vector<Hop> hops = {Hop{}, nsg_hop(3, 7), nsg_hop(4, -1)};
  const SharedValue<std::vector<Hop>> p = hops;
  REQUIRE(p.size() == 3);
  CHECK(p[1].resource == 3);
  CHECK(p[1].rule == 7);
  CHECK(p.front().kind == HopKind::kSource);
  CHECK(p.back().resource == 4);
  int rules = 0;
  for (const Hop& h : p) rules += h.rule;
  CHECK(rules == 7 - 1 - 1);
  CHECK(std::distance(p.begin(), p.end()) == 3);
  const std::vector<Hop>& read = p;
  CHECK(read.size() == 3);
  CHECK(&read[0] == &p[0]);
}

TEST_CASE("copies of a shared value share it and a write through one leaves the others", "[solver]") {
  SharedValue<IpSet> a = addresses_of({"203.0.113.0/24"});
  SharedValue<IpSet> b = a;
  CHECK(b.shares(a));
  CHECK(&b.get() == &a.get());
  CHECK(b == a);
  // Copy on write: b gets a set of its own, a keeps the old one.
  b.edit().add(model::IpAddress::parse("192.0.2.1")->value, model::IpAddress::parse("192.0.2.1")->value);
  CHECK(!b.shares(a));
  CHECK(a == addresses_of({"203.0.113.0/24"}));
  CHECK(b == addresses_of({"203.0.113.0/24", "192.0.2.1/32"}));
  // A handle that no other shares is edited in place.
  const IpSet* before = &b.get();
  b.edit().add(model::IpAddress::parse("192.0.2.2")->value, model::IpAddress::parse("192.0.2.2")->value);
  CHECK(&b.get() == before);
  CHECK(b == addresses_of({"203.0.113.0/24", "192.0.2.1/32", "192.0.2.2/32"}));
  // Assigning a value: a value of its own too.
  SharedValue<IpSet> c = a;
  c = addresses_of({"192.0.2.0/24"});
  CHECK(!c.shares(a));
  CHECK(a == addresses_of({"203.0.113.0/24"}));
  CHECK(c == addresses_of({"192.0.2.0/24"}));
  // Equal values held apart compare equal without sharing.
  const SharedValue<IpSet> d = addresses_of({"203.0.113.0/24"});
  CHECK(d == a);
  CHECK(!d.shares(a));

  SharedValue<std::vector<Hop>> p = std::vector<Hop>{Hop{}, nsg_hop(1, 2)};
  SharedValue<std::vector<Hop>> q = p;
  q.edit().back().rule = 5;
  q.edit().push_back(nsg_hop(2, 0));
  CHECK(p.size() == 2);
  CHECK(p.back().rule == 2);
  CHECK(q.size() == 3);
  CHECK(q[1].rule == 5);
}

TEST_CASE("a shared value outlives the handle that made it and copies on four threads keep it", "[solver]") {
  SharedValue<IpSet> kept;
  {
    const SharedValue<IpSet> first = addresses_of({"203.0.113.0/24"});
    kept = first;
  }
  CHECK(kept == addresses_of({"203.0.113.0/24"}));
  const IpSet expected = addresses_of({"203.0.113.0/24"});
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&kept, &expected, &wrong, t] {
      for (int i = 0; i < 20000; ++i) {
        SharedValue<IpSet> copy = kept;
        if (!(copy == expected) || !copy.shares(kept)) ++wrong[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong == std::vector<int>(4, 0));
  CHECK(kept == expected);
}

TEST_CASE("a pool of shared values gives equal values one handle", "[solver]") {
  solver::SharedValuePool<IpSet> pool;
  const SharedValue<IpSet> a = pool.intern(addresses_of({"203.0.113.0/24"}));
  const SharedValue<IpSet> b = pool.intern(addresses_of({"198.51.100.0/24"}));
  const SharedValue<IpSet> c = pool.intern(addresses_of({"203.0.113.0/25", "203.0.113.128/25"}));  // equal to a
  const SharedValue<IpSet> own = addresses_of({"198.51.100.0/24"});
  const SharedValue<IpSet> d = pool.intern(own);
  CHECK(c.shares(a));
  CHECK(!b.shares(a));
  CHECK(d.shares(b));
  CHECK(!d.shares(own));  // the first handle with that value stays the pool's
  CHECK(pool.size() == 2);
  CHECK(a == addresses_of({"203.0.113.0/24"}));
  CHECK(b == addresses_of({"198.51.100.0/24"}));
  const SharedValue<IpSet> e = pool.intern(own);
  CHECK(e.shares(b));
  CHECK(pool.intern(IpSet()).empty());
  CHECK(pool.size() == 3);
}

// Two VMs in one subnet whose NSG alone decides: one evaluation for both. Its pieces: port 22 from 52.10.0.0/24 for
// every protocol (one rule, protocol *: Tcp and Udp port 22, and the portless protocols), and Tcp 443 from the
// internet (another rule).
exposim::testing::EstateBuilder twin_vms() {
  using namespace exposim::testing;
  EstateBuilder b;
  b.vnet("VNet1", {"10.0.0.0/16"})
      .nsg("NSG1", {{"Allow-Ssh", 100, kAllow, any_protocol(), {"52.10.0.0/24"}, {"22"}},
                    {"Allow-Https", 110, kAllow, tcp(), {"Internet"}, {"443"}}})
      .subnet("VNet1", "Subnet1", "10.0.1.0/24", "NSG1")
      .public_ip("pip1", "20.0.0.1", model::Sku::kStandard)
      .public_ip("pip2", "20.0.0.2", model::Sku::kStandard)
      .vm("VM1", "VNet1", "Subnet1", "10.0.1.4", "pip1")
      .vm("VM2", "VNet1", "Subnet1", "10.0.1.5", "pip2");
  return b;
}

TEST_CASE("analyze gives the exposures of one evaluation one source set and those of one rule one path", "[solver]") {
  auto b = twin_vms();
  const model::Model m = b.done();
  const solver::Analysis a = solver::analyze(m);
  CHECK(a.targets_evaluated == 2);
  CHECK(a.distinct_evaluations == 1);
  std::vector<const solver::Exposure*> ssh[2];    // per VM: one per protocol
  std::vector<const solver::Exposure*> https[2];  // per VM: tcp 443
  for (const auto& e : a.exposures) {
    int rule = -1;
    for (const Hop& h : e.path) {
      if (h.kind == HopKind::kNsg) rule = h.rule;
    }
    REQUIRE(rule >= 0);
    REQUIRE((e.nic == 0 || e.nic == 1));
    (m.nsgs[0].rules[static_cast<std::size_t>(rule)].name == "Allow-Ssh" ? ssh : https)[e.nic].push_back(&e);
  }
  REQUIRE(https[0].size() == 1);
  REQUIRE(https[1].size() == 1);
  REQUIRE(ssh[0].size() == model::kProtocolCount);
  REQUIRE(ssh[1].size() == model::kProtocolCount);
  // One source set for all the pieces with the same sources, on both VMs.
  const auto& from_ssh = ssh[0][0]->sources;
  CHECK(from_ssh == addresses_of({"52.10.0.0/24"}));
  for (const auto& vm : ssh) {
    for (const auto* e : vm) CHECK(e->sources.shares(from_ssh));
  }
  CHECK(https[0][0]->sources.shares(https[1][0]->sources));
  CHECK(https[0][0]->sources == a.internet.intersect(model::all_v4()));
  CHECK(!https[0][0]->sources.shares(from_ssh));
  // One path per target and deciding rules: a VM's protocols share theirs; the VMs' paths differ (their public IPs).
  for (const auto& vm : ssh) {
    for (const auto* e : vm) CHECK(e->path.shares(vm[0]->path));
  }
  CHECK(!ssh[0][0]->path.shares(ssh[1][0]->path));
  CHECK(ssh[0][0]->path[1].kind == HopKind::kEntry);
  CHECK(ssh[0][0]->path[1].resource != ssh[1][0]->path[1].resource);
  CHECK(!ssh[0][0]->path.shares(https[0][0]->path));
}

TEST_CASE("analyze gives equal source sets of two evaluations one handle", "[solver]") {
  using namespace exposim::testing;
  EstateBuilder b;
  b.vnet("VNet1", {"10.0.0.0/16"})
      .nsg("NSG1", {{"Allow-Ssh", 100, kAllow, tcp(), {"52.10.0.0/24"}, {"22"}}})
      .nsg("NSG2", {{"Allow-Ssh-Too", 200, kAllow, tcp(), {"52.10.0.0/24"}, {"2222"}}})
      .subnet("VNet1", "Subnet1", "10.0.1.0/24", "NSG1")
      .subnet("VNet1", "Subnet2", "10.0.2.0/24", "NSG2")
      .public_ip("pip1", "20.0.0.1", model::Sku::kStandard)
      .public_ip("pip2", "20.0.0.2", model::Sku::kStandard)
      .vm("VM1", "VNet1", "Subnet1", "10.0.1.4", "pip1")
      .vm("VM2", "VNet1", "Subnet2", "10.0.2.4", "pip2");
  const model::Model m = b.done();
  const solver::Analysis a = solver::analyze(m);
  CHECK(a.distinct_evaluations == 2);
  REQUIRE(a.exposures.size() == 2);
  CHECK(a.exposures[0].ports != a.exposures[1].ports);  // 22 and 2222: two evaluations, two rules
  CHECK(a.exposures[0].sources == addresses_of({"52.10.0.0/24"}));
  CHECK(a.exposures[0].sources.shares(a.exposures[1].sources));
}

}  // namespace
