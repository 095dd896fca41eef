// Reading azurerm attributes (known, unknown, absent, referenced) and writing them as Azure resource JSON.
#include "importers/terraform/translate.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "importers/unknown_value.h"
#include "model/ascii.h"

namespace exposim::importers::terraform {
namespace {

constexpr int kMaxReferenceDepth = 8;  // resource group of the parent of ...: a cap against cycles
constexpr std::string_view kUnknownGroup = "unknown-resource-group";  // a resource group only known after apply

const char* json_kind(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::null: return "null";
    default: return "a number";
  }
}

/// The attribute of the referenced resource that an attribute named `key` reads when the reference does not say
/// (Terraform 0.12 and 0.13): `..._id` and `..._ids` an id, `..._name` a name, others the attribute of that name.
std::string implied_attribute(std::string_view key) {
  auto ends = [&](std::string_view suffix) {
    return key.size() >= suffix.size() && key.substr(key.size() - suffix.size()) == suffix;
  };
  if (ends("_id") || ends("_ids")) return "id";
  if (ends("name")) return "name";
  return std::string(key);
}

}  // namespace

void Synthesized::set(const std::string& synth, json value, const std::string& plan_pointer, const Instance* from) {
  doc[json::json_pointer(synth)] = std::move(value);
  map.push_back({synth, plan_pointer, from == instance ? nullptr : from});
}

void Context::report(model::Severity severity, const Instance& i, const std::string& pointer, std::string_view code,
                     const std::string& message) {
  diags_.add({severity,
              std::string(code),
              {model::FileName(file_), pointer, 0, 0},
              fmt::format("{}: {}", i.address, message)});
}

Block Context::top(const Instance& i) {
  Block b;
  b.instance = &i;
  b.values = i.values;
  b.unknown = i.unknown;
  b.expressions = i.expressions;
  b.configured = i.configured;
  b.values_pointer = i.pointer + "/values";
  b.unknown_pointer = i.unknown_pointer;
  return b;
}

std::vector<Block> Context::nested(const Block& b, std::string_view key) {
  std::vector<Block> out;
  const json* list = value(b, key);
  if (list == nullptr) return out;
  if (!list->is_array()) {
    wrong_type(b, key, "a list of blocks");
    return out;
  }
  const json* unknown = nullptr;
  if (b.unknown != nullptr && b.unknown->is_object()) {
    auto u = b.unknown->find(std::string(key));
    if (u != b.unknown->end() && u->is_array()) unknown = &*u;
  }
  const json* expressions = nullptr;
  if (b.expressions != nullptr && b.expressions->is_object()) {
    auto e = b.expressions->find(std::string(key));
    if (e != b.expressions->end() && e->is_array()) expressions = &*e;
  }
  for (std::size_t k = 0; k < list->size(); ++k) {
    const std::string ptr = b.attr_pointer(key) + "/" + std::to_string(k);
    if (!(*list)[k].is_object()) {
      report(model::Severity::kError, *b.instance, ptr, "invalid-type",
             fmt::format("'{}' block {} is {}, expected an object", key, k, json_kind((*list)[k])));
      continue;
    }
    Block e;
    e.instance = b.instance;
    e.values = &(*list)[k];
    e.values_pointer = ptr;
    e.path = fmt::format("{}{}[{}].", b.path, key, k);
    if (unknown != nullptr && k < unknown->size()) {
      e.unknown = &(*unknown)[k];
      e.unknown_pointer = b.unknown_pointer + "/" + std::string(key) + "/" + std::to_string(k);
    }
    // Blocks written one by one in the configuration pair with the values in order; a `dynamic` block does not.
    if (expressions != nullptr && expressions->size() == list->size() && (*expressions)[k].is_object()) {
      e.expressions = &(*expressions)[k];
      e.configured = true;
    }
    out.push_back(std::move(e));
  }
  return out;
}

const json* Context::value(const Block& b, std::string_view key) const {
  if (b.values == nullptr || !b.values->is_object()) return nullptr;
  auto it = b.values->find(std::string(key));
  if (it == b.values->end() || it->is_null()) return nullptr;
  return &*it;
}

bool Context::partly_unknown(const Block& b, std::string_view key) const {
  if (value(b, key) == nullptr || b.unknown == nullptr || !b.unknown->is_object()) return false;
  auto u = b.unknown->find(std::string(key));
  if (u == b.unknown->end() || !u->is_array()) return false;
  return std::any_of(u->begin(), u->end(), [](const json& e) { return e.is_boolean() && e.get<bool>(); });
}

std::vector<std::string> Context::known_items(const Block& b, std::string_view key) const {
  std::vector<std::string> out;
  const json* v = value(b, key);
  if (v == nullptr || !v->is_array()) return out;
  const json* marks = nullptr;
  if (b.unknown != nullptr && b.unknown->is_object()) {
    auto u = b.unknown->find(std::string(key));
    if (u != b.unknown->end() && u->is_array()) marks = &*u;
  }
  for (std::size_t k = 0; k < v->size(); ++k) {
    const bool unknown = marks != nullptr && k < marks->size() && (*marks)[k].is_boolean() && (*marks)[k].get<bool>();
    const json& e = (*v)[k];
    if (!unknown && e.is_string() && !e.get_ref<const std::string&>().empty()) out.push_back(e.get<std::string>());
  }
  return out;
}

State Context::state(const Block& b, std::string_view key) const {
  if (value(b, key) != nullptr) return partly_unknown(b, key) ? State::kUnknown : State::kKnown;
  bool unknown = false;
  if (b.unknown != nullptr) {
    if (b.unknown->is_boolean()) {
      unknown = b.unknown->get<bool>();
    } else if (b.unknown->is_object()) {
      auto u = b.unknown->find(std::string(key));
      unknown = u != b.unknown->end() && u->is_boolean() && u->get<bool>();
    }
  }
  if (!unknown) return State::kAbsent;
  const bool written =
      b.expressions != nullptr && b.expressions->is_object() && b.expressions->contains(std::string(key));
  if (b.configured && !written) return State::kAbsent;  // not set: the provider computes it, as when absent
  return State::kUnknown;
}

void Context::wrong_type(const Block& b, std::string_view key, std::string_view expected) {
  const json* v = value(b, key);
  report(model::Severity::kError, *b.instance, b.attr_pointer(key), "invalid-type",
         fmt::format("'{}' is {}, expected {}", key, v != nullptr ? json_kind(*v) : "null", expected));
}

std::optional<std::string> Context::string(const Block& b, std::string_view key) {
  const json* v = value(b, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    wrong_type(b, key, "a string");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<std::int64_t> Context::integer(const Block& b, std::string_view key) {
  const json* v = value(b, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    wrong_type(b, key, "a number");
    return std::nullopt;
  }
  return v->get<std::int64_t>();
}

std::optional<bool> Context::boolean(const Block& b, std::string_view key) {
  const json* v = value(b, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    wrong_type(b, key, "a boolean");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::vector<std::string>> Context::strings(const Block& b, std::string_view key) {
  const json* v = value(b, key);
  if (v == nullptr || partly_unknown(b, key)) return std::nullopt;
  if (!v->is_array()) {
    wrong_type(b, key, "a list of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t k = 0; k < v->size(); ++k) {
    const json& e = (*v)[k];
    if (e.is_null()) continue;
    if (!e.is_string()) {
      report(model::Severity::kError, *b.instance, b.attr_pointer(key) + "/" + std::to_string(k), "invalid-type",
             fmt::format("item {} of '{}' is {}, expected a string", k, key, json_kind(e)));
      return std::nullopt;
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::string Context::unknown_text(const Block& b, std::string_view key) {
  return unknown_value(fmt::format("{}.{}{}", b.instance->address, b.path, key));
}

std::optional<std::string> Context::via_reference(const Block& b, std::string_view key, std::string_view target_attr,
                                                  int depth) {
  if (depth > kMaxReferenceDepth || b.expressions == nullptr || !b.expressions->is_object()) return std::nullopt;
  auto e = b.expressions->find(std::string(key));
  if (e == b.expressions->end() || !e->is_object()) return std::nullopt;
  const Instance* found = nullptr;
  std::string attr;
  for (const auto& t : instances_.targets(scope_of(*b.instance), *e, kMaxReferenceDepth - depth)) {
    const std::string a = t.attribute.empty() ? implied_attribute(key) : t.attribute;
    if (!target_attr.empty() && a != target_attr) continue;
    if (found == t.instance && attr == a) continue;
    if (found != nullptr) return std::nullopt;  // ambiguous
    found = t.instance;
    attr = a;
  }
  if (found == nullptr) return std::nullopt;
  if (attr == "id") return id_of(*found, depth + 1);
  auto value = string_or_ref(*found, attr, depth + 1);
  if (!value && attr == "name") return placeholder_name(*found);  // as the instance itself is named (id_of)
  return value;
}

std::optional<std::string> Context::string_or_ref(const Instance& i, std::string_view key, int depth) {
  const Block b = top(i);
  if (const json* v = value(b, key); v != nullptr && v->is_string()) return v->get<std::string>();
  return via_reference(b, key, key == "id" ? "id" : "", depth);
}

std::optional<std::string> Context::resource_group(const Instance& i) {
  return string_or_ref(i, "resource_group_name", 0);
}

std::string Context::name_of(const Instance& i) {
  auto name = string_or_ref(i, "name", 0);
  return name && !name->empty() ? *name : placeholder_name(i);
}

bool Context::knows_name(const Instance& i) {
  auto name = string_or_ref(i, "name", 0);
  return name && !name->empty();
}

std::string placeholder_name(const Instance& i) {
  std::string out = i.address;
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

std::optional<std::string> Context::id_of(const Instance& i) { return id_of(i, 0); }

std::optional<std::string> Context::id_of(const Instance& i, int depth) {
  if (depth > kMaxReferenceDepth) return std::nullopt;
  const Block b = top(i);
  if (const json* v = value(b, "id"); v != nullptr && v->is_string() && !v->get_ref<const std::string&>().empty()) {
    return v->get<std::string>();
  }
  const Mapping* row = find_mapping(i.type);
  if (row == nullptr || row->azure_type.empty()) return std::nullopt;
  auto name = string_or_ref(i, "name", depth + 1);
  if (!name || name->empty()) name = placeholder_name(i);
  auto rg = string_or_ref(i, "resource_group_name", depth + 1);
  if (!rg || rg->empty()) rg = std::string(kUnknownGroup);
  const std::string_view type = row->azure_type;
  if (!row->parent_name.empty()) {
    // A child: its parent's id (the parent instance of that name, else composed) and the child segment.
    auto parent_name = string_or_ref(i, row->parent_name, depth + 1);
    if (!parent_name) return std::nullopt;
    const std::string_view segment = type.substr(type.rfind('/') + 1);
    std::optional<std::string> parent_id;
    const Mapping* parent = find_mapping(row->parent_type);
    const std::string_view by = row->parent_name;
    if (by.size() > 3 && by.substr(by.size() - 3) == "_id") {  // the parent named by its id (`loadbalancer_id`)
      parent_id = parent_name;
    } else if (const Instance* p = instances_.by_name(row->parent_type, *parent_name, *rg); p != nullptr) {
      parent_id = id_of(*p, depth + 1);
    } else if (parent != nullptr) {
      parent_id = fmt::format("/subscriptions/{}/resourceGroups/{}/providers/{}/{}", kSubscription, *rg,
                              parent->azure_type, *parent_name);
    }
    if (!parent_id) return std::nullopt;
    return fmt::format("{}/{}/{}", *parent_id, segment, *name);
  }
  return fmt::format("/subscriptions/{}/resourceGroups/{}/providers/{}/{}", kSubscription, *rg, type, *name);
}

std::vector<std::string> Context::ids(const Block& b, std::string_view key, bool* unknown) {
  std::vector<std::string> out;
  const State st = state(b, key);
  if (st == State::kKnown) {
    const json* v = value(b, key);
    if (v->is_string()) {
      if (!v->get_ref<const std::string&>().empty()) out.push_back(v->get<std::string>());
      return out;
    }
    if (v->is_array()) {
      if (auto list = strings(b, key)) {
        for (auto& s : *list) {
          if (!s.empty()) out.push_back(std::move(s));
        }
      }
      return out;
    }
    wrong_type(b, key, "a string");
    return out;
  }
  if (st == State::kAbsent) return out;
  // Unknown as a whole: one unknown value. Partly unknown (`[null, "<id>"]`, after_unknown `[true, false]`): its
  // known ids, and as many unknown values as elements marked in after_unknown.
  std::size_t missing = 1;
  if (partly_unknown(b, key)) {
    const json* v = value(b, key);
    if (!v->is_array()) {
      wrong_type(b, key, "a list of strings");
      if (unknown != nullptr) *unknown = true;
      return out;
    }
    out = known_items(b, key);
    const json& marks = b.unknown->at(std::string(key));
    missing = static_cast<std::size_t>(
        std::count_if(marks.begin(), marks.end(), [](const json& e) { return e.is_boolean() && e.get<bool>(); }));
  }
  // The instances the configuration references (all of them for a list of references), each once.
  std::size_t resolved = 0;
  if (b.expressions != nullptr && b.expressions->is_object()) {
    auto e = b.expressions->find(std::string(key));
    if (e != b.expressions->end() && e->is_object()) {
      std::set<const Instance*> seen;
      for (const auto& t : instances_.targets(scope_of(*b.instance), *e, kMaxReferenceDepth)) {
        if ((t.attribute != "id" && !t.attribute.empty()) || !seen.insert(t.instance).second) continue;
        auto id = id_of(*t.instance, 1);
        if (!id) continue;
        const bool known =
            std::any_of(out.begin(), out.end(), [&](const std::string& o) { return model::ascii::iequals(o, *id); });
        if (known) continue;  // a known element's own reference
        out.push_back(std::move(*id));
        ++resolved;
      }
    }
  }
  if (resolved < missing && unknown != nullptr) *unknown = true;
  return out;
}

void Context::copy_string(const Block& b, std::string_view key, Synthesized& s, const std::string& synth) {
  switch (state(b, key)) {
    case State::kKnown:
      if (auto v = string(b, key); v && !v->empty()) s.set(synth, *v, b.attr_pointer(key), b.instance);
      return;
    case State::kUnknown: s.set(synth, unknown_text(b, key), b.attr_pointer(key), b.instance); return;
    case State::kAbsent: return;
  }
}

void Context::copy_integer(const Block& b, std::string_view key, Synthesized& s, const std::string& synth) {
  switch (state(b, key)) {
    case State::kKnown:
      if (auto v = integer(b, key)) s.set(synth, *v, b.attr_pointer(key), b.instance);
      return;
    case State::kUnknown: s.set(synth, unknown_text(b, key), b.attr_pointer(key), b.instance); return;
    case State::kAbsent: return;
  }
}

void Context::copy_boolean(const Block& b, std::string_view key, Synthesized& s, const std::string& synth) {
  switch (state(b, key)) {
    case State::kKnown:
      if (auto v = boolean(b, key)) s.set(synth, *v, b.attr_pointer(key), b.instance);
      return;
    case State::kUnknown: s.set(synth, unknown_text(b, key), b.attr_pointer(key), b.instance); return;
    case State::kAbsent: return;
  }
}

void Context::copy_strings(const Block& b, std::string_view key, Synthesized& s, const std::string& synth) {
  switch (state(b, key)) {
    case State::kKnown:
      if (auto v = strings(b, key)) {
        json arr = json::array();
        for (auto& e : *v) {
          if (!e.empty()) arr.push_back(std::move(e));
        }
        s.set(synth, std::move(arr), b.attr_pointer(key), b.instance);
      }
      return;
    case State::kUnknown: s.set(synth, unknown_text(b, key), b.attr_pointer(key), b.instance); return;
    case State::kAbsent: return;
  }
}

void Context::copy_ref(const Block& b, std::string_view key, Synthesized& s, const std::string& synth) {
  bool unknown = false;
  auto list = ids(b, key, &unknown);
  if (!list.empty()) {
    s.set(synth, json{{"id", list.front()}}, b.attr_pointer(key), b.instance);
  } else if (unknown) {
    s.set(synth, json{{"id", unknown_text(b, key)}}, b.attr_pointer(key), b.instance);
  }
}

void Context::copy_refs(const Block& b, std::string_view key, Synthesized& s, const std::string& synth) {
  bool unknown = false;
  auto list = ids(b, key, &unknown);
  if (list.empty() && !unknown) return;
  json arr = json::array();
  for (auto& id : list) arr.push_back(json{{"id", std::move(id)}});
  if (unknown) arr.push_back(json{{"id", unknown_text(b, key)}});
  s.set(synth, std::move(arr), b.attr_pointer(key), b.instance);
}

Synthesized* find_synthesized(std::vector<Synthesized>& out, std::string_view id) {
  for (auto& s : out) {
    auto it = s.doc.find("id");
    if (it != s.doc.end() && it->is_string() && model::ascii::iequals(it->get_ref<const std::string&>(), id)) {
      return &s;
    }
  }
  return nullptr;
}

}  // namespace exposim::importers::terraform
