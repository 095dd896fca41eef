// The published service-tag table: case-insensitive lookup (model/service_tags.h).
#include "model/service_tags.h"

#include "model/ascii.h"

namespace exposim::model {
namespace {

std::string service_tag_key(std::string_view name) { return ascii::lower(name); }

}  // namespace

bool ServiceTagTable::add(PublishedServiceTag tag) {
  const auto [it, fresh] = by_name_.try_emplace(service_tag_key(tag.name), tags_.size());
  if (!fresh) return false;
  tags_.push_back(std::move(tag));
  return true;
}

const PublishedServiceTag* ServiceTagTable::find(std::string_view name) const {
  const auto it = by_name_.find(service_tag_key(name));
  return it == by_name_.end() ? nullptr : &tags_[it->second];
}

const IpSet* service_tag_addresses(const ServiceTagTable* table, std::string_view name) {
  if (table == nullptr) return nullptr;
  const PublishedServiceTag* tag = table->find(name);
  return tag == nullptr ? nullptr : &tag->addresses;
}

}  // namespace exposim::model
