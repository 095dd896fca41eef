// IPv4 and IPv6 addresses, prefixes and address sets in one 128-bit space.
// IPv4 addresses live in the IPv4-mapped block ::ffff:0:0/96, so a single set can hold both families.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/interval_set.h"

namespace exposim::model {

__extension__ typedef unsigned __int128 U128;

enum class IpFamily { kV4, kV6 };

/// An address in the unified space. IPv4 a.b.c.d is stored as ::ffff:a.b.c.d.
/// Unsupported: genuine IPv6 addresses inside ::ffff:0:0/96 are read as IPv4 (Azure never assigns them).
struct IpAddress {
  U128 value{0};

  static constexpr U128 kV4Base = (static_cast<U128>(0xffff)) << 32;
  static IpAddress v4(std::uint32_t a) { return IpAddress{kV4Base | a}; }
  IpFamily family() const { return (value >> 32) == 0xffff ? IpFamily::kV4 : IpFamily::kV6; }
  std::uint32_t v4_bits() const { return static_cast<std::uint32_t>(value); }

  /// Parses "10.0.0.4" or "2001:db8::1"; nullopt on anything else (no surrounding spaces).
  static std::optional<IpAddress> parse(std::string_view text);
  /// Dotted quad for IPv4, RFC 5952 text for IPv6.
  std::string to_string() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
};

/// A CIDR prefix; `length` counts bits of its own family (0..32 or 0..128).
struct IpPrefix {
  IpAddress address;  // network address (host bits cleared)
  int length{0};

  IpFamily family() const { return address.family(); }
  /// Parses "10.0.0.0/16", "2001:db8::/32", or a bare address (a host prefix).
  /// Host bits set in the address are accepted and cleared (Azure does the same for NSG rules);
  /// `host_bits_set` reports it so that callers may warn.
  static std::optional<IpPrefix> parse(std::string_view text, bool* host_bits_set = nullptr);
  std::string to_string() const;
  /// The range [first(), last()]; for IPv6 prefixes it may span the IPv4-mapped block, which the prefix
  /// does not cover: use to_set() or contains() for membership.
  U128 first() const { return address.value; }
  U128 last() const;
  /// True when `a` is of the prefix's family and inside it.
  bool contains(const IpAddress& a) const { return a.family() == family() && a.value >= first() && a.value <= last(); }

  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
  friend auto operator<=>(const IpPrefix&, const IpPrefix&) = default;
};

/// A set of addresses (either family).
using IpSet = IntervalSet<U128>;

IpSet to_set(const IpPrefix& p);
IpSet to_set(const IpAddress& a);
/// The union of `prefixes`.
IpSet to_set(const std::vector<IpPrefix>& prefixes);
/// Every IPv4 address (::ffff:0:0/96).
IpSet all_v4();
/// Every IPv6 address outside the IPv4-mapped block.
IpSet all_v6();

/// The smallest list of CIDR prefixes whose union is `s`: IPv4 prefixes first, then IPv6, each in address order.
std::vector<IpPrefix> to_prefixes(const IpSet& s);
/// to_prefixes(s).size(), without building the prefixes.
std::size_t prefix_count(const IpSet& s);
/// Comma-free list of CIDR strings for `s` (host prefixes keep their /32 or /128).
std::vector<std::string> to_cidr_strings(const IpSet& s);

/// Parses a port or range "80", "1000-2000" (spaces around parts tolerated); nullopt when invalid.
std::optional<Interval<std::uint16_t>> parse_port_range(std::string_view text);

using PortSet = IntervalSet<std::uint16_t>;

/// "22", "80-90", "22,80-90" for display.
std::string to_string(const PortSet& ports);

}  // namespace exposim::model
