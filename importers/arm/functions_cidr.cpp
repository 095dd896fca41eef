// ARM template CIDR functions: parseCidr(), cidrSubnet(), cidrHost().
#include <fmt/format.h>

#include "importers/arm/functions_internal.h"
#include "model/ip.h"

namespace exposim::importers::arm::detail::builtins {

using model::IpAddress;
using model::IpFamily;
using model::IpPrefix;
using model::U128;

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

}  // namespace exposim::importers::arm::detail::builtins
