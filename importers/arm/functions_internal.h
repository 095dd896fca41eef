// Private to the ARM built-in functions (functions*.cpp): argument checks and error results shared by the
// function families, and the functions that the table in functions.cpp names.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "importers/arm/expression.h"

namespace exposim::importers::arm::detail::builtins {

inline std::string shown(const Json& v) {
  std::string t = v.is_string() ? fmt::format("'{}'", v.get_ref<const std::string&>()) : to_text(v);
  if (t.size() > 60) t = fmt::format("{}...", t.substr(0, 57));
  return fmt::format("{} {}", type_name(v), t);
}

inline Result bad(const Call& c, std::string what) {
  return Result::fail("invalid-argument", fmt::format("{}: {}", c.name, what), c.offset);
}

inline Result bad_arg(const Call& c, std::size_t i, std::string_view expected, const Json& got) {
  return bad(c, fmt::format("argument {} must be {}, got {}", i + 1, expected, shown(got)));
}

inline bool is_int(const Json& v) {
  std::int64_t ignored = 0;
  return as_int(v, ignored);
}

inline char upper_c(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

inline std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = upper_c(c);
  return out;
}

/// Case-insensitive find of `needle` in `hay` from `from`; npos when absent.
inline std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from = 0) {
  return lower(hay).find(lower(needle), from);
}

inline Result too_long(const Call& c, std::size_t limit) {
  return Result::fail("limit-exceeded", fmt::format("{}: result longer than {} characters", c.name, limit), c.offset);
}

// functions_string.cpp
Result fn_concat(const Call& c, std::vector<Json>& a);
Result fn_format(const Call& c, std::vector<Json>& a);
Result fn_string(const Call& c, std::vector<Json>& a);
Result fn_int(const Call& c, std::vector<Json>& a);
Result fn_bool(const Call& c, std::vector<Json>& a);
Result fn_to_lower(const Call& c, std::vector<Json>& a);
Result fn_to_upper(const Call& c, std::vector<Json>& a);
Result fn_trim(const Call& c, std::vector<Json>& a);
Result fn_replace(const Call& c, std::vector<Json>& a);
Result fn_split(const Call& c, std::vector<Json>& a);
Result fn_join(const Call& c, std::vector<Json>& a);
Result fn_substring(const Call& c, std::vector<Json>& a);
Result fn_pad_left(const Call& c, std::vector<Json>& a);
Result fn_starts_with(const Call& c, std::vector<Json>& a);
Result fn_ends_with(const Call& c, std::vector<Json>& a);
Result fn_index_of(const Call& c, std::vector<Json>& a);
Result fn_last_index_of(const Call& c, std::vector<Json>& a);
Result fn_uri(const Call& c, std::vector<Json>& a);
Result fn_base64(const Call& c, std::vector<Json>& a);
Result fn_base64_to_string(const Call& c, std::vector<Json>& a);
Result fn_uri_component(const Call& c, std::vector<Json>& a);
Result fn_uri_component_to_string(const Call& c, std::vector<Json>& a);

// functions_array.cpp
Result fn_length(const Call& c, std::vector<Json>& a);
Result fn_empty(const Call& c, std::vector<Json>& a);
Result fn_contains(const Call& c, std::vector<Json>& a);
Result fn_union(const Call& c, std::vector<Json>& a);
Result fn_intersection(const Call& c, std::vector<Json>& a);
Result fn_items(const Call& c, std::vector<Json>& a);
Result fn_object_keys(const Call& c, std::vector<Json>& a);
Result fn_try_get(const Call& c, std::vector<Json>& a);
Result fn_shallow_merge(const Call& c, std::vector<Json>& a);
Result fn_create_array(const Call& c, std::vector<Json>& a);
Result fn_create_object(const Call& c, std::vector<Json>& a);
Result fn_array(const Call& c, std::vector<Json>& a);
Result fn_first(const Call& c, std::vector<Json>& a);
Result fn_last(const Call& c, std::vector<Json>& a);
Result fn_take(const Call& c, std::vector<Json>& a);
Result fn_skip(const Call& c, std::vector<Json>& a);
Result fn_range(const Call& c, std::vector<Json>& a);
Result fn_json(const Call& c, std::vector<Json>& a);

// functions_logic.cpp
Result fn_not(const Call& c, std::vector<Json>& a);
Result fn_true(const Call& c, std::vector<Json>& a);
Result fn_false(const Call& c, std::vector<Json>& a);
Result fn_null(const Call& c, std::vector<Json>& a);
Result fn_equals(const Call& c, std::vector<Json>& a);
Result fn_less(const Call& c, std::vector<Json>& a);
Result fn_less_or_equals(const Call& c, std::vector<Json>& a);
Result fn_greater(const Call& c, std::vector<Json>& a);
Result fn_greater_or_equals(const Call& c, std::vector<Json>& a);
Result fn_add(const Call& c, std::vector<Json>& a);
Result fn_sub(const Call& c, std::vector<Json>& a);
Result fn_mul(const Call& c, std::vector<Json>& a);
Result fn_div(const Call& c, std::vector<Json>& a);
Result fn_mod(const Call& c, std::vector<Json>& a);
Result fn_min(const Call& c, std::vector<Json>& a);
Result fn_max(const Call& c, std::vector<Json>& a);

// functions_resource.cpp
Result fn_resource_id(const Call& c, std::vector<Json>& a);
Result fn_subscription_resource_id(const Call& c, std::vector<Json>& a);
Result fn_tenant_resource_id(const Call& c, std::vector<Json>& a);
Result fn_extension_resource_id(const Call& c, std::vector<Json>& a);
Result fn_resource_group(const Call& c, std::vector<Json>& a);
Result fn_subscription(const Call& c, std::vector<Json>& a);
Result fn_tenant(const Call& c, std::vector<Json>& a);
Result fn_deployment(const Call& c, std::vector<Json>& a);
Result fn_environment(const Call& c, std::vector<Json>& a);

// functions_cidr.cpp
Result fn_parse_cidr(const Call& c, std::vector<Json>& a);
Result fn_cidr_subnet(const Call& c, std::vector<Json>& a);
Result fn_cidr_host(const Call& c, std::vector<Json>& a);

}  // namespace exposim::importers::arm::detail::builtins
