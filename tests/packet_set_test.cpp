// Tests of solver::PacketSet: hand-worked cases, then random sets cross-checked packet by packet
// against a brute-force reference over a small universe (the reference lives here only).
#include "solver/packet_set.h"
#include "test_scale.h"

#include <bitset>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "u128_max.h"

namespace {

using exposim::model::bit;
using exposim::model::IpAddress;
using exposim::model::IpPrefix;
using exposim::model::IpSet;
using exposim::model::kAllProtocols;
using exposim::model::PortSet;
using exposim::model::Protocol;
using exposim::model::ProtocolMask;
using exposim::model::U128;
using exposim::solver::Cube;
using exposim::solver::Packet;
using exposim::solver::PacketSet;

using exposim::testing::kMax128;
constexpr ProtocolMask kTcp = bit(Protocol::kTcp);
constexpr ProtocolMask kUdp = bit(Protocol::kUdp);
constexpr ProtocolMask kIcmp = bit(Protocol::kIcmp);

U128 ip(const char* text) {
  const auto a = IpAddress::parse(text);
  REQUIRE(a);
  return a->value;
}

IpSet net(const char* text) {
  const auto p = IpPrefix::parse(text);
  REQUIRE(p);
  return exposim::model::to_set(*p);
}

Packet packet(const char* src, const char* dst, Protocol proto, std::uint16_t sport, std::uint16_t dport) {
  return Packet{ip(src), ip(dst), proto, sport, dport};
}

}  // namespace

TEST_CASE("PacketSet empty and full sets", "[solver]") {
  CHECK(PacketSet().empty());
  CHECK(PacketSet::none().empty());
  CHECK_FALSE(PacketSet::all().empty());
  CHECK(PacketSet::all().cubes().size() == 1);
  CHECK(Cube::all() == Cube{IpSet::all(), IpSet::all(), kAllProtocols, PortSet::all(), PortSet::all()});

  // A cube with any empty component holds no packet and is dropped.
  CHECK(PacketSet(Cube{IpSet::all(), IpSet::all(), 0, PortSet::all(), PortSet::all()}).empty());
  CHECK(PacketSet(Cube{IpSet(), IpSet::all(), kTcp, PortSet::all(), PortSet::all()}).empty());
  CHECK(PacketSet(Cube{IpSet::all(), IpSet(), kTcp, PortSet::all(), PortSet::all()}).empty());
  CHECK(PacketSet(Cube{IpSet::all(), IpSet::all(), kTcp, PortSet(), PortSet::all()}).empty());
  CHECK(PacketSet(Cube{IpSet::all(), IpSet::all(), kTcp, PortSet::all(), PortSet()}).empty());

  const Packet top{kMax128, kMax128, Protocol::kAh, 65535, 65535};
  const Packet bottom{0, 0, Protocol::kTcp, 0, 0};
  CHECK(PacketSet::all().contains(top));
  CHECK(PacketSet::all().contains(bottom));
  CHECK_FALSE(PacketSet::none().contains(bottom));

  CHECK(PacketSet::all().subtract(PacketSet::all()).empty());
  CHECK(PacketSet::all().subtract(PacketSet::none()).same_packets(PacketSet::all()));
  CHECK(PacketSet::none().subtract(PacketSet::all()).empty());
  CHECK(PacketSet::none().unite(PacketSet::none()).empty());
  CHECK(PacketSet::all().intersect(PacketSet::none()).empty());
  CHECK(PacketSet::none().unite(PacketSet::all()).same_packets(PacketSet::all()));
  CHECK_FALSE(PacketSet::all().intersects(PacketSet::none()));
  CHECK(PacketSet::all().intersects(PacketSet::all()));
  CHECK(PacketSet::none().same_packets(PacketSet::none()));
  CHECK_FALSE(PacketSet::none().same_packets(PacketSet::all()));
}

TEST_CASE("PacketSet: all() minus one cube and back", "[solver]") {
  // Inbound SSH from 10.0.0.0/8.
  const Cube ssh{net("10.0.0.0/8"), IpSet::all(), kTcp, PortSet::all(), PortSet::single(22)};
  const PacketSet rest = PacketSet::all().subtract(PacketSet(ssh));

  CHECK_FALSE(rest.empty());
  CHECK(rest.cubes().size() <= 5);  // at most one slab per component
  CHECK_FALSE(rest.contains(packet("10.1.2.3", "1.2.3.4", Protocol::kTcp, 5555, 22)));
  CHECK_FALSE(rest.contains(packet("10.0.0.0", "2001:db8::1", Protocol::kTcp, 0, 22)));
  CHECK_FALSE(rest.contains(packet("10.255.255.255", "0.0.0.0", Protocol::kTcp, 65535, 22)));
  CHECK(rest.contains(packet("10.1.2.3", "1.2.3.4", Protocol::kUdp, 5555, 22)));
  CHECK(rest.contains(packet("10.1.2.3", "1.2.3.4", Protocol::kIcmp, 5555, 22)));
  CHECK(rest.contains(packet("10.1.2.3", "1.2.3.4", Protocol::kTcp, 5555, 21)));
  CHECK(rest.contains(packet("10.1.2.3", "1.2.3.4", Protocol::kTcp, 5555, 23)));
  CHECK(rest.contains(packet("9.255.255.255", "1.2.3.4", Protocol::kTcp, 5555, 22)));
  CHECK(rest.contains(packet("11.0.0.0", "1.2.3.4", Protocol::kTcp, 5555, 22)));
  CHECK(rest.contains(packet("2001:db8::1", "1.2.3.4", Protocol::kTcp, 5555, 22)));
  CHECK(rest.contains(Packet{kMax128, kMax128, Protocol::kAh, 65535, 65535}));

  CHECK_FALSE(rest.intersects(PacketSet(ssh)));
  CHECK(rest.intersect(PacketSet(ssh)).empty());
  CHECK_FALSE(rest.same_packets(PacketSet::all()));

  const PacketSet back = rest.unite(PacketSet(ssh));
  CHECK(back.same_packets(PacketSet::all()));
  CHECK(PacketSet::all().same_packets(back));
  // The slabs differ from each other in two components but each chains with the cube in one, so
  // merging (compact) brings back the single full cube.
  REQUIRE(back.cubes().size() == 1);
  CHECK(back.cubes()[0] == Cube::all());
  // The same the other way round.
  CHECK(PacketSet(ssh).unite(rest).same_packets(PacketSet::all()));
}

TEST_CASE("PacketSet: subtract then unite restores the set", "[solver]") {
  const PacketSet a(Cube{net("10.0.0.0/24"), net("10.1.0.0/16"), kTcp | kUdp, PortSet::all(), PortSet(80, 443)});
  const PacketSet b(Cube{net("10.0.0.128/25"), IpSet::all(), kTcp, PortSet::all(), PortSet(443, 8443)});
  const PacketSet a_minus_b = a.subtract(b);
  const PacketSet a_and_b = a.intersect(b);

  // A ∩ B = 10.0.0.128/25 × 10.1.0.0/16 × tcp × * × 443.
  REQUIRE(a_and_b.cubes().size() == 1);
  CHECK(a_and_b.cubes()[0] == Cube{net("10.0.0.128/25"), net("10.1.0.0/16"), kTcp, PortSet::all(), PortSet(443, 443)});
  CHECK(a_and_b.contains(packet("10.0.0.200", "10.1.2.3", Protocol::kTcp, 1024, 443)));
  CHECK_FALSE(a_minus_b.contains(packet("10.0.0.200", "10.1.2.3", Protocol::kTcp, 1024, 443)));
  CHECK(a_minus_b.contains(packet("10.0.0.200", "10.1.2.3", Protocol::kTcp, 1024, 442)));
  CHECK(a_minus_b.contains(packet("10.0.0.200", "10.1.2.3", Protocol::kUdp, 1024, 443)));
  CHECK(a_minus_b.contains(packet("10.0.0.5", "10.1.2.3", Protocol::kTcp, 1024, 443)));
  CHECK_FALSE(a_minus_b.contains(packet("10.0.0.5", "10.2.0.0", Protocol::kTcp, 1024, 443)));

  CHECK_FALSE(a_minus_b.intersects(b));
  CHECK(a_minus_b.unite(a_and_b).same_packets(a));
  CHECK(a_and_b.unite(a_minus_b).same_packets(a));
  CHECK(a.unite(b).subtract(b).same_packets(a_minus_b));
  CHECK(b.subtract(a).unite(a).same_packets(a.unite(b)));
}

TEST_CASE("PacketSet: disjoint cubes", "[solver]") {
  const Cube base{net("10.0.0.0/24"), net("10.1.0.0/24"), kTcp, PortSet::all(), PortSet::single(22)};
  Cube other_port = base;
  other_port.dst_ports = PortSet::single(23);
  Cube other_proto = base;
  other_proto.protocols = kUdp | kIcmp;
  Cube other_src = base;
  other_src.src = net("2001:db8::/32");
  Cube other_dst = base;
  other_dst.dst = net("10.1.1.0/24");
  Cube other_sport = base;
  other_sport.src_ports = PortSet();  // empty: an empty cube meets nothing
  for (const Cube* c : {&other_port, &other_proto, &other_src, &other_dst}) {
    CHECK_FALSE(PacketSet(base).intersects(PacketSet(*c)));
    CHECK(PacketSet(base).intersect(PacketSet(*c)).empty());
    CHECK(PacketSet(base).subtract(PacketSet(*c)).same_packets(PacketSet(base)));
    // Two disjoint cubes differing in one component merge into one.
    const PacketSet both = PacketSet(base).unite(PacketSet(*c));
    CHECK(both.cubes().size() == 1);
  }
  CHECK(PacketSet(base).intersect(PacketSet(other_sport)).empty());
  // Cubes that differ in two components stay apart.
  Cube two = base;
  two.dst_ports = PortSet::single(23);
  two.protocols = kUdp;
  CHECK(PacketSet(base).unite(PacketSet(two)).cubes().size() == 2);
}

TEST_CASE("PacketSet: same packets, different decompositions", "[solver]") {
  // {src 0-4 × dport 0-19} ∪ {src 5-9 × dport 0-9}, cut two ways.
  auto cube = [](U128 slo, U128 shi, std::uint16_t plo, std::uint16_t phi) {
    return PacketSet(Cube{IpSet(slo, shi), IpSet::all(), kTcp, PortSet::all(), PortSet(plo, phi)});
  };
  const PacketSet x = cube(0, 9, 0, 9).unite(cube(0, 4, 10, 19));
  const PacketSet y = cube(0, 4, 0, 19).unite(cube(5, 9, 0, 9));
  CHECK(x.cubes().size() == 2);
  CHECK(y.cubes().size() == 2);
  CHECK(x.cubes() != y.cubes());
  CHECK(x.same_packets(y));
  CHECK(y.same_packets(x));
  CHECK(x.subtract(y).empty());
  CHECK(y.subtract(x).empty());

  const PacketSet z =
      y.subtract(PacketSet(Cube{IpSet::single(9), IpSet::single(0), kTcp, PortSet::single(7), PortSet::single(9)}));
  CHECK_FALSE(x.same_packets(z));
  CHECK_FALSE(z.same_packets(x));
  CHECK(x.contains(Packet{9, 0, Protocol::kTcp, 7, 9}));
  CHECK_FALSE(z.contains(Packet{9, 0, Protocol::kTcp, 7, 9}));
  CHECK(z.contains(Packet{9, 1, Protocol::kTcp, 7, 9}));
}

TEST_CASE("PacketSet component projections", "[solver]") {
  const PacketSet ssh(Cube{net("10.0.0.0/24"), net("10.1.0.0/24"), kTcp, PortSet::all(), PortSet::single(22)});
  const PacketSet dns(Cube{net("192.168.0.0/16"), net("10.1.1.0/24"), kUdp, PortSet(1024, 65535), PortSet::single(53)});
  const PacketSet both = ssh.unite(dns);

  CHECK(both.sources() == net("10.0.0.0/24").unite(net("192.168.0.0/16")));
  CHECK(both.destinations() == net("10.1.0.0/23"));  // two adjacent /24s
  CHECK(both.protocols() == (kTcp | kUdp));
  CHECK(both.destination_ports() == PortSet{{22, 22}, {53, 53}});
  CHECK(both.source_ports() == PortSet::all());
  CHECK(dns.source_ports() == PortSet(1024, 65535));

  CHECK(PacketSet::none().sources().empty());
  CHECK(PacketSet::none().protocols() == 0);
  CHECK(PacketSet::none().destination_ports().empty());
  CHECK(PacketSet::all().sources().is_all());
  CHECK(PacketSet::all().protocols() == kAllProtocols);

  // Subtracting everything from one source leaves the other's projections.
  const PacketSet left = both.subtract(
      PacketSet(Cube{net("192.168.0.0/16"), IpSet::all(), kAllProtocols, PortSet::all(), PortSet::all()}));
  CHECK(left.same_packets(ssh));
  CHECK(left.sources() == net("10.0.0.0/24"));
  CHECK(left.destination_ports() == PortSet::single(22));
  CHECK(left.protocols() == kTcp);
}

TEST_CASE("PacketSet complement keeps values outside any small range", "[solver]") {
  const PacketSet small(Cube{IpSet(0, 5), IpSet(0, 5), kAllProtocols, PortSet(0, 5), PortSet(0, 5)});
  const PacketSet rest = PacketSet::all().subtract(small);
  CHECK_FALSE(rest.contains(Packet{3, 3, Protocol::kEsp, 3, 3}));
  CHECK(rest.contains(Packet{6, 3, Protocol::kEsp, 3, 3}));
  CHECK(rest.contains(Packet{kMax128, 3, Protocol::kEsp, 3, 3}));
  CHECK(rest.contains(Packet{3, 3, Protocol::kEsp, 3, 65535}));
  CHECK(rest.contains(Packet{3, 3, Protocol::kEsp, 6, 3}));
  CHECK(rest.unite(small).same_packets(PacketSet::all()));
  CHECK(rest.sources().is_all());
  CHECK(rest.destination_ports().is_all());
  // Restricted back to the small box, nothing is left.
  CHECK(rest.intersect(small).empty());
}

// ---- Brute-force reference ----
//
// Universe: addresses and ports take the values 0..5, protocols all five. A reference set is a bitset
// over the 6*6*5*6*6 packet tuples.
//
// So that emptiness and equality also agree beyond the small universe, each dimension of a random case
// is in one of two modes: "bounded" (every set lies within 0..5) or "class" (value 5 stands for the
// whole class [5, max]: a component holds all of [5, max] or none of it). Either way every component
// is a union of the six classes, every operation maps such sets to such sets, and the six
// representatives decide everything. A full class-mode component is exactly IntervalSet::all().

namespace {

constexpr int kV = 6;  // values per address or port dimension
constexpr int kP = exposim::model::kProtocolCount;
constexpr std::size_t kTuples = kV * kV * kP * kV * kV;
using Ref = std::bitset<kTuples>;

constexpr std::size_t tuple_index(int s, int d, int p, int sp, int dp) {
  return static_cast<std::size_t>((((s * kV + d) * kP + p) * kV + sp) * kV + dp);
}

struct Modes {
  bool src_class, dst_class, sport_class, dport_class;
  bool all_class() const { return src_class && dst_class && sport_class && dport_class; }
};

/// The component whose representatives are the set bits of `mask` (bit v = value v).
template <typename T>
exposim::model::IntervalSet<T> component(unsigned mask, bool cls) {
  exposim::model::IntervalSet<T> s;
  for (int v = 0; v < kV - 1; ++v) {
    if ((mask >> v) & 1) s.add(static_cast<T>(v), static_cast<T>(v));
  }
  if ((mask >> (kV - 1)) & 1) s.add(static_cast<T>(kV - 1), cls ? s.kMax : static_cast<T>(kV - 1));
  return s;
}

/// The representatives a component holds, as a mask; false in `ok` when the component is not a union
/// of classes (a value above 5 in bounded mode, or part of [5, max] only in class mode).
template <typename T>
unsigned mask_of(const exposim::model::IntervalSet<T>& s, bool cls, bool& ok) {
  unsigned m = 0;
  for (int v = 0; v < kV; ++v) {
    if (s.contains(static_cast<T>(v))) m |= 1u << v;
  }
  using Set = exposim::model::IntervalSet<T>;
  const Set above = cls ? Set(static_cast<T>(kV - 1), s.kMax) : Set(static_cast<T>(kV), s.kMax);
  const Set part = s.intersect(above);
  if (cls ? !(part.empty() || part == above) : !part.empty()) ok = false;
  return m;
}

struct Masks {
  unsigned src, dst, proto, sport, dport;
};

Ref expand(const Masks& m) {
  Ref r;
  for (int s = 0; s < kV; ++s) {
    if (!((m.src >> s) & 1)) continue;
    for (int d = 0; d < kV; ++d) {
      if (!((m.dst >> d) & 1)) continue;
      for (int p = 0; p < kP; ++p) {
        if (!((m.proto >> p) & 1)) continue;
        for (int sp = 0; sp < kV; ++sp) {
          if (!((m.sport >> sp) & 1)) continue;
          for (int dp = 0; dp < kV; ++dp) {
            if ((m.dport >> dp) & 1) r.set(tuple_index(s, d, p, sp, dp));
          }
        }
      }
    }
  }
  return r;
}

Cube make_cube(const Masks& m, const Modes& modes) {
  return Cube{component<U128>(m.src, modes.src_class), component<U128>(m.dst, modes.dst_class),
              static_cast<ProtocolMask>(m.proto), component<std::uint16_t>(m.sport, modes.sport_class),
              component<std::uint16_t>(m.dport, modes.dport_class)};
}

class Generator {
 public:
  explicit Generator(std::uint32_t seed) : rng_(seed) {}

  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  Modes modes() { return Modes{uniform(0, 1) == 1, uniform(0, 1) == 1, uniform(0, 1) == 1, uniform(0, 1) == 1}; }

  /// A mask over `n` values: mostly a run or random bits, sometimes full, rarely empty.
  unsigned mask(int n) {
    const unsigned full = (1u << n) - 1;
    const int kind = uniform(0, 15);
    if (kind == 0) return 0;
    if (kind <= 3) return full;
    if (kind <= 9) {
      const int a = uniform(0, n - 1), b = uniform(0, n - 1);
      const int lo = std::min(a, b), hi = std::max(a, b);
      return ((1u << (hi + 1)) - 1) & ~((1u << lo) - 1);
    }
    return static_cast<unsigned>(uniform(1, static_cast<int>(full)));
  }

  Masks masks() { return Masks{mask(kV), mask(kV), mask(kP), mask(kV), mask(kV)}; }

  /// A union of 1..4 random cubes, sometimes none() or all(); `ref` gets its packets.
  PacketSet set(const Modes& modes, Ref& ref) {
    const int kind = uniform(0, 19);
    if (kind == 0) {
      ref.reset();
      return PacketSet::none();
    }
    if (kind == 1 && modes.all_class()) {
      ref.set();
      return PacketSet::all();
    }
    PacketSet s;
    ref.reset();
    for (int n = uniform(1, 4); n > 0; --n) {
      const Masks m = masks();
      ref |= expand(m);
      s = s.unite(PacketSet(make_cube(m, modes)));
    }
    return s;
  }

  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

/// Checks a result against its reference: membership of every tuple, the cube invariants, the
/// projections, and that compact() changes nothing further.
void check_set(const PacketSet& s, const Ref& ref, const Modes& modes, Generator& gen, const char* what) {
  INFO(what << " (" << s.cubes().size() << " cubes, " << ref.count() << " packets in the reference)");

  // Cubes: each a union of classes, non-empty, pairwise disjoint; together exactly the reference.
  Ref covered;
  std::size_t total = 0;
  std::vector<Masks> cube_masks;
  for (const Cube& c : s.cubes()) {
    bool ok = true;
    const Masks m{mask_of(c.src, modes.src_class, ok), mask_of(c.dst, modes.dst_class, ok), c.protocols,
                  mask_of(c.src_ports, modes.sport_class, ok), mask_of(c.dst_ports, modes.dport_class, ok)};
    CHECK(ok);
    CHECK(c.protocols <= kAllProtocols);
    const Ref r = expand(m);
    CHECK(r.any());  // non-empty
    total += r.count();
    covered |= r;
    cube_masks.push_back(m);
  }
  CHECK(total == covered.count());  // pairwise disjoint
  CHECK(covered == ref);
  CHECK(s.empty() == ref.none());

  // compact() has run: no two cubes differ in one component only.
  if (s.cubes().size() <= 256) {
    for (std::size_t i = 0; i < s.cubes().size(); ++i) {
      for (std::size_t j = i + 1; j < s.cubes().size(); ++j) {
        const Cube &a = s.cubes()[i], &b = s.cubes()[j];
        const int differing = (a.src != b.src) + (a.dst != b.dst) + (a.protocols != b.protocols) +
                              (a.src_ports != b.src_ports) + (a.dst_ports != b.dst_ports);
        CHECK(differing > 1);
      }
    }
  }
  PacketSet compacted = s;
  compacted.compact();
  CHECK(compacted.cubes() == s.cubes());

  // contains(), on every tuple of the universe.
  std::size_t wrong = 0;
  for (int sv = 0; sv < kV; ++sv)
    for (int d = 0; d < kV; ++d)
      for (int p = 0; p < kP; ++p)
        for (int sp = 0; sp < kV; ++sp)
          for (int dp = 0; dp < kV; ++dp) {
            const Packet pk{static_cast<U128>(sv), static_cast<U128>(d), static_cast<Protocol>(p),
                            static_cast<std::uint16_t>(sp), static_cast<std::uint16_t>(dp)};
            if (s.contains(pk) != ref.test(tuple_index(sv, d, p, sp, dp))) ++wrong;
          }
  CHECK(wrong == 0);

  // In class mode, any value of [5, max] behaves like 5.
  auto big128 = [&gen](bool cls, int v) -> U128 {
    if (!cls || v != kV - 1) return static_cast<U128>(v);
    const int k = gen.uniform(0, 2);
    if (k == 0) return kMax128;
    return (static_cast<U128>(gen.rng()()) << (k == 1 ? 96 : 0)) | static_cast<U128>(kV - 1);
  };
  auto big16 = [&gen](bool cls, int v) -> std::uint16_t {
    if (!cls || v != kV - 1) return static_cast<std::uint16_t>(v);
    return static_cast<std::uint16_t>(gen.uniform(kV - 1, 65535));
  };
  for (int n = 0; n < 20; ++n) {
    const int sv = gen.uniform(0, kV - 1), d = gen.uniform(0, kV - 1), p = gen.uniform(0, kP - 1),
              sp = gen.uniform(0, kV - 1), dp = gen.uniform(0, kV - 1);
    const Packet pk{big128(modes.src_class, sv), big128(modes.dst_class, d), static_cast<Protocol>(p),
                    big16(modes.sport_class, sp), big16(modes.dport_class, dp)};
    CHECK(s.contains(pk) == ref.test(tuple_index(sv, d, p, sp, dp)));
  }

  // Projections: a representative is in a projection when some packet of the set has it.
  Masks proj{0, 0, 0, 0, 0};
  for (int sv = 0; sv < kV; ++sv)
    for (int d = 0; d < kV; ++d)
      for (int p = 0; p < kP; ++p)
        for (int sp = 0; sp < kV; ++sp)
          for (int dp = 0; dp < kV; ++dp) {
            if (!ref.test(tuple_index(sv, d, p, sp, dp))) continue;
            proj.src |= 1u << sv;
            proj.dst |= 1u << d;
            proj.proto |= 1u << p;
            proj.sport |= 1u << sp;
            proj.dport |= 1u << dp;
          }
  bool ok = true;
  CHECK(mask_of(s.sources(), modes.src_class, ok) == proj.src);
  CHECK(mask_of(s.destinations(), modes.dst_class, ok) == proj.dst);
  CHECK(s.protocols() == proj.proto);
  CHECK(mask_of(s.source_ports(), modes.sport_class, ok) == proj.sport);
  CHECK(mask_of(s.destination_ports(), modes.dport_class, ok) == proj.dport);
  CHECK(ok);
}

}  // namespace

TEST_CASE("PacketSet agrees with a brute-force reference on random sets", "[solver]") {
  Generator gen(20240611u);
  const int kRounds = exposim::test::rounds(3000);
  for (int round = 0; round < kRounds; ++round) {
    const Modes modes = gen.modes();
    Ref ra, rb;
    const PacketSet a = gen.set(modes, ra);
    const PacketSet b = gen.set(modes, rb);
    INFO("round " << round << " modes src/dst/sport/dport class = " << modes.src_class << modes.dst_class
                  << modes.sport_class << modes.dport_class);

    check_set(a, ra, modes, gen, "A");
    check_set(b, rb, modes, gen, "B");
    check_set(a.unite(b), ra | rb, modes, gen, "A unite B");
    check_set(a.intersect(b), ra & rb, modes, gen, "A intersect B");
    check_set(a.subtract(b), ra & ~rb, modes, gen, "A subtract B");
    check_set(b.subtract(a), rb & ~ra, modes, gen, "B subtract A");

    CHECK(a.intersects(b) == (ra & rb).any());
    CHECK(b.intersects(a) == (ra & rb).any());
    CHECK(a.same_packets(b) == (ra == rb));
    CHECK(b.same_packets(a) == (ra == rb));
    CHECK(a.same_packets(a));
    // The same packets through other decompositions.
    CHECK(a.subtract(b).unite(a.intersect(b)).same_packets(a));
    CHECK(a.unite(b).same_packets(b.unite(a)));
    CHECK(a.unite(b).subtract(a).same_packets(b.subtract(a)));
    if (modes.all_class()) {
      // Complements are exact here: A ∪ (all \ A) = all.
      const PacketSet not_a = PacketSet::all().subtract(a);
      check_set(not_a, ~ra, modes, gen, "all subtract A");
      CHECK(not_a.unite(a).same_packets(PacketSet::all()));
      CHECK_FALSE(not_a.intersects(a));
    }
  }
}
