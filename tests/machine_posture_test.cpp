// What virtual machines and scale sets say about their own security (model::MachinePosture): read from resource
// JSON (REST and the az CLI's flattened shape), from an ARM template with and without parameter values, and from a
// Terraform plan; each property's value, unknown or absent, and the exact JSON pointer it is recorded at.
// Expected values are read by hand off the fixtures (tests/data/posture/, tests/data/terraform/machine_posture.json)
// with Azure's documentation of the properties (docs/model.md, "Machine posture").
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "importers/azure/resource_importer.h"
#include "importers/inputs.h"
#include "model/model.h"
#include "terraform_fixture.h"

namespace {

namespace az = exposim::importers::azure;
namespace importers = exposim::importers;
namespace model = exposim::model;

std::string posture_data(const std::string& name) {
  return std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/posture/" + name;
}

/// "true @ /pointer", "unknown @ /pointer", "absent @ /pointer"; the file must be `file`.
template <typename T>
std::string show_posture_setting(const model::Setting<T>& s, const std::string& file) {
  if (s.where.file.str() != file) return fmt::format("in file '{}'", s.where.file.str());
  std::string value = "absent";
  if (s.unknown) {
    value = s.value ? "unknown with a value" : "unknown";
  } else if (s.value) {
    if constexpr (std::is_same_v<T, bool>) {
      value = *s.value ? "true" : "false";
    } else {
      value = *s.value;
    }
  }
  return fmt::format("{} @ {}", value, s.where.pointer);
}

std::string show_os(const model::MachinePosture& p) {
  return fmt::format("{} @ {}", model::to_string(p.os), p.os_where.pointer);
}

std::string show_image(const model::ImageReference& i) {
  return fmt::format("{}/{}/{} @ {}", i.publisher, i.offer, i.sku, i.where.pointer);
}

std::vector<std::string> show_extensions(const model::MachinePosture& p) {
  std::vector<std::string> out;
  for (const auto& e : p.extensions)
    out.push_back(fmt::format("{} {} {} @ {}", e.name, e.publisher, e.type, e.where.pointer));
  return out;
}

template <typename Resources>
const auto& by_name(const Resources& list, const std::string& name) {
  auto it = std::find_if(list.begin(), list.end(), [&](const auto& r) { return r.name == name; });
  REQUIRE(it != list.end());
  return *it;
}

/// The diagnostics of one code, as "severity pointer: message".
std::vector<std::string> posture_diagnostics(const model::Diagnostics& d, const std::string& code) {
  std::vector<std::string> out;
  for (const auto& x : d.sorted()) {
    if (x.code == code)
      out.push_back(fmt::format("{} {}: {}", model::to_string(x.severity), x.where.pointer, x.message));
  }
  return out;
}

}  // namespace

TEST_CASE("machine posture: a VM's properties from resource JSON", "[posture][azure]") {
  const std::string file = posture_data("vm_resources.json");
  model::Model m;
  model::Diagnostics d;
  const az::ImportStats stats = az::import_file(file, m, d);

  const auto& p = by_name(m.vms, "linux-vm").posture;
  CHECK(show_posture_setting(p.encryption_at_host, file) == "true @ /0/properties/securityProfile/encryptionAtHost");
  CHECK(show_posture_setting(p.security_type, file) == "TrustedLaunch @ /0/properties/securityProfile/securityType");
  CHECK(show_posture_setting(p.secure_boot, file) ==
        "true @ /0/properties/securityProfile/uefiSettings/secureBootEnabled");
  CHECK(show_posture_setting(p.vtpm, file) == "false @ /0/properties/securityProfile/uefiSettings/vTpmEnabled");
  CHECK(show_posture_setting(p.disable_password_authentication, file) ==
        "true @ /0/properties/osProfile/linuxConfiguration/disablePasswordAuthentication");
  CHECK(show_posture_setting(p.identity_type, file) == "SystemAssigned @ /0/identity/type");
  CHECK(show_os(p) == "linux @ /0/properties/storageProfile/osDisk/osType");
  CHECK(show_image(p.image) ==
        "Canonical/0001-com-ubuntu-server-jammy/22_04-lts-gen2 @ /0/properties/storageProfile/imageReference");
  // The export's `resources`, then the separate resources; the same extension given twice is kept once.
  CHECK(
      show_extensions(p) ==
      std::vector<std::string>{"AzureMonitorLinuxAgent Microsoft.Azure.Monitor AzureMonitorLinuxAgent @ /0/resources/0",
                               "AADSSHLoginForLinux Microsoft.Azure.ActiveDirectory AADSSHLoginForLinux @ /1"});

  // Nothing said: every property absent, located at the VM's object.
  const auto& bare = by_name(m.vms, "bare-vm").posture;
  for (const auto& s : {bare.encryption_at_host, bare.secure_boot, bare.vtpm, bare.disable_password_authentication}) {
    CHECK(show_posture_setting(s, file) == "absent @ /4");
  }
  CHECK(show_posture_setting(bare.security_type, file) == "absent @ /4");
  CHECK(show_posture_setting(bare.identity_type, file) == "absent @ /4");
  CHECK(show_os(bare) == "unknown @ /4");
  CHECK(show_image(bare.image) == "// @ /4");
  CHECK(bare.extensions.empty());

  // The image publisher decides the OS; a boolean written as a string is converted as ARM does; a security
  // type spelt in another case is recorded in Azure's spelling.
  const auto& by_image = by_name(m.vms, "win-by-image").posture;
  CHECK(show_os(by_image) == "windows @ /5/properties/storageProfile/imageReference/publisher");
  CHECK(show_posture_setting(by_image.encryption_at_host, file) ==
        "false @ /5/properties/securityProfile/encryptionAtHost");
  CHECK(show_posture_setting(by_image.security_type, file) ==
        "ConfidentialVM @ /5/properties/securityProfile/securityType");
  CHECK(show_posture_setting(by_image.secure_boot, file) == "absent @ /5");
  CHECK(show_posture_setting(by_image.disable_password_authentication, file) == "absent @ /5");

  // windowsConfiguration decides before the image; a value of another type is unknown (never compliant).
  const auto& by_config = by_name(m.vms, "win-by-config").posture;
  CHECK(show_os(by_config) == "windows @ /6/properties/osProfile/windowsConfiguration");
  CHECK(show_posture_setting(by_config.encryption_at_host, file) ==
        "unknown @ /6/properties/securityProfile/encryptionAtHost");
  CHECK_FALSE(by_config.encryption_at_host.is(true));
  CHECK(show_posture_setting(by_config.identity_type, file) == "None @ /6/identity/type");  // written "none"

  // Values of types the properties do not take are unknown, at the property; `null` is absent; an osType that
  // is neither Linux nor Windows decides nothing.
  const auto& wrong = by_name(m.vms, "wrong-types").posture;
  const std::string sec = "/10/properties/securityProfile";
  CHECK(show_posture_setting(wrong.encryption_at_host, file) == "unknown @ " + sec + "/encryptionAtHost");
  CHECK(show_posture_setting(wrong.security_type, file) == "unknown @ " + sec + "/securityType");
  CHECK(show_posture_setting(wrong.secure_boot, file) == "absent @ /10");
  CHECK(show_posture_setting(wrong.vtpm, file) == "unknown @ " + sec + "/uefiSettings/vTpmEnabled");
  CHECK(show_posture_setting(wrong.disable_password_authentication, file) ==
        "unknown @ /10/properties/osProfile/linuxConfiguration/disablePasswordAuthentication");
  CHECK_FALSE(wrong.disable_password_authentication.is(true));
  CHECK(show_posture_setting(wrong.identity_type, file) == "unknown @ /10/identity/type");
  CHECK(show_os(wrong) == "linux @ /10/properties/osProfile/linuxConfiguration");

  // Extensions cannot change what the internet reaches: still listed as inert, not counted as modelled.
  CHECK(stats.resources == 7);  // 5 VMs, 2 scale sets
  CHECK(stats.by_type.count("microsoft.compute/virtualmachines/extensions") == 0);
  CHECK(posture_diagnostics(d, "inert-types") ==
        std::vector<std::string>{"note : skipped 4 resources of types that cannot change what the internet reaches: "
                                 "microsoft.compute/virtualmachines/extensions (3), "
                                 "microsoft.compute/virtualmachinescalesets/extensions (1)"});
  // An extension of a VM absent from the input is dropped with a note, never an error.
  CHECK(posture_diagnostics(d, "dangling-parent") ==
        std::vector<std::string>{
            "note /3: extension 'MDE.Linux' has no parent in the input: virtual machine "
            "'/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/gone' is not declared; "
            "the extension is not read"});
  // Posture properties decide no reachability: nothing about them is reported.
  CHECK(posture_diagnostics(d, "unknown-value").empty());
  CHECK(posture_diagnostics(d, "invalid-type").empty());
  CHECK(posture_diagnostics(d, "coerced-value").empty());
}

TEST_CASE("machine posture: a scale set's virtualMachineProfile and extensions from resource JSON",
          "[posture][azure]") {
  const std::string file = posture_data("vm_resources.json");
  model::Model m;
  model::Diagnostics d;
  az::import_file(file, m, d);

  const auto& p = by_name(m.scale_sets, "ss").posture;
  const std::string profile = "/7/properties/virtualMachineProfile";
  CHECK(show_posture_setting(p.encryption_at_host, file) == "false @ " + profile + "/securityProfile/encryptionAtHost");
  CHECK(show_posture_setting(p.security_type, file) == "TrustedLaunch @ " + profile + "/securityProfile/securityType");
  CHECK(show_posture_setting(p.secure_boot, file) ==
        "true @ " + profile + "/securityProfile/uefiSettings/secureBootEnabled");
  CHECK(show_posture_setting(p.vtpm, file) == "true @ " + profile + "/securityProfile/uefiSettings/vTpmEnabled");
  CHECK(show_posture_setting(p.disable_password_authentication, file) ==
        "false @ " + profile + "/osProfile/linuxConfiguration/disablePasswordAuthentication");
  // Written "SystemAssigned,UserAssigned": recorded in Azure's spelling.
  CHECK(show_posture_setting(p.identity_type, file) == "SystemAssigned, UserAssigned @ /7/identity/type");
  CHECK(show_os(p) == "linux @ " + profile + "/osProfile/linuxConfiguration");
  CHECK(show_image(p.image) == "RedHat/RHEL/9-lvm-gen2 @ " + profile + "/storageProfile/imageReference");
  CHECK(show_extensions(p) ==
        std::vector<std::string>{
            "GuestConfig Microsoft.GuestConfiguration ConfigurationForLinux @ " + profile +
                "/extensionProfile/extensions/0",
            "AzureDiskEncryptionForLinux Microsoft.Azure.Security AzureDiskEncryptionForLinux @ /8"});

  // No virtualMachineProfile: every property absent, at the scale set's object.
  const auto& bare = by_name(m.scale_sets, "bare-ss").posture;
  CHECK(show_posture_setting(bare.encryption_at_host, file) == "absent @ /9");
  CHECK(show_posture_setting(bare.security_type, file) == "absent @ /9");
  CHECK(show_posture_setting(bare.identity_type, file) == "absent @ /9");
  CHECK(show_os(bare) == "unknown @ /9");
}

TEST_CASE("machine posture: the az CLI's flattened VM with its resources", "[posture][azure]") {
  const std::string file = posture_data("az_vm_show.json");
  model::Model m;
  model::Diagnostics d;
  az::import_file(file, m, d);
  REQUIRE(m.vms.size() == 1);
  const auto& p = m.vms[0].posture;
  // `null` is absent, as the az CLI prints absent fields.
  CHECK(show_posture_setting(p.encryption_at_host, file) == "absent @ ");
  CHECK(show_posture_setting(p.identity_type, file) == "absent @ ");
  CHECK(show_posture_setting(p.disable_password_authentication, file) ==
        "false @ /osProfile/linuxConfiguration/disablePasswordAuthentication");
  CHECK(show_os(p) == "linux @ /osProfile/linuxConfiguration");
  CHECK(show_image(p.image) == "Debian/debian-12/12-gen2 @ /storageProfile/imageReference");
  // The flattened extension's own type is `typePropertiesType` (its `type` is the resource type).
  CHECK(show_extensions(p) ==
        std::vector<std::string>{
            "AzurePolicyforLinux Microsoft.GuestConfiguration ConfigurationForLinux @ /resources/0"});
}

TEST_CASE("machine posture: an ARM template, parameters without and with values", "[posture][arm]") {
  const std::string file = posture_data("vm_template.json");
  const std::string vm = "/resources/0";
  const std::string sec = vm + "/properties/securityProfile";
  {
    model::Model m;
    model::Diagnostics d;
    importers::import_inputs({file}, {}, m, d);
    const auto& p = by_name(m.vms, "tmpl-vm").posture;
    // A bool parameter without a value is only known at deployment; a string one is its `<NAME>` placeholder.
    CHECK(show_posture_setting(p.encryption_at_host, file) == "unknown @ " + sec + "/encryptionAtHost");
    CHECK_FALSE(p.encryption_at_host.is(true));
    CHECK(show_posture_setting(p.vtpm, file) == "unknown @ " + sec + "/uefiSettings/vTpmEnabled");
    CHECK(show_posture_setting(p.identity_type, file) == "unknown @ " + vm + "/identity/type");
    // Parameters with a default take it.
    CHECK(show_posture_setting(p.security_type, file) == "TrustedLaunch @ " + sec + "/securityType");
    CHECK(show_posture_setting(p.disable_password_authentication, file) ==
          "true @ " + vm + "/properties/osProfile/linuxConfiguration/disablePasswordAuthentication");
    CHECK(show_posture_setting(p.secure_boot, file) == "unknown @ " + sec + "/uefiSettings/secureBootEnabled");
    CHECK(show_image(p.image) ==
          "/0001-com-ubuntu-server-jammy/22_04-lts-gen2 @ " + vm + "/properties/storageProfile/imageReference");
    CHECK(show_os(p) == "linux @ " + vm + "/properties/osProfile/linuxConfiguration");
    // A child declared inside the VM is expanded into a separate resource.
    CHECK(show_extensions(p) ==
          std::vector<std::string>{
              "AzureMonitorLinuxAgent Microsoft.Azure.Monitor AzureMonitorLinuxAgent @ /resources/0/resources/0"});
    const auto& bare = by_name(m.vms, "tmpl-bare").posture;
    CHECK(show_posture_setting(bare.encryption_at_host, file) == "absent @ /resources/1");
    CHECK(show_posture_setting(bare.disable_password_authentication, file) == "absent @ /resources/1");
    CHECK(show_os(bare) == "unknown @ /resources/1");
    // An object parameter without a value: what it would hold is unknown, at the object.
    const auto& unknowns = by_name(m.vms, "tmpl-unknowns").posture;
    const std::string sec3 = "/resources/3/properties/securityProfile";
    CHECK(show_posture_setting(unknowns.encryption_at_host, file) == "false @ " + sec3 + "/encryptionAtHost");
    CHECK(show_posture_setting(unknowns.security_type, file) == "unknown @ " + sec3 + "/securityType");
    CHECK(show_posture_setting(unknowns.secure_boot, file) == "unknown @ " + sec3 + "/uefiSettings");
    CHECK(show_posture_setting(unknowns.vtpm, file) == "unknown @ " + sec3 + "/uefiSettings");
    CHECK(show_posture_setting(unknowns.disable_password_authentication, file) ==
          "unknown @ /resources/3/properties/osProfile/linuxConfiguration/disablePasswordAuthentication");
    CHECK(show_posture_setting(unknowns.identity_type, file) == "absent @ /resources/3");
    // An extension of a VM the template does not declare: dropped with a note.
    CHECK(posture_diagnostics(d, "dangling-parent") ==
          std::vector<std::string>{
              "note /resources/2: extension 'MDE.Linux' has no parent in the input: virtual machine "
              "'/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/resource-group/providers/"
              "Microsoft.Compute/virtualMachines/gone-vm' is not declared; the extension is not read"});
    // The posture fields' unknowns are not reported as reachability unknowns.
    for (const auto& line : posture_diagnostics(d, "unknown-value")) {
      CHECK(line.find("securityProfile") == std::string::npos);
      CHECK(line.find("identity") == std::string::npos);
    }
  }
  {
    importers::InputOptions o;
    o.parameters = {"encryptionAtHost=true",    "vTpm=false",
                    "imagePublisher=Canonical", "identityType=SystemAssigned",
                    "secureBoot=true",          "secType=ConfidentialVM",
                    "passwordAuthOff=false",    R"(uefi={"secureBootEnabled": false, "vTpmEnabled": true})"};
    model::Model m;
    model::Diagnostics d;
    importers::import_inputs({file}, o, m, d);
    const auto& p = by_name(m.vms, "tmpl-vm").posture;
    CHECK(show_posture_setting(p.encryption_at_host, file) == "true @ " + sec + "/encryptionAtHost");
    CHECK(p.encryption_at_host.is(true));
    CHECK(show_posture_setting(p.vtpm, file) == "false @ " + sec + "/uefiSettings/vTpmEnabled");
    CHECK(show_posture_setting(p.identity_type, file) == "SystemAssigned @ " + vm + "/identity/type");
    CHECK(show_posture_setting(p.secure_boot, file) == "true @ " + sec + "/uefiSettings/secureBootEnabled");
    CHECK(show_image(p.image) == "Canonical/0001-com-ubuntu-server-jammy/22_04-lts-gen2 @ " + vm +
                                     "/properties/storageProfile/imageReference");
    const auto& unknowns = by_name(m.vms, "tmpl-unknowns").posture;
    const std::string sec3 = "/resources/3/properties/securityProfile";
    CHECK(show_posture_setting(unknowns.security_type, file) == "ConfidentialVM @ " + sec3 + "/securityType");
    CHECK(show_posture_setting(unknowns.secure_boot, file) == "false @ " + sec3 + "/uefiSettings/secureBootEnabled");
    CHECK(show_posture_setting(unknowns.vtpm, file) == "true @ " + sec3 + "/uefiSettings/vTpmEnabled");
    CHECK(show_posture_setting(unknowns.disable_password_authentication, file) ==
          "false @ /resources/3/properties/osProfile/linuxConfiguration/disablePasswordAuthentication");
  }
}

TEST_CASE("machine posture: extensions are not modelled types for templates", "[posture][arm]") {
  // An expression error in an extension stays what it was for a type that cannot change the answer.
  CHECK_FALSE(az::Importer::models("microsoft.compute/virtualmachines/extensions"));
  CHECK_FALSE(az::Importer::models("microsoft.compute/virtualmachinescalesets/extensions"));
  CHECK(az::Importer::models("microsoft.compute/virtualmachines"));
}

TEST_CASE("machine posture: a Terraform plan", "[posture][terraform]") {
  auto r = terraform_support::import_terraform("machine_posture.json");
  const std::string file = terraform_support::terraform_data("machine_posture.json");
  const std::string res = "/planned_values/root_module/resources";

  const auto& lin = by_name(r.model.vms, "vm-linux").posture;
  CHECK(show_posture_setting(lin.encryption_at_host, file) == "true @ " + res + "/0/values/encryption_at_host_enabled");
  // azurerm sends TrustedLaunch when secure boot or vTPM is enabled.
  CHECK(show_posture_setting(lin.security_type, file) == "TrustedLaunch @ " + res + "/0/values/secure_boot_enabled");
  CHECK(show_posture_setting(lin.secure_boot, file) == "true @ " + res + "/0/values/secure_boot_enabled");
  CHECK(show_posture_setting(lin.vtpm, file) == "false @ " + res + "/0/values/vtpm_enabled");
  CHECK(show_posture_setting(lin.disable_password_authentication, file) ==
        "false @ " + res + "/0/values/disable_password_authentication");
  CHECK(show_posture_setting(lin.identity_type, file) == "SystemAssigned @ " + res + "/0/values/identity/0/type");
  CHECK(show_os(lin) == "linux @ " + res + "/0/type");  // the resource type decides
  CHECK(show_image(lin.image) ==
        "Canonical/0001-com-ubuntu-server-jammy/22_04-lts-gen2 @ " + res + "/0/values/source_image_reference/0");
  CHECK(show_extensions(lin) ==
        std::vector<std::string>{"AADSSHLoginForLinux Microsoft.Azure.ActiveDirectory AADSSHLoginForLinux @ " + res +
                                 "/2"});

  // Known after apply: unknown, at the attribute.
  const auto& win = by_name(r.model.vms, "vm-win").posture;
  CHECK(show_posture_setting(win.encryption_at_host, file) ==
        "unknown @ " + res + "/1/values/encryption_at_host_enabled");
  CHECK(show_posture_setting(win.vtpm, file) == "unknown @ " + res + "/1/values/vtpm_enabled");
  CHECK(show_posture_setting(win.security_type, file) == "unknown @ " + res + "/1/values/vtpm_enabled");
  CHECK(show_posture_setting(win.secure_boot, file) == "false @ " + res + "/1/values/secure_boot_enabled");
  CHECK(show_posture_setting(win.disable_password_authentication, file) == "absent @ " + res + "/1");
  CHECK(show_posture_setting(win.identity_type, file) == "absent @ " + res + "/1");
  CHECK(show_os(win) == "windows @ " + res + "/1/type");
  CHECK(win.extensions.empty());

  const auto& ss = by_name(r.model.scale_sets, "ss-linux").posture;
  CHECK(show_posture_setting(ss.encryption_at_host, file) == "false @ " + res + "/4/values/encryption_at_host_enabled");
  CHECK(show_posture_setting(ss.security_type, file) ==
        "absent @ " + res + "/4");  // neither secure boot nor vTPM: Standard
  CHECK(show_posture_setting(ss.disable_password_authentication, file) ==
        "true @ " + res + "/4/values/disable_password_authentication");
  CHECK(show_posture_setting(ss.identity_type, file) == "UserAssigned @ " + res + "/4/values/identity/0/type");
  CHECK(show_os(ss) == "linux @ " + res + "/4/type");
  CHECK(show_image(ss.image) == "RedHat/RHEL/9-lvm-gen2 @ " + res + "/4/values/source_image_reference/0");
  CHECK(show_extensions(ss) ==
        std::vector<std::string>{
            "GuestConfig Microsoft.GuestConfiguration ConfigurationForLinux @ " + res + "/4/values/extension/0",
            "AzureDiskEncryptionForLinux Microsoft.Azure.Security AzureDiskEncryptionForLinux @ " + res + "/5"});

  // Orchestrated: the OS profile's linux_configuration decides; disable_password_authentication defaults to true.
  const auto& flex = by_name(r.model.scale_sets, "ss-flex").posture;
  CHECK(show_posture_setting(flex.encryption_at_host, file) ==
        "unknown @ " + res + "/6/values/encryption_at_host_enabled");
  CHECK(show_posture_setting(flex.disable_password_authentication, file) ==
        "true @ " + res + "/6/values/os_profile/0/linux_configuration/0");
  CHECK(show_os(flex) == "linux @ " + res + "/6/values/os_profile/0/linux_configuration/0");
  CHECK(show_image(flex.image) == "Debian/debian-12/12-gen2 @ " + res + "/6/values/source_image_reference/0");

  // Legacy azurerm_virtual_machine: the OS profile block or storage_os_disk.os_type decides.
  const auto& legacy = by_name(r.model.vms, "vm-legacy").posture;
  CHECK(show_os(legacy) == "windows @ " + res + "/7/values/os_profile_windows_config/0");
  CHECK(show_image(legacy.image) ==
        "MicrosoftWindowsServer/WindowsServer/2019-Datacenter @ " + res + "/7/values/storage_image_reference/0");
  CHECK(show_posture_setting(legacy.encryption_at_host, file) == "absent @ " + res + "/7");
  const auto& legacy_linux = by_name(r.model.vms, "vm-legacy-linux").posture;
  CHECK(show_os(legacy_linux) == "linux @ " + res + "/8/values/storage_os_disk/0/os_type");
  CHECK(show_posture_setting(legacy_linux.disable_password_authentication, file) ==
        "false @ " + res + "/8/values/os_profile_linux_config/0/disable_password_authentication");

  // Every posture attribute known after apply: unknown, at the attribute (the identity block as a whole).
  const auto& later = by_name(r.model.vms, "vm-later").posture;
  CHECK(show_posture_setting(later.encryption_at_host, file) ==
        "unknown @ " + res + "/9/values/encryption_at_host_enabled");
  CHECK(show_posture_setting(later.secure_boot, file) == "unknown @ " + res + "/9/values/secure_boot_enabled");
  CHECK(show_posture_setting(later.security_type, file) == "unknown @ " + res + "/9/values/secure_boot_enabled");
  CHECK(show_posture_setting(later.vtpm, file) == "false @ " + res + "/9/values/vtpm_enabled");
  CHECK(show_posture_setting(later.disable_password_authentication, file) ==
        "unknown @ " + res + "/9/values/disable_password_authentication");
  CHECK(show_posture_setting(later.identity_type, file) == "unknown @ " + res + "/9/values/identity");

  // The extension of a VM not in the plan: dropped with a note.
  const auto notes = posture_diagnostics(r.diags, "dangling-parent");
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].rfind("note " + res + "/3: azurerm_virtual_machine_extension.orphan: extension 'MDE.Linux'", 0) == 0);
  CHECK(posture_diagnostics(r.diags, "unmodelled-types").empty());
}
