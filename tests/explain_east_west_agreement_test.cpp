// explain() of east-west flows agrees with reach() (solver/east_west.h): for random packets between the ip
// configurations of a few estates, explain allows a packet exactly when reach() reports a flow from its source to its
// target holding it, through the same deciding rules (the NSGs' at each scope, the firewall's, the admin rules'), and
// calls it broken exactly when reach() reports it among its broken flows.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "example_model.h"
#include "importers/inputs.h"
#include "model/model.h"
#include "model/validate.h"
#include "solver/east_west.h"
#include "solver/explain.h"
#include "tests/test_scale.h"

namespace exposim {
namespace {

using model::Protocol;
using solver::FlowQuery;
using solver::FlowTrace;
using solver::HopKind;
using solver::ReachFlow;

model::Model agreement_input(const std::string& file) {
  model::Model m;
  model::Diagnostics diags;
  const auto reports = importers::import_inputs(
      {(std::filesystem::path(EXPOSIM_SOURCE_DIR) / "tests" / "golden" / "inputs" / file).string()}, {}, m, diags);
  model::validate(m, diags, model::ValidateOptions{importers::has_template(reports)});
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

/// The flow of `flows` from ip configuration `from` to ip configuration `to` holding the packet, or nullptr.
const ReachFlow* agreement_flow(const std::vector<ReachFlow>& flows, const model::IpConfigIndex& to,
                                const FlowQuery& q) {
  for (const auto& f : flows) {
    if (f.target_kind != model::ResourceKind::kNetworkInterface || f.nic != to.nic ||
        f.ip_configuration != to.ip_configuration || f.protocol != q.protocol) {
      continue;
    }
    if (!f.sources.contains(q.source.value)) continue;
    if (model::has_ports(q.protocol) &&
        (!f.ports.contains(q.destination_port) || !f.source_ports.contains(q.source_port))) {
      continue;
    }
    return &f;
  }
  return nullptr;
}

/// The deciding rules of a path, by kind and scope: "nsg(nic-outbound)=3/65000".
std::map<std::string, std::string> agreement_rules(const std::vector<solver::Hop>& path) {
  std::map<std::string, std::string> out;
  for (const auto& h : path) {
    if (h.kind != HopKind::kNsg && h.kind != HopKind::kFirewall && h.kind != HopKind::kAdminRule) continue;
    out[fmt::format("{}({})", solver::to_string(h.kind), h.scope)] = fmt::format("{}/{}", h.resource, h.rule);
  }
  return out;
}

/// What the random packets met: how many explain allowed.
struct AgreementCounts {
  int allowed{0};
};

AgreementCounts agreement_check(const model::Model& m, std::uint32_t seed, int rounds) {
  std::vector<model::IpConfigIndex> ends;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    for (std::size_t c = 0; c < m.nics[n].ip_configurations.size(); ++c) {
      const auto& cfg = m.nics[n].ip_configurations[c];
      if (cfg.private_ip && cfg.subnet.resolved()) ends.push_back({static_cast<int>(n), static_cast<int>(c)});
    }
  }
  REQUIRE(ends.size() >= 2);
  std::map<model::IpConfigIndex, solver::Reach> reaches;
  std::mt19937 rng(seed);
  const std::vector<int> ports = {22, 80, 443, 1433, 3389, 8443, 8080, 53, 5432, 12345};
  AgreementCounts counts;
  for (int i = 0; i < rounds; ++i) {
    const auto from = ends[rng() % ends.size()];
    const auto to = ends[rng() % ends.size()];
    if (from.nic == to.nic) continue;  // reach(): a NIC does not reach itself
    const auto& src = m.nics[from.nic].ip_configurations[from.ip_configuration];
    const auto& dst = m.nics[to.nic].ip_configurations[to.ip_configuration];
    if (src.family != dst.family) continue;
    FlowQuery q;
    q.source = *src.private_ip;
    q.target = model::ip_configuration_id(m.nics[to.nic], dst);
    const int p = static_cast<int>(rng() % 3);
    q.protocol = p == 0 ? Protocol::kTcp : p == 1 ? Protocol::kUdp : Protocol::kIcmp;
    q.destination_port = static_cast<std::uint16_t>(ports[rng() % ports.size()]);
    const FlowTrace t = solver::explain(m, q);
    INFO(fmt::format("{} -> {} {} {}", q.source.to_string(), q.target, model::to_string(q.protocol),
                     q.destination_port));
    REQUIRE(t.status == FlowTrace::Status::kOk);
    REQUIRE(t.east_west);
    auto it = reaches.find(from);
    if (it == reaches.end()) {
      solver::ReachSource s;
      s.kind = solver::ReachSource::Kind::kIpConfiguration;
      s.ip_configuration = from;
      it = reaches.emplace(from, solver::reach(m, s)).first;
    }
    const ReachFlow* flow = agreement_flow(it->second.flows, to, t.query);
    const ReachFlow* broken = agreement_flow(it->second.broken, to, t.query);
    CHECK(t.allowed == (flow != nullptr));
    CHECK(t.broken == (broken != nullptr));
    if (t.allowed) ++counts.allowed;
    const ReachFlow* witness = flow != nullptr ? flow : broken;
    if (witness != nullptr) {
      std::vector<solver::Hop> path;
      for (const auto& h : t.hops) path.push_back(solver::path_hop(m, h));
      CHECK(agreement_rules(path) == agreement_rules(witness->path));
    }
  }
  return counts;
}

}  // namespace

TEST_CASE("explain east-west agrees with reach on random packets", "[solver][explain][east-west]") {
  const int rounds = test::rounds(300);
  // Each estate has allowed packets (through the hub firewall's network rule, within a VNet), so that the
  // comparison is not vacuous.
  SECTION("the hub firewall estate") {
    CHECK(agreement_check(agreement_input("east-west-hub.json"), 21, rounds).allowed > 0);
  }
  SECTION("hub-and-spoke") { CHECK(agreement_check(testing::load_example("hub-and-spoke"), 22, rounds).allowed > 0); }
  SECTION("web-behind-lb") { CHECK(agreement_check(testing::load_example("web-behind-lb"), 23, rounds).allowed > 0); }
  SECTION("open-management") {
    CHECK(agreement_check(testing::load_example("open-management"), 24, rounds).allowed > 0);
  }
}

}  // namespace exposim
