// Tests of model/ip.h: address and prefix parsing and printing, CIDR decomposition of sets, port ranges.
// Expected values are worked out by hand (or computed here from first principles), never taken from the code.
#include "model/ip.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "u128_max.h"

namespace {

using exposim::model::all_v4;
using exposim::model::all_v6;
using exposim::model::IpAddress;
using exposim::model::IpFamily;
using exposim::model::IpPrefix;
using exposim::model::IpSet;
using exposim::model::parse_port_range;
using exposim::model::PortSet;
using exposim::model::to_cidr_strings;
using exposim::model::to_prefixes;
using exposim::model::U128;

using exposim::testing::kMax128;
constexpr U128 kV4 = static_cast<U128>(0xffff) << 32;  // ::ffff:0:0, the IPv4-mapped block

constexpr U128 v4(std::uint32_t a) { return kV4 | a; }
constexpr U128 v6(std::uint64_t hi, std::uint64_t lo) { return (static_cast<U128>(hi) << 64) | lo; }
constexpr U128 pow2(int n) { return static_cast<U128>(1) << n; }

std::string dotted(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." + std::to_string((a >> 8) & 0xff) +
         "." + std::to_string(a & 0xff);
}

std::vector<std::string> strings(const std::vector<IpPrefix>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.to_string());
  return out;
}

}  // namespace

TEST_CASE("IpAddress parses IPv4 into the mapped block", "[model]") {
  struct Case {
    const char* text;
    std::uint32_t bits;
  };
  const Case cases[] = {
      {"0.0.0.0", 0},
      {"10.0.0.4", 0x0a000004},
      {"192.168.1.254", 0xc0a801fe},
      {"255.255.255.255", 0xffffffff},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const auto a = IpAddress::parse(c.text);
    REQUIRE(a);
    CHECK(a->value == v4(c.bits));
    CHECK(a->family() == IpFamily::kV4);
    CHECK(a->v4_bits() == c.bits);
    CHECK(a->to_string() == c.text);
    CHECK(*a == IpAddress::v4(c.bits));
  }
}

TEST_CASE("IpAddress parses IPv6 and prints RFC 5952 text", "[model]") {
  struct Case {
    const char* text;
    U128 value;
    const char* canonical;
  };
  const Case cases[] = {
      {"::", 0, "::"},
      {"::1", 1, "::1"},
      {"0:0:0:0:0:0:0:0", 0, "::"},
      {"2001:db8::1", v6(0x20010db800000000, 1), "2001:db8::1"},
      // Leading zeros dropped, lowercase (RFC 5952 4.1, 4.3).
      {"2001:0DB8:0000:0000:0000:0000:0000:0001", v6(0x20010db800000000, 1), "2001:db8::1"},
      {"2001:DB8::AB", v6(0x20010db800000000, 0xab), "2001:db8::ab"},
      // Of two equal runs of zeros the first is compressed (4.2.3).
      {"2001:db8:0:0:1:0:0:1", v6(0x20010db800000000, 0x0001000000000001), "2001:db8::1:0:0:1"},
      // The longest run is compressed (4.2.3).
      {"2001:0:0:1:0:0:0:1", v6(0x2001000000000001, 0x0000000000000001), "2001:0:0:1::1"},
      // A single zero group is not compressed (4.2.2).
      {"2001:db8:0:1:1:1:1:1", v6(0x20010db800000001, 0x0001000100010001), "2001:db8:0:1:1:1:1:1"},
      {"1:0:0:0:0:0:0:0", v6(0x0001000000000000, 0), "1::"},
      {"fe80::1", v6(0xfe80000000000000, 1), "fe80::1"},
      {"0:0:0:1::", pow2(64), "0:0:0:1::"},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kMax128, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
      // The longest text form (45 characters) is accepted.
      {"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", kMax128, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const auto a = IpAddress::parse(c.text);
    REQUIRE(a);
    CHECK(a->value == c.value);
    CHECK(a->family() == IpFamily::kV6);
    CHECK(a->to_string() == c.canonical);
  }
}

TEST_CASE("IpAddress reads IPv4-mapped IPv6 text as IPv4 (documented)", "[model]") {
  const auto a = IpAddress::parse("::ffff:10.0.0.1");
  REQUIRE(a);
  CHECK(a->family() == IpFamily::kV4);
  CHECK(a->value == v4(0x0a000001));
  CHECK(a->to_string() == "10.0.0.1");
  // The neighbours of the block are IPv6.
  CHECK(IpAddress{kV4 - 1}.family() == IpFamily::kV6);
  CHECK(IpAddress{kV4 + pow2(32)}.family() == IpFamily::kV6);
}

TEST_CASE("IpAddress rejects malformed text", "[model]") {
  const char* bad[] = {
      "",
      "256.1.1.1",
      "1.2.3",
      "1.2.3.4.5",
      "1..2.3",
      " 10.0.0.1",  // no surrounding spaces
      "10.0.0.1 ",
      "10.0.0.01",  // glibc inet_pton rejects leading zeros in a dotted quad (no octal reading)
      "010.0.0.1",
      "0x1.2.3.4",
      "10.0.0.1/8",  // a prefix is not an address
      "::g",
      ":::",
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "12345::",
      "fe80::1%eth0",  // zone ids are not addresses
      "::10.0.0.01",
      "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2555",  // 46 characters, longer than any address
  };
  for (const char* text : bad) {
    INFO('"' << text << '"');
    CHECK_FALSE(IpAddress::parse(text));
  }
}

TEST_CASE("IpAddress rejects text with an embedded NUL", "[model]") {
  // The text is a string_view, so it may hold '\0' (JSON "\u0000"); the header promises nullopt on
  // anything that is not exactly an address.
  using namespace std::string_view_literals;
  CHECK_FALSE(IpAddress::parse("10.0.0.1\0garbage"sv));
  CHECK_FALSE(IpAddress::parse("10.0.0.1\0"sv));
  CHECK_FALSE(IpAddress::parse("::1\0:"sv));
  CHECK_FALSE(IpPrefix::parse("10.0.0.0\0/8"sv));
}

TEST_CASE("IpPrefix parses CIDR text", "[model]") {
  struct Case {
    const char* text;
    const char* canonical;
    int length;
    bool host_bits;
    U128 first;
    U128 last;
  };
  const Case cases[] = {
      {"10.0.0.0/8", "10.0.0.0/8", 8, false, v4(0x0a000000), v4(0x0affffff)},
      {"10.1.2.3/8", "10.0.0.0/8", 8, true, v4(0x0a000000), v4(0x0affffff)},
      {"10.0.0.5/31", "10.0.0.4/31", 31, true, v4(0x0a000004), v4(0x0a000005)},
      {"10.0.0.4/32", "10.0.0.4/32", 32, false, v4(0x0a000004), v4(0x0a000004)},
      {"10.0.0.4", "10.0.0.4/32", 32, false, v4(0x0a000004), v4(0x0a000004)},  // a bare address is a host
      {"0.0.0.0/0", "0.0.0.0/0", 0, false, v4(0), v4(0xffffffff)},
      {"10.0.0.0/0", "0.0.0.0/0", 0, true, v4(0), v4(0xffffffff)},
      {"255.255.255.255/1", "128.0.0.0/1", 1, true, v4(0x80000000), v4(0xffffffff)},
      {"172.16.0.0/12", "172.16.0.0/12", 12, false, v4(0xac100000), v4(0xac1fffff)},
      // Leading zeros in the length are read as decimal (std::from_chars): /08 is /8.
      {"10.0.0.0/08", "10.0.0.0/8", 8, false, v4(0x0a000000), v4(0x0affffff)},
      {"10.0.0.0/008", "10.0.0.0/8", 8, false, v4(0x0a000000), v4(0x0affffff)},
      {"2001:db8::/32", "2001:db8::/32", 32, false, v6(0x20010db800000000, 0),
       v6(0x20010db8ffffffff, 0xffffffffffffffff)},
      {"2001:db8::1/64", "2001:db8::/64", 64, true, v6(0x20010db800000000, 0), v6(0x20010db800000000, ~0ull)},
      {"2001:db8::1", "2001:db8::1/128", 128, false, v6(0x20010db800000000, 1), v6(0x20010db800000000, 1)},
      {"2001:db8::1/128", "2001:db8::1/128", 128, false, v6(0x20010db800000000, 1), v6(0x20010db800000000, 1)},
      {"::/0", "::/0", 0, false, 0, kMax128},
      {"ffff::/1", "8000::/1", 1, true, pow2(127), kMax128},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    bool host_bits = !c.host_bits;  // must be overwritten either way
    const auto p = IpPrefix::parse(c.text, &host_bits);
    REQUIRE(p);
    CHECK(p->to_string() == c.canonical);
    CHECK(p->length == c.length);
    CHECK(host_bits == c.host_bits);
    CHECK(p->first() == c.first);
    CHECK(p->last() == c.last);
    CHECK(p->address.value == c.first);
    // An IPv6 prefix never covers the IPv4-mapped block (only ::/0 and ::/1 .. ::/80 span it here).
    const IpSet range(c.first, c.last);
    CHECK(exposim::model::to_set(*p) ==
          (p->family() == exposim::model::IpFamily::kV6 ? range.intersect(exposim::model::all_v6()) : range));
    CHECK(IpPrefix::parse(c.text) == p);  // the flag pointer is optional
  }
}

TEST_CASE("IpPrefix rejects malformed text", "[model]") {
  const char* bad[] = {
      "",
      "/8",
      "10.0.0.0/",
      "10.0.0.0/33",
      "10.0.0.0/-1",
      "10.0.0.0/+8",
      "10.0.0.0/ 8",
      "10.0.0.0/8 ",
      "10.0.0.0 /8",
      "10.0.0.0/0008",  // more than three digits
      "10.0.0.0/8/8",
      "10.0.0.0/8.0",
      "10.0.0.0/x",
      "10.0.0/8",
      "2001:db8::/129",
      "2001:db8::/0128",
      "2001:db8::/",
      "::g/64",
  };
  for (const char* text : bad) {
    INFO('"' << text << '"');
    bool host_bits = true;
    CHECK_FALSE(IpPrefix::parse(text, &host_bits));
    CHECK_FALSE(host_bits);
  }
}

TEST_CASE("an IPv6 prefix does not cover IPv4 addresses", "[model]") {
  // In Azure an IPv6 prefix in a rule or route never matches IPv4 traffic. With IPv4 stored in
  // ::ffff:0:0/96, a "::/0" or "::/64" that kept the mapped block would make "Deny ::/0" deny IPv4
  // too, hiding exposures.
  const auto any6 = IpPrefix::parse("::/0");
  REQUIRE(any6);
  CHECK_FALSE(exposim::model::to_set(*any6).intersects(all_v4()));
  CHECK(exposim::model::to_set(*any6) == all_v6());
  const auto low64 = IpPrefix::parse("::/64");
  REQUIRE(low64);
  CHECK(exposim::model::to_set(*low64) == IpSet(0, pow2(64) - 1).subtract(all_v4()));
}

TEST_CASE("all_v4 and all_v6 split the space", "[model]") {
  CHECK(all_v4() == IpSet(v4(0), v4(0xffffffff)));
  CHECK(all_v6() == IpSet{{0, kV4 - 1}, {kV4 + pow2(32), kMax128}});
  CHECK(all_v4().unite(all_v6()).is_all());
  CHECK_FALSE(all_v4().intersects(all_v6()));
  CHECK(exposim::model::to_set(IpAddress::v4(7)) == IpSet::single(v4(7)));
}

TEST_CASE("to_prefixes decomposes hand-worked ranges", "[model]") {
  using V = std::vector<std::string>;
  CHECK(to_cidr_strings(IpSet()) == V{});
  CHECK(to_prefixes(IpSet()).empty());
  CHECK(to_cidr_strings(all_v4()) == V{"0.0.0.0/0"});
  CHECK(to_cidr_strings(IpSet::single(v4(0x0a000004))) == V{"10.0.0.4/32"});
  CHECK(to_cidr_strings(IpSet(v4(0x0a000001), v4(0x0a000006))) ==
        V{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"});
  CHECK(to_cidr_strings(IpSet(v4(0x0a000000), v4(0x0a0001ff))) == V{"10.0.0.0/23"});
  CHECK(to_cidr_strings(IpSet(v4(0x0a000000), v4(0x0a000200))) == V{"10.0.0.0/23", "10.0.2.0/32"});
  CHECK(to_cidr_strings(IpSet{{v4(0x0a000000), v4(0x0a0000ff)}, {v4(0x0a000200), v4(0x0a0002ff)}}) ==
        V{"10.0.0.0/24", "10.0.2.0/24"});
  CHECK(to_cidr_strings(IpSet(v4(0xffffffff), v4(0xffffffff))) == V{"255.255.255.255/32"});
  CHECK(to_cidr_strings(IpSet(v4(0x80000000), v4(0xffffffff))) == V{"128.0.0.0/1"});

  // Everything but 255.255.255.255: one prefix of every length 1..32, the k-th with k-1 leading ones.
  V expected;
  for (int len = 1; len <= 32; ++len) {
    const auto addr = static_cast<std::uint32_t>(~0ull << (33 - len));
    expected.push_back(dotted(addr) + "/" + std::to_string(len));
  }
  CHECK(expected.front() == "0.0.0.0/1");
  CHECK(expected.back() == "255.255.255.254/32");
  CHECK(to_cidr_strings(IpSet(v4(0), v4(0xfffffffe))) == expected);

  // IPv6.
  const U128 db8 = v6(0x20010db800000000, 0);
  CHECK(to_cidr_strings(IpSet(db8 + 1, db8 + 6)) ==
        V{"2001:db8::1/128", "2001:db8::2/127", "2001:db8::4/127", "2001:db8::6/128"});
  CHECK(to_cidr_strings(IpSet(db8, db8 + pow2(96) - 1)) == V{"2001:db8::/32"});
  CHECK(to_cidr_strings(IpSet(pow2(127), kMax128)) == V{"8000::/1"});
  CHECK(to_cidr_strings(IpSet(kMax128, kMax128)) == V{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"});
  CHECK(to_cidr_strings(IpSet(kMax128 - 1, kMax128)) == V{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127"});
  CHECK(to_cidr_strings(IpSet::single(0)) == V{"::/128"});
}

TEST_CASE("to_prefixes splits a set spanning both families, IPv4 first", "[model]") {
  using V = std::vector<std::string>;
  const IpSet ten = IpSet(v4(0x0a000000), v4(0x0affffff));
  const IpSet doc = IpSet(v6(0x20010db800000000, 0), v6(0x20010db8ffffffff, ~0ull));
  CHECK(to_cidr_strings(doc.unite(ten)) == V{"10.0.0.0/8", "2001:db8::/32"});

  // Straddling the bottom of the mapped block: ::fffe:ffff:ffff .. ::ffff:0.0.0.1.
  CHECK(to_cidr_strings(IpSet(kV4 - 1, v4(1))) == V{"0.0.0.0/31", "::fffe:ffff:ffff/128"});
  // Straddling the top: ::ffff:255.255.255.255 .. ::1:0:0:0 (2^48, the first address after the block).
  CHECK(to_cidr_strings(IpSet(v4(0xffffffff), kV4 + pow2(32))) == V{"255.255.255.255/32", "::1:0:0:0/128"});

  // The whole space: 0.0.0.0/0, then [::, ::fffe:ffff:ffff] as /81../96 and [::1:0:0:0, max] as /80../1.
  const auto all = to_prefixes(IpSet::all());
  REQUIRE(all.size() == 1 + 16 + 80);
  CHECK(exposim::model::prefix_count(IpSet::all()) == 1 + 16 + 80);
  CHECK(all[0].to_string() == "0.0.0.0/0");
  for (int i = 0; i < 16; ++i) {
    INFO("low IPv6 block " << i);
    CHECK(all[1 + i].address.value == pow2(48) - pow2(48 - i));
    CHECK(all[1 + i].length == 81 + i);
  }
  for (int i = 0; i < 80; ++i) {
    INFO("high IPv6 block " << i);
    CHECK(all[17 + i].address.value == pow2(48 + i));
    CHECK(all[17 + i].length == 80 - i);
  }
  CHECK(all[1].to_string() == "::/81");
  CHECK(all[2].to_string() == "::8000:0:0/82");
  CHECK(all[16].to_string() == "::fffe:0:0/96");
  CHECK(all[17].to_string() == "::1:0:0:0/80");
  CHECK(all[18].to_string() == "::2:0:0:0/79");
  CHECK(all[33].to_string() == "0:0:0:1::/64");
  CHECK(all.back().to_string() == "8000::/1");
  CHECK(to_prefixes(all_v6()).size() == 96);
  CHECK(exposim::model::prefix_count(all_v6()) == 96);
  CHECK(exposim::model::prefix_count(IpSet()) == 0);
}

TEST_CASE("to_prefixes covers random sets exactly with aligned, minimal prefixes", "[model]") {
  std::mt19937_64 rng(424242);
  // Anchors where alignment and family boundaries matter.
  const U128 anchors[] = {0, kV4, v4(0x0a000000), v4(0xffffffff), kV4 + pow2(32), pow2(64), pow2(127), kMax128};
  auto near = [&](U128 anchor) {
    std::uniform_int_distribution<int> bits(0, 40);
    const U128 delta = static_cast<U128>(rng()) & (pow2(bits(rng)) - 1);
    if (rng() & 1) return anchor >= delta ? anchor - delta : U128{0};
    return kMax128 - anchor >= delta ? anchor + delta : kMax128;
  };
  std::uniform_int_distribution<std::size_t> pick(0, std::size(anchors) - 1);
  std::uniform_int_distribution<int> pieces(1, 4);
  for (int round = 0; round < 500; ++round) {
    IpSet s;
    for (int n = pieces(rng); n > 0; --n) {
      const U128 a = near(anchors[pick(rng)]);
      const U128 b = (rng() % 4 == 0) ? near(anchors[pick(rng)]) : near(a);
      s.add(std::min(a, b), std::max(a, b));
    }
    INFO("round " << round);
    const auto ps = to_prefixes(s);
    const auto texts = to_cidr_strings(s);
    REQUIRE(texts == strings(ps));
    CHECK(exposim::model::prefix_count(s) == ps.size());

    IpSet covered;
    bool seen_v6 = false;
    for (std::size_t k = 0; k < ps.size(); ++k) {
      const IpPrefix& p = ps[k];
      INFO(p.to_string());
      const bool is_v4 = p.family() == IpFamily::kV4;
      CHECK(p.length >= 0);
      CHECK(p.length <= (is_v4 ? 32 : 128));
      // IPv4 prefixes come first, and no prefix leaves its family.
      if (!is_v4) seen_v6 = true;
      CHECK(is_v4 != seen_v6);
      CHECK(exposim::model::to_set(p).intersect(is_v4 ? all_v4() : all_v6()) == exposim::model::to_set(p));
      // The text reads back as the same prefix with no host bits.
      bool host_bits = true;
      CHECK(IpPrefix::parse(texts[k], &host_bits) == p);
      CHECK_FALSE(host_bits);
      // Within a family, in address order, disjoint, and no two neighbours merge into their parent.
      if (k > 0 && ps[k - 1].family() == p.family()) {
        const IpPrefix& q = ps[k - 1];
        CHECK(q.last() < p.first());
        // Equal blocks side by side merge when the lower one is aligned to twice its size.
        const bool buddies = p.length > 0 && q.length == p.length && q.last() + 1 == p.first() &&
                             ((q.first() >> ((is_v4 ? 32 : 128) - p.length)) & 1) == 0;
        CHECK_FALSE(buddies);
      }
      covered = covered.unite(exposim::model::to_set(p));
    }
    CHECK(covered == s);
  }
}

TEST_CASE("parse_port_range accepts a port or a range", "[model]") {
  struct Case {
    const char* text;
    std::uint16_t lo, hi;
  };
  const Case cases[] = {
      {"80", 80, 80},
      {"0", 0, 0},
      {"65535", 65535, 65535},
      {"1000-2000", 1000, 2000},
      {" 65503-65534 ", 65503, 65534},
      {"1 - 2", 1, 2},  // spaces around parts tolerated
      {"\t22\t", 22, 22},
      {"80-80", 80, 80},
      {"0-65535", 0, 65535},
      {"00080", 80, 80},
  };
  for (const auto& c : cases) {
    INFO('"' << c.text << '"');
    const auto r = parse_port_range(c.text);
    REQUIRE(r);
    CHECK(r->lo == c.lo);
    CHECK(r->hi == c.hi);
  }
}

TEST_CASE("parse_port_range rejects malformed text", "[model]") {
  const char* bad[] = {
      "",   " ",    "65536", "99999", "100000", "20-10", "-5",      "5-", "-",    "1-2-3",
      "+5", "0x10", "8 0",   "abc",   "80,443", "*",     "1-65536", "-1", "1--2", "000080",
  };
  for (const char* text : bad) {
    INFO('"' << text << '"');
    CHECK_FALSE(parse_port_range(text));
  }
}

TEST_CASE("to_string(PortSet) prints ports and ranges", "[model]") {
  CHECK(to_string(PortSet()) == "");
  CHECK(to_string(PortSet::single(22)) == "22");
  CHECK(to_string(PortSet(80, 90)) == "80-90");
  CHECK(to_string(PortSet::all()) == "0-65535");
  const std::string ends = to_string(PortSet{{0, 0}, {65535, 65535}});
  CHECK(ends.starts_with("0"));
  CHECK(ends.ends_with("65535"));
  CHECK(ends.find("0-") == std::string::npos);  // two single ports, no range
}

TEST_CASE("to_string(PortSet) separates items as documented", "[model]") {
  // model/ip.h: `"22", "80-90", "22,80-90" for display.`
  CHECK(to_string(PortSet{{22, 22}, {80, 90}}) == "22,80-90");
  CHECK(to_string(PortSet{{22, 22}, {443, 443}, {8000, 8080}}) == "22,443,8000-8080");
}
