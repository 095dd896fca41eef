// Parsing and formatting of addresses, prefixes and port ranges; CIDR decomposition of sets.
#include "model/ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace exposim::model {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

U128 mask_of(int host_bits) {
  if (host_bits <= 0) return 0;
  if (host_bits >= 128) return ~static_cast<U128>(0);
  return (static_cast<U128>(1) << host_bits) - 1;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() > 45 || text.find('\0') != std::string_view::npos) return std::nullopt;
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (text.find(':') == std::string_view::npos) {
    in_addr a4{};
    if (inet_pton(AF_INET, buf, &a4) != 1) return std::nullopt;
    return IpAddress::v4(ntohl(a4.s_addr));
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, buf, &a6) != 1) return std::nullopt;
  U128 v = 0;
  for (unsigned char byte : a6.s6_addr) v = (v << 8) | byte;
  return IpAddress{v};
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (family() == IpFamily::kV4) {
    in_addr a4{};
    a4.s_addr = htonl(v4_bits());
    inet_ntop(AF_INET, &a4, buf, sizeof buf);
    return buf;
  }
  in6_addr a6{};
  U128 v = value;
  for (int i = 15; i >= 0; --i) {
    a6.s6_addr[i] = static_cast<unsigned char>(v & 0xff);
    v >>= 8;
  }
  inet_ntop(AF_INET6, &a6, buf, sizeof buf);
  return buf;
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text, bool* host_bits_set) {
  if (host_bits_set) *host_bits_set = false;
  auto slash = text.find('/');
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  const int max_len = addr->family() == IpFamily::kV4 ? 32 : 128;
  int len = max_len;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || len < 0 || len > max_len) {
      return std::nullopt;
    }
  }
  const U128 host = mask_of(max_len - len);
  if ((addr->value & host) != 0 && host_bits_set) *host_bits_set = true;
  IpPrefix p;
  p.address = IpAddress{addr->value & ~host};
  p.length = len;
  return p;
}

U128 IpPrefix::last() const {
  const int max_len = family() == IpFamily::kV4 ? 32 : 128;
  return address.value | mask_of(max_len - length);
}

std::string IpPrefix::to_string() const { return fmt::format("{}/{}", address.to_string(), length); }

IpSet to_set(const IpPrefix& p) {
  // An IPv6 prefix never covers IPv4 addresses, even when its range spans the IPv4-mapped block.
  IpSet s(p.first(), p.last());
  return p.family() == IpFamily::kV6 ? s.intersect(all_v6()) : s;
}
IpSet to_set(const IpAddress& a) { return IpSet::single(a.value); }

IpSet to_set(const std::vector<IpPrefix>& prefixes) {
  IpSet s;
  for (const auto& p : prefixes) s = s.unite(to_set(p));
  return s;
}
IpSet all_v4() { return IpSet(IpAddress::kV4Base, IpAddress::kV4Base | 0xffffffffu); }
IpSet all_v6() { return all_v4().complement(); }

namespace {

/// Trailing zero bits of `v` (128 for 0).
int trailing_zeros(U128 v) {
  const auto low = static_cast<std::uint64_t>(v);
  if (low != 0) return __builtin_ctzll(low);
  const auto high = static_cast<std::uint64_t>(v >> 64);
  return high != 0 ? 64 + __builtin_ctzll(high) : 128;
}

/// floor(log2(v)) for v > 0.
int floor_log2(U128 v) {
  const auto high = static_cast<std::uint64_t>(v >> 64);
  if (high != 0) return 127 - __builtin_clzll(high);
  return 63 - __builtin_clzll(static_cast<std::uint64_t>(v));
}

/// Calls f(lo, host_bits) for each prefix of to_prefixes(s), in its order: every interval of each family split into
/// the largest aligned blocks that fit, a block at `lo` holding 2^host_bits addresses.
template <class F>
void for_each_prefix(const IpSet& s, F f) {
  // IPv4 first, then IPv6, so that no prefix straddles the two families.
  const IpSet parts[2] = {s.intersect(all_v4()), s.intersect(all_v6())};
  for (const auto& part : parts)
    for (const auto& iv : part.intervals()) {
      U128 lo = iv.lo;
      for (;;) {
        // The largest aligned block at lo that fits in [lo, hi]: lo's trailing zeros, and the largest power of two
        // not above hi - lo + 1 (2^128 when the interval is every address).
        const U128 span = iv.hi - lo;
        const int fits = span == ~static_cast<U128>(0) ? 128 : floor_log2(span + 1);
        const int bits = std::min(trailing_zeros(lo), fits);
        f(lo, bits);
        const U128 end = lo + mask_of(bits);
        if (end >= iv.hi) break;
        lo = end + 1;
      }
    }
}

}  // namespace

std::vector<IpPrefix> to_prefixes(const IpSet& s) {
  std::vector<IpPrefix> out;
  for_each_prefix(s, [&](U128 lo, int bits) {
    // IPv4-mapped blocks are expressed as IPv4 prefixes.
    IpPrefix p;
    p.address = IpAddress{lo};
    p.length = (p.address.family() == IpFamily::kV4 ? 32 : 128) - bits;
    out.push_back(p);
  });
  return out;
}

std::size_t prefix_count(const IpSet& s) {
  std::size_t n = 0;
  for_each_prefix(s, [&](U128, int) { ++n; });
  return n;
}

std::vector<std::string> to_cidr_strings(const IpSet& s) {
  std::vector<std::string> out;
  for (const auto& p : to_prefixes(s)) out.push_back(p.to_string());
  return out;
}

std::optional<Interval<std::uint16_t>> parse_port_range(std::string_view text) {
  text = trim(text);
  auto parse_one = [](std::string_view t) -> std::optional<std::uint16_t> {
    t = trim(t);
    if (t.empty() || t.size() > 5) return std::nullopt;
    unsigned v = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || ptr != t.data() + t.size() || v > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(v);
  };
  auto dash = text.find('-');
  if (dash == std::string_view::npos) {
    auto v = parse_one(text);
    if (!v) return std::nullopt;
    return Interval<std::uint16_t>{*v, *v};
  }
  auto lo = parse_one(text.substr(0, dash));
  auto hi = parse_one(text.substr(dash + 1));
  if (!lo || !hi || *lo > *hi) return std::nullopt;
  return Interval<std::uint16_t>{*lo, *hi};
}

std::string to_string(const PortSet& ports) {
  std::string out;
  for (const auto& iv : ports.intervals()) {
    if (!out.empty()) out += ",";
    out += iv.lo == iv.hi ? fmt::format("{}", iv.lo) : fmt::format("{}-{}", iv.lo, iv.hi);
  }
  return out;
}

}  // namespace exposim::model
