// Corpus: real ARM templates by others (../shared/corpus/arm), imported as templates with their parameter
// files, and the exposure ../shared/corpus/SOURCES.md states for them.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/exposure.h"

namespace {

using namespace exposim;
namespace fs = std::filesystem;

const std::string kArm = EXPOSIM_SHARED_DIR "/corpus/arm/";

struct Case {
  model::Model model;
  model::Diagnostics diags;
  solver::Analysis analysis;
};

/// Required parameters that a case has no value for (SOURCES.md: defaults, then the parameter file).
std::vector<std::string> extra_parameters(const std::string& name) {
  if (name == "ans-private-ip-dnat") return {"adminPassword=placeholder"};
  if (name == "alz-hubspoke-connectivity") return {"topLevelManagementGroupPrefix=alz", "addressPrefix=10.100.0.0/16"};
  return {};
}

Case run(const std::string& name) {
  Case c;
  importers::InputOptions o;
  const std::string params = kArm + name + "/azuredeploy.parameters.json";
  if (fs::exists(params)) o.parameter_files.push_back(params);
  o.parameters = extra_parameters(name);
  importers::import_inputs({kArm + name + "/azuredeploy.json"}, o, c.model, c.diags);
  if (!c.diags.has_errors()) model::validate(c.model, c.diags);
  if (!c.diags.has_errors()) c.analysis = solver::analyze(c.model);
  return c;
}

std::string errors(const model::Diagnostics& d) {
  std::string out;
  for (const auto& x : d.sorted()) {
    if (x.severity == model::Severity::kError) out += model::to_string(x) + "\n";
  }
  return out;
}

/// "target via entry-ports->ports" for every exposure of a NIC (VM name when known).
std::vector<std::string> nic_exposures(const Case& c) {
  std::vector<std::string> out;
  for (const auto& e : c.analysis.exposures) {
    if (e.nic < 0) continue;
    const std::string target = e.vm >= 0 ? c.model.vms[e.vm].name : c.model.nics[e.nic].name;
    out.push_back(fmt::format("{} {} {} {}->{}", target, solver::to_string(e.via), model::to_string(e.protocol),
                              model::to_string(e.entry_ports), model::to_string(e.ports)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("every ARM template of the corpus imports without error", "[corpus]") {
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(kArm)) {
    if (!fs::exists(entry.path() / "azuredeploy.json")) continue;
    const std::string name = entry.path().filename().string();
    INFO(name);
    const Case c = run(name);
    CHECK(errors(c.diags).empty());
    ++cases;
  }
  CHECK(cases >= 30);
}

TEST_CASE("ARM corpus: the exposure SOURCES.md states", "[corpus]") {
  // qs-vm-simple-linux: 22/tcp on simpleLinuxVMPublicIP -> simpleLinuxVM; nothing else.
  CHECK(nic_exposures(run("qs-vm-simple-linux")) == std::vector<std::string>{"simpleLinuxVM public-ip tcp 22->22"});
  // qs-vm-simple-windows: 3389/tcp on myPublicIP -> simple-vm.
  CHECK(nic_exposures(run("qs-vm-simple-windows")) == std::vector<std::string>{"simple-vm public-ip tcp 3389->3389"});
  // qs-fw-classic-dnat: 3389 on public_ip1 -> 10.0.1.4 and on public_ip2 -> 10.0.1.5 through the firewall
  // (which VM holds which address is deploy-order dependent: exposim takes declaration order).
  CHECK(nic_exposures(run("qs-fw-classic-dnat")) ==
        std::vector<std::string>{"myVM1 firewall-dnat tcp 3389->3389", "myVM2 firewall-dnat tcp 3389->3389"});
  // ans-private-ip-dnat: 53389/tcp on pip-1-azfw-hub-vnet-1 -> win-vm-1:3389; nothing else from the internet.
  CHECK(nic_exposures(run("ans-private-ip-dnat")) == std::vector<std::string>{"win-vm-1 firewall-dnat tcp 53389->3389"});
  // qs-fw-sandbox-classic: 22/tcp on JumpHostPublicIP -> JumpBox; the firewall has no DNAT rule.
  const Case sandbox = run("qs-fw-sandbox-classic");
  CHECK(nic_exposures(sandbox) == std::vector<std::string>{"JumpBox public-ip tcp 22->22"});
  for (const auto& e : sandbox.analysis.exposures) CHECK(e.target_kind != model::ResourceKind::kFirewall);
  // alz-hubspoke-connectivity: with default parameters nothing is deployed.
  const Case alz = run("alz-hubspoke-connectivity");
  CHECK(alz.analysis.exposures.empty());
}

TEST_CASE("ARM corpus: ans-netsec-lab-standard, DNAT through legacy ruleGroups", "[corpus]") {
  // SOURCES.md: firewall PIP SOCNSFWPIP DNATs, from '*': 33891/tcp -> VM-Win11:3389, 22/tcp -> VM-Kali:22,
  // 33890/tcp -> VM-Win2019:3389, 443/tcp -> 10.0.25.70:443 (the gateway's private frontend, no listener there);
  // App GW PIP SOCNSAGPIP: 80/tcp. The rules are legacy `ruleGroups` (2019-06-01) children of the policy; the
  // spoke NSGs admit the DNAT'ed flows (source: the firewall's private address, VirtualNetwork).
  const Case c = run("ans-netsec-lab-standard");
  REQUIRE(errors(c.diags).empty());
  CHECK(nic_exposures(c) == std::vector<std::string>{"VM-Kali firewall-dnat tcp 22->22",
                                                      "VM-Win11 firewall-dnat tcp 33891->3389",
                                                      "VM-Win2019 firewall-dnat tcp 33890->3389"});
  // The firewall's own entries: the four DNAT ports on its public IP, from the whole internet.
  std::vector<std::string> firewall;
  for (const auto& e : c.analysis.exposures) {
    if (e.target_kind == model::ResourceKind::kFirewall) {
      firewall.push_back(fmt::format("{} {}", model::to_string(e.protocol), model::to_string(e.entry_ports)));
      CHECK(e.any_source);
    }
  }
  std::sort(firewall.begin(), firewall.end());
  CHECK(firewall == std::vector<std::string>{"tcp 22", "tcp 33890", "tcp 33891", "tcp 443"});
}

TEST_CASE("ARM corpus: qs-fw-policy-legacy-rulegroups, legacy ruleGroups without DNAT", "[corpus]") {
  // SOURCES.md: 22/tcp on JumpHostPublicIP -> JumpBox; the firewall PIP exposes nothing (the legacy rule groups
  // hold a network rule and an application rule, no DNAT).
  const Case c = run("qs-fw-policy-legacy-rulegroups");
  REQUIRE(errors(c.diags).empty());
  CHECK(nic_exposures(c) == std::vector<std::string>{"JumpBox public-ip tcp 22->22"});
  for (const auto& e : c.analysis.exposures) CHECK(e.target_kind != model::ResourceKind::kFirewall);
  // The legacy groups were read: two groups, a network and an application rule.
  REQUIRE(c.model.firewall_policies.size() == 1);
  const auto& groups = c.model.firewall_policies[0].groups;
  REQUIRE(groups.size() == 2);
  std::vector<std::string> kinds;
  for (const auto& g : groups) {
    for (const auto& col : g.collections) {
      for (const auto& r : col.rules) kinds.push_back(g.name + "/" + col.name + "/" + model::to_string(r.kind));
    }
  }
  std::sort(kinds.begin(), kinds.end());
  CHECK(kinds == std::vector<std::string>{"AppRG/AppRule1/application", "NetworkRG/NetworkRule1/network"});
}
