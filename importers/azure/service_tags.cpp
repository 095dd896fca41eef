// The published service-tag file, in either shape (importers/azure/service_tags.h): read into a
// model::ServiceTagTable, every problem an error at its JSON pointer.
#include "importers/azure/service_tags.h"

#include <cstdint>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "importers/document.h"
#include "importers/document_value.h"

namespace exposim::importers::azure {
namespace {

/// The limits of a service-tag file: the Public cloud's weekly file is about 5 MB and 3,000 tags; room for growth,
/// and a cap on what a hostile file can make exposim hold.
DocumentLimits service_tag_file_limits() {
  DocumentLimits limits;
  limits.max_bytes = std::uint64_t{128} << 20;
  limits.max_nodes = 8'000'000;
  limits.max_depth = 16;
  return limits;
}

/// The value of a `changeNumber`: a non-negative integer, or a string of at most 18 digits.
std::optional<std::int64_t> service_tag_change_number(const nlohmann::json& v) {
  if (v.is_number_unsigned()) {
    const auto n = v.get<std::uint64_t>();
    if (n <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(n);
    return std::nullopt;
  }
  if (v.is_number_integer()) {
    const auto n = v.get<std::int64_t>();
    return n >= 0 ? std::optional<std::int64_t>(n) : std::nullopt;
  }
  if (!v.is_string()) return std::nullopt;
  const auto& text = v.get_ref<const std::string&>();
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t n = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

/// Reads the values of `doc` into `table`; false after reporting the first problem of each entry.
class ServiceTagFileReader {
 public:
  ServiceTagFileReader(const Document& doc, model::Diagnostics& diags) : doc_(doc), diags_(diags) {}

  std::shared_ptr<const model::ServiceTagTable> run() {
    const nlohmann::json& root = json_of(doc_);
    if (!root.is_object()) return fail("", "a service tags file is a JSON object with `values`");
    auto table = std::make_shared<model::ServiceTagTable>();
    table->file = doc_.file.str();
    if (const auto it = root.find("cloud"); it != root.end()) {
      if (!it->is_string()) return fail("/cloud", "`cloud` is not a string");
      table->cloud = it->get<std::string>();
    }
    if (const auto it = root.find("changeNumber"); it != root.end()) {
      // An integer in the downloaded file, a string of digits in the REST API's answer (`az network
      // list-service-tags`).
      const auto number = service_tag_change_number(*it);
      if (!number) return fail("/changeNumber", "`changeNumber` is not a non-negative integer");
      table->change_number = *number;
    }
    const auto values = root.find("values");
    if (values == root.end() || !values->is_array()) {
      return fail(values == root.end() ? "" : "/values", "a service tags file lists its tags in the array `values`");
    }
    bool ok = true;
    for (std::size_t i = 0; i < values->size(); ++i)
      ok = read_tag((*values)[i], fmt::format("/values/{}", i), *table) && ok;
    if (!ok) return nullptr;
    return table;
  }

 private:
  /// Reports a problem at `pointer`; nullptr for run() to return.
  std::nullptr_t fail(const std::string& pointer, const std::string& message) {
    diags_.error("service-tags-file", doc_.at(pointer), message);
    return nullptr;
  }
  /// Reports a problem of an entry at `pointer`; false for read_tag() to return.
  bool reject(const std::string& pointer, const std::string& message) {
    fail(pointer, message);
    return false;
  }

  bool read_tag(const nlohmann::json& v, const std::string& at, model::ServiceTagTable& table) {
    if (!v.is_object()) return reject(at, "a service tag is an object with `name` and `properties`");
    const auto name = v.find("name");
    if (name == v.end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
      return reject(at + "/name", "a service tag has a non-empty string `name`");
    }
    model::PublishedServiceTag tag;
    tag.name = name->get<std::string>();
    const auto props = v.find("properties");
    if (props == v.end() || !props->is_object()) {
      return reject(at + "/properties", fmt::format("service tag '{}' has no object `properties`", tag.name));
    }
    if (const auto region = props->find("region"); region != props->end()) {
      if (!region->is_string()) return reject(at + "/properties/region", "`region` is not a string");
      tag.region = region->get<std::string>();
    }
    const auto prefixes = props->find("addressPrefixes");
    if (prefixes == props->end() || !prefixes->is_array()) {
      return reject(at + "/properties/addressPrefixes",
                    fmt::format("service tag '{}' has no array `addressPrefixes`", tag.name));
    }
    for (std::size_t k = 0; k < prefixes->size(); ++k) {
      const auto& p = (*prefixes)[k];
      const auto prefix = p.is_string() ? model::IpPrefix::parse(p.get_ref<const std::string&>()) : std::nullopt;
      if (!prefix) {
        return reject(
            fmt::format("{}/properties/addressPrefixes/{}", at, k),
            fmt::format("address prefix {} of service tag '{}' is not an IPv4 or IPv6 prefix", p.dump(), tag.name));
      }
      tag.prefixes.push_back(*prefix);
    }
    tag.addresses = model::to_set(tag.prefixes);
    const std::string tag_name = tag.name;
    if (!table.add(std::move(tag))) {
      return reject(at + "/name",
                    fmt::format("service tag '{}' is listed twice (names are case-insensitive)", tag_name));
    }
    return true;
  }

  const Document& doc_;
  model::Diagnostics& diags_;
};

}  // namespace

std::string unresolved_service_tag_message(std::string_view tag) {
  return fmt::format(
      "service tag '{}' is not resolved to addresses: allow rules treat it as the whole internet, deny "
      "rules as nothing (--service-tags FILE resolves it to its published prefixes)",
      tag);
}

std::string service_tag_not_in_file_message(std::string_view tag, const model::ServiceTagTable& table) {
  return fmt::format(
      "service tag '{}' is not in the service tags file '{}' (cloud {}, changeNumber {}): allow rules "
      "treat it as the whole internet, deny rules as nothing",
      tag, table.file, table.cloud.empty() ? "not given" : table.cloud, table.change_number);
}

std::shared_ptr<const model::ServiceTagTable> parse_service_tag_file(std::string_view text, const std::string& file,
                                                                     model::Diagnostics& diags) {
  const auto doc = parse_document(text, file, diags, service_tag_file_limits());
  if (!doc) return nullptr;
  return ServiceTagFileReader(*doc, diags).run();
}

std::shared_ptr<const model::ServiceTagTable> read_service_tag_file(const std::string& path,
                                                                    model::Diagnostics& diags) {
  const auto doc = load_document(path, diags, service_tag_file_limits());
  if (!doc) return nullptr;
  return ServiceTagFileReader(*doc, diags).run();
}

}  // namespace exposim::importers::azure
