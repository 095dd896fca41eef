// The core of the Azure importer: the context every family reader works through. It holds the JSON pointer of
// what is being read, the diagnostics, the values only known at deployment (one warning per cause), and typed
// access to fields, references, prefixes and ports, all reported at the field they come from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "importers/azure/azure_keys.h"
#include "importers/azure/json_value.h"
#include "importers/azure/resource_importer.h"
#include "model/ascii.h"
#include "model/diagnostic.h"
#include "model/json_pointer.h"
#include "model/model.h"

namespace exposim::importers::azure {

using model::IpAddress;
using model::IpFamily;
using model::IpPrefix;
using model::Ref;
using model::Severity;

// ---- text helpers ----

// Case folding is model/ascii.h's (`ascii::equals_lower(text, "literal")` for a key or an enum value against its
// lowercase spelling, `ascii::lower()`); what it lacks is here.
namespace ascii = model::ascii;

/// Last position of `lower` (lowercase ASCII) in `text` ignoring ASCII case, or npos.
std::size_t irfind(std::string_view text, std::string_view lower);

std::string_view trim(std::string_view s);

/// The last segment of a resource id ("…/subnets/web" -> "web").
std::string_view last_segment(std::string_view id);

/// Appends "/token" to a JSON pointer, escaped per RFC 6901.
inline void append_token(std::string& pointer, std::string_view token) { model::append_pointer_token(pointer, token); }

/// Text that looks like an address attempt rather than a service tag name.
bool looks_like_ip(std::string_view t);

std::optional<IpFamily> parse_ip_version(std::string_view t);

inline const char* family_name(IpFamily f) { return f == IpFamily::kV4 ? "IPv4" : "IPv6"; }

/// Text an author wrote for the user to replace: `<your-ip>`, `<NAME>` (a parameter with no value),
/// `xx.xx.xx.xx/yy`, `x.x.x.x`. Only letters x, y, z, n (either case), digits and `.:/*-` for the dotted kind,
/// with at least one such letter and one separator, so that service tags and names never match.
bool looks_like_placeholder(std::string_view raw);

/// The name X of a `parameters('X')` reason or of a `<X>` text; "" otherwise.
std::string_view parameter_of(std::string_view text);

/// A field found in an object: its value and its key as written (for JSON pointers).
struct Field {
  JsonValue value;
  std::string_view key;
};

/// Case-insensitive lookup of `lower`; JSON null counts as absent (the az CLI prints absent fields as null).
std::optional<Field> find_field(JsonObject o, std::string_view lower);

/// Number of items of array field `lower` (0 when absent or not an array; nothing reported).
std::size_t array_size(JsonObject o, std::string_view lower);

// Quiet reads, reporting nothing: the envelope of a type not modelled or read for the recommendations only (types
// not modelled are not validated).
/// A string field, or "" when absent or not a string.
std::string_view quiet_string(JsonObject o, std::string_view lower);
/// An object field, or nothing when absent or not an object.
std::optional<JsonObject> quiet_object(JsonObject o, std::string_view lower);
/// The `properties` of a resource, or the resource itself when flattened.
JsonObject quiet_properties(JsonObject res);

/// A typed field: `present` when the key is there (not null), true (operator bool) when also well typed.
template <typename T>
struct Got {
  T value{};
  std::string_view key;
  bool present{false};
  bool ok{false};
  /// Present but only known at deployment: a value written by unknown_value(), or (with
  /// ImportOptions::from_template) a placeholder or a value ARM would reject. Already reported (one aggregated
  /// `unknown-value` warning per cause); the caller reads the field conservatively. `ok` is false.
  bool unknown{false};
  explicit operator bool() const { return ok; }
  const T& operator*() const { return value; }
  const T* operator->() const { return &value; }
};

/// Restores a JSON pointer string to its length at construction.
class PointerScope {
 public:
  PointerScope(std::string& pointer, std::string_view token) : pointer_(pointer), mark_(pointer.size()) {
    append_token(pointer, token);
  }
  PointerScope(std::string& pointer, std::size_t index) : pointer_(pointer), mark_(pointer.size()) {
    pointer += '/';
    pointer += std::to_string(index);
  }
  PointerScope(const PointerScope&) = delete;
  PointerScope& operator=(const PointerScope&) = delete;
  ~PointerScope() { pointer_.resize(mark_); }

 private:
  std::string& pointer_;
  std::size_t mark_;
};

/// What identifies a child (subnet, rule, route, ...), inline or separate.
struct ChildIds {
  std::string id;  // as written, or composed from the parent's
  std::string name;
};

/// A child resource given as a separate resource (a subnet, a security rule, ...), waiting for its parent until
/// finish().
template <typename T>
struct PendingChild {
  std::string parent_key;
  std::string parent_id;  // as written, for messages
  std::string child_key;  // canonical identity inside the parent
  T value;
};

/// One resource of the input, as a family reader gets it.
struct Resource {
  model::ResourceBase base;  // id, key, name, location, tags, where; the reader moves it into its resource
  JsonObject object;         // the resource's JSON object
  JsonObject props;          // its `properties`, or the object itself when flattened
  std::size_t mark{0};       // length of the resource's JSON pointer (fields next to `properties`: `sku`, `kind`)
  std::string parent_id;     // child resources (resource_types.h): the parent's id as written
};

/// Position of each resource by canonical id (the first of duplicates).
template <typename Resources>
std::unordered_map<std::string_view, std::size_t> index_by_key(const Resources& resources) {
  std::unordered_map<std::string_view, std::size_t> out;
  for (std::size_t i = 0; i < resources.size(); ++i) out.try_emplace(resources[i].key, i);
  return out;
}

/// The reading state of an import session: the file and JSON pointer being read, the diagnostics, and the typed
/// accessors that report a bad field where it is. Family readers (family_readers.h) are free functions over it.
class ReaderContext {
 public:
  ReaderContext(model::Model& m, model::Diagnostics& d, ImportOptions o) : model(m), diags(d), options(o) {}
  ReaderContext(const ReaderContext&) = delete;
  ReaderContext& operator=(const ReaderContext&) = delete;

  model::Model& model;
  model::Diagnostics& diags;
  ImportOptions options;
  model::FileName file;  // shared by every location in the file
  std::string ptr;       // JSON pointer of what is being read
  std::size_t errors = 0;

  model::SourceLocation here() const { return {file, ptr, 0, 0}; }

  /// The canonical form of resource id `id`, interned: a resource's key and every reference to it share one string.
  model::CanonicalId canonical(std::string_view id) { return ids_.intern(model::canonical_id(id)); }

  void report(Severity severity, std::string_view code, std::string pointer, std::string message);

  void error(std::string_view code, std::string message) { report(Severity::kError, code, ptr, std::move(message)); }

  void warning(std::string_view code, std::string message);

  void error_at(std::string_view key, std::string_view code, std::string message);

  /// An `invalid-type` error at field `f`: its value is not `expected` ("a string").
  template <typename T>
  Got<T> wrong_type(const Field& f, std::string_view expected) {
    error_at(f.key, "invalid-type", fmt::format("'{}' is {}, expected {}", f.key, kind_name(f.value.type()), expected));
    return Got<T>{{}, f.key, true, false};
  }

  bool is_valueless(std::string_view parameter) const;

  /// Records that the field at the current pointer is unknown because of `text`: a value written by
  /// unknown_value(), or a placeholder (`<NAME>`, `x.x.x.x`).
  void note_unknown(std::string_view text);

  /// The `unknown-value` warnings, one per cause, in cause order.
  void flush_unknown_causes();

  /// A text in a field that is not one of the values the field takes (`message` says what is wrong), at the
  /// current pointer. From a template: a placeholder, or a value ARM would reject at deployment; a warning
  /// aggregated per text, and true: the caller reads the field as unknown. Otherwise an `invalid-value` error
  /// and false.
  bool invalid_value(std::string_view text, std::string message);

  bool invalid_value_at(std::string_view key, std::string_view text, std::string message);

  /// A number given as a string, a boolean as a string: converted as ARM converts them, with a note.
  void coerced(std::string_view key, std::string_view text, std::string_view read_as);

  /// A string field. A value written by unknown_value() is unknown (reported), except in the fields that never
  /// decide reachability (`name`, `id`, `type`, `location`), where it is returned as text; so is `<NAME>` of a
  /// parameter with no value. Placeholders in other forms are recognised by the readers that parse the text.
  Got<std::string_view> get_string(JsonObject o, std::string_view name);

  /// A boolean field; "true" and "false" as strings (any case) are converted with a note.
  Got<bool> get_bool(JsonObject o, std::string_view name);

  /// An integer field in lo..hi named `field` in messages ("priority", "backend port"). A number written as a
  /// string ("80") is converted with a note. Out of range: "priority 5000 is above 4096", an error, or from a
  /// template a warning and unknown (ARM would reject it).
  Got<std::int64_t> get_int(JsonObject o, std::string_view name, std::int64_t lo, std::int64_t hi,
                            std::string_view field);

  Got<JsonObject> get_object(JsonObject o, std::string_view name);

  Got<JsonArray> get_array(JsonObject o, std::string_view name);

  /// What for_each_object() does with a `null` element: report it like any other element that is not an object,
  /// or skip it (lists where Azure's own exports write `null` for an empty entry).
  enum class NullElements { kReport, kSkip };

  /// Calls fn(element, index) for each element of array `name` of `o`, the pointer at that element; an element
  /// that is not an object is an `invalid-type` error naming it as `what` (a `null` one is skipped silently with
  /// NullElements::kSkip). Nothing when the array is absent (a value that is not an array is reported by
  /// get_array).
  template <typename Fn>
  void for_each_object(JsonObject o, std::string_view name, std::string_view what, Fn&& fn,
                       NullElements nulls = NullElements::kReport) {
    auto arr = get_array(o, name);
    if (!arr) return;
    PointerScope s(ptr, arr.key);
    std::size_t i = 0;
    for (JsonValue e : *arr) {
      PointerScope item(ptr, i);
      JsonObject element;
      if (e.get(element)) {
        fn(element, i);
      } else if (nulls == NullElements::kReport || !e.is_null()) {
        error("invalid-type", fmt::format("{} is {}, expected an object", what, kind_name(e.type())));
      }
      ++i;
    }
  }

  /// The object holding a resource's (or child's) fields: `properties`, or the object itself when absent
  /// (az CLI's flattened shape). `key` is set when `properties` is used. nullopt when `properties` is not an
  /// object (reported).
  std::optional<std::pair<JsonObject, std::string_view>> properties_of(JsonObject o);

  /// A `{ "id": ... }` reference held by `value`, reported against the current pointer.
  std::optional<Ref> ref_value(JsonValue value, std::string_view what);

  /// The reference in field `name` of `o`, if present.
  Ref get_ref(JsonObject o, std::string_view name);

  /// The references in array field `name` of `o`.
  std::vector<Ref> get_ref_list(JsonObject o, std::string_view name);

  /// Calls `fn(text)` with the pointer at each string of a string field and of a string-array field.
  /// The texts are passed as written: an unknown value or a placeholder is for `fn` to recognise and report.
  template <typename Fn>
  void for_each_text(JsonObject o, std::string_view single, std::string_view plural, Fn&& fn) {
    if (auto f = single.empty() ? std::optional<Field>{} : find_field(o, single)) {
      std::string_view text;
      if (f->value.get(text)) {
        PointerScope scope(ptr, f->key);
        fn(text);
      } else {
        wrong_type<std::string_view>(*f, "a string");
      }
    }
    if (auto arr = get_array(o, plural)) {
      PointerScope scope(ptr, arr.key);
      std::size_t i = 0;
      for (JsonValue e : *arr) {
        PointerScope item(ptr, i);
        std::string_view text;
        if (e.get(text)) {
          fn(text);
        } else if (!e.is_null()) {
          error("invalid-type",
                fmt::format("item {} of '{}' is {}, expected a string", i, arr.key, kind_name(e.type())));
        }
        ++i;
      }
    }
  }

  /// A CIDR prefix or address (host prefix), reported against the current pointer. nullopt when bad
  /// (reported); then `*unknown` (when given) is set if the prefix is to be read as unknown (a value only known
  /// at deployment, or a placeholder or bad value in a template).
  std::optional<IpPrefix> prefix_value(std::string_view raw, bool* unknown = nullptr);

  /// Union of `addressPrefix`-like and `addressPrefixes`-like fields, without repeats. `*unknown` (when given)
  /// is set when one of them is unknown (see prefix_value); the known ones are returned.
  std::vector<IpPrefix> get_prefixes(JsonObject o, std::string_view single, std::string_view plural,
                                     bool* unknown = nullptr);

  /// Name and id of a child object; the id is composed from the parent's when absent.
  std::optional<ChildIds> child_ids(JsonObject o, std::string_view parent_id, std::string_view segment,
                                    std::string_view what);

  /// Calls `read(object, ids)` for every object of array field `key` of `props` (a parent's properties),
  /// reporting elements that are not objects or lack a usable name.
  template <typename Read>
  void for_each_child(JsonObject props, std::string_view key, std::string_view parent_id, std::string_view segment,
                      std::string_view what, Read&& read) {
    auto arr = get_array(props, key);
    if (!arr) return;
    PointerScope s(ptr, arr.key);
    std::size_t i = 0;
    for (JsonValue e : *arr) {
      PointerScope item(ptr, i++);
      JsonObject o;
      if (!e.get(o)) {
        error("invalid-type", fmt::format("{} is {}, expected an object", what, kind_name(e.type())));
        continue;
      }
      auto ids = child_ids(o, parent_id, segment, what);
      if (!ids) continue;
      read(o, std::move(*ids));
    }
  }

  /// Where a child reader started (begin_child()).
  struct ChildStart {
    std::size_t errors{0};            // errors reported before the child (failed_since())
    std::size_t mark{0};              // length of the child's own JSON pointer
    std::optional<JsonObject> props;  // its property bag; nullopt when `properties` is not an object (reported)
  };

  /// Starts reading a child object `o` into `child`: its identity from `ids` (the canonical key when T has a
  /// `key`, the id when T has an `id`, the name), its location, and its property bag, the pointer entering
  /// `properties` through `scope` (T's `flattened`, when it has one, says when there is none).
  template <typename T>
  ChildStart begin_child(JsonObject o, ChildIds ids, T& child, std::optional<PointerScope>& scope) {
    ChildStart start{errors, ptr.size(), std::nullopt};
    if constexpr (requires { child.key; }) child.key = canonical(ids.id);
    if constexpr (requires { child.id; }) child.id = std::move(ids.id);
    child.name = std::move(ids.name);
    child.where = here();
    auto props_or = properties_of(o);
    if (!props_or) return start;
    auto [props, props_key] = *props_or;
    if constexpr (requires { child.flattened; }) child.flattened = props_key.empty();
    if (!props_key.empty()) scope.emplace(ptr, props_key);
    start.props = props;
    return start;
  }

  /// True when an error was reported since the child started.
  bool failed_since(const ChildStart& start) const { return errors != start.errors; }

  /// Adds one port entry (string or integer) at the current pointer. False when nothing was listed. `*unknown`
  /// (when given) is set when the entry is to be read as unknown (see prefix_value).
  bool add_port(JsonValue e, model::PortSet& out, std::string_view field, std::optional<std::size_t> item,
                bool* unknown = nullptr);

  bool read_ports(JsonObject props, std::string_view single, std::string_view plural, model::PortSet& out,
                  bool* unknown = nullptr);

  /// A port field (of a load balancer rule, an application gateway's frontend port or backend settings): an
  /// integer in lo..65535; `what` and `name` name the owner in messages, `mark` is its pointer's length. nullopt when
  /// absent (reported when `required`) or bad (reported).
  std::optional<std::uint16_t> read_port(JsonObject props, std::string_view key, std::string_view field,
                                         std::int64_t lo, std::string_view what, std::string_view name,
                                         std::size_t mark, bool required, bool* unknown = nullptr);

  /// Reads an address field and its IP-version field (`privateIPAddress` + `privateIPAddressVersion`, or
  /// `ipAddress` + `publicIPAddressVersion`); returns the family: the version given, else the address's,
  /// else IPv4 (Azure's default). An address of the other version than the one given is reported.
  IpFamily read_address(JsonObject props, std::string_view version_key, std::string_view address_key,
                        std::string_view what, std::optional<IpAddress>& address);

  /// `sku.name` and `sku.tier` of a resource (next to `properties`), with the pointer of each for messages.
  struct SkuFields {
    std::optional<std::string_view> name, tier;
    std::string name_ptr;      // for messages about the name
    bool name_unknown{false};  // only known at deployment (reported): the caller takes the widest SKU
  };

  SkuFields read_sku(JsonObject res, std::size_t res_mark);

  /// `sku.name` and `sku.tier` of object `o`, at the current pointer.
  SkuFields read_sku_here(JsonObject o);

  /// True when array field `name` of `o` is itself a value only known at deployment or a placeholder (an array
  /// parameter with no value): reported, and the caller reads the field as unknown.
  bool unknown_list(JsonObject o, std::string_view name);

  /// Splits a separate child's id at its parent segment; reports and returns false when it has none.
  bool split_child_id(std::string_view id, std::string_view segment, std::string_view what, std::string& parent_id);

  /// A resource id given as a plain string (`privateLinkServiceId`), reported against the field.
  Ref get_ref_id(JsonObject o, std::string_view name);

  /// State a family keeps across the files of a session until finish() (children waiting for their parent, WAF
  /// policies): one `State` per type, default-constructed on first use. Families never see each other's.
  template <typename State>
  State& state() {
    auto& slot = states_[std::type_index(typeid(State))];
    if (!slot) slot = std::make_unique<Holder<State>>();
    return static_cast<Holder<State>&>(*slot).value;
  }

  /// A separate child whose parent is not in the input: a `dangling-parent` error, or from a template a warning
  /// (the parent may exist already, or have a name only known at deployment).
  void dangling(const model::SourceLocation& where, std::string_view child, std::string_view name,
                std::string_view parent, std::string_view parent_id);

  /// Attaches the children of one kind in `pending` to their parents in `parents` (`children_of(parent)` is the
  /// list they join); a child whose identity (`identity_of`) is already in its parent is kept once, the first
  /// seen; one without a parent is reported (dangling()). Empties `pending`.
  template <typename Pending, typename Parents, typename ChildrenOf, typename IdentityOf>
  void attach(Pending& pending, Parents& parents, ChildrenOf children_of, IdentityOf identity_of,
              std::string_view child, std::string_view parent) {
    if (pending.empty()) return;
    const auto by_key = index_by_key(parents);
    std::unordered_map<std::size_t, std::unordered_set<std::string>> present;
    for (auto& p : pending) {
      auto it = by_key.find(p.parent_key);
      if (it == by_key.end()) {
        dangling(p.value.where, child, p.value.name, parent, p.parent_id);
        continue;
      }
      auto& owner = parents[it->second];
      auto [seen, fresh] = present.try_emplace(it->second);
      if (fresh) {
        for (const auto& c : children_of(owner)) seen->second.insert(identity_of(c));
      }
      if (seen->second.insert(p.child_key).second) children_of(owner).push_back(std::move(p.value));
    }
    pending.clear();
  }

 private:
  struct StateBase {
    virtual ~StateBase() = default;
  };
  template <typename State>
  struct Holder : StateBase {
    State value;
  };
  std::map<std::type_index, std::unique_ptr<StateBase>> states_;

  /// One cause of unknown fields (a parameter with no value, an expression only known at deployment, a
  /// placeholder text, a value ARM would reject), reported once by finish() at the first field it decides.
  struct UnknownCause {
    model::SourceLocation first;
    std::string message;  // what the cause is
    std::size_t fields{0};
  };

  std::map<std::string, UnknownCause> unknown_causes;  // by cause key: sorted, so the output is deterministic

  void add_unknown(std::string key, std::string message);

  /// Fields whose value never decides reachability: an unknown there is taken as text, silently.
  static bool silent_key(std::string_view lower);

  template <typename T>
  Got<T> unknown_field(const Field& f, std::string_view text) {
    PointerScope s(ptr, f.key);
    note_unknown(text);
    Got<T> out{{}, f.key, true, false};
    out.unknown = true;
    return out;
  }

  model::CanonicalIdPool ids_;  // canonical()
};

}  // namespace exposim::importers::azure
