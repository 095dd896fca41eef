// The network recommendations (EXP-NET-*, solver/recommendations/network*.cpp): the cases where rule text and
// reachability disagree, both ways, and each recommendation's decision. Fixtures: tests/data/recommend/ (resource JSON
// as `az resource list` prints it); smaller cases are built in code. Expected results worked out by hand from Azure's
// documentation (NSG evaluation, load balancer and public IP SKU defaults, DNAT source translation, just-in-time
// access) as docs/recommendations.md states them.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "solver/recommendation.h"
#include "tests/model_builder.h"

namespace exposim::testing {
namespace {

using solver::Finding;
using solver::FindingStatus;
using solver::RecommendOptions;

const std::string kData = std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/recommend/";

struct NetworkRun {
  model::Model m;
  solver::Analysis a;
  solver::Recommendations r;

  /// The findings of recommendation `id` about the resource named `name` (any kind).
  std::vector<const Finding*> all(std::string_view id, std::string_view name) const {
    std::vector<const Finding*> out;
    for (const auto& f : r.findings) {
      if (f.recommendation->id != id) continue;
      const auto* res = m.resource(model::GraphVertex{f.kind, f.index});
      if ((res == nullptr && name.empty()) || (res != nullptr && res->name == name)) out.push_back(&f);
    }
    return out;
  }
  /// The one finding of `id` about `name`.
  const Finding& one(std::string_view id, std::string_view name) const {
    const auto found = all(id, name);
    INFO(std::string(id) + " " + std::string(name));
    REQUIRE(found.size() == 1);
    return *found.front();
  }
  std::size_t count(std::string_view id) const {
    return static_cast<std::size_t>(std::count_if(r.findings.begin(), r.findings.end(),
                                                  [&](const Finding& f) { return f.recommendation->id == id; }));
  }
};

NetworkRun run_model(model::Model m, const RecommendOptions& options = {}) {
  NetworkRun run;
  run.m = std::move(m);
  run.a = solver::analyze(run.m);
  run.r = solver::recommend(run.m, run.a, options);
  return run;
}

NetworkRun run_fixture(const std::string& name, const RecommendOptions& options = {}) {
  model::Model m;
  model::Diagnostics d;
  importers::import_inputs({kData + name}, {}, m, d);
  model::validate(m, d);
  std::string errors;
  for (const auto& x : d.items()) {
    if (x.severity == model::Severity::kError) errors += model::to_string(x) + "\n";
  }
  REQUIRE(errors.empty());
  return run_model(std::move(m), options);
}

model::PortSet ports_of(std::initializer_list<model::Interval<std::uint16_t>> items) { return model::PortSet(items); }

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// --- Catalog -------------------------------------------------------------------------------------------------------

TEST_CASE("recommend network: the catalog holds EXP-NET-001 to 014 with Defender's keys", "[solver][recommend]") {
  std::vector<std::string> ids;
  for (const auto& r : solver::recommendation_catalog()) {
    if (r.id.rfind("EXP-NET-", 0) == 0) ids.emplace_back(r.id);
  }
  REQUIRE(ids.size() == 14);
  for (int i = 0; i < 14; ++i)
    CHECK(ids[i] == "EXP-NET-0" + std::string(i + 1 < 10 ? "0" : "") + std::to_string(i + 1));
  const auto* mgmt = solver::find_recommendation("EXP-NET-001");
  REQUIRE(mgmt != nullptr);
  CHECK(mgmt->assessment_key == "bc303248-3d14-44c2-96a0-55f5c326b5fe");
  CHECK(mgmt->policy_id == "22730e10-96f6-4aac-ad84-9383d35b5917");
  CHECK(mgmt->severity == solver::RecommendationSeverity::kMedium);
  CHECK(mgmt->decision == solver::Decision::kReachability);
  const auto* jit = solver::find_recommendation("EXP-NET-002");
  CHECK(jit->severity == solver::RecommendationSeverity::kHigh);
  CHECK(jit->assessment_key == "805651bc-6ecd-4c73-9b55-97a19d0582d0");
  CHECK(solver::find_recommendation("EXP-NET-012")->assessment_key.empty());  // a policy, no Defender recommendation
  CHECK(solver::find_recommendation("EXP-NET-013")->decision == solver::Decision::kNotDecidable);
  for (const auto& r : solver::recommendation_catalog()) {
    if (r.id.rfind("EXP-NET-", 0) != 0) continue;
    CHECK_FALSE(r.title.empty());
    CHECK_FALSE(r.policy_id.empty());
    CHECK_FALSE(r.policy_name.empty());
    CHECK_FALSE(r.remediation.empty());
    CHECK(r.help_uri.rfind("https://", 0) == 0);
  }
}

// --- Where rule text flags and nothing is reachable (false positives) --------------------------------------------

TEST_CASE("recommend network: SSH allowed from the internet on a VM without public path is healthy",
          "[solver][recommend]") {
  const auto run = run_fixture("no-public-path.json");
  // web-nsg admits TCP 22 from Internet, but vm-private has no public IP and no load balancer, gateway or DNAT rule
  // leads to it: nothing is reachable.
  const auto& mgmt = run.one("EXP-NET-001", "vm-private");
  CHECK(mgmt.status == FindingStatus::kHealthy);
  CHECK(mgmt.exposures.empty());
  CHECK_FALSE(mgmt.exposed);
  CHECK(has(mgmt.summary, "no management port (22, 3389, 5985-5986) reachable"));
  CHECK(run.one("EXP-NET-005", "vm-private").status == FindingStatus::kHealthy);
  // Not internet-facing: EXP-NET-004 applies (healthy: the subnet has an NSG), EXP-NET-003 does not.
  CHECK(run.one("EXP-NET-003", "vm-private").status == FindingStatus::kNotApplicable);
  CHECK(run.one("EXP-NET-004", "vm-private").status == FindingStatus::kHealthy);
  CHECK(run.one("EXP-NET-013", "vm-private").status == FindingStatus::kNotApplicable);
  CHECK(run.one("EXP-NET-006", "web").status == FindingStatus::kHealthy);
}

TEST_CASE("recommend network: the subnet NSG allows SSH and the NIC NSG does not - healthy", "[solver][recommend]") {
  const auto run = run_fixture("nic-denies.json");
  // subnet-nsg admits 22 only, nic-nsg admits 443 only: both must allow, so no port gets through.
  const auto& mgmt = run.one("EXP-NET-001", "vm-web");
  CHECK(mgmt.status == FindingStatus::kHealthy);
  CHECK(mgmt.tcp_ports.empty());
  const auto& open = run.one("EXP-NET-005", "vm-web");
  CHECK(open.status == FindingStatus::kHealthy);
  CHECK(open.summary == "nothing reachable from the internet");
  const auto& facing = run.one("EXP-NET-003", "vm-web");
  CHECK(facing.status == FindingStatus::kHealthy);
  CHECK(has(facing.summary, "internet-facing through public IP 'pip-web' (Standard SKU)"));
  CHECK_FALSE(facing.exposed);
  // The policy flags the public IP on the NIC whatever reaches it; nothing does.
  const auto& nic_pip = run.one("EXP-NET-012", "vm-web-nic");
  CHECK(nic_pip.status == FindingStatus::kUnhealthy);
  CHECK_FALSE(nic_pip.exposed);
  CHECK(has(nic_pip.summary, "nothing reachable through it"));
}

TEST_CASE("recommend network: an allow shadowed by a lower-numbered deny is healthy", "[solver][recommend]") {
  const auto run = run_fixture("shadowed-allow.json");
  // deny-ssh (100, from *) decides TCP 22 before allow-ssh-internet (200); allow-https-internet (300) opens 443.
  const auto& mgmt = run.one("EXP-NET-001", "vm-web");
  CHECK(mgmt.status == FindingStatus::kHealthy);
  const auto& open = run.one("EXP-NET-005", "vm-web");
  CHECK(open.status == FindingStatus::kUnhealthy);
  CHECK(open.tcp_ports == ports_of({{443, 443}}));
  CHECK(open.udp_ports.empty());
  CHECK(open.exposures.size() == 1);
  CHECK(has(open.summary, "TCP 443 open to the whole internet"));
  CHECK(has(open.summary, "public IP 'pip-web'"));
}

TEST_CASE("recommend network: 0.0.0.0/0 through an Azure Firewall leaves no return path - healthy",
          "[solver][recommend]") {
  const auto run = run_fixture("default-route-firewall.json");
  // web-nsg admits 22 from Internet and vm-web has a Basic public IP, but the reply takes route default-to-fw to the
  // firewall: the connection cannot complete (Analysis::broken), so nothing is exposed.
  CHECK_FALSE(run.a.broken.empty());
  const auto& mgmt = run.one("EXP-NET-001", "vm-web");
  CHECK(mgmt.status == FindingStatus::kHealthy);
  CHECK(mgmt.exposures.empty());
  // The workload subnet's internet traffic goes to the firewall; the firewall's own subnet is exempt.
  const auto& route = run.one("EXP-NET-009", "web");
  CHECK(route.status == FindingStatus::kHealthy);
  CHECK(has(route.summary, "Azure Firewall 'fw'"));
  CHECK(has(route.summary, "default-to-fw"));
  CHECK(run.one("EXP-NET-009", "AzureFirewallSubnet").status == FindingStatus::kNotApplicable);
  CHECK(run.one("EXP-NET-006", "AzureFirewallSubnet").status == FindingStatus::kNotApplicable);
  // JIT: the subnet has an NSG, so it applies; nothing reachable, so healthy.
  CHECK(run.one("EXP-NET-002", "vm-web").status == FindingStatus::kHealthy);
}

// --- Where rule text passes and something is reachable (false negatives) -----------------------------------------

TEST_CASE("recommend network: Basic load balancer NAT 50001 to 3389 without NSG is unhealthy", "[solver][recommend]") {
  const auto run = run_fixture("lb-nat-basic.json");
  // No NSG exists, so no rule text mentions 3389; the Basic load balancer is open by default.
  const auto& mgmt = run.one("EXP-NET-001", "vm1");
  CHECK(mgmt.status == FindingStatus::kUnhealthy);
  CHECK(mgmt.exposed);
  CHECK(mgmt.tcp_ports == ports_of({{3389, 3389}}));
  CHECK(mgmt.exposures.size() == 1);
  CHECK(mgmt.summary ==
        "TCP 3389 reachable from the internet through load balancer 'lb-web' inbound NAT rule 'rdp-vm1' (frontend port "
        "50001)");
  const auto& facing = run.one("EXP-NET-003", "vm1");
  CHECK(facing.status == FindingStatus::kUnhealthy);
  CHECK(facing.exposed);
  CHECK(has(facing.summary, "public load balancer 'lb-web' (Basic SKU) inbound NAT rule 'rdp-vm1'"));
  CHECK(has(facing.summary, "no NSG on the network interface nor the subnet"));
  CHECK(has(facing.summary, "reachable without any filter"));
  CHECK(run.one("EXP-NET-004", "vm1").status == FindingStatus::kNotApplicable);
  const auto& subnet = run.one("EXP-NET-006", "web");
  CHECK(subnet.status == FindingStatus::kUnhealthy);
  CHECK(has(subnet.summary, "hosts 1 ip configuration reachable from the internet"));
  // The NIC has no public IP (EXP-NET-012 healthy) although it is reachable.
  CHECK(run.one("EXP-NET-012", "vm1-nic").status == FindingStatus::kHealthy);
  // No NSG nor firewall: just-in-time access is unsupported.
  CHECK(run.one("EXP-NET-002", "vm1").status == FindingStatus::kNotApplicable);
  // The load balancer's public IP serves the VNet's backends: DDoS protection applies to the VNet (not in strict mode,
  // which counts application gateways only).
  const auto& ddos = run.one("EXP-NET-008", "vnet");
  CHECK(ddos.status == FindingStatus::kUnhealthy);
  CHECK(has(ddos.summary, "'lb-pip'"));
  RecommendOptions strict;
  strict.strict_ddos = true;
  const auto run_strict = run_fixture("lb-nat-basic.json", strict);
  CHECK(run_strict.one("EXP-NET-008", "vnet").status == FindingStatus::kNotApplicable);
}

TEST_CASE("recommend network: sources written Internet, 0.0.0.0/0 and two /1 halves are unhealthy",
          "[solver][recommend]") {
  const auto run = run_fixture("source-forms.json");
  for (const char* vm : {"vm-tag", "vm-zero", "vm-halves"}) {
    INFO(vm);
    const auto& mgmt = run.one("EXP-NET-001", vm);
    CHECK(mgmt.status == FindingStatus::kUnhealthy);
    CHECK(mgmt.tcp_ports == ports_of({{22, 22}}));
    CHECK(mgmt.exposures.size() == 1);
    CHECK(has(mgmt.summary, "TCP 22 reachable from the internet through public IP"));
    const auto& open = run.one("EXP-NET-005", vm);
    CHECK(open.status == FindingStatus::kUnhealthy);
    CHECK(open.tcp_ports == ports_of({{22, 22}}));
  }
}

TEST_CASE("recommend network: a Basic public IP without NSG is open, a Standard one closed", "[solver][recommend]") {
  const auto run = run_fixture("public-ip-no-nsg.json");
  const auto& basic = run.one("EXP-NET-001", "vm-basic");
  CHECK(basic.status == FindingStatus::kUnhealthy);
  CHECK(basic.tcp_ports == ports_of({{22, 22}, {3389, 3389}, {5985, 5986}}));
  CHECK(basic.exposures.size() == 1);  // the one TCP exposure holds every port
  CHECK(has(basic.summary, "TCP 22,3389,5985-5986 reachable from the internet through public IP 'pip-basic'"));
  const auto& standard = run.one("EXP-NET-001", "vm-standard");
  CHECK(standard.status == FindingStatus::kHealthy);

  const auto& facing_basic = run.one("EXP-NET-003", "vm-basic");
  CHECK(facing_basic.status == FindingStatus::kUnhealthy);
  CHECK(facing_basic.exposed);
  CHECK(facing_basic.properties.size() == 1);
  CHECK(facing_basic.properties[0].value == "absent");
  const auto& facing_standard = run.one("EXP-NET-003", "vm-standard");
  CHECK(facing_standard.status == FindingStatus::kUnhealthy);  // no NSG, whatever the SKU
  CHECK_FALSE(facing_standard.exposed);
  CHECK(has(facing_standard.summary, "a Standard SKU entry is closed by default"));

  const auto& open = run.one("EXP-NET-005", "vm-basic");
  CHECK(open.status == FindingStatus::kUnhealthy);
  CHECK(open.tcp_ports == model::PortSet::all());
  CHECK(open.udp_ports == model::PortSet::all());
  CHECK(open.exposures.size() == 5);  // TCP, UDP, ICMP, ESP, AH
  CHECK(has(open.summary, "TCP 0-65535 and UDP 0-65535 and AH and ESP and ICMP open to the whole internet"));

  // Risky ports: not configured, then configured (TCP and UDP).
  CHECK(run.one("EXP-NET-010", "vm-basic").status == FindingStatus::kUndecidable);
  CHECK(run.one("EXP-NET-010", "vm-basic").summary ==
        "no risky-port list configured (Defender does not publish its list)");
  RecommendOptions risky;
  risky.risky_ports = ports_of({{53, 53}, {445, 445}});
  const auto run_risky = run_fixture("public-ip-no-nsg.json", risky);
  const auto& r = run_risky.one("EXP-NET-010", "vm-basic");
  CHECK(r.status == FindingStatus::kUnhealthy);
  CHECK(r.tcp_ports == ports_of({{53, 53}, {445, 445}}));
  CHECK(r.udp_ports == ports_of({{53, 53}, {445, 445}}));
  CHECK(r.exposures.size() == 2);
  CHECK(run_risky.one("EXP-NET-010", "vm-standard").status == FindingStatus::kHealthy);
  // Internet-facing: adaptive network hardening would apply, but learns from traffic.
  CHECK(run.one("EXP-NET-013", "vm-basic").status == FindingStatus::kUndecidable);
}

TEST_CASE("recommend network: firewall DNAT 2222 to 22 through an NSG allowing VirtualNetwork is unhealthy",
          "[solver][recommend]") {
  const auto run = run_fixture("firewall-dnat.json");
  // The firewall translates the source to its own subnet, inside VirtualNetwork: allow-vnet-ssh admits it.
  const auto& mgmt = run.one("EXP-NET-001", "vm-web");
  CHECK(mgmt.status == FindingStatus::kUnhealthy);
  CHECK(mgmt.tcp_ports == ports_of({{22, 22}}));
  CHECK(mgmt.exposures.size() == 1);
  CHECK(mgmt.summary ==
        "TCP 22 reachable from the internet through firewall 'fw' DNAT rule 'ssh-to-vm' on public IP 'fw-pip' (public "
        "port 2222)");
  // The NSG makes just-in-time access possible; no policy covers 22.
  const auto& jit = run.one("EXP-NET-002", "vm-web");
  CHECK(jit.status == FindingStatus::kUnhealthy);
  CHECK(has(jit.summary, "no just-in-time policy covers it"));
  // Internet-facing through the DNAT rule, with a subnet NSG.
  const auto& facing = run.one("EXP-NET-003", "vm-web");
  CHECK(facing.status == FindingStatus::kHealthy);
  CHECK(has(facing.summary, "DNAT rule 'ssh-to-vm' of firewall 'fw'"));
  // The web subnet's internet traffic does not go through the firewall (the system default route).
  const auto& route = run.one("EXP-NET-009", "web");
  CHECK(route.status == FindingStatus::kUnhealthy);
  CHECK(has(route.summary, "does not go through an Azure Firewall"));
  CHECK(run.one("EXP-NET-008", "vnet").status == FindingStatus::kUnhealthy);
}

TEST_CASE("recommend network: a VM reached only through Azure Bastion passes the management-port checks",
          "[solver][recommend]") {
  const auto run = run_fixture("bastion-only.json");
  const auto& mgmt = run.one("EXP-NET-001", "vm-admin");
  CHECK(mgmt.status == FindingStatus::kHealthy);
  CHECK(mgmt.exposures.empty());
  CHECK(has(mgmt.summary, "reached through Azure Bastion sessions only"));
  CHECK(run.one("EXP-NET-005", "vm-admin").status == FindingStatus::kHealthy);
  // Not internet-facing, and no NSG anywhere: EXP-NET-004.
  CHECK(run.one("EXP-NET-003", "vm-admin").status == FindingStatus::kNotApplicable);
  CHECK(run.one("EXP-NET-004", "vm-admin").status == FindingStatus::kUnhealthy);
  CHECK(run.one("EXP-NET-006", "AzureBastionSubnet").status == FindingStatus::kNotApplicable);
  CHECK(run.one("EXP-NET-006", "web").status == FindingStatus::kUnhealthy);
  // The Bastion's own public IP is no exposure of the VNet.
  CHECK(run.one("EXP-NET-008", "vnet").status == FindingStatus::kNotApplicable);
}

TEST_CASE("recommend network: scale set instances are VMs with their own findings", "[solver][recommend]") {
  const auto run = run_fixture("scale-set-public.json");
  // Capacity 2, each instance with its own Basic public IP and no NSG: every port of both instances is open.
  for (const char* vm : {"web-ss_0", "web-ss_1"}) {
    INFO(vm);
    const auto& mgmt = run.one("EXP-NET-001", vm);
    CHECK(mgmt.status == FindingStatus::kUnhealthy);
    CHECK(mgmt.tcp_ports == ports_of({{22, 22}, {3389, 3389}, {5985, 5986}}));
    CHECK(run.one("EXP-NET-003", vm).status == FindingStatus::kUnhealthy);
  }
  CHECK(run.count("EXP-NET-001") == 2);
  CHECK(run.count("EXP-NET-007") == 2);  // one per instance NIC
  CHECK(run.count("EXP-NET-012") == 2);
}

// --- Just-in-time access (EXP-NET-002) ----------------------------------------------------------------------------

model::JitPolicy jit_policy(const std::string& vm, int port) {
  model::JitPolicy p;
  p.name = "default";
  p.id =
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Security/"
      "locations/westeurope/jitNetworkAccessPolicies/default";
  p.key = model::canonical_id(p.id);
  model::JitVirtualMachine v;
  v.vm.id = model::canonical_id(rid("Microsoft.Compute/virtualMachines", vm));
  model::JitPort jp;
  jp.number = port;
  jp.protocol = "*";
  jp.allowed_sources = {"*"};
  v.ports.push_back(jp);
  p.virtual_machines.push_back(v);
  return p;
}

TEST_CASE("recommend network: a JIT policy does not close a port an existing allow rule opens", "[solver][recommend]") {
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"})
      .subnet("vnet", "web", "10.0.1.0/24")
      .nsg("nic-nsg", {{"allow-ssh", 100, kAllow, tcp(), {"Internet"}, {"22"}}})
      .public_ip("pip", "20.0.0.1", model::Sku::kStandard)
      .vm("vm1", "vnet", "web", "10.0.1.4", "pip", "nic-nsg");
  b.m.jit_policies.push_back(jit_policy("vm1", 22));
  const auto run = run_model(b.done());
  const auto& jit = run.one("EXP-NET-002", "vm1");
  CHECK(jit.status == FindingStatus::kUnhealthy);
  CHECK(jit.tcp_ports == ports_of({{22, 22}}));
  CHECK(jit.exposures.size() == 1);
  CHECK(has(jit.summary, "just-in-time policy 'default' covers TCP 22"));
  CHECK(has(jit.summary, "its deny rules sit under the existing rules for the port"));
  CHECK(has(jit.summary, "rule 'allow-ssh' of NSG 'nic-nsg' keeps it open"));
}

TEST_CASE("recommend network: a port opened only by a JIT-written rule under a JIT policy is healthy",
          "[solver][recommend]") {
  auto build = [](bool with_policy) {
    EstateBuilder b;
    b.vnet("vnet", {"10.0.0.0/16"})
        .subnet("vnet", "web", "10.0.1.0/24")
        .nsg("nic-nsg", {{"SecurityCenter-JITRule_-1_abc", 100, kAllow, tcp(), {"81.2.69.10"}, {"22"}}})
        .public_ip("pip", "20.0.0.1", model::Sku::kStandard)
        .vm("vm1", "vnet", "web", "10.0.1.4", "pip", "nic-nsg");
    if (with_policy) b.m.jit_policies.push_back(jit_policy("vm1", 22));
    return run_model(b.done());
  };
  const auto covered = build(true);
  REQUIRE(covered.a.exposures.size() == 1);
  CHECK(covered.a.exposures[0].jit);
  const auto& ok = covered.one("EXP-NET-002", "vm1");
  CHECK(ok.status == FindingStatus::kHealthy);
  CHECK(ok.tcp_ports == ports_of({{22, 22}}));
  CHECK(has(ok.summary, "only through rules written by just-in-time access (opened on request)"));
  // Reachable right now from 81.2.69.10: the management-port check says so.
  CHECK(covered.one("EXP-NET-001", "vm1").status == FindingStatus::kUnhealthy);
  // Not restricted to the whole internet.
  CHECK(covered.one("EXP-NET-005", "vm1").status == FindingStatus::kHealthy);

  const auto stale = build(false);
  const auto& bad = stale.one("EXP-NET-002", "vm1");
  CHECK(bad.status == FindingStatus::kUnhealthy);
  CHECK(has(bad.summary, "no just-in-time policy of the design covers it"));
}

// --- Sources broader than /N (EXP-NET-005) ------------------------------------------------------------------------

TEST_CASE("recommend network: broad_prefix counts a wide source range as unrestricted", "[solver][recommend]") {
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"})
      .subnet("vnet", "web", "10.0.1.0/24")
      .nsg("nic-nsg", {{"wide", 100, kAllow, tcp(), {"16.0.0.0/4"}, {"443"}},
                       {"office", 110, kAllow, tcp(), {"81.2.69.0/24"}, {"22"}}})
      .public_ip("pip", "20.0.0.1", model::Sku::kStandard)
      .vm("vm1", "vnet", "web", "10.0.1.4", "pip", "nic-nsg");
  const auto m = b.done();
  CHECK(run_model(m).one("EXP-NET-005", "vm1").status == FindingStatus::kHealthy);
  RecommendOptions o;
  o.broad_prefix = 8;  // a /4 is broader than /8; the /24 is not
  const auto run = run_model(m, o);
  const auto& open = run.one("EXP-NET-005", "vm1");
  CHECK(open.status == FindingStatus::kUnhealthy);
  CHECK(open.tcp_ports == ports_of({{443, 443}}));
  CHECK(has(open.summary, "the whole internet or a range broader than /8"));
  CHECK(has(open.summary, "from 16.0.0.0/4"));
}

// --- Properties -------------------------------------------------------------------------------------------------

TEST_CASE("recommend network: IP forwarding says whether a route targets the NIC and whether it is reachable",
          "[solver][recommend]") {
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"})
      .subnet("vnet", "nva", "10.0.0.0/24")
      .subnet("vnet", "web", "10.0.1.0/24", "", "to-nva")
      .route_to_appliance("to-nva", "0.0.0.0/0", "10.0.0.4")
      .vm("nva", "vnet", "nva", "10.0.0.4")
      .vm("stray", "vnet", "web", "10.0.1.5")
      .vm("plain", "vnet", "web", "10.0.1.6");
  b.m.nics[0].enable_ip_forwarding = true;
  b.m.nics[1].enable_ip_forwarding = true;
  const auto run = run_model(b.done());
  const auto& nva = run.one("EXP-NET-007", "nva-nic");
  CHECK(nva.status == FindingStatus::kUnhealthy);
  CHECK(has(nva.summary, "an intended appliance: route 'route-0.0.0.0/0' (0.0.0.0/0) of route table 'to-nva'"));
  CHECK(has(nva.summary, "not reachable from the internet"));
  CHECK(nva.properties.size() == 1);
  CHECK(nva.properties[0].value == "true");
  const auto& stray = run.one("EXP-NET-007", "stray-nic");
  CHECK(stray.status == FindingStatus::kUnhealthy);
  CHECK(has(stray.summary, "no route names its address as next hop"));
  CHECK(run.one("EXP-NET-007", "plain-nic").status == FindingStatus::kHealthy);
  // The web subnet's 0.0.0.0/0 goes to an appliance that is not an Azure Firewall.
  const auto& route = run.one("EXP-NET-009", "web");
  CHECK(route.status == FindingStatus::kUnhealthy);
  CHECK(has(route.summary, "VirtualAppliance 10.0.0.4"));
}

TEST_CASE("recommend network: DDoS protection by plan or per public IP", "[solver][recommend]") {
  auto build = [](int variant) {
    EstateBuilder b;
    b.vnet("vnet", {"10.0.0.0/16"})
        .vnet("quiet", {"10.1.0.0/16"})
        .subnet("vnet", "web", "10.0.1.0/24")
        .subnet("quiet", "app", "10.1.1.0/24")
        .public_ip("pip", "20.0.0.1", model::Sku::kBasic)
        .vm("vm1", "vnet", "web", "10.0.1.4", "pip")
        .vm("vm2", "quiet", "app", "10.1.1.4");
    if (variant == 1) {
      b.m.vnets[0].enable_ddos_protection.value = true;
      b.m.vnets[0].ddos_protection_plan.value =
          "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/"
          "ddosprotectionplans/plan";
    }
    if (variant == 2) b.m.public_ips[0].ddos_protection_mode.value = "Enabled";
    if (variant == 3) {
      b.m.vnets[0].enable_ddos_protection.value = true;
      b.m.vnets[0].ddos_protection_plan.unknown = true;  // only known at deployment: never compliant
    }
    return run_model(b.done());
  };
  const auto none = build(0);
  const auto& bad = none.one("EXP-NET-008", "vnet");
  CHECK(bad.status == FindingStatus::kUnhealthy);
  CHECK(bad.exposed);
  CHECK(has(bad.summary, "reachable public IP 'pip' without DDoS protection"));
  REQUIRE(bad.properties.size() == 2);
  CHECK(bad.properties[0].value == "absent");
  CHECK(none.one("EXP-NET-008", "quiet").status == FindingStatus::kNotApplicable);
  CHECK(build(1).one("EXP-NET-008", "vnet").status == FindingStatus::kHealthy);
  CHECK(build(2).one("EXP-NET-008", "vnet").status == FindingStatus::kHealthy);
  const auto unknown = build(3);
  CHECK(unknown.one("EXP-NET-008", "vnet").status == FindingStatus::kUnhealthy);
  CHECK(unknown.one("EXP-NET-008", "vnet").properties[1].value == "unknown until deployment");
}

TEST_CASE("recommend network: WAF absent, in Detection mode, and in Prevention mode", "[solver][recommend]") {
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"});
  for (const auto* name : {"ag-none", "ag-detect", "ag-prevent"}) {
    model::ApplicationGateway g;
    g.name = name;
    g.id = rid("Microsoft.Network/applicationGateways", name);
    g.key = model::canonical_id(g.id);
    b.m.application_gateways.push_back(g);
  }
  b.m.application_gateways[1].waf_configured = true;
  b.m.application_gateways[1].waf_mode = model::WafMode::kDetection;
  b.m.application_gateways[2].waf_configured = true;
  b.m.application_gateways[2].waf_mode = model::WafMode::kPrevention;
  const auto run = run_model(b.done());
  const auto& none = run.one("EXP-NET-011", "ag-none");
  CHECK(none.status == FindingStatus::kUnhealthy);
  CHECK_FALSE(none.exposed);
  CHECK(has(none.summary, "no web application firewall"));
  const auto& detect = run.one("EXP-NET-011", "ag-detect");
  CHECK(detect.status == FindingStatus::kHealthy);
  CHECK(has(detect.summary, "Detection mode: it only logs"));
  CHECK(run.one("EXP-NET-011", "ag-prevent").status == FindingStatus::kHealthy);
}

TEST_CASE("recommend network: Defender for Servers from the design's plan, else undecidable", "[solver][recommend]") {
  auto build = [](const std::string& tier) {
    EstateBuilder b;
    b.vnet("vnet", {"10.0.0.0/16"}).subnet("vnet", "web", "10.0.1.0/24").vm("vm1", "vnet", "web", "10.0.1.4");
    if (!tier.empty()) {
      model::DefenderPlan p;
      p.name = "VirtualMachines";
      p.id = "/subscriptions/s/providers/Microsoft.Security/pricings/VirtualMachines";
      p.key = model::canonical_id(p.id);
      p.pricing_tier = tier;
      b.m.defender_plans.push_back(p);
    }
    return run_model(b.done());
  };
  const auto absent = build("");
  REQUIRE(absent.count("EXP-NET-014") == 1);
  const auto& unknown = absent.one("EXP-NET-014", "");
  CHECK(unknown.status == FindingStatus::kUndecidable);
  CHECK(unknown.summary == "the design does not say; Defender for Servers is a subscription setting");
  CHECK(build("Standard").one("EXP-NET-014", "VirtualMachines").status == FindingStatus::kHealthy);
  const auto free = build("Free");
  CHECK(free.one("EXP-NET-014", "VirtualMachines").status == FindingStatus::kUnhealthy);
  CHECK(free.one("EXP-NET-014", "VirtualMachines").properties[0].value == "Free");
}

TEST_CASE("recommend network: skipped ids are not evaluated", "[solver][recommend]") {
  RecommendOptions o;
  o.skip = {"EXP-NET-001", "EXP-NET-009"};
  const auto run = run_fixture("lb-nat-basic.json", o);
  CHECK(run.count("EXP-NET-001") == 0);
  CHECK(run.count("EXP-NET-009") == 0);
  CHECK(run.count("EXP-NET-005") == 1);
  CHECK(run.r.skipped == std::vector<std::string>{"EXP-NET-001", "EXP-NET-009"});
}

}  // namespace
}  // namespace exposim::testing
