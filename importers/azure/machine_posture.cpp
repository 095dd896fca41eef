// What a virtual machine, or a scale set's `virtualMachineProfile`, says about its own security (encryption at
// host, Trusted Launch, password authentication, operating system, image, managed identity) and its extensions:
// read for the recommendations only (docs/model.md, "Machine posture"). Nothing here decides reachability, so
// nothing here is reported: a value only known at deployment, or one of another type, is recorded as unknown.
#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/reader_context.h"
#include "importers/unknown_value.h"

namespace exposim::importers::azure {
namespace {

/// An extension given as a separate resource, waiting for its VM or scale set until finish().
struct PendingExtension {
  std::string parent_key;
  std::string parent_id;  // as written, for the note
  model::VmExtension value;
};

/// What the posture readers keep across files until finish().
struct PostureState {
  std::vector<PendingExtension> vm_extensions;
  std::vector<PendingExtension> scale_set_extensions;
};

/// A field found by walking a path of keys from an object, quietly.
struct Walked {
  std::optional<JsonValue> value;  // absent: a key of the path is absent (or null)
  model::SourceLocation where;     // the field found; the last object reached when absent
  bool unknown{false};             // an object of the path is only known at deployment, or not an object
};

/// A text only known at deployment: a value written by unknown_value(), or (from a template or a plan) a
/// placeholder such as `<NAME>`.
bool unknown_text(const ReaderContext& ctx, std::string_view s) {
  return is_unknown_value(s) || (ctx.options.from_template && looks_like_placeholder(s));
}

/// Follows `path` from `o`, whose pointer is `pointer`.
Walked walk(const ReaderContext& ctx, JsonObject o, std::string pointer, std::initializer_list<std::string_view> path) {
  Walked out;
  std::size_t k = 0;
  for (const std::string_view key : path) {
    auto f = find_field(o, key);
    if (!f) {
      out.where = {ctx.file, pointer, 0, 0};
      return out;
    }
    append_token(pointer, f->key);
    if (++k == path.size()) {
      out.value = f->value;
      out.where = {ctx.file, pointer, 0, 0};
      return out;
    }
    if (!f->value.get(o)) {  // an object only known at deployment, or of another type: what it holds is unknown
      out.unknown = true;
      out.where = {ctx.file, pointer, 0, 0};
      return out;
    }
  }
  return out;
}

/// A boolean property at `path` under `o` (pointer `pointer`); `absent` is where it is said to be when absent.
model::Setting<bool> bool_setting(const ReaderContext& ctx, JsonObject o, const std::string& pointer,
                                  std::initializer_list<std::string_view> path, const model::SourceLocation& absent) {
  model::Setting<bool> s;
  const Walked w = walk(ctx, o, pointer, path);
  s.where = w.value || w.unknown ? w.where : absent;
  s.unknown = w.unknown;
  if (!w.value) return s;
  bool b = false;
  std::string_view text;
  if (w.value->get(b)) {
    s.value = b;
  } else if (w.value->get(text) &&
             (ascii::equals_lower(trim(text), "true") || ascii::equals_lower(trim(text), "false"))) {
    s.value = ascii::equals_lower(trim(text), "true");  // ARM converts such a string
  } else {
    s.unknown = true;
  }
  return s;
}

/// A string property at `path` under `o` (trimmed; an empty string counts as absent).
model::Setting<std::string> string_setting(const ReaderContext& ctx, JsonObject o, const std::string& pointer,
                                           std::initializer_list<std::string_view> path,
                                           const model::SourceLocation& absent) {
  model::Setting<std::string> s;
  const Walked w = walk(ctx, o, pointer, path);
  s.where = w.value || w.unknown ? w.where : absent;
  s.unknown = w.unknown;
  if (!w.value) return s;
  std::string_view text;
  if (!w.value->get(text) || unknown_text(ctx, text)) {
    s.unknown = true;
  } else if (!trim(text).empty()) {
    s.value = std::string(trim(text));
  } else {
    s.where = absent;
  }
  return s;
}

/// `s`'s value in Azure's spelling when it is one of `known` (compared ignoring case and blanks: ARM accepts
/// `trustedLaunch` and `SystemAssigned,UserAssigned`), so that a recommendation compares exact strings.
void canonical_spelling(model::Setting<std::string>& s, std::initializer_list<std::string_view> known) {
  if (!s.value) return;
  auto squeeze = [](std::string_view t) {
    std::string out;
    for (char c : t) {
      if (c != ' ') out += ascii::lower(c);
    }
    return out;
  };
  const std::string written = squeeze(*s.value);
  for (const std::string_view k : known) {
    if (squeeze(k) == written) s.value = std::string(k);
  }
}

/// A known string of `o` without reporting anything; "" otherwise (absent, unknown, another type).
std::string quiet_text(const ReaderContext& ctx, JsonObject o, std::string_view key) {
  std::string_view v;
  if (auto f = find_field(o, key); f && f->value.get(v) && !unknown_text(ctx, v)) return std::string(trim(v));
  return {};
}

/// The operating system the image publisher implies (Azure Marketplace publishers); kUnknown when not known.
model::OsType os_of_publisher(std::string_view publisher, std::string_view offer) {
  static const std::unordered_map<std::string, model::OsType> kPublishers = {
      {"microsoftwindowsserver", model::OsType::kWindows},
      {"microsoftwindowsdesktop", model::OsType::kWindows},
      {"microsoftsqlserver", model::OsType::kWindows},
      {"microsoftvisualstudio", model::OsType::kWindows},
      {"microsoftwindowsserverhpcpack", model::OsType::kWindows},
      {"microsoftbiztalkserver", model::OsType::kWindows},
      {"microsoftsharepoint", model::OsType::kWindows},
      {"canonical", model::OsType::kLinux},
      {"redhat", model::OsType::kLinux},
      {"suse", model::OsType::kLinux},
      {"debian", model::OsType::kLinux},
      {"credativ", model::OsType::kLinux},
      {"openlogic", model::OsType::kLinux},
      {"oracle", model::OsType::kLinux},
      {"kinvolk", model::OsType::kLinux},
      {"almalinux", model::OsType::kLinux},
      {"microsoftcblmariner", model::OsType::kLinux},
  };
  const std::string p = ascii::lower(trim(publisher));
  auto it = kPublishers.find(p);
  if (it == kPublishers.end()) return model::OsType::kUnknown;
  if (p == "microsoftsqlserver") {
    // SQL Server also comes on Linux images: their offers name the distribution ("sql2019-ubuntu2004").
    const std::string o = ascii::lower(offer);
    for (const std::string_view distribution : {"ubuntu", "rhel", "sles"}) {
      if (o.find(distribution) != std::string::npos) return model::OsType::kLinux;
    }
  }
  return it->second;
}

/// The operating system: `storageProfile.osDisk.osType`, else which of `osProfile.linuxConfiguration` and
/// `windowsConfiguration` is there, else the image publisher.
void read_os(const ReaderContext& ctx, JsonObject props, const std::string& pointer, model::MachinePosture& p,
             const model::SourceLocation& absent) {
  p.os = model::OsType::kUnknown;
  p.os_where = absent;
  const auto os_type =
      string_setting(ctx, props, pointer, {keys::kStorageProfile, keys::kOsDisk, keys::kOsType}, absent);
  if (os_type.value && ascii::equals_lower(*os_type.value, "linux")) {
    p.os = model::OsType::kLinux;
    p.os_where = os_type.where;
    return;
  }
  if (os_type.value && ascii::equals_lower(*os_type.value, "windows")) {
    p.os = model::OsType::kWindows;
    p.os_where = os_type.where;
    return;
  }
  for (const auto& [key, os] : {std::pair{keys::kLinuxConfiguration, model::OsType::kLinux},
                                std::pair{keys::kWindowsConfiguration, model::OsType::kWindows}}) {
    const Walked w = walk(ctx, props, pointer, {keys::kOsProfile, key});
    if (w.value) {
      p.os = os;
      p.os_where = w.where;
      return;
    }
  }
  if (const auto os = os_of_publisher(p.image.publisher, p.image.offer); os != model::OsType::kUnknown) {
    p.os = os;
    p.os_where = p.image.where;
    if (auto w = walk(ctx, props, pointer, {keys::kStorageProfile, keys::kImageReference, keys::kPublisher}); w.value) {
      p.os_where = w.where;
    }
    return;
  }
  if (os_type.present()) p.os_where = os_type.where;  // only known at deployment: it is what would decide
}

/// The extension type of an extension object: `properties.type`, or flattened (the az CLI) `typePropertiesType`
/// (its `type` is the resource type there).
std::string extension_type(const ReaderContext& ctx, JsonObject o) {
  JsonObject props;
  if (auto f = find_field(o, keys::kProperties); f && f->value.get(props)) return quiet_text(ctx, props, keys::kType);
  if (auto t = quiet_text(ctx, o, keys::kTypePropertiesType); !t.empty()) return t;
  std::string t = quiet_text(ctx, o, keys::kType);
  return t.find('/') == std::string::npos ? t : std::string();
}

std::string extension_publisher(const ReaderContext& ctx, JsonObject o) {
  JsonObject props;
  if (auto f = find_field(o, keys::kProperties); f && f->value.get(props)) {
    return quiet_text(ctx, props, keys::kPublisher);
  }
  return quiet_text(ctx, o, keys::kPublisher);
}

/// An extension object (an element of `resources` or `extensionProfile.extensions`, or a separate resource) at
/// `where`; its name is its `name`'s last segment (`vm/ext` in a template), else its id's.
model::VmExtension read_extension(const ReaderContext& ctx, JsonObject o, const model::SourceLocation& where) {
  model::VmExtension e;
  std::string name = quiet_text(ctx, o, keys::kName);
  if (name.empty()) name = std::string(last_segment(quiet_text(ctx, o, keys::kId)));
  if (auto slash = name.rfind('/'); slash != std::string::npos) name.erase(0, slash + 1);
  e.name = std::move(name);
  e.publisher = extension_publisher(ctx, o);
  e.type = extension_type(ctx, o);
  e.where = where;
  return e;
}

/// Adds `e` to `list` unless an extension of that name is there already (the same extension given twice: in
/// `resources` and as a separate resource).
void add_extension(std::vector<model::VmExtension>& list, model::VmExtension e) {
  const std::string name = ascii::lower(e.name);
  const bool seen = !name.empty() && std::any_of(list.begin(), list.end(), [&](const model::VmExtension& x) {
    return ascii::lower(x.name) == name;
  });
  if (!seen) list.push_back(std::move(e));
}

/// The extensions in array `key` of `o` (pointer `pointer`); only the elements that are extensions when
/// `extensions_only` (a VM's `resources` may hold other children).
void read_extension_list(const ReaderContext& ctx, JsonObject o, std::string pointer, std::string_view key,
                         bool extensions_only, std::vector<model::VmExtension>& out) {
  auto f = find_field(o, key);
  JsonArray list;
  if (!f || !f->value.get(list)) return;
  append_token(pointer, f->key);
  std::size_t i = 0;
  for (JsonValue e : list) {
    JsonObject element;
    const std::string at = fmt::format("{}/{}", pointer, i++);
    if (!e.get(element)) continue;
    if (extensions_only) {
      const std::string type = ascii::lower(quiet_text(ctx, element, keys::kType));
      if (!type.empty() && type != types::kVmExtension && type != "extensions") continue;
    }
    add_extension(out, read_extension(ctx, element, {ctx.file, at, 0, 0}));
  }
}

/// Reads a separate extension resource into `pending`: its parent is the id before `/extensions/`.
bool read_separate_extension(ReaderContext& ctx, Resource& resource, std::vector<PendingExtension>& pending) {
  const std::string& id = resource.base.id;
  const auto cut = irfind(id, segments::kExtensions);
  if (cut == std::string::npos || cut == 0) return false;  // not an extension id: nothing to attach it to
  PendingExtension p;
  p.parent_id = id.substr(0, cut);
  p.parent_key = model::canonical_id(p.parent_id);
  p.value = read_extension(ctx, resource.object, resource.base.where);
  if (p.value.name.empty()) p.value.name = std::string(last_segment(id));
  pending.push_back(std::move(p));
  return true;
}

/// Attaches the pending extensions to their parents; one whose parent is not in the input is dropped with a
/// note (an extension cannot change what the internet reaches).
template <typename Parents>
void attach_extensions(ReaderContext& ctx, std::vector<PendingExtension>& pending, Parents& parents,
                       std::string_view parent) {
  if (pending.empty()) return;
  const auto by_key = index_by_key(parents);
  for (auto& p : pending) {
    auto it = by_key.find(p.parent_key);
    if (it == by_key.end()) {
      ctx.diags.add({Severity::kNote, "dangling-parent", p.value.where,
                     fmt::format("extension '{}' has no parent in the input: {} '{}' is not declared; the extension "
                                 "is not read",
                                 p.value.name, parent, p.parent_id)});
      continue;
    }
    add_extension(parents[it->second].posture.extensions, std::move(p.value));
  }
  pending.clear();
}

}  // namespace

void read_machine_posture(ReaderContext& ctx, const Resource& resource, const model::SourceLocation& absent,
                          const JsonObject* profile, model::MachinePosture& p) {
  p.encryption_at_host.where = p.security_type.where = p.secure_boot.where = p.vtpm.where = absent;
  p.disable_password_authentication.where = p.identity_type.where = p.os_where = p.image.where = absent;
  if (profile != nullptr) {
    const JsonObject o = *profile;
    const std::string pointer = ctx.ptr;  // at `profile`
    p.encryption_at_host = bool_setting(ctx, o, pointer, {keys::kSecurityProfile, keys::kEncryptionAtHost}, absent);
    p.security_type = string_setting(ctx, o, pointer, {keys::kSecurityProfile, keys::kSecurityType}, absent);
    canonical_spelling(p.security_type, {"TrustedLaunch", "ConfidentialVM", "Standard"});
    p.secure_boot =
        bool_setting(ctx, o, pointer, {keys::kSecurityProfile, keys::kUefiSettings, keys::kSecureBootEnabled}, absent);
    p.vtpm = bool_setting(ctx, o, pointer, {keys::kSecurityProfile, keys::kUefiSettings, keys::kVTpmEnabled}, absent);
    p.disable_password_authentication = bool_setting(
        ctx, o, pointer, {keys::kOsProfile, keys::kLinuxConfiguration, keys::kDisablePasswordAuthentication}, absent);
    // The image: where `imageReference` is; its fields when known.
    if (const Walked w = walk(ctx, o, pointer, {keys::kStorageProfile, keys::kImageReference}); w.value) {
      p.image.where = w.where;
      JsonObject image;
      if (w.value->get(image)) {
        p.image.publisher = quiet_text(ctx, image, keys::kPublisher);
        p.image.offer = quiet_text(ctx, image, keys::kOffer);
        p.image.sku = quiet_text(ctx, image, keys::kImageSku);
      }
    }
    read_os(ctx, o, pointer, p, absent);
  }
  // `identity` and `resources` sit next to `properties`.
  const std::string res_pointer = ctx.ptr.substr(0, std::min(resource.mark, ctx.ptr.size()));
  p.identity_type = string_setting(ctx, resource.object, res_pointer, {keys::kIdentity, keys::kType}, absent);
  canonical_spelling(p.identity_type, {"SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned", "None"});
  read_extension_list(ctx, resource.object, res_pointer, keys::kResources, true, p.extensions);
}

void read_scale_set_extensions(ReaderContext& ctx, JsonObject profile, model::MachinePosture& p) {
  JsonObject ext_profile;
  auto f = find_field(profile, keys::kExtensionProfile);
  if (!f || !f->value.get(ext_profile)) return;
  std::string pointer = ctx.ptr;
  append_token(pointer, f->key);
  read_extension_list(ctx, ext_profile, pointer, keys::kExtensions, false, p.extensions);
}

bool read_separate_vm_extension(ReaderContext& ctx, Resource& resource) {
  return read_separate_extension(ctx, resource, ctx.state<PostureState>().vm_extensions);
}

bool read_separate_scale_set_extension(ReaderContext& ctx, Resource& resource) {
  return read_separate_extension(ctx, resource, ctx.state<PostureState>().scale_set_extensions);
}

void attach_vm_extensions(ReaderContext& ctx) {
  auto& state = ctx.state<PostureState>();
  attach_extensions(ctx, state.vm_extensions, ctx.model.vms, "virtual machine");
  attach_extensions(ctx, state.scale_set_extensions, ctx.model.scale_sets, "virtual machine scale set");
}

}  // namespace exposim::importers::azure
