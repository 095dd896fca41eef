// Cube arithmetic: intersection componentwise, difference as at most five disjoint slabs.
#include "solver/packet_set.h"

#include <utility>

namespace exposim::solver {

Cube Cube::all() { return Cube{IpSet::all(), IpSet::all(), model::kAllProtocols, PortSet::all(), PortSet::all()}; }

bool Cube::empty() const {
  return protocols == 0 || src.empty() || dst.empty() || src_ports.empty() || dst_ports.empty();
}

bool Cube::intersects(const Cube& o) const {
  return (protocols & o.protocols) != 0 && src.intersects(o.src) && dst.intersects(o.dst) &&
         src_ports.intersects(o.src_ports) && dst_ports.intersects(o.dst_ports);
}

Cube Cube::intersect(const Cube& o) const {
  return Cube{src.intersect(o.src), dst.intersect(o.dst), static_cast<ProtocolMask>(protocols & o.protocols),
              src_ports.intersect(o.src_ports), dst_ports.intersect(o.dst_ports)};
}

bool Cube::contains(const Packet& p) const {
  return (protocols & model::bit(p.protocol)) != 0 && src.contains(p.src) && dst.contains(p.dst) &&
         src_ports.contains(p.src_port) && dst_ports.contains(p.dst_port);
}

namespace {

/// Appends the pieces of a \ b (pairwise disjoint, non-empty) to out.
void cube_subtract(const Cube& a, const Cube& b, std::vector<Cube>& out) {
  if (!a.intersects(b)) {
    out.push_back(a);
    return;
  }
  auto push = [&out](Cube c) {
    if (!c.empty()) out.push_back(std::move(c));
  };
  Cube rest = a;
  push(Cube{rest.src.subtract(b.src), rest.dst, rest.protocols, rest.src_ports, rest.dst_ports});
  rest.src = rest.src.intersect(b.src);
  push(Cube{rest.src, rest.dst.subtract(b.dst), rest.protocols, rest.src_ports, rest.dst_ports});
  rest.dst = rest.dst.intersect(b.dst);
  push(Cube{rest.src, rest.dst, static_cast<ProtocolMask>(rest.protocols & ~b.protocols), rest.src_ports,
            rest.dst_ports});
  rest.protocols = static_cast<ProtocolMask>(rest.protocols & b.protocols);
  push(Cube{rest.src, rest.dst, rest.protocols, rest.src_ports.subtract(b.src_ports), rest.dst_ports});
  rest.src_ports = rest.src_ports.intersect(b.src_ports);
  push(Cube{rest.src, rest.dst, rest.protocols, rest.src_ports, rest.dst_ports.subtract(b.dst_ports)});
}

/// If a and b differ in exactly one component (or none), their union as one cube.
bool try_merge(Cube& a, const Cube& b) {
  const bool s = a.src == b.src, d = a.dst == b.dst, p = a.protocols == b.protocols, sp = a.src_ports == b.src_ports,
             dp = a.dst_ports == b.dst_ports;
  const int differing = !s + !d + !p + !sp + !dp;
  if (differing > 1) return false;
  if (!s) a.src = a.src.unite(b.src);
  if (!d) a.dst = a.dst.unite(b.dst);
  if (!p) a.protocols = static_cast<ProtocolMask>(a.protocols | b.protocols);
  if (!sp) a.src_ports = a.src_ports.unite(b.src_ports);
  if (!dp) a.dst_ports = a.dst_ports.unite(b.dst_ports);
  return true;
}

}  // namespace

PacketSet::PacketSet(Cube c) {
  if (!c.empty()) cubes_.push_back(std::move(c));
}

PacketSet PacketSet::from_disjoint(std::vector<Cube> cubes) {
  PacketSet r;
  r.cubes_ = std::move(cubes);
  std::erase_if(r.cubes_, [](const Cube& c) { return c.empty(); });
  r.compact();
  return r;
}

bool PacketSet::contains(const Packet& p) const {
  for (const auto& c : cubes_) {
    if (c.contains(p)) return true;
  }
  return false;
}

PacketSet PacketSet::subtract(const PacketSet& o) const {
  PacketSet r;
  std::vector<Cube> current, next;
  for (const auto& a : cubes_) {
    current.assign(1, a);
    for (const auto& b : o.cubes_) {
      next.clear();
      for (const auto& c : current) cube_subtract(c, b, next);
      current.swap(next);
      if (current.empty()) break;
    }
    r.cubes_.insert(r.cubes_.end(), current.begin(), current.end());
  }
  r.compact();
  return r;
}

PacketSet PacketSet::unite(const PacketSet& o) const {
  PacketSet r = o.subtract(*this);
  r.cubes_.insert(r.cubes_.begin(), cubes_.begin(), cubes_.end());
  r.compact();
  return r;
}

PacketSet PacketSet::intersect(const PacketSet& o) const {
  PacketSet r;
  for (const auto& a : cubes_) {
    for (const auto& b : o.cubes_) {
      if (!a.intersects(b)) continue;
      r.cubes_.push_back(a.intersect(b));
    }
  }
  r.compact();
  return r;
}

bool PacketSet::intersects(const PacketSet& o) const {
  for (const auto& a : cubes_) {
    for (const auto& b : o.cubes_) {
      if (a.intersects(b)) return true;
    }
  }
  return false;
}

bool PacketSet::same_packets(const PacketSet& o) const { return subtract(o).empty() && o.subtract(*this).empty(); }

IpSet PacketSet::sources() const {
  IpSet s;
  for (const auto& c : cubes_) s = s.unite(c.src);
  return s;
}
IpSet PacketSet::destinations() const {
  IpSet s;
  for (const auto& c : cubes_) s = s.unite(c.dst);
  return s;
}
ProtocolMask PacketSet::protocols() const {
  ProtocolMask m = 0;
  for (const auto& c : cubes_) m = static_cast<ProtocolMask>(m | c.protocols);
  return m;
}
PortSet PacketSet::destination_ports() const {
  PortSet s;
  for (const auto& c : cubes_) s = s.unite(c.dst_ports);
  return s;
}
PortSet PacketSet::source_ports() const {
  PortSet s;
  for (const auto& c : cubes_) s = s.unite(c.src_ports);
  return s;
}

void PacketSet::compact() {
  // Merging two disjoint cubes that differ in one component keeps them disjoint from the rest.
  constexpr std::size_t kMaxForQuadratic = 256;
  if (cubes_.size() < 2 || cubes_.size() > kMaxForQuadratic) return;
  bool changed = true;
  while (changed) {
    changed = false;
    for (std::size_t i = 0; i < cubes_.size(); ++i) {
      for (std::size_t j = i + 1; j < cubes_.size();) {
        if (try_merge(cubes_[i], cubes_[j])) {
          cubes_.erase(cubes_.begin() + static_cast<std::ptrdiff_t>(j));
          changed = true;
        } else {
          ++j;
        }
      }
    }
  }
}

}  // namespace exposim::solver
