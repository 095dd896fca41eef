// Azure service tag names as they appear in NSG rules: the three the solver resolves (with their classic
// spellings) and the recognised ones it cannot resolve to addresses without the published table. Matching is
// case-insensitive. Also the reader of that table (--service-tags, importers/azure/service_tags.cpp).
#pragma once

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "model/ascii.h"
#include "model/diagnostic.h"
#include "model/service_tags.h"

namespace exposim::importers::azure {

enum class TagKind {
  kInternet,
  kVirtualNetwork,
  kAzureLoadBalancer,
  kUnresolved,  // a real Azure service tag whose addresses exposim does not know
  kUnknown,     // not an Azure service tag
};

namespace detail {

// Azure service tags exposim recognises but cannot resolve to addresses; anything else is unknown. Lowercase,
// sorted (checked below) for binary search; extend it as Azure adds tags.
inline constexpr std::array<std::string_view, 46> kUnresolvedTags = {
    "actiongroup",
    "apimanagement",
    "applicationinsightsavailability",
    "appservice",
    "appservicemanagement",
    "azureactivedirectory",
    "azurearcinfrastructure",
    "azurebackup",
    "azurecloud",
    "azurecognitivesearch",
    "azureconnectors",
    "azurecontainerregistry",
    "azurecosmosdb",
    "azuredatalake",
    "azuredevops",
    "azurefrontdoor.backend",
    "azurefrontdoor.firstparty",
    "azurefrontdoor.frontend",
    "azurekeyvault",
    "azuremachinelearning",
    "azuremonitor",
    "azureplatformdns",
    "azureplatformimds",
    "azureplatformlkm",
    "azureresourcemanager",
    "azuresignalr",
    "azuresiterecovery",
    "azuretrafficmanager",
    "azureupdatedelivery",
    "batchnodemanagement",
    "cognitiveservicesmanagement",
    "datafactory",
    "eventhub",
    "gatewaymanager",
    "guestandhybridmanagement",
    "hdinsight",
    "logicapps",
    "microsoftcontainerregistry",
    "powerbi",
    "servicebus",
    "servicefabric",
    "sql",
    "sqlmanagement",
    "storage",
    "storagesyncservice",
    "windowsvirtualdesktop",
};

constexpr bool sorted_unique(const std::array<std::string_view, 46>& a) {
  for (std::size_t i = 1; i < a.size(); ++i) {
    if (!(a[i - 1] < a[i])) return false;
  }
  return true;
}
static_assert(sorted_unique(kUnresolvedTags), "kUnresolvedTags must be sorted for binary search");

using model::ascii::equals_lower;

inline bool is_unresolved_name(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  char buf[64];
  for (std::size_t i = 0; i < text.size(); ++i) {
    buf[i] = model::ascii::lower(text[i]);
  }
  const std::string_view lower(buf, text.size());
  return std::binary_search(kUnresolvedTags.begin(), kUnresolvedTags.end(), lower);
}

}  // namespace detail

/// What a (trimmed) address text names when it is not `*`, an IP address or a CIDR prefix.
/// Regional variants (`Storage.WestUS`, `AzureCloud.westeurope`) of unresolved tags are unresolved too.
inline TagKind classify_service_tag(std::string_view text) {
  using detail::equals_lower;
  if (equals_lower(text, "internet")) return TagKind::kInternet;
  if (equals_lower(text, "virtualnetwork") || equals_lower(text, "virtual_network")) {
    return TagKind::kVirtualNetwork;
  }
  if (equals_lower(text, "azureloadbalancer") || equals_lower(text, "azure_loadbalancer")) {
    return TagKind::kAzureLoadBalancer;
  }
  if (detail::is_unresolved_name(text)) return TagKind::kUnresolved;
  const auto dot = text.rfind('.');
  if (dot != std::string_view::npos && dot > 0 && dot + 1 < text.size()) {
    const std::string_view region = text.substr(dot + 1);
    const bool region_ok = std::all_of(region.begin(), region.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
    if (region_ok && detail::is_unresolved_name(text.substr(0, dot))) return TagKind::kUnresolved;
  }
  return TagKind::kUnknown;
}

/// The warning of a rule naming service tag `tag` when no table was given (`unresolved-service-tag`).
std::string unresolved_service_tag_message(std::string_view tag);
/// The warning of a rule naming service tag `tag` that `table` lacks (`service-tag-not-in-file`).
std::string service_tag_not_in_file_message(std::string_view tag, const model::ServiceTagTable& table);

/// Reads a published service-tag file in either shape Microsoft publishes it: the weekly download
/// ("ServiceTags_Public_YYYYMMDD.json": `changeNumber`, `cloud`, `values`) and `az network list-service-tags` (the same
/// with `id`, `name` and `type` besides, `changeNumber` possibly a string). Each entry of `values` needs a `name` and
/// `properties.addressPrefixes` (IPv4 and IPv6 prefixes); `properties.region` is kept; other fields are ignored.
/// Every problem is an error (`service-tags-file` at its JSON pointer, or the document reader's codes: unreadable,
/// too large, too deep, bad syntax) and gives nullptr. Never throws on bad input.
std::shared_ptr<const model::ServiceTagTable> read_service_tag_file(const std::string& path, model::Diagnostics& diags);
/// The same from `text`, named `file` in diagnostics.
std::shared_ptr<const model::ServiceTagTable> parse_service_tag_file(std::string_view text, const std::string& file,
                                                                     model::Diagnostics& diags);

}  // namespace exposim::importers::azure
