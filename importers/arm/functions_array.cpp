// ARM template functions on arrays and objects (Azure's "array functions" and "object functions"),
// json() included.
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "importers/arm/functions_internal.h"

namespace exposim::importers::arm::detail::builtins {

// ---- arrays and objects ----

Result fn_length(const Call& c, std::vector<Json>& a) {
  if (a[0].is_string()) return Result::of(static_cast<std::int64_t>(a[0].get_ref<const std::string&>().size()));
  if (a[0].is_array() || a[0].is_object()) return Result::of(static_cast<std::int64_t>(a[0].size()));
  return bad_arg(c, 0, "a string, an array or an object", a[0]);
}

Result fn_empty(const Call& c, std::vector<Json>& a) {
  if (a[0].is_null()) return Result::of(true);
  if (a[0].is_string()) return Result::of(a[0].get_ref<const std::string&>().empty());
  if (a[0].is_array() || a[0].is_object()) return Result::of(a[0].empty());
  return bad_arg(c, 0, "a string, an array, an object or null", a[0]);
}

Result fn_contains(const Call& c, std::vector<Json>& a) {
  const Json& box = a[0];
  const Json& item = a[1];
  if (box.is_object()) {
    if (!item.is_string()) return bad_arg(c, 1, "a string key", item);
    return Result::of(find_key(box, item.get<std::string>()) != nullptr);
  }
  if (box.is_array()) return Result::of(std::find(box.begin(), box.end(), item) != box.end());
  if (box.is_string()) {
    if (item.is_array() || item.is_object() || item.is_null()) return bad_arg(c, 1, "a string", item);
    return Result::of(box.get_ref<const std::string&>().find(to_text(item)) != std::string::npos);
  }
  return bad_arg(c, 0, "a string, an array or an object", box);
}

void merge_deep(Json& into, const Json& from) {
  for (auto it = from.begin(); it != from.end(); ++it) {
    auto found = into.find(it.key());
    if (found != into.end() && found->is_object() && it.value().is_object()) {
      merge_deep(*found, it.value());
    } else {
      into[it.key()] = it.value();
    }
  }
}

Result fn_union(const Call& c, std::vector<Json>& a) {
  if (a[0].is_array()) {
    Json out = Json::array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_array()) return bad_arg(c, i, "an array like the first argument", a[i]);
      for (auto& e : a[i]) {
        if (std::find(out.begin(), out.end(), e) != out.end()) continue;
        if (out.size() >= c.limits.max_elements)
          return Result::fail("limit-exceeded",
                              fmt::format("{}: result larger than {} elements", c.name, c.limits.max_elements),
                              c.offset);
        out.push_back(e);
      }
    }
    return Result::of(std::move(out));
  }
  if (a[0].is_object()) {
    Json out = Json::object();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_object()) return bad_arg(c, i, "an object like the first argument", a[i]);
      merge_deep(out, a[i]);
    }
    return Result::of(std::move(out));
  }
  return bad_arg(c, 0, "an array or an object", a[0]);
}

Result fn_intersection(const Call& c, std::vector<Json>& a) {
  if (a[0].is_array()) {
    Json out = Json::array();
    for (std::size_t i = 1; i < a.size(); ++i)
      if (!a[i].is_array()) return bad_arg(c, i, "an array like the first argument", a[i]);
    for (const auto& e : a[0]) {
      if (std::find(out.begin(), out.end(), e) != out.end()) continue;
      bool all = true;
      for (std::size_t i = 1; i < a.size() && all; ++i) all = std::find(a[i].begin(), a[i].end(), e) != a[i].end();
      if (all) out.push_back(e);
    }
    return Result::of(std::move(out));
  }
  if (a[0].is_object()) {
    Json out = Json::object();
    for (std::size_t i = 1; i < a.size(); ++i)
      if (!a[i].is_object()) return bad_arg(c, i, "an object like the first argument", a[i]);
    for (auto it = a[0].begin(); it != a[0].end(); ++it) {
      bool all = true;
      for (std::size_t i = 1; i < a.size() && all; ++i) {
        auto f = a[i].find(it.key());
        all = f != a[i].end() && *f == it.value();
      }
      if (all) out[it.key()] = it.value();
    }
    return Result::of(std::move(out));
  }
  return bad_arg(c, 0, "an array or an object", a[0]);
}

/// items(object): [{"key", "value"}] in key order (Azure sorts them alphabetically too).
Result fn_items(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_object()) return bad_arg(c, 0, "an object", a[0]);
  Json out = Json::array();
  for (auto it = a[0].begin(); it != a[0].end(); ++it) out.push_back(Json{{"key", it.key()}, {"value", it.value()}});
  return Result::of(std::move(out));
}

Result fn_object_keys(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_object()) return bad_arg(c, 0, "an object", a[0]);
  Json out = Json::array();
  for (auto it = a[0].begin(); it != a[0].end(); ++it) out.push_back(it.key());
  return Result::of(std::move(out));
}

/// tryGet(value, key, ...): follows object keys (case-insensitive) and array indices; null when any step is
/// missing (Bicep compiles its `.?` operator to it).
Result fn_try_get(const Call& c, std::vector<Json>& a) {
  const Json* cur = &a[0];
  for (std::size_t i = 1; i < a.size(); ++i) {
    std::int64_t index = 0;
    if (!a[i].is_string() && !as_int(a[i], index)) return bad_arg(c, i, "a string or an int", a[i]);
    if (cur->is_object() && a[i].is_string()) {
      cur = find_key(*cur, a[i].get_ref<const std::string&>());
    } else if (cur->is_array() && !a[i].is_string()) {
      cur = index >= 0 && static_cast<std::uint64_t>(index) < cur->size() ? &(*cur)[static_cast<std::size_t>(index)]
                                                                          : nullptr;
    } else {
      cur = nullptr;
    }
    if (!cur) return Result::of(nullptr);
  }
  return Result::of(*cur);
}

/// shallowMerge(array of objects): top-level properties, later objects win (nested objects are replaced).
Result fn_shallow_merge(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_array()) return bad_arg(c, 0, "an array of objects", a[0]);
  Json out = Json::object();
  for (const auto& o : a[0]) {
    if (!o.is_object()) return bad(c, fmt::format("expected an array of objects, got an element {}", shown(o)));
    for (auto it = o.begin(); it != o.end(); ++it) out[it.key()] = it.value();
  }
  return Result::of(std::move(out));
}

Result fn_create_array(const Call&, std::vector<Json>& a) {
  Json out = Json::array();
  for (auto& v : a) out.push_back(std::move(v));
  return Result::of(std::move(out));
}

Result fn_create_object(const Call& c, std::vector<Json>& a) {
  if (a.size() % 2 != 0) return bad(c, fmt::format("expected an even number of arguments, got {}", a.size()));
  Json out = Json::object();
  for (std::size_t i = 0; i < a.size(); i += 2) {
    if (!a[i].is_string()) return bad_arg(c, i, "a string key", a[i]);
    out[a[i].get<std::string>()] = std::move(a[i + 1]);
  }
  return Result::of(std::move(out));
}

Result fn_array(const Call&, std::vector<Json>& a) {
  if (a[0].is_array()) return Result::of(std::move(a[0]));
  Json out = Json::array();
  out.push_back(std::move(a[0]));
  return Result::of(std::move(out));
}

Result fn_first(const Call& c, std::vector<Json>& a) {
  if (a[0].is_array()) return Result::of(a[0].empty() ? Json(nullptr) : a[0].front());
  if (a[0].is_string()) {
    const std::string& s = a[0].get_ref<const std::string&>();
    return Result::of(s.empty() ? std::string() : s.substr(0, 1));
  }
  return bad_arg(c, 0, "an array or a string", a[0]);
}

Result fn_last(const Call& c, std::vector<Json>& a) {
  if (a[0].is_array()) return Result::of(a[0].empty() ? Json(nullptr) : a[0].back());
  if (a[0].is_string()) {
    const std::string& s = a[0].get_ref<const std::string&>();
    return Result::of(s.empty() ? std::string() : s.substr(s.size() - 1));
  }
  return bad_arg(c, 0, "an array or a string", a[0]);
}

Result take_skip(const Call& c, std::vector<Json>& a, bool take) {
  std::int64_t n = 0;
  if (!as_int(a[1], n)) return bad_arg(c, 1, "an int", a[1]);
  if (!a[0].is_array() && !a[0].is_string()) return bad_arg(c, 0, "an array or a string", a[0]);
  std::size_t size = a[0].is_array() ? a[0].size() : a[0].get_ref<const std::string&>().size();
  std::size_t k = n <= 0 ? 0 : std::min(size, static_cast<std::size_t>(n));
  std::size_t from = take ? 0 : k, to = take ? k : size;
  if (a[0].is_string()) return Result::of(a[0].get_ref<const std::string&>().substr(from, to - from));
  Json out = Json::array();
  for (std::size_t i = from; i < to; ++i) out.push_back(std::move(a[0][i]));
  return Result::of(std::move(out));
}

Result fn_take(const Call& c, std::vector<Json>& a) { return take_skip(c, a, true); }
Result fn_skip(const Call& c, std::vector<Json>& a) { return take_skip(c, a, false); }

Result fn_range(const Call& c, std::vector<Json>& a) {
  std::int64_t start = 0, count = 0;
  if (!as_int(a[0], start)) return bad_arg(c, 0, "an int", a[0]);
  if (!as_int(a[1], count)) return bad_arg(c, 1, "an int", a[1]);
  if (count < 0) return bad(c, fmt::format("count {} must not be negative", count));
  if (static_cast<std::uint64_t>(count) > c.limits.max_range)
    return Result::fail("limit-exceeded",
                        fmt::format("{}: count {} is larger than {}", c.name, count, c.limits.max_range), c.offset);
  if (start > std::numeric_limits<std::int32_t>::max() - count)
    return bad(c, "start plus count must not exceed 2147483647");
  Json out = Json::array();
  for (std::int64_t i = 0; i < count; ++i) out.push_back(start + i);
  return Result::of(std::move(out));
}

// ---- json ----

Result fn_json(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  const std::string& s = a[0].get_ref<const std::string&>();
  // Nesting cap before parsing: the parsed value is walked recursively later.
  std::size_t depth = 0, max_seen = 0;
  bool in_string = false, escaped = false;
  for (char ch : s) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (ch == '\\')
        escaped = true;
      else if (ch == '"')
        in_string = false;
      continue;
    }
    if (ch == '"')
      in_string = true;
    else if (ch == '[' || ch == '{')
      max_seen = std::max(max_seen, ++depth);
    else if ((ch == ']' || ch == '}') && depth > 0)
      --depth;
  }
  if (max_seen > c.limits.max_depth)
    return Result::fail("limit-exceeded", fmt::format("{}: JSON nested deeper than {}", c.name, c.limits.max_depth),
                        c.offset);
  Json v = Json::parse(s, nullptr, false);
  if (v.is_discarded())
    return bad(c, fmt::format("'{}' is not valid JSON", s.size() > 60 ? s.substr(0, 57) + "..." : s));
  if (v.is_number_float()) return bad(c, "floating point numbers are not supported");
  return Result::of(std::move(v));
}

}  // namespace exposim::importers::arm::detail::builtins
