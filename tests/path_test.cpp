// The path engine (solver/path.h): one list of stages per (entry, target), from which analyze's exposure paths and
// explain's traces are both built.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "cli/explain_text.h"
#include "example_model.h"
#include "importers/azure/resource_importer.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/explain.h"
#include "solver/exposure.h"
#include "solver/path.h"
#include "tests/path_check.h"

namespace exposim {
namespace {

namespace fs = std::filesystem;
using solver::HopKind;
using solver::Via;
using testing::load_example;

/// (kind, resource kind, resource, scope) of a stage or a hop, as text: what the path is made of, not what deciding
/// it gave.
using Step = std::string;

Step step(HopKind kind, model::ResourceKind rk, int resource, std::string_view scope) {
  return fmt::format("{}:{}:{}:{}", solver::to_string(kind), model::to_string(rk), resource, scope);
}

using testing::path_check::entry_of;

/// explain names the scope of its NSG hops only (its load balancer and route hops have none).
template <typename H>
std::string_view nsg_scope(const H& h) {
  return h.kind == HopKind::kNsg || h.kind == HopKind::kNoNsg ? h.scope : "";
}

/// The step of a hop as the stage lists it: a security admin rule hop that names its deciding rule stands for the
/// admin stage of the target's VNet (`vnet`).
template <typename H>
Step path_hop_step(const H& h, int vnet, std::string_view scope) {
  if (h.kind == HopKind::kAdminRule && h.resource_kind == model::ResourceKind::kAdminRule) {
    return step(h.kind, model::ResourceKind::kVirtualNetwork, vnet, scope);
  }
  return step(h.kind, h.kind == HopKind::kSource ? model::ResourceKind::kInternet : h.resource_kind,
              h.kind == HopKind::kSource ? -1 : h.resource, scope);
}

/// Whether an AlwaysAllow security admin rule decides the hops: Azure then does not evaluate the NSGs, whose stages
/// are not on the path.
template <typename Hops>
bool path_skips_nsgs(const model::Model& m, const Hops& hops) {
  return std::any_of(hops.begin(), hops.end(), [&](const auto& h) {
    return h.kind == HopKind::kAdminRule && h.resource_kind == model::ResourceKind::kAdminRule &&
           m.admin_rules[h.resource].access == model::AdminAccess::kAlwaysAllow;
  });
}

}  // namespace

TEST_CASE("path: the stages of an ip configuration by entry, in the packet's order", "[solver][path]") {
  const auto m = load_example("web-behind-lb");
  const auto a = solver::analyze(m);
  std::map<Via, int> seen;
  for (const auto& e : a.exposures) {
    if (e.nic < 0 || seen[e.via]++ > 0) continue;
    const auto stages = solver::inbound_path(m, entry_of(e), model::IpConfigIndex{e.nic, e.ip_configuration});
    std::vector<HopKind> kinds;
    for (const auto& s : stages) kinds.push_back(s.kind == HopKind::kNoNsg ? HopKind::kNsg : s.kind);
    std::vector<HopKind> want = {HopKind::kSource, HopKind::kEntry};
    if (e.via == Via::kLoadBalancer || e.via == Via::kLoadBalancerNat) want.push_back(HopKind::kLoadBalancer);
    want.insert(want.end(), {HopKind::kNsg, HopKind::kNsg, HopKind::kRoute, HopKind::kTarget});
    INFO(solver::to_string(e.via));
    CHECK(kinds == want);
    const auto nsgs = solver::nsg_stages(stages);
    CHECK(std::string_view(nsgs[0]->scope) == "subnet");
    CHECK(std::string_view(nsgs[1]->scope) == "nic");
    CHECK(stages[1].resource == e.public_ip);
    CHECK(stages.back().resource == e.nic);
  }
  CHECK(seen[Via::kLoadBalancer] > 0);
  CHECK(seen[Via::kLoadBalancerNat] > 0);
}

TEST_CASE("path: analyze's exposure paths and explain's hops are the stages of inbound_path()", "[solver][path]") {
  std::map<Via, int> analyzed, explained;
  int pools = 0;  // NAT pool entries explained (scale-set-nat-pool)
  for (const auto& dir : fs::directory_iterator(fs::path(EXPOSIM_SOURCE_DIR) / "examples")) {
    if (!dir.is_directory()) continue;
    const auto m = load_example(dir.path().filename().string());
    INFO(dir.path().filename().string());
    const auto a = solver::analyze(m, {});
    for (const auto& e : a.exposures) {
      if (e.nic < 0 || e.via == Via::kApplicationGateway) continue;
      const model::IpConfigIndex x{e.nic, e.ip_configuration};
      const auto stages = solver::inbound_path(m, entry_of(e), x);
      // analyze: every stage but the routes (an exposure shows the reply's route, before its NSGs, only when the
      // entry decides it) and a Developer Bastion's own entry; the NSG stages' deciding rules are what analyze
      // evaluated.
      std::vector<Step> want, got;
      const int subnet = m.nics[e.nic].ip_configurations[e.ip_configuration].subnet.index;
      const int vnet = subnet >= 0 ? m.subnets[subnet].vnet.index : -1;
      const bool skip_nsgs = path_skips_nsgs(m, e.path);
      for (const auto& s : stages) {
        if (s.kind == HopKind::kRoute) continue;
        if (s.kind == HopKind::kEntry && s.resource_kind == model::ResourceKind::kBastionHost) continue;
        if (skip_nsgs && (s.kind == HopKind::kNsg || s.kind == HopKind::kNoNsg)) continue;
        want.push_back(step(s.kind, s.resource_kind, s.resource, s.scope));
      }
      for (const auto& h : e.path) {
        if (h.kind != HopKind::kRoute) got.push_back(path_hop_step(h, vnet, h.scope));
      }
      INFO(solver::to_string(e.via));
      CHECK(got == want);
      ++analyzed[e.via];

      // explain, for the ip-configuration entries, firewall DNAT to an ip configuration and Bastion sessions, with
      // one packet of the exposure: every stage but analyze's target hop, in the same order, each decided.
      const bool dnat = e.via == Via::kFirewallDnat && e.load_balancer < 0;
      const bool bastion = e.via == Via::kBastion;
      if (e.via != Via::kPublicIp && e.via != Via::kLoadBalancer && e.via != Via::kLoadBalancerNat && !dnat &&
          !bastion) {
        continue;
      }
      std::optional<model::IpAddress> at = e.entry_address;
      if (e.public_ip >= 0) at = m.public_ips[e.public_ip].address;
      if (!at && !bastion) continue;
      solver::FlowQuery q;
      q.source = model::IpAddress{e.sources.intervals().front().lo};
      q.protocol = e.protocol;
      q.source_port = e.source_ports.intervals().front().lo;
      if (bastion) {  // a session: --via bastion:NAME to the ip configuration, on a port of the target
        q.via_bastion = true;
        q.bastion = m.bastion_hosts[e.gateway].id;
        q.target = model::ip_configuration_id(m.nics[e.nic], m.nics[e.nic].ip_configurations[e.ip_configuration]);
        q.destination_port = e.ports.intervals().front().lo;
      } else {
        q.target = at->to_string();
        q.destination_port = e.entry_ports.intervals().front().lo;
      }
      if (e.via == Via::kLoadBalancer || e.via == Via::kLoadBalancerNat) {
        q.backend = model::ip_configuration_id(m.nics[e.nic], m.nics[e.nic].ip_configurations[e.ip_configuration]);
      }
      const auto t = solver::explain(m, q, &a);
      REQUIRE(t.status == solver::FlowTrace::Status::kOk);
      INFO(cli::verdict_text(m, t));
      std::vector<Step> traced, listed;
      const bool traced_skips_nsgs = path_skips_nsgs(m, t.hops);
      for (const auto& s : stages) {
        if (s.kind == HopKind::kTarget) continue;
        if (traced_skips_nsgs && (s.kind == HopKind::kNsg || s.kind == HopKind::kNoNsg)) continue;
        listed.push_back(step(s.kind, s.resource_kind, s.resource, nsg_scope(s)));
      }
      for (const auto& h : t.hops) {
        // explain's source hop names the client, not a resource.
        traced.push_back(path_hop_step(h, vnet, nsg_scope(h)));
      }
      CHECK(traced == listed);
      if (e.via == Via::kLoadBalancer || e.via == Via::kLoadBalancerNat) {
        const auto lb = std::find_if(t.hops.begin(), t.hops.end(),
                                     [](const solver::TraceHop& h) { return h.kind == HopKind::kLoadBalancer; });
        REQUIRE(lb != t.hops.end());
        CHECK(lb->lb_rule == entry_of(e).rule);
      }
      ++explained[e.via];
      pools += entry_of(e).nat_pool ? 1 : 0;
    }
  }
  for (const Via v : {Via::kPublicIp, Via::kLoadBalancer, Via::kLoadBalancerNat, Via::kFirewallDnat, Via::kBastion}) {
    INFO(solver::to_string(v));
    CHECK(analyzed[v] > 0);
    CHECK(explained[v] > 0);
  }
  CHECK(pools > 0);
}

TEST_CASE("path: gateway backends, entry points' own entries and PaaS endpoints are the stages of the engine",
          "[solver][path]") {
  testing::path_check::Counts n;
  for (const auto& dir : fs::directory_iterator(fs::path(EXPOSIM_SOURCE_DIR) / "examples")) {
    if (!dir.is_directory()) continue;
    const auto m = load_example(dir.path().filename().string());
    INFO(dir.path().filename().string());
    testing::path_check::check_paths(m, solver::analyze(m, {}), n);
  }
  for (const char* kind : {"application-gateway", "own:bastion-host", "own:application-gateway", "own:firewall", "paas",
                           "bastion", "public-ip", "load-balancer", "firewall-dnat"}) {
    INFO(kind);
    CHECK(n.analyzed[kind] > 0);
    CHECK(n.explained[kind] > 0);
  }
}

}  // namespace exposim

namespace exposim {

TEST_CASE("path: a packet no load balancer rule takes ends at the head of the load balancer's path", "[solver][path]") {
  const auto m = load_example("web-behind-lb");
  int lb = -1;
  int pip = -1;
  for (std::size_t l = 0; l < m.load_balancers.size() && lb < 0; ++l) {
    for (const auto& fe : m.load_balancers[l].frontends) {
      if (fe.public_ip.resolved() && m.public_ips[fe.public_ip.index].address) {
        lb = static_cast<int>(l);
        pip = fe.public_ip.index;
        break;
      }
    }
  }
  REQUIRE(lb >= 0);
  solver::FlowQuery q;
  q.source = *model::IpAddress::parse("203.0.113.7");
  q.target = m.public_ips[pip].address->to_string();
  q.destination_port = 1;  // no rule of the example's load balancer serves TCP 1
  const auto t = solver::explain(m, q);
  REQUIRE(t.status == solver::FlowTrace::Status::kOk);
  solver::PathEntry e;
  e.via = Via::kLoadBalancer;
  e.public_ip = pip;
  e.load_balancer = lb;
  std::vector<Step> traced, listed;
  for (const auto& s : solver::load_balancer_head_path(e))
    listed.push_back(step(s.kind, s.resource_kind, s.resource, ""));
  for (const auto& h : t.hops) {
    traced.push_back(step(h.kind, h.kind == HopKind::kSource ? model::ResourceKind::kInternet : h.resource_kind,
                          h.kind == HopKind::kSource ? -1 : h.resource, ""));
  }
  CHECK(traced == listed);
  CHECK(listed.size() == 3);
  CHECK(t.hops.back().lb_rule == -1);  // no rule matched
  CHECK_FALSE(t.hops.back().passes);
}

}  // namespace exposim
