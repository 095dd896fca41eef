// Front Door (classic) and CDN profiles (Azure Front Door Standard/Premium, classic CDN): not modelled, but each is an
// internet entry point in front of backends, so each is reported once per file with the backend host names its
// resources state (`unmodelled-entry-point`, docs/diagnostics.md). Its resources are read quietly: a type not
// modelled is not validated.
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/reader_context.h"
#include "importers/unknown_value.h"

namespace exposim::importers::azure {
namespace {

/// A Front Door or CDN profile of the file, with what its resources say about its backends.
struct FrontDoorEntry {
  std::string name;
  std::string pointer;  // of the Front Door or profile itself when in the file, else its first child
  bool front_door_classic{false};
  bool front_door{false};        // an Azure Front Door (Standard/Premium) profile: its SKU or an AFD endpoint
  std::set<std::string> hosts;   // backend and origin host names the input states
  std::size_t unknown_hosts{0};  // host names only known at deployment
};

/// The entries of the file being read (ReaderContext::state), reported and emptied at its end.
struct FrontDoorState {
  std::map<std::string, FrontDoorEntry> entries;  // canonical id of the Front Door or profile -> entry
};

/// Calls fn(item) for each object of array `lower` of `o`, quietly.
template <typename Fn>
void front_door_each_object(JsonObject o, std::string_view lower, Fn&& fn) {
  JsonArray a;
  if (auto f = find_field(o, lower); !f || !f->value.get(a)) return;
  for (JsonValue e : a) {
    JsonObject item;
    if (e.get(item)) fn(item);
  }
}

void front_door_add_host(FrontDoorEntry& e, std::string_view host) {
  host = trim(host);
  if (host.empty()) return;
  if (is_unknown_value(host)) {
    ++e.unknown_hosts;
  } else {
    e.hosts.emplace(host);
  }
}

}  // namespace

bool note_front_door(ReaderContext& ctx, std::string_view lower_type, JsonObject res) {
  const bool classic = lower_type == types::kFrontDoor;
  const bool profile = lower_type == types::kCdnProfile;
  if (!classic && !profile &&
      lower_type.substr(0, types::kCdnProfileChildPrefix.size()) != types::kCdnProfileChildPrefix) {
    return false;
  }
  // The entry is the Front Door or profile: from the id, else from the name ("profile/child" in templates).
  const std::string_view marker =
      classic ? "/providers/microsoft.network/frontdoors/" : "/providers/microsoft.cdn/profiles/";
  const std::string_view id = quiet_string(res, keys::kId);
  const std::string lower_id = ascii::lower(id);
  std::string key, name;
  if (const auto at = lower_id.find(marker); at != std::string::npos) {
    const auto end = lower_id.find('/', at + marker.size());
    key = lower_id.substr(0, end);
    name =
        std::string(id.substr(at + marker.size(), (end == std::string::npos ? id.size() : end) - at - marker.size()));
  } else {
    const std::string_view n = quiet_string(res, keys::kName);
    name = std::string(n.substr(0, n.find('/')));
    key = std::string(marker) + ascii::lower(name);
  }
  auto& e = ctx.state<FrontDoorState>().entries[key];
  if (e.pointer.empty() || classic || profile) {
    e.pointer = ctx.ptr;
    e.name = name;
  }
  const JsonObject props = quiet_properties(res);
  if (classic) {
    e.front_door_classic = true;
    front_door_each_object(props, "backendpools", [&](JsonObject pool) {
      front_door_each_object(quiet_properties(pool), "backends",
                             [&](JsonObject b) { front_door_add_host(e, quiet_string(b, keys::kAddress)); });
    });
  } else if (profile) {
    if (auto sku = quiet_object(res, keys::kSku)) {
      e.front_door =
          e.front_door || ascii::lower(quiet_string(*sku, keys::kName)).find("azurefrontdoor") != std::string::npos;
    }
  } else if (lower_type == types::kCdnAfdEndpoint) {
    e.front_door = true;
  } else if (lower_type == types::kCdnOrigin) {
    front_door_add_host(e, quiet_string(props, keys::kHostName));
  } else if (lower_type == types::kCdnEndpoint) {
    front_door_each_object(props, "origins", [&](JsonObject o) {
      front_door_add_host(e, quiet_string(quiet_properties(o), keys::kHostName));
    });
  }
  return true;
}

void report_front_doors(ReaderContext& ctx) {
  auto& entries = ctx.state<FrontDoorState>().entries;
  for (const auto& [key, e] : entries) {
    const char* what = e.front_door_classic ? "Front Door" : e.front_door ? "Azure Front Door profile" : "CDN profile";
    std::string hosts;
    constexpr std::size_t kListed = 8;
    std::size_t i = 0;
    for (const auto& h : e.hosts) {
      if (i == kListed) {
        hosts += fmt::format(" and {} more", e.hosts.size() - kListed);
        break;
      }
      hosts += fmt::format("{}'{}'", i++ == 0 ? "" : ", ", h);
    }
    std::string backends =
        hosts.empty() ? "backends the input does not name" : fmt::format("backend host names {}", hosts);
    if (!hosts.empty() && e.unknown_hosts > 0) {
      backends += fmt::format(" (and {} only known at deployment)", e.unknown_hosts);
    }
    ctx.diags.warning("unmodelled-entry-point", {ctx.file, e.pointer, 0, 0},
                      fmt::format("{} '{}' is an internet entry point in front of {}: exposim does not model it as an "
                                  "entry yet, so what it forwards to is not reported through it",
                                  what, e.name, backends));
  }
  entries.clear();
}

}  // namespace exposim::importers::azure
