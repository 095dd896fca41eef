// The compute recommendations (EXP-VM-*, EXP-IDN-*): rows of the catalog and their evaluation
// (docs/recommendations.md#vm-posture). One finding per virtual machine and per scale set (its
// `virtualMachineProfile`), never per instance of a Uniform scale set; decided from what the template says of the
// machine (model::MachinePosture), never from the guest, and an unknown value is never healthy.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <string>

#include "model/ascii.h"
#include "solver/analysis.h"
#include "solver/recommendations/context.h"

namespace exposim::solver::recommendations {

namespace {

using model::MachinePosture;
using model::OsType;
using model::VmExtension;
using RK = model::ResourceKind;
using Sev = RecommendationSeverity;
using D = Decision;

}  // namespace

const std::vector<RecommendationInfo>& compute_rows() {
  static const std::vector<RecommendationInfo> kRows = {
      {"EXP-IDN-001", "Virtual machines should use Microsoft Entra ID login", Sev::kLow, "", "", "", D::kProperties,
       "Install AADLoginForWindows or AADSSHLoginForLinux (publisher Microsoft.Azure.ActiveDirectory) and give the "
       "machine a system-assigned identity",
       "https://learn.microsoft.com/entra/identity/devices/howto-vm-sign-in-azure-ad-linux"},
      {"EXP-VM-001", "Virtual machines and virtual machine scale sets should have encryption at host enabled",
       Sev::kMedium, "efbbd784-656d-473a-9863-ea7693bfcd2a", "fc4d8e41-e223-45ea-9bf5-eada37891d87",
       "Virtual machines and virtual machine scale sets should have encryption at host enabled", D::kProperties,
       "Set securityProfile.encryptionAtHost to true (the subscription needs the EncryptionAtHost feature)",
       kComputePage},
      {"EXP-VM-002", "Linux virtual machines should enable Azure Disk Encryption or EncryptionAtHost", Sev::kHigh,
       "a40cc620-e72c-fdf4-c554-c6ca2cd705c0", "ca88aadc-6e2b-416c-9de2-5a0f01d1693f",
       "Linux virtual machines should enable Azure Disk Encryption or EncryptionAtHost", D::kProperties,
       "Set securityProfile.encryptionAtHost to true, or add the AzureDiskEncryptionForLinux extension", kComputePage},
      {"EXP-VM-003", "Windows virtual machines should enable Azure Disk Encryption or EncryptionAtHost", Sev::kHigh,
       "0cb5f317-a94b-6b80-7212-13a9cc8826af", "3dc5edcd-002d-444c-b216-e123bbfa37c0",
       "Windows virtual machines should enable Azure Disk Encryption or EncryptionAtHost", D::kProperties,
       "Set securityProfile.encryptionAtHost to true, or add the AzureDiskEncryption extension", kComputePage},
      {"EXP-VM-004", "Authentication to Linux machines should require SSH keys", Sev::kMedium,
       "22441184-2f7b-d4a0-e00b-4c5eaef4afc9", "630c64f9-8b6b-4c64-b511-6544ceff6fd6",
       "Authentication to Linux machines should require SSH keys", D::kProperties,
       "Set osProfile.linuxConfiguration.disablePasswordAuthentication to true and give SSH public keys", kComputePage},
      {"EXP-VM-005", "Guest Configuration extension should be installed on machines", Sev::kMedium,
       "6c99f570-2ce7-46bc-8175-cde013df43bc", "ae89ebca-1c92-4898-ac2c-9f63decb045c",
       "Guest Configuration extension should be installed on your machines", D::kProperties,
       "Add the ConfigurationForLinux or ConfigurationforWindows extension (publisher Microsoft.GuestConfiguration)",
       kComputePage},
      {"EXP-VM-006",
       "Virtual machines' Guest Configuration extension should be deployed with system-assigned managed identity",
       Sev::kMedium, "69133b6b-695a-43eb-a763-221e19556755", "d26f7642-7545-4e18-9b75-8c9bbdee3a9a",
       "Virtual machines' Guest Configuration extension should be deployed with system-assigned managed identity",
       D::kProperties, "Add SystemAssigned to the machine's identity.type", kComputePage},
      {"EXP-VM-007", "EDR solution should be installed on Virtual Machines", Sev::kHigh,
       "06e3a6db-6c0c-4ad9-943f-31d9d73ecf6c", "", "", D::kNotDecidable,
       "Enable Defender for Servers, which deploys Microsoft Defender for Endpoint, and check the machine in "
       "Defender for Cloud",
       kComputePage},
      {"EXP-VM-008", "Microsoft IaaSAntimalware extension should be deployed on Windows servers", Sev::kHigh, "",
       "9b597639-28e4-48eb-b506-56b05d366257",
       "Microsoft IaaSAntimalware extension should be deployed on Windows servers", D::kProperties,
       "Add the IaaSAntimalware extension (publisher Microsoft.Azure.Security)",
       "https://portal.azure.com/#blade/Microsoft_Azure_Policy/PolicyDetailBlade/definitionId/"
       "%2Fproviders%2FMicrosoft.Authorization%2FpolicyDefinitions%2F9b597639-28e4-48eb-b506-56b05d366257"},
      {"EXP-VM-009", "Secure Boot should be enabled on supported Windows virtual machines", Sev::kLow,
       "69ad830b-d98c-b1cf-2158-9d69d38c7093", "97566dd7-78ae-4997-8b36-1c7bfe0d8121",
       "[Preview]: Secure Boot should be enabled on supported Windows virtual machines", D::kProperties,
       "Set securityProfile.uefiSettings.secureBootEnabled to true", kComputePage},
      {"EXP-VM-010", "vTPM should be enabled on supported virtual machines", Sev::kLow,
       "861bbc73-0a55-8d1d-efc6-e92d9e1176e0", "1c30f9cd-b84c-49cc-aa2c-9288447cc3b3",
       "[Preview]: vTPM should be enabled on supported virtual machines", D::kProperties,
       "Set securityProfile.uefiSettings.vTpmEnabled to true", kComputePage},
  };
  return kRows;
}

namespace {

/// The Windows Server images policy 9b597639 audits (publisher MicrosoftWindowsServer, offer WindowsServer).
constexpr std::array<std::string_view, 21> kAntimalwareSkus = {
    "2008-r2-sp1",
    "2008-r2-sp1-smalldisk",
    "2012-datacenter",
    "2012-datacenter-smalldisk",
    "2012-r2-datacenter",
    "2012-r2-datacenter-smalldisk",
    "2016-datacenter",
    "2016-datacenter-server-core",
    "2016-datacenter-server-core-smalldisk",
    "2016-datacenter-smalldisk",
    "2016-datacenter-with-containers",
    "2016-datacenter-with-rdsh",
    "2019-datacenter",
    "2019-datacenter-core",
    "2019-datacenter-core-smalldisk",
    "2019-datacenter-core-with-containers",
    "2019-datacenter-core-with-containers-smalldisk",
    "2019-datacenter-gensecond",
    "2019-datacenter-smalldisk",
    "2019-datacenter-with-containers",
    "2019-datacenter-with-containers-smalldisk",
};

/// A virtual machine or a scale set's profile, as the rows see it.
struct Machine {
  RK kind{RK::kVirtualMachine};
  int index{-1};
  const MachinePosture* posture{nullptr};
  const model::ResourceBase* base{nullptr};
  /// Where the profile's properties sit: "properties." (VM) or "properties.virtualMachineProfile." (scale set).
  const char* prefix{"properties."};
  std::vector<std::size_t> exposures;  // of its NICs (scale set: of its instances), Bastion sessions left out
};

/// A Uniform scale set's instance (`.../virtualMachineScaleSets/<name>/virtualMachines/<i>`): the scale set's
/// finding covers it. Flexible instances are ordinary virtual machines with their own properties.
bool is_uniform_instance(const model::VirtualMachine& vm) {
  constexpr std::string_view kSets = "/providers/microsoft.compute/virtualmachinescalesets/";
  const auto at = vm.key.find(kSets);
  return at != std::string::npos && vm.key.find("/virtualmachines/", at + kSets.size()) != std::string::npos;
}

const VmExtension* find_extension(const MachinePosture& p, std::string_view publisher,
                                  std::initializer_list<std::string_view> types) {
  for (const auto& e : p.extensions) {
    if (!model::ascii::iequals(e.publisher, publisher)) continue;
    if (types.size() == 0) return &e;
    for (auto t : types) {
      if (model::ascii::iequals(e.type, t)) return &e;
    }
  }
  return nullptr;
}

/// The status a "must be true" property gives: unknown is undecidable, true healthy, false or absent unhealthy.
FindingStatus must_be_true(const model::Setting<bool>& v) {
  if (v.unknown) return FindingStatus::kUndecidable;
  return v.is(true) ? FindingStatus::kHealthy : FindingStatus::kUnhealthy;
}

bool has_system_identity(const model::Setting<std::string>& identity) {
  if (identity.unknown || !identity.value) return false;
  return model::ascii::lower(*identity.value).find("systemassigned") != std::string::npos;
}

class ComputeEvaluation {
 public:
  explicit ComputeEvaluation(Context& ctx) : ctx_(ctx) {
    const auto& m = ctx.model;
    std::map<int, std::size_t> vm_slot;
    for (std::size_t i = 0; i < m.vms.size(); ++i) {
      if (is_uniform_instance(m.vms[i])) continue;
      vm_slot[static_cast<int>(i)] = machines_.size();
      machines_.push_back(
          Machine{RK::kVirtualMachine, static_cast<int>(i), &m.vms[i].posture, &m.vms[i], "properties.", {}});
    }
    std::map<int, std::size_t> set_slot;
    for (std::size_t i = 0; i < m.scale_sets.size(); ++i) {
      set_slot[static_cast<int>(i)] = machines_.size();
      machines_.push_back(Machine{RK::kScaleSet,
                                  static_cast<int>(i),
                                  &m.scale_sets[i].posture,
                                  &m.scale_sets[i],
                                  "properties.virtualMachineProfile.",
                                  {}});
    }
    const auto& exposures = ctx.analysis.exposures;
    for (std::size_t e = 0; e < exposures.size(); ++e) {
      const auto& x = exposures[e];
      if (x.target_kind != RK::kNetworkInterface || x.via == Via::kBastion) continue;
      if (x.vm >= 0) {
        if (auto it = vm_slot.find(x.vm); it != vm_slot.end()) machines_[it->second].exposures.push_back(e);
      }
      if (x.nic >= 0 && x.nic < static_cast<int>(m.nics.size())) {
        const int set = m.nics[x.nic].scale_set;
        if (auto it = set_slot.find(set); it != set_slot.end()) machines_[it->second].exposures.push_back(e);
      }
    }
  }

  void run() {
    for (const auto& mc : machines_) {
      encryption_at_host(mc);
      disk_encryption(mc, "EXP-VM-002", OsType::kLinux, "AzureDiskEncryptionForLinux");
      disk_encryption(mc, "EXP-VM-003", OsType::kWindows, "AzureDiskEncryption");
      ssh_keys(mc);
      guest_configuration(mc);
      guest_configuration_identity(mc);
      edr(mc);
      antimalware(mc);
      secure_boot(mc);
      vtpm(mc);
      entra_login(mc);
    }
  }

 private:
  Finding& add(std::string_view id, FindingStatus status, const Machine& mc) {
    return ctx_.add(id, status, mc.kind, mc.index);
  }
  static std::string name(const Machine& mc, std::string_view property) {
    return fmt::format("{}{}", mc.prefix, property);
  }
  static PropertyEvidence os_evidence(const Machine& mc) {
    return {"operating system", model::to_string(mc.posture->os), mc.posture->os_where};
  }
  static PropertyEvidence extensions_evidence(const Machine& mc, const VmExtension* e, std::string_view wanted) {
    if (e != nullptr) return {"extensions", fmt::format("{} ({}/{})", e->name, e->publisher, e->type), e->where};
    return {"extensions", fmt::format("absent ({})", wanted), mc.base->where};
  }

  /// The OS must be `os` for the row to apply: not applicable for the other family, undecidable when unknown.
  /// Returns false (after adding the finding) when the row does not go on.
  bool os_applies(std::string_view id, const Machine& mc, OsType os) {
    if (mc.posture->os == os) return true;
    if (mc.posture->os == OsType::kUnknown) {
      auto& f = add(id, FindingStatus::kUndecidable, mc);
      f.summary = fmt::format(
          "the operating system is not known from the input (no osDisk.osType, OS profile "
          "configuration or known image publisher): the row applies to {} machines only",
          model::to_string(os));
      return false;
    }
    auto& f = add(id, FindingStatus::kNotApplicable, mc);
    f.properties.push_back(os_evidence(mc));
    f.where = mc.posture->os_where;
    f.summary = fmt::format("a {} machine: the row applies to {} machines only", model::to_string(mc.posture->os),
                            model::to_string(os));
    return false;
  }

  void encryption_at_host(const Machine& mc) {
    constexpr std::string_view id = "EXP-VM-001";
    if (ctx_.skipped(id)) return;
    const auto& v = mc.posture->encryption_at_host;
    auto& f = add(id, must_be_true(v), mc);
    f.properties.push_back({name(mc, "securityProfile.encryptionAtHost"), setting_text(v), v.where});
    f.where = v.where;
    switch (f.status) {
      case FindingStatus::kHealthy: f.summary = "encryption at host enabled"; break;
      case FindingStatus::kUndecidable: f.summary = "encryptionAtHost is only known at deployment"; break;
      default: f.summary = v.value ? "encryptionAtHost false" : "encryptionAtHost absent (off)"; break;
    }
  }

  void disk_encryption(const Machine& mc, std::string_view id, OsType os, std::string_view ade_type) {
    if (ctx_.skipped(id)) return;
    if (!os_applies(id, mc, os)) return;
    const auto& p = *mc.posture;
    if (p.security_type.value && model::ascii::iequals(*p.security_type.value, "confidentialvm") &&
        !p.security_type.unknown) {
      auto& f = add(id, FindingStatus::kNotApplicable, mc);
      f.properties.push_back({name(mc, "securityProfile.securityType"), *p.security_type.value, p.security_type.where});
      f.where = p.security_type.where;
      f.summary = "a confidential VM: exempt, as in the policy";
      return;
    }
    const auto& eah = p.encryption_at_host;
    const VmExtension* ade = find_extension(p, "Microsoft.Azure.Security", {ade_type});
    FindingStatus status = FindingStatus::kUnhealthy;
    if (eah.is(true) || ade != nullptr) {
      status = FindingStatus::kHealthy;
    } else if (eah.unknown) {
      status = FindingStatus::kUndecidable;
    }
    auto& f = add(id, status, mc);
    f.properties.push_back({name(mc, "securityProfile.encryptionAtHost"), setting_text(eah), eah.where});
    f.properties.push_back(extensions_evidence(mc, ade, fmt::format("Microsoft.Azure.Security/{}", ade_type)));
    f.where = eah.is(true) || ade == nullptr ? eah.where : ade->where;
    switch (status) {
      case FindingStatus::kHealthy:
        f.summary =
            eah.is(true)
                ? "the template enables encryption at host (the guest's compliance is not verified)"
                : fmt::format("the template installs {} (the guest's encryption state is not verified)", ade->type);
        break;
      case FindingStatus::kUndecidable:
        f.summary = "encryptionAtHost is only known at deployment and no disk encryption extension is installed";
        break;
      default: f.summary = "neither encryption at host nor an Azure Disk Encryption extension"; break;
    }
  }

  void ssh_keys(const Machine& mc) {
    constexpr std::string_view id = "EXP-VM-004";
    if (ctx_.skipped(id)) return;
    if (!os_applies(id, mc, OsType::kLinux)) return;
    const auto& v = mc.posture->disable_password_authentication;
    auto& f = add(id, must_be_true(v), mc);
    f.properties.push_back(
        {name(mc, "osProfile.linuxConfiguration.disablePasswordAuthentication"), setting_text(v), v.where});
    f.where = v.where;
    switch (f.status) {
      case FindingStatus::kHealthy:
        f.summary =
            "the template says keys only (customData or scripts could turn passwords on again: the guest is "
            "not verified)";
        break;
      case FindingStatus::kUndecidable: f.summary = "disablePasswordAuthentication is only known at deployment"; break;
      default:
        f.summary = v.value ? "password authentication allowed (disablePasswordAuthentication false)"
                            : "password authentication allowed (disablePasswordAuthentication absent)";
        break;
    }
    for (std::size_t e : mc.exposures) {
      const auto& x = ctx_.analysis.exposures[e];
      if (x.protocol != model::Protocol::kTcp || !x.ports.contains(22)) continue;
      f.exposed = true;
      f.exposures.push_back(e);
    }
    if (f.exposed) {
      f.tcp_ports.add(22, 22);
      f.summary += "; SSH (TCP 22) is reachable from the internet";
    }
  }

  void guest_configuration(const Machine& mc) {
    constexpr std::string_view id = "EXP-VM-005";
    if (ctx_.skipped(id)) return;
    const VmExtension* gc = find_extension(*mc.posture, "Microsoft.GuestConfiguration", {});
    auto& f = add(id, gc != nullptr ? FindingStatus::kHealthy : FindingStatus::kUnhealthy, mc);
    f.properties.push_back(extensions_evidence(mc, gc, "Microsoft.GuestConfiguration"));
    if (gc != nullptr) {
      f.where = gc->where;
      f.summary = fmt::format("extension {} installed (its provisioning is assumed to succeed)", gc->type);
    } else {
      f.summary = "no Guest Configuration extension";
    }
  }

  void guest_configuration_identity(const Machine& mc) {
    constexpr std::string_view id = "EXP-VM-006";
    if (ctx_.skipped(id)) return;
    const auto& p = *mc.posture;
    const VmExtension* gc = find_extension(p, "Microsoft.GuestConfiguration", {});
    if (gc == nullptr) {
      auto& f = add(id, FindingStatus::kNotApplicable, mc);
      f.summary = "no Guest Configuration extension: the policy applies only to machines that have it";
      return;
    }
    const auto& identity = p.identity_type;
    FindingStatus status = has_system_identity(identity) ? FindingStatus::kHealthy
                           : identity.unknown            ? FindingStatus::kUndecidable
                                                         : FindingStatus::kUnhealthy;
    auto& f = add(id, status, mc);
    f.properties.push_back({"identity.type", setting_text(identity), identity.where});
    f.properties.push_back(extensions_evidence(mc, gc, "Microsoft.GuestConfiguration"));
    f.where = identity.where;
    switch (status) {
      case FindingStatus::kHealthy:
        f.summary = "system-assigned identity beside the Guest Configuration extension";
        break;
      case FindingStatus::kUndecidable: f.summary = "identity.type is only known at deployment"; break;
      default:
        f.summary = identity.value ? fmt::format("identity.type '{}' has no system-assigned identity", *identity.value)
                                   : "no identity: the Guest Configuration extension needs a system-assigned one";
        break;
    }
  }

  void edr(const Machine& mc) {
    constexpr std::string_view id = "EXP-VM-007";
    if (ctx_.skipped(id)) return;
    const VmExtension* mde =
        find_extension(*mc.posture, "Microsoft.Azure.AzureDefenderForServers", {"MDE.Windows", "MDE.Linux"});
    auto& f = add(id, FindingStatus::kUndecidable, mc);
    f.properties.push_back(extensions_evidence(mc, mde, "Microsoft.Azure.AzureDefenderForServers/MDE.*"));
    if (mde != nullptr) {
      f.where = mde->where;
      f.summary = fmt::format(
          "not decidable before deployment (Defender scans the running machine); extension {} is "
          "installed: likely healthy",
          mde->type);
    } else {
      f.summary =
          "not decidable before deployment (Defender scans the running machine); no MDE extension in the "
          "template, which proves nothing: Defender for Servers deploys it itself";
    }
  }

  void antimalware(const Machine& mc) {
    constexpr std::string_view id = "EXP-VM-008";
    if (ctx_.skipped(id)) return;
    const auto& image = mc.posture->image;
    const std::string sku = model::ascii::lower(image.sku);
    const bool server = model::ascii::iequals(image.publisher, "MicrosoftWindowsServer") &&
                        model::ascii::iequals(image.offer, "WindowsServer") &&
                        std::find(kAntimalwareSkus.begin(), kAntimalwareSkus.end(), sku) != kAntimalwareSkus.end();
    if (!server) {
      auto& f = add(id, FindingStatus::kNotApplicable, mc);
      f.properties.push_back(
          {name(mc, "storageProfile.imageReference"),
           image.publisher.empty() ? "absent" : fmt::format("{}/{}/{}", image.publisher, image.offer, image.sku),
           image.publisher.empty() ? mc.base->where : image.where});
      f.summary = "not a Windows Server 2008 R2 to 2019 marketplace image: the policy does not apply";
      return;
    }
    const VmExtension* am = find_extension(*mc.posture, "Microsoft.Azure.Security", {"IaaSAntimalware"});
    auto& f = add(id, am != nullptr ? FindingStatus::kHealthy : FindingStatus::kUnhealthy, mc);
    f.properties.push_back({name(mc, "storageProfile.imageReference"),
                            fmt::format("{}/{}/{}", image.publisher, image.offer, image.sku), image.where});
    f.properties.push_back(extensions_evidence(mc, am, "Microsoft.Azure.Security/IaaSAntimalware"));
    if (am != nullptr) {
      f.where = am->where;
      f.summary = "IaaSAntimalware extension installed";
    } else {
      f.summary = fmt::format("Windows Server image {} without the IaaSAntimalware extension", image.sku);
    }
  }

  /// The security type must be one of `types` (TrustedLaunch, ConfidentialVM) for the row to apply.
  bool security_type_applies(std::string_view id, const Machine& mc, bool confidential_too) {
    const auto& t = mc.posture->security_type;
    if (t.unknown) {
      auto& f = add(id, FindingStatus::kUndecidable, mc);
      f.properties.push_back({name(mc, "securityProfile.securityType"), kUnknownValue, t.where});
      f.where = t.where;
      f.summary = "securityType is only known at deployment";
      return false;
    }
    const bool trusted = t.value && model::ascii::iequals(*t.value, "trustedlaunch");
    const bool confidential = t.value && model::ascii::iequals(*t.value, "confidentialvm");
    if (trusted || (confidential_too && confidential)) return true;
    auto& f = add(id, FindingStatus::kNotApplicable, mc);
    f.properties.push_back({name(mc, "securityProfile.securityType"), setting_text(t), t.where});
    f.where = t.where;
    f.summary = fmt::format("security type {}: the row applies to {} machines only",
                            t.value ? *t.value : std::string("absent (Standard)"),
                            confidential_too ? "TrustedLaunch and ConfidentialVM" : "TrustedLaunch");
    return false;
  }

  void secure_boot(const Machine& mc) {
    constexpr std::string_view id = "EXP-VM-009";
    if (ctx_.skipped(id)) return;
    // The security type first: a Standard machine is not applicable whatever its operating system.
    if (!security_type_applies(id, mc, true)) return;
    if (!os_applies(id, mc, OsType::kWindows)) return;
    const auto& v = mc.posture->secure_boot;
    auto& f = add(id, must_be_true(v), mc);
    f.properties.push_back({name(mc, "securityProfile.uefiSettings.secureBootEnabled"), setting_text(v), v.where});
    f.where = v.where;
    switch (f.status) {
      case FindingStatus::kHealthy: f.summary = "Secure Boot enabled"; break;
      case FindingStatus::kUndecidable: f.summary = "secureBootEnabled is only known at deployment"; break;
      default: f.summary = v.value ? "secureBootEnabled false" : "secureBootEnabled absent (off)"; break;
    }
  }

  void vtpm(const Machine& mc) {
    constexpr std::string_view id = "EXP-VM-010";
    if (ctx_.skipped(id)) return;
    if (!security_type_applies(id, mc, false)) return;
    const auto& v = mc.posture->vtpm;
    auto& f = add(id, must_be_true(v), mc);
    f.properties.push_back({name(mc, "securityProfile.uefiSettings.vTpmEnabled"), setting_text(v), v.where});
    f.where = v.where;
    switch (f.status) {
      case FindingStatus::kHealthy: f.summary = "vTPM enabled"; break;
      case FindingStatus::kUndecidable: f.summary = "vTpmEnabled is only known at deployment"; break;
      default: f.summary = v.value ? "vTpmEnabled false" : "vTpmEnabled absent (off)"; break;
    }
  }

  void entra_login(const Machine& mc) {
    constexpr std::string_view id = "EXP-IDN-001";
    if (ctx_.skipped(id)) return;
    const auto& p = *mc.posture;
    const VmExtension* login =
        find_extension(p, "Microsoft.Azure.ActiveDirectory", {"AADLoginForWindows", "AADSSHLoginForLinux"});
    const auto& identity = p.identity_type;
    FindingStatus status = FindingStatus::kUnhealthy;
    if (login != nullptr && has_system_identity(identity)) {
      status = FindingStatus::kHealthy;
    } else if (login != nullptr && identity.unknown) {
      status = FindingStatus::kUndecidable;
    }
    auto& f = add(id, status, mc);
    f.properties.push_back(
        extensions_evidence(mc, login, "Microsoft.Azure.ActiveDirectory/AADLoginForWindows or AADSSHLoginForLinux"));
    f.properties.push_back({"identity.type", setting_text(identity), identity.where});
    f.where = login != nullptr ? identity.where : mc.base->where;
    switch (status) {
      case FindingStatus::kHealthy:
        f.summary = fmt::format("Entra ID login through {} with a system-assigned identity", login->type);
        break;
      case FindingStatus::kUndecidable: f.summary = "identity.type is only known at deployment"; break;
      default:
        f.summary = login == nullptr ? "no Entra ID login extension: sign-in uses local accounts"
                                     : fmt::format("{} installed, but no system-assigned identity", login->type);
        break;
    }
  }

  Context& ctx_;
  std::vector<Machine> machines_;
};

}  // namespace

void evaluate_compute(Context& ctx) {
  const std::size_t first = ctx.findings.size();
  ComputeEvaluation(ctx).run();
  ctx.locate_unset(first);
}

}  // namespace exposim::solver::recommendations
