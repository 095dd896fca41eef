// ARM template comparison, logical and numeric functions (Azure's "comparison", "logical" and "numeric"
// functions).
#include <fmt/format.h>

#include <limits>

#include "importers/arm/functions_internal.h"

namespace exposim::importers::arm::detail::builtins {

// ---- logic and comparison ----

Result fn_not(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_boolean()) return bad_arg(c, 0, "a bool", a[0]);
  return Result::of(!a[0].get<bool>());
}

Result fn_true(const Call&, std::vector<Json>&) { return Result::of(true); }
Result fn_false(const Call&, std::vector<Json>&) { return Result::of(false); }
Result fn_null(const Call&, std::vector<Json>&) { return Result::of(nullptr); }

bool json_equal(const Json& x, const Json& y) {
  std::int64_t a = 0, b = 0;
  if (as_int(x, a) && as_int(y, b)) return a == b;
  return x == y;
}

Result fn_equals(const Call&, std::vector<Json>& a) { return Result::of(json_equal(a[0], a[1])); }

/// -1, 0, 1 for ints or strings (ordinal) of the same type.
Result compare(const Call& c, std::vector<Json>& a, int& out) {
  std::int64_t x = 0, y = 0;
  if (as_int(a[0], x) && as_int(a[1], y)) {
    out = x < y ? -1 : x > y ? 1 : 0;
    return Result{};
  }
  if (a[0].is_string() && a[1].is_string()) {
    int r = a[0].get_ref<const std::string&>().compare(a[1].get_ref<const std::string&>());
    out = r < 0 ? -1 : r > 0 ? 1 : 0;
    return Result{};
  }
  return bad(c, fmt::format("expected two ints or two strings, got {} and {}", shown(a[0]), shown(a[1])));
}

Result fn_less(const Call& c, std::vector<Json>& a) {
  int r = 0;
  Result e = compare(c, a, r);
  return e.ok() ? Result::of(r < 0) : e;
}
Result fn_less_or_equals(const Call& c, std::vector<Json>& a) {
  int r = 0;
  Result e = compare(c, a, r);
  return e.ok() ? Result::of(r <= 0) : e;
}
Result fn_greater(const Call& c, std::vector<Json>& a) {
  int r = 0;
  Result e = compare(c, a, r);
  return e.ok() ? Result::of(r > 0) : e;
}
Result fn_greater_or_equals(const Call& c, std::vector<Json>& a) {
  int r = 0;
  Result e = compare(c, a, r);
  return e.ok() ? Result::of(r >= 0) : e;
}

// ---- numbers ----

template <typename Op>
Result arith(const Call& c, std::vector<Json>& a, Op op) {
  std::int64_t x = 0, y = 0;
  if (!as_int(a[0], x)) return bad_arg(c, 0, "an int", a[0]);
  if (!as_int(a[1], y)) return bad_arg(c, 1, "an int", a[1]);
  return op(x, y);
}

Result overflow(const Call& c) { return bad(c, "integer overflow"); }

Result fn_add(const Call& c, std::vector<Json>& a) {
  return arith(c, a, [&](std::int64_t x, std::int64_t y) {
    std::int64_t r = 0;
    return __builtin_add_overflow(x, y, &r) ? overflow(c) : Result::of(r);
  });
}
Result fn_sub(const Call& c, std::vector<Json>& a) {
  return arith(c, a, [&](std::int64_t x, std::int64_t y) {
    std::int64_t r = 0;
    return __builtin_sub_overflow(x, y, &r) ? overflow(c) : Result::of(r);
  });
}
Result fn_mul(const Call& c, std::vector<Json>& a) {
  return arith(c, a, [&](std::int64_t x, std::int64_t y) {
    std::int64_t r = 0;
    return __builtin_mul_overflow(x, y, &r) ? overflow(c) : Result::of(r);
  });
}
Result fn_div(const Call& c, std::vector<Json>& a) {
  return arith(c, a, [&](std::int64_t x, std::int64_t y) {
    if (y == 0) return Result::fail("division-by-zero", fmt::format("{}: division by zero", c.name), c.offset);
    if (x == std::numeric_limits<std::int64_t>::min() && y == -1) return overflow(c);
    return Result::of(x / y);
  });
}
Result fn_mod(const Call& c, std::vector<Json>& a) {
  return arith(c, a, [&](std::int64_t x, std::int64_t y) {
    if (y == 0) return Result::fail("division-by-zero", fmt::format("{}: division by zero", c.name), c.offset);
    if (y == -1) return Result::of(std::int64_t{0});
    return Result::of(x % y);
  });
}

Result min_max(const Call& c, std::vector<Json>& a, bool is_min) {
  const Json* items = nullptr;
  Json flat = Json::array();
  if (a.size() == 1 && a[0].is_array()) {
    items = &a[0];
  } else {
    for (auto& v : a) flat.push_back(v);
    items = &flat;
  }
  if (items->empty()) return bad(c, "expected at least one value");
  std::int64_t best = 0;
  bool first = true;
  for (std::size_t i = 0; i < items->size(); ++i) {
    std::int64_t v = 0;
    if (!as_int((*items)[i], v)) return bad(c, fmt::format("expected ints, got {}", shown((*items)[i])));
    if (first || (is_min ? v < best : v > best)) best = v;
    first = false;
  }
  return Result::of(best);
}
Result fn_min(const Call& c, std::vector<Json>& a) { return min_max(c, a, true); }
Result fn_max(const Call& c, std::vector<Json>& a) { return min_max(c, a, false); }

}  // namespace exposim::importers::arm::detail::builtins
