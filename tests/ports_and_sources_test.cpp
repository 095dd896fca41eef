// split_by_ports (solver/ports_and_sources.h) against a brute-force reading of its contract on random packet sets over
// a small universe (sources 0 to 127, ports 0 to 7): every source reaches, on each port, exactly the source ports of
// the product that holds it; the products of one group name the sources that reach the same ports; and
// split_by_ports_each gives, for every protocol, what split_by_ports gives.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "solver/packet_set.h"
#include "solver/ports_and_sources.h"
#include "test_scale.h"

namespace exposim {
namespace {

using model::IpSet;
using model::PortSet;
using solver::Cube;
using solver::PacketSet;
using solver::PortsAndSources;

constexpr int kSplitAddresses = 128;
constexpr int kSplitPorts = 8;

/// The bits of the ports 0 to 7 in `s`.
std::uint32_t split_port_bits(const PortSet& s) {
  std::uint32_t bits = 0;
  for (int p = 0; p < kSplitPorts; ++p) bits |= s.contains(static_cast<std::uint16_t>(p)) ? 1U << p : 0U;
  return bits;
}

/// Per source and port, the source ports (bits) that packets of `protocol` from that source to that port may use.
using SplitReach = std::vector<std::array<std::uint32_t, kSplitPorts>>;
SplitReach split_reach(const PacketSet& packets, model::Protocol protocol) {
  SplitReach reach(kSplitAddresses);
  for (int a = 0; a < kSplitAddresses; ++a) {
    for (int d = 0; d < kSplitPorts; ++d) {
      for (int s = 0; s < kSplitPorts; ++s) {
        const solver::Packet p{static_cast<model::U128>(a), 0, protocol, static_cast<std::uint16_t>(s),
                               static_cast<std::uint16_t>(d)};
        if (packets.contains(p)) reach[a][d] |= 1U << s;
      }
    }
  }
  return reach;
}

/// Checks `got` against the contract for `reach`: the products cover every reached (source, port) once, each with the
/// source ports reached there; a product's ports are all the ports where its sources reach its source ports; two
/// sources in one product reach the same source ports on every port; sorted by ports, source ports, sources.
void split_check(const SplitReach& reach, const std::vector<PortsAndSources>& got) {
  std::vector<std::array<int, kSplitPorts>> covered(kSplitAddresses);
  for (auto& c : covered) c.fill(0);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto& f = got[i];
    REQUIRE_FALSE(f.ports.empty());
    REQUIRE_FALSE(f.source_ports.empty());
    REQUIRE_FALSE(f.sources.empty());
    CHECK(IpSet(0, kSplitAddresses - 1).contains(f.sources));
    const std::uint32_t sports = split_port_bits(f.source_ports);
    const std::uint32_t dports = split_port_bits(f.ports);
    int first = -1;
    for (int a = 0; a < kSplitAddresses; ++a) {
      if (!f.sources.contains(static_cast<model::U128>(a))) continue;
      if (first < 0) first = a;
      CHECK(reach[a] == reach[first]);
      for (int d = 0; d < kSplitPorts; ++d) {
        CHECK(((dports >> d) & 1U) == (reach[a][d] == sports ? 1U : 0U));
        if ((dports >> d) & 1U) ++covered[a][d];
      }
    }
    if (i > 0) {
      CHECK(std::tie(got[i - 1].ports, got[i - 1].source_ports, got[i - 1].sources) <
            std::tie(f.ports, f.source_ports, f.sources));
    }
  }
  for (int a = 0; a < kSplitAddresses; ++a) {
    for (int d = 0; d < kSplitPorts; ++d) CHECK(covered[a][d] == (reach[a][d] != 0 ? 1 : 0));
  }
  // Sources that reach the same source ports on every port share their products.
  std::map<std::array<std::uint32_t, kSplitPorts>, std::vector<std::size_t>> products_of;
  for (int a = 0; a < kSplitAddresses; ++a) {
    std::vector<std::size_t> mine;
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (got[i].sources.contains(static_cast<model::U128>(a))) mine.push_back(i);
    }
    const auto at = products_of.try_emplace(reach[a], mine).first;
    CHECK(at->second == mine);
  }
}

bool split_same(const std::vector<PortsAndSources>& x, const std::vector<PortsAndSources>& y) {
  return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const PortsAndSources& p, const PortsAndSources& q) {
    return p.ports == q.ports && p.source_ports == q.source_ports && p.sources == q.sources;
  });
}

/// A random subset of 0..7 as a port set (never empty).
PortSet split_random_ports(std::mt19937& g) {
  PortSet s;
  while (s.empty()) {
    for (int p = 0; p < kSplitPorts; ++p) {
      if (g() % 3 == 0) s.add(static_cast<std::uint16_t>(p), static_cast<std::uint16_t>(p));
    }
  }
  return s;
}

}  // namespace

TEST_CASE("split by ports: products that give each source exactly the ports it reaches on random packet sets",
          "[solver]") {
  const int kRounds = exposim::test::rounds(300);
  for (int round = 0; round < kRounds; ++round) {
    std::mt19937 g(static_cast<std::uint32_t>(round) * 2654435761u + 3u);
    PacketSet packets;
    const std::uint32_t cubes = 1 + g() % (round % 5 == 0 ? 40 : 8);
    for (std::uint32_t c = 0; c < cubes; ++c) {
      IpSet src;
      const std::uint32_t pieces = 1 + g() % 3;
      for (std::uint32_t k = 0; k < pieces; ++k) {
        const auto lo = static_cast<model::U128>(g() % kSplitAddresses);
        const auto hi = std::min<model::U128>(lo + g() % 40, kSplitAddresses - 1);
        src.add(lo, hi);
      }
      const auto protocols = static_cast<model::ProtocolMask>(1 + g() % model::kAllProtocols);
      packets =
          packets.unite(PacketSet(Cube{src, IpSet::all(), protocols, split_random_ports(g), split_random_ports(g)}));
    }
    INFO("round " << round << ", " << packets.cubes().size() << " cubes");
    const auto each = solver::split_by_ports_each(packets);
    for (int p = 0; p < model::kProtocolCount; ++p) {
      const auto protocol = static_cast<model::Protocol>(p);
      const auto got = solver::split_by_ports(packets, protocol);
      split_check(split_reach(packets, protocol), got);
      CHECK(split_same(each[static_cast<std::size_t>(p)], got));
    }
  }
}

TEST_CASE("split by ports: more than 64 cubes, one source each, grouped by the ports they reach", "[solver]") {
  // 100 cubes, source i alone in cube i, TCP; source i reaches port i % 3 from source ports 0 to 1 + i % 2 (six
  // profiles), and sources 100 to 127 nothing.
  std::vector<Cube> cubes;
  for (int i = 0; i < 100; ++i) {
    cubes.push_back(Cube{IpSet(static_cast<model::U128>(i), static_cast<model::U128>(i)), IpSet::all(),
                         model::bit(model::Protocol::kTcp), PortSet(0, static_cast<std::uint16_t>(1 + i % 2)),
                         PortSet::single(static_cast<std::uint16_t>(i % 3))});
  }
  const PacketSet packets = PacketSet::from_disjoint(cubes);
  const auto got = solver::split_by_ports(packets, model::Protocol::kTcp);
  split_check(split_reach(packets, model::Protocol::kTcp), got);
  REQUIRE(got.size() == 6);
  // The first product: port 0 from source ports 0 to 1, the sources i with i % 3 == 0 and i % 2 == 0 (i % 6 == 0).
  CHECK(got[0].ports == PortSet::single(0));
  CHECK(got[0].source_ports == PortSet(0, 1));
  IpSet sixes;
  for (int i = 0; i < 100; i += 6) sixes.add(static_cast<model::U128>(i), static_cast<model::U128>(i));
  CHECK(got[0].sources == sixes);
  CHECK(solver::split_by_ports(packets, model::Protocol::kUdp).empty());
}

}  // namespace exposim
