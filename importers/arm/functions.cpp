// The table of the pure built-in functions of the ARM expression language (every argument a known JSON value;
// each family in its functions_<family>.cpp), and the hashes behind uniqueString() and guid(). Semantics follow
// Azure's template function reference.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <utility>

#include "importers/arm/expression.h"
#include "importers/arm/functions_internal.h"

namespace exposim::importers::arm::detail {
namespace {

using namespace builtins;

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
