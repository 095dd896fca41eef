// Exact sets of packets over (source address, destination address, protocol, source port, destination port).
// A set is a union of pairwise disjoint cubes; every operation is exact for every value (no sampling).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/ip.h"
#include "model/resources.h"

namespace exposim::solver {

using model::IpSet;
using model::PortSet;
using model::ProtocolMask;

/// One packet, for membership tests and reference checks.
struct Packet {
  model::U128 src{0};
  model::U128 dst{0};
  model::Protocol protocol{model::Protocol::kTcp};
  std::uint16_t src_port{0};
  std::uint16_t dst_port{0};
};

/// A product set: every packet whose five fields each lie in the given component.
/// Ports of ICMP, ESP and AH packets are not meaningful; sets built by the solver keep them full.
struct Cube {
  IpSet src;
  IpSet dst;
  ProtocolMask protocols{0};
  PortSet src_ports;
  PortSet dst_ports;

  static Cube all();
  bool empty() const;
  bool intersects(const Cube& o) const;
  Cube intersect(const Cube& o) const;
  bool contains(const Packet& p) const;
  friend bool operator==(const Cube&, const Cube&) = default;
};

/// A set of packets. Invariant: cubes are non-empty and pairwise disjoint.
class PacketSet {
 public:
  PacketSet() = default;
  explicit PacketSet(Cube c);
  static PacketSet none() { return {}; }
  /// The union of `cubes`, which the caller guarantees pairwise disjoint (empty ones are dropped); no
  /// subtraction is done, so building a set from a partition costs its size.
  static PacketSet from_disjoint(std::vector<Cube> cubes);
  static PacketSet all() { return PacketSet(Cube::all()); }

  bool empty() const { return cubes_.empty(); }
  const std::vector<Cube>& cubes() const { return cubes_; }
  /// The cubes, moved out: the set is empty afterwards (from_disjoint takes them back), so that an evaluation that
  /// remakes a set many times reuses the cubes it keeps instead of copying them.
  std::vector<Cube> release() { return std::exchange(cubes_, {}); }
  bool contains(const Packet& p) const;

  PacketSet unite(const PacketSet& o) const;
  PacketSet intersect(const PacketSet& o) const;
  PacketSet subtract(const PacketSet& o) const;
  bool intersects(const PacketSet& o) const;
  /// Semantic equality (same packets), whatever the cube decomposition.
  bool same_packets(const PacketSet& o) const;

  /// The union of one component over all cubes.
  IpSet sources() const;
  IpSet destinations() const;
  ProtocolMask protocols() const;
  PortSet destination_ports() const;
  PortSet source_ports() const;

  /// Merges cubes that differ in one component only; keeps the packets unchanged.
  void compact();

 private:
  std::vector<Cube> cubes_;
};

}  // namespace exposim::solver
