// The published service-tag table (docs/model.md, "Service tags"): every tag's name, region and prefixes as Microsoft
// publishes them weekly ("Azure IP Ranges and Service Tags", or `az network list-service-tags`), and the file's cloud
// and changeNumber. With it (--service-tags), a rule naming any tag matches exactly that tag's prefixes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/ip.h"

namespace exposim::model {

/// One entry of the table (`values[]` of the published file).
struct PublishedServiceTag {
  std::string name;                // as published: "AzureCloud.westeurope", "AzureFrontDoor.Backend"
  std::string region;              // `properties.region`; "" for a global tag
  std::vector<IpPrefix> prefixes;  // `properties.addressPrefixes`, IPv4 and IPv6, in the file's order
  IpSet addresses;                 // their union
};

/// The table read from one file. Names are matched case-insensitively, as Azure matches them in rules.
class ServiceTagTable {
 public:
  std::string file;               // the path it was read from, for reports
  std::string cloud;              // "Public", "AzureGovernment", ...
  std::int64_t change_number{0};  // the file's top-level changeNumber

  /// Adds `tag`; false (and nothing added) when a tag of the same name, ignoring case, is already there.
  bool add(PublishedServiceTag tag);
  /// The tag named `name` (any case), or nullptr.
  const PublishedServiceTag* find(std::string_view name) const;
  const std::vector<PublishedServiceTag>& tags() const { return tags_; }

 private:
  std::vector<PublishedServiceTag> tags_;
  std::unordered_map<std::string, std::size_t> by_name_;  // lowercase name -> index into tags_
};

/// The addresses a rule's service tag `name` stands for when `table` decides it: the tag's prefixes, or nullptr when
/// there is no table or the tag is not in it (the caller then keeps the conservative reading: the whole internet in an
/// allow, nothing in a deny). One function for every layer that resolves a tag (NSG rules, firewall rules, admin
/// rules).
const IpSet* service_tag_addresses(const ServiceTagTable* table, std::string_view name);

}  // namespace exposim::model
