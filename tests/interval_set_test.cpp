// Tests of model::IntervalSet: hand-worked cases at the type's extremes, then random sets
// cross-checked against std::bitset (the reference lives here only).
#include "model/interval_set.h"

#include <bitset>
#include <cstdint>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "model/ip.h"
#include "u128_max.h"

namespace {

using exposim::model::Interval;
using exposim::model::IntervalSet;
using exposim::model::U128;
using U16Set = IntervalSet<std::uint16_t>;
using U128Set = IntervalSet<U128>;

using exposim::testing::kMax128;
static_assert(U128Set::kMax == kMax128, "numeric_limits<U128> must be specialised (else kMax is 0)");
static_assert(U16Set::kMax == 65535);

std::string text(std::uint16_t v) { return std::to_string(v); }
std::string text(std::uint8_t v) { return std::to_string(v); }

/// U128 as "max", "max-k" near the top (k < 2^16), decimal when it fits 64 bits, else hex.
std::string text(U128 v) {
  if (kMax128 - v < 0x10000) {
    const auto k = static_cast<std::uint64_t>(kMax128 - v);
    return k == 0 ? "max" : "max-" + std::to_string(k);
  }
  if ((v >> 64) == 0) return std::to_string(static_cast<std::uint64_t>(v));
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (; v != 0; v >>= 4) s.insert(s.begin(), kHex[static_cast<int>(v & 0xf)]);
  return "0x" + s;
}

/// "[1,4] [7,7]"; "{}" when empty.
template <typename T>
std::string show(const IntervalSet<T>& s) {
  if (s.empty()) return "{}";
  std::string out;
  for (const auto& iv : s.intervals()) {
    if (!out.empty()) out += ' ';
    out += '[';
    out += text(iv.lo);
    out += ',';
    out += text(iv.hi);
    out += ']';
  }
  return out;
}

/// Sorted, each interval non-empty, consecutive intervals neither overlapping nor adjacent.
template <typename T>
bool well_formed(const IntervalSet<T>& s) {
  const auto& v = s.intervals();
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].lo > v[i].hi) return false;
    // v[i-1].hi + 1 < v[i].lo, written without overflow at the top of the domain.
    if (i > 0 && (v[i - 1].hi >= v[i].lo || v[i].lo - v[i - 1].hi < 2)) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("IntervalSet construction and normalisation", "[model]") {
  CHECK(show(U16Set()) == "{}");
  CHECK(U16Set().empty());
  CHECK(show(U16Set(5, 4)) == "{}");  // lo > hi is the empty set
  CHECK(show(U16Set(4, 4)) == "[4,4]");
  CHECK(show(U16Set::single(0)) == "[0,0]");
  CHECK(show(U16Set::all()) == "[0,65535]");
  CHECK(U16Set::all().is_all());
  CHECK_FALSE(U16Set(0, 65534).is_all());
  CHECK_FALSE(U16Set(1, 65535).is_all());
  CHECK(show(U128Set::all()) == "[0,max]");
  CHECK(U128Set::all().is_all());

  // Adjacent and overlapping pieces merge, whatever the order they are given in.
  CHECK(show(U16Set{{1, 2}, {3, 4}}) == "[1,4]");
  CHECK(show(U16Set{{3, 4}, {1, 2}}) == "[1,4]");
  CHECK(show(U16Set{{1, 2}, {4, 5}}) == "[1,2] [4,5]");
  CHECK(show(U16Set{{1, 5}, {2, 3}}) == "[1,5]");
  CHECK(show(U16Set{{10, 20}, {1, 2}, {5, 5}, {3, 4}, {21, 21}}) == "[1,5] [10,21]");
  CHECK(show(U16Set{{9, 3}}) == "{}");
  CHECK(U16Set{{1, 2}, {3, 4}} == U16Set(1, 4));  // one set, one representation
  CHECK(U16Set{{0, 0}, {65535, 65535}}.size() == 2);

  U16Set s;
  s.add(7, 6);  // ignored
  CHECK(s.empty());
  s.add(10, 12);
  s.add(14, 15);
  CHECK(show(s) == "[10,12] [14,15]");
  s.add(13, 13);  // fills the hole exactly
  CHECK(show(s) == "[10,15]");
  s.add(0, 65535);
  CHECK(s.is_all());
}

TEST_CASE("IntervalSet unite", "[model]") {
  CHECK(show(U16Set().unite(U16Set())) == "{}");
  CHECK(show(U16Set(1, 2).unite(U16Set())) == "[1,2]");
  CHECK(show(U16Set().unite(U16Set(1, 2))) == "[1,2]");
  CHECK(show(U16Set(1, 2).unite(U16Set(3, 4))) == "[1,4]");
  CHECK(show(U16Set(3, 4).unite(U16Set(1, 2))) == "[1,4]");
  CHECK(show(U16Set(1, 2).unite(U16Set(4, 5))) == "[1,2] [4,5]");
  CHECK(show(U16Set(1, 10).unite(U16Set(3, 4))) == "[1,10]");
  CHECK(show(U16Set{{1, 2}, {6, 7}}.unite(U16Set{{3, 5}, {9, 9}})) == "[1,7] [9,9]");
  CHECK(show(U16Set{{0, 0}, {2, 2}, {4, 4}}.unite(U16Set{{1, 1}, {3, 3}})) == "[0,4]");

  // The top of the domain: merging with an interval ending at max must not wrap around.
  CHECK(show(U16Set(65535, 65535).unite(U16Set(0, 0))) == "[0,0] [65535,65535]");
  CHECK(show(U16Set(65534, 65534).unite(U16Set(65535, 65535))) == "[65534,65535]");
  CHECK(show(U16Set(65535, 65535).unite(U16Set(65534, 65534))) == "[65534,65535]");
  CHECK(show(U16Set(0, 65534).unite(U16Set(65535, 65535))) == "[0,65535]");
  CHECK(show(U16Set(0, 65535).unite(U16Set(0, 0))) == "[0,65535]");
  CHECK(show(U16Set(100, 65535).unite(U16Set(65535, 65535))) == "[100,65535]");

  const U128 m = kMax128;
  CHECK(show(U128Set(m, m).unite(U128Set(0, 0))) == "[0,0] [max,max]");
  CHECK(show(U128Set(0, 0).unite(U128Set(m, m))) == "[0,0] [max,max]");
  CHECK(show(U128Set(m - 1, m - 1).unite(U128Set(m, m))) == "[max-1,max]");
  CHECK(show(U128Set(m, m).unite(U128Set(m - 1, m - 1))) == "[max-1,max]");
  CHECK(show(U128Set(0, m - 1).unite(U128Set(m, m))) == "[0,max]");
  CHECK(U128Set(0, m - 1).unite(U128Set(m, m)).is_all());
  CHECK(show(U128Set(5, m).unite(U128Set(m - 3, m))) == "[5,max]");
  CHECK(show(U128Set(5, m).unite(U128Set(0, 3))) == "[0,3] [5,max]");
  CHECK(show(U128Set(5, m).unite(U128Set(0, 4))) == "[0,max]");
  // Above 64 bits.
  const U128 two64 = static_cast<U128>(1) << 64;
  CHECK(show(U128Set(0, two64 - 1).unite(U128Set(two64, two64))) == "[0,0x10000000000000000]");
}

TEST_CASE("IntervalSet intersect and intersects", "[model]") {
  CHECK(show(U16Set().intersect(U16Set::all())) == "{}");
  CHECK(show(U16Set::all().intersect(U16Set())) == "{}");
  CHECK_FALSE(U16Set().intersects(U16Set::all()));
  CHECK_FALSE(U16Set::all().intersects(U16Set()));

  CHECK(show(U16Set(1, 5).intersect(U16Set(3, 9))) == "[3,5]");
  CHECK(show(U16Set(1, 5).intersect(U16Set(5, 9))) == "[5,5]");
  CHECK(U16Set(1, 5).intersects(U16Set(5, 9)));
  CHECK(show(U16Set(1, 5).intersect(U16Set(6, 9))) == "{}");  // adjacent, not overlapping
  CHECK_FALSE(U16Set(1, 5).intersects(U16Set(6, 9)));
  CHECK(show(U16Set{{0, 10}, {20, 30}}.intersect(U16Set{{5, 25}})) == "[5,10] [20,25]");
  CHECK(show(U16Set{{5, 25}}.intersect(U16Set{{0, 10}, {20, 30}})) == "[5,10] [20,25]");
  CHECK(show(U16Set{{0, 1}, {4, 5}, {8, 9}}.intersect(U16Set{{1, 4}, {9, 12}})) == "[1,1] [4,4] [9,9]");
  CHECK_FALSE(U16Set{{0, 1}, {4, 5}}.intersects(U16Set{{2, 3}, {6, 9}}));

  CHECK(show(U16Set::all().intersect(U16Set(65535, 65535))) == "[65535,65535]");
  CHECK(show(U16Set(0, 0).intersect(U16Set(65535, 65535))) == "{}");
  CHECK(U16Set::all().intersects(U16Set(65535, 65535)));

  const U128 m = kMax128;
  CHECK(show(U128Set::all().intersect(U128Set(m, m))) == "[max,max]");
  CHECK(show(U128Set(0, m - 1).intersect(U128Set(m, m))) == "{}");
  CHECK_FALSE(U128Set(0, m - 1).intersects(U128Set(m, m)));
  CHECK(show(U128Set{{0, 3}, {m - 3, m}}.intersect(U128Set(2, m - 2))) == "[2,3] [max-3,max-2]");
}

TEST_CASE("IntervalSet subtract and complement", "[model]") {
  CHECK(show(U16Set().subtract(U16Set(1, 2))) == "{}");
  CHECK(show(U16Set(1, 2).subtract(U16Set())) == "[1,2]");
  CHECK(show(U16Set(1, 10).subtract(U16Set(1, 10))) == "{}");
  CHECK(show(U16Set(1, 10).subtract(U16Set(0, 11))) == "{}");
  CHECK(show(U16Set(1, 10).subtract(U16Set(4, 6))) == "[1,3] [7,10]");
  CHECK(show(U16Set(1, 10).subtract(U16Set(1, 1))) == "[2,10]");
  CHECK(show(U16Set(1, 10).subtract(U16Set(10, 10))) == "[1,9]");
  CHECK(show(U16Set(1, 10).subtract(U16Set(11, 20))) == "[1,10]");
  CHECK(show(U16Set(0, 10).subtract(U16Set{{2, 3}, {5, 5}, {10, 12}})) == "[0,1] [4,4] [6,9]");
  CHECK(show(U16Set{{0, 4}, {10, 14}}.subtract(U16Set(3, 11))) == "[0,2] [12,14]");
  CHECK(show(U16Set{{0, 4}, {10, 14}, {20, 24}}.subtract(U16Set{{0, 0}, {12, 12}, {24, 30}})) ==
        "[1,4] [10,11] [13,14] [20,23]");

  CHECK(show(U16Set::all().subtract(U16Set(0, 0))) == "[1,65535]");
  CHECK(show(U16Set::all().subtract(U16Set(65535, 65535))) == "[0,65534]");
  CHECK(show(U16Set::all().subtract(U16Set(1, 65534))) == "[0,0] [65535,65535]");
  CHECK(show(U16Set::all().subtract(U16Set::all())) == "{}");

  CHECK(show(U16Set().complement()) == "[0,65535]");
  CHECK(show(U16Set::all().complement()) == "{}");
  CHECK(show(U16Set(0, 0).complement()) == "[1,65535]");
  CHECK(show(U16Set(65535, 65535).complement()) == "[0,65534]");
  CHECK(show(U16Set{{0, 0}, {65535, 65535}}.complement()) == "[1,65534]");
  CHECK(show(U16Set{{10, 20}, {30, 40}}.complement()) == "[0,9] [21,29] [41,65535]");
  CHECK(U16Set{{10, 20}, {30, 40}}.complement().complement() == U16Set{{10, 20}, {30, 40}});

  const U128 m = kMax128;
  CHECK(show(U128Set().complement()) == "[0,max]");
  CHECK(show(U128Set::all().complement()) == "{}");
  CHECK(show(U128Set(m, m).complement()) == "[0,max-1]");
  CHECK(show(U128Set(0, 0).complement()) == "[1,max]");
  CHECK(show(U128Set(1, m - 1).complement()) == "[0,0] [max,max]");
  CHECK(show(U128Set(0, m).subtract(U128Set(m - 1, m))) == "[0,max-2]");
  CHECK(show(U128Set(m - 5, m).subtract(U128Set{{m - 4, m - 4}, {m - 1, m}})) == "[max-5,max-5] [max-3,max-2]");
}

TEST_CASE("IntervalSet contains", "[model]") {
  const U16Set s{{2, 4}, {8, 8}, {65535, 65535}};
  CHECK_FALSE(s.contains(std::uint16_t{0}));
  CHECK_FALSE(s.contains(std::uint16_t{1}));
  CHECK(s.contains(std::uint16_t{2}));
  CHECK(s.contains(std::uint16_t{4}));
  CHECK_FALSE(s.contains(std::uint16_t{5}));
  CHECK(s.contains(std::uint16_t{8}));
  CHECK_FALSE(s.contains(std::uint16_t{9}));
  CHECK_FALSE(s.contains(std::uint16_t{65534}));
  CHECK(s.contains(std::uint16_t{65535}));
  CHECK_FALSE(U16Set().contains(std::uint16_t{0}));
  CHECK(U16Set::all().contains(std::uint16_t{0}));
  CHECK(U16Set::all().contains(std::uint16_t{65535}));

  // Set containment.
  CHECK(s.contains(U16Set()));
  CHECK(U16Set().contains(U16Set()));
  CHECK_FALSE(U16Set().contains(U16Set(0, 0)));
  CHECK(s.contains(U16Set(3, 4)));
  CHECK(s.contains(U16Set{{2, 2}, {65535, 65535}}));
  CHECK_FALSE(s.contains(U16Set(3, 5)));
  CHECK_FALSE(s.contains(U16Set(2, 8)));
  CHECK(U16Set::all().contains(s));
  CHECK_FALSE(s.contains(U16Set::all()));
  CHECK(s.contains(s));

  const U128 m = kMax128;
  const U128Set t{{0, 0}, {m - 1, m}};
  CHECK(t.contains(U128{0}));
  CHECK_FALSE(t.contains(U128{1}));
  CHECK_FALSE(t.contains(m - 2));
  CHECK(t.contains(m - 1));
  CHECK(t.contains(m));
  CHECK(U128Set::all().contains(m));
  CHECK(U128Set::all().contains(t));
  CHECK(t.contains(U128Set(m, m)));
  CHECK_FALSE(t.contains(U128Set(m - 2, m)));
}

namespace {

/// A random subset of the window [base, base + N) of T, as an IntervalSet (built by add() calls)
/// and as a bitset (bit i = value base + i). Everything outside the window is absent from both.
template <typename T, std::size_t N>
struct Window {
  T base;
  std::size_t pieces = 6;  // at most this many add() calls per set

  T value(std::size_t i) const { return static_cast<T>(base + static_cast<T>(i)); }

  void random(std::mt19937& rng, IntervalSet<T>& set, std::bitset<N>& ref) const {
    set = IntervalSet<T>();
    ref.reset();
    std::uniform_int_distribution<std::size_t> count(0, pieces), pos(0, N - 1), len(0, 3), coin(0, pieces > 6 ? 60 : 3);
    for (std::size_t n = count(rng); n > 0; --n) {
      const std::size_t a = pos(rng);
      // Mostly short pieces (so adjacency and holes are common), sometimes long ones.
      const std::size_t b = coin(rng) == 0 ? pos(rng) : std::min(N - 1, a + len(rng));
      const std::size_t lo = std::min(a, b), hi = std::max(a, b);
      set.add(value(lo), value(hi));
      for (std::size_t i = lo; i <= hi; ++i) ref.set(i);
    }
  }

  /// The set's values inside the window as a bitset; `outside` is set when it has any value outside.
  std::bitset<N> bits(const IntervalSet<T>& s, bool& outside) const {
    std::bitset<N> out;
    outside = false;
    const T top = value(N - 1);
    for (const auto& iv : s.intervals()) {
      if (iv.lo < base || iv.hi > top) outside = true;
      const T lo = std::max(iv.lo, base), hi = std::min(iv.hi, top);
      if (lo > hi) continue;
      for (std::size_t i = static_cast<std::size_t>(lo - base); i <= static_cast<std::size_t>(hi - base); ++i) {
        out.set(i);
      }
    }
    return out;
  }
};

template <typename T, std::size_t N>
void check_against_bitset(T base, std::uint32_t seed, int rounds, std::size_t pieces = 6) {
  const Window<T, N> w{base, pieces};
  const T top = w.value(N - 1);
  std::mt19937 rng(seed);
  IntervalSet<T> a, b;
  std::bitset<N> ra, rb;
  for (int round = 0; round < rounds; ++round) {
    w.random(rng, a, ra);
    w.random(rng, b, rb);
    INFO("round " << round << ": A = " << show(a) << ", B = " << show(b));
    REQUIRE(well_formed(a));
    REQUIRE(well_formed(b));

    bool outside = false;
    REQUIRE(w.bits(a, outside) == ra);
    REQUIRE_FALSE(outside);

    const IntervalSet<T> u = a.unite(b), i = a.intersect(b), d = a.subtract(b), c = a.complement();
    CHECK(well_formed(u));
    CHECK(well_formed(i));
    CHECK(well_formed(d));
    CHECK(well_formed(c));
    CHECK(w.bits(u, outside) == (ra | rb));
    CHECK_FALSE(outside);
    CHECK(w.bits(i, outside) == (ra & rb));
    CHECK_FALSE(outside);
    CHECK(w.bits(d, outside) == (ra & ~rb));
    CHECK_FALSE(outside);
    CHECK(w.bits(c, outside) == ~ra);
    // The complement also holds everything outside the window.
    if (base > T{0}) CHECK(c.contains(IntervalSet<T>(T{0}, static_cast<T>(base - 1))));
    if (top < IntervalSet<T>::kMax) CHECK(c.contains(IntervalSet<T>(static_cast<T>(top + 1), IntervalSet<T>::kMax)));
    CHECK(c.complement() == a);
    CHECK(a.unite(c).is_all());

    CHECK(b.unite(a) == u);
    CHECK(b.intersect(a) == i);
    CHECK(a.intersects(b) == (ra & rb).any());
    CHECK(a.contains(b) == (rb & ~ra).none());
    CHECK((a == b) == (ra == rb));  // canonical representation
    CHECK(a.empty() == ra.none());
    for (std::size_t k = 0; k < N; ++k) {
      if (a.contains(w.value(k)) != ra.test(k)) FAIL_CHECK("contains(" << text(w.value(k)) << ") disagrees");
    }
  }
}

}  // namespace

TEST_CASE("IntervalSet operations agree with std::bitset on random sets", "[model]") {
  SECTION("uint16_t, values 0..63") { check_against_bitset<std::uint16_t, 64>(0, 20240601u, 3000); }
  SECTION("uint16_t, values 65472..65535") { check_against_bitset<std::uint16_t, 64>(65472, 7u, 2000); }
  SECTION("uint8_t, the whole domain") { check_against_bitset<std::uint8_t, 256>(0, 11u, 2000); }
  SECTION("U128, the top 64 values") { check_against_bitset<U128, 64>(kMax128 - 63, 13u, 2000); }
  // Sets of 0 to 300 pieces in 1,024 values: a few intervals against hundreds, where the merges skip runs of the
  // larger set (IntervalSet::first_reaching) instead of stepping through them.
  SECTION("U128, 1,024 values, sets of very different sizes") {
    check_against_bitset<U128, 1024>(U128{0x0a000000}, 17u, 400, 300);
  }
}
