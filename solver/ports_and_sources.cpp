// split_by_ports() (solver/ports_and_sources.h): the packets reaching a target split into products of ports, source
// ports and sources, grouped by the exact port sets each source reaches.
#include "solver/ports_and_sources.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>
#include <utility>

namespace exposim::solver {

using model::Protocol;

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

  using Slice = std::vector<std::pair<model::PortSet, model::PortSet>>;  // (source ports, ports), canonical
  std::map<Slice, IpSet> groups;
  std::vector<std::pair<const model::PortSet*, const model::PortSet*>> rects;
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const model::U128 lo = cuts[i];
    const model::U128 hi = i + 1 < cuts.size() ? cuts[i + 1] - 1 : IpSet::kMax;
    rects.clear();
    for (const Cube* c : cubes) {
      if (c->src.contains(lo)) rects.emplace_back(&c->src_ports, &c->dst_ports);
    }
    if (rects.empty()) continue;
    // Canonical form of the union of rectangles: destination-port atoms grouped by their source-port set.
    std::vector<std::uint32_t> pcuts;
    for (const auto& r : rects) {
      for (const auto& iv : r.second->intervals()) {
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
      for (const auto& r : rects) {
        if (r.second->contains(plo)) sports = sports.unite(*r.first);
      }
      if (!sports.empty()) by_source_ports[sports].add(plo, phi);
    }
    Slice slice(by_source_ports.begin(), by_source_ports.end());
    groups[slice].add(lo, hi);
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

}  // namespace exposim::solver
