// The VM posture recommendations (docs/recommendations.md#vm-posture): every row healthy and unhealthy (and not
// applicable or undecidable where the row has it), on hand-built machines. Expected values are worked out by hand
// from the policy rules: encryptionAtHost must be true; Linux needs disablePasswordAuthentication true; the Guest
// Configuration extension needs a system-assigned identity; Secure Boot applies to Windows Trusted Launch and
// confidential VMs, vTPM to Trusted Launch; the antimalware policy to Windows Server 2008 R2..2019 images.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "model/validate.h"
#include "model_builder.h"
#include "recommend_engine_support.h"
#include "solver/analysis.h"
#include "solver/recommendation.h"

namespace {

using recommend_engine::at;
using recommend_engine::EngineRun;
using recommend_engine::finding;
using recommend_engine::run_engine;

namespace model = exposim::model;
namespace solver = exposim::solver;
using Catch::Matchers::Contains;
using exposim::testing::EstateBuilder;
using exposim::testing::kAllow;
using exposim::testing::rid;
using exposim::testing::tcp;
using model::OsType;
using solver::FindingStatus;

model::Setting<bool> flag(bool v, const std::string& pointer) { return {v, false, at(pointer)}; }
model::Setting<bool> unknown_flag(const std::string& pointer) { return {std::nullopt, true, at(pointer)}; }
model::Setting<std::string> text(const std::string& v, const std::string& pointer) { return {v, false, at(pointer)}; }

model::VmExtension extension(const std::string& publisher, const std::string& type, const std::string& pointer) {
  return {type, publisher, type, at(pointer)};
}

/// A virtual machine without network interfaces, located at "/<n>"; absent properties located there too.
model::VirtualMachine machine(const std::string& name, int n, OsType os) {
  model::VirtualMachine vm;
  vm.id = rid("Microsoft.Compute/virtualMachines", name);
  vm.key = model::canonical_id(vm.id);
  vm.name = name;
  vm.where = at("/" + std::to_string(n));
  auto& p = vm.posture;
  p.os = os;
  p.os_where = at(vm.where.pointer + "/properties/storageProfile/osDisk/osType");
  for (auto* s : {&p.encryption_at_host, &p.secure_boot, &p.vtpm, &p.disable_password_authentication}) {
    s->where = vm.where;
  }
  p.security_type.where = vm.where;
  p.identity_type.where = vm.where;
  return vm;
}

EngineRun run_vms(std::vector<model::VirtualMachine> vms) {
  model::Model m;
  m.vms = std::move(vms);
  return run_engine(std::move(m));
}

std::vector<std::string> judged(const EngineRun& r, std::string_view id) {
  std::vector<std::string> names;
  for (const auto& f : r.recs.findings) {
    if (f.recommendation == nullptr || f.recommendation->id != id) continue;
    names.push_back(r.m.resource(model::GraphVertex{f.kind, f.index})->name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("recommend compute: the catalog rows of the VM area", "[solver][recommend]") {
  const auto* vm1 = solver::find_recommendation("EXP-VM-001");
  REQUIRE(vm1 != nullptr);
  CHECK(vm1->assessment_key == "efbbd784-656d-473a-9863-ea7693bfcd2a");
  CHECK(vm1->policy_id == "fc4d8e41-e223-45ea-9bf5-eada37891d87");
  CHECK(vm1->severity == solver::RecommendationSeverity::kMedium);
  const auto* vm7 = solver::find_recommendation("EXP-VM-007");
  REQUIRE(vm7 != nullptr);
  CHECK(vm7->decision == solver::Decision::kNotDecidable);
  CHECK(vm7->policy_id.empty());
  CHECK(vm7->severity == solver::RecommendationSeverity::kHigh);
  const auto* vm8 = solver::find_recommendation("EXP-VM-008");
  REQUIRE(vm8 != nullptr);
  CHECK(vm8->assessment_key.empty());
  CHECK(vm8->policy_id == "9b597639-28e4-48eb-b506-56b05d366257");
  for (const char* id : {"EXP-VM-002", "EXP-VM-003", "EXP-VM-004", "EXP-VM-005", "EXP-VM-006", "EXP-VM-009",
                         "EXP-VM-010", "EXP-IDN-001"}) {
    INFO(id);
    const auto* r = solver::find_recommendation(id);
    REQUIRE(r != nullptr);
    CHECK_FALSE(r->title.empty());
    CHECK_FALSE(r->remediation.empty());
    CHECK(std::string(r->help_uri).rfind("https://", 0) == 0);
  }
}

TEST_CASE("recommend compute: VM-001 encryption at host on machines and scale sets", "[solver][recommend]") {
  auto on = machine("on", 0, OsType::kLinux);
  on.posture.encryption_at_host = flag(true, "/0/properties/securityProfile/encryptionAtHost");
  auto off = machine("off", 1, OsType::kLinux);
  off.posture.encryption_at_host = flag(false, "/1/properties/securityProfile/encryptionAtHost");
  auto absent = machine("absent", 2, OsType::kWindows);
  auto later = machine("later", 3, OsType::kWindows);
  later.posture.encryption_at_host = unknown_flag("/3/properties/securityProfile/encryptionAtHost");
  model::Model m;
  m.vms = {on, off, absent, later};
  model::ScaleSet ss;
  ss.id = rid("Microsoft.Compute/virtualMachineScaleSets", "vmss1");
  ss.key = model::canonical_id(ss.id);
  ss.name = "vmss1";
  ss.where = at("/4");
  ss.posture.encryption_at_host = flag(true, "/4/properties/virtualMachineProfile/securityProfile/encryptionAtHost");
  m.scale_sets.push_back(ss);
  const auto r = run_engine(std::move(m));

  const auto& f_on = finding(r, "EXP-VM-001", "on");
  CHECK(f_on.status == FindingStatus::kHealthy);
  REQUIRE(f_on.properties.size() == 1);
  CHECK(f_on.properties[0].name == "properties.securityProfile.encryptionAtHost");
  CHECK(f_on.properties[0].value == "true");
  CHECK(f_on.where.pointer == "/0/properties/securityProfile/encryptionAtHost");
  CHECK(finding(r, "EXP-VM-001", "off").status == FindingStatus::kUnhealthy);
  CHECK(finding(r, "EXP-VM-001", "off").properties[0].value == "false");
  const auto& f_absent = finding(r, "EXP-VM-001", "absent");
  CHECK(f_absent.status == FindingStatus::kUnhealthy);
  CHECK(f_absent.properties[0].value == "absent");
  CHECK(f_absent.where.pointer == "/2");
  const auto& f_later = finding(r, "EXP-VM-001", "later");
  CHECK(f_later.status == FindingStatus::kUndecidable);
  CHECK_THAT(f_later.summary, Contains("only known at deployment"));
  const auto& f_ss = finding(r, "EXP-VM-001", "vmss1");
  CHECK(f_ss.kind == model::ResourceKind::kScaleSet);
  CHECK(f_ss.status == FindingStatus::kHealthy);
  CHECK(f_ss.properties[0].name == "properties.virtualMachineProfile.securityProfile.encryptionAtHost");
}

TEST_CASE("recommend compute: one finding per scale set never per synthesised instance", "[solver][recommend]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"}).subnet("v", "s", "10.0.1.0/24");
  model::ScaleSet ss;
  ss.id = rid("Microsoft.Compute/virtualMachineScaleSets", "vmss2");
  ss.key = model::canonical_id(ss.id);
  ss.name = "vmss2";
  ss.capacity = 2;
  model::ScaleSetNicConfig nc;
  nc.name = "nic";
  model::ScaleSetIpConfig ic;
  ic.name = "ip";
  ic.primary = true;
  ic.subnet.id = model::canonical_id(rid("Microsoft.Network/virtualNetworks", "v") + "/subnets/s");
  nc.ip_configurations.push_back(ic);
  ss.nic_configurations.push_back(nc);
  b.m.scale_sets.push_back(ss);
  b.m.vms.push_back(machine("solo", 0, OsType::kLinux));
  const auto r = run_engine(std::move(b.m));
  REQUIRE(r.m.vms.size() == 3);  // solo and the two synthesised instances
  CHECK(judged(r, "EXP-VM-001") == std::vector<std::string>{"solo", "vmss2"});
  CHECK(judged(r, "EXP-VM-005") == std::vector<std::string>{"solo", "vmss2"});
}

TEST_CASE("recommend compute: VM-002 and VM-003 disk encryption by operating system", "[solver][recommend]") {
  auto ade = machine("ade", 0, OsType::kLinux);
  ade.posture.extensions.push_back(
      extension("Microsoft.Azure.Security", "AzureDiskEncryptionForLinux", "/0/resources/0"));
  auto eah = machine("eah", 1, OsType::kWindows);
  eah.posture.encryption_at_host = flag(true, "/1/properties/securityProfile/encryptionAtHost");
  auto bare = machine("bare", 2, OsType::kWindows);
  auto cvm = machine("cvm", 3, OsType::kLinux);
  cvm.posture.security_type = text("ConfidentialVM", "/3/properties/securityProfile/securityType");
  auto unknown_os = machine("unknown-os", 4, OsType::kUnknown);
  auto later = machine("later", 5, OsType::kLinux);
  later.posture.encryption_at_host = unknown_flag("/5/properties/securityProfile/encryptionAtHost");
  auto wrong = machine("wrong", 6, OsType::kWindows);  // the Linux extension on Windows does not count
  wrong.posture.extensions.push_back(
      extension("Microsoft.Azure.Security", "AzureDiskEncryptionForLinux", "/6/resources/0"));
  const auto r = run_vms({ade, eah, bare, cvm, unknown_os, later, wrong});

  const auto& f_ade = finding(r, "EXP-VM-002", "ade");
  CHECK(f_ade.status == FindingStatus::kHealthy);
  CHECK(f_ade.where.pointer == "/0/resources/0");
  CHECK_THAT(f_ade.summary, Contains("AzureDiskEncryptionForLinux") && Contains("not verified"));
  CHECK(finding(r, "EXP-VM-003", "ade").status == FindingStatus::kNotApplicable);
  CHECK(finding(r, "EXP-VM-003", "eah").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-VM-002", "eah").status == FindingStatus::kNotApplicable);
  const auto& f_bare = finding(r, "EXP-VM-003", "bare");
  CHECK(f_bare.status == FindingStatus::kUnhealthy);
  REQUIRE(f_bare.properties.size() == 2);
  CHECK(f_bare.properties[1].value == "absent (Microsoft.Azure.Security/AzureDiskEncryption)");
  const auto& f_cvm = finding(r, "EXP-VM-002", "cvm");
  CHECK(f_cvm.status == FindingStatus::kNotApplicable);
  CHECK_THAT(f_cvm.summary, Contains("confidential VM"));
  CHECK(finding(r, "EXP-VM-002", "unknown-os").status == FindingStatus::kUndecidable);
  CHECK(finding(r, "EXP-VM-003", "unknown-os").status == FindingStatus::kUndecidable);
  CHECK(finding(r, "EXP-VM-002", "later").status == FindingStatus::kUndecidable);
  CHECK(finding(r, "EXP-VM-003", "wrong").status == FindingStatus::kUnhealthy);
}

TEST_CASE("recommend compute: VM-004 SSH keys and SSH reachable from the internet", "[solver][recommend]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .subnet("v", "s", "10.0.1.0/24", "nsg1")
      .nsg("nsg1", {{"ssh", 100, kAllow, tcp(), {"Internet"}, {"22"}}})
      .public_ip("pip-open", "20.0.0.1", model::Sku::kStandard)
      .public_ip("pip-keys", "20.0.0.2", model::Sku::kStandard)
      .public_ip("pip-ss", "20.0.0.9", model::Sku::kStandard)
      .vm("open", "v", "s", "10.0.1.4", "pip-open")
      .vm("keys", "v", "s", "10.0.1.5", "pip-keys")
      .vm("inside", "v", "s", "10.0.1.6");
  auto& m = b.m;
  for (auto& vm : m.vms) {
    vm.posture.os = OsType::kLinux;
    vm.where = at("/" + vm.name);
    vm.posture.disable_password_authentication.where = vm.where;
  }
  m.vms[0].posture.disable_password_authentication =
      flag(false, "/open/properties/osProfile/linuxConfiguration/disablePasswordAuthentication");
  m.vms[1].posture.disable_password_authentication =
      flag(true, "/keys/properties/osProfile/linuxConfiguration/disablePasswordAuthentication");
  m.vms.push_back(machine("win", 7, OsType::kWindows));
  auto later = machine("later", 8, OsType::kLinux);
  later.posture.disable_password_authentication = unknown_flag("/8/x");
  m.vms.push_back(later);
  // A scale set whose instance NIC (as `az vmss nic list` gives it) is reachable on 22.
  model::ScaleSet ss;
  ss.id = rid("Microsoft.Compute/virtualMachineScaleSets", "vmss1");
  ss.key = model::canonical_id(ss.id);
  ss.name = "vmss1";
  ss.capacity = 1;
  ss.posture.os = OsType::kLinux;
  m.scale_sets.push_back(ss);
  model::NetworkInterface nic;
  nic.id = ss.id + "/virtualMachines/0/networkInterfaces/nic0";
  nic.key = model::canonical_id(nic.id);
  nic.name = "nic0";
  model::IpConfiguration cfg;
  cfg.name = "ip";
  cfg.primary = true;
  cfg.private_ip = model::IpAddress::parse("10.0.1.10");
  cfg.subnet.id = model::canonical_id(rid("Microsoft.Network/virtualNetworks", "v") + "/subnets/s");
  cfg.public_ip.id = model::canonical_id(rid("Microsoft.Network/publicIPAddresses", "pip-ss"));
  nic.ip_configurations.push_back(cfg);
  m.nics.push_back(nic);
  const auto r = run_engine(std::move(m));

  const auto& f_open = finding(r, "EXP-VM-004", "open");
  CHECK(f_open.status == FindingStatus::kUnhealthy);
  CHECK(f_open.exposed);
  CHECK_FALSE(f_open.exposures.empty());
  CHECK(f_open.tcp_ports == exposim::testing::ports({"22"}));
  CHECK(f_open.where.pointer == "/open/properties/osProfile/linuxConfiguration/disablePasswordAuthentication");
  CHECK(f_open.properties[0].name == "properties.osProfile.linuxConfiguration.disablePasswordAuthentication");
  CHECK_THAT(f_open.summary, Contains("SSH (TCP 22) is reachable from the internet"));
  const auto& f_keys = finding(r, "EXP-VM-004", "keys");
  CHECK(f_keys.status == FindingStatus::kHealthy);  // keys only: reachability ranks, never decides
  CHECK(f_keys.exposed);
  CHECK_THAT(f_keys.summary, Contains("keys only"));
  const auto& f_inside = finding(r, "EXP-VM-004", "inside");
  CHECK(f_inside.status == FindingStatus::kUnhealthy);
  CHECK_FALSE(f_inside.exposed);
  CHECK(f_inside.properties[0].value == "absent");
  CHECK(finding(r, "EXP-VM-004", "win").status == FindingStatus::kNotApplicable);
  CHECK(finding(r, "EXP-VM-004", "later").status == FindingStatus::kUndecidable);
  const auto& f_ss = finding(r, "EXP-VM-004", "vmss1");
  CHECK(f_ss.status == FindingStatus::kUnhealthy);
  CHECK(f_ss.exposed);
  CHECK(f_ss.properties[0].name ==
        "properties.virtualMachineProfile.osProfile.linuxConfiguration.disablePasswordAuthentication");
  // The instance VM added for the instance NIC is the scale set's: no finding of its own.
  CHECK(judged(r, "EXP-VM-004") == std::vector<std::string>{"inside", "keys", "later", "open", "vmss1", "win"});
}

TEST_CASE("recommend compute: VM-005 and VM-006 Guest Configuration and its identity", "[solver][recommend]") {
  auto good = machine("good", 0, OsType::kLinux);
  good.posture.extensions.push_back(
      extension("Microsoft.GuestConfiguration", "ConfigurationForLinux", "/0/resources/0"));
  good.posture.identity_type = text("SystemAssigned, UserAssigned", "/0/identity/type");
  auto user = machine("user", 1, OsType::kWindows);
  user.posture.extensions.push_back(
      extension("Microsoft.GuestConfiguration", "ConfigurationforWindows", "/1/resources/0"));
  user.posture.identity_type = text("UserAssigned", "/1/identity/type");
  auto none = machine("none", 2, OsType::kWindows);
  auto later = machine("later", 3, OsType::kLinux);
  later.posture.extensions.push_back(
      extension("Microsoft.GuestConfiguration", "ConfigurationForLinux", "/3/resources/0"));
  later.posture.identity_type.unknown = true;
  const auto r = run_vms({good, user, none, later});

  CHECK(finding(r, "EXP-VM-005", "good").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-VM-005", "good").where.pointer == "/0/resources/0");
  CHECK(finding(r, "EXP-VM-005", "user").status == FindingStatus::kHealthy);
  const auto& f_none = finding(r, "EXP-VM-005", "none");
  CHECK(f_none.status == FindingStatus::kUnhealthy);
  CHECK(f_none.where.pointer == "/2");
  CHECK(finding(r, "EXP-VM-006", "good").status == FindingStatus::kHealthy);
  const auto& f_user = finding(r, "EXP-VM-006", "user");
  CHECK(f_user.status == FindingStatus::kUnhealthy);
  CHECK(f_user.where.pointer == "/1/identity/type");
  CHECK(f_user.properties[0].value == "UserAssigned");
  CHECK(finding(r, "EXP-VM-006", "none").status == FindingStatus::kNotApplicable);
  CHECK(finding(r, "EXP-VM-006", "later").status == FindingStatus::kUndecidable);
}

TEST_CASE("recommend compute: VM-007 is never decided and hints at the MDE extension", "[solver][recommend]") {
  auto mde = machine("mde", 0, OsType::kWindows);
  mde.posture.extensions.push_back(
      extension("Microsoft.Azure.AzureDefenderForServers", "MDE.Windows", "/0/resources/1"));
  auto bare = machine("bare", 1, OsType::kLinux);
  const auto r = run_vms({mde, bare});
  const auto& f_mde = finding(r, "EXP-VM-007", "mde");
  CHECK(f_mde.status == FindingStatus::kUndecidable);
  CHECK_THAT(f_mde.summary, Contains("MDE.Windows is installed: likely healthy"));
  CHECK(f_mde.where.pointer == "/0/resources/1");
  const auto& f_bare = finding(r, "EXP-VM-007", "bare");
  CHECK(f_bare.status == FindingStatus::kUndecidable);
  CHECK_THAT(f_bare.summary, Contains("proves nothing"));
}

TEST_CASE("recommend compute: VM-008 antimalware on Windows Server 2008 R2 to 2019 images", "[solver][recommend]") {
  auto image = [](model::VirtualMachine& vm, const std::string& publisher, const std::string& offer,
                  const std::string& sku) {
    vm.posture.image = {publisher, offer, sku, at(vm.where.pointer + "/properties/storageProfile/imageReference")};
  };
  auto protected_vm = machine("protected", 0, OsType::kWindows);
  image(protected_vm, "MicrosoftWindowsServer", "WindowsServer", "2019-Datacenter");
  protected_vm.posture.extensions.push_back(extension("Microsoft.Azure.Security", "IaaSAntimalware", "/0/resources/0"));
  auto bare = machine("bare", 1, OsType::kWindows);
  image(bare, "MicrosoftWindowsServer", "WindowsServer", "2012-r2-datacenter");  // SKUs compare case-insensitively
  auto newer = machine("newer", 2, OsType::kWindows);
  image(newer, "MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-azure-edition");
  auto linux_vm = machine("linux", 3, OsType::kLinux);
  image(linux_vm, "Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2");
  const auto r = run_vms({protected_vm, bare, newer, linux_vm});

  CHECK(finding(r, "EXP-VM-008", "protected").status == FindingStatus::kHealthy);
  const auto& f_bare = finding(r, "EXP-VM-008", "bare");
  CHECK(f_bare.status == FindingStatus::kUnhealthy);
  REQUIRE(f_bare.properties.size() == 2);
  CHECK(f_bare.properties[0].value == "MicrosoftWindowsServer/WindowsServer/2012-r2-datacenter");
  const auto& f_newer = finding(r, "EXP-VM-008", "newer");
  CHECK(f_newer.status == FindingStatus::kNotApplicable);
  CHECK_THAT(f_newer.summary, Contains("2008 R2 to 2019"));
  CHECK(finding(r, "EXP-VM-008", "linux").status == FindingStatus::kNotApplicable);
}

TEST_CASE("recommend compute: VM-009 Secure Boot and VM-010 vTPM by security type", "[solver][recommend]") {
  auto tl = machine("tl", 0, OsType::kWindows);
  tl.posture.security_type = text("TrustedLaunch", "/0/properties/securityProfile/securityType");
  tl.posture.secure_boot = flag(true, "/0/properties/securityProfile/uefiSettings/secureBootEnabled");
  tl.posture.vtpm = flag(true, "/0/properties/securityProfile/uefiSettings/vTpmEnabled");
  auto tl_off = machine("tl-off", 1, OsType::kWindows);
  tl_off.posture.security_type = text("TrustedLaunch", "/1/properties/securityProfile/securityType");
  tl_off.posture.vtpm = flag(false, "/1/properties/securityProfile/uefiSettings/vTpmEnabled");
  auto standard = machine("standard", 2, OsType::kWindows);
  auto linux_tl = machine("linux-tl", 3, OsType::kLinux);
  linux_tl.posture.security_type = text("TrustedLaunch", "/3/properties/securityProfile/securityType");
  linux_tl.posture.vtpm = flag(true, "/3/properties/securityProfile/uefiSettings/vTpmEnabled");
  auto cvm = machine("cvm", 4, OsType::kWindows);
  cvm.posture.security_type = text("ConfidentialVM", "/4/properties/securityProfile/securityType");
  cvm.posture.secure_boot = flag(false, "/4/properties/securityProfile/uefiSettings/secureBootEnabled");
  auto later = machine("later", 5, OsType::kWindows);
  later.posture.security_type.unknown = true;
  auto no_os = machine("no-os", 6, OsType::kUnknown);  // Standard: not applicable whatever the OS
  auto tl_no_os = machine("tl-no-os", 7, OsType::kUnknown);
  tl_no_os.posture.security_type = text("TrustedLaunch", "/7/properties/securityProfile/securityType");
  const auto r = run_vms({tl, tl_off, standard, linux_tl, cvm, later, no_os, tl_no_os});

  const auto& sb = finding(r, "EXP-VM-009", "tl");
  CHECK(sb.status == FindingStatus::kHealthy);
  CHECK(sb.properties[0].name == "properties.securityProfile.uefiSettings.secureBootEnabled");
  const auto& sb_off = finding(r, "EXP-VM-009", "tl-off");
  CHECK(sb_off.status == FindingStatus::kUnhealthy);
  CHECK(sb_off.summary == "secureBootEnabled absent (off)");
  CHECK(sb_off.where.pointer == "/1");
  CHECK(finding(r, "EXP-VM-009", "standard").status == FindingStatus::kNotApplicable);
  CHECK(finding(r, "EXP-VM-009", "linux-tl").status == FindingStatus::kNotApplicable);
  CHECK(finding(r, "EXP-VM-009", "cvm").status == FindingStatus::kUnhealthy);
  CHECK(finding(r, "EXP-VM-009", "later").status == FindingStatus::kUndecidable);
  CHECK(finding(r, "EXP-VM-009", "no-os").status == FindingStatus::kNotApplicable);
  CHECK(finding(r, "EXP-VM-009", "tl-no-os").status == FindingStatus::kUndecidable);

  CHECK(finding(r, "EXP-VM-010", "tl").status == FindingStatus::kHealthy);
  const auto& tpm_off = finding(r, "EXP-VM-010", "tl-off");
  CHECK(tpm_off.status == FindingStatus::kUnhealthy);
  CHECK(tpm_off.where.pointer == "/1/properties/securityProfile/uefiSettings/vTpmEnabled");
  CHECK(finding(r, "EXP-VM-010", "linux-tl").status == FindingStatus::kHealthy);
  CHECK(finding(r, "EXP-VM-010", "standard").status == FindingStatus::kNotApplicable);
  CHECK(finding(r, "EXP-VM-010", "cvm").status == FindingStatus::kNotApplicable);
  CHECK(finding(r, "EXP-VM-010", "later").status == FindingStatus::kUndecidable);
}

TEST_CASE("recommend compute: IDN-001 Entra ID login extension with a system-assigned identity",
          "[solver][recommend]") {
  auto good = machine("good", 0, OsType::kLinux);
  good.posture.extensions.push_back(
      extension("Microsoft.Azure.ActiveDirectory", "AADSSHLoginForLinux", "/0/resources/0"));
  good.posture.identity_type = text("SystemAssigned", "/0/identity/type");
  auto no_identity = machine("no-identity", 1, OsType::kWindows);
  no_identity.posture.extensions.push_back(
      extension("Microsoft.Azure.ActiveDirectory", "AADLoginForWindows", "/1/resources/0"));
  auto none = machine("none", 2, OsType::kWindows);
  none.posture.identity_type = text("SystemAssigned", "/2/identity/type");
  auto later = machine("later", 3, OsType::kWindows);
  later.posture.extensions.push_back(
      extension("Microsoft.Azure.ActiveDirectory", "AADLoginForWindows", "/3/resources/0"));
  later.posture.identity_type.unknown = true;
  const auto r = run_vms({good, no_identity, none, later});

  CHECK(finding(r, "EXP-IDN-001", "good").status == FindingStatus::kHealthy);
  const auto& f_no = finding(r, "EXP-IDN-001", "no-identity");
  CHECK(f_no.status == FindingStatus::kUnhealthy);
  CHECK(f_no.summary == "AADLoginForWindows installed, but no system-assigned identity");
  CHECK(finding(r, "EXP-IDN-001", "none").status == FindingStatus::kUnhealthy);
  CHECK(finding(r, "EXP-IDN-001", "later").status == FindingStatus::kUndecidable);
}
