// split_by_ports() (solver/ports_and_sources.h): the packets reaching a target split into products of ports, source
// ports and sources, grouped by the exact port sets each source reaches.
#include "solver/ports_and_sources.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <tuple>
#include <utility>

namespace exposim::solver {

using model::Protocol;

namespace {

/// (source ports, ports) pairs, canonical: what the sources of one elementary interval reach.
using PortsSlice = std::vector<std::pair<model::PortSet, model::PortSet>>;

/// The canonical form of the union of the rectangles (source ports x ports) of `cubes`: destination-port atoms grouped
/// by their source-port set, ordered by source ports.
PortsSlice ports_slice(const std::vector<const Cube*>& cubes) {
  std::vector<std::uint32_t> pcuts;
  for (const Cube* c : cubes) {
    for (const auto& iv : c->dst_ports.intervals()) {
      pcuts.push_back(iv.lo);
      pcuts.push_back(static_cast<std::uint32_t>(iv.hi) + 1);
    }
  }
  std::sort(pcuts.begin(), pcuts.end());
  pcuts.erase(std::unique(pcuts.begin(), pcuts.end()), pcuts.end());
  std::map<model::PortSet, model::PortSet> by_source_ports;
  for (std::size_t k = 0; k + 1 < pcuts.size(); ++k) {
    const auto plo = static_cast<std::uint16_t>(pcuts[k]);
    const auto phi = static_cast<std::uint16_t>(pcuts[k + 1] - 1);
    model::PortSet sports;
    for (const Cube* c : cubes) {
      if (c->dst_ports.contains(plo)) sports = sports.unite(c->src_ports);
    }
    if (!sports.empty()) by_source_ports[sports].add(plo, phi);
  }
  return PortsSlice(by_source_ports.begin(), by_source_ports.end());
}

}  // namespace

std::vector<PortsAndSources> split_by_ports(const PacketSet& packets, Protocol protocol) {
  std::vector<const Cube*> cubes;
  for (const auto& c : packets.cubes()) {
    if (c.protocols & model::bit(protocol)) cubes.push_back(&c);
  }
  if (cubes.empty()) return {};
  // Elementary source intervals: between consecutive boundaries, every cube either contains all or none.
  std::vector<model::U128> cuts;
  for (const Cube* c : cubes) {
    for (const auto& iv : c->src.intervals()) {
      cuts.push_back(iv.lo);
      if (iv.hi != IpSet::kMax) cuts.push_back(iv.hi + 1);
    }
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  // Elementary interval i is [cuts[i], cuts[i + 1] - 1] (the last one ends at the top of the space). Its signature:
  // the cubes that contain it, one bit each. Intervals of one signature reach the same ports, so the ports of each
  // signature are worked out once, not once per interval.
  const std::size_t words = (cubes.size() + 63) / 64;
  std::vector<std::uint64_t> signature(cuts.size() * words, 0);
  for (std::size_t k = 0; k < cubes.size(); ++k) {
    for (const auto& iv : cubes[k]->src.intervals()) {
      const auto first = static_cast<std::size_t>(std::lower_bound(cuts.begin(), cuts.end(), iv.lo) - cuts.begin());
      const std::size_t end =
          iv.hi == IpSet::kMax
              ? cuts.size()
              : static_cast<std::size_t>(std::lower_bound(cuts.begin(), cuts.end(), iv.hi + 1) - cuts.begin());
      for (std::size_t i = first; i < end; ++i) signature[i * words + k / 64] |= std::uint64_t{1} << (k % 64);
    }
  }
  const auto sig = [&](std::size_t i) { return signature.begin() + static_cast<std::ptrdiff_t>(i * words); };
  const auto sig_less = [&](std::size_t a, std::size_t b) {
    return std::lexicographical_compare(sig(a), sig(a) + static_cast<std::ptrdiff_t>(words), sig(b),
                                        sig(b) + static_cast<std::ptrdiff_t>(words));
  };
  // The intervals ordered by signature, then by address.
  std::vector<std::size_t> order(cuts.size());
  if (words == 1) {  // up to 64 cubes: one word a signature, sorted with its interval
    std::vector<std::pair<std::uint64_t, std::size_t>> keyed(cuts.size());
    for (std::size_t i = 0; i < cuts.size(); ++i) keyed[i] = {signature[i], i};
    std::sort(keyed.begin(), keyed.end());
    for (std::size_t i = 0; i < keyed.size(); ++i) order[i] = keyed[i].second;
  } else {
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), sig_less);
  }

  std::map<PortsSlice, IpSet> groups;
  std::vector<const Cube*> rects;
  for (std::size_t at = 0; at < order.size();) {
    std::size_t to = at + 1;
    while (to < order.size() &&
           std::equal(sig(order[at]), sig(order[at]) + static_cast<std::ptrdiff_t>(words), sig(order[to]))) {
      ++to;
    }
    const std::size_t first = order[at];
    rects.clear();
    for (std::size_t k = 0; k < cubes.size(); ++k) {
      if ((signature[first * words + k / 64] >> (k % 64)) & 1U) rects.push_back(cubes[k]);
    }
    if (!rects.empty()) {
      IpSet& sources = groups[ports_slice(rects)];
      // The intervals of the signature in address order: adjacent ones joined before they are added.
      model::U128 lo = cuts[first];
      model::U128 hi = first + 1 < cuts.size() ? cuts[first + 1] - 1 : IpSet::kMax;
      for (std::size_t j = at + 1; j < to; ++j) {
        const std::size_t i = order[j];
        const model::U128 next_hi = i + 1 < cuts.size() ? cuts[i + 1] - 1 : IpSet::kMax;
        if (hi != IpSet::kMax && cuts[i] == hi + 1) {
          hi = next_hi;
          continue;
        }
        sources.add(lo, hi);
        lo = cuts[i];
        hi = next_hi;
      }
      sources.add(lo, hi);
    }
    at = to;
  }
  std::vector<PortsAndSources> out;
  for (const auto& [slice, sources] : groups) {
    for (const auto& [sports, ports] : slice) out.push_back(PortsAndSources{ports, sports, sources});
  }
  std::sort(out.begin(), out.end(), [](const PortsAndSources& a, const PortsAndSources& b) {
    return std::tie(a.ports, a.source_ports, a.sources) < std::tie(b.ports, b.source_ports, b.sources);
  });
  return out;
}

std::array<std::vector<PortsAndSources>, model::kProtocolCount> split_by_ports_each(const PacketSet& packets) {
  std::array<std::vector<PortsAndSources>, model::kProtocolCount> out;
  const auto& cubes = packets.cubes();
  // Protocols p and q select the same cubes when every cube has both or neither: their splits are the same.
  const auto same_cubes = [&cubes](int p, int q) {
    return std::all_of(cubes.begin(), cubes.end(), [p, q](const Cube& c) {
      return ((c.protocols & model::bit(static_cast<Protocol>(p))) != 0) ==
             ((c.protocols & model::bit(static_cast<Protocol>(q))) != 0);
    });
  };
  for (int p = 0; p < model::kProtocolCount; ++p) {
    int q = 0;
    while (q < p && !same_cubes(p, q)) ++q;
    out[static_cast<std::size_t>(p)] =
        q < p ? out[static_cast<std::size_t>(q)] : split_by_ports(packets, static_cast<Protocol>(p));
  }
  return out;
}

}  // namespace exposim::solver
