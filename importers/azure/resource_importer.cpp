// Azure resource JSON to the model: each element the stream yields is parsed with one reused simdjson
// parser, and the family reader of its type (resource_types.cpp) converts it straight into model structs. Keys and enum
// values are matched case-insensitively; when `properties` is absent (az CLI's flattened output) the fields are read
// from the object itself.
#include "importers/azure/resource_importer.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <map>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/json_dom.h"
#include "importers/azure/json_stream.h"
#include "importers/azure/reader_context.h"
#include "importers/azure/resource_types.h"
#include "importers/azure/service_tags.h"
#include "model/json_pointer.h"
#include "model/unknown.h"

namespace exposim::importers::azure {
static_assert(simdjson::SIMDJSON_PADDING <= kStreamPadding, "the stream must pad elements for simdjson");

/// An import session: the reader context the family readers share, and what only the core does with it (parsing
/// the stream, the resource envelope, dispatch through the type table, types not modelled, the finish steps).
struct Importer::Impl : ReaderContext {
  Impl(model::Model& m, model::Diagnostics& d, ImportOptions o) : ReaderContext(m, d, std::move(o)) {
    // Elements are never deeper than the document cap, so simdjson's own depth limit never triggers first.
    // On failure the parser allocates on first use instead.
    if (parser.allocate(std::size_t{1} << 16, std::max<std::size_t>(options.max_depth + 1, 1024))) {}
  }

  dom::parser parser;

  ImportStats* stats = nullptr;
  const std::vector<std::string>* element_pointers = nullptr;  // add_text of generated resources

  // ---- the resource envelope ----

  /// `tags`: string values are kept (sorted by key); a value of another type gets a warning and is left out.
  void read_tags(JsonObject tags, model::ResourceBase& base) {
    PointerScope scope(ptr, keys::kTags);
    model::Tags::List list;
    for (auto [key, value] : dom_of(tags)) {
      std::string_view v;
      if (value.get_string().get(v) != simdjson::SUCCESS) {
        PointerScope at(ptr, key);
        warning("invalid-type",
                fmt::format("tag '{}' is {}, expected a string; tag ignored", key, kind_name(json_of(value).type())));
        continue;
      }
      list.emplace_back(std::string(key), std::string(v));
    }
    if (list.empty()) return;
    std::sort(list.begin(), list.end());
    auto [it, fresh] = tag_sets_.try_emplace(std::move(list));
    if (fresh) it->second = std::make_shared<const model::Tags::List>(it->first);
    base.tags = model::Tags(it->second);
  }

  std::map<model::Tags::List, std::shared_ptr<const model::Tags::List>> tag_sets_;  // interned (model::Tags)

  // ---- types not modelled ----

  /// Types not modelled, at the end of a file: one `unmodelled-entry-point` warning per Front Door or CDN profile
  /// (front_door.cpp), one `unmodelled-types` warning listing the types that could change the answer, one
  /// `inert-types` note listing those that cannot (azure_keys.h).
  void report_unmodelled(const std::map<std::string, std::size_t>& skipped) {
    report_front_doors(*this);
    auto inert = [](std::string_view type) {
      for (const auto t : types::kInertTypes) {
        if (type == t) return true;
      }
      for (const auto p : types::kInertTypePrefixes) {
        if (type.substr(0, p.size()) == p) return true;
      }
      for (const auto x : types::kInertTypeSuffixes) {
        if (type.size() >= x.size() && type.substr(type.size() - x.size()) == x) return true;
      }
      return false;
    };
    for (const bool harmless : {false, true}) {
      std::size_t total = 0;
      std::string list;
      for (const auto& [type, count] : skipped) {
        if (inert(type) != harmless) continue;
        total += count;
        list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", type, count);
      }
      if (total == 0) continue;
      const char* resources = total == 1 ? "resource" : "resources";
      if (harmless) {
        diags.add({Severity::kNote,
                   "inert-types",
                   {file, "", 0, 0},
                   fmt::format("skipped {} {} of types that cannot change what the internet reaches: {}", total,
                               resources, list)});
      } else {
        diags.warning("unmodelled-types", {file, "", 0, 0},
                      fmt::format("skipped {} {} of types not modelled yet: {}", total, resources, list));
      }
    }
  }

  /// The output of `az network nic show-effective-route-table` (elements with `nextHopType`, `source` and
  /// `state`) or `az network nic list-effective-nsg` (elements with `effectiveSecurityRules`, or the whole
  /// object with `networkSecurityGroups` of those): Azure's computed state for one NIC, not resources. Skipped
  /// with one warning per file (`effective-routes-skipped`, `effective-nsg-skipped`); true when `res` is one.
  bool skip_effective_output(JsonObject res) {
    const bool routes = find_field(res, "nexthoptype") && find_field(res, "source") && find_field(res, "state");
    bool nsg = find_field(res, "effectivesecurityrules").has_value();
    if (!nsg) {
      if (auto list = find_field(res, "networksecuritygroups")) {
        JsonArray a;
        if (list->value.get(a)) {
          for (JsonValue e : a) {
            JsonObject o;
            nsg = nsg || (e.get(o) && find_field(o, "effectivesecurityrules"));
          }
        }
      }
    }
    if (!routes && !nsg) return false;
    if (skipped_effective_in.insert({file.str(), routes}).second) {
      const std::string at =
          element_pointers == nullptr && ptr.rfind('/') != std::string::npos ? ptr.substr(0, ptr.rfind('/')) : ptr;
      report(Severity::kWarning, routes ? "effective-routes-skipped" : "effective-nsg-skipped", at,
             routes ? "effective routes of a network interface (az network nic show-effective-route-table), not "
                      "resources: skipped, the routes are computed from the route tables in the input"
                    : "effective security rules of a network interface (az network nic list-effective-nsg), not "
                      "resources: skipped, the rules are taken from the network security groups in the input");
    }
    return true;
  }
  std::set<std::pair<std::string, bool>> skipped_effective_in;  // (file, routes) already reported

  /// Reads a resource of a modelled type with its family's reader; false when it is not counted as imported.
  bool read_resource(const ResourceType& row, Resource& resource, std::optional<PointerScope>& props_scope) {
    if (row.shape == Shape::kTopLevel) return row.read(*this, resource);
    std::string parent_id;
    if (row.shape == Shape::kSeparateChild) {
      // Child readers work from the child's own object, at the resource's pointer.
      props_scope.reset();
      if (!split_child_id(resource.base.id, row.segment, row.what, parent_id)) return false;
    } else {
      const std::string saved = ptr;
      ptr = resource.base.where.pointer;  // reported at the resource, not its properties
      const bool ok = split_child_id(resource.base.id, row.segment, row.what, parent_id);
      ptr = saved;
      if (!ok) return true;
    }
    resource.parent_id = std::move(parent_id);
    return row.read(*this, resource);
  }

  /// A child read for the recommendations only (Shape::kPostureChild): its envelope read without reporting
  /// anything, as for any type not modelled.
  void read_posture_child(const ResourceType& row, JsonObject res) {
    Resource resource;
    resource.base.id = std::string(trim(quiet_string(res, keys::kId)));
    resource.base.key = canonical(resource.base.id);
    resource.base.name = std::string(trim(quiet_string(res, keys::kName)));
    resource.base.location = std::string(quiet_string(res, keys::kLocation));
    resource.base.where = here();
    resource.object = res;
    resource.props = quiet_properties(res);
    resource.base.flattened = !quiet_object(res, keys::kProperties).has_value();
    resource.mark = ptr.size();
    row.read(*this, resource);
  }

  /// Converts one element of the resource list; the pointer is at the element.
  void convert(JsonValue root, bool whole_document) {
    JsonObject res;
    if (!root.get(res)) {
      error("invalid-type", fmt::format("resource is {}, expected an object", kind_name(root.type())));
      return;
    }
    auto type = get_string(res, keys::kType);
    if (!type) {
      if (type.present) return;  // invalid-type reported
      if (skip_effective_output(res)) return;
      if (read_admin_deployment_status(*this, res)) return;
      if (whole_document) {
        error("unexpected-shape",
              "the top-level object is not a resource (no 'type') and has no 'value' or 'data' array");
      } else if (auto id = get_string(res, keys::kId)) {
        error("missing-field", fmt::format("resource '{}' has no 'type'", *id));
      } else {
        error("missing-field", "resource has no 'type'");
      }
      return;
    }
    std::string lower_type = ascii::lower(trim(*type));
    const ResourceType* row = find_resource_type(lower_type);
    if (row == nullptr) {
      if (!note_front_door(*this, lower_type, res)) ++stats->skipped_types[std::move(lower_type)];
      return;
    }
    if (row->shape == Shape::kPostureChild) {
      read_posture_child(*row, res);
      ++stats->skipped_types[std::move(lower_type)];  // still inert: it decides no reachability
      return;
    }
    auto id = get_string(res, keys::kId);
    if (!id || trim(*id).empty()) {
      if (!id.present || id) error("missing-field", fmt::format("resource of type '{}' has no 'id'", *type));
      return;
    }
    model::ResourceBase base;
    base.id = std::string(trim(*id));
    base.key = canonical(base.id);
    if (auto name = get_string(res, keys::kName)) {
      base.name = std::string(*name);
    } else {
      base.name = std::string(last_segment(base.id));
    }
    if (auto loc = get_string(res, keys::kLocation)) base.location = std::string(*loc);
    if (auto tags = get_object(res, keys::kTags)) read_tags(*tags, base);
    base.where = here();
    const std::size_t res_mark = ptr.size();

    auto props_or = properties_of(res);
    if (!props_or) return;
    auto [props, props_key] = *props_or;
    base.flattened = props_key.empty();
    std::optional<PointerScope> props_scope;
    if (!props_key.empty()) props_scope.emplace(ptr, props_key);

    Resource resource{std::move(base), res, props, res_mark, {}};
    if (!read_resource(*row, resource, props_scope)) return;
    ++stats->resources;
    ++stats->by_type[std::move(lower_type)];
  }

  // ---- files ----

  /// Reports a simdjson error in an element at the line:column where a second, slower parser places it.
  void report_syntax(JsonStream& stream, const StreamElement& el, simdjson::error_code code) {
    struct Locator : nlohmann::json_sax<nlohmann::json> {
      std::size_t position = 0;
      std::string what;
      bool failed = false;
      bool null() override { return true; }
      bool boolean(bool) override { return true; }
      bool number_integer(number_integer_t) override { return true; }
      bool number_unsigned(number_unsigned_t) override { return true; }
      bool number_float(number_float_t, const string_t&) override { return true; }
      bool string(string_t&) override { return true; }
      bool binary(binary_t&) override { return true; }
      bool start_object(std::size_t) override { return true; }
      bool key(string_t&) override { return true; }
      bool end_object() override { return true; }
      bool start_array(std::size_t) override { return true; }
      bool end_array() override { return true; }
      bool parse_error(std::size_t pos, const std::string&, const nlohmann::detail::exception& ex) override {
        position = pos;
        what = ex.what();
        failed = true;
        return false;
      }
    };
    Locator locator;
    try {
      nlohmann::json::sax_parse(el.bytes.begin(), el.bytes.end(), &locator);
    } catch (const std::exception&) {
      locator.failed = false;
    }
    std::uint64_t offset = el.offset;
    std::string message;
    if (locator.failed) {
      // nlohmann counts the bytes read, the offending one included.
      offset += std::min<std::uint64_t>(locator.position > 0 ? locator.position - 1 : 0, el.bytes.size());
      message = locator.what;
      if (auto c = message.find(", column "); c != std::string::npos) {
        if (auto colon = message.find(": ", c); colon != std::string::npos) message.erase(0, colon + 2);
      }
      if (auto last = message.find("; last read:"); last != std::string::npos) message.erase(last);
      // Other nlohmann errors ("[json.exception.out_of_range.406] number overflow ...") carry an internal tag.
      if (message.rfind("[json.exception.", 0) == 0) {
        if (auto close = message.find("] "); close != std::string::npos) message.erase(0, close + 2);
      }
    } else {
      message = std::string("cannot parse: ") + simdjson::error_message(code);
      if (message.size() > 14) message[14] = ascii::lower(message[14]);
    }
    const TextPosition p = stream.position(offset);
    diags.error("json-syntax", {file, "", p.line, p.column}, std::move(message));
    ++errors;
  }

  ImportStats run(ByteSource& source, std::string_view file_name) {
    ImportStats result;
    stats = &result;
    file = std::string(file_name);
    StreamOptions so;
    so.chunk_size = options.chunk_bytes;
    so.max_depth = options.max_depth;
    so.max_bytes = options.max_file_bytes;
    JsonStream stream(source, so);
    StreamElement el;
    std::string prefix;
    bool prefix_ready = false;
    while (stream.next(el)) {
      if (el.index >= options.max_resources) {
        ++errors;
        const TextPosition p = stream.position(el.offset);
        diags.error(
            "limit-exceeded", {file, "", p.line, p.column},
            fmt::format("more than {} resources in the file; the rest of the file is not read", options.max_resources));
        break;
      }
      if (!prefix_ready) {
        if (stream.shape() == StreamShape::kValue || stream.shape() == StreamShape::kData) {
          append_token(prefix, stream.wrapper_key());
        }
        prefix_ready = true;
      }
      ptr = prefix;
      const bool whole = stream.shape() == StreamShape::kObject;
      if (element_pointers != nullptr && el.index < element_pointers->size()) {
        ptr = (*element_pointers)[el.index];  // generated text: locations name the original input
      } else if (!whole) {
        ptr += '/';
        ptr += std::to_string(el.index);
      }
      dom::element root;
      const auto code = parser.parse(el.bytes.data(), el.bytes.size(), false).get(root);
      if (code != simdjson::SUCCESS) {
        report_syntax(stream, el, code);
        continue;
      }
      convert(json_of(root), whole);
      if (options.on_bytes) options.on_bytes(el.offset + el.bytes.size());
    }
    ptr.clear();
    if (const auto& e = stream.error()) {
      ++errors;
      diags.error(e->code, {file, "", e->position.line, e->position.column}, e->message);
    }
    result.detected_shape = to_string(stream.shape());
    report_unmodelled(result.skipped_types);
    stats = nullptr;
    return result;
  }

  template <typename Body>
  ImportStats guarded(std::string_view file_name, Body&& body) {
    try {
      return body();
    } catch (const std::bad_alloc&) {
      diags.error("import-failed", {std::string(file_name), "", 0, 0}, "out of memory while importing");
    } catch (const std::exception& e) {
      diags.error("import-failed", {std::string(file_name), "", 0, 0},
                  fmt::format("internal error while importing: {}", e.what()));
    }
    stats = nullptr;
    return {};
  }

  // ---- attaching separate children ----

  void finish() {
    flush_unknown_causes();
    for (const FinishStep step : finish_steps()) step(*this);
  }
};

// ---- public API ----

Importer::Importer(model::Model& model, model::Diagnostics& diags, ImportOptions options)
    : impl_(std::make_unique<Impl>(model, diags, options)) {}

Importer::~Importer() = default;

ImportStats Importer::add_file(const std::string& path) {
  return impl_->guarded(path, [&]() -> ImportStats {
    FileSource source;
    std::optional<std::uint64_t> size;
    if (!source.open(path, &size)) {
      impl_->diags.error("file-read", {path, "", 0, 0}, fmt::format("cannot open file: {}", source.error()));
      return {};
    }
    if (size && *size > impl_->options.max_file_bytes) {
      impl_->diags.error(
          "file-too-large", {path, "", 0, 0},
          fmt::format("file is {} bytes, larger than the limit of {} bytes", *size, impl_->options.max_file_bytes));
      return {};
    }
    return impl_->run(source, path);
  });
}

ImportStats Importer::add_text(std::string_view text, std::string_view file_name,
                               const std::vector<std::string>* element_pointers) {
  impl_->element_pointers = element_pointers;
  ImportStats stats = impl_->guarded(file_name, [&]() -> ImportStats {
    MemorySource source(text);
    return impl_->run(source, file_name);
  });
  impl_->element_pointers = nullptr;
  return stats;
}

bool Importer::models(std::string_view lower_type) {
  const ResourceType* row = find_resource_type(lower_type);
  return row != nullptr && row->shape != Shape::kPostureChild;
}

void Importer::finish() {
  try {
    impl_->finish();
  } catch (const std::exception& e) {
    impl_->diags.error("import-failed", {},
                       fmt::format("internal error while attaching child resources: {}", e.what()));
  }
}

ImportStats import_file(const std::string& path, model::Model& model, model::Diagnostics& diags,
                        const ImportOptions& options) {
  Importer importer(model, diags, options);
  ImportStats stats = importer.add_file(path);
  importer.finish();
  return stats;
}

ImportStats import_text(std::string_view text, std::string_view file_name, model::Model& model,
                        model::Diagnostics& diags, const ImportOptions& options) {
  Importer importer(model, diags, options);
  ImportStats stats = importer.add_text(text, file_name);
  importer.finish();
  return stats;
}

std::vector<ImportStats> import_files(const std::vector<std::string>& paths, model::Model& model,
                                      model::Diagnostics& diags, const ImportOptions& options) {
  Importer importer(model, diags, options);
  std::vector<ImportStats> out;
  out.reserve(paths.size());
  for (const auto& path : paths) out.push_back(importer.add_file(path));
  importer.finish();
  return out;
}

}  // namespace exposim::importers::azure
