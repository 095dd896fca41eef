// Attack paths (solver/attack_path.h, docs/model.md "Attack paths"): the internet's exposure chained with east-west
// reachability, worked out by hand on examples/three-tier (its README) and on small estates built in code.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "importers/azure/resource_importer.h"
#include "model/validate.h"
#include "solver/attack_path.h"
#include "solver/broken.h"
#include "solver/exposure.h"
#include "tests/model_builder.h"

using namespace exposim;
using namespace exposim::testing;
using solver::AttackRank;

namespace {

const std::string kAttackThreeTier = std::string(EXPOSIM_SOURCE_DIR) + "/examples/three-tier/estate.json";

model::Model attack_three_tier() {
  model::Model m;
  model::Diagnostics diags;
  importers::azure::import_file(kAttackThreeTier, m, diags);
  model::validate(m, diags);
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

std::string attack_target_name(const model::Model& m, const solver::ReachFlow& f) {
  if (f.target_kind == model::ResourceKind::kPrivateEndpoint) return m.private_endpoints[f.target].name;
  return f.vm >= 0 ? m.vms[f.vm].name : m.nics[f.nic].name;
}

/// "critical: vm-web-1 -> vm-app-1 (tcp 8080) -> vm-db-1 (tcp 1433)": the rank, the entry's VM, and each step's
/// target with the TCP ports of its flows.
std::string attack_text(const model::Model& m, const solver::AttackPath& p) {
  std::string s = std::string(solver::to_string(p.rank)) + ": " + m.vms[p.entry_vm].name;
  for (const auto& step : p.steps) {
    model::PortSet tcp;
    for (const auto& f : step.flows) {
      if (f.protocol == model::Protocol::kTcp) tcp = tcp.unite(f.ports);
    }
    s += " -> " + attack_target_name(m, step.flows.front()) + " (tcp " +
         (tcp.is_all() ? std::string("all") : model::to_string(tcp)) + ")";
  }
  return s;
}

std::vector<std::string> attack_texts(const model::Model& m, const solver::AttackPaths& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths.paths) out.push_back(attack_text(m, p));
  return out;
}

solver::AttackPathOptions critical_vm(const model::Model& m, const std::string& vm) {
  solver::AttackPathOptions o;
  o.critical = [&m, vm](model::IpConfigIndex x) {
    const int v = m.nics[x.nic].virtual_machine.index;
    return v >= 0 && m.vms[v].name == vm;
  };
  return o;
}

/// vnet 10.0.0.0/16: web 10.0.1.0/24 behind nsg-web (allow TCP 22 from Internet, 100), vm web 10.0.1.4 with public
/// IP pip-web 20.0.0.1 (Standard); app 10.0.2.0/24, vm app 10.0.2.4, no NSG; pe 10.0.3.0/24 (network policies
/// disabled) with private endpoints pe-kv 10.0.3.5 (Key Vault kv) and pe-st 10.0.3.6 (storage st).
model::Model attack_estate(bool public_ip) {
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"})
      .subnet("vnet", "web", "10.0.1.0/24", "nsg-web")
      .subnet("vnet", "app", "10.0.2.0/24")
      .subnet("vnet", "pe", "10.0.3.0/24")
      .nsg("nsg-web", {{"allow-ssh", 100, kAllow, tcp(), {"Internet"}, {"22"}}})
      .public_ip("pip-web", "20.0.0.1", model::Sku::kStandard)
      .vm("web", "vnet", "web", "10.0.1.4", public_ip ? "pip-web" : "")
      .vm("app", "vnet", "app", "10.0.2.4");
  const auto service = [&](model::PaasKind kind, const std::string& name) {
    model::PaasService s;
    s.id = rid("Microsoft.Test/services", name);
    s.key = model::canonical_id(s.id);
    s.name = name;
    s.kind = kind;
    s.public_network_access = model::PublicNetworkAccess::kDisabled;
    b.m.paas_services.push_back(s);
    model::PrivateEndpoint pe;
    pe.name = "pe-" + name;
    pe.id = rid("Microsoft.Network/privateEndpoints", pe.name);
    pe.key = model::canonical_id(pe.id);
    pe.subnet.id = model::canonical_id(rid("Microsoft.Network/virtualNetworks", "vnet") + "/subnets/pe");
    pe.private_ips.push_back(*model::IpAddress::parse(kind == model::PaasKind::kKeyVault ? "10.0.3.5" : "10.0.3.6"));
    model::PrivateLinkConnection c;
    c.name = "c";
    c.target.id = s.key;
    pe.connections.push_back(c);
    b.m.private_endpoints.push_back(pe);
  };
  service(model::PaasKind::kStorage, "st");
  service(model::PaasKind::kKeyVault, "kv");
  model::Diagnostics diags;
  auto m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

}  // namespace

TEST_CASE("attack paths: three-tier without a critical VM is web to app on 8080", "[solver][attack-paths]") {
  // examples/three-tier/README.md: the internet reaches vm-web-1 only (firewall DNAT to 443); from vm-web-1 only
  // vm-app-1 passes, on TCP 8080 (fw-hub web-to-app, nsg-app/allow-8080-from-web). No private endpoint and no
  // critical VM: no second step is searched.
  const auto m = attack_three_tier();
  const auto a = solver::analyze(m);
  const auto paths = solver::attack_paths(m, a);
  CHECK(attack_texts(m, paths) == std::vector<std::string>{"vm: vm-web-1 -> vm-app-1 (tcp 8080)"});
  REQUIRE(paths.paths.size() == 1);
  const auto& p = paths.paths[0];
  REQUIRE(p.exposures.size() == 1);
  CHECK(a.exposures[p.exposures[0]].via == solver::Via::kFirewallDnat);
  REQUIRE(p.steps[0].flows.size() == 1);
  CHECK(p.steps[0].flows[0].protocol == model::Protocol::kTcp);
  CHECK(paths.sources == 1);  // vm-web-1 alone
  CHECK_FALSE(paths.truncated);
}

TEST_CASE("attack paths: three-tier with the database VM critical ranks web to app to db first",
          "[solver][attack-paths]") {
  // vm-app-1 reaches vm-db-1 on TCP 1433 (app-to-db, nsg-db/allow-sql-from-app); vm-web-1 does not reach vm-db-1
  // directly (the firewall allows only 22, which nsg-db denies): a two-step path, ranked first as critical.
  const auto m = attack_three_tier();
  const auto a = solver::analyze(m);
  const auto paths = solver::attack_paths(m, a, critical_vm(m, "vm-db-1"));
  CHECK(attack_texts(m, paths) == std::vector<std::string>{
                                      "critical: vm-web-1 -> vm-app-1 (tcp 8080) -> vm-db-1 (tcp 1433)",
                                      "vm: vm-web-1 -> vm-app-1 (tcp 8080)",
                                  });
  CHECK(paths.sources == 2);  // vm-web-1, then vm-app-1 as the intermediate
  // The second step's witness: nsg-db's allow-sql-from-app decides at the target's subnet.
  REQUIRE(paths.paths.size() == 2);
  const auto& step = paths.paths[0].steps[1];
  REQUIRE(step.flows.size() == 1);
  bool nsg_db = false;
  for (const auto& h : step.flows[0].path) {
    if (h.kind == solver::HopKind::kNsg && h.resource >= 0 && m.nsgs[h.resource].name == "nsg-db") {
      nsg_db = m.nsgs[h.resource].rules[h.rule].name == "allow-sql-from-app";
    }
  }
  CHECK(nsg_db);
}

TEST_CASE("attack paths: three-tier with the web VM critical adds nothing: the entry is not a target",
          "[solver][attack-paths]") {
  const auto m = attack_three_tier();
  const auto paths = solver::attack_paths(m, solver::analyze(m), critical_vm(m, "vm-web-1"));
  CHECK(attack_texts(m, paths) == std::vector<std::string>{"vm: vm-web-1 -> vm-app-1 (tcp 8080)"});
}

TEST_CASE("attack paths: a Key Vault private endpoint ranks above storage and above a plain VM",
          "[solver][attack-paths]") {
  // web is exposed on TCP 22 (pip-web, nsg-web/allow-ssh). Outbound it meets only Azure's defaults
  // (AllowVnetOutBound), and app and the endpoints' subnet have no NSG: web reaches app, pe-kv and pe-st on every
  // port. Ranks: key vault, storage, then the plain VM.
  const auto m = attack_estate(true);
  const auto a = solver::analyze(m);
  const auto paths = solver::attack_paths(m, a);
  CHECK(attack_texts(m, paths) == std::vector<std::string>{
                                      "key-vault: web -> pe-kv (tcp all)",
                                      "storage: web -> pe-st (tcp all)",
                                      "vm: web -> app (tcp all)",
                                  });
  // The same with app critical: it moves above the plain VMs, below storage. app's second steps reach only the
  // endpoints web reaches directly: no two-step path.
  const auto critical = solver::attack_paths(m, a, critical_vm(m, "app"));
  CHECK(attack_texts(m, critical) == std::vector<std::string>{
                                         "key-vault: web -> pe-kv (tcp all)",
                                         "storage: web -> pe-st (tcp all)",
                                         "critical: web -> app (tcp all)",
                                     });
  CHECK(critical.sources == 2);
}

TEST_CASE("attack paths: an estate with no exposure has none", "[solver][attack-paths]") {
  const auto m = attack_estate(false);
  const auto a = solver::analyze(m);
  CHECK(a.exposures.empty());
  const auto paths = solver::attack_paths(m, a, critical_vm(m, "app"));
  CHECK(paths.paths.empty());
  CHECK(paths.sources == 0);
}

TEST_CASE("attack paths: the second-step bound cuts and says so", "[solver][attack-paths]") {
  // vnet 10.0.0.0/16, no NSG but nsg-web (allow TCP 22 from Internet) and nsg-db (allow TCP 1433 from 10.0.2.0/24,
  // 100; deny everything from VirtualNetwork, 4000): web (exposed) reaches app-1 and app-2 (10.0.2.0/24), which both
  // reach the critical db on 1433; web does not reach db. Two two-step paths, one per intermediate; with the bound at
  // one intermediate only app-1's (the first) is searched, and the result says it was cut.
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"})
      .subnet("vnet", "web", "10.0.1.0/24", "nsg-web")
      .subnet("vnet", "app", "10.0.2.0/24")
      .subnet("vnet", "db", "10.0.3.0/24", "nsg-db")
      .nsg("nsg-web", {{"allow-ssh", 100, kAllow, tcp(), {"Internet"}, {"22"}}})
      .nsg("nsg-db", {{"allow-sql", 100, kAllow, tcp(), {"10.0.2.0/24"}, {"1433"}},
                      {"deny-vnet", 4000, kDeny, any_protocol(), {"VirtualNetwork"}, {"*"}}})
      .public_ip("pip-web", "20.0.0.1", model::Sku::kStandard)
      .vm("web", "vnet", "web", "10.0.1.4", "pip-web")
      .vm("app-1", "vnet", "app", "10.0.2.4")
      .vm("app-2", "vnet", "app", "10.0.2.5")
      .vm("db", "vnet", "db", "10.0.3.4");
  model::Diagnostics diags;
  const auto m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  const auto a = solver::analyze(m);
  auto o = critical_vm(m, "db");
  const auto all = solver::attack_paths(m, a, o);
  CHECK(attack_texts(m, all) == std::vector<std::string>{
                                    "critical: web -> app-1 (tcp all) -> db (tcp 1433)",
                                    "critical: web -> app-2 (tcp all) -> db (tcp 1433)",
                                    "vm: web -> app-1 (tcp all)",
                                    "vm: web -> app-2 (tcp all)",
                                });
  CHECK(all.sources == 3);
  CHECK_FALSE(all.truncated);
  o.max_second_step_sources = 1;
  const auto cut = solver::attack_paths(m, a, o);
  CHECK(attack_texts(m, cut) == std::vector<std::string>{
                                    "critical: web -> app-1 (tcp all) -> db (tcp 1433)",
                                    "vm: web -> app-1 (tcp all)",
                                    "vm: web -> app-2 (tcp all)",
                                });
  CHECK(cut.sources == 2);
  CHECK(cut.truncated);
}

TEST_CASE("attack paths: ranks of private endpoints follow their approved services", "[solver][attack-paths]") {
  auto m = attack_estate(true);
  solver::AttackPathOptions o;
  CHECK(solver::attack_rank(m, model::ResourceKind::kPrivateEndpoint, 1, -1, o) == AttackRank::kKeyVault);
  CHECK(solver::attack_rank(m, model::ResourceKind::kPrivateEndpoint, 0, -1, o) == AttackRank::kStorage);
  // A pending connection carries no traffic: the endpoint is a plain private endpoint.
  m.private_endpoints[1].connections[0].status = model::ConnectionStatus::kPending;
  CHECK(solver::attack_rank(m, model::ResourceKind::kPrivateEndpoint, 1, -1, o) == AttackRank::kPrivateEndpoint);
  CHECK(solver::attack_rank(m, model::ResourceKind::kNetworkInterface, 0, 0, o) == AttackRank::kVm);
}

TEST_CASE("attack paths: an exposure through a Bastion session or a broken one starts no chain",
          "[solver][attack-paths]") {
  // docs/model.md, "Attack paths": a Bastion session is authenticated access, and a broken flow does not work, so
  // neither is an entry. The exposures of the estate above (web through pip-web on TCP 22) start three paths as
  // they are; read as Bastion sessions, or as broken, they start none, and reach() is not run.
  const auto m = attack_estate(true);
  auto a = solver::analyze(m);
  REQUIRE_FALSE(a.exposures.empty());
  CHECK(solver::attack_paths(m, a).paths.size() == 3);
  auto bastion = a;
  for (auto& e : bastion.exposures) e.via = solver::Via::kBastion;
  const auto none = solver::attack_paths(m, bastion);
  CHECK(none.paths.empty());
  CHECK(none.sources == 0);
  auto broken = a;
  for (auto& e : broken.exposures) e.broken = std::make_shared<solver::Broken>();
  CHECK(solver::attack_paths(m, broken).paths.empty());
}
