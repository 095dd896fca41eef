// ARM template functions on strings (Azure's "string functions"): concat, format, split, replace, base64,
// uri and the conversions string(), int() and bool().
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "importers/arm/functions_internal.h"
#include "model/ip.h"

namespace exposim::importers::arm::detail::builtins {

using model::U128;

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

}  // namespace exposim::importers::arm::detail::builtins
