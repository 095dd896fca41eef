// What azurerm virtual machines and scale sets say about their own security (encryption at host, Trusted Launch,
// password authentication, operating system, image, managed identity) and their extensions, written where the
// Azure reader looks for them (importers/azure/machine_posture.cpp).
#include <string>

#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {
namespace {

bool is_linux(std::string_view type) {
  return type == "azurerm_linux_virtual_machine" || type == "azurerm_linux_virtual_machine_scale_set";
}
bool is_windows(std::string_view type) {
  return type == "azurerm_windows_virtual_machine" || type == "azurerm_windows_virtual_machine_scale_set";
}

/// `securityType`, which azurerm does not take but sends: ConfidentialVM when `os_disk.security_encryption_type`
/// is set, else TrustedLaunch when secure boot or vTPM is enabled, else none (Standard).
void copy_security_type(Context& ctx, const Block& b, Synthesized& s, const std::string& synth) {
  const auto disks = ctx.nested(b, "os_disk");
  if (!disks.empty()) {
    const Block& d = disks.front();
    if (ctx.state(d, "security_encryption_type") == State::kUnknown) {
      s.set(synth, Context::unknown_text(d, "security_encryption_type"), d.attr_pointer("security_encryption_type"),
            b.instance);
      return;
    }
    if (auto t = ctx.string(d, "security_encryption_type"); t && !t->empty()) {
      s.set(synth, "ConfidentialVM", d.attr_pointer("security_encryption_type"), b.instance);
      return;
    }
  }
  for (const char* key : {"secure_boot_enabled", "vtpm_enabled"}) {
    if (ctx.state(b, key) == State::kKnown && ctx.boolean(b, key).value_or(false)) {
      s.set(synth, "TrustedLaunch", b.attr_pointer(key), b.instance);
      return;
    }
  }
  for (const char* key : {"secure_boot_enabled", "vtpm_enabled"}) {
    if (ctx.state(b, key) == State::kUnknown) {
      s.set(synth, Context::unknown_text(b, key), b.attr_pointer(key), b.instance);
      return;
    }
  }
}

/// `disable_password_authentication` of block `b` at `synth`; absent, azurerm's default (true), at the block.
void copy_password_authentication(Context& ctx, const Block& b, Synthesized& s, const std::string& synth) {
  if (ctx.state(b, "disable_password_authentication") == State::kAbsent) {
    s.set(synth, true, b.values_pointer, b.instance);
  } else {
    ctx.copy_boolean(b, "disable_password_authentication", s, synth);
  }
}

/// An image block (`source_image_reference`, legacy `storage_image_reference`) as `imageReference` at `synth`.
void copy_image(Context& ctx, const Block& b, std::string_view key, Synthesized& s, const std::string& synth) {
  const auto images = ctx.nested(b, key);
  if (images.empty()) return;
  const Block& ib = images.front();
  s.set(synth, json::object(), ib.values_pointer, b.instance);
  ctx.copy_string(ib, "publisher", s, synth + "/publisher");
  ctx.copy_string(ib, "offer", s, synth + "/offer");
  ctx.copy_string(ib, "sku", s, synth + "/sku");
}

/// The `identity` block's `type` as the resource's `identity.type`.
void copy_identity(Context& ctx, const Block& b, Synthesized& s) {
  if (ctx.state(b, "identity") == State::kUnknown) {
    s.set("/identity/type", Context::unknown_text(b, "identity"), b.attr_pointer("identity"), b.instance);
    return;
  }
  const auto ids = ctx.nested(b, "identity");
  if (!ids.empty()) ctx.copy_string(ids.front(), "type", s, "/identity/type");
}

}  // namespace

void translate_machine_posture(Context& ctx, const Instance& i, Synthesized& s, const std::string& profile) {
  const Block b = Context::top(i);
  const std::string security = profile + "/securityProfile";
  ctx.copy_boolean(b, "encryption_at_host_enabled", s, security + "/encryptionAtHost");
  copy_security_type(ctx, b, s, security + "/securityType");
  ctx.copy_boolean(b, "secure_boot_enabled", s, security + "/uefiSettings/secureBootEnabled");
  ctx.copy_boolean(b, "vtpm_enabled", s, security + "/uefiSettings/vTpmEnabled");
  const std::string os_type = profile + "/storageProfile/osDisk/osType";
  const std::string linux_config = profile + "/osProfile/linuxConfiguration";
  if (is_linux(i.type)) {  // the resource type decides the operating system
    s.set(os_type, "Linux", i.pointer + "/type");
    copy_password_authentication(ctx, b, s, linux_config + "/disablePasswordAuthentication");
  } else if (is_windows(i.type)) {
    s.set(os_type, "Windows", i.pointer + "/type");
  } else if (i.type == "azurerm_virtual_machine") {  // legacy: the OS profile block given decides
    if (const auto disks = ctx.nested(b, "storage_os_disk"); !disks.empty()) {
      ctx.copy_string(disks.front(), "os_type", s, os_type);
    }
    if (const auto linux_blocks = ctx.nested(b, "os_profile_linux_config"); !linux_blocks.empty()) {
      s.set(linux_config, json::object(), linux_blocks.front().values_pointer);
      ctx.copy_boolean(linux_blocks.front(), "disable_password_authentication", s,
                       linux_config + "/disablePasswordAuthentication");
    } else if (const auto windows_blocks = ctx.nested(b, "os_profile_windows_config"); !windows_blocks.empty()) {
      s.set(profile + "/osProfile/windowsConfiguration", json::object(), windows_blocks.front().values_pointer);
    }
  } else if (i.type == "azurerm_orchestrated_virtual_machine_scale_set") {
    // The OS profile's `linux_configuration` or `windows_configuration` block decides.
    if (const auto os_profiles = ctx.nested(b, "os_profile"); !os_profiles.empty()) {
      const Block& ob = os_profiles.front();
      if (const auto linux_blocks = ctx.nested(ob, "linux_configuration"); !linux_blocks.empty()) {
        s.set(linux_config, json::object(), linux_blocks.front().values_pointer);
        copy_password_authentication(ctx, linux_blocks.front(), s, linux_config + "/disablePasswordAuthentication");
      } else if (const auto windows_blocks = ctx.nested(ob, "windows_configuration"); !windows_blocks.empty()) {
        s.set(profile + "/osProfile/windowsConfiguration", json::object(), windows_blocks.front().values_pointer);
      }
    }
  }
  copy_image(ctx, b, i.type == "azurerm_virtual_machine" ? "storage_image_reference" : "source_image_reference", s,
             profile + "/storageProfile/imageReference");
  copy_identity(ctx, b, s);
  // A scale set's `extension` blocks.
  const auto extensions = ctx.nested(b, "extension");
  for (std::size_t k = 0; k < extensions.size(); ++k) {
    const Block& eb = extensions[k];
    const std::string at = fmt::format("{}/extensionProfile/extensions/{}", profile, k);
    s.set(at, json{{"properties", json::object()}}, eb.values_pointer, b.instance);
    ctx.copy_string(eb, "name", s, at + "/name");
    ctx.copy_string(eb, "publisher", s, at + "/properties/publisher");
    ctx.copy_string(eb, "type", s, at + "/properties/type");
  }
}

void translate_vm_extension(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  const bool scale_set = i.type == "azurerm_virtual_machine_scale_set_extension";
  Synthesized* s = begin_resource(ctx, i,
                                  scale_set ? "Microsoft.Compute/virtualMachineScaleSets/extensions"
                                            : "Microsoft.Compute/virtualMachines/extensions",
                                  out);
  if (s == nullptr) return;
  const Block b = Context::top(i);
  ctx.copy_string(b, "publisher", *s, "/properties/publisher");
  ctx.copy_string(b, "type", *s, "/properties/type");
}

}  // namespace exposim::importers::terraform
