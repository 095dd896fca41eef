// Azure resource JSON to the model: each element the stream yields is parsed with one reused simdjson
// parser and converted straight into model structs. Keys and enum values are matched case-insensitively;
// when `properties` is absent (az CLI's flattened output) the fields are read from the object itself.
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
#include "importers/azure/json_stream.h"
#include "importers/azure/service_tags.h"
#include "importers/unknown_value.h"
#include "model/ascii.h"
#include "model/json_pointer.h"
#include "model/unknown.h"

namespace exposim::importers::azure {
namespace {

namespace dom = simdjson::dom;
using model::IpAddress;
using model::IpFamily;
using model::IpPrefix;
using model::Ref;
using model::Severity;

static_assert(simdjson::SIMDJSON_PADDING <= kStreamPadding, "the stream must pad elements for simdjson");
static_assert(model::kUnknownIdPrefix == importers::kUnknownPrefix, "an unknown reference keeps the contract's text");

// ---- text helpers ----

constexpr char lower_ascii(char c) { return model::ascii::lower(c); }

/// `text` equals `lower` (lowercase ASCII) ignoring ASCII case.
constexpr bool iequals(std::string_view text, std::string_view lower) {
  return model::ascii::equals_lower(text, lower);
}

constexpr bool istarts_with(std::string_view text, std::string_view lower) {
  return model::ascii::starts_with_lower(text, lower);
}

/// Last position of `lower` in `text` ignoring ASCII case, or npos.
std::size_t irfind(std::string_view text, std::string_view lower) {
  if (lower.size() > text.size()) return std::string_view::npos;
  for (std::size_t i = text.size() - lower.size() + 1; i-- > 0;) {
    if (iequals(text.substr(i, lower.size()), lower)) return i;
  }
  return std::string_view::npos;
}

std::string lowercase(std::string_view s) { return model::ascii::lower(s); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// The last segment of a resource id ("…/subnets/web" -> "web").
std::string_view last_segment(std::string_view id) {
  while (!id.empty() && id.back() == '/') id.remove_suffix(1);
  const auto slash = id.rfind('/');
  return slash == std::string_view::npos ? id : id.substr(slash + 1);
}

/// Appends "/token" to a JSON pointer, escaped per RFC 6901.
void append_token(std::string& pointer, std::string_view token) { model::append_pointer_token(pointer, token); }

const char* kind_name(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY: return "an array";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64: return "an integer";
    case dom::element_type::DOUBLE: return "a floating-point number";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::BOOL: return "a boolean";
    case dom::element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

/// Text that looks like an address attempt rather than a service tag name.
bool looks_like_ip(std::string_view t) {
  return (!t.empty() && t.front() >= '0' && t.front() <= '9') || t.find(':') != std::string_view::npos ||
         t.find('/') != std::string_view::npos;
}

std::optional<model::ProtocolMask> parse_protocol(std::string_view t) {
  using model::Protocol;
  if (t == "*" || iequals(t, "any")) return model::kAllProtocols;
  if (iequals(t, "tcp")) return model::bit(Protocol::kTcp);
  if (iequals(t, "udp")) return model::bit(Protocol::kUdp);
  if (iequals(t, "icmp")) return model::bit(Protocol::kIcmp);
  if (iequals(t, "esp")) return model::bit(Protocol::kEsp);
  if (iequals(t, "ah")) return model::bit(Protocol::kAh);
  return std::nullopt;
}

std::optional<model::NextHopType> parse_next_hop(std::string_view t) {
  using model::NextHopType;
  if (iequals(t, "virtualnetworkgateway")) return NextHopType::kVirtualNetworkGateway;
  if (iequals(t, "vnetlocal")) return NextHopType::kVnetLocal;
  if (iequals(t, "internet")) return NextHopType::kInternet;
  if (iequals(t, "virtualappliance")) return NextHopType::kVirtualAppliance;
  if (iequals(t, "none")) return NextHopType::kNone;
  return std::nullopt;
}

std::optional<IpFamily> parse_ip_version(std::string_view t) {
  if (iequals(t, "ipv4")) return IpFamily::kV4;
  if (iequals(t, "ipv6")) return IpFamily::kV6;
  return std::nullopt;
}

const char* family_name(IpFamily f) { return f == IpFamily::kV4 ? "IPv4" : "IPv6"; }

/// Text an author wrote for the user to replace: `<your-ip>`, `<NAME>` (a parameter with no value),
/// `xx.xx.xx.xx/yy`, `x.x.x.x`. Only letters x, y, z, n (either case), digits and `.:/*-` for the dotted kind,
/// with at least one such letter and one separator, so that service tags and names never match.
bool looks_like_placeholder(std::string_view raw) {
  const std::string_view t = trim(raw);
  if (t.empty()) return false;
  if (t.find('<') != std::string_view::npos && t.find('>') != std::string_view::npos) return true;
  bool letter = false, separator = false;
  for (char c : t) {
    const char l = lower_ascii(c);
    if (l == 'x' || l == 'y' || l == 'z' || l == 'n') {
      letter = true;
    } else if (c == '.' || c == ':' || c == '/') {
      separator = true;
    } else if (!(c >= '0' && c <= '9') && c != '*' && c != '-') {
      return false;
    }
  }
  return letter && separator;
}

/// The name X of a `parameters('X')` reason or of a `<X>` text; "" otherwise.
std::string_view parameter_of(std::string_view text) {
  text = trim(text);
  if (text.size() > 2 && text.front() == '<' && text.back() == '>') return text.substr(1, text.size() - 2);
  constexpr std::string_view kCall = "parameters('";
  if (istarts_with(text, kCall) && text.size() > kCall.size() + 2 && text.substr(text.size() - 2) == "')") {
    const std::string_view name = text.substr(kCall.size(), text.size() - kCall.size() - 2);
    if (name.find('\'') == std::string_view::npos) return name;
  }
  return {};
}

// ---- JSON access ----

/// A field found in an object: its value and its key as written (for JSON pointers).
struct Field {
  dom::element value;
  std::string_view key;
};

/// Case-insensitive lookup of `lower`; JSON null counts as absent (the az CLI prints absent fields as null).
std::optional<Field> find_field(dom::object o, std::string_view lower) {
  for (dom::key_value_pair kv : o) {
    if (iequals(kv.key, lower)) {
      if (kv.value.is_null()) return std::nullopt;
      return Field{kv.value, kv.key};
    }
  }
  return std::nullopt;
}

/// Number of items of array field `lower` (0 when absent or not an array; nothing reported).
std::size_t array_size(dom::object o, std::string_view lower) {
  auto f = find_field(o, lower);
  dom::array a;
  if (!f || f->value.get_array().get(a) != simdjson::SUCCESS) return 0;
  return a.size();
}

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

struct PendingSubnet {
  std::string key;
  std::string name;
  std::string vnet_key;
  std::string vnet_id;  // as written, for messages
  model::SourceLocation where;
};

/// An App Service site's access restrictions, from `siteConfig` or the separate `config/web` resource.
struct SiteRestrictions {
  std::vector<model::PaasIpRule> rules;
  std::optional<model::Access> default_action;  // explicit `ipSecurityRestrictionsDefaultAction`
  std::vector<model::PaasIpRule> scm_rules;
  std::optional<model::Access> scm_default_action;
  bool scm_uses_main{false};
  bool present{false};
  std::string name;  // of the separate resource, for messages
  model::SourceLocation where;
};

/// A SQL server's connection policy (`Microsoft.Sql/servers/connectionPolicies`, `connectionType`).
struct SqlConnectionPolicy {
  std::string name;
  model::SourceLocation where;
  bool proxy{false};  // Proxy: every connection through the gateway on 1433; Default and Redirect also 11000-11999
};

template <typename T>
struct PendingChild {
  std::string parent_key;
  std::string parent_id;  // as written, for messages
  std::string child_key;  // canonical identity inside the parent
  T value;
};

}  // namespace

struct Importer::Impl {
  Impl(model::Model& m, model::Diagnostics& d, ImportOptions o) : model(m), diags(d), options(o) {
    // Elements are never deeper than the document cap, so simdjson's own depth limit never triggers first.
    // On failure the parser allocates on first use instead.
    if (parser.allocate(std::size_t{1} << 16, std::max<std::size_t>(options.max_depth + 1, 1024))) {}
  }

  model::Model& model;
  model::Diagnostics& diags;
  ImportOptions options;
  dom::parser parser;

  // Per file.
  model::FileName file;  // shared by every location in the file
  std::string ptr;       // JSON pointer of what is being read
  std::size_t errors = 0;
  ImportStats* stats = nullptr;
  const std::vector<std::string>* element_pointers = nullptr;  // add_text of generated resources

  // Across files, until finish().
  std::unordered_map<std::string, bool> subnet_inline;  // subnet key -> first seen inline
  std::vector<PendingSubnet> pending_subnets;
  std::vector<PendingChild<model::SecurityRule>> pending_rules;
  std::vector<PendingChild<model::Peering>> pending_peerings;
  std::vector<PendingChild<model::Route>> pending_routes;
  std::vector<PendingChild<model::IpConfiguration>> pending_ip_configs;
  std::vector<PendingChild<model::LbNatRule>> pending_nat_rules;
  std::vector<PendingChild<model::LbBackendPool>> pending_pools;
  std::vector<PendingChild<model::PaasIpRule>> pending_sql_rules;
  std::vector<PendingChild<SqlConnectionPolicy>> pending_sql_policies;
  std::vector<PendingChild<SiteRestrictions>> pending_site_configs;
  std::vector<PendingChild<model::FirewallRuleCollectionGroup>> pending_groups;
  std::unordered_map<std::string, model::WafMode> waf_policies;  // WAF policy key -> mode, applied in finish()

  // ---- diagnostics ----

  model::SourceLocation here() const { return {file, ptr, 0, 0}; }

  void report(Severity severity, std::string_view code, std::string pointer, std::string message) {
    if (severity == Severity::kError) ++errors;
    diags.add({severity, std::string(code), {file, std::move(pointer), 0, 0}, std::move(message)});
  }
  void error(std::string_view code, std::string message) { report(Severity::kError, code, ptr, std::move(message)); }
  void warning(std::string_view code, std::string message) {
    report(Severity::kWarning, code, ptr, std::move(message));
  }
  void error_at(std::string_view key, std::string_view code, std::string message) {
    PointerScope s(ptr, key);
    error(code, std::move(message));
  }

  // ---- unknown, placeholder and coerced values (issue 13; docs/model.md, "Unknown values") ----

  /// One cause of unknown fields (a parameter with no value, an expression only known at deployment, a
  /// placeholder text, a value ARM would reject), reported once by finish() at the first field it decides.
  struct UnknownCause {
    model::SourceLocation first;
    std::string message;  // what the cause is
    std::size_t fields{0};
  };
  std::map<std::string, UnknownCause> unknown_causes;  // by cause key: sorted, so the output is deterministic

  bool is_valueless(std::string_view parameter) const {
    return std::any_of(options.valueless_parameters.begin(), options.valueless_parameters.end(),
                       [&](const std::string& p) { return iequals(p, lowercase(parameter)); });
  }

  /// Records that the field at the current pointer is unknown because of `text`: a value written by
  /// unknown_value(), or a placeholder (`<NAME>`, `x.x.x.x`).
  void note_unknown(std::string_view text) {
    if (is_unknown_value(text)) {
      const std::string_view reason = unknown_reason(text);
      if (auto param = parameter_of(reason); !param.empty()) {
        add_unknown("parameter " + lowercase(param), fmt::format("parameter '{}' has no value", param));
      } else {
        add_unknown("expression " + std::string(reason), fmt::format("'{}' is only known at deployment", reason));
      }
      return;
    }
    const std::string_view t = trim(text);
    if (auto param = parameter_of(t); !param.empty() && is_valueless(param)) {
      add_unknown("parameter " + lowercase(param), fmt::format("parameter '{}' has no value", param));
    } else {
      add_unknown("placeholder " + std::string(t), fmt::format("'{}' is a placeholder", t));
    }
  }

  void add_unknown(std::string key, std::string message) {
    auto [it, fresh] = unknown_causes.try_emplace(std::move(key));
    if (fresh) {
      it->second.first = here();
      it->second.message = std::move(message);
    }
    ++it->second.fields;
  }

  /// The `unknown-value` warnings, one per cause, in cause order.
  void flush_unknown_causes() {
    for (auto& [key, cause] : unknown_causes) {
      diags.add({Severity::kWarning, "unknown-value", cause.first,
                 cause.fields == 1
                     ? fmt::format("{}: this field is read as unknown, conservatively (an unknown can only add "
                                   "exposure)",
                                   cause.message)
                     : fmt::format("{}: {} fields are read as unknown, conservatively (an unknown can only add "
                                   "exposure); the first is here",
                                   cause.message, cause.fields)});
    }
    unknown_causes.clear();
  }

  /// A text in a field that is not one of the values the field takes (`message` says what is wrong), at the
  /// current pointer. From a template: a placeholder, or a value ARM would reject at deployment; a warning
  /// aggregated per text, and true: the caller reads the field as unknown. Otherwise an `invalid-value` error
  /// and false.
  bool invalid_value(std::string_view text, std::string message) {
    if (!options.from_template) {
      error("invalid-value", std::move(message));
      return false;
    }
    if (looks_like_placeholder(text)) {
      note_unknown(text);
    } else {
      add_unknown("rejected " + message, message + ", which ARM would reject at deployment");
    }
    return true;
  }
  bool invalid_value_at(std::string_view key, std::string_view text, std::string message) {
    PointerScope s(ptr, key);
    return invalid_value(text, std::move(message));
  }

  /// A number given as a string, a boolean as a string: converted as ARM converts them, with a note.
  void coerced(std::string_view key, std::string_view text, std::string_view read_as) {
    PointerScope s(ptr, key);
    report(Severity::kNote, "coerced-value", ptr,
           fmt::format("'{}' is the string '{}', read as {}", key, text, read_as));
  }

  /// Fields whose value never decides reachability: an unknown there is taken as text, silently.
  static bool silent_key(std::string_view lower) {
    return lower == keys::kName || lower == keys::kId || lower == keys::kType || lower == keys::kLocation;
  }

  // ---- typed access (invalid-type reported at the field) ----

  template <typename T>
  Got<T> wrong_type(const Field& f, std::string_view expected) {
    error_at(f.key, "invalid-type", fmt::format("'{}' is {}, expected {}", f.key, kind_name(f.value.type()), expected));
    return Got<T>{{}, f.key, true, false};
  }

  template <typename T>
  Got<T> unknown_field(const Field& f, std::string_view text) {
    PointerScope s(ptr, f.key);
    note_unknown(text);
    Got<T> out{{}, f.key, true, false};
    out.unknown = true;
    return out;
  }

  /// A string field. A value written by unknown_value() is unknown (reported), except in the fields that never
  /// decide reachability (`name`, `id`, `type`, `location`), where it is returned as text; so is `<NAME>` of a
  /// parameter with no value. Placeholders in other forms are recognised by the readers that parse the text.
  Got<std::string_view> get_string(dom::object o, std::string_view name) {
    auto f = find_field(o, name);
    if (!f) return {};
    std::string_view s;
    if (f->value.get_string().get(s) != simdjson::SUCCESS) return wrong_type<std::string_view>(*f, "a string");
    if (!silent_key(name) && (is_unknown_value(s) || (options.from_template && !parameter_of(s).empty() &&
                                                      s.front() == '<' && is_valueless(parameter_of(s))))) {
      return unknown_field<std::string_view>(*f, s);
    }
    return {s, f->key, true, true};
  }

  /// A boolean field; "true" and "false" as strings (any case) are converted with a note.
  Got<bool> get_bool(dom::object o, std::string_view name) {
    auto f = find_field(o, name);
    if (!f) return {};
    bool b = false;
    if (f->value.get_bool().get(b) == simdjson::SUCCESS) return {b, f->key, true, true};
    std::string_view s;
    if (f->value.get_string().get(s) != simdjson::SUCCESS) return wrong_type<bool>(*f, "a boolean");
    const std::string_view t = trim(s);
    if (iequals(t, "true") || iequals(t, "false")) {
      coerced(f->key, s, iequals(t, "true") ? "true" : "false");
      return {iequals(t, "true"), f->key, true, true};
    }
    if (is_unknown_value(s) || (options.from_template && looks_like_placeholder(s))) {
      return unknown_field<bool>(*f, s);
    }
    if (options.from_template) {
      PointerScope at(ptr, f->key);
      invalid_value(s, fmt::format("'{}' is '{}', not true or false", f->key, s));
      Got<bool> out{{}, f->key, true, false};
      out.unknown = true;
      return out;
    }
    return wrong_type<bool>(*f, "a boolean");
  }

  /// An integer field in lo..hi named `field` in messages ("priority", "backend port"). A number written as a
  /// string ("80") is converted with a note. Out of range: "priority 5000 is above 4096", an error, or from a
  /// template a warning and unknown (ARM would reject it).
  Got<std::int64_t> get_int(dom::object o, std::string_view name, std::int64_t lo, std::int64_t hi,
                            std::string_view field) {
    auto f = find_field(o, name);
    if (!f) return {};
    Got<std::int64_t> out{0, f->key, true, false};
    auto range_check = [&](std::int64_t v, std::string_view text) {
      if (v >= lo && v <= hi) {
        out.value = v;
        out.ok = true;
        return;
      }
      PointerScope at(ptr, f->key);
      out.unknown = invalid_value(text, v > hi ? fmt::format("{} {} is above {}", field, v, hi)
                                               : fmt::format("{} {} is below {}", field, v, lo));
    };
    std::int64_t v = 0;
    std::uint64_t big = 0;
    std::string_view s;
    if (f->value.get_int64().get(v) == simdjson::SUCCESS) {
      range_check(v, std::to_string(v));
    } else if (f->value.get_uint64().get(big) == simdjson::SUCCESS) {
      PointerScope at(ptr, f->key);
      out.unknown = invalid_value(std::to_string(big), fmt::format("{} {} is above {}", field, big, hi));
    } else if (f->value.get_string().get(s) == simdjson::SUCCESS) {
      const std::string_view t = trim(s);
      const bool negative = !t.empty() && t.front() == '-';
      const std::string_view digits = negative ? t.substr(1) : t;
      if (!digits.empty() && digits.size() <= 18 &&
          std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        std::int64_t n = 0;
        for (char c : digits) n = n * 10 + (c - '0');
        if (negative) n = -n;
        coerced(f->key, s, fmt::format("the number {}", n));
        range_check(n, t);
      } else if (is_unknown_value(s) || (options.from_template && looks_like_placeholder(s))) {
        return unknown_field<std::int64_t>(*f, s);
      } else if (options.from_template) {
        PointerScope at(ptr, f->key);
        out.unknown = invalid_value(s, fmt::format("{} '{}' is not a number", field, s));
      } else {
        return wrong_type<std::int64_t>(*f, "an integer");
      }
    } else {
      return wrong_type<std::int64_t>(*f, "an integer");
    }
    return out;
  }

  Got<dom::object> get_object(dom::object o, std::string_view name) {
    auto f = find_field(o, name);
    if (!f) return {};
    dom::object v;
    if (std::string_view text; f->value.get_string().get(text) == simdjson::SUCCESS && is_unknown_value(text)) {
      return unknown_field<dom::object>(*f, text);  // the whole object is only known at deployment
    }
    if (f->value.get_object().get(v) != simdjson::SUCCESS) return wrong_type<dom::object>(*f, "an object");
    return {v, f->key, true, true};
  }

  Got<dom::array> get_array(dom::object o, std::string_view name) {
    auto f = find_field(o, name);
    if (!f) return {};
    dom::array v;
    if (std::string_view text; f->value.get_string().get(text) == simdjson::SUCCESS && is_unknown_value(text)) {
      return unknown_field<dom::array>(*f, text);  // the whole list is only known at deployment
    }
    if (f->value.get_array().get(v) != simdjson::SUCCESS) return wrong_type<dom::array>(*f, "an array");
    return {v, f->key, true, true};
  }

  /// Calls fn(element, index) for each element of array `name` of `o`, the pointer at that element; an element
  /// that is not an object is an `invalid-type` error naming it as `what`. Nothing when the array is absent (a
  /// value that is not an array is reported by get_array).
  template <typename Fn>
  void for_each_object(dom::object o, std::string_view name, std::string_view what, Fn&& fn) {
    auto arr = get_array(o, name);
    if (!arr) return;
    PointerScope s(ptr, arr.key);
    std::size_t i = 0;
    for (dom::element e : *arr) {
      PointerScope item(ptr, i);
      dom::object element;
      if (e.get_object().get(element) != simdjson::SUCCESS) {
        error("invalid-type", fmt::format("{} is {}, expected an object", what, kind_name(e.type())));
      } else {
        fn(element, i);
      }
      ++i;
    }
  }

  /// The object holding a resource's (or child's) fields: `properties`, or the object itself when absent
  /// (az CLI's flattened shape). `key` is set when `properties` is used. nullopt when `properties` is not an
  /// object (reported).
  std::optional<std::pair<dom::object, std::string_view>> properties_of(dom::object o) {
    auto p = get_object(o, keys::kProperties);
    if (p) return std::make_pair(*p, p.key);
    if (p.present) return std::nullopt;
    return std::make_pair(o, std::string_view{});
  }

  /// A `{ "id": ... }` reference held by `value`, reported against the current pointer.
  std::optional<Ref> ref_value(dom::element value, std::string_view what) {
    dom::object o;
    if (std::string_view text; value.get_string().get(text) == simdjson::SUCCESS && is_unknown_value(text)) {
      // The whole reference is only known at deployment (a linked deployment's output, `reference()`).
      note_unknown(text);
      return Ref{std::string(text), -1};
    }
    if (value.get_object().get(o) != simdjson::SUCCESS) {
      error("invalid-type", fmt::format("{} is {}, expected an object with an 'id'", what, kind_name(value.type())));
      return std::nullopt;
    }
    auto id = get_string(o, keys::kId);
    if (!id) {
      if (!id.present) error("missing-field", fmt::format("{} has no 'id'", what));
      return std::nullopt;
    }
    // model::is_unknown(): the target is only known at deployment; so is a whole id that is the `<NAME>` of a
    // parameter with no value (an id built from one, `.../virtualNetworks/<vnetName>`, is kept as written: it
    // still matches a resource declared with that name, and is a missing resource otherwise).
    const bool placeholder = options.from_template && !id->empty() && id->front() == '<' &&
                             !parameter_of(*id).empty() && is_valueless(parameter_of(*id));
    if (is_unknown_value(*id) || placeholder) {
      PointerScope at(ptr, id.key);
      note_unknown(*id);
      return Ref{placeholder ? importers::unknown_value(*id) : std::string(*id), -1};
    }
    return Ref{model::canonical_id(*id), -1};
  }

  /// The reference in field `name` of `o`, if present.
  Ref get_ref(dom::object o, std::string_view name) {
    auto f = find_field(o, name);
    if (!f) return {};
    PointerScope s(ptr, f->key);
    auto r = ref_value(f->value, fmt::format("'{}'", f->key));
    return r ? std::move(*r) : Ref{};
  }

  /// The references in array field `name` of `o`.
  std::vector<Ref> get_ref_list(dom::object o, std::string_view name) {
    std::vector<Ref> out;
    auto arr = get_array(o, name);
    if (!arr) return out;
    out.reserve(arr->size());
    PointerScope s(ptr, arr.key);
    std::size_t i = 0;
    for (dom::element e : *arr) {
      PointerScope item(ptr, i);
      if (!e.is_null()) {
        if (auto r = ref_value(e, fmt::format("item {} of '{}'", i, arr.key))) out.push_back(std::move(*r));
      }
      ++i;
    }
    return out;
  }

  /// Calls `fn(text)` with the pointer at each string of a string field and of a string-array field.
  /// The texts are passed as written: an unknown value or a placeholder is for `fn` to recognise and report.
  template <typename Fn>
  void for_each_text(dom::object o, std::string_view single, std::string_view plural, Fn&& fn) {
    if (auto f = single.empty() ? std::optional<Field>{} : find_field(o, single)) {
      std::string_view text;
      if (f->value.get_string().get(text) == simdjson::SUCCESS) {
        PointerScope scope(ptr, f->key);
        fn(text);
      } else {
        wrong_type<std::string_view>(*f, "a string");
      }
    }
    if (auto arr = get_array(o, plural)) {
      PointerScope scope(ptr, arr.key);
      std::size_t i = 0;
      for (dom::element e : *arr) {
        PointerScope item(ptr, i);
        std::string_view text;
        if (e.get_string().get(text) == simdjson::SUCCESS) {
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
  std::optional<IpPrefix> prefix_value(std::string_view raw, bool* unknown = nullptr) {
    const std::string_view text = trim(raw);
    if (is_unknown_value(raw)) {
      note_unknown(raw);
      if (unknown) *unknown = true;
      return std::nullopt;
    }
    bool host_bits = false;
    auto p = IpPrefix::parse(text, &host_bits);
    if (!p) {
      if (invalid_value(raw, fmt::format("address prefix '{}' is not an IP address or CIDR prefix", raw)) && unknown) {
        *unknown = true;
      }
      return std::nullopt;
    }
    if (host_bits) {
      warning("host-bits-set",
              fmt::format("address prefix '{}' has host bits set; read as '{}'", text, p->to_string()));
    }
    return p;
  }

  /// Union of `addressPrefix`-like and `addressPrefixes`-like fields, without repeats. `*unknown` (when given)
  /// is set when one of them is unknown (see prefix_value); the known ones are returned.
  std::vector<IpPrefix> get_prefixes(dom::object o, std::string_view single, std::string_view plural,
                                     bool* unknown = nullptr) {
    std::vector<IpPrefix> out;
    for_each_text(o, single, plural, [&](std::string_view text) {
      if (trim(text).empty()) return;
      if (auto p = prefix_value(text, unknown)) {
        if (std::find(out.begin(), out.end(), *p) == out.end()) out.push_back(*p);
      }
    });
    return out;
  }

  /// Name and id of a child object; the id is composed from the parent's when absent.
  std::optional<ChildIds> child_ids(dom::object o, std::string_view parent_id, std::string_view segment,
                                    std::string_view what) {
    auto id = get_string(o, keys::kId);
    auto name = get_string(o, keys::kName);
    if (id.present && !id) return std::nullopt;
    if (name.present && !name) return std::nullopt;
    ChildIds out;
    if (id && !id->empty()) {
      out.id = std::string(*id);
      out.name = name ? std::string(*name) : std::string(last_segment(*id));
      return out;
    }
    if (name && !name->empty()) {
      out.name = std::string(*name);
      out.id = fmt::format("{}{}{}", parent_id, segment, *name);
      return out;
    }
    error("missing-field", fmt::format("{} has no 'name' or 'id'", what));
    return std::nullopt;
  }

  // ---- security rules ----

  /// Reads one side (source or destination) of a rule. False when nothing at all is listed. `unknown` is set
  /// when an entry (prefix, tag or application security group) is only known at deployment. A tag exposim cannot
  /// resolve is a warning in an inbound rule and a note in an outbound one (`outbound`): exposim analyses inbound
  /// traffic, which outbound rules never decide.
  bool read_addresses(dom::object props, std::string_view single, std::string_view plural, std::string_view asgs,
                      model::AddressMatch& out, bool& unknown, bool outbound = false) {
    bool listed = false;
    for_each_text(props, single, plural, [&](std::string_view raw) {
      const std::string_view t = trim(raw);
      if (t.empty()) return;
      listed = true;
      if (t == "*" || iequals(t, "any")) {
        out.any = true;
        return;
      }
      if (is_unknown_value(raw) || (options.from_template && looks_like_placeholder(t))) {
        note_unknown(raw);
        unknown = true;
        return;
      }
      if (looks_like_ip(t)) {
        if (auto p = prefix_value(t, &unknown)) out.prefixes.push_back(*p);
        return;
      }
      auto add_tag = [&](model::ServiceTag tag) {
        if (std::find(out.tags.begin(), out.tags.end(), tag) == out.tags.end()) out.tags.push_back(tag);
      };
      switch (classify_service_tag(t)) {
        case TagKind::kInternet: add_tag(model::ServiceTag::kInternet); return;
        case TagKind::kVirtualNetwork: add_tag(model::ServiceTag::kVirtualNetwork); return;
        case TagKind::kAzureLoadBalancer: add_tag(model::ServiceTag::kAzureLoadBalancer); return;
        case TagKind::kUnresolved:
          out.other_tags.emplace_back(t);
          if (outbound) {
            report(Severity::kNote, "unresolved-service-tag", ptr,
                   fmt::format("service tag '{}' is not resolved to addresses; it is in an outbound rule, which does "
                               "not decide what the internet reaches",
                               t));
          } else {
            warning("unresolved-service-tag",
                    fmt::format("service tag '{}' is not resolved to addresses: allow rules treat it as the whole "
                                "internet, deny rules as nothing",
                                t));
          }
          return;
        case TagKind::kUnknown:
          if (outbound) {
            report(Severity::kNote, "unknown-service-tag", ptr,
                   fmt::format("unknown service tag '{}' matches nothing; it is in an outbound rule, which does not "
                               "decide what the internet reaches",
                               t));
          } else {
            warning("unknown-service-tag", fmt::format("unknown service tag '{}' matches nothing", t));
          }
          return;
      }
    });
    std::vector<Ref> groups = get_ref_list(props, asgs);
    if (!groups.empty()) listed = true;
    for (auto& g : groups) {
      if (model::is_unknown(g)) {
        unknown = true;
      } else {
        out.asgs.push_back(std::move(g));
      }
    }
    return listed;
  }

  /// Adds one port entry (string or integer) at the current pointer. False when nothing was listed. `*unknown`
  /// (when given) is set when the entry is to be read as unknown (see prefix_value).
  bool add_port(dom::element e, model::PortSet& out, std::string_view field, std::optional<std::size_t> item,
                bool* unknown = nullptr) {
    std::string_view text;
    if (e.get_string().get(text) == simdjson::SUCCESS) {
      const std::string_view t = trim(text);
      if (t.empty()) return false;
      if (t == "*" || iequals(t, "any")) {
        out = model::PortSet::all();
        return true;
      }
      if (is_unknown_value(text)) {
        note_unknown(text);
        if (unknown) *unknown = true;
      } else if (auto r = model::parse_port_range(t)) {
        out.add(r->lo, r->hi);
      } else if (invalid_value(text, fmt::format("port range '{}' is not a port or range in 0..65535", text)) &&
                 unknown) {
        *unknown = true;
      }
      return true;
    }
    std::int64_t n = 0;
    if (e.get_int64().get(n) == simdjson::SUCCESS) {
      if (n >= 0 && n <= 65535) {
        out.add(static_cast<std::uint16_t>(n), static_cast<std::uint16_t>(n));
      } else if (invalid_value(std::to_string(n), fmt::format("port {} is above 65535", n)) && unknown) {
        *unknown = true;
      }
      return true;
    }
    if (e.is_null()) return false;
    if (item) {
      error("invalid-type", fmt::format("item {} of '{}' is {}, expected a string", *item, field, kind_name(e.type())));
    } else {
      error("invalid-type", fmt::format("'{}' is {}, expected a string", field, kind_name(e.type())));
    }
    return true;
  }

  bool read_ports(dom::object props, std::string_view single, std::string_view plural, model::PortSet& out,
                  bool* unknown = nullptr) {
    bool listed = false;
    if (auto f = find_field(props, single)) {
      PointerScope s(ptr, f->key);
      listed |= add_port(f->value, out, f->key, std::nullopt, unknown);
    }
    if (auto arr = get_array(props, plural)) {
      PointerScope s(ptr, arr.key);
      std::size_t i = 0;
      for (dom::element e : *arr) {
        PointerScope item(ptr, i);
        listed |= add_port(e, out, arr.key, i, unknown);
        ++i;
      }
    }
    return listed;
  }

  /// What became of a security rule read.
  enum class RuleRead {
    kKeep,
    kError,    // reported; left out
    kIgnored,  // left out without an error: a Deny rule with an unknown field (matches nothing)
  };

  /// Fills a security rule. The pointer is at the rule's object. Fields only known at deployment are read
  /// conservatively (docs/model.md, "Unknown values"): in an Allow rule (an unknown `access` is Allow) an unknown
  /// address, port or protocol is `*`, an unknown direction Inbound, an unknown priority kUnknownAllowPriority
  /// (evaluated before every rule); a Deny rule with any unknown field is left out (it matches nothing).
  RuleRead read_rule(dom::object o, ChildIds ids, bool is_default, model::SecurityRule& r) {
    const std::size_t errors_before = errors;
    const std::size_t rule_mark = ptr.size();  // the rule's own pointer is ptr.substr(0, rule_mark)
    r.name = std::move(ids.name);
    r.id = std::move(ids.id);
    r.where = here();
    r.is_default = is_default;
    r.is_jit = istarts_with(r.name, "securitycenter-jitrule");
    auto props_or = properties_of(o);
    if (!props_or) return RuleRead::kError;
    auto [props, props_key] = *props_or;
    r.flattened = props_key.empty();
    std::optional<PointerScope> props_scope;
    if (!props_key.empty()) props_scope.emplace(ptr, props_key);

    auto missing = [&](std::string_view field) {
      report(Severity::kError, "missing-field", ptr.substr(0, rule_mark),
             fmt::format("security rule '{}' has no '{}'", r.name, field));
    };

    bool unknown_protocol = false, unknown_access = false, unknown_direction = false;
    if (auto f = get_string(props, keys::kProtocol)) {
      if (auto m = parse_protocol(trim(*f))) {
        r.protocols = *m;
      } else {
        unknown_protocol =
            invalid_value_at(f.key, *f, fmt::format("protocol '{}' is not Tcp, Udp, Icmp, Esp, Ah or '*'", *f));
      }
    } else if (f.unknown) {
      unknown_protocol = true;
    } else if (!f.present) {
      missing("protocol");
    }

    // A required field with two spellings allowed (case-insensitive, spaces trimmed).
    auto read_choice = [&](std::string_view key, std::string_view field, std::string_view a, auto value_a,
                           std::string_view b, auto value_b, auto& out, std::string_view expected, bool& unknown) {
      if (auto f = get_string(props, key)) {
        if (iequals(trim(*f), a)) {
          out = value_a;
        } else if (iequals(trim(*f), b)) {
          out = value_b;
        } else {
          unknown = invalid_value_at(f.key, *f, fmt::format("{} '{}' is not {}", field, *f, expected));
        }
      } else if (f.unknown) {
        unknown = true;
      } else if (!f.present) {
        missing(field);
      }
    };
    read_choice(keys::kAccess, "access", "allow", model::Access::kAllow, "deny", model::Access::kDeny, r.access,
                "Allow or Deny", unknown_access);
    read_choice(keys::kDirection, "direction", "inbound", model::Direction::kInbound, "outbound",
                model::Direction::kOutbound, r.direction, "Inbound or Outbound", unknown_direction);

    const auto priority =
        get_int(props, keys::kPriority, is_default ? 65000 : 100, is_default ? 65500 : 4096, "priority");
    if (priority) {
      r.priority = static_cast<int>(*priority);
    } else if (!priority.present) {
      missing("priority");
    }

    auto missing_side = [&](std::string_view a, std::string_view b, std::string_view c) {
      report(Severity::kError, "missing-field", ptr.substr(0, rule_mark),
             fmt::format("security rule '{}' has no '{}', '{}' or '{}'", r.name, a, b, c));
    };
    const bool outbound = r.direction == model::Direction::kOutbound;
    bool unknown_source = false, unknown_destination = false;
    if (!read_addresses(props, keys::kSourceAddressPrefix, keys::kSourceAddressPrefixes,
                        keys::kSourceApplicationSecurityGroups, r.source, unknown_source, outbound)) {
      missing_side("sourceAddressPrefix", "sourceAddressPrefixes", "sourceApplicationSecurityGroups");
    }
    if (!read_addresses(props, keys::kDestinationAddressPrefix, keys::kDestinationAddressPrefixes,
                        keys::kDestinationApplicationSecurityGroups, r.destination, unknown_destination, outbound)) {
      missing_side("destinationAddressPrefix", "destinationAddressPrefixes", "destinationApplicationSecurityGroups");
    }
    auto missing_ports = [&](std::string_view a, std::string_view b) {
      report(Severity::kError, "missing-field", ptr.substr(0, rule_mark),
             fmt::format("security rule '{}' has no '{}' or '{}'", r.name, a, b));
    };
    bool unknown_source_ports = false, unknown_destination_ports = false;
    if (!read_ports(props, keys::kSourcePortRange, keys::kSourcePortRanges, r.source_ports, &unknown_source_ports)) {
      missing_ports("sourcePortRange", "sourcePortRanges");
    }
    if (!read_ports(props, keys::kDestinationPortRange, keys::kDestinationPortRanges, r.destination_ports,
                    &unknown_destination_ports)) {
      missing_ports("destinationPortRange", "destinationPortRanges");
    }
    if (errors != errors_before) return RuleRead::kError;
    if (!(unknown_protocol || unknown_access || unknown_direction || priority.unknown || unknown_source ||
          unknown_destination || unknown_source_ports || unknown_destination_ports)) {
      return RuleRead::kKeep;
    }
    if (unknown_access) r.access = model::Access::kAllow;
    if (r.access == model::Access::kDeny) return RuleRead::kIgnored;
    if (unknown_protocol) r.protocols = model::kAllProtocols;
    if (unknown_direction) r.direction = model::Direction::kInbound;
    if (priority.unknown) r.priority = model::kUnknownAllowPriority;
    if (unknown_source) r.source.any = true;
    if (unknown_destination) r.destination.any = true;
    if (unknown_source_ports) r.source_ports = model::PortSet::all();
    if (unknown_destination_ports) r.destination_ports = model::PortSet::all();
    return RuleRead::kKeep;
  }

  /// Reads the rules of array field `name` of an NSG's properties into `out`.
  void read_rule_list(dom::object props, std::string_view name, std::string_view parent_id, bool is_default,
                      std::vector<model::SecurityRule>& out) {
    const std::string_view segment =
        is_default ? segments::kDefaultSecurityRulesAsWritten : segments::kSecurityRulesAsWritten;
    for_each_child(props, name, parent_id, segment, "security rule", [&](dom::object o, ChildIds ids) {
      // Built in place: rules are large, and a bad one is dropped again.
      if (read_rule(o, std::move(ids), is_default, out.emplace_back()) != RuleRead::kKeep) out.pop_back();
    });
  }

  // ---- virtual networks ----

  std::optional<model::Subnet> read_subnet(dom::object o, ChildIds ids, std::string_view vnet_key_hint) {
    model::Subnet s;
    s.key = model::canonical_id(ids.id);
    s.id = std::move(ids.id);
    s.name = std::move(ids.name);
    s.where = here();
    const auto cut = irfind(s.id, segments::kSubnets);
    s.vnet.id = cut != std::string::npos ? model::canonical_id(std::string_view(s.id).substr(0, cut))
                                         : std::string(vnet_key_hint);
    auto props_or = properties_of(o);
    if (!props_or) return std::nullopt;
    auto [props, props_key] = *props_or;
    s.flattened = props_key.empty();
    std::optional<PointerScope> scope;
    if (!props_key.empty()) scope.emplace(ptr, props_key);
    s.prefixes = get_prefixes(props, keys::kAddressPrefix, keys::kAddressPrefixes);
    s.nsg = get_ref(props, keys::kNetworkSecurityGroup);
    s.route_table = get_ref(props, keys::kRouteTable);
    if (auto f = get_string(props, keys::kPrivateEndpointNetworkPolicies)) {
      const std::string_view t = trim(*f);
      using model::PrivateEndpointPolicy;
      if (iequals(t, "disabled")) {
        s.private_endpoint_policies = PrivateEndpointPolicy::kDisabled;
      } else if (iequals(t, "enabled")) {
        s.private_endpoint_policies = PrivateEndpointPolicy::kEnabled;
      } else if (iequals(t, "networksecuritygroupenabled")) {
        s.private_endpoint_policies = PrivateEndpointPolicy::kNsgOnly;
      } else if (iequals(t, "routetableenabled")) {
        s.private_endpoint_policies = PrivateEndpointPolicy::kRouteTableOnly;
      } else {
        error_at(f.key, "invalid-value",
                 fmt::format("private endpoint network policies '{}' is not Disabled, Enabled, "
                             "NetworkSecurityGroupEnabled or RouteTableEnabled",
                             *f));
      }
    }
    return s;
  }

  /// Adds a subnet unless the same subnet came the other way (inline vs separate) before.
  bool add_subnet(model::Subnet&& s, bool is_inline) {
    auto [it, inserted] = subnet_inline.try_emplace(s.key, is_inline);
    if (!inserted && it->second != is_inline) return false;
    model.subnets.push_back(std::move(s));
    return true;
  }

  std::optional<model::Peering> read_peering(dom::object o, ChildIds ids) {
    model::Peering p;
    p.name = std::move(ids.name);
    p.id = std::move(ids.id);
    p.where = here();
    auto props_or = properties_of(o);
    if (!props_or) return std::nullopt;
    auto [props, props_key] = *props_or;
    std::optional<PointerScope> scope;
    if (!props_key.empty()) scope.emplace(ptr, props_key);
    p.remote_vnet = get_ref(props, keys::kRemoteVirtualNetwork);
    if (auto space = get_object(props, keys::kRemoteAddressSpace)) {
      PointerScope s(ptr, space.key);
      p.remote_address_space = get_prefixes(*space, "", keys::kAddressPrefixes);
    }
    if (auto b = get_bool(props, keys::kAllowVirtualNetworkAccess)) p.allow_virtual_network_access = *b;
    if (auto b = get_bool(props, keys::kAllowForwardedTraffic)) p.allow_forwarded_traffic = *b;
    if (auto b = get_bool(props, keys::kAllowGatewayTransit)) p.allow_gateway_transit = *b;
    if (auto b = get_bool(props, keys::kUseRemoteGateways)) p.use_remote_gateways = *b;
    // Templates never carry `peeringState` (Azure computes it): absent, the peering counts as Connected once
    // both sides exist, which routing checks (docs/model.md). Exports carry it and it is honoured.
    p.connected = true;
    if (auto st = get_string(props, keys::kPeeringState)) p.connected = iequals(trim(*st), "connected");
    return p;
  }

  // ---- PaaS public endpoints and private endpoints (docs/model.md#private-endpoints-and-paas-public-endpoints) ----

  /// The host of a URL ("https://acct.blob.core.windows.net/" -> "acct.blob.core.windows.net"), or the
  /// text itself when it has no scheme.
  static std::string host_of_url(std::string_view url) {
    std::string_view t = trim(url);
    if (auto scheme = t.find("://"); scheme != std::string_view::npos) t.remove_prefix(scheme + 3);
    t = t.substr(0, t.find_first_of("/:?#"));
    return lowercase(t);
  }

  /// `publicNetworkAccess` of a PaaS resource (absent: Enabled).
  void read_public_network_access(dom::object props, model::PaasService& s) {
    using model::PublicNetworkAccess;
    auto f = get_string(props, keys::kPublicNetworkAccess);
    if (!f) return;
    const std::string_view t = trim(*f);
    if (iequals(t, "enabled")) {
      s.public_network_access = PublicNetworkAccess::kEnabled;
    } else if (iequals(t, "disabled")) {
      s.public_network_access = PublicNetworkAccess::kDisabled;
    } else if (iequals(t, "securedbyperimeter")) {
      s.public_network_access = PublicNetworkAccess::kSecuredByPerimeter;
      PointerScope at(ptr, f.key);
      warning("unmodelled-feature",
              fmt::format("'{}' is secured by a network security perimeter, not modelled: its public endpoint is "
                          "assumed to admit the whole internet",
                          s.name));
    } else {
      // From a template, a value ARM would reject is unknown: Enabled, as when absent.
      invalid_value_at(f.key, *f,
                       fmt::format("public network access '{}' is not Enabled, Disabled or SecuredByPerimeter", *f));
    }
  }

  /// An Allow/Deny field; `out` is left alone when absent or bad (reported).
  /// An unknown value is Allow (a default action or a rule that admits is never narrower than the truth).
  void read_paas_action(dom::object o, std::string_view key, std::string_view field, model::Access& out) {
    auto f = get_string(o, key);
    if (f.unknown) out = model::Access::kAllow;
    if (!f) return;
    if (iequals(trim(*f), "allow")) {
      out = model::Access::kAllow;
    } else if (iequals(trim(*f), "deny")) {
      out = model::Access::kDeny;
    } else if (invalid_value_at(f.key, *f, fmt::format("{} '{}' is not Allow or Deny", field, *f))) {
      out = model::Access::kAllow;
    }
  }

  /// Cosmos DB's "0.0.0.0": connections from Azure datacenters, reported at the current pointer.
  void warn_azure_datacenters() {
    warning("unresolved-service-tag",
            "'0.0.0.0' allows connections from Azure datacenters, other customers' resources included; Azure's "
            "ranges are not resolved: taken as the whole internet");
  }

  /// Appends an address rule from one address text at the current pointer; false when it is not an
  /// address (reported).
  bool add_ip_rule_text(std::string_view raw, model::PaasIpRule& rule) {
    const std::string_view t = trim(raw);
    if (t == "*" || iequals(t, "any")) {
      rule.addresses = rule.addresses.unite(model::all_v4().unite(model::all_v6()));
      return true;
    }
    bool unknown = false;
    auto p = prefix_value(t, &unknown);
    if (unknown) {  // only known at deployment, or a placeholder: an allow rule admits everyone, a deny none
      rule.unresolved = true;
      rule.unknown = true;
      return true;
    }
    if (!p) return false;
    rule.addresses = rule.addresses.unite(model::to_set(*p));
    return true;
  }

  /// The `ipRules` of storage accounts and Key Vaults (`value`; the az CLI's storage shape says
  /// `ipAddressOrRange`) and Cosmos DB accounts (`ipAddressOrRange`): allow rules. `zero_is_azure`: "0.0.0.0"
  /// stands for Azure datacenters (Cosmos DB).
  void read_ip_rules(dom::object o, std::string_view field_key, std::string_view field, bool zero_is_azure,
                     model::PaasService& s) {
    if (unknown_list(o, keys::kIpRules)) {  // the whole list is unknown: it admits every source
      model::PaasIpRule rule;
      rule.where = here();
      rule.text = "(only known at deployment)";
      rule.unresolved = true;
      rule.unknown = true;
      s.ip_rules.push_back(std::move(rule));
      return;
    }
    auto arr = get_array(o, keys::kIpRules);
    if (!arr) return;
    PointerScope scope(ptr, arr.key);
    std::size_t i = 0;
    for (dom::element e : *arr) {
      PointerScope item(ptr, i++);
      dom::object r;
      if (e.get_object().get(r) != simdjson::SUCCESS) {
        if (!e.is_null()) error("invalid-type", fmt::format("IP rule is {}, expected an object", kind_name(e.type())));
        continue;
      }
      model::PaasIpRule rule;
      rule.where = here();
      auto value = get_string(r, field_key);
      if (!value.present && field_key == keys::kValue) value = get_string(r, keys::kIpAddressOrRange);
      if (value.unknown) {  // admits every source
        rule.text = "(only known at deployment)";
        rule.unresolved = true;
        rule.unknown = true;
        read_paas_action(r, keys::kAction, "action", rule.action);
        s.ip_rules.push_back(std::move(rule));
        continue;
      }
      if (!value) {
        if (!value.present) error("missing-field", fmt::format("IP rule has no '{}'", field));
        continue;
      }
      rule.text = std::string(trim(*value));
      read_paas_action(r, keys::kAction, "action", rule.action);
      PointerScope at(ptr, value.key);
      if (zero_is_azure && rule.text == "0.0.0.0") {
        rule.unresolved = true;
        warn_azure_datacenters();
      } else if (!add_ip_rule_text(rule.text, rule)) {
        continue;
      }
      s.ip_rules.push_back(std::move(rule));
    }
  }

  /// `virtualNetworkRules[].id` (storage, Key Vault, Cosmos DB): recorded only.
  void read_vnet_rules(dom::object o, model::PaasService& s) {
    auto arr = get_array(o, keys::kVirtualNetworkRules);
    if (!arr) return;
    PointerScope scope(ptr, arr.key);
    std::size_t i = 0;
    for (dom::element e : *arr) {
      PointerScope item(ptr, i);
      if (!e.is_null()) {
        if (auto r = ref_value(e, fmt::format("item {} of '{}'", i, arr.key))) s.virtual_network_rules.push_back(*r);
      }
      ++i;
    }
  }

  /// `networkAcls` of storage accounts and Key Vaults (`networkRuleSet` in the az CLI's storage output).
  void read_network_acls(dom::object props, model::PaasService& s) {
    auto acls = get_object(props, keys::kNetworkAcls);
    if (!acls.present) acls = get_object(props, keys::kNetworkRuleSet);
    if (!acls) return;
    PointerScope scope(ptr, acls.key);
    read_paas_action(*acls, keys::kDefaultAction, "default action", s.default_action);
    if (auto b = get_string(*acls, keys::kBypass)) s.bypass = std::string(trim(*b));
    read_ip_rules(*acls, keys::kValue, "value", false, s);
    read_vnet_rules(*acls, s);
  }

  static model::PortSet tcp_ports(std::initializer_list<std::uint16_t> ports) {
    model::PortSet out;
    for (auto p : ports) out.add(p, p);
    return out;
  }

  /// True when the resource states an `apiVersion` (next to `properties`) older than `since` (YYYY-MM-DD; a
  /// "-preview" suffix is ignored); false when it states none.
  bool older_api_version(dom::object res, std::size_t res_mark, std::string_view since) {
    const std::string saved = ptr;
    ptr.resize(res_mark);
    bool older = false;
    if (auto v = get_string(res, keys::kApiVersion)) {
      const std::string_view t = trim(*v);
      if (t.size() >= since.size()) older = t.substr(0, since.size()) < since;
    }
    ptr = saved;
    return older;
  }

  void read_storage_account(model::ResourceBase base, dom::object res, dom::object props, std::size_t res_mark) {
    model::PaasService s;
    static_cast<model::ResourceBase&>(s) = std::move(base);
    s.kind = model::PaasKind::kStorage;
    read_public_network_access(props, s);
    // Secure transfer is on by default only from API version 2019-04-01; an older `apiVersion` without the
    // property deploys an account that accepts HTTP. Without an `apiVersion` (most exports), today's default.
    s.https_only = !older_api_version(res, res_mark, "2019-04-01");
    auto https = get_bool(props, keys::kSupportsHttpsTrafficOnly);
    if (!https.present) https = get_bool(props, keys::kEnableHttpsTrafficOnly);  // the az CLI's name
    if (https) s.https_only = *https;
    if (https.unknown) s.https_only = false;  // unknown: HTTP on 80 too
    read_network_acls(props, s);
    if (auto ep = get_object(props, keys::kPrimaryEndpoints)) {
      PointerScope scope(ptr, ep.key);
      if (auto blob = get_string(*ep, keys::kBlob)) s.host_name = host_of_url(*blob);
    }
    // Blob-only account kinds have no Azure Files share, hence no SMB (445) on the public endpoint.
    bool files = true;
    {
      const std::string saved = ptr;
      ptr.resize(res_mark);
      if (auto kind = get_string(res, keys::kKind)) {
        files = !iequals(trim(*kind), "blobstorage") && !iequals(trim(*kind), "blockblobstorage");
      }
      ptr = saved;
    }
    s.tcp_ports = tcp_ports({443});
    if (!s.https_only) s.tcp_ports.add(80, 80);
    if (files) s.tcp_ports.add(445, 445);
    model.paas_services.push_back(std::move(s));
  }

  void read_key_vault(model::ResourceBase base, dom::object props) {
    model::PaasService s;
    static_cast<model::ResourceBase&>(s) = std::move(base);
    s.kind = model::PaasKind::kKeyVault;
    read_public_network_access(props, s);
    read_network_acls(props, s);
    if (auto uri = get_string(props, keys::kVaultUri)) s.host_name = host_of_url(*uri);
    s.tcp_ports = tcp_ports({443});
    model.paas_services.push_back(std::move(s));
  }

  void read_sql_server(model::ResourceBase base, dom::object props) {
    model::PaasService s;
    static_cast<model::ResourceBase&>(s) = std::move(base);
    s.kind = model::PaasKind::kSqlServer;
    s.default_action = model::Access::kDeny;  // only firewall rules admit
    read_public_network_access(props, s);
    if (auto fqdn = get_string(props, keys::kFullyQualifiedDomainName)) s.host_name = host_of_url(*fqdn);
    // 1433 at the gateway; with the Redirect policy, and with the Default policy for clients inside Azure (which
    // any internet client can be), the database nodes answer on 11000-11999. A Proxy policy (a separate
    // connectionPolicies resource) leaves 1433 only.
    s.tcp_ports = tcp_ports({1433});
    s.tcp_ports.add(11000, 11999);
    model.paas_services.push_back(std::move(s));
  }

  /// A SQL server firewall rule (separate child resource); nullopt when it has an error (reported).
  std::optional<model::PaasIpRule> read_sql_firewall_rule(dom::object res, ChildIds ids) {
    const std::size_t errors_before = errors;
    const std::size_t mark = ptr.size();
    model::PaasIpRule r;
    r.name = std::move(ids.name);
    r.where = here();
    auto props_or = properties_of(res);
    if (!props_or) return std::nullopt;
    auto [props, props_key] = *props_or;
    std::optional<PointerScope> scope;
    if (!props_key.empty()) scope.emplace(ptr, props_key);
    std::optional<IpAddress> bounds[2];
    const std::string_view fields[2] = {"startIpAddress", "endIpAddress"};
    const std::string_view field_keys[2] = {keys::kStartIpAddress, keys::kEndIpAddress};
    bool unknown = false;
    for (int k = 0; k < 2; ++k) {
      auto f = get_string(props, field_keys[k]);
      if (f.unknown) {
        unknown = true;
        continue;
      }
      if (!f) {
        if (!f.present) {
          report(Severity::kError, "missing-field", ptr.substr(0, mark),
                 fmt::format("firewall rule '{}' has no '{}'", r.name, fields[k]));
        }
        continue;
      }
      auto a = IpAddress::parse(trim(*f));
      if (!a || a->family() != IpFamily::kV4) {
        if (invalid_value_at(f.key, *f, fmt::format("{} '{}' is not an IPv4 address", fields[k], *f))) unknown = true;
        continue;
      }
      bounds[k] = a;
    }
    if (errors != errors_before) return std::nullopt;
    if (unknown) {  // a bound only known at deployment: the rule admits every source
      r.text = "(only known at deployment)";
      r.unresolved = true;
      r.unknown = true;
      return r;
    }
    r.text = bounds[0]->to_string() + "-" + bounds[1]->to_string();
    if (bounds[0]->value > bounds[1]->value) {
      report(Severity::kError, "invalid-value", ptr.substr(0, mark),
             fmt::format("firewall rule '{}': range {} is empty (start after end)", r.name, r.text));
      return std::nullopt;
    }
    if (bounds[0]->v4_bits() == 0 && bounds[1]->v4_bits() == 0) {
      r.unresolved = true;  // "allow Azure services and resources to access this server"
      report(Severity::kWarning, "unresolved-service-tag", ptr.substr(0, mark),
             fmt::format("firewall rule '{}' (0.0.0.0-0.0.0.0) allows all Azure services, other customers' included; "
                         "Azure's ranges are not resolved: taken as the whole internet",
                         r.name));
    } else {
      r.addresses.add(bounds[0]->value, bounds[1]->value);
    }
    return r;
  }

  /// The API a Cosmos DB account serves: `kind` MongoDB, or a capability EnableMongo, EnableCassandra,
  /// EnableTable or EnableGremlin; "sql" otherwise (NoSQL, Azure's default).
  std::string cosmos_api(dom::object res, dom::object props, std::size_t res_mark) {
    std::string api = "sql";
    {
      const std::string saved = ptr;
      ptr.resize(res_mark);
      if (auto kind = get_string(res, keys::kKind); kind && iequals(trim(*kind), "mongodb")) api = "mongo";
      ptr = saved;
    }
    if (auto caps = get_array(props, keys::kCapabilities)) {
      for (dom::element e : *caps) {
        dom::object o;
        std::string_view name;
        if (e.get_object().get(o) != simdjson::SUCCESS) continue;
        auto n = find_field(o, keys::kName);
        if (!n || n->value.get_string().get(name) != simdjson::SUCCESS) continue;
        name = trim(name);
        if (iequals(name, "enablemongo")) api = "mongo";
        if (iequals(name, "enablecassandra")) api = "cassandra";
        if (iequals(name, "enabletable")) api = "table";
        if (iequals(name, "enablegremlin")) api = "gremlin";
      }
    }
    return api;
  }

  void read_cosmos_account(model::ResourceBase base, dom::object res, dom::object props, std::size_t res_mark) {
    model::PaasService s;
    static_cast<model::ResourceBase&>(s) = std::move(base);
    s.kind = model::PaasKind::kCosmosDb;
    read_public_network_access(props, s);
    read_ip_rules(props, keys::kIpAddressOrRange, "ipAddressOrRange", true, s);
    if (auto filter = get_string(props, keys::kIpRangeFilter)) {  // older API versions: "a,b/24,..."
      PointerScope at(ptr, filter.key);
      std::string_view rest = *filter;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view item = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (item.empty()) continue;
        model::PaasIpRule rule;
        rule.where = here();
        rule.text = std::string(item);
        if (item == "0.0.0.0") {
          rule.unresolved = true;
          warn_azure_datacenters();
        } else if (!add_ip_rule_text(item, rule)) {
          continue;
        }
        s.ip_rules.push_back(std::move(rule));
      }
    }
    if (auto b = get_bool(props, keys::kIsVirtualNetworkFilterEnabled)) s.virtual_network_filter = *b;
    read_vnet_rules(props, s);
    if (auto b = get_string(props, keys::kNetworkAclBypass)) s.bypass = std::string(trim(*b));
    // Cosmos DB has no default action: any IP rule or the virtual network filter closes everything else.
    s.default_action = s.ip_rules.empty() && !s.virtual_network_filter ? model::Access::kAllow : model::Access::kDeny;
    if (auto ep = get_string(props, keys::kDocumentEndpoint)) s.host_name = host_of_url(*ep);
    // 443 (gateway mode) for every API; the NoSQL API's direct mode connects to the replicas on 10000-20000, the
    // MongoDB API listens on 10255 (10250 and 10256 for older wire versions), Cassandra on 10350.
    s.tcp_ports = tcp_ports({443});
    const std::string api = cosmos_api(res, props, res_mark);
    if (api == "sql") s.tcp_ports.add(10000, 20000);
    if (api == "mongo") s.tcp_ports.add(10250, 10256);
    if (api == "cassandra") s.tcp_ports.add(10350, 10350);
    model.paas_services.push_back(std::move(s));
  }

  /// One `ipSecurityRestrictions` entry; nullopt when it has an error (reported).
  std::optional<model::PaasIpRule> read_site_restriction(dom::object o, std::size_t index) {
    const std::size_t errors_before = errors;
    model::PaasIpRule r;
    r.where = here();
    if (auto n = get_string(o, keys::kName)) r.name = std::string(*n);
    if (r.name.empty()) r.name = fmt::format("#{}", index);
    read_paas_action(o, keys::kAction, "action", r.action);
    if (auto f = find_field(o, keys::kPriority)) {
      std::int64_t v = 0;
      if (f->value.get_int64().get(v) != simdjson::SUCCESS) {
        wrong_type<int>(*f, "an integer");
      } else if (v < 0 || v > 2147483647) {
        error_at(f->key, "invalid-value", fmt::format("priority {} not in 0..2147483647", v));
      } else {
        r.priority = static_cast<int>(v);
      }
    }
    bool service_tag = false;
    if (auto tag = get_string(o, keys::kTag)) {
      const std::string_view t = trim(*tag);
      if (iequals(t, "servicetag")) {
        service_tag = true;
      } else if (!iequals(t, "default") && !iequals(t, "xffproxy")) {
        error_at(tag.key, "invalid-value", fmt::format("tag '{}' is not Default, XffProxy or ServiceTag", *tag));
      }
    }
    if (auto h = get_object(o, keys::kHeaders)) r.has_headers = h->size() > 0;
    auto subnet = get_string(o, keys::kVnetSubnetResourceId);
    auto ip = get_string(o, keys::kIpAddress);
    if (ip.unknown) {  // an allow restriction admits every source, a deny restriction matches none
      r.text = "(only known at deployment)";
      r.unresolved = true;
      r.unknown = true;
    } else if (ip && !trim(*ip).empty()) {
      r.text = std::string(trim(*ip));
      PointerScope at(ptr, ip.key);
      if (service_tag) {
        r.unresolved = true;
        warning("unresolved-service-tag",
                fmt::format("service tag '{}' is not resolved to addresses: allow rules treat it as the whole "
                            "internet, deny rules as nothing",
                            r.text));
      } else {
        std::string_view rest = *ip;  // up to 8 comma-separated ranges per rule
        while (!rest.empty()) {
          const auto comma = rest.find(',');
          const std::string_view item = trim(rest.substr(0, comma));
          rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
          if (!item.empty()) add_ip_rule_text(item, r);
        }
      }
    } else if (subnet && !trim(*subnet).empty()) {
      r.text = std::string(trim(*subnet));
      r.subnet_only = true;
    } else if (!ip.present && !subnet.present && options.from_template) {
      // A template's expander leaves out a field only known at deployment: the address is unknown.
      r.text = "(only known at deployment)";
      r.unresolved = true;
      r.unknown = true;
    } else if (!ip.present && !subnet.present) {
      error("missing-field",
            fmt::format("access restriction '{}' has no 'ipAddress' or 'vnetSubnetResourceId'", r.name));
    }
    if (errors != errors_before) return std::nullopt;
    return r;
  }

  /// The access restrictions of a site's configuration (`siteConfig`, or the properties of the separate
  /// `Microsoft.Web/sites/config` resource `web`); `present` when it lists restrictions or a default action.
  /// The SCM site's (`scmIpSecurityRestrictions`, ...) go to `scm`.
  SiteRestrictions read_site_restrictions(dom::object config) {
    SiteRestrictions out =
        read_restriction_set(config, keys::kIpSecurityRestrictions, keys::kIpSecurityRestrictionsDefaultAction);
    SiteRestrictions scm =
        read_restriction_set(config, keys::kScmIpSecurityRestrictions, keys::kScmIpSecurityRestrictionsDefaultAction);
    out.scm_rules = std::move(scm.rules);
    out.scm_default_action = scm.default_action;
    out.present |= scm.present;
    if (auto b = get_bool(config, keys::kScmIpSecurityRestrictionsUseMain)) {
      out.scm_uses_main = *b;
      out.present = true;
    }
    return out;
  }

  /// One list of access restrictions and its default action.
  SiteRestrictions read_restriction_set(dom::object config, std::string_view list_key, std::string_view default_key) {
    SiteRestrictions out;
    if (auto arr = get_array(config, list_key)) {
      out.present = true;
      PointerScope list(ptr, arr.key);
      std::size_t i = 0;
      for (dom::element e : *arr) {
        PointerScope item(ptr, i);
        dom::object o;
        if (e.get_object().get(o) == simdjson::SUCCESS) {
          if (auto r = read_site_restriction(o, i)) out.rules.push_back(std::move(*r));
        } else if (!e.is_null()) {
          error("invalid-type", fmt::format("access restriction is {}, expected an object", kind_name(e.type())));
        }
        ++i;
      }
    }
    model::Access action = model::Access::kAllow;
    auto d = get_string(config, default_key);
    if (d && (iequals(trim(*d), "allow") || iequals(trim(*d), "deny"))) {
      read_paas_action(config, default_key, "default action", action);
      out.default_action = action;
      out.present = true;
    } else if (d) {
      read_paas_action(config, default_key, "default action", action);  // reports
    }
    return out;
  }

  /// Sorts restrictions by priority (stable); the default action when none is given: deny after any
  /// restriction (Azure's implicit "deny all"), else allow.
  static model::Access order_restrictions(std::vector<model::PaasIpRule>& rules,
                                          const std::optional<model::Access>& default_action) {
    std::stable_sort(rules.begin(), rules.end(),
                     [](const model::PaasIpRule& a, const model::PaasIpRule& b) { return a.priority < b.priority; });
    if (default_action) return *default_action;
    return rules.empty() ? model::Access::kAllow : model::Access::kDeny;
  }

  /// Applies access restrictions to a site: rules sorted by priority (stable), and the default action.
  static void apply_site_restrictions(model::PaasService& s, SiteRestrictions r) {
    s.ip_rules = std::move(r.rules);
    s.default_action = order_restrictions(s.ip_rules, r.default_action);
    s.scm_ip_rules = std::move(r.scm_rules);
    s.scm_default_action = order_restrictions(s.scm_ip_rules, r.scm_default_action);
    s.scm_uses_main = r.scm_uses_main;
  }

  void read_web_site(model::ResourceBase base, dom::object props) {
    model::PaasService s;
    static_cast<model::ResourceBase&>(s) = std::move(base);
    s.kind = model::PaasKind::kAppService;
    s.https_only = false;  // Azure's default for sites
    read_public_network_access(props, s);
    if (auto b = get_bool(props, keys::kHttpsOnly)) s.https_only = *b;  // unknown: false, as when absent
    if (auto h = get_string(props, keys::kDefaultHostName)) s.host_name = host_of_url(*h);
    // Every site has an SCM (Kudu) site: "<app>.scm.<domain>" next to "<app>.<domain>".
    s.has_scm = true;
    if (const auto dot = s.host_name.find('.'); dot != std::string::npos) {
      s.scm_host_name = s.host_name.substr(0, dot) + ".scm" + s.host_name.substr(dot);
    }
    SiteRestrictions restrictions;
    if (auto config = get_object(props, keys::kSiteConfig)) {
      PointerScope scope(ptr, config.key);
      restrictions = read_site_restrictions(*config);
    }
    apply_site_restrictions(s, std::move(restrictions));
    // With HTTPS Only, port 80 answers with a redirect and serves nothing: reported only without it (docs/model.md).
    s.tcp_ports = tcp_ports({443});
    if (!s.https_only) s.tcp_ports.add(80, 80);
    model.paas_services.push_back(std::move(s));
  }

  /// One private link connection; nullopt when it has an error (reported).
  std::optional<model::PrivateLinkConnection> read_pe_connection(dom::object o, ChildIds ids, bool manual) {
    const std::size_t errors_before = errors;
    const std::size_t mark = ptr.size();
    model::PrivateLinkConnection c;
    c.name = std::move(ids.name);
    c.manual = manual;
    c.status = manual ? model::ConnectionStatus::kPending : model::ConnectionStatus::kApproved;
    c.where = here();
    auto props_or = properties_of(o);
    if (!props_or) return std::nullopt;
    auto [props, props_key] = *props_or;
    c.flattened = props_key.empty();
    std::optional<PointerScope> scope;
    if (!props_key.empty()) scope.emplace(ptr, props_key);
    c.target = get_ref_id(props, keys::kPrivateLinkServiceId);
    if (!c.target.set() && !find_field(props, keys::kPrivateLinkServiceId)) {
      report(Severity::kError, "missing-field", ptr.substr(0, mark),
             fmt::format("private link connection '{}' has no 'privateLinkServiceId'", c.name));
    }
    for_each_text(props, "", keys::kGroupIds, [&](std::string_view g) { c.group_ids.emplace_back(trim(g)); });
    if (auto state = get_object(props, keys::kPrivateLinkServiceConnectionState)) {
      PointerScope s(ptr, state.key);
      if (auto st = get_string(*state, keys::kStatus)) {
        const std::string_view t = trim(*st);
        using model::ConnectionStatus;
        if (iequals(t, "approved")) {
          c.status = ConnectionStatus::kApproved;
        } else if (iequals(t, "pending")) {
          c.status = ConnectionStatus::kPending;
        } else if (iequals(t, "rejected")) {
          c.status = ConnectionStatus::kRejected;
        } else if (iequals(t, "disconnected")) {
          c.status = ConnectionStatus::kDisconnected;
        } else {
          error_at(st.key, "invalid-value",
                   fmt::format("connection status '{}' is not Approved, Pending, Rejected or Disconnected", *st));
        }
      }
    }
    if (errors != errors_before) return std::nullopt;
    return c;
  }

  /// A resource id given as a plain string (`privateLinkServiceId`), reported against the field.
  Ref get_ref_id(dom::object o, std::string_view name) {
    auto f = get_string(o, name);
    if (!f || trim(*f).empty()) return {};
    return Ref{model::canonical_id(trim(*f)), -1};
  }

  void read_private_endpoint(model::ResourceBase base, dom::object props) {
    model::PrivateEndpoint pe;
    static_cast<model::ResourceBase&>(pe) = std::move(base);
    pe.subnet = get_ref(props, keys::kSubnet);
    for (bool manual : {false, true}) {
      const auto key = manual ? keys::kManualPrivateLinkServiceConnections : keys::kPrivateLinkServiceConnections;
      const auto segment = manual ? segments::kManualPeConnectionsAsWritten : segments::kPeConnectionsAsWritten;
      for_each_child(props, key, pe.id, segment, "private link connection", [&](dom::object o, ChildIds ids) {
        if (auto c = read_pe_connection(o, std::move(ids), manual)) pe.connections.push_back(std::move(*c));
      });
    }
    auto add_ip = [&](std::string_view raw, std::string_view what) {
      const std::string_view t = trim(raw);
      if (t.empty()) return;
      if (auto a = IpAddress::parse(t)) {
        pe.private_ips.push_back(*a);
      } else {
        error("invalid-value", fmt::format("{} '{}' is not an IP address", what, raw));
      }
    };
    if (auto arr = get_array(props, keys::kIpConfigurations)) {
      PointerScope list(ptr, arr.key);
      std::size_t i = 0;
      for (dom::element e : *arr) {
        PointerScope item(ptr, i++);
        dom::object o;
        if (e.get_object().get(o) != simdjson::SUCCESS) {
          if (!e.is_null()) {
            error("invalid-type", fmt::format("ip configuration is {}, expected an object", kind_name(e.type())));
          }
          continue;
        }
        auto bag = properties_of(o);
        if (!bag) continue;
        std::optional<PointerScope> scope;
        if (!bag->second.empty()) scope.emplace(ptr, bag->second);
        if (auto f = get_string(bag->first, keys::kPrivateIpAddress)) {
          PointerScope at(ptr, f.key);
          add_ip(*f, "private IP address");
        }
      }
    }
    if (auto arr = get_array(props, keys::kCustomDnsConfigs)) {
      PointerScope list(ptr, arr.key);
      std::size_t i = 0;
      for (dom::element e : *arr) {
        PointerScope item(ptr, i++);
        dom::object o;
        if (e.get_object().get(o) != simdjson::SUCCESS) {
          if (!e.is_null()) {
            error("invalid-type", fmt::format("DNS configuration is {}, expected an object", kind_name(e.type())));
          }
          continue;
        }
        for_each_text(o, "", keys::kIpAddresses, [&](std::string_view t) { add_ip(t, "IP address"); });
      }
    }
    std::sort(pe.private_ips.begin(), pe.private_ips.end());
    pe.private_ips.erase(std::unique(pe.private_ips.begin(), pe.private_ips.end()), pe.private_ips.end());
    pe.network_interfaces = get_ref_list(props, keys::kNetworkInterfaces);
    model.private_endpoints.push_back(std::move(pe));
  }

  void read_vnet(model::ResourceBase base, dom::object props) {
    model::VirtualNetwork v;
    static_cast<model::ResourceBase&>(v) = std::move(base);
    if (auto space = get_object(props, keys::kAddressSpace)) {
      PointerScope s(ptr, space.key);
      v.address_space = get_prefixes(*space, "", keys::kAddressPrefixes);
    }
    for_each_child(props, keys::kSubnets, v.id, segments::kSubnetsAsWritten, "subnet",
                   [&](dom::object o, ChildIds ids) {
                     if (auto sub = read_subnet(o, std::move(ids), v.key)) {
                       v.subnets.push_back(Ref{sub->key, -1});
                       add_subnet(std::move(*sub), true);
                     }
                   });
    for_each_child(props, keys::kVirtualNetworkPeerings, v.id, segments::kPeeringsAsWritten, "virtual network peering",
                   [&](dom::object o, ChildIds ids) {
                     if (auto p = read_peering(o, std::move(ids))) v.peerings.push_back(std::move(*p));
                   });
    model.vnets.push_back(std::move(v));
  }

  // ---- network security groups ----

  void read_nsg(model::ResourceBase base, dom::object props) {
    model::NetworkSecurityGroup n;
    static_cast<model::ResourceBase&>(n) = std::move(base);
    // Rules are large: size the vector once instead of letting it double.
    n.rules.reserve(array_size(props, keys::kSecurityRules) + array_size(props, keys::kDefaultSecurityRules));
    read_rule_list(props, keys::kSecurityRules, n.id, false, n.rules);
    // In a template, `defaultSecurityRules` is read-only and ignored by Azure, which always applies its own six:
    // whatever is written there (even a bad value) is ignored too.
    if (!options.from_template) read_rule_list(props, keys::kDefaultSecurityRules, n.id, true, n.rules);
    n.subnets = get_ref_list(props, keys::kSubnets);
    n.network_interfaces = get_ref_list(props, keys::kNetworkInterfaces);
    model.nsgs.push_back(std::move(n));
  }

  // ---- network interfaces, public IPs, VMs ----

  std::optional<model::IpConfiguration> read_ip_config(dom::object o, ChildIds ids) {
    model::IpConfiguration c;
    c.key = model::canonical_id(ids.id);
    c.id = std::move(ids.id);
    c.name = std::move(ids.name);
    c.where = here();
    auto props_or = properties_of(o);
    if (!props_or) return std::nullopt;
    auto [props, props_key] = *props_or;
    c.flattened = props_key.empty();
    std::optional<PointerScope> scope;
    if (!props_key.empty()) scope.emplace(ptr, props_key);
    c.family = read_address(props, keys::kPrivateIpAddressVersion, keys::kPrivateIpAddress, "private IP address",
                            c.private_ip);
    c.subnet = get_ref(props, keys::kSubnet);
    c.public_ip = get_ref(props, keys::kPublicIpAddress);
    c.asgs = get_ref_list(props, keys::kApplicationSecurityGroups);
    c.lb_backend_pools = get_ref_list(props, keys::kLoadBalancerBackendAddressPools);
    c.lb_inbound_nat_rules = get_ref_list(props, keys::kLoadBalancerInboundNatRules);
    c.lb_inbound_nat_pools = get_ref_list(props, keys::kLoadBalancerInboundNatPools);
    c.ag_backend_pools = get_ref_list(props, keys::kApplicationGatewayBackendAddressPools);
    if (auto b = get_bool(props, keys::kPrimary)) c.primary = *b;
    return c;
  }

  void read_nic(model::ResourceBase base, dom::object props) {
    model::NetworkInterface n;
    static_cast<model::ResourceBase&>(n) = std::move(base);
    for_each_child(props, keys::kIpConfigurations, n.id, segments::kIpConfigurationsAsWritten, "ip configuration",
                   [&](dom::object o, ChildIds ids) {
                     if (auto c = read_ip_config(o, std::move(ids))) {
                       model::drop_derivable_id(n, *c);  // at once: freed later, it would leave 100k holes
                       n.ip_configurations.push_back(std::move(*c));
                     }
                   });
    n.nsg = get_ref(props, keys::kNetworkSecurityGroup);
    n.virtual_machine = get_ref(props, keys::kVirtualMachine);
    if (auto b = get_bool(props, keys::kEnableIpForwarding)) n.enable_ip_forwarding = *b;
    model.nics.push_back(std::move(n));
  }

  void read_public_ip(model::ResourceBase base, dom::object res, dom::object props, std::size_t res_mark) {
    model::PublicIp p;
    static_cast<model::ResourceBase&>(p) = std::move(base);
    {
      // `sku` sits next to `properties`, not inside.
      const std::string saved = ptr;
      ptr.resize(res_mark);
      if (auto sku = get_object(res, keys::kSku)) {
        PointerScope s(ptr, sku.key);
        if (auto name = get_string(*sku, keys::kName)) {
          // An unknown SKU is Basic: open without an NSG, the SKU that exposes more (docs/model.md).
          if (iequals(trim(*name), "basic")) {
            p.sku = model::Sku::kBasic;
          } else if (iequals(trim(*name), "standard")) {
            p.sku = model::Sku::kStandard;
          } else if (is_unknown_value(*name)) {
            PointerScope at(ptr, name.key);
            note_unknown(*name);
          } else {
            invalid_value_at(name.key, *name, fmt::format("SKU '{}' is not Basic or Standard", *name));
          }
        }
      }
      ptr = saved;
    }
    p.family = read_address(props, keys::kPublicIpAddressVersion, keys::kIpAddress, "IP address", p.address);
    if (auto f = get_string(props, keys::kPublicIpAllocationMethod)) {
      if (iequals(trim(*f), "static")) {
        p.static_allocation = true;
      } else if (!iequals(trim(*f), "dynamic")) {
        invalid_value_at(f.key, *f, fmt::format("allocation method '{}' is not Static or Dynamic", *f));
      }
    }
    p.attached_ip_configuration = get_ref(props, keys::kIpConfiguration);
    model.public_ips.push_back(std::move(p));
  }

  void read_vm(model::ResourceBase base, dom::object props) {
    model::VirtualMachine vm;
    static_cast<model::ResourceBase&>(vm) = std::move(base);
    if (auto profile = get_object(props, keys::kNetworkProfile)) {
      PointerScope s(ptr, profile.key);
      vm.network_interfaces = get_ref_list(*profile, keys::kNetworkInterfaces);
    }
    vm.scale_set = get_ref(props, keys::kVirtualMachineScaleSet);
    model.vms.push_back(std::move(vm));
  }

  // ---- Azure Bastion and application gateways ----

  /// `sku.name` and `sku.tier` of a resource (next to `properties`), with the pointer of each for messages.
  struct SkuFields {
    std::optional<std::string_view> name, tier;
    std::string name_ptr;      // for messages about the name
    bool name_unknown{false};  // only known at deployment (reported): the caller takes the widest SKU
  };
  SkuFields read_sku(dom::object res, std::size_t res_mark) {
    const std::string saved = ptr;
    ptr.resize(res_mark);
    SkuFields out = read_sku_here(res);
    ptr = saved;
    return out;
  }
  /// `sku.name` and `sku.tier` of object `o`, at the current pointer.
  SkuFields read_sku_here(dom::object o) {
    SkuFields out;
    if (auto sku = get_object(o, keys::kSku)) {
      PointerScope s(ptr, sku.key);
      if (auto name = get_string(*sku, keys::kName); name && is_unknown_value(*name)) {
        PointerScope at(ptr, name.key);  // `name` is a silent key elsewhere; a SKU's name decides exposure
        note_unknown(*name);
        out.name_unknown = true;
      } else if (name) {
        out.name = trim(*name);
        out.name_ptr = ptr + "/" + std::string(name.key);
      } else if (name.unknown) {
        out.name_unknown = true;
      }
      if (auto tier = get_string(*sku, keys::kTier)) out.tier = trim(*tier);
    }
    return out;
  }

  void read_bastion(model::ResourceBase base, dom::object res, dom::object props, std::size_t res_mark) {
    model::BastionHost b;
    static_cast<model::ResourceBase&>(b) = std::move(base);
    using model::BastionSku;
    const SkuFields sku = read_sku(res, res_mark);
    if (sku.name) {
      const std::string_view n = *sku.name;
      if (iequals(n, "developer"))
        b.sku = BastionSku::kDeveloper;
      else if (iequals(n, "basic"))
        b.sku = BastionSku::kBasic;
      else if (iequals(n, "standard"))
        b.sku = BastionSku::kStandard;
      else if (iequals(n, "premium"))
        b.sku = BastionSku::kPremium;
      else
        report(Severity::kError, "invalid-value", sku.name_ptr,
               fmt::format("SKU '{}' is not Developer, Basic, Standard or Premium", n));
    } else if (sku.name_unknown) {
      b.sku = BastionSku::kStandard;  // unknown: every port, every peered VNet, a public entry (docs/model.md)
    }
    for_each_child(props, keys::kIpConfigurations, b.id, segments::kBastionIpConfigurationsAsWritten,
                   "ip configuration", [&](dom::object o, ChildIds ids) {
                     model::BastionIpConfiguration c;
                     c.name = std::move(ids.name);
                     c.where = here();
                     std::optional<PointerScope> scope;
                     auto p = open_child(o, c, scope);
                     if (!p) return;
                     c.subnet = get_ref(*p, keys::kSubnet);
                     c.public_ip = get_ref(*p, keys::kPublicIpAddress);
                     b.ip_configurations.push_back(std::move(c));
                   });
    b.virtual_network = get_ref(props, keys::kVirtualNetwork);
    if (auto v = get_bool(props, keys::kEnableTunneling)) b.enable_tunneling = *v;
    if (auto v = get_bool(props, keys::kEnableIpConnect)) b.enable_ip_connect = *v;
    if (auto v = get_bool(props, keys::kEnableShareableLink)) b.enable_shareable_link = *v;
    if (auto v = get_bool(props, keys::kEnablePrivateOnlyBastion)) b.enable_private_only = *v;
    model.bastion_hosts.push_back(std::move(b));
  }

  /// `protocol` of a listener or backend settings: Http or Https. False when absent or bad (reported).
  bool read_ag_protocol(dom::object props, std::string_view what, std::string_view name, std::size_t mark,
                        model::AgProtocol& out) {
    auto f = get_string(props, keys::kProtocol);
    if (!f) {
      if (!f.present) {
        report(Severity::kError, "missing-field", ptr.substr(0, mark),
               fmt::format("{} '{}' has no 'protocol'", what, name));
      }
      return false;
    }
    if (iequals(trim(*f), "http")) {
      out = model::AgProtocol::kHttp;
    } else if (iequals(trim(*f), "https")) {
      out = model::AgProtocol::kHttps;
    } else {
      error_at(f.key, "invalid-value", fmt::format("protocol '{}' is not Http or Https", *f));
      return false;
    }
    return true;
  }

  /// A backend pool's target pair (pool and settings) from `pool_key` and `settings_key` of `props`.
  model::AgBackendTarget read_ag_target(dom::object props, std::string_view pool_key, std::string_view settings_key) {
    model::AgBackendTarget t;
    t.where = here();
    t.pool = get_ref(props, pool_key);
    t.settings = get_ref(props, settings_key);
    return t;
  }

  /// `mode` of a WAF: Detection or Prevention; kUnknown when absent, nullopt when bad (reported).
  std::optional<model::WafMode> read_waf_mode(dom::object o, std::string_view key) {
    auto f = get_string(o, key);
    if (!f) return f.present ? std::nullopt : std::optional(model::WafMode::kUnknown);
    if (iequals(trim(*f), "detection")) return model::WafMode::kDetection;
    if (iequals(trim(*f), "prevention")) return model::WafMode::kPrevention;
    error_at(f.key, "invalid-value", fmt::format("WAF mode '{}' is not Detection or Prevention", *f));
    return std::nullopt;
  }

  void read_application_gateway(model::ResourceBase base, dom::object res, dom::object props, std::size_t res_mark) {
    model::ApplicationGateway g;
    static_cast<model::ResourceBase&>(g) = std::move(base);
    // An application gateway's `sku` sits inside `properties` (next to it in some exports).
    SkuFields sku = read_sku_here(props);
    if (!sku.name && !sku.tier) sku = read_sku(res, res_mark);
    if (sku.name) g.sku_name = std::string(*sku.name);
    if (sku.tier) g.tier = std::string(*sku.tier);
    auto ends_v2 = [](std::string_view s) { return s.size() >= 3 && iequals(s.substr(s.size() - 3), "_v2"); };
    // v1 SKUs are Standard_Small/Medium/Large and WAF_Medium/Large (tier Standard or WAF); anything else is v2.
    const bool v1_name = !g.sku_name.empty() && !ends_v2(g.sku_name) && !iequals(g.sku_name, "basic");
    const bool v1_tier = !g.tier.empty() && !ends_v2(g.tier) && !iequals(g.tier, "basic");
    g.v2 = !(v1_name || v1_tier);
    const std::string gw = g.name;

    if (auto waf = get_object(props, keys::kWebApplicationFirewallConfiguration)) {
      PointerScope s(ptr, waf.key);
      auto enabled = get_bool(*waf, keys::kEnabled);
      if (enabled && *enabled) {
        if (auto m = read_waf_mode(*waf, keys::kFirewallMode)) g.waf_mode = *m;
      }
    }
    g.waf_policy = get_ref(props, keys::kFirewallPolicy);
    if (g.waf_policy.set()) g.waf_mode = model::WafMode::kUnknown;  // read from the policy in finish()

    for_each_child(props, keys::kGatewayIpConfigurations, g.id, segments::kAgGatewayIpConfigurationsAsWritten,
                   "gateway ip configuration", [&](dom::object o, ChildIds ids) {
                     model::AgGatewayIpConfiguration c;
                     c.name = std::move(ids.name);
                     c.where = here();
                     std::optional<PointerScope> scope;
                     auto p = open_child(o, c, scope);
                     if (!p) return;
                     c.subnet = get_ref(*p, keys::kSubnet);
                     g.gateway_ip_configurations.push_back(std::move(c));
                   });
    for_each_child(props, keys::kFrontendIpConfigurations, g.id, segments::kAgFrontendsAsWritten,
                   "frontend IP configuration", [&](dom::object o, ChildIds ids) {
                     model::AgFrontend fe;
                     fe.key = model::canonical_id(ids.id);
                     fe.id = std::move(ids.id);
                     fe.name = std::move(ids.name);
                     fe.where = here();
                     std::optional<PointerScope> scope;
                     auto p = open_child(o, fe, scope);
                     if (!p) return;
                     fe.public_ip = get_ref(*p, keys::kPublicIpAddress);
                     fe.subnet = get_ref(*p, keys::kSubnet);
                     read_address(*p, keys::kPrivateIpAddressVersion, keys::kPrivateIpAddress, "private IP address",
                                  fe.private_ip);
                     g.frontends.push_back(std::move(fe));
                   });
    for_each_child(props, keys::kFrontendPorts, g.id, segments::kAgFrontendPortsAsWritten, "frontend port",
                   [&](dom::object o, ChildIds ids) {
                     const std::size_t mark = ptr.size();
                     model::AgFrontendPort fp;
                     fp.key = model::canonical_id(ids.id);
                     fp.id = std::move(ids.id);
                     fp.name = std::move(ids.name);
                     fp.where = here();
                     auto bag = properties_of(o);
                     if (!bag) return;
                     std::optional<PointerScope> scope;
                     if (!bag->second.empty()) scope.emplace(ptr, bag->second);
                     auto port = read_lb_port(bag->first, keys::kPort, "port", 1, "frontend port", fp.name, mark, true,
                                              &fp.unknown);
                     if (!port && !fp.unknown) return;
                     if (port) fp.port = *port;  // unknown: every port
                     g.frontend_ports.push_back(std::move(fp));
                   });
    for_each_child(props, keys::kHttpListeners, g.id, segments::kAgListenersAsWritten, "HTTP listener",
                   [&](dom::object o, ChildIds ids) {
                     const std::size_t mark = ptr.size();
                     model::AgListener l;
                     l.key = model::canonical_id(ids.id);
                     l.id = std::move(ids.id);
                     l.name = std::move(ids.name);
                     l.where = here();
                     std::optional<PointerScope> scope;
                     auto p = open_child(o, l, scope);
                     if (!p) return;
                     bool ok = read_ag_protocol(*p, "HTTP listener", l.name, mark, l.protocol);
                     l.frontend = get_ref(*p, keys::kFrontendIpConfiguration);
                     l.frontend_port = get_ref(*p, keys::kFrontendPort);
                     for (auto [field, ref] : {std::pair{"frontendIPConfiguration", &l.frontend},
                                               std::pair{"frontendPort", &l.frontend_port}}) {
                       if (!ref->set() && !find_field(*p, lowercase(field))) {
                         report(Severity::kError, "missing-field", ptr.substr(0, mark),
                                fmt::format("HTTP listener '{}' has no '{}'", l.name, field));
                         ok = false;
                       }
                     }
                     for_each_text(*p, keys::kHostName, keys::kHostNames, [&](std::string_view h) {
                       if (!trim(h).empty()) l.host_names.emplace_back(trim(h));
                     });
                     l.waf_policy = get_ref(*p, keys::kFirewallPolicy);
                     if (l.waf_policy.set()) l.waf_mode = model::WafMode::kUnknown;
                     if (ok) g.listeners.push_back(std::move(l));
                   });
    for_each_child(props, keys::kBackendAddressPools, g.id, segments::kAgBackendPoolsAsWritten, "backend address pool",
                   [&](dom::object o, ChildIds ids) {
                     model::AgBackendPool pool;
                     pool.key = model::canonical_id(ids.id);
                     pool.id = std::move(ids.id);
                     pool.name = std::move(ids.name);
                     pool.where = here();
                     auto bag = properties_of(o);
                     if (!bag) return;
                     std::optional<PointerScope> scope;
                     if (!bag->second.empty()) scope.emplace(ptr, bag->second);
                     auto arr = get_array(bag->first, keys::kBackendAddresses);
                     if (arr) {
                       PointerScope s(ptr, arr.key);
                       std::size_t i = 0;
                       for (dom::element e : *arr) {
                         PointerScope item(ptr, i++);
                         dom::object a;
                         if (e.get_object().get(a) != simdjson::SUCCESS) {
                           error("invalid-type",
                                 fmt::format("backend address is {}, expected an object", kind_name(e.type())));
                           continue;
                         }
                         model::AgBackendAddress addr;
                         // A backend only known at deployment: an unknown, external backend; one that is a
                         // `reference('NAME')` keeps the reference, so that a site of that name is linked.
                         auto deployed = [&](std::string_view field) {
                           auto f = find_field(a, field);
                           std::string_view text;
                           if (f && f->value.get_string().get(text) == simdjson::SUCCESS &&
                               istarts_with(unknown_reason(text), "reference(")) {
                             return std::string(unknown_reason(text));
                           }
                           return std::string("(only known at deployment)");
                         };
                         if (auto ip = get_string(a, keys::kIpAddress); ip.unknown) {
                           addr.fqdn = deployed(keys::kIpAddress);
                         } else if (ip) {
                           PointerScope at(ptr, ip.key);
                           if (auto parsed = IpAddress::parse(trim(*ip))) {
                             addr.ip = *parsed;
                           } else if (looks_like_ip(trim(*ip))) {
                             error("invalid-value", fmt::format("backend IP address '{}' is not an IP address", *ip));
                           } else if (!trim(*ip).empty()) {
                             // Older API versions accepted host names here: a backend by name, as `fqdn`.
                             addr.fqdn = std::string(trim(*ip));
                           }
                         }
                         if (auto f = get_string(a, keys::kFqdn); f && !trim(*f).empty()) {
                           addr.fqdn = std::string(trim(*f));
                         } else if (f.unknown) {
                           addr.fqdn = deployed(keys::kFqdn);
                         }
                         if (addr.ip || !addr.fqdn.empty()) pool.addresses.push_back(std::move(addr));
                       }
                     }
                     g.backend_pools.push_back(std::move(pool));
                   });
    for_each_child(props, keys::kBackendHttpSettingsCollection, g.id, segments::kAgBackendSettingsAsWritten,
                   "backend HTTP settings", [&](dom::object o, ChildIds ids) {
                     const std::size_t mark = ptr.size();
                     model::AgBackendSettings bs;
                     bs.key = model::canonical_id(ids.id);
                     bs.id = std::move(ids.id);
                     bs.name = std::move(ids.name);
                     bs.where = here();
                     auto bag = properties_of(o);
                     if (!bag) return;
                     std::optional<PointerScope> scope;
                     if (!bag->second.empty()) scope.emplace(ptr, bag->second);
                     auto port = read_lb_port(bag->first, keys::kPort, "port", 1, "backend HTTP settings", bs.name,
                                              mark, true, &bs.unknown);
                     const bool proto =
                         read_ag_protocol(bag->first, "backend HTTP settings", bs.name, mark, bs.protocol);
                     if ((!port && !bs.unknown) || !proto) return;
                     if (port) bs.port = *port;  // unknown: every port
                     g.backend_settings.push_back(std::move(bs));
                   });
    for_each_child(
        props, keys::kUrlPathMaps, g.id, segments::kAgUrlPathMapsAsWritten, "URL path map",
        [&](dom::object o, ChildIds ids) {
          model::AgUrlPathMap map;
          map.key = model::canonical_id(ids.id);
          map.id = ids.id;
          map.name = std::move(ids.name);
          map.where = here();
          std::optional<PointerScope> scope;
          auto p = open_child(o, map, scope);
          if (!p) return;
          map.default_target = read_ag_target(*p, keys::kDefaultBackendAddressPool, keys::kDefaultBackendHttpSettings);
          for_each_child(*p, keys::kPathRules, map.id, segments::kAgPathRulesAsWritten, "path rule",
                         [&](dom::object r, ChildIds rids) {
                           auto rbag = properties_of(r);
                           if (!rbag) return;
                           std::optional<PointerScope> rscope;
                           if (!rbag->second.empty()) rscope.emplace(ptr, rbag->second);
                           auto t = read_ag_target(rbag->first, keys::kBackendAddressPool, keys::kBackendHttpSettings);
                           t.path_rule = std::move(rids.name);
                           map.path_targets.push_back(std::move(t));
                         });
          g.url_path_maps.push_back(std::move(map));
        });
    for_each_child(props, keys::kRequestRoutingRules, g.id, segments::kAgRoutingRulesAsWritten, "request routing rule",
                   [&](dom::object o, ChildIds ids) {
                     const std::size_t mark = ptr.size();
                     model::AgRoutingRule r;
                     r.id = std::move(ids.id);
                     r.name = std::move(ids.name);
                     r.where = here();
                     std::optional<PointerScope> scope;
                     auto p = open_child(o, r, scope);
                     if (!p) return;
                     r.listener = get_ref(*p, keys::kHttpListener);
                     if (!r.listener.set()) {
                       if (!find_field(*p, keys::kHttpListener)) {
                         report(Severity::kError, "missing-field", ptr.substr(0, mark),
                                fmt::format("request routing rule '{}' has no 'httpListener'", r.name));
                       }
                       return;
                     }
                     r.target = read_ag_target(*p, keys::kBackendAddressPool, keys::kBackendHttpSettings);
                     r.url_path_map = get_ref(*p, keys::kUrlPathMap);
                     g.rules.push_back(std::move(r));
                   });
    for (std::string_view key : {keys::kListeners, keys::kPrivateLinkConfigurations}) {
      if (auto arr = get_array(props, key); arr && arr->size() > 0) {
        PointerScope s(ptr, arr.key);
        warning(
            "unmodelled-feature",
            fmt::format("application gateway '{}': '{}' ({}) not modelled: exposure through {} is not reported", gw,
                        arr.key, key == keys::kListeners ? "TCP/TLS proxy listeners" : "private link to the gateway",
                        arr->size() == 1 ? "it" : "them"));
      }
    }
    model.application_gateways.push_back(std::move(g));
  }

  /// A WAF policy: only its mode is kept, for the gateways and listeners that reference it (finish()).
  void read_waf_policy(const model::ResourceBase& base, dom::object props) {
    model::WafMode mode = model::WafMode::kDetection;  // Azure's default mode
    if (auto settings = get_object(props, keys::kPolicySettings)) {
      PointerScope s(ptr, settings.key);
      if (auto m = read_waf_mode(*settings, keys::kMode)) {
        mode = *m == model::WafMode::kUnknown ? model::WafMode::kDetection : *m;
      } else {
        mode = model::WafMode::kUnknown;
      }
      if (auto st = get_string(*settings, keys::kState)) {
        if (iequals(trim(*st), "disabled")) {
          mode = model::WafMode::kOff;
        } else if (!iequals(trim(*st), "enabled")) {
          error_at(st.key, "invalid-value", fmt::format("WAF policy state '{}' is not Enabled or Disabled", *st));
        }
      }
    }
    waf_policies.insert_or_assign(base.key, mode);
  }

  /// Sets the WAF mode of gateways and listeners whose policy was read (in any file).
  void apply_waf_policies() {
    for (auto& g : model.application_gateways) {
      if (auto it = waf_policies.find(g.waf_policy.id); g.waf_policy.set() && it != waf_policies.end()) {
        g.waf_mode = it->second;
      }
      for (auto& l : g.listeners) {
        if (auto it = waf_policies.find(l.waf_policy.id); l.waf_policy.set() && it != waf_policies.end()) {
          l.waf_mode = it->second;
        }
      }
    }
  }

  // ---- route tables ----

  std::optional<model::Route> read_route(dom::object o, ChildIds ids) {
    const std::size_t errors_before = errors;
    const std::size_t route_mark = ptr.size();
    model::Route r;
    r.name = std::move(ids.name);
    r.where = here();
    auto props_or = properties_of(o);
    if (!props_or) return std::nullopt;
    auto [props, props_key] = *props_or;
    std::optional<PointerScope> scope;
    if (!props_key.empty()) scope.emplace(ptr, props_key);
    auto missing = [&](std::string_view field) {
      report(Severity::kError, "missing-field", ptr.substr(0, route_mark),
             fmt::format("route '{}' has no '{}'", r.name, field));
    };
    // Unknown fields (docs/model.md, "Unknown values"): an unknown next hop type or next hop address reads as
    // next hop Internet (the route diverts nothing and its prefix joins the VirtualNetwork tag); a route of
    // unknown prefix with next hop Internet reads as 0.0.0.0/0 (the tag then holds every address), with another
    // next hop it is left out (it could only divert the replies of the sources it would add to the tag).
    bool unknown_prefix = false, unknown_hop = false;
    if (auto f = get_string(props, keys::kAddressPrefix)) {
      PointerScope s(ptr, f.key);
      const std::string_view t = trim(*f);
      r.prefix_text = std::string(t);
      if (t.empty()) {
        error("invalid-value", fmt::format("route '{}' has an empty 'addressPrefix'", r.name));
      } else if (options.from_template && looks_like_placeholder(t)) {
        note_unknown(t);
        unknown_prefix = true;
      } else if (looks_like_ip(t)) {
        r.prefix = prefix_value(t, &unknown_prefix);
      } else if (classify_service_tag(t) == TagKind::kUnknown) {
        warning("unknown-service-tag", fmt::format("unknown service tag '{}' matches nothing", t));
      }
    } else if (f.unknown) {
      unknown_prefix = true;
    } else if (!f.present) {
      missing("addressPrefix");
    }
    if (auto f = get_string(props, keys::kNextHopType)) {
      if (auto t = parse_next_hop(trim(*f))) {
        r.next_hop = *t;
      } else {
        unknown_hop = invalid_value_at(f.key, *f,
                                       fmt::format("next hop type '{}' is not VirtualNetworkGateway, VnetLocal, "
                                                   "Internet, VirtualAppliance or None",
                                                   *f));
      }
    } else if (f.unknown) {
      unknown_hop = true;
    } else if (!f.present) {
      missing("nextHopType");
    }
    if (auto f = get_string(props, keys::kNextHopIpAddress)) {
      if (auto a = IpAddress::parse(trim(*f))) {
        r.next_hop_ip = *a;
      } else if (!trim(*f).empty()) {
        unknown_hop = invalid_value_at(f.key, *f, fmt::format("next hop IP address '{}' is not an IP address", *f)) ||
                      unknown_hop;
      }
    } else if (f.unknown) {
      unknown_hop = true;
    }
    if (errors != errors_before) return std::nullopt;
    if (unknown_hop) {
      r.next_hop = model::NextHopType::kInternet;
      r.next_hop_ip.reset();
    }
    if (unknown_prefix) {
      if (r.next_hop != model::NextHopType::kInternet) return std::nullopt;
      r.prefix = *IpPrefix::parse("0.0.0.0/0");
      r.prefix_text = "0.0.0.0/0";
    }
    return r;
  }

  void read_route_table(model::ResourceBase base, dom::object props) {
    model::RouteTable t;
    static_cast<model::ResourceBase&>(t) = std::move(base);
    for_each_child(props, keys::kRoutes, t.id, segments::kRoutesAsWritten, "route", [&](dom::object o, ChildIds ids) {
      if (auto r = read_route(o, std::move(ids))) t.routes.push_back(std::move(*r));
    });
    if (auto b = get_bool(props, keys::kDisableBgpRoutePropagation)) t.disable_bgp_route_propagation = *b;
    t.subnets = get_ref_list(props, keys::kSubnets);
    model.route_tables.push_back(std::move(t));
  }

  // ---- load balancers ----

  /// `sku.name` of a resource (next to `properties`); false when it is present but not one of `allowed`.
  /// `res_mark` is the length of the resource's pointer.
  std::optional<std::string_view> read_sku_name(dom::object res, std::size_t res_mark) {
    const std::string saved = ptr;
    ptr.resize(res_mark);
    std::optional<std::string_view> out;
    if (auto sku = get_object(res, keys::kSku)) {
      PointerScope s(ptr, sku.key);
      if (auto name = get_string(*sku, keys::kName)) out = trim(*name);
    }
    ptr = saved;
    return out;
  }

  /// A port field of a load balancer rule: an integer in lo..65535. nullopt when absent (reported when
  /// `required`) or bad (reported).
  std::optional<std::uint16_t> read_lb_port(dom::object props, std::string_view key, std::string_view field,
                                            std::int64_t lo, std::string_view what, std::string_view name,
                                            std::size_t mark, bool required, bool* unknown = nullptr) {
    auto f = find_field(props, key);
    if (!f) {
      if (required) {
        report(Severity::kError, "missing-field", ptr.substr(0, mark),
               fmt::format("{} '{}' has no '{}'", what, name, field));
      }
      return std::nullopt;
    }
    auto v = get_int(props, key, lo, 65535, field);
    if (v) return static_cast<std::uint16_t>(*v);
    if (v.unknown && unknown != nullptr) *unknown = true;  // only known at deployment: the caller widens it
    return std::nullopt;
  }

  /// `protocol` of a load balancer rule: Tcp, Udp or All (= TCP and UDP).
  void read_lb_protocol(dom::object props, std::string_view what, std::string_view name, std::size_t mark,
                        model::ProtocolMask& out) {
    using model::Protocol;
    const model::ProtocolMask all = model::bit(Protocol::kTcp) | model::bit(Protocol::kUdp);
    if (auto f = get_string(props, keys::kProtocol)) {
      const std::string_view t = trim(*f);
      if (iequals(t, "tcp")) {
        out = model::bit(Protocol::kTcp);
      } else if (iequals(t, "udp")) {
        out = model::bit(Protocol::kUdp);
      } else if (iequals(t, "all")) {
        out = all;
      } else if (invalid_value_at(f.key, *f, fmt::format("protocol '{}' is not Tcp, Udp or All", *f))) {
        out = all;  // unknown: All (docs/model.md, "Unknown values")
      }
    } else if (f.unknown) {
      out = all;
    } else if (!f.present) {
      report(Severity::kError, "missing-field", ptr.substr(0, mark),
             fmt::format("{} '{}' has no 'protocol'", what, name));
    }
  }

  /// Opens a child object's property bag; nullopt when `properties` is not an object (reported).
  template <typename T>
  std::optional<dom::object> open_child(dom::object o, T& child, std::optional<PointerScope>& scope) {
    auto props_or = properties_of(o);
    if (!props_or) return std::nullopt;
    auto [props, props_key] = *props_or;
    child.flattened = props_key.empty();
    if (!props_key.empty()) scope.emplace(ptr, props_key);
    return props;
  }

  // ---- scale sets and inbound NAT pools ----

  /// One entry of a load balancer's `inboundNatPools`; nullopt when it has an error (reported).
  std::optional<model::LbNatPool> read_lb_nat_pool(dom::object o, ChildIds ids) {
    const std::size_t errors_before = errors;
    const std::size_t mark = ptr.size();
    model::LbNatPool p;
    p.key = model::canonical_id(ids.id);
    p.id = std::move(ids.id);
    p.name = std::move(ids.name);
    p.where = here();
    std::optional<PointerScope> scope;
    auto props = open_child(o, p, scope);
    if (!props) return std::nullopt;
    constexpr std::string_view what = "inbound NAT pool";
    p.frontend = read_lb_frontend_ref(*props, what, p.name, mark);
    read_lb_protocol(*props, what, p.name, mark, p.protocols);
    auto start = read_lb_port(*props, keys::kFrontendPortRangeStart, "frontendPortRangeStart", 1, what, p.name, mark,
                              true, &p.frontend_port_unknown);
    auto end = read_lb_port(*props, keys::kFrontendPortRangeEnd, "frontendPortRangeEnd", 1, what, p.name, mark, true,
                            &p.frontend_port_unknown);
    if (auto b = read_lb_port(*props, keys::kBackendPort, "backendPort", 1, what, p.name, mark, true,
                              &p.backend_port_unknown)) {
      p.backend_port = *b;
    }
    if (start && end && !p.frontend_port_unknown) {
      if (*start > *end) {
        report(Severity::kError, "invalid-value", ptr.substr(0, mark),
               fmt::format("{} '{}': frontend port range {}-{} is empty", what, p.name, *start, *end));
      }
      p.frontend_port_range_start = *start;
      p.frontend_port_range_end = *end;
    }
    if (auto b = get_bool(*props, keys::kEnableFloatingIp)) p.enable_floating_ip = *b;
    if (errors != errors_before) return std::nullopt;
    return p;
  }

  /// `sku.name` of an object next to its `properties` (a public IP configuration's): Basic or Standard.
  model::Sku read_basic_or_standard(dom::object o, model::Sku fallback) {
    auto sku = get_object(o, keys::kSku);
    if (!sku) return fallback;
    PointerScope s(ptr, sku.key);
    auto name = get_string(*sku, keys::kName);
    if (!name) return fallback;
    if (iequals(trim(*name), "basic")) return model::Sku::kBasic;
    if (iequals(trim(*name), "standard")) return model::Sku::kStandard;
    error_at(name.key, "invalid-value", fmt::format("SKU '{}' is not Basic or Standard", *name));
    return fallback;
  }

  std::optional<model::ScaleSetIpConfig> read_scale_set_ip_config(dom::object o, ChildIds ids) {
    model::ScaleSetIpConfig c;
    c.name = std::move(ids.name);
    c.where = here();
    std::optional<PointerScope> scope;
    auto props = open_child(o, c, scope);
    if (!props) return std::nullopt;
    if (auto f = get_string(*props, keys::kPrivateIpAddressVersion)) {
      if (auto v = parse_ip_version(trim(*f))) {
        c.family = *v;
      } else {
        error_at(f.key, "invalid-value", fmt::format("IP version '{}' is not IPv4 or IPv6", *f));
      }
    }
    c.subnet = get_ref(*props, keys::kSubnet);
    c.asgs = get_ref_list(*props, keys::kApplicationSecurityGroups);
    c.lb_backend_pools = get_ref_list(*props, keys::kLoadBalancerBackendAddressPools);
    c.lb_inbound_nat_pools = get_ref_list(*props, keys::kLoadBalancerInboundNatPools);
    c.appgw_backend_pools = get_ref_list(*props, keys::kApplicationGatewayBackendAddressPools);
    if (auto b = get_bool(*props, keys::kPrimary)) c.primary = *b;
    if (auto pub = get_object(*props, keys::kPublicIpAddressConfiguration)) {
      PointerScope s(ptr, pub.key);
      model::ScaleSetPublicIpConfig p;
      p.where = here();
      if (auto name = get_string(*pub, keys::kName); name && !trim(*name).empty()) {
        p.name = std::string(trim(*name));
      } else if (!name.present || name) {
        error("missing-field",
              fmt::format("public IP address configuration of ip configuration '{}' has no 'name'", c.name));
        return std::nullopt;
      } else {
        return std::nullopt;
      }
      p.sku = read_basic_or_standard(*pub, model::Sku::kBasic);
      c.public_ip = std::move(p);
    }
    if (!c.appgw_backend_pools.empty()) {
      PointerScope s(ptr, "applicationGatewayBackendAddressPools");
      warning("unmodelled-feature",
              fmt::format("ip configuration '{}' is in {} application gateway backend {}: scale set instances are not "
                          "reached through application gateways",
                          c.name, c.appgw_backend_pools.size(), c.appgw_backend_pools.size() == 1 ? "pool" : "pools"));
    }
    return c;
  }

  std::optional<model::ScaleSetNicConfig> read_scale_set_nic_config(dom::object o, ChildIds ids,
                                                                    std::string_view scale_set_id) {
    model::ScaleSetNicConfig n;
    n.name = std::move(ids.name);
    n.where = here();
    std::optional<PointerScope> scope;
    auto props = open_child(o, n, scope);
    if (!props) return std::nullopt;
    if (auto b = get_bool(*props, keys::kPrimary)) n.primary = *b;
    if (auto b = get_bool(*props, keys::kEnableIpForwarding)) n.enable_ip_forwarding = *b;
    n.nsg = get_ref(*props, keys::kNetworkSecurityGroup);
    const std::string nic_id = fmt::format("{}{}{}", scale_set_id, segments::kNicConfigurationsAsWritten, n.name);
    std::unordered_set<std::string> names;
    for_each_child(*props, keys::kIpConfigurations, nic_id, segments::kIpConfigurationsAsWritten, "ip configuration",
                   [&](dom::object c, ChildIds cids) {
                     if (!names.insert(lowercase(cids.name)).second) {
                       error("invalid-value", fmt::format("ip configuration name '{}' is used twice", cids.name));
                       return;
                     }
                     if (auto cfg = read_scale_set_ip_config(c, std::move(cids))) {
                       n.ip_configurations.push_back(std::move(*cfg));
                     }
                   });
    return n;
  }

  void read_scale_set(model::ResourceBase base, dom::object res, dom::object props, std::size_t res_mark) {
    model::ScaleSet s;
    static_cast<model::ResourceBase&>(s) = std::move(base);
    {
      // `sku.capacity` sits next to `properties`.
      const std::string saved = ptr;
      ptr.resize(res_mark);
      bool known = false;
      if (auto sku = get_object(res, keys::kSku)) {
        PointerScope sk(ptr, sku.key);
        if (find_field(*sku, keys::kCapacity)) {
          known = true;
          // Any count above the cap is capped by the expansion, with a warning.
          auto f = get_int(*sku, keys::kCapacity, 0, std::numeric_limits<std::int64_t>::max(), "capacity");
          if (f) {
            s.capacity = static_cast<int>(std::min<std::int64_t>(*f, std::int64_t{1} << 30));
          } else if (f.unknown) {
            s.capacity = 1;
            s.capacity_unknown = true;
            PointerScope at(ptr, f.key);
            warning("scale-set-capacity-unknown",
                    fmt::format("the capacity of scale set '{}' is only known at deployment; as many instances are "
                                "analysed as its inbound NAT pools have frontend ports (at least 1)",
                                s.name));
          }
        }
      }
      if (!known) {
        s.capacity = 1;
        warning("scale-set-capacity-unknown",
                fmt::format("scale set '{}' has no 'sku.capacity'; assuming 1 instance", s.name));
      }
      ptr = saved;
    }
    if (auto mode = get_string(props, keys::kOrchestrationMode)) {
      if (iequals(trim(*mode), "flexible")) s.flexible = true;
    }
    auto profile = get_object(props, keys::kVirtualMachineProfile);
    if (profile) {
      PointerScope p(ptr, profile.key);
      if (auto net = get_object(*profile, keys::kNetworkProfile)) {
        PointerScope q(ptr, net.key);
        std::unordered_set<std::string> names;
        for_each_child(*net, keys::kNetworkInterfaceConfigurations, s.id, segments::kNicConfigurationsAsWritten,
                       "network interface configuration", [&](dom::object c, ChildIds ids) {
                         if (!names.insert(lowercase(ids.name)).second) {
                           error("invalid-value",
                                 fmt::format("network interface configuration name '{}' is used twice", ids.name));
                           return;
                         }
                         if (auto n = read_scale_set_nic_config(c, std::move(ids), s.id)) {
                           s.nic_configurations.push_back(std::move(*n));
                         }
                       });
      }
    }
    model.scale_sets.push_back(std::move(s));
  }

  // ---- Virtual WAN ----

  void read_virtual_wan(model::ResourceBase base, dom::object props) {
    model::VirtualWan w;
    static_cast<model::ResourceBase&>(w) = std::move(base);
    // Under `properties`; in flattened output `type` is the resource type, not the WAN's.
    if (auto t = get_string(props, keys::kType); t && t->find('/') == std::string_view::npos) {
      w.wan_type = std::string(trim(*t));
    }
    model.virtual_wans.push_back(std::move(w));
  }

  /// A hub virtual network connection's own fields (`remoteVirtualNetwork`, `enableInternetSecurity`).
  void read_hub_connection_fields(dom::object props, model::HubConnection& c) {
    c.remote_vnet = get_ref(props, keys::kRemoteVirtualNetwork);
    if (!c.remote_vnet.set() && !find_field(props, keys::kRemoteVirtualNetwork)) {
      warning("missing-reference", fmt::format("hub virtual network connection '{}' has no 'remoteVirtualNetwork'; "
                                               "it connects nothing",
                                               c.name));
    }
    if (auto b = get_bool(props, keys::kEnableInternetSecurity)) c.enable_internet_security = *b;
    auto rc = get_object(props, keys::kRoutingConfiguration);
    if (!rc) return;
    PointerScope s(ptr, rc.key);
    c.associated_route_table = get_ref(*rc, keys::kAssociatedRouteTable);
    if (auto pr = get_object(*rc, keys::kPropagatedRouteTables)) {
      PointerScope sp(ptr, pr.key);
      c.propagated_route_tables = get_ref_list(*pr, keys::kIds);
      for_each_text(*pr, "", keys::kLabels, [&](std::string_view t) { c.propagated_labels.emplace_back(trim(t)); });
    }
    auto vr = get_object(*rc, keys::kVnetRoutes);
    if (!vr) return;
    PointerScope sv(ptr, vr.key);
    for_each_object(*vr, keys::kStaticRoutes, "static route", [&](dom::object o, std::size_t) {
      model::HubStaticRoute r;
      r.where = here();
      if (auto n = get_string(o, keys::kName)) r.name = std::string(*n);
      r.prefixes = get_prefixes(o, "", keys::kAddressPrefixes);
      if (auto a = get_string(o, keys::kNextHopIpAddress); a && !trim(*a).empty()) {
        if (auto ip = IpAddress::parse(trim(*a))) {
          r.next_hop_ip = *ip;
        } else {
          error_at(a.key, "invalid-value", fmt::format("next hop IP address '{}' is not an IP address", *a));
        }
      }
      c.static_routes.push_back(std::move(r));
    });
  }

  void read_virtual_hub(model::ResourceBase base, dom::object props) {
    model::VirtualHub h;
    static_cast<model::ResourceBase&>(h) = std::move(base);
    h.virtual_wan = get_ref(props, keys::kVirtualWan);
    h.azure_firewall = get_ref(props, keys::kAzureFirewall);
    if (auto f = get_string(props, keys::kAddressPrefix); f && !trim(*f).empty()) {
      PointerScope s(ptr, f.key);
      h.address_prefix = prefix_value(*f);
    }
    // Older API versions list the connections inline.
    for_each_child(props, keys::kVirtualNetworkConnections, h.id, segments::kHubConnectionsAsWritten,
                   "hub virtual network connection", [&](dom::object o, ChildIds ids) {
                     model::HubConnection c;
                     c.key = model::canonical_id(ids.id);
                     c.id = std::move(ids.id);
                     c.name = std::move(ids.name);
                     c.where = here();
                     c.hub = Ref{h.key, -1};
                     std::optional<PointerScope> scope;
                     auto cprops = open_child(o, c, scope);
                     if (!cprops) return;
                     read_hub_connection_fields(*cprops, c);
                     model.hub_connections.push_back(std::move(c));
                   });
    model.virtual_hubs.push_back(std::move(h));
  }

  /// The hub a hub child's id names (…/virtualHubs/h/<segment>/name); false when the id has no such segment.
  bool hub_of(const model::ResourceBase& base, std::string_view segment, std::string_view what, Ref& hub) {
    std::string parent_id;
    const std::string saved = ptr;
    ptr = base.where.pointer;  // reported at the resource, not its properties
    const bool ok = split_child_id(base.id, segment, what, parent_id);
    ptr = saved;
    if (ok) hub = Ref{model::canonical_id(parent_id), -1};
    return ok;
  }

  void read_hub_connection(model::ResourceBase base, dom::object props) {
    model::HubConnection c;
    static_cast<model::ResourceBase&>(c) = std::move(base);
    if (!hub_of(c, segments::kHubConnections, "hub virtual network connection", c.hub)) return;
    read_hub_connection_fields(props, c);
    model.hub_connections.push_back(std::move(c));
  }

  void read_hub_routing_intent(model::ResourceBase base, dom::object props) {
    model::HubRoutingIntent r;
    static_cast<model::ResourceBase&>(r) = std::move(base);
    if (!hub_of(r, segments::kHubRoutingIntents, "routing intent", r.hub)) return;
    auto arr = get_array(props, keys::kRoutingPolicies);
    if (arr) {
      PointerScope s(ptr, arr.key);
      std::size_t i = 0;
      for (dom::element e : *arr) {
        PointerScope item(ptr, i++);
        dom::object o;
        if (e.get_object().get(o) != simdjson::SUCCESS) {
          error("invalid-type", fmt::format("routing policy is {}, expected an object", kind_name(e.type())));
          continue;
        }
        model::HubRoutingPolicy p;
        p.where = here();
        if (auto n = get_string(o, keys::kName)) p.name = std::string(*n);
        const std::size_t errors_before = errors;
        for_each_text(o, "", keys::kDestinations, [&](std::string_view t) {
          if (iequals(trim(t), "internet")) {
            p.internet = true;
          } else if (iequals(trim(t), "privatetraffic")) {
            p.private_traffic = true;
          } else {
            error("invalid-value", fmt::format("routing policy destination '{}' is not Internet or PrivateTraffic", t));
          }
        });
        if (auto hop = get_string(o, keys::kNextHop)) {
          p.next_hop = Ref{model::canonical_id(trim(*hop)), -1};
        } else if (!hop.present) {
          error("missing-field", fmt::format("routing policy '{}' has no 'nextHop'", p.name));
        }
        if (errors == errors_before) r.policies.push_back(std::move(p));
      }
    }
    model.hub_routing_intents.push_back(std::move(r));
  }

  void read_hub_route_table(model::ResourceBase base, dom::object props) {
    model::HubRouteTable t;
    static_cast<model::ResourceBase&>(t) = std::move(base);
    if (!hub_of(t, segments::kHubRouteTables, "hub route table", t.hub)) return;
    for_each_object(props, keys::kRoutes, "hub route", [&](dom::object o, std::size_t) {
      model::HubRoute r;
      r.where = here();
      if (auto n = get_string(o, keys::kName)) r.name = std::string(*n);
      // `destinationType` CIDR (the default) lists prefixes; ResourceId and Service list other things.
      bool cidr = true;
      if (auto dt = get_string(o, keys::kDestinationType)) cidr = iequals(trim(*dt), "cidr");
      if (cidr) {
        r.destinations = get_prefixes(o, "", keys::kDestinations);
      } else {
        for_each_text(o, "", keys::kDestinations,
                      [&](std::string_view d) { r.other_destinations.emplace_back(trim(d)); });
      }
      r.next_hop = get_ref_id(o, keys::kNextHop);
      if (!r.next_hop.set()) {
        if (auto h = get_object(o, keys::kNextHop)) r.next_hop = get_ref(o, keys::kNextHop);
      }
      if (!r.next_hop.set()) error("missing-field", fmt::format("hub route '{}' has no 'nextHop'", r.name));
      t.routes.push_back(std::move(r));
    });
    model.hub_route_tables.push_back(std::move(t));
  }

  std::optional<model::LbFrontend> read_lb_frontend(dom::object o, ChildIds ids, std::string_view lb_name) {
    model::LbFrontend fe;
    fe.key = model::canonical_id(ids.id);
    fe.id = std::move(ids.id);
    fe.name = std::move(ids.name);
    fe.where = here();
    std::optional<PointerScope> scope;
    auto props = open_child(o, fe, scope);
    if (!props) return std::nullopt;
    fe.public_ip = get_ref(*props, keys::kPublicIpAddress);
    fe.subnet = get_ref(*props, keys::kSubnet);
    if (auto f = get_string(*props, keys::kPrivateIpAddress)) {
      if (auto a = IpAddress::parse(trim(*f))) {
        fe.private_ip = *a;
      } else if (!trim(*f).empty()) {
        error_at(f.key, "invalid-value", fmt::format("private IP address '{}' is not an IP address", *f));
      }
    }
    if (auto prefix = find_field(*props, keys::kPublicIpPrefix)) {
      PointerScope s(ptr, prefix->key);
      warning("unmodelled-feature",
              fmt::format("load balancer '{}': frontend '{}' uses a public IP prefix, not modelled: exposure through "
                          "it is not reported",
                          lb_name, fe.name));
    }
    return fe;
  }

  std::optional<model::LbBackendPool> read_lb_pool(dom::object o, ChildIds ids, std::string_view lb_name) {
    model::LbBackendPool pool;
    pool.key = model::canonical_id(ids.id);
    pool.id = std::move(ids.id);
    pool.name = std::move(ids.name);
    pool.where = here();
    auto props_or = properties_of(o);
    if (!props_or) return std::nullopt;
    auto [props, props_key] = *props_or;
    std::optional<PointerScope> scope;
    if (!props_key.empty()) scope.emplace(ptr, props_key);
    // Backends given by IP address (not by a NIC ip configuration) are not modelled: say so, never drop silently.
    if (auto arr = get_array(props, keys::kLoadBalancerBackendAddresses)) {
      std::size_t by_address = 0;
      for (dom::element e : *arr) {
        dom::object a;
        if (e.get_object().get(a) != simdjson::SUCCESS) continue;
        auto bag = properties_of(a);
        if (!bag) continue;
        if (!find_field(bag->first, keys::kNetworkInterfaceIpConfiguration)) ++by_address;
      }
      if (by_address > 0) {
        PointerScope s(ptr, arr.key);
        warning("unmodelled-feature",
                fmt::format("load balancer '{}': backend pool '{}' has {} IP-address-based {}, not modelled: exposure "
                            "through {} is not reported",
                            lb_name, pool.name, by_address, by_address == 1 ? "backend" : "backends",
                            by_address == 1 ? "it" : "them"));
      }
    }
    return pool;
  }

  /// The required `frontendIPConfiguration` reference of a load-balancing or inbound NAT rule.
  Ref read_lb_frontend_ref(dom::object props, std::string_view what, std::string_view name, std::size_t mark) {
    Ref frontend = get_ref(props, keys::kFrontendIpConfiguration);
    if (!frontend.set() && !find_field(props, keys::kFrontendIpConfiguration)) {
      report(Severity::kError, "missing-field", ptr.substr(0, mark),
             fmt::format("{} '{}' has no 'frontendIPConfiguration'", what, name));
    }
    return frontend;
  }

  std::optional<model::LbRule> read_lb_rule(dom::object o, ChildIds ids) {
    const std::size_t errors_before = errors;
    const std::size_t mark = ptr.size();
    model::LbRule r;
    r.id = std::move(ids.id);
    r.name = std::move(ids.name);
    r.where = here();
    std::optional<PointerScope> scope;
    auto props = open_child(o, r, scope);
    if (!props) return std::nullopt;
    constexpr std::string_view what = "load-balancing rule";
    r.frontend = read_lb_frontend_ref(*props, what, r.name, mark);
    if (auto pool = get_ref(*props, keys::kBackendAddressPool); pool.set()) {
      r.backend_pools.push_back(std::move(pool));
      r.backend_pool_singular = true;
    }
    // Both fields may name the same pool (newer API versions fill both); the solver reaches a member once.
    for (auto& pool : get_ref_list(*props, keys::kBackendAddressPools)) r.backend_pools.push_back(std::move(pool));
    read_lb_protocol(*props, what, r.name, mark, r.protocols);
    if (auto p = read_lb_port(*props, keys::kFrontendPort, "frontendPort", 0, what, r.name, mark, true,
                              &r.frontend_port_unknown)) {
      r.frontend_port = *p;
    }
    if (auto p = read_lb_port(*props, keys::kBackendPort, "backendPort", 0, what, r.name, mark, true,
                              &r.backend_port_unknown)) {
      r.backend_port = *p;
    }
    if (auto b = get_bool(*props, keys::kEnableFloatingIp)) r.enable_floating_ip = *b;
    if (errors != errors_before) return std::nullopt;
    return r;
  }

  std::optional<model::LbNatRule> read_lb_nat_rule(dom::object o, ChildIds ids) {
    const std::size_t errors_before = errors;
    const std::size_t mark = ptr.size();
    model::LbNatRule r;
    r.key = model::canonical_id(ids.id);
    r.id = std::move(ids.id);
    r.name = std::move(ids.name);
    r.where = here();
    std::optional<PointerScope> scope;
    auto props = open_child(o, r, scope);
    if (!props) return std::nullopt;
    constexpr std::string_view what = "inbound NAT rule";
    r.frontend = read_lb_frontend_ref(*props, what, r.name, mark);
    r.backend_pool = get_ref(*props, keys::kBackendAddressPool);
    read_lb_protocol(*props, what, r.name, mark, r.protocols);
    r.frontend_port_range_start = read_lb_port(*props, keys::kFrontendPortRangeStart, "frontendPortRangeStart", 1, what,
                                               r.name, mark, false, &r.frontend_port_unknown);
    r.frontend_port_range_end = read_lb_port(*props, keys::kFrontendPortRangeEnd, "frontendPortRangeEnd", 1, what,
                                             r.name, mark, false, &r.frontend_port_unknown);
    const bool ranged = r.backend_pool.set();  // the v2 form maps a port range over a pool
    if (auto p = read_lb_port(*props, keys::kFrontendPort, "frontendPort", ranged ? 0 : 1, what, r.name, mark, !ranged,
                              &r.frontend_port_unknown)) {
      r.frontend_port = *p;
    }
    if (auto p = read_lb_port(*props, keys::kBackendPort, "backendPort", 1, what, r.name, mark, true,
                              &r.backend_port_unknown)) {
      r.backend_port = *p;
    }
    if (ranged && errors == errors_before && !r.frontend_port_unknown) {
      if (!r.frontend_port_range_start || !r.frontend_port_range_end) {
        report(Severity::kError, "missing-field", ptr.substr(0, mark),
               fmt::format("{} '{}' has a 'backendAddressPool' but no 'frontendPortRangeStart' and "
                           "'frontendPortRangeEnd'",
                           what, r.name));
      } else if (*r.frontend_port_range_start > *r.frontend_port_range_end) {
        report(Severity::kError, "invalid-value", ptr.substr(0, mark),
               fmt::format("{} '{}': frontend port range {}-{} is empty", what, r.name, *r.frontend_port_range_start,
                           *r.frontend_port_range_end));
      }
    }
    if (auto b = get_bool(*props, keys::kEnableFloatingIp)) r.enable_floating_ip = *b;
    if (errors != errors_before) return std::nullopt;
    return r;
  }

  /// Reads an address field and its IP-version field (`privateIPAddress` + `privateIPAddressVersion`, or
  /// `ipAddress` + `publicIPAddressVersion`); returns the family: the version given, else the address's,
  /// else IPv4 (Azure's default). An address of the other version than the one given is reported.
  IpFamily read_address(dom::object props, std::string_view version_key, std::string_view address_key,
                        std::string_view what, std::optional<IpAddress>& address) {
    std::optional<IpFamily> version;
    if (auto f = get_string(props, version_key)) {
      version = parse_ip_version(trim(*f));
      if (!version) invalid_value_at(f.key, *f, fmt::format("IP version '{}' is not IPv4 or IPv6", *f));
    }
    // An unknown address (only known at deployment, a placeholder, or from a template an address ARM would
    // reject) reads as not allocated yet: placeholders are handed out later as for dynamic addresses.
    if (auto f = get_string(props, address_key)) {
      PointerScope s(ptr, f.key);
      if (auto a = IpAddress::parse(trim(*f))) {
        if (version && *version != a->family()) {
          invalid_value(*f, fmt::format("{} '{}' is not {}", what, *f, family_name(*version)));
        } else {
          address = *a;
        }
      } else if (!trim(*f).empty()) {
        invalid_value(*f, fmt::format("{} '{}' is not an IP address", what, *f));
      }
    }
    return version ? *version : address ? address->family() : IpFamily::kV4;
  }

  /// Calls `read(object, ids)` for every object of array field `key` of `props` (a parent's properties),
  /// reporting elements that are not objects or lack a usable name.
  template <typename Read>
  void for_each_child(dom::object props, std::string_view key, std::string_view parent_id, std::string_view segment,
                      std::string_view what, Read&& read) {
    auto arr = get_array(props, key);
    if (!arr) return;
    PointerScope s(ptr, arr.key);
    std::size_t i = 0;
    for (dom::element e : *arr) {
      PointerScope item(ptr, i++);
      dom::object o;
      if (e.get_object().get(o) != simdjson::SUCCESS) {
        error("invalid-type", fmt::format("{} is {}, expected an object", what, kind_name(e.type())));
        continue;
      }
      auto ids = child_ids(o, parent_id, segment, what);
      if (!ids) continue;
      read(o, std::move(*ids));
    }
  }

  void read_load_balancer(model::ResourceBase base, dom::object res, dom::object props, std::size_t res_mark) {
    model::LoadBalancer lb;
    static_cast<model::ResourceBase&>(lb) = std::move(base);
    if (auto sku = read_sku_name(res, res_mark)) {
      if (iequals(*sku, "basic")) {
        lb.sku = model::Sku::kBasic;
      } else if (iequals(*sku, "standard")) {
        lb.sku = model::Sku::kStandard;
      } else if (iequals(*sku, "gateway")) {
        const std::string saved = ptr;
        ptr.resize(res_mark);
        warning(
            "unmodelled-feature",
            fmt::format("gateway load balancer '{}' is not modelled: exposure through it is not reported", lb.name));
        ptr = saved;
        return;
      } else {
        const std::string saved = ptr;
        ptr.resize(res_mark);
        ptr += "/sku/name";
        error("invalid-value", fmt::format("SKU '{}' is not Basic, Standard or Gateway", *sku));
        ptr = saved;
      }
    }
    for_each_child(props, keys::kFrontendIpConfigurations, lb.id, segments::kLbFrontendsAsWritten,
                   "frontend IP configuration", [&](dom::object o, ChildIds ids) {
                     if (auto fe = read_lb_frontend(o, std::move(ids), lb.name)) lb.frontends.push_back(std::move(*fe));
                   });
    for_each_child(props, keys::kBackendAddressPools, lb.id, segments::kLbBackendAddressPoolsAsWritten,
                   "backend address pool", [&](dom::object o, ChildIds ids) {
                     if (auto p = read_lb_pool(o, std::move(ids), lb.name)) lb.backend_pools.push_back(std::move(*p));
                   });
    for_each_child(props, keys::kLoadBalancingRules, lb.id, segments::kLbRulesAsWritten, "load-balancing rule",
                   [&](dom::object o, ChildIds ids) {
                     if (auto r = read_lb_rule(o, std::move(ids))) lb.rules.push_back(std::move(*r));
                   });
    for_each_child(props, keys::kInboundNatRules, lb.id, segments::kLbInboundNatRulesAsWritten, "inbound NAT rule",
                   [&](dom::object o, ChildIds ids) {
                     if (auto r = read_lb_nat_rule(o, std::move(ids))) lb.nat_rules.push_back(std::move(*r));
                   });
    for_each_child(props, keys::kInboundNatPools, lb.id, segments::kLbInboundNatPoolsAsWritten, "inbound NAT pool",
                   [&](dom::object o, ChildIds ids) {
                     if (auto p = read_lb_nat_pool(o, std::move(ids))) lb.nat_pools.push_back(std::move(*p));
                   });
    model.load_balancers.push_back(std::move(lb));
  }

  // ---- Azure Firewall, firewall policies, IP groups (docs/model.md#azure-firewall) ----

  model::ThreatIntelMode read_threat_intel(dom::object props, model::ThreatIntelMode fallback) {
    auto f = get_string(props, keys::kThreatIntelMode);
    if (!f) return fallback;
    const std::string_view t = trim(*f);
    if (iequals(t, "alert")) return model::ThreatIntelMode::kAlert;
    if (iequals(t, "deny")) return model::ThreatIntelMode::kDeny;
    if (iequals(t, "off")) return model::ThreatIntelMode::kOff;
    error_at(f.key, "invalid-value", fmt::format("threat intelligence mode '{}' is not Alert, Deny or Off", *f));
    return fallback;
  }

  /// The addresses of a firewall rule: `*`, addresses, CIDRs and ranges ("10.0.0.1-10.0.0.9") from the
  /// string array `field`, IP groups from `groups`; anything else (service tags, FQDNs) kept as written.
  /// True when array field `name` of `o` is itself a value only known at deployment or a placeholder (an array
  /// parameter with no value): reported, and the caller reads the field as unknown.
  bool unknown_list(dom::object o, std::string_view name) {
    auto f = find_field(o, name);
    std::string_view text;
    if (!f || f->value.get_string().get(text) != simdjson::SUCCESS) return false;
    if (!is_unknown_value(text) && !(options.from_template && looks_like_placeholder(text))) return false;
    PointerScope at(ptr, f->key);
    note_unknown(text);
    return true;
  }

  /// A firewall rule's address list. An entry only known at deployment or a placeholder makes the list every
  /// address and sets `*unknown` (the rule is then widened where it allows and dropped where it denies).
  void read_fw_addresses(dom::object o, std::string_view field, std::string_view groups, model::FirewallAddresses& out,
                         bool* unknown) {
    auto widen = [&] {
      out.any = true;
      *unknown = true;
    };
    if (unknown_list(o, field)) widen();
    if (!groups.empty() && unknown_list(o, groups)) widen();
    for_each_text(o, "", field, [&](std::string_view raw) {
      const std::string_view t = trim(raw);
      if (t.empty()) return;
      if (t == "*") {
        out.any = true;
        return;
      }
      if (is_unknown_value(raw) || (options.from_template && looks_like_placeholder(t))) {
        note_unknown(raw);
        widen();
        return;
      }
      if (const auto dash = t.find('-'); dash != std::string_view::npos && looks_like_ip(t)) {
        const auto lo = IpAddress::parse(trim(t.substr(0, dash)));
        const auto hi = IpAddress::parse(trim(t.substr(dash + 1)));
        if (!lo || !hi || lo->family() != hi->family() || hi->value < lo->value) {
          if (invalid_value(raw,
                            fmt::format("address range '{}' is not two addresses of one family, low to high", raw))) {
            widen();
          }
          return;
        }
        model::IpSet range;
        range.add(lo->value, hi->value);
        for (const auto& p : model::to_prefixes(range)) out.prefixes.push_back(p);
        return;
      }
      if (looks_like_ip(t)) {
        bool u = false;
        if (auto p = prefix_value(t, &u)) out.prefixes.push_back(*p);
        if (u) widen();
        return;
      }
      out.unresolved.emplace_back(t);
    });
    if (groups.empty() || out.any) return;
    // IP groups are listed by id, as strings (the REST shape) or as {id} objects.
    if (auto arr = get_array(o, groups)) {
      PointerScope s(ptr, arr.key);
      std::size_t i = 0;
      for (dom::element e : *arr) {
        PointerScope item(ptr, i);
        std::string_view text;
        if (e.get_string().get(text) == simdjson::SUCCESS && is_unknown_value(text)) {
          note_unknown(text);
          widen();
        } else if (e.get_string().get(text) == simdjson::SUCCESS) {
          if (!trim(text).empty()) out.ip_groups.push_back(Ref{model::canonical_id(trim(text)), -1});
        } else if (auto r = ref_value(e, fmt::format("item {} of '{}'", i, arr.key))) {
          out.ip_groups.push_back(std::move(*r));
        }
        ++i;
      }
    }
  }

  /// `protocols` / `ipProtocols` of a DNAT or network rule: TCP, UDP, ICMP, Any.
  model::ProtocolMask read_fw_protocols(dom::object o, bool* unknown) {
    using model::Protocol;
    model::ProtocolMask mask = 0;
    const model::ProtocolMask any =
        model::bit(Protocol::kTcp) | model::bit(Protocol::kUdp) | model::bit(Protocol::kIcmp);
    if (unknown_list(o, keys::kIpProtocols) || unknown_list(o, keys::kProtocols)) {
      *unknown = true;
      return any;
    }
    for_each_text(o, "", keys::kIpProtocols, [&](std::string_view raw) {
      if (is_unknown_value(raw) || (options.from_template && looks_like_placeholder(raw))) {
        note_unknown(raw);
        *unknown = true;
        mask |= any;
        return;
      }
      mask |= fw_protocol(raw);
    });
    if (auto arr = get_array(o, keys::kProtocols)) {
      PointerScope s(ptr, arr.key);
      std::size_t i = 0;
      for (dom::element e : *arr) {
        PointerScope item(ptr, i++);
        std::string_view text;
        if (e.get_string().get(text) == simdjson::SUCCESS) mask |= fw_protocol(text);
      }
    }
    return mask;
  }

  model::ProtocolMask fw_protocol(std::string_view raw) {
    using model::Protocol;
    const std::string_view t = trim(raw);
    if (iequals(t, "tcp")) return model::bit(Protocol::kTcp);
    if (iequals(t, "udp")) return model::bit(Protocol::kUdp);
    if (iequals(t, "icmp")) return model::bit(Protocol::kIcmp);
    const model::ProtocolMask any =
        model::bit(Protocol::kTcp) | model::bit(Protocol::kUdp) | model::bit(Protocol::kIcmp);
    if (iequals(t, "any")) return any;
    // From a template, a value ARM would reject is unknown: Any (the rule is then widened or dropped).
    if (invalid_value(raw, fmt::format("protocol '{}' is not TCP, UDP, ICMP or Any", raw))) return any;
    return 0;
  }

  /// One rule of a collection of `kind`; nullopt when unusable (reported). The pointer is at the rule.
  std::optional<model::FirewallRule> read_fw_rule(dom::object o, model::FirewallRuleKind kind, std::size_t index) {
    model::FirewallRule r;
    r.kind = kind;
    r.where = here();
    if (auto name = get_string(o, keys::kName)) {
      r.name = std::string(*name);
    } else if (!name.present) {
      r.name = fmt::format("rule {}", index);
    }
    // Policy rules say their own type; it must agree with the collection.
    if (auto type = get_string(o, keys::kRuleType)) {
      const std::string_view t = trim(*type);
      if (iequals(t, "natrule")) {
        r.kind = model::FirewallRuleKind::kNat;
      } else if (iequals(t, "networkrule")) {
        r.kind = model::FirewallRuleKind::kNetwork;
      } else if (iequals(t, "applicationrule")) {
        r.kind = model::FirewallRuleKind::kApplication;
      } else {
        error_at(type.key, "invalid-value",
                 fmt::format("rule type '{}' is not NatRule, NetworkRule or ApplicationRule", *type));
        return std::nullopt;
      }
    }
    read_fw_addresses(o, keys::kSourceAddresses, keys::kSourceIpGroups, r.sources, &r.unknown);
    read_fw_addresses(o, keys::kDestinationAddresses, keys::kDestinationIpGroups, r.destinations, &r.unknown);
    for_each_text(o, "", keys::kDestinationFqdns,
                  [&](std::string_view t) { r.destination_fqdns.emplace_back(trim(t)); });
    if (r.kind == model::FirewallRuleKind::kApplication) {
      r.protocols = model::bit(model::Protocol::kTcp);
      if (auto arr = get_array(o, keys::kProtocols)) {
        PointerScope s(ptr, arr.key);
        std::size_t i = 0;
        for (dom::element e : *arr) {
          PointerScope item(ptr, i++);
          dom::object p;
          if (e.get_object().get(p) != simdjson::SUCCESS) continue;
          auto port = find_field(p, keys::kPort);
          if (port) {
            PointerScope ps(ptr, port->key);
            bool u = false;
            add_port(port->value, r.destination_ports, port->key, std::nullopt, &u);
            if (u) {  // unknown: every port
              r.destination_ports = model::PortSet::all();
              r.unknown = true;
            }
          }
        }
      }
      for_each_text(o, "", keys::kTargetFqdns, [&](std::string_view t) { r.destination_fqdns.emplace_back(trim(t)); });
      for_each_text(o, "", keys::kFqdnTags, [&](std::string_view t) { r.destination_fqdns.emplace_back(trim(t)); });
      return r;
    }
    r.protocols = read_fw_protocols(o, &r.unknown);
    bool ports_unknown = unknown_list(o, keys::kDestinationPorts);
    if (!ports_unknown) read_ports(o, "", keys::kDestinationPorts, r.destination_ports, &ports_unknown);
    if (ports_unknown) {  // every port
      r.destination_ports = model::PortSet::all();
      r.unknown = true;
    }
    if (r.kind == model::FirewallRuleKind::kNat && !read_fw_translation(o, r)) return std::nullopt;
    return r;
  }

  /// The translation of a DNAT rule (`translatedAddress` or `translatedFqdn`, `translatedPort`) from `o`:
  /// the rule itself, or a legacy NAT rule around its condition. False when it has neither (reported).
  bool read_fw_translation(dom::object o, model::FirewallRule& r) {
    if (auto a = get_string(o, keys::kTranslatedAddress); a && !trim(*a).empty()) {
      if (auto ip = IpAddress::parse(trim(*a))) {
        r.translated_address = *ip;
      } else if (invalid_value_at(a.key, *a, fmt::format("translated address '{}' is not an IP address", *a))) {
        r.translated_unknown = true;
      }
    } else if (a.unknown) {
      r.translated_unknown = true;  // the DNAT stays an entry point; its target is unknown
    }
    if (auto fq = get_string(o, keys::kTranslatedFqdn)) {
      r.translated_fqdn = std::string(trim(*fq));
    } else if (fq.unknown) {
      r.translated_unknown = true;
    }
    if (auto f = find_field(o, keys::kTranslatedPort)) {
      PointerScope s(ptr, f->key);
      model::PortSet port;
      add_port(f->value, port, f->key, std::nullopt);
      if (port.intervals().size() == 1 && port.intervals()[0].lo == port.intervals()[0].hi) {
        r.translated_port = port.intervals()[0].lo;
      } else if (!port.empty()) {
        error("invalid-value", "translated port is not a single port");
      }
    }
    if (!r.translated_address && r.translated_fqdn.empty() && !r.translated_unknown) {
      error("missing-field", fmt::format("DNAT rule '{}' has no 'translatedAddress' or 'translatedFqdn'", r.name));
      return false;
    }
    return true;
  }

  /// The `priority` of a firewall rule collection or group: an integer in 100..65000. False when absent
  /// or bad (reported).
  bool read_fw_priority(dom::object props, std::string_view what, std::string_view name, int& out) {
    auto f = find_field(props, keys::kPriority);
    if (!f) {
      error("missing-field", fmt::format("{} '{}' has no 'priority'", what, name));
      return false;
    }
    if (auto v = get_int(props, keys::kPriority, 100, 65000, fmt::format("{} '{}': priority", what, name))) {
      out = static_cast<int>(*v);
      return true;
    }
    return false;
  }

  /// A rule collection (classic: the kind is the array's; policy: from `ruleCollectionType` and the rules).
  std::optional<model::FirewallRuleCollection> read_fw_collection(dom::object o,
                                                                  std::optional<model::FirewallRuleKind> kind,
                                                                  std::size_t index) {
    model::FirewallRuleCollection c;
    c.where = here();
    if (auto name = get_string(o, keys::kName)) c.name = std::string(*name);
    if (c.name.empty()) c.name = fmt::format("collection {}", index);
    std::optional<PointerScope> scope;
    dom::object props = o;
    if (kind) {  // classic collections keep their fields under `properties` (or flattened)
      auto props_or = properties_of(o);
      if (!props_or) return std::nullopt;
      props = props_or->first;
      if (!props_or->second.empty()) scope.emplace(ptr, props_or->second);
    }
    if (!read_fw_priority(props, "rule collection", c.name, c.priority)) return std::nullopt;
    std::string action_text;
    if (auto action = get_object(props, keys::kAction)) {
      PointerScope s(ptr, action.key);
      if (auto type = get_string(*action, keys::kType)) action_text = std::string(trim(*type));
    }
    if (iequals(action_text, "dnat")) {
      c.action = model::FirewallAction::kDnat;
    } else if (iequals(action_text, "allow")) {
      c.action = model::FirewallAction::kAllow;
    } else if (iequals(action_text, "deny")) {
      c.action = model::FirewallAction::kDeny;
    } else {
      error("invalid-value",
            fmt::format("rule collection '{}': action '{}' is not Dnat, Allow or Deny", c.name, action_text));
      return std::nullopt;
    }
    if (kind) {
      c.kind = *kind;
    } else if (auto type = get_string(props, keys::kRuleCollectionType)) {
      c.kind = iequals(trim(*type), "firewallpolicynatrulecollection") ? model::FirewallRuleKind::kNat
                                                                       : model::FirewallRuleKind::kNetwork;
    }
    if ((c.kind == model::FirewallRuleKind::kNat) != (c.action == model::FirewallAction::kDnat)) {
      error("invalid-value", fmt::format("rule collection '{}': action '{}' does not fit a {} collection", c.name,
                                         action_text, c.kind == model::FirewallRuleKind::kNat ? "DNAT" : "filter"));
      return std::nullopt;
    }
    if (auto arr = get_array(props, keys::kRules)) {
      PointerScope s(ptr, arr.key);
      std::size_t i = 0;
      for (dom::element e : *arr) {
        PointerScope item(ptr, i);
        dom::object ro;
        if (e.get_object().get(ro) != simdjson::SUCCESS) {
          error("invalid-type", fmt::format("firewall rule is {}, expected an object", kind_name(e.type())));
          ++i;
          continue;
        }
        auto rule = read_fw_rule(ro, c.kind, i);
        ++i;
        if (!rule) continue;
        if ((rule->kind == model::FirewallRuleKind::kNat) != (c.kind == model::FirewallRuleKind::kNat)) {
          error("invalid-value", fmt::format("rule '{}' does not fit collection '{}'", rule->name, c.name));
          continue;
        }
        c.rules.push_back(std::move(*rule));
      }
    }
    // A filter collection holds network or application rules; its kind is its first rule's.
    if (c.kind != model::FirewallRuleKind::kNat && !c.rules.empty() && !kind) c.kind = c.rules.front().kind;
    return c;
  }

  void read_fw_collections(dom::object props, std::string_view key, model::FirewallRuleKind kind,
                           std::vector<model::FirewallRuleCollection>& out) {
    auto arr = get_array(props, key);
    if (!arr) return;
    PointerScope s(ptr, arr.key);
    std::size_t i = 0;
    for (dom::element e : *arr) {
      PointerScope item(ptr, i);
      dom::object o;
      if (e.get_object().get(o) != simdjson::SUCCESS) {
        error("invalid-type", fmt::format("rule collection is {}, expected an object", kind_name(e.type())));
      } else if (auto c = read_fw_collection(o, kind, i)) {
        out.push_back(std::move(*c));
      }
      ++i;
    }
  }

  /// A secured hub firewall's `hubIPAddresses`: `publicIPs` (`addresses[].address`, `count`) and
  /// `privateIPAddress`. Public addresses are not resources; a count above the listed addresses is a warning.
  void read_hub_ip_addresses(dom::object hub, std::string_view key, model::Firewall& fw) {
    PointerScope s(ptr, key);
    if (auto a = get_string(hub, keys::kPrivateIpAddress); a && !trim(*a).empty()) {
      if (auto ip = IpAddress::parse(trim(*a))) {
        fw.hub_private_ip = *ip;
      } else {
        error_at(a.key, "invalid-value", fmt::format("private IP address '{}' is not an IP address", *a));
      }
    }
    auto pips = get_object(hub, keys::kPublicIps);
    if (!pips) return;
    PointerScope sp(ptr, pips.key);
    for_each_object(*pips, keys::kAddresses, "hub public address", [&](dom::object o, std::size_t) {
      auto a = get_string(o, keys::kAddress);
      if (!a || trim(*a).empty()) return;
      if (auto ip = IpAddress::parse(trim(*a))) {
        fw.hub_public_addresses.push_back(*ip);
      } else {
        error_at(a.key, "invalid-value", fmt::format("public IP address '{}' is not an IP address", *a));
      }
    });
    const auto count = find_field(*pips, keys::kCount);
    std::int64_t n = 0;
    if (count && count->value.get_int64().get(n) == simdjson::SUCCESS && n > 0 &&
        static_cast<std::size_t>(n) > fw.hub_public_addresses.size()) {
      PointerScope sc(ptr, count->key);
      warning("hub-addresses-unknown",
              fmt::format("firewall '{}' has {} hub public IPs but the input lists {} of their addresses: DNAT through "
                          "the others is not reported",
                          fw.name, n, fw.hub_public_addresses.size()));
    }
  }

  void read_firewall(model::ResourceBase base, dom::object res, dom::object props, std::size_t res_mark) {
    model::Firewall fw;
    static_cast<model::ResourceBase&>(fw) = std::move(base);
    // `sku` sits under properties for firewalls ({name: AZFW_VNet|AZFW_Hub, tier}); accept it outside too.
    auto read_sku = [&](dom::object o) {
      if (auto sku = get_object(o, keys::kSku)) {
        PointerScope s(ptr, sku.key);
        if (auto n = get_string(*sku, keys::kName)) fw.sku_name = std::string(trim(*n));
        if (auto t = get_string(*sku, keys::kTier)) fw.tier = std::string(trim(*t));
      }
    };
    read_sku(props);
    {
      const std::string saved = ptr;
      ptr.resize(res_mark);
      if (!fw.flattened) read_sku(res);
      ptr = saved;
    }
    fw.threat_intel = read_threat_intel(props, model::ThreatIntelMode::kAlert);
    fw.policy = get_ref(props, keys::kFirewallPolicy);
    fw.virtual_hub = get_ref(props, keys::kVirtualHub);
    for_each_child(props, keys::kIpConfigurations, fw.id, segments::kFirewallIpConfigurationsAsWritten,
                   "firewall ip configuration", [&](dom::object o, ChildIds ids) {
                     model::FirewallIpConfiguration c;
                     c.name = std::move(ids.name);
                     c.where = here();
                     auto props_or = properties_of(o);
                     if (!props_or) return;
                     std::optional<PointerScope> scope;
                     if (!props_or->second.empty()) scope.emplace(ptr, props_or->second);
                     const dom::object p = props_or->first;
                     c.flattened = props_or->second.empty();
                     c.subnet = get_ref(p, keys::kSubnet);
                     c.public_ip = get_ref(p, keys::kPublicIpAddress);
                     if (auto a = get_string(p, keys::kPrivateIpAddress); a && !trim(*a).empty()) {
                       if (auto ip = IpAddress::parse(trim(*a))) {
                         c.private_ip = *ip;
                       } else {
                         error_at(a.key, "invalid-value",
                                  fmt::format("private IP address '{}' is not an IP address", *a));
                       }
                     }
                     fw.ip_configurations.push_back(std::move(c));
                   });
    if (auto hub = get_object(props, keys::kHubIpAddresses)) read_hub_ip_addresses(*hub, hub.key, fw);
    read_fw_collections(props, keys::kNatRuleCollections, model::FirewallRuleKind::kNat, fw.classic);
    read_fw_collections(props, keys::kNetworkRuleCollections, model::FirewallRuleKind::kNetwork, fw.classic);
    read_fw_collections(props, keys::kApplicationRuleCollections, model::FirewallRuleKind::kApplication, fw.classic);
    model.firewalls.push_back(std::move(fw));
  }

  /// A rule collection group (inline in a policy, or a separate resource); the pointer is at its object.
  std::optional<model::FirewallRuleCollectionGroup> read_fw_group(dom::object o, ChildIds ids) {
    model::FirewallRuleCollectionGroup g;
    g.key = model::canonical_id(ids.id);
    g.id = std::move(ids.id);
    g.name = std::move(ids.name);
    g.where = here();
    auto props_or = properties_of(o);
    if (!props_or) return std::nullopt;
    std::optional<PointerScope> scope;
    if (!props_or->second.empty()) scope.emplace(ptr, props_or->second);
    const dom::object props = props_or->first;
    if (!read_fw_priority(props, "rule collection group", g.name, g.priority)) return std::nullopt;
    auto arr = get_array(props, keys::kRuleCollections);
    if (!arr) return g;  // a reference only (a policy's list of its groups): nothing to read
    PointerScope s(ptr, arr.key);
    std::size_t i = 0;
    for (dom::element e : *arr) {
      PointerScope item(ptr, i);
      dom::object c;
      if (e.get_object().get(c) != simdjson::SUCCESS) {
        error("invalid-type", fmt::format("rule collection is {}, expected an object", kind_name(e.type())));
      } else if (auto col = read_fw_collection(c, std::nullopt, i)) {
        g.collections.push_back(std::move(*col));
      }
      ++i;
    }
    return g;
  }

  void read_firewall_policy(model::ResourceBase base, dom::object props) {
    model::FirewallPolicy p;
    static_cast<model::ResourceBase&>(p) = std::move(base);
    p.base_policy = get_ref(props, keys::kBasePolicy);
    p.threat_intel = read_threat_intel(props, model::ThreatIntelMode::kAlert);
    // The policy lists its groups by id; groups arrive as separate resources. Inline groups with their
    // collections (some exports) are read here.
    read_policy_groups(p, props, keys::kRuleCollectionGroups, keys::kRuleCollections,
                       segments::kRuleCollectionGroupsAsWritten, "rule collection group",
                       [&](dom::object o, ChildIds ids) { return read_fw_group(o, std::move(ids)); });
    // Legacy policies (2019-06-01 to 2020-04-01) list `ruleGroups` the same way.
    read_policy_groups(p, props, keys::kRuleGroups, keys::kRules, segments::kRuleGroupsAsWritten, "rule group",
                       [&](dom::object o, ChildIds ids) { return read_fw_rule_group(o, std::move(ids)); });
    model.firewall_policies.push_back(std::move(p));
  }

  /// A policy's list of groups (`key`): an entry with neither properties nor its content (`content_key`) is a
  /// reference by id, kept in listed_groups; others are inline groups, read by `read`. Entries that are not
  /// objects are skipped.
  template <typename Read>
  void read_policy_groups(model::FirewallPolicy& p, dom::object props, std::string_view key,
                          std::string_view content_key, std::string_view segment, std::string_view what, Read&& read) {
    auto arr = get_array(props, key);
    if (!arr) return;
    PointerScope s(ptr, arr.key);
    std::size_t i = 0;
    for (dom::element e : *arr) {
      PointerScope item(ptr, i++);
      dom::object o;
      if (e.get_object().get(o) != simdjson::SUCCESS) continue;
      if (!find_field(o, keys::kProperties) && !find_field(o, content_key)) {  // a reference
        if (auto id = get_string(o, keys::kId)) p.listed_groups.push_back(Ref{model::canonical_id(*id), -1});
        continue;
      }
      auto ids = child_ids(o, p.id, segment, what);
      if (!ids) continue;
      if (auto g = read(o, std::move(*ids))) p.groups.push_back(std::move(*g));
    }
  }

  /// A legacy rule group (`firewallPolicies/ruleGroups`, apiVersion 2019-06-01 to 2020-04-01), read into the
  /// model of rule collection groups: each legacy rule (a priority, an action, conditions) is a rule
  /// collection, each of its conditions a rule. The pointer is at the group's object.
  std::optional<model::FirewallRuleCollectionGroup> read_fw_rule_group(dom::object o, ChildIds ids) {
    model::FirewallRuleCollectionGroup g;
    g.key = model::canonical_id(ids.id);
    g.id = std::move(ids.id);
    g.name = std::move(ids.name);
    g.where = here();
    auto props_or = properties_of(o);
    if (!props_or) return std::nullopt;
    std::optional<PointerScope> scope;
    if (!props_or->second.empty()) scope.emplace(ptr, props_or->second);
    const dom::object props = props_or->first;
    if (!read_fw_priority(props, "rule group", g.name, g.priority)) return std::nullopt;
    for_each_object(props, keys::kRules, "firewall policy rule", [&](dom::object r, std::size_t i) {
      if (auto c = read_legacy_fw_rule(r, i)) g.collections.push_back(std::move(*c));
    });
    return g;
  }

  /// One legacy rule: `FirewallPolicyNatRule` (action DNAT, one `ruleCondition` of type NetworkRuleCondition,
  /// `translatedAddress`, `translatedPort`) or `FirewallPolicyFilterRule` (action Allow or Deny,
  /// `ruleConditions` of type NetworkRuleCondition or ApplicationRuleCondition), as a rule collection.
  /// nullopt when unusable (reported). The pointer is at the rule.
  std::optional<model::FirewallRuleCollection> read_legacy_fw_rule(dom::object o, std::size_t index) {
    model::FirewallRuleCollection c;
    c.where = here();
    if (auto name = get_string(o, keys::kName)) c.name = std::string(*name);
    if (c.name.empty()) c.name = fmt::format("rule {}", index);
    auto type = get_string(o, keys::kRuleType);
    if (!type) {
      if (!type.present) error("missing-field", fmt::format("firewall policy rule '{}' has no 'ruleType'", c.name));
      return std::nullopt;
    }
    const std::string_view t = trim(*type);
    const bool nat = iequals(t, "firewallpolicynatrule");
    if (!nat && !iequals(t, "firewallpolicyfilterrule")) {
      error_at(type.key, "invalid-value",
               fmt::format("rule type '{}' is not FirewallPolicyNatRule or FirewallPolicyFilterRule", *type));
      return std::nullopt;
    }
    if (!read_fw_priority(o, "firewall policy rule", c.name, c.priority)) return std::nullopt;
    std::string action;
    if (auto a = get_object(o, keys::kAction)) {
      PointerScope s(ptr, a.key);
      if (auto at = get_string(*a, keys::kType)) action = std::string(trim(*at));
    }
    if (nat) {
      c.kind = model::FirewallRuleKind::kNat;
      if (iequals(action, "snat")) {
        warning("unmodelled-feature",
                fmt::format("firewall policy rule '{}': SNAT rules do not admit inbound traffic; ignored", c.name));
        return std::nullopt;
      }
      if (!iequals(action, "dnat")) {
        error("invalid-value", fmt::format("NAT rule '{}': action '{}' is not DNAT or SNAT", c.name, action));
        return std::nullopt;
      }
      c.action = model::FirewallAction::kDnat;
      auto cond = get_object(o, keys::kRuleCondition);
      if (!cond) {
        if (!cond.present) error("missing-field", fmt::format("NAT rule '{}' has no 'ruleCondition'", c.name));
        return std::nullopt;
      }
      std::optional<model::FirewallRule> rule;
      {
        PointerScope s(ptr, cond.key);
        rule = read_legacy_fw_condition(*cond, 0, true);
      }
      if (!rule) return std::nullopt;
      rule->kind = model::FirewallRuleKind::kNat;
      rule->name = c.name;  // the condition's name ("DNATRule") says less than the rule's
      if (!read_fw_translation(o, *rule)) return std::nullopt;
      c.rules.push_back(std::move(*rule));
      return c;
    }
    if (iequals(action, "allow")) {
      c.action = model::FirewallAction::kAllow;
    } else if (iequals(action, "deny")) {
      c.action = model::FirewallAction::kDeny;
    } else if (iequals(action, "alert")) {
      // The preview schema's third filter action: traffic passes and is logged, so it counts as Allow.
      c.action = model::FirewallAction::kAllow;
      warning("unmodelled-feature",
              fmt::format("firewall policy rule '{}': action 'Alert' is taken as Allow (the traffic passes)", c.name));
    } else {
      error("invalid-value", fmt::format("filter rule '{}': action '{}' is not Allow, Deny or Alert", c.name, action));
      return std::nullopt;
    }
    for_each_object(o, keys::kRuleConditions, "rule condition", [&](dom::object cond, std::size_t i) {
      if (auto rule = read_legacy_fw_condition(cond, i, false)) c.rules.push_back(std::move(*rule));
    });
    if (!c.rules.empty()) c.kind = c.rules.front().kind;
    return c;
  }

  /// A legacy rule condition as a rule: NetworkRuleCondition (a network rule; the addresses of a NAT rule)
  /// or ApplicationRuleCondition (an application rule; not allowed in a NAT rule). The pointer is at it.
  std::optional<model::FirewallRule> read_legacy_fw_condition(dom::object o, std::size_t index, bool nat) {
    auto type = get_string(o, keys::kRuleConditionType);
    if (!type) {
      if (!type.present) error("missing-field", "rule condition has no 'ruleConditionType'");
      return std::nullopt;
    }
    const std::string_view t = trim(*type);
    model::FirewallRuleKind kind = model::FirewallRuleKind::kNetwork;
    if (iequals(t, "applicationrulecondition") && !nat) {
      kind = model::FirewallRuleKind::kApplication;
    } else if (!iequals(t, "networkrulecondition")) {
      error_at(type.key, "invalid-value",
               fmt::format("rule condition type '{}' is not {}", *type,
                           nat ? "NetworkRuleCondition (a NAT rule's condition)"
                               : "NetworkRuleCondition or ApplicationRuleCondition"));
      return std::nullopt;
    }
    return read_fw_rule(o, kind, index);
  }

  void read_ip_group(model::ResourceBase base, dom::object props) {
    model::IpGroup g;
    static_cast<model::ResourceBase&>(g) = std::move(base);
    model::FirewallAddresses a;
    // An address only known at deployment or a placeholder (`xx.xx.xx.xx`) leaves the group unknown: every
    // address where a rule allows, none where it denies (docs/model.md, "Unknown values").
    read_fw_addresses(props, keys::kIpAddresses, "", a, &g.unknown);
    g.prefixes = std::move(a.prefixes);
    for (const auto& u : a.unresolved) {
      warning("invalid-value",
              fmt::format("IP group '{}': '{}' is not an address, range or CIDR: the group is read as unknown (every "
                          "address where a rule allows, none where it denies)",
                          g.name, u));
      g.unknown = true;
    }
    model.ip_groups.push_back(std::move(g));
  }

  // ---- resources ----

  enum class Kind {
    kVnet,
    kSubnet,
    kPeering,
    kNsg,
    kRule,
    kDefaultRule,
    kAsg,
    kNic,
    kIpConfig,
    kPublicIp,
    kVm,
    kRouteTable,
    kRoute,
    kLoadBalancer,
    kLbNatRule,
    kLbPool,
    kScaleSet,
    kVirtualWan,
    kVirtualHub,
    kHubConnection,
    kHubRoutingIntent,
    kHubRouteTable,
    kStorageAccount,
    kKeyVault,
    kSqlServer,
    kSqlFirewallRule,
    kSqlConnectionPolicy,
    kCosmosDbAccount,
    kWebSite,
    kPrivateEndpoint,
    kWebSiteConfig,
    kFirewall,
    kFirewallPolicy,
    kRuleCollectionGroup,
    kIpGroup,
    kBastion,
    kApplicationGateway,
    kWafPolicy,
    kRuleGroup,
  };

  static std::optional<Kind> kind_of(std::string_view lower_type) {
    static const std::unordered_map<std::string_view, Kind> kKinds = {
        {types::kVirtualNetwork, Kind::kVnet},
        {types::kSubnet, Kind::kSubnet},
        {types::kPeering, Kind::kPeering},
        {types::kNetworkSecurityGroup, Kind::kNsg},
        {types::kSecurityRule, Kind::kRule},
        {types::kDefaultSecurityRule, Kind::kDefaultRule},
        {types::kApplicationSecurityGroup, Kind::kAsg},
        {types::kNetworkInterface, Kind::kNic},
        {types::kIpConfiguration, Kind::kIpConfig},
        {types::kPublicIpAddress, Kind::kPublicIp},
        {types::kVirtualMachine, Kind::kVm},
        {types::kRouteTable, Kind::kRouteTable},
        {types::kRoute, Kind::kRoute},
        {types::kLoadBalancer, Kind::kLoadBalancer},
        {types::kLbInboundNatRule, Kind::kLbNatRule},
        {types::kLbBackendAddressPool, Kind::kLbPool},
        {types::kScaleSet, Kind::kScaleSet},
        {types::kVirtualWan, Kind::kVirtualWan},
        {types::kVirtualHub, Kind::kVirtualHub},
        {types::kHubConnection, Kind::kHubConnection},
        {types::kHubRoutingIntent, Kind::kHubRoutingIntent},
        {types::kHubRouteTable, Kind::kHubRouteTable},
        {types::kStorageAccount, Kind::kStorageAccount},
        {types::kKeyVault, Kind::kKeyVault},
        {types::kSqlServer, Kind::kSqlServer},
        {types::kSqlFirewallRule, Kind::kSqlFirewallRule},
        {types::kSqlConnectionPolicy, Kind::kSqlConnectionPolicy},
        {types::kCosmosDbAccount, Kind::kCosmosDbAccount},
        {types::kWebSite, Kind::kWebSite},
        {types::kPrivateEndpoint, Kind::kPrivateEndpoint},
        {types::kWebSiteConfig, Kind::kWebSiteConfig},
        {types::kAzureFirewall, Kind::kFirewall},
        {types::kFirewallPolicy, Kind::kFirewallPolicy},
        {types::kRuleCollectionGroup, Kind::kRuleCollectionGroup},
        {types::kIpGroup, Kind::kIpGroup},
        {types::kBastionHost, Kind::kBastion},
        {types::kApplicationGateway, Kind::kApplicationGateway},
        {types::kWafPolicy, Kind::kWafPolicy},
        {types::kRuleGroup, Kind::kRuleGroup},
    };
    auto it = kKinds.find(lower_type);
    if (it == kKinds.end()) return std::nullopt;
    return it->second;
  }

  /// Splits a separate child's id at its parent segment; reports and returns false when it has none.
  bool split_child_id(std::string_view id, std::string_view segment, std::string_view what, std::string& parent_id) {
    const auto cut = irfind(id, segment);
    if (cut == std::string_view::npos || cut == 0) {
      error("invalid-value", fmt::format("{} id '{}' has no '{}' segment naming its parent", what, id,
                                         segment.substr(1, segment.size() - 2)));
      return false;
    }
    parent_id = std::string(id.substr(0, cut));
    return true;
  }

  /// False when the child was left out (reported).
  bool read_separate_child(Kind kind, dom::object res, const model::ResourceBase& base) {
    ChildIds ids{base.id, base.name};
    std::string parent_id;
    switch (kind) {
      case Kind::kSubnet: {
        if (!split_child_id(base.id, segments::kSubnets, "subnet", parent_id)) return false;
        auto s = read_subnet(res, std::move(ids), "");
        if (!s) return false;
        PendingSubnet pending{s->key, s->name, s->vnet.id, parent_id, s->where};
        if (add_subnet(std::move(*s), false)) pending_subnets.push_back(std::move(pending));
        return true;
      }
      case Kind::kRule:
      case Kind::kDefaultRule: {
        const bool is_default = kind == Kind::kDefaultRule;
        const auto seg = is_default ? segments::kDefaultSecurityRules : segments::kSecurityRules;
        if (!split_child_id(base.id, seg, "security rule", parent_id)) return false;
        if (is_default && options.from_template) return true;  // read-only: Azure applies its own six
        model::SecurityRule r;
        const RuleRead read = read_rule(res, std::move(ids), is_default, r);
        if (read == RuleRead::kError) return false;
        if (read == RuleRead::kIgnored) return true;
        std::string key = model::canonical_id(r.id);
        pending_rules.push_back({model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(r)});
        return true;
      }
      case Kind::kPeering: {
        if (!split_child_id(base.id, segments::kPeerings, "virtual network peering", parent_id)) return false;
        auto p = read_peering(res, std::move(ids));
        if (!p) return false;
        std::string key = model::canonical_id(p->id);
        pending_peerings.push_back(
            {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*p)});
        return true;
      }
      case Kind::kRoute: {
        if (!split_child_id(base.id, segments::kRoutes, "route", parent_id)) return false;
        auto r = read_route(res, std::move(ids));
        if (!r) return false;
        std::string key = lowercase(r->name);
        pending_routes.push_back({model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*r)});
        return true;
      }
      case Kind::kIpConfig: {
        if (!split_child_id(base.id, segments::kIpConfigurations, "ip configuration", parent_id)) return false;
        auto c = read_ip_config(res, std::move(ids));
        if (!c) return false;
        std::string key = c->key;
        pending_ip_configs.push_back(
            {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*c)});
        return true;
      }
      case Kind::kLbNatRule: {
        if (!split_child_id(base.id, segments::kLbInboundNatRules, "inbound NAT rule", parent_id)) return false;
        auto r = read_lb_nat_rule(res, std::move(ids));
        if (!r) return false;
        std::string key = r->key;
        pending_nat_rules.push_back(
            {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*r)});
        return true;
      }
      case Kind::kLbPool: {
        if (!split_child_id(base.id, segments::kLbBackendAddressPools, "backend address pool", parent_id)) return false;
        auto p = read_lb_pool(res, std::move(ids), last_segment(parent_id));
        if (!p) return false;
        std::string key = p->key;
        pending_pools.push_back({model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*p)});
        return true;
      }
      case Kind::kSqlFirewallRule: {
        if (!split_child_id(base.id, segments::kSqlFirewallRules, "firewall rule", parent_id)) return false;
        auto r = read_sql_firewall_rule(res, std::move(ids));
        if (!r) return false;
        std::string key = lowercase(r->name);
        pending_sql_rules.push_back(
            {model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*r)});
        return true;
      }
      case Kind::kSqlConnectionPolicy: {
        if (!split_child_id(base.id, segments::kSqlConnectionPolicies, "connection policy", parent_id)) return false;
        auto props_or = properties_of(res);
        if (!props_or) return false;
        std::optional<PointerScope> scope;
        if (!props_or->second.empty()) scope.emplace(ptr, props_or->second);
        SqlConnectionPolicy policy{base.name, base.where, false};
        if (auto t = get_string(props_or->first, keys::kConnectionType)) {
          const std::string_view v = trim(*t);
          if (iequals(v, "proxy")) {
            policy.proxy = true;
          } else if (!iequals(v, "default") && !iequals(v, "redirect")) {
            error_at(t.key, "invalid-value", fmt::format("connection type '{}' is not Default, Redirect or Proxy", *t));
            return false;
          }
        }
        pending_sql_policies.push_back({model::canonical_id(parent_id), std::move(parent_id), "", std::move(policy)});
        return true;
      }
      case Kind::kWebSiteConfig: {
        if (!split_child_id(base.id, segments::kWebSiteConfig, "site configuration", parent_id)) return false;
        // Only the `web` configuration holds access restrictions (others: appsettings, logs, ...).
        if (!iequals(last_segment(base.id), "web")) return true;
        auto props_or = properties_of(res);
        if (!props_or) return false;
        std::optional<PointerScope> scope;
        if (!props_or->second.empty()) scope.emplace(ptr, props_or->second);
        SiteRestrictions r = read_site_restrictions(props_or->first);
        if (!r.present) return true;
        r.name = base.name;
        r.where = base.where;
        pending_site_configs.push_back({model::canonical_id(parent_id), std::move(parent_id), "web", std::move(r)});
        return true;
      }
      case Kind::kRuleCollectionGroup: {
        if (!split_child_id(base.id, segments::kRuleCollectionGroups, "rule collection group", parent_id)) return false;
        auto g = read_fw_group(res, std::move(ids));
        if (!g) return false;
        std::string key = g->key;
        pending_groups.push_back({model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*g)});
        return true;
      }
      case Kind::kRuleGroup: {
        if (!split_child_id(base.id, segments::kRuleGroups, "rule group", parent_id)) return false;
        auto g = read_fw_rule_group(res, std::move(ids));
        if (!g) return false;
        std::string key = g->key;
        pending_groups.push_back({model::canonical_id(parent_id), std::move(parent_id), std::move(key), std::move(*g)});
        return true;
      }
      default: return false;
    }
  }

  /// `tags`: string values are kept (sorted by key); a value of another type gets a warning and is left out.
  void read_tags(dom::object tags, model::ResourceBase& base) {
    PointerScope scope(ptr, keys::kTags);
    model::Tags::List list;
    for (auto [key, value] : tags) {
      std::string_view v;
      if (value.get_string().get(v) != simdjson::SUCCESS) {
        PointerScope at(ptr, key);
        warning("invalid-type",
                fmt::format("tag '{}' is {}, expected a string; tag ignored", key, kind_name(value.type())));
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

  /// A Front Door or CDN profile of the file, with what its resources say about its backends.
  struct UnmodelledEntry {
    std::string name;
    std::string pointer;  // of the Front Door or profile itself when in the file, else its first child
    bool front_door_classic{false};
    bool front_door{false};        // an Azure Front Door (Standard/Premium) profile: its SKU or an AFD endpoint
    std::set<std::string> hosts;   // backend and origin host names the input states
    std::size_t unknown_hosts{0};  // host names only known at deployment
  };
  std::map<std::string, UnmodelledEntry> entries_;  // canonical id of the Front Door or profile -> entry

  /// A string field read without reporting anything (types not modelled are not validated).
  static std::string_view quiet_string(dom::object o, std::string_view lower) {
    std::string_view v;
    if (auto f = find_field(o, lower); f && f->value.get_string().get(v) != simdjson::SUCCESS) v = {};
    return v;
  }
  static std::optional<dom::object> quiet_object(dom::object o, std::string_view lower) {
    dom::object v;
    if (auto f = find_field(o, lower); f && f->value.get_object().get(v) == simdjson::SUCCESS) return v;
    return std::nullopt;
  }
  /// The `properties` of a resource, or the resource itself when flattened.
  static dom::object quiet_properties(dom::object res) { return quiet_object(res, keys::kProperties).value_or(res); }
  template <typename Fn>
  static void quiet_each_object(dom::object o, std::string_view lower, Fn&& fn) {
    dom::array a;
    if (auto f = find_field(o, lower); !f || f->value.get_array().get(a) != simdjson::SUCCESS) return;
    for (dom::element e : a) {
      dom::object item;
      if (e.get_object().get(item) == simdjson::SUCCESS) fn(item);
    }
  }

  void add_host(UnmodelledEntry& e, std::string_view host) {
    host = trim(host);
    if (host.empty()) return;
    if (is_unknown_value(host)) {
      ++e.unknown_hosts;
    } else {
      e.hosts.emplace(host);
    }
  }

  /// Records a Front Door (classic) or a CDN profile resource or child (Azure Front Door Standard/Premium, classic
  /// CDN) for the `unmodelled-entry-point` warning; false for every other type.
  bool note_entry_point(std::string_view lower_type, dom::object res) {
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
    const std::string lower_id = lowercase(id);
    std::string key, name;
    if (const auto at = lower_id.find(marker); at != std::string::npos) {
      const auto end = lower_id.find('/', at + marker.size());
      key = lower_id.substr(0, end);
      name =
          std::string(id.substr(at + marker.size(), (end == std::string::npos ? id.size() : end) - at - marker.size()));
    } else {
      const std::string_view n = quiet_string(res, keys::kName);
      name = std::string(n.substr(0, n.find('/')));
      key = std::string(marker) + lowercase(name);
    }
    auto& e = entries_[key];
    if (e.pointer.empty() || classic || profile) {
      e.pointer = ptr;
      e.name = name;
    }
    const dom::object props = quiet_properties(res);
    if (classic) {
      e.front_door_classic = true;
      quiet_each_object(props, "backendpools", [&](dom::object pool) {
        quiet_each_object(quiet_properties(pool), "backends",
                          [&](dom::object b) { add_host(e, quiet_string(b, keys::kAddress)); });
      });
    } else if (profile) {
      if (auto sku = quiet_object(res, keys::kSku)) {
        e.front_door =
            e.front_door || lowercase(quiet_string(*sku, keys::kName)).find("azurefrontdoor") != std::string::npos;
      }
    } else if (lower_type == types::kCdnAfdEndpoint) {
      e.front_door = true;
    } else if (lower_type == types::kCdnOrigin) {
      add_host(e, quiet_string(props, keys::kHostName));
    } else if (lower_type == types::kCdnEndpoint) {
      quiet_each_object(props, "origins",
                        [&](dom::object o) { add_host(e, quiet_string(quiet_properties(o), keys::kHostName)); });
    }
    return true;
  }

  /// Types not modelled, at the end of a file: one `unmodelled-entry-point` warning per Front Door or CDN profile,
  /// one `unmodelled-types` warning listing the types that could change the answer, one `inert-types` note
  /// listing those that cannot (azure_keys.h).
  void report_unmodelled(const std::map<std::string, std::size_t>& skipped) {
    for (const auto& [key, e] : entries_) {
      const char* what = e.front_door_classic ? "Front Door"
                         : e.front_door       ? "Azure Front Door profile"
                                              : "CDN profile";
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
      diags.warning("unmodelled-entry-point", {file, e.pointer, 0, 0},
                    fmt::format("{} '{}' is an internet entry point in front of {}: exposim does not model it as an "
                                "entry yet, so what it forwards to is not reported through it",
                                what, e.name, backends));
    }
    entries_.clear();
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
  bool skip_effective_output(dom::object res) {
    const bool routes = find_field(res, "nexthoptype") && find_field(res, "source") && find_field(res, "state");
    bool nsg = find_field(res, "effectivesecurityrules").has_value();
    if (!nsg) {
      if (auto list = find_field(res, "networksecuritygroups")) {
        dom::array a;
        if (list->value.get_array().get(a) == simdjson::SUCCESS) {
          for (dom::element e : a) {
            dom::object o;
            nsg = nsg || (e.get_object().get(o) == simdjson::SUCCESS && find_field(o, "effectivesecurityrules"));
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

  /// Converts one element of the resource list; the pointer is at the element.
  void convert(dom::element root, bool whole_document) {
    dom::object res;
    if (root.get_object().get(res) != simdjson::SUCCESS) {
      error("invalid-type", fmt::format("resource is {}, expected an object", kind_name(root.type())));
      return;
    }
    auto type = get_string(res, keys::kType);
    if (!type) {
      if (type.present) return;  // invalid-type reported
      if (skip_effective_output(res)) return;
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
    std::string lower_type = lowercase(trim(*type));
    const auto kind = kind_of(lower_type);
    if (!kind) {
      if (!note_entry_point(lower_type, res)) ++stats->skipped_types[std::move(lower_type)];
      return;
    }
    auto id = get_string(res, keys::kId);
    if (!id || trim(*id).empty()) {
      if (!id.present || id) error("missing-field", fmt::format("resource of type '{}' has no 'id'", *type));
      return;
    }
    model::ResourceBase base;
    base.id = std::string(trim(*id));
    base.key = model::canonical_id(base.id);
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

    switch (*kind) {
      case Kind::kVnet: read_vnet(std::move(base), props); break;
      case Kind::kNsg: read_nsg(std::move(base), props); break;
      case Kind::kAsg: {
        model::ApplicationSecurityGroup a;
        static_cast<model::ResourceBase&>(a) = std::move(base);
        model.asgs.push_back(std::move(a));
        break;
      }
      case Kind::kNic: read_nic(std::move(base), props); break;
      case Kind::kPublicIp: read_public_ip(std::move(base), res, props, res_mark); break;
      case Kind::kVm: read_vm(std::move(base), props); break;
      case Kind::kRouteTable: read_route_table(std::move(base), props); break;
      case Kind::kLoadBalancer: read_load_balancer(std::move(base), res, props, res_mark); break;
      case Kind::kScaleSet: read_scale_set(std::move(base), res, props, res_mark); break;
      case Kind::kVirtualWan: read_virtual_wan(std::move(base), props); break;
      case Kind::kVirtualHub: read_virtual_hub(std::move(base), props); break;
      case Kind::kHubConnection: read_hub_connection(std::move(base), props); break;
      case Kind::kHubRoutingIntent: read_hub_routing_intent(std::move(base), props); break;
      case Kind::kHubRouteTable: read_hub_route_table(std::move(base), props); break;
      case Kind::kStorageAccount: read_storage_account(std::move(base), res, props, res_mark); break;
      case Kind::kKeyVault: read_key_vault(std::move(base), props); break;
      case Kind::kSqlServer: read_sql_server(std::move(base), props); break;
      case Kind::kCosmosDbAccount: read_cosmos_account(std::move(base), res, props, res_mark); break;
      case Kind::kWebSite: read_web_site(std::move(base), props); break;
      case Kind::kPrivateEndpoint: read_private_endpoint(std::move(base), props); break;
      case Kind::kFirewall: read_firewall(std::move(base), res, props, res_mark); break;
      case Kind::kFirewallPolicy: read_firewall_policy(std::move(base), props); break;
      case Kind::kIpGroup: read_ip_group(std::move(base), props); break;
      case Kind::kBastion: read_bastion(std::move(base), res, props, res_mark); break;
      case Kind::kApplicationGateway: read_application_gateway(std::move(base), res, props, res_mark); break;
      case Kind::kWafPolicy: read_waf_policy(base, props); break;
      case Kind::kSubnet:
      case Kind::kPeering:
      case Kind::kRule:
      case Kind::kDefaultRule:
      case Kind::kRoute:
      case Kind::kIpConfig:
      case Kind::kLbNatRule:
      case Kind::kLbPool:
      case Kind::kSqlFirewallRule:
      case Kind::kSqlConnectionPolicy:
      case Kind::kWebSiteConfig:
      case Kind::kRuleCollectionGroup:
      case Kind::kRuleGroup: {
        // Child readers work from the child's own object, at the resource's pointer.
        props_scope.reset();
        if (!read_separate_child(*kind, res, base)) return;
        break;
      }
    }
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
      if (message.size() > 14) message[14] = lower_ascii(message[14]);
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
      convert(root, whole);
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
    apply_waf_policies();
    if (pending_subnets.empty() && pending_rules.empty() && pending_peerings.empty() && pending_routes.empty() &&
        pending_ip_configs.empty() && pending_nat_rules.empty() && pending_pools.empty() && pending_groups.empty() &&
        pending_sql_rules.empty() && pending_site_configs.empty() && pending_sql_policies.empty()) {
      return;
    }
    auto index_by_key = [](const auto& resources) {
      std::unordered_map<std::string_view, std::size_t> out;
      for (std::size_t i = 0; i < resources.size(); ++i) out.try_emplace(resources[i].key, i);
      return out;
    };
    auto dangling = [&](const model::SourceLocation& where, std::string_view child, std::string_view name,
                        std::string_view parent, std::string_view parent_id) {
      if (options.from_template) {
        // An existing parent, or a name only known at deployment: the parent is unknown, and so is what the child
        // adds to it (its rules, peerings or routes); the unknown parent is read conservatively where it is
        // referenced (docs/model.md, "Unknown values").
        diags.warning(
            "dangling-parent", where,
            fmt::format("{} '{}' has no parent in the input: {} '{}' is not declared (an existing resource, or "
                        "a name only known at deployment); the {} is not analysed",
                        child, name, parent, parent_id, child));
        return;
      }
      diags.error("dangling-parent", where,
                  fmt::format("{} '{}' has no parent: {} '{}' is not in the input", child, name, parent, parent_id));
    };

    if (!pending_subnets.empty()) {
      const auto vnets = index_by_key(model.vnets);
      std::unordered_set<std::string> listed;
      for (const auto& v : model.vnets) {
        for (const auto& r : v.subnets) listed.insert(r.id);
      }
      // From a template, a subnet of a virtual network the template does not declare (an existing one) gets an
      // assumed parent: its address space is the prefixes of its known subnets, nothing else (docs/model.md,
      // "Unknown values"); validation names it with the other resources not in the input.
      std::unordered_map<std::string, std::size_t> assumed;  // vnet key -> index in model.vnets
      std::unordered_map<std::string, std::size_t> subnet_at;
      if (options.from_template) {
        for (std::size_t i = 0; i < model.subnets.size(); ++i) subnet_at.try_emplace(model.subnets[i].key, i);
      }
      for (auto& p : pending_subnets) {
        std::size_t vnet = 0;
        if (auto it = vnets.find(p.vnet_key); it != vnets.end()) {
          vnet = it->second;
        } else if (auto a = assumed.find(p.vnet_key); a != assumed.end()) {
          vnet = a->second;
        } else if (options.from_template) {
          model::VirtualNetwork v;
          v.id = p.vnet_id;
          v.key = p.vnet_key;
          v.name = std::string(last_segment(p.vnet_id));
          v.where = p.where;
          v.location = std::string(model::kAssumedLocation);
          vnet = model.vnets.size();
          assumed.emplace(p.vnet_key, vnet);
          model.vnets.push_back(std::move(v));
        } else {
          dangling(p.where, "subnet", p.name, "virtual network", p.vnet_id);
          continue;
        }
        auto& v = model.vnets[vnet];
        if (model::is_assumed(v)) {
          if (auto s = subnet_at.find(p.key); s != subnet_at.end()) {
            for (const auto& prefix : model.subnets[s->second].prefixes) {
              if (std::find(v.address_space.begin(), v.address_space.end(), prefix) == v.address_space.end()) {
                v.address_space.push_back(prefix);
              }
            }
          }
        }
        if (listed.insert(p.key).second) v.subnets.push_back(Ref{p.key, -1});
      }
      pending_subnets.clear();
    }

    // Attaches children of one kind; `existing(parent)` lists the identities already in a parent.
    auto attach = [&](auto& pending, auto& parents, auto children_of, auto identity_of, std::string_view child,
                      std::string_view parent) {
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
    };
    attach(
        pending_rules, model.nsgs, [](auto& n) -> auto& { return n.rules; },
        [](const model::SecurityRule& r) { return model::canonical_id(r.id); }, "security rule",
        "network security group");
    attach(
        pending_peerings, model.vnets, [](auto& v) -> auto& { return v.peerings; },
        [](const model::Peering& p) { return model::canonical_id(p.id); }, "virtual network peering",
        "virtual network");
    attach(
        pending_routes, model.route_tables, [](auto& t) -> auto& { return t.routes; },
        [](const model::Route& r) { return lowercase(r.name); }, "route", "route table");
    attach(
        pending_ip_configs, model.nics, [](auto& n) -> auto& { return n.ip_configurations; },
        [](const model::IpConfiguration& c) { return c.key; }, "ip configuration", "network interface");
    attach(
        pending_nat_rules, model.load_balancers, [](auto& l) -> auto& { return l.nat_rules; },
        [](const model::LbNatRule& r) { return r.key; }, "inbound NAT rule", "load balancer");
    attach(
        pending_pools, model.load_balancers, [](auto& l) -> auto& { return l.backend_pools; },
        [](const model::LbBackendPool& p) { return p.key; }, "backend address pool", "load balancer");
    attach(
        pending_groups, model.firewall_policies, [](auto& p) -> auto& { return p.groups; },
        [](const model::FirewallRuleCollectionGroup& g) { return g.key; }, "rule collection group", "firewall policy");
    attach(
        pending_sql_rules, model.paas_services, [](auto& s) -> auto& { return s.ip_rules; },
        [](const model::PaasIpRule& r) { return lowercase(r.name); }, "firewall rule", "SQL server");
    if (!pending_sql_policies.empty()) {
      const auto servers = index_by_key(model.paas_services);
      for (auto& p : pending_sql_policies) {
        auto it = servers.find(p.parent_key);
        if (it == servers.end() || model.paas_services[it->second].kind != model::PaasKind::kSqlServer) {
          dangling(p.value.where, "connection policy", p.value.name, "SQL server", p.parent_id);
          continue;
        }
        if (p.value.proxy) model.paas_services[it->second].tcp_ports = tcp_ports({1433});
      }
      pending_sql_policies.clear();
    }
    if (!pending_site_configs.empty()) {
      // The separate `config/web` resource is what Azure enforces; it replaces restrictions read from the
      // site's own `siteConfig` (which site listings leave empty).
      const auto sites = index_by_key(model.paas_services);
      for (auto& p : pending_site_configs) {
        auto it = sites.find(p.parent_key);
        if (it == sites.end() || model.paas_services[it->second].kind != model::PaasKind::kAppService) {
          dangling(p.value.where, "site configuration", p.value.name, "App Service site", p.parent_id);
          continue;
        }
        apply_site_restrictions(model.paas_services[it->second], std::move(p.value));
      }
      pending_site_configs.clear();
    }
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

bool Importer::models(std::string_view lower_type) { return Impl::kind_of(lower_type).has_value(); }

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
