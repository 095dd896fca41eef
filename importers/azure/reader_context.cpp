// The reader context: diagnostics, values only known at deployment, typed field access.
#include "importers/azure/reader_context.h"

#include <algorithm>

#include "importers/azure/json_dom.h"
#include "importers/unknown_value.h"
#include "model/json_pointer.h"
#include "model/unknown.h"

namespace exposim::importers::azure {

std::size_t irfind(std::string_view text, std::string_view lower) {
  if (lower.size() > text.size()) return std::string_view::npos;
  for (std::size_t i = text.size() - lower.size() + 1; i-- > 0;) {
    if (ascii::equals_lower(text.substr(i, lower.size()), lower)) return i;
  }
  return std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view last_segment(std::string_view id) {
  while (!id.empty() && id.back() == '/') id.remove_suffix(1);
  const auto slash = id.rfind('/');
  return slash == std::string_view::npos ? id : id.substr(slash + 1);
}

bool looks_like_ip(std::string_view t) {
  return (!t.empty() && t.front() >= '0' && t.front() <= '9') || t.find(':') != std::string_view::npos ||
         t.find('/') != std::string_view::npos;
}

std::optional<IpFamily> parse_ip_version(std::string_view t) {
  if (ascii::equals_lower(t, "ipv4")) return IpFamily::kV4;
  if (ascii::equals_lower(t, "ipv6")) return IpFamily::kV6;
  return std::nullopt;
}

bool looks_like_placeholder(std::string_view raw) {
  const std::string_view t = trim(raw);
  if (t.empty()) return false;
  if (t.find('<') != std::string_view::npos && t.find('>') != std::string_view::npos) return true;
  bool letter = false, separator = false;
  for (char c : t) {
    const char l = ascii::lower(c);
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

std::string_view parameter_of(std::string_view text) {
  text = trim(text);
  if (text.size() > 2 && text.front() == '<' && text.back() == '>') return text.substr(1, text.size() - 2);
  constexpr std::string_view kCall = "parameters('";
  if (ascii::starts_with_lower(text, kCall) && text.size() > kCall.size() + 2 && text.substr(text.size() - 2) == "')") {
    const std::string_view name = text.substr(kCall.size(), text.size() - kCall.size() - 2);
    if (name.find('\'') == std::string_view::npos) return name;
  }
  return {};
}

std::optional<Field> find_field(JsonObject o, std::string_view lower) {
  for (dom::key_value_pair kv : dom_of(o)) {
    if (ascii::equals_lower(kv.key, lower)) {
      if (kv.value.is_null()) return std::nullopt;
      return Field{json_of(kv.value), kv.key};
    }
  }
  return std::nullopt;
}

std::size_t array_size(JsonObject o, std::string_view lower) {
  auto f = find_field(o, lower);
  JsonArray a;
  if (!f || !f->value.get(a)) return 0;
  return a.size();
}

std::string_view quiet_string(JsonObject o, std::string_view lower) {
  std::string_view v;
  if (auto f = find_field(o, lower); f && !f->value.get(v)) v = {};
  return v;
}

std::optional<JsonObject> quiet_object(JsonObject o, std::string_view lower) {
  JsonObject v;
  if (auto f = find_field(o, lower); f && f->value.get(v)) return v;
  return std::nullopt;
}

JsonObject quiet_properties(JsonObject res) { return quiet_object(res, keys::kProperties).value_or(res); }

void ReaderContext::report(Severity severity, std::string_view code, std::string pointer, std::string message) {
  if (severity == Severity::kError) ++errors;
  diags.add({severity, std::string(code), {file, std::move(pointer), 0, 0}, std::move(message)});
}

void ReaderContext::warning(std::string_view code, std::string message) {
  report(Severity::kWarning, code, ptr, std::move(message));
}

void ReaderContext::error_at(std::string_view key, std::string_view code, std::string message) {
  PointerScope s(ptr, key);
  error(code, std::move(message));
}

bool ReaderContext::is_valueless(std::string_view parameter) const {
  return std::any_of(options.valueless_parameters.begin(), options.valueless_parameters.end(),
                     [&](const std::string& p) { return ascii::equals_lower(p, ascii::lower(parameter)); });
}

void ReaderContext::note_unknown(std::string_view text) {
  if (is_unknown_value(text)) {
    const std::string_view reason = unknown_reason(text);
    if (auto param = parameter_of(reason); !param.empty()) {
      add_unknown("parameter " + ascii::lower(param), fmt::format("parameter '{}' has no value", param));
    } else {
      add_unknown("expression " + std::string(reason), fmt::format("'{}' is only known at deployment", reason));
    }
    return;
  }
  const std::string_view t = trim(text);
  if (auto param = parameter_of(t); !param.empty() && is_valueless(param)) {
    add_unknown("parameter " + ascii::lower(param), fmt::format("parameter '{}' has no value", param));
  } else {
    add_unknown("placeholder " + std::string(t), fmt::format("'{}' is a placeholder", t));
  }
}

void ReaderContext::add_unknown(std::string key, std::string message) {
  auto [it, fresh] = unknown_causes.try_emplace(std::move(key));
  if (fresh) {
    it->second.first = here();
    it->second.message = std::move(message);
  }
  ++it->second.fields;
}

void ReaderContext::flush_unknown_causes() {
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

bool ReaderContext::invalid_value(std::string_view text, std::string message) {
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

bool ReaderContext::invalid_value_at(std::string_view key, std::string_view text, std::string message) {
  PointerScope s(ptr, key);
  return invalid_value(text, std::move(message));
}

void ReaderContext::coerced(std::string_view key, std::string_view text, std::string_view read_as) {
  PointerScope s(ptr, key);
  report(Severity::kNote, "coerced-value", ptr, fmt::format("'{}' is the string '{}', read as {}", key, text, read_as));
}

bool ReaderContext::silent_key(std::string_view lower) {
  return lower == keys::kName || lower == keys::kId || lower == keys::kType || lower == keys::kLocation;
}

Got<std::string_view> ReaderContext::get_string(JsonObject o, std::string_view name) {
  auto f = find_field(o, name);
  if (!f) return {};
  std::string_view s;
  if (!f->value.get(s)) return wrong_type<std::string_view>(*f, "a string");
  if (!silent_key(name) && (is_unknown_value(s) || (options.from_template && !parameter_of(s).empty() &&
                                                    s.front() == '<' && is_valueless(parameter_of(s))))) {
    return unknown_field<std::string_view>(*f, s);
  }
  return {s, f->key, true, true};
}

Got<bool> ReaderContext::get_bool(JsonObject o, std::string_view name) {
  auto f = find_field(o, name);
  if (!f) return {};
  bool b = false;
  if (f->value.get(b)) return {b, f->key, true, true};
  std::string_view s;
  if (!f->value.get(s)) return wrong_type<bool>(*f, "a boolean");
  const std::string_view t = trim(s);
  if (ascii::equals_lower(t, "true") || ascii::equals_lower(t, "false")) {
    coerced(f->key, s, ascii::equals_lower(t, "true") ? "true" : "false");
    return {ascii::equals_lower(t, "true"), f->key, true, true};
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

Got<std::int64_t> ReaderContext::get_int(JsonObject o, std::string_view name, std::int64_t lo, std::int64_t hi,
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
    out.unknown = invalid_value(
        text, v > hi ? fmt::format("{} {} is above {}", field, v, hi) : fmt::format("{} {} is below {}", field, v, lo));
  };
  std::int64_t v = 0;
  std::uint64_t big = 0;
  std::string_view s;
  if (f->value.get(v)) {
    range_check(v, std::to_string(v));
  } else if (f->value.get(big)) {
    PointerScope at(ptr, f->key);
    out.unknown = invalid_value(std::to_string(big), fmt::format("{} {} is above {}", field, big, hi));
  } else if (f->value.get(s)) {
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

Got<JsonObject> ReaderContext::get_object(JsonObject o, std::string_view name) {
  auto f = find_field(o, name);
  if (!f) return {};
  JsonObject v;
  if (std::string_view text; f->value.get(text) && is_unknown_value(text)) {
    return unknown_field<JsonObject>(*f, text);  // the whole object is only known at deployment
  }
  if (!f->value.get(v)) return wrong_type<JsonObject>(*f, "an object");
  return {v, f->key, true, true};
}

Got<JsonArray> ReaderContext::get_array(JsonObject o, std::string_view name) {
  auto f = find_field(o, name);
  if (!f) return {};
  JsonArray v;
  if (std::string_view text; f->value.get(text) && is_unknown_value(text)) {
    return unknown_field<JsonArray>(*f, text);  // the whole list is only known at deployment
  }
  if (!f->value.get(v)) return wrong_type<JsonArray>(*f, "an array");
  return {v, f->key, true, true};
}

std::optional<std::pair<JsonObject, std::string_view>> ReaderContext::properties_of(JsonObject o) {
  auto p = get_object(o, keys::kProperties);
  if (p) return std::make_pair(*p, p.key);
  if (p.present) return std::nullopt;
  return std::make_pair(o, std::string_view{});
}

std::optional<Ref> ReaderContext::ref_value(JsonValue value, std::string_view what) {
  JsonObject o;
  if (std::string_view text; value.get(text) && is_unknown_value(text)) {
    // The whole reference is only known at deployment (a linked deployment's output, `reference()`).
    note_unknown(text);
    return Ref{std::string(text), -1};
  }
  if (!value.get(o)) {
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
  const bool placeholder = options.from_template && !id->empty() && id->front() == '<' && !parameter_of(*id).empty() &&
                           is_valueless(parameter_of(*id));
  if (is_unknown_value(*id) || placeholder) {
    PointerScope at(ptr, id.key);
    note_unknown(*id);
    return Ref{placeholder ? importers::unknown_value(*id) : std::string(*id), -1};
  }
  return Ref{canonical(*id), -1};
}

Ref ReaderContext::get_ref(JsonObject o, std::string_view name) {
  auto f = find_field(o, name);
  if (!f) return {};
  PointerScope s(ptr, f->key);
  auto r = ref_value(f->value, fmt::format("'{}'", f->key));
  return r ? std::move(*r) : Ref{};
}

std::vector<Ref> ReaderContext::get_ref_list(JsonObject o, std::string_view name) {
  std::vector<Ref> out;
  auto arr = get_array(o, name);
  if (!arr) return out;
  out.reserve(arr->size());
  PointerScope s(ptr, arr.key);
  std::size_t i = 0;
  for (JsonValue e : *arr) {
    PointerScope item(ptr, i);
    if (!e.is_null()) {
      if (auto r = ref_value(e, fmt::format("item {} of '{}'", i, arr.key))) out.push_back(std::move(*r));
    }
    ++i;
  }
  return out;
}

std::optional<IpPrefix> ReaderContext::prefix_value(std::string_view raw, bool* unknown) {
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
    warning("host-bits-set", fmt::format("address prefix '{}' has host bits set; read as '{}'", text, p->to_string()));
  }
  return p;
}

std::vector<IpPrefix> ReaderContext::get_prefixes(JsonObject o, std::string_view single, std::string_view plural,
                                                  bool* unknown) {
  std::vector<IpPrefix> out;
  for_each_text(o, single, plural, [&](std::string_view text) {
    if (trim(text).empty()) return;
    if (auto p = prefix_value(text, unknown)) {
      if (std::find(out.begin(), out.end(), *p) == out.end()) out.push_back(*p);
    }
  });
  return out;
}

std::optional<ChildIds> ReaderContext::child_ids(JsonObject o, std::string_view parent_id, std::string_view segment,
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

bool ReaderContext::add_port(JsonValue e, model::PortSet& out, std::string_view field, std::optional<std::size_t> item,
                             bool* unknown) {
  std::string_view text;
  if (e.get(text)) {
    const std::string_view t = trim(text);
    if (t.empty()) return false;
    if (t == "*" || ascii::equals_lower(t, "any")) {
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
  if (e.get(n)) {
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

bool ReaderContext::read_ports(JsonObject props, std::string_view single, std::string_view plural, model::PortSet& out,
                               bool* unknown) {
  bool listed = false;
  if (auto f = find_field(props, single)) {
    PointerScope s(ptr, f->key);
    listed |= add_port(f->value, out, f->key, std::nullopt, unknown);
  }
  if (auto arr = get_array(props, plural)) {
    PointerScope s(ptr, arr.key);
    std::size_t i = 0;
    for (JsonValue e : *arr) {
      PointerScope item(ptr, i);
      listed |= add_port(e, out, arr.key, i, unknown);
      ++i;
    }
  }
  return listed;
}

std::optional<std::uint16_t> ReaderContext::read_port(JsonObject props, std::string_view key, std::string_view field,
                                                      std::int64_t lo, std::string_view what, std::string_view name,
                                                      std::size_t mark, bool required, bool* unknown) {
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

IpFamily ReaderContext::read_address(JsonObject props, std::string_view version_key, std::string_view address_key,
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

ReaderContext::SkuFields ReaderContext::read_sku(JsonObject res, std::size_t res_mark) {
  const std::string saved = ptr;
  ptr.resize(res_mark);
  SkuFields out = read_sku_here(res);
  ptr = saved;
  return out;
}

ReaderContext::SkuFields ReaderContext::read_sku_here(JsonObject o) {
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

bool ReaderContext::unknown_list(JsonObject o, std::string_view name) {
  auto f = find_field(o, name);
  std::string_view text;
  if (!f || !f->value.get(text)) return false;
  if (!is_unknown_value(text) && !(options.from_template && looks_like_placeholder(text))) return false;
  PointerScope at(ptr, f->key);
  note_unknown(text);
  return true;
}

bool ReaderContext::split_child_id(std::string_view id, std::string_view segment, std::string_view what,
                                   std::string& parent_id) {
  const auto cut = irfind(id, segment);
  if (cut == std::string_view::npos || cut == 0) {
    error("invalid-value", fmt::format("{} id '{}' has no '{}' segment naming its parent", what, id,
                                       segment.substr(1, segment.size() - 2)));
    return false;
  }
  parent_id = std::string(id.substr(0, cut));
  return true;
}

Ref ReaderContext::get_ref_id(JsonObject o, std::string_view name) {
  auto f = get_string(o, name);
  if (!f || trim(*f).empty()) return {};
  return Ref{canonical(trim(*f)), -1};
}
void ReaderContext::dangling(const model::SourceLocation& where, std::string_view child, std::string_view name,
                             std::string_view parent, std::string_view parent_id) {
  if (options.from_template) {
    // An existing parent, or a name only known at deployment: the parent is unknown, and so is what the child
    // adds to it (its rules, peerings or routes); the unknown parent is read conservatively where it is
    // referenced (docs/model.md, "Unknown values").
    diags.warning("dangling-parent", where,
                  fmt::format("{} '{}' has no parent in the input: {} '{}' is not declared (an existing resource, or "
                              "a name only known at deployment); the {} is not analysed",
                              child, name, parent, parent_id, child));
    return;
  }
  diags.error("dangling-parent", where,
              fmt::format("{} '{}' has no parent: {} '{}' is not in the input", child, name, parent, parent_id));
}

}  // namespace exposim::importers::azure
