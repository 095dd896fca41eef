// Corpus: `recommend` on every ARM template of ../shared/corpus/arm. EXP-NET-001 ("management ports should be
// closed") must be unhealthy exactly for the VMs whose management port ../shared/corpus/SOURCES.md says the
// internet reaches, and healthy for every other VM (SOURCES.md lists everything reachable: a VM it does not name
// on 22, 3389, 5985 or 5986 has none of them reachable). The expected names below are read from SOURCES.md, not
// from exposim's output.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "arm_cases.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "solver/recommendation.h"

namespace {

using namespace exposim;
namespace fs = std::filesystem;
using exposim::testing::corpus_arm::extra_parameters;
using exposim::testing::corpus_arm::kArm;

using Names = std::set<std::string>;

/// Per case, the VMs whose management ports SOURCES.md says are reachable.
const std::map<std::string, Names>& expected_unhealthy() {
  static const std::map<std::string, Names> kExpected = {
      {"alz-hubspoke-connectivity", {}},                                   // nothing deployed with default parameters
      {"ans-netsec-lab-standard", {"VM-Win11", "VM-Kali", "VM-Win2019"}},  // firewall DNAT 33891, 22, 33890
      {"ans-private-ip-dnat", {"win-vm-1"}},                               // DNAT 53389 -> 3389
      {"qs-1vm-2nics-2subnets", {"VM-MultiNic"}},
      {"qs-2fe-lb-1be-emptysubnetnsg", {}},        // the subnet NSG's default deny drops everything
      {"qs-2vms-lb-lbrules", {"myVM0", "myVM1"}},  // NAT 50001, 50002 -> 3389
      {"qs-2vms-lb-natrules-emptynsg", {}},
      {"qs-appgw-v1-iis-ssl", {"iisvm1", "iisvm2"}},
      {"qs-appgw-waf-v2", {}},
      {"qs-appgw-wafv2-policy-vms", {"myVM1", "myVM2"}},
      {"qs-asg-web", {"VM"}},
      {"qs-bastion-hub-spoke", {}},  // vm1: 443 only; RDP/SSH through Bastion only
      {"qs-bastion-nsg", {}},
      {"qs-dmz-nsg", {"IIS01"}},
      {"qs-fw-classic-dnat", {"myVM1", "myVM2"}},  // DNAT 3389 to 10.0.1.4 and 10.0.1.5
      {"qs-fw-forced-tunnel-peering", {"JumpBox"}},
      {"qs-fw-policy-legacy-rulegroups", {"JumpBox"}},
      {"qs-fw-premium-bastion", {}},
      {"qs-fw-sandbox-classic", {"JumpBox"}},
      {"qs-hub-spoke-sandbox", {"winJmphostVm"}},
      // SOURCES.md names both web VMs; the template deploys one by default (numberOfWebSrvs = 1, see
      // arm_corpus_test.cpp): NAT rule 50002 references no NIC.
      {"qs-iis-2vm-sql", {"GEN-UNIQUE-5webSrv0", "GEN-UNIQUE-5sqlSrv14"}},
      {"qs-internal-lb", {}},
      {"qs-lb-nat-rule-basic", {}},  // a NIC without a VM: no VM finding
      {"qs-multi-tier-appgw-ilb", {"MultiTierApp0", "MultiTierApp1"}},
      {"qs-multi-vm-lb-zones", {"GEN-UNIQUE0", "GEN-UNIQUE1", "GEN-UNIQUE2"}},  // NAT 50000-50002 -> 22
      {"qs-natgw-vm", {"myVM"}},
      {"qs-nsg-3tier-no-endpoints", {}},
      {"qs-pe-keyvault-blob", {"TestVm"}},
      {"qs-pe-sql-vm-nonsg", {"myVm3astsclne5z"}},  // no NSG: every port
      {"qs-privatelink-service", {"myConsumerVm3as"}},
      {"qs-rhel-3tier", {"jump-vm"}},
      {"qs-std-lb-bastion", {}},  // port 80 only
      {"qs-udr-nva", {"routedemo5VM0", "routedemo5VM1", "routedemo5VM2"}},
      {"qs-vm-simple-linux", {"simpleLinuxVM"}},
      {"qs-vm-simple-windows", {"simple-vm"}},
      {"qs-vm-with-rdp-port", {"rdpVM"}},
      // Five instances (the parameter file), each reached on 22 through one port of the NAT pool.
      {"qs-vmss-linux-natpool", {"gen-uniqu_0", "gen-uniqu_1", "gen-uniqu_2", "gen-uniqu_3", "gen-uniqu_4"}},
  };
  return kExpected;
}

}  // namespace

TEST_CASE("corpus recommend: EXP-NET-001 follows the management ports SOURCES.md says are reachable", "[corpus]") {
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(kArm)) {
    if (!fs::exists(entry.path() / "azuredeploy.json")) continue;
    const std::string name = entry.path().filename().string();
    INFO(name);
    const auto expected = expected_unhealthy().find(name);
    REQUIRE(expected != expected_unhealthy().end());  // a new case needs its expectation from SOURCES.md
    importers::InputOptions o;
    const std::string params = kArm + name + "/azuredeploy.parameters.json";
    if (fs::exists(params)) o.parameter_files.push_back(params);
    o.parameters = extra_parameters(name);
    model::Model m;
    model::Diagnostics diags;
    importers::import_inputs({kArm + name + "/azuredeploy.json"}, o, m, diags);
    if (!diags.has_errors()) model::validate(m, diags);
    REQUIRE(!diags.has_errors());
    const solver::Analysis analysis = solver::analyze(m);
    const solver::Recommendations r = solver::recommend(m, analysis);

    Names unhealthy;
    Names healthy;
    for (const auto& f : r.findings) {
      if (f.recommendation->id != "EXP-NET-001") continue;
      REQUIRE(f.kind == model::ResourceKind::kVirtualMachine);
      const std::string& vm = m.vms[f.index].name;
      if (f.status == solver::FindingStatus::kUnhealthy) {
        unhealthy.insert(vm);
        CHECK(!f.exposures.empty());  // the witness
        CHECK(f.exposed);
      } else {
        CHECK(f.status == solver::FindingStatus::kHealthy);
        healthy.insert(vm);
      }
    }
    CHECK(unhealthy == expected->second);
    // Every VM gets a finding: the ones not named are checked and healthy, not skipped.
    CHECK(unhealthy.size() + healthy.size() == m.vms.size());
    ++cases;
  }
  CHECK(cases == static_cast<int>(expected_unhealthy().size()));
}
