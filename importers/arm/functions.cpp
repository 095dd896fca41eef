// The pure built-in functions of the ARM expression language (every argument a known JSON value), and
// the hashes behind uniqueString() and guid(). Semantics follow Azure's template function reference.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <utility>

#include "importers/arm/expression.h"
#include "model/ip.h"

namespace exposim::importers::arm::detail {
namespace {

using model::IpAddress;
using model::IpFamily;
using model::IpPrefix;
using model::U128;

const char* type_name(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "bool";
    case Json::value_t::string: return "string";
    case Json::value_t::array: return "array";
    case Json::value_t::object: return "object";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "int";
    case Json::value_t::number_float: return "float";
    default: return "value";
  }
}

std::string shown(const Json& v) {
  std::string t = v.is_string() ? fmt::format("'{}'", v.get_ref<const std::string&>()) : to_text(v);
  if (t.size() > 60) t = fmt::format("{}...", t.substr(0, 57));
  return fmt::format("{} {}", type_name(v), t);
}

Result bad(const Call& c, std::string what) {
  return Result::fail("invalid-argument", fmt::format("{}: {}", c.name, what), c.offset);
}

Result bad_arg(const Call& c, std::size_t i, std::string_view expected, const Json& got) {
  return bad(c, fmt::format("argument {} must be {}, got {}", i + 1, expected, shown(got)));
}

bool is_int(const Json& v) {
  std::int64_t ignored = 0;
  return as_int(v, ignored);
}

char upper_c(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = upper_c(c);
  return out;
}

/// Case-insensitive find of `needle` in `hay` from `from`; npos when absent.
std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from = 0) {
  return lower(hay).find(lower(needle), from);
}

Result too_long(const Call& c, std::size_t limit) {
  return Result::fail("limit-exceeded", fmt::format("{}: result longer than {} characters", c.name, limit), c.offset);
}

// ---- strings ----

Result fn_concat(const Call& c, std::vector<Json>& a) {
  bool all_arrays = std::all_of(a.begin(), a.end(), [](const Json& v) { return v.is_array(); });
  if (all_arrays) {
    Json out = Json::array();
    for (auto& v : a) {
      if (out.size() + v.size() > c.limits.max_elements)
        return Result::fail("limit-exceeded",
                            fmt::format("{}: result larger than {} elements", c.name, c.limits.max_elements), c.offset);
      for (auto& e : v) out.push_back(std::move(e));
    }
    return Result::of(std::move(out));
  }
  std::string out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Json& v = a[i];
    if (v.is_array() || v.is_object()) return bad_arg(c, i, "a string or an int (or all arrays)", v);
    std::string t = to_text(v);
    if (out.size() + t.size() > c.limits.max_string) return too_long(c, c.limits.max_string);
    out += t;
  }
  return Result::of(std::move(out));
}

std::string group_thousands(std::string digits) {
  std::string out;
  int n = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (n && n % 3 == 0) out.push_back(',');
    out.push_back(*it);
    ++n;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

/// One .NET standard numeric format (N, D, X) of an integer; nullopt when unsupported.
std::optional<std::string> format_int(std::int64_t v, std::string_view spec, std::size_t limit) {
  if (spec.empty()) return std::to_string(v);
  char kind = spec[0];
  std::size_t precision = 0;
  bool has_precision = spec.size() > 1;
  for (std::size_t i = 1; i < spec.size(); ++i) {
    if (spec[i] < '0' || spec[i] > '9') return std::nullopt;
    precision = precision * 10 + static_cast<std::size_t>(spec[i] - '0');
    if (precision > 99) return std::nullopt;  // .NET caps precision at 999999999; ours is smaller but safe
  }
  (void)limit;
  bool negative = v < 0;
  U128 mag = negative ? static_cast<U128>(-(v + 1)) + 1 : static_cast<U128>(v);
  std::string digits = std::to_string(static_cast<std::uint64_t>(mag));
  switch (kind) {
    case 'N':
    case 'n': {
      if (!has_precision) precision = 2;
      std::string s = group_thousands(digits);
      if (precision) s += fmt::format(".{}", std::string(precision, '0'));
      return fmt::format("{}{}", negative ? "-" : "", s);
    }
    case 'D':
    case 'd': {
      if (digits.size() < precision) digits.insert(0, precision - digits.size(), '0');
      return fmt::format("{}{}", negative ? "-" : "", digits);
    }
    case 'X':
    case 'x': {
      std::string h = kind == 'X' ? fmt::format("{:X}", static_cast<std::uint64_t>(v))
                                  : fmt::format("{:x}", static_cast<std::uint64_t>(v));
      if (h.size() < precision) h.insert(0, precision - h.size(), '0');
      return h;
    }
    default: return std::nullopt;
  }
}

Result fn_format(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a format string", a[0]);
  const std::string& f = a[0].get_ref<const std::string&>();
  std::string out;
  std::size_t i = 0;
  auto invalid = [&](std::string what) { return bad(c, fmt::format("invalid format string: {}", what)); };
  while (i < f.size()) {
    char ch = f[i];
    if (ch == '}') {
      if (i + 1 < f.size() && f[i + 1] == '}') {
        out.push_back('}');
        i += 2;
        continue;
      }
      return invalid(fmt::format("unmatched '}}' at {}", i));
    }
    if (ch != '{') {
      out.push_back(ch);
      ++i;
      continue;
    }
    if (i + 1 < f.size() && f[i + 1] == '{') {
      out.push_back('{');
      i += 2;
      continue;
    }
    std::size_t open = i++;
    std::size_t index = 0;
    bool any = false;
    while (i < f.size() && f[i] >= '0' && f[i] <= '9') {
      index = index * 10 + static_cast<std::size_t>(f[i] - '0');
      if (index > 1000000) return invalid("argument index too large");
      any = true;
      ++i;
    }
    if (!any) return invalid(fmt::format("expected an argument index after '{{' at {}", open));
    std::int64_t align = 0;
    if (i < f.size() && f[i] == ',') {
      ++i;
      bool neg = i < f.size() && f[i] == '-';
      if (neg) ++i;
      bool digits = false;
      while (i < f.size() && f[i] >= '0' && f[i] <= '9') {
        align = align * 10 + (f[i] - '0');
        if (align > 1000000)
          return Result::fail("limit-exceeded", fmt::format("{}: alignment too large", c.name), c.offset);
        digits = true;
        ++i;
      }
      if (!digits) return invalid(fmt::format("expected an alignment after ',' in the item at {}", open));
      if (neg) align = -align;
    }
    std::string spec;
    if (i < f.size() && f[i] == ':') {
      ++i;
      while (i < f.size() && f[i] != '}') spec.push_back(f[i++]);
    }
    if (i >= f.size() || f[i] != '}') return invalid(fmt::format("item at {} is not closed with '}}'", open));
    ++i;
    if (index + 1 >= a.size())
      return bad(c, fmt::format("format item {{{}}} refers to a missing argument ({} given)", index, a.size() - 1));
    const Json& v = a[index + 1];
    std::string text;
    std::int64_t iv = 0;
    if (as_int(v, iv)) {
      auto t = format_int(iv, spec, c.limits.max_string);
      if (!t) return bad(c, fmt::format("unsupported numeric format '{}'", spec));
      text = *t;
    } else if (v.is_array() || v.is_object()) {
      text = v.dump();
      std::replace(text.begin(), text.end(), '"', '\'');
    } else {
      text = to_text(v);
    }
    std::size_t width = static_cast<std::size_t>(align < 0 ? -align : align);
    if (out.size() + std::max(width, text.size()) > c.limits.max_string) return too_long(c, c.limits.max_string);
    if (text.size() < width) {
      if (align > 0) out.append(width - text.size(), ' ');
      out += text;
      if (align < 0) out.append(width - text.size(), ' ');
    } else {
      out += text;
    }
  }
  return Result::of(std::move(out));
}

Result fn_string(const Call&, std::vector<Json>& a) { return Result::of(to_text(a[0])); }

Result fn_int(const Call& c, std::vector<Json>& a) {
  std::int64_t v = 0;
  if (as_int(a[0], v)) return Result::of(v);
  if (!a[0].is_string()) return bad_arg(c, 0, "a string or an int", a[0]);
  std::string s = a[0].get<std::string>();
  // .NET long.Parse: surrounding white space and a leading sign are allowed.
  std::size_t b = s.find_first_not_of(" \t\r\n");
  std::size_t e = s.find_last_not_of(" \t\r\n");
  std::string t = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  bool neg = !t.empty() && t[0] == '-';
  std::size_t i = (!t.empty() && (t[0] == '-' || t[0] == '+')) ? 1 : 0;
  if (i >= t.size()) return bad(c, fmt::format("cannot convert '{}' to an integer", s));
  std::int64_t acc = 0;
  for (; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return bad(c, fmt::format("cannot convert '{}' to an integer", s));
    int d = t[i] - '0';
    if (acc < (std::numeric_limits<std::int64_t>::min() + d) / 10)
      return bad(c, fmt::format("'{}' is out of the integer range", s));
    acc = acc * 10 - d;
  }
  if (!neg) {
    if (acc == std::numeric_limits<std::int64_t>::min())
      return bad(c, fmt::format("'{}' is out of the integer range", s));
    acc = -acc;
  }
  return Result::of(acc);
}

Result fn_bool(const Call& c, std::vector<Json>& a) {
  std::int64_t v = 0;
  if (a[0].is_boolean()) return Result::of(a[0]);
  if (as_int(a[0], v)) return Result::of(v != 0);
  if (a[0].is_string()) {
    std::string s = lower(a[0].get<std::string>());
    if (s == "true") return Result::of(true);
    if (s == "false") return Result::of(false);
    return bad(c, fmt::format("cannot convert '{}' to a bool", a[0].get<std::string>()));
  }
  return bad_arg(c, 0, "a string, an int or a bool", a[0]);
}

Result fn_to_lower(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  return Result::of(lower(a[0].get<std::string>()));
}

Result fn_to_upper(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  return Result::of(upper(a[0].get<std::string>()));
}

Result fn_trim(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  const std::string& s = a[0].get_ref<const std::string&>();
  std::size_t b = s.find_first_not_of(" \t\r\n\v\f");
  if (b == std::string::npos) return Result::of(std::string());
  std::size_t e = s.find_last_not_of(" \t\r\n\v\f");
  return Result::of(s.substr(b, e - b + 1));
}

Result fn_replace(const Call& c, std::vector<Json>& a) {
  for (std::size_t i = 0; i < 3; ++i)
    if (!a[i].is_string()) return bad_arg(c, i, "a string", a[i]);
  const std::string& s = a[0].get_ref<const std::string&>();
  const std::string& from = a[1].get_ref<const std::string&>();
  const std::string& to = a[2].get_ref<const std::string&>();
  if (from.empty()) return bad(c, "the string to replace must not be empty");
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    std::size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out += to;
    if (out.size() > c.limits.max_string) return too_long(c, c.limits.max_string);
    pos = hit + from.size();
  }
  out.append(s, pos, std::string::npos);
  return Result::of(std::move(out));
}

Result fn_split(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  std::vector<std::string> delims;
  if (a[1].is_string()) {
    delims.push_back(a[1].get<std::string>());
  } else if (a[1].is_array()) {
    for (const auto& d : a[1]) {
      if (!d.is_string()) return bad_arg(c, 1, "a string or an array of strings", a[1]);
      delims.push_back(d.get<std::string>());
    }
  } else {
    return bad_arg(c, 1, "a string or an array of strings", a[1]);
  }
  delims.erase(std::remove_if(delims.begin(), delims.end(), [](const std::string& d) { return d.empty(); }),
               delims.end());
  const std::string& s = a[0].get_ref<const std::string&>();
  Json out = Json::array();
  std::size_t start = 0, i = 0;
  while (i <= s.size()) {
    // .NET String.Split with several separators: at each position the first separator (in order) that matches.
    bool matched = false;
    for (const auto& d : delims) {
      if (s.compare(i, d.size(), d) == 0 && i + d.size() <= s.size()) {
        out.push_back(s.substr(start, i - start));
        if (out.size() > c.limits.max_elements)
          return Result::fail("limit-exceeded", fmt::format("{}: too many parts", c.name), c.offset);
        i += d.size();
        start = i;
        matched = true;
        break;
      }
    }
    if (!matched) ++i;
  }
  out.push_back(s.substr(start));
  return Result::of(std::move(out));
}

Result fn_join(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_array()) return bad_arg(c, 0, "an array", a[0]);
  if (!a[1].is_string()) return bad_arg(c, 1, "a string", a[1]);
  const std::string& d = a[1].get_ref<const std::string&>();
  std::string out;
  bool first = true;
  for (const auto& e : a[0]) {
    if (e.is_array() || e.is_object()) return bad(c, fmt::format("cannot join an element of type {}", type_name(e)));
    if (!first) out += d;
    first = false;
    out += to_text(e);
    if (out.size() > c.limits.max_string) return too_long(c, c.limits.max_string);
  }
  return Result::of(std::move(out));
}

Result fn_substring(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string() && !a[0].is_null()) return bad_arg(c, 0, "a string", a[0]);
  std::string s = a[0].is_null() ? "" : a[0].get<std::string>();
  std::int64_t start = 0, len = 0;
  if (!as_int(a[1], start)) return bad_arg(c, 1, "an int", a[1]);
  if (start < 0) return bad(c, fmt::format("start index {} must not be negative", start));
  if (static_cast<std::uint64_t>(start) > s.size())
    return Result::fail("index-out-of-range",
                        fmt::format("{}: start index {} is beyond the string length {}", c.name, start, s.size()),
                        c.offset);
  if (a.size() == 2) return Result::of(s.substr(static_cast<std::size_t>(start)));
  if (!as_int(a[2], len)) return bad_arg(c, 2, "an int", a[2]);
  if (len < 0) return bad(c, fmt::format("length {} must not be negative", len));
  if (static_cast<std::uint64_t>(start) + static_cast<std::uint64_t>(len) > s.size())
    return Result::fail(
        "index-out-of-range",
        fmt::format("{}: start {} plus length {} is beyond the string length {}", c.name, start, len, s.size()),
        c.offset);
  return Result::of(s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(len)));
}

Result fn_pad_left(const Call& c, std::vector<Json>& a) {
  std::int64_t total = 0;
  if (!a[0].is_string() && !is_int(a[0])) return bad_arg(c, 0, "a string or an int", a[0]);
  if (!as_int(a[1], total)) return bad_arg(c, 1, "an int", a[1]);
  std::string pad = " ";
  if (a.size() == 3) {
    if (!a[2].is_string() || a[2].get<std::string>().size() != 1) return bad_arg(c, 2, "a single character", a[2]);
    pad = a[2].get<std::string>();
  }
  if (total < 0) return bad(c, "the total length must not be negative");
  if (static_cast<std::uint64_t>(total) > c.limits.max_string) return too_long(c, c.limits.max_string);
  std::string s = to_text(a[0]);
  if (s.size() < static_cast<std::size_t>(total)) s.insert(0, static_cast<std::size_t>(total) - s.size(), pad[0]);
  return Result::of(std::move(s));
}

Result fn_starts_with(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  if (!a[1].is_string()) return bad_arg(c, 1, "a string", a[1]);
  std::string s = lower(a[0].get<std::string>()), p = lower(a[1].get<std::string>());
  return Result::of(s.compare(0, p.size(), p) == 0 && p.size() <= s.size());
}

Result fn_ends_with(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  if (!a[1].is_string()) return bad_arg(c, 1, "a string", a[1]);
  std::string s = lower(a[0].get<std::string>()), p = lower(a[1].get<std::string>());
  return Result::of(p.size() <= s.size() && s.compare(s.size() - p.size(), p.size(), p) == 0);
}

Result fn_index_of(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  if (!a[1].is_string()) return bad_arg(c, 1, "a string", a[1]);
  std::size_t p = ifind(a[0].get<std::string>(), a[1].get<std::string>());
  return Result::of(p == std::string::npos ? std::int64_t{-1} : static_cast<std::int64_t>(p));
}

Result fn_last_index_of(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  if (!a[1].is_string()) return bad_arg(c, 1, "a string", a[1]);
  std::size_t p = lower(a[0].get<std::string>()).rfind(lower(a[1].get<std::string>()));
  return Result::of(p == std::string::npos ? std::int64_t{-1} : static_cast<std::int64_t>(p));
}

/// uri(base, relative) per the documented rules (RFC 3986 §5 for the simple cases templates use): a base
/// ending in '/' is followed by the relative part; otherwise the base's last path segment is replaced; a
/// relative part starting with '/' replaces the whole path.
Result fn_uri(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  if (!a[1].is_string()) return bad_arg(c, 1, "a string", a[1]);
  const std::string& base = a[0].get_ref<const std::string&>();
  const std::string& rel = a[1].get_ref<const std::string&>();
  std::size_t scheme = base.find("://");
  if (scheme == std::string::npos || scheme == 0) return bad(c, fmt::format("'{}' is not an absolute URI", base));
  std::size_t path = base.find('/', scheme + 3);
  std::string authority = base.substr(0, path);
  if (!rel.empty() && rel[0] == '/') return Result::of(authority + rel);
  if (path == std::string::npos) return Result::of(fmt::format("{}/{}", base, rel));
  std::size_t last = base.rfind('/');
  return Result::of(base.substr(0, last + 1) + rel);
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Result fn_base64(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  const std::string& s = a[0].get_ref<const std::string&>();
  if (s.size() / 3 * 4 + 4 > c.limits.max_string) return too_long(c, c.limits.max_string);
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 3) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(s[i])) << 16;
    if (i + 1 < s.size()) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(s[i + 1])) << 8;
    if (i + 2 < s.size()) n |= static_cast<unsigned char>(s[i + 2]);
    out.push_back(kBase64[(n >> 18) & 63]);
    out.push_back(kBase64[(n >> 12) & 63]);
    out.push_back(i + 1 < s.size() ? kBase64[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < s.size() ? kBase64[n & 63] : '=');
  }
  return Result::of(std::move(out));
}

Result fn_base64_to_string(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  const std::string& s = a[0].get_ref<const std::string&>();
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t pad = 0;
  for (char ch : s) {
    if (ch == '=') {
      ++pad;
      continue;
    }
    const char* p = std::strchr(kBase64, ch);
    if (ch == '\0' || !p || pad)
      return bad(c, fmt::format("'{}' is not valid base64", s.size() > 60 ? s.substr(0, 57) : s));
    acc = (acc << 6) | static_cast<std::uint32_t>(p - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if ((s.size() % 4) != 0 || pad > 2)
    return bad(c, fmt::format("'{}' is not valid base64", s.size() > 60 ? s.substr(0, 57) : s));
  return Result::of(std::move(out));
}

/// uriComponent: .NET Uri.EscapeDataString (RFC 3986 unreserved characters kept, the rest %XX of UTF-8).
Result fn_uri_component(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  const std::string& s = a[0].get_ref<const std::string&>();
  if (s.size() * 3 > c.limits.max_string) return too_long(c, c.limits.max_string);
  std::string out;
  for (char ch : s) {
    unsigned char u = static_cast<unsigned char>(ch);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '_' ||
        u == '.' || u == '~') {
      out.push_back(ch);
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return Result::of(std::move(out));
}

Result fn_uri_component_to_string(const Call& c, std::vector<Json>& a) {
  if (!a[0].is_string()) return bad_arg(c, 0, "a string", a[0]);
  const std::string& s = a[0].get_ref<const std::string&>();
  std::string out;
  auto hex = [](char h) -> int {
    if (h >= '0' && h <= '9') return h - '0';
    if (h >= 'a' && h <= 'f') return h - 'a' + 10;
    if (h >= 'A' && h <= 'F') return h - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return Result::of(std::move(out));
}

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

// ---- resource ids and deployment scope ----

std::vector<std::string> split_slash(std::string_view s) {
  std::vector<std::string> out;
  std::size_t b = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/') {
      if (i > b) out.emplace_back(s.substr(b, i - b));
      b = i + 1;
    }
  }
  return out;
}

/// "providers/{ns}/{type1}/{name1}/{type2}/{name2}" from a type and names (names may hold '/' themselves).
Result provider_path(const Call& c, const std::string& type, const std::vector<Json>& names, std::size_t first_name) {
  std::vector<std::string> t = split_slash(type);
  if (t.size() < 2) return bad(c, fmt::format("'{}' is not a resource type ('Namespace/type')", type));
  std::vector<std::string> n;
  for (std::size_t i = first_name; i < names.size(); ++i) {
    if (!names[i].is_string()) return bad_arg(c, i, "a string", names[i]);
    for (auto& part : split_slash(names[i].get<std::string>())) n.push_back(std::move(part));
  }
  if (n.size() != t.size() - 1)
    return bad(c, fmt::format("resource type '{}' needs {} name segment{}, got {}", type, t.size() - 1,
                              t.size() == 2 ? "" : "s", n.size()));
  std::string out = fmt::format("providers/{}", t[0]);
  for (std::size_t i = 1; i < t.size(); ++i) out += fmt::format("/{}/{}", t[i], n[i - 1]);
  return Result::of(std::move(out));
}

/// Index of the resource type among the first `max_prefix + 1` arguments (the first holding a '/').
std::optional<std::size_t> type_index(const std::vector<Json>& a, std::size_t max_prefix) {
  for (std::size_t i = 0; i < a.size() && i <= max_prefix; ++i)
    if (a[i].is_string() && a[i].get_ref<const std::string&>().find('/') != std::string::npos) return i;
  return std::nullopt;
}

Result check_strings(const Call& c, const std::vector<Json>& a) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!a[i].is_string()) return bad_arg(c, i, "a string", a[i]);
  return Result{};
}

Result fn_resource_id(const Call& c, std::vector<Json>& a) {
  if (Result e = check_strings(c, a); !e.ok()) return e;
  auto t = type_index(a, 2);
  if (!t) return bad(c, "expected a resource type ('Namespace/type') as argument 1, 2 or 3");
  std::string sub = c.context.subscription_id, rg = c.context.resource_group;
  if (*t == 2) {
    sub = a[0].get<std::string>();
    rg = a[1].get<std::string>();
  } else if (*t == 1) {
    rg = a[0].get<std::string>();
  }
  Result p = provider_path(c, a[*t].get<std::string>(), a, *t + 1);
  if (!p.ok()) return p;
  return Result::of(fmt::format("/subscriptions/{}/resourceGroups/{}/{}", sub, rg, p.value.get<std::string>()));
}

Result fn_subscription_resource_id(const Call& c, std::vector<Json>& a) {
  if (Result e = check_strings(c, a); !e.ok()) return e;
  auto t = type_index(a, 1);
  if (!t) return bad(c, "expected a resource type ('Namespace/type') as argument 1 or 2");
  std::string sub = *t == 1 ? a[0].get<std::string>() : c.context.subscription_id;
  Result p = provider_path(c, a[*t].get<std::string>(), a, *t + 1);
  if (!p.ok()) return p;
  return Result::of(fmt::format("/subscriptions/{}/{}", sub, p.value.get<std::string>()));
}

Result fn_tenant_resource_id(const Call& c, std::vector<Json>& a) {
  if (Result e = check_strings(c, a); !e.ok()) return e;
  Result p = provider_path(c, a[0].get<std::string>(), a, 1);
  if (!p.ok()) return p;
  return Result::of(fmt::format("/{}", p.value.get<std::string>()));
}

Result fn_extension_resource_id(const Call& c, std::vector<Json>& a) {
  if (Result e = check_strings(c, a); !e.ok()) return e;
  std::string base = a[0].get<std::string>();
  while (!base.empty() && base.back() == '/') base.pop_back();
  Result p = provider_path(c, a[1].get<std::string>(), a, 2);
  if (!p.ok()) return p;
  return Result::of(fmt::format("{}/{}", base, p.value.get<std::string>()));
}

Result fn_resource_group(const Call& c, std::vector<Json>&) {
  const Context& x = c.context;
  return Result::of(
      Json{{"id", fmt::format("/subscriptions/{}/resourceGroups/{}", x.subscription_id, x.resource_group)},
           {"name", x.resource_group},
           {"type", "Microsoft.Resources/resourceGroups"},
           {"location", x.location},
           {"tags", Json::object()},
           {"properties", {{"provisioningState", "Succeeded"}}}});
}

Result fn_subscription(const Call& c, std::vector<Json>&) {
  const Context& x = c.context;
  return Result::of(Json{{"id", fmt::format("/subscriptions/{}", x.subscription_id)},
                         {"subscriptionId", x.subscription_id},
                         {"tenantId", x.tenant_id},
                         {"displayName", x.subscription_id}});
}

Result fn_tenant(const Call& c, std::vector<Json>&) { return Result::of(Json{{"tenantId", c.context.tenant_id}}); }

Result fn_deployment(const Call& c, std::vector<Json>&) {
  // A linked deployment (quickstart templates default _artifactsLocation to templateLink.uri): a placeholder uri.
  // Deployments at subscription and management-group scope have a location (`deployment().location`).
  return Result::of(Json{{"name", c.context.deployment_name},
                         {"location", c.context.location},
                         {"properties",
                          {{"mode", "Incremental"},
                           {"provisioningState", "Accepted"},
                           {"templateLink", {{"uri", kPlaceholderTemplateUri}, {"contentVersion", "1.0.0.0"}}}}}});
}

Result fn_environment(const Call&, std::vector<Json>&) {
  // Azure public cloud, as listed in the environment() example of the ARM deployment functions page.
  return Result::of(Json{{"name", "AzureCloud"},
                         {"gallery", "https://gallery.azure.com/"},
                         {"graph", "https://graph.windows.net/"},
                         {"portal", "https://portal.azure.com"},
                         {"graphAudience", "https://graph.windows.net/"},
                         {"activeDirectoryDataLake", "https://datalake.azure.net/"},
                         {"batch", "https://batch.core.windows.net/"},
                         {"media", "https://rest.media.azure.net"},
                         {"sqlManagement", "https://management.core.windows.net:8443/"},
                         {"resourceManager", "https://management.azure.com/"},
                         {"authentication",
                          {{"loginEndpoint", "https://login.microsoftonline.com/"},
                           {"audiences", {"https://management.core.windows.net/", "https://management.azure.com/"}},
                           {"tenant", "common"},
                           {"identityProvider", "AAD"}}},
                         {"suffixes",
                          {{"acrLoginServer", ".azurecr.io"},
                           {"azureDatalakeAnalyticsCatalogAndJob", "azuredatalakeanalytics.net"},
                           {"azureDatalakeStoreFileSystem", "azuredatalakestore.net"},
                           {"azureFrontDoorEndpointSuffix", "azurefd.net"},
                           {"keyvaultDns", ".vault.azure.net"},
                           {"sqlServerHostname", ".database.windows.net"},
                           {"storage", "core.windows.net"}}}});
}

// ---- hashes ----

Result joined_strings(const Call& c, const std::vector<Json>& a, std::string& out) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].is_string()) return bad_arg(c, i, "a string", a[i]);
    if (i) out.push_back('-');
    out += a[i].get_ref<const std::string&>();
  }
  return Result{};
}

Result fn_unique_string(const Call& c, std::vector<Json>& a) {
  std::string joined;
  if (Result e = joined_strings(c, a, joined); !e.ok()) return e;
  return Result::of(unique_string(joined));
}

Result fn_guid(const Call& c, std::vector<Json>& a) {
  std::string joined;
  if (Result e = joined_strings(c, a, joined); !e.ok()) return e;
  return Result::of(arm_guid(joined));
}

// ---- CIDR ----

Result parse_network(const Call& c, const Json& v, IpPrefix& out) {
  if (!v.is_string()) return bad_arg(c, 0, "a CIDR string", v);
  const std::string& s = v.get_ref<const std::string&>();
  if (s.find('/') == std::string::npos) return bad(c, fmt::format("'{}' is not in CIDR notation", s));
  auto p = IpPrefix::parse(s);
  if (!p) return bad(c, fmt::format("'{}' is not in CIDR notation", s));
  out = *p;
  return Result{};
}

int bits_of(const IpPrefix& p) { return p.family() == IpFamily::kV4 ? 32 : 128; }

IpAddress address_at(const IpPrefix& p, U128 value) {
  if (p.family() == IpFamily::kV4) return IpAddress::v4(static_cast<std::uint32_t>(value));
  return IpAddress{value};
}

/// The host bits of `p` as an offset from its network address, in its own family.
U128 host_span(const IpPrefix& p) {
  int host_bits = bits_of(p) - p.length;
  return host_bits >= 128 ? ~static_cast<U128>(0) : (static_cast<U128>(1) << host_bits) - 1;
}

U128 own_bits(const IpPrefix& p) {
  return p.family() == IpFamily::kV4 ? static_cast<U128>(p.address.v4_bits()) : p.address.value;
}

Result fn_parse_cidr(const Call& c, std::vector<Json>& a) {
  IpPrefix p;
  if (Result e = parse_network(c, a[0], p); !e.ok()) return e;
  U128 base = own_bits(p), span = host_span(p);
  U128 mask = ~span;
  if (p.family() == IpFamily::kV4) {
    mask &= 0xffffffffu;
    U128 last = base + span;
    // /31 and /32 have no network and broadcast addresses to exclude (RFC 3021); Azure's docs do not say.
    U128 first_usable = p.length >= 31 ? base : base + 1;
    U128 last_usable = p.length >= 31 ? last : last - 1;
    return Result::of(Json{{"network", address_at(p, base).to_string()},
                           {"netmask", address_at(p, mask).to_string()},
                           {"broadcast", address_at(p, last).to_string()},
                           {"firstUsable", address_at(p, first_usable).to_string()},
                           {"lastUsable", address_at(p, last_usable).to_string()},
                           {"cidr", p.length}});
  }
  return Result::of(Json{{"network", address_at(p, base).to_string()},
                         {"netmask", address_at(p, mask).to_string()},
                         {"firstUsable", address_at(p, base).to_string()},
                         {"lastUsable", address_at(p, base + span).to_string()},
                         {"cidr", p.length}});
}

Result fn_cidr_subnet(const Call& c, std::vector<Json>& a) {
  IpPrefix p;
  if (Result e = parse_network(c, a[0], p); !e.ok()) return e;
  std::int64_t len = 0, index = 0;
  if (!as_int(a[1], len)) return bad_arg(c, 1, "an int", a[1]);
  if (!as_int(a[2], index)) return bad_arg(c, 2, "an int", a[2]);
  if (len < p.length || len > bits_of(p))
    return bad(c, fmt::format("new CIDR {} not in {}..{}", len, p.length, bits_of(p)));
  if (index < 0) return bad(c, fmt::format("subnet index {} must not be negative", index));
  int extra = static_cast<int>(len) - p.length;
  if (extra < 63 && static_cast<std::uint64_t>(index) >= (std::uint64_t{1} << extra))
    return Result::fail("index-out-of-range",
                        fmt::format("{}: subnet index {} out of range: '{}' has {} /{} subnets", c.name, index,
                                    a[0].get<std::string>(), std::uint64_t{1} << extra, len),
                        c.offset);
  int shift = bits_of(p) - static_cast<int>(len);
  U128 value = own_bits(p) + (shift >= 128 ? 0 : static_cast<U128>(index) << shift);
  return Result::of(fmt::format("{}/{}", address_at(p, value).to_string(), len));
}

Result fn_cidr_host(const Call& c, std::vector<Json>& a) {
  IpPrefix p;
  if (Result e = parse_network(c, a[0], p); !e.ok()) return e;
  std::int64_t index = 0;
  if (!as_int(a[1], index)) return bad_arg(c, 1, "an int", a[1]);
  if (index < 0) return bad(c, fmt::format("host index {} must not be negative", index));
  U128 span = host_span(p);
  // Usable hosts: network+1 onwards; IPv4 also excludes the broadcast address (Azure docs: index 0 of
  // 192.168.1.0/24 is 192.168.1.1, usable up to .254; index 0 of fdad:3236:5555:3000::/52 is ...::1).
  U128 usable = p.family() == IpFamily::kV4 ? (span >= 2 ? span - 1 : 0) : span;
  if (static_cast<U128>(index) >= usable)
    return Result::fail(
        "index-out-of-range",
        fmt::format("{}: host index {} out of range: '{}' has {} usable host addresses", c.name, index,
                    a[0].get<std::string>(), static_cast<std::uint64_t>(std::min<U128>(usable, ~std::uint64_t{0}))),
        c.offset);
  return Result::of(address_at(p, own_bits(p) + 1 + static_cast<U128>(index)).to_string());
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

constexpr FunctionSpec kFunctions[] = {
    {"add", 2, 2, fn_add},
    {"array", 1, 1, fn_array},
    {"base64", 1, 1, fn_base64},
    {"base64tostring", 1, 1, fn_base64_to_string},
    {"bool", 1, 1, fn_bool},
    {"cidrhost", 2, 2, fn_cidr_host},
    {"cidrsubnet", 3, 3, fn_cidr_subnet},
    {"concat", 1, -1, fn_concat},
    {"contains", 2, 2, fn_contains},
    {"createarray", 0, -1, fn_create_array},
    {"createobject", 0, -1, fn_create_object},
    {"deployment", 0, 0, fn_deployment},
    {"div", 2, 2, fn_div},
    {"empty", 1, 1, fn_empty},
    {"endswith", 2, 2, fn_ends_with},
    {"environment", 0, 0, fn_environment},
    {"equals", 2, 2, fn_equals},
    {"extensionresourceid", 3, -1, fn_extension_resource_id},
    {"false", 0, 0, fn_false},
    {"first", 1, 1, fn_first},
    {"format", 1, -1, fn_format},
    {"greater", 2, 2, fn_greater},
    {"greaterorequals", 2, 2, fn_greater_or_equals},
    {"guid", 1, -1, fn_guid},
    {"indexof", 2, 2, fn_index_of},
    {"int", 1, 1, fn_int},
    {"intersection", 2, -1, fn_intersection},
    {"items", 1, 1, fn_items},
    {"join", 2, 2, fn_join},
    {"json", 1, 1, fn_json},
    {"last", 1, 1, fn_last},
    {"lastindexof", 2, 2, fn_last_index_of},
    {"length", 1, 1, fn_length},
    {"less", 2, 2, fn_less},
    {"lessorequals", 2, 2, fn_less_or_equals},
    {"max", 1, -1, fn_max},
    {"min", 1, -1, fn_min},
    {"mod", 2, 2, fn_mod},
    {"mul", 2, 2, fn_mul},
    {"not", 1, 1, fn_not},
    {"null", 0, 0, fn_null},
    {"objectkeys", 1, 1, fn_object_keys},
    {"padleft", 2, 3, fn_pad_left},
    {"parsecidr", 1, 1, fn_parse_cidr},
    {"range", 2, 2, fn_range},
    {"replace", 3, 3, fn_replace},
    {"resourcegroup", 0, 0, fn_resource_group},
    {"resourceid", 2, -1, fn_resource_id},
    {"shallowmerge", 1, 1, fn_shallow_merge},
    {"skip", 2, 2, fn_skip},
    {"split", 2, 2, fn_split},
    {"startswith", 2, 2, fn_starts_with},
    {"string", 1, 1, fn_string},
    {"sub", 2, 2, fn_sub},
    {"subscription", 0, 0, fn_subscription},
    {"subscriptionresourceid", 2, -1, fn_subscription_resource_id},
    {"substring", 2, 3, fn_substring},
    {"take", 2, 2, fn_take},
    {"tenant", 0, 0, fn_tenant},
    {"tenantresourceid", 2, -1, fn_tenant_resource_id},
    {"tolower", 1, 1, fn_to_lower},
    {"toupper", 1, 1, fn_to_upper},
    {"trim", 1, 1, fn_trim},
    {"true", 0, 0, fn_true},
    {"tryget", 2, -1, fn_try_get},
    {"union", 1, -1, fn_union},
    {"uniquestring", 1, -1, fn_unique_string},
    {"uri", 2, 2, fn_uri},
    {"uricomponent", 1, 1, fn_uri_component},
    {"uricomponenttostring", 1, 1, fn_uri_component_to_string},
};

std::uint32_t rotl(std::uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

std::uint32_t le32(const unsigned char* p, std::size_t n) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint32_t>(p[i]) << (8 * i);
  return v;
}

}  // namespace

const FunctionSpec* find_builtin(std::string_view lower_name) {
  auto it = std::lower_bound(std::begin(kFunctions), std::end(kFunctions), lower_name,
                             [](const FunctionSpec& f, std::string_view n) { return f.name < n; });
  if (it == std::end(kFunctions) || it->name != lower_name) return nullptr;
  return &*it;
}

std::string to_text(const Json& v) {
  switch (v.type()) {
    case Json::value_t::string: return v.get<std::string>();
    case Json::value_t::null: return "";
    case Json::value_t::boolean: return v.get<bool>() ? "True" : "False";
    default: return v.dump();
  }
}

std::size_t value_size(const Json& v, std::size_t cap) {
  std::size_t total = 0;
  std::vector<const Json*> stack{&v};
  while (!stack.empty() && total < cap) {
    const Json* x = stack.back();
    stack.pop_back();
    ++total;
    if (x->is_string()) total += x->get_ref<const std::string&>().size();
    if (x->is_array())
      for (const auto& e : *x) stack.push_back(&e);
    if (x->is_object())
      for (auto it = x->begin(); it != x->end(); ++it) {
        total += it.key().size();
        stack.push_back(&it.value());
      }
  }
  return std::min(total, cap);
}

// Azure's uniqueString: a 64-bit MurmurHash variant over the UTF-8 bytes (two 32-bit lanes, constants as in
// Microsoft.WindowsAzure.ResourceStack's ComputeHash.MurmurHash64, seed 0), then 13 base32 characters taken
// from the top of the hash, 5 bits at a time.
std::uint64_t murmur_hash64(std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t n = data.size();
  constexpr std::uint32_t c1 = 0x239b961bu;  // 597399067
  constexpr std::uint32_t c2 = 0xab0e9789u;  // 2869860233
  std::uint32_t h1 = 0, h2 = 0;
  std::size_t i = 0;
  for (; i + 7 < n; i += 8) {
    std::uint32_t k1 = le32(p + i, 4), k2 = le32(p + i + 4, 4);
    k1 = rotl(k1 * c1, 15) * c2;
    h1 = (rotl(h1 ^ k1, 19) + h2) * 5 + 0x561ccd1bu;  // 1444728091
    k2 = rotl(k2 * c2, 17) * c1;
    h2 = (rotl(h2 ^ k2, 13) + h1) * 5 + 0x0bcaa747u;  // 197830471
  }
  std::size_t tail = n - i;
  if (tail > 0) {
    std::uint32_t k1 = le32(p + i, std::min<std::size_t>(tail, 4));
    h1 ^= rotl(k1 * c1, 15) * c2;
    if (tail > 4) {
      std::uint32_t k2 = le32(p + i + 4, tail - 4);
      h2 ^= rotl(k2 * c2, 17) * c1;
    }
  }
  h1 ^= static_cast<std::uint32_t>(n);
  h2 ^= static_cast<std::uint32_t>(n);
  h1 += h2;
  h2 += h1;
  auto fmix = [](std::uint32_t h) {
    h = (h ^ (h >> 16)) * 0x85ebca6bu;
    h = (h ^ (h >> 13)) * 0xc2b2ae35u;
    return h ^ (h >> 16);
  };
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 += h2;
  h2 += h1;
  return (static_cast<std::uint64_t>(h2) << 32) | h1;
}

std::string unique_string(std::string_view joined) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::uint64_t h = murmur_hash64(joined);
  std::string out;
  for (int i = 0; i < 13; ++i) {
    out.push_back(kAlphabet[h >> 59]);
    h <<= 5;
  }
  return out;
}

std::array<std::uint8_t, 20> sha1(std::string_view data) {
  std::uint32_t h[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};
  std::string msg(data);
  const std::uint64_t bit_len = static_cast<std::uint64_t>(data.size()) * 8;
  msg.push_back(static_cast<char>(0x80));
  while (msg.size() % 64 != 56) msg.push_back('\0');
  for (int i = 7; i >= 0; --i) msg.push_back(static_cast<char>((bit_len >> (8 * i)) & 0xff));
  for (std::size_t chunk = 0; chunk < msg.size(); chunk += 64) {
    std::uint32_t w[80];
    for (int i = 0; i < 16; ++i) {
      const auto* b = reinterpret_cast<const unsigned char*>(msg.data() + chunk + 4 * i);
      w[i] = (static_cast<std::uint32_t>(b[0]) << 24) | (static_cast<std::uint32_t>(b[1]) << 16) |
             (static_cast<std::uint32_t>(b[2]) << 8) | b[3];
    }
    for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
      std::uint32_t f, k;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999u;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1u;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdcu;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6u;
      }
      std::uint32_t t = rotl(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
  }
  std::array<std::uint8_t, 20> out{};
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<std::uint8_t>(h[i] >> (24 - 8 * j));
  return out;
}

std::string arm_guid(std::string_view joined) {
  // ARM's namespace 11fb06fb-712d-4ddd-98c7-e71bbd588830 in network byte order, then the name (RFC 4122 §4.3).
  static constexpr unsigned char kNamespace[16] = {0x11, 0xfb, 0x06, 0xfb, 0x71, 0x2d, 0x4d, 0xdd,
                                                   0x98, 0xc7, 0xe7, 0x1b, 0xbd, 0x58, 0x88, 0x30};
  std::string input(reinterpret_cast<const char*>(kNamespace), sizeof kNamespace);
  input.append(joined);
  auto h = sha1(input);
  h[6] = static_cast<std::uint8_t>((h[6] & 0x0f) | 0x50);
  h[8] = static_cast<std::uint8_t>((h[8] & 0x3f) | 0x80);
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out += fmt::format("{:02x}", h[i]);
  }
  return out;
}

}  // namespace exposim::importers::arm::detail
