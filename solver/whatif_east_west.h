// The east-west part of `exposim whatif` (docs/whatif.md, "East-west"): the flows reach() finds from the same sources
// in two models of one estate (before and after a change), matched by a stable key and compared exactly over packet
// sets, in the shapes and words of the internet diff (solver/whatif.h).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model/model.h"
#include "solver/east_west.h"
#include "solver/packet_set.h"
#include "solver/whatif.h"

namespace exposim::solver {

/// The stable key of an east-west flow: its source (an ip configuration: the NIC's canonical id and the ip
/// configuration's name; else the canonical id of the subnet its addresses leave from: addresses no ip configuration
/// holds, an on-premises prefix through a gateway subnet, or a class of sources merged by
/// ReachOptions::merge_sources), its target (the NIC's canonical id and ip configuration name, the private
/// endpoint's canonical id, or a PaaS service's canonical id for its public endpoint, ReachOptions::paas) and its
/// protocol. Two models of one estate give equal keys.
std::string reach_flow_key(const model::Model& m, const ReachFlow& f);

/// The packets of a flow: sources x source ports x destination ports, for its protocol (the destination address is
/// left whole: the key names the target).
PacketSet reach_flow_packets(const ReachFlow& f);

/// The hops of a flow's path by identity (solver::hop_signature), to tell a path that changed from one that did not
/// when the packets are the same. The source hop and which resource a "no NSG" hop names are left out (the key
/// says which source and target they are; a merged flow names its class's first source there, which a change may
/// move); a system route's note (peering, virtual-network, ...) is kept.
std::string reach_path_signature(const model::Model& m, const ReachFlow& f);

/// One piece of a rerouted east-west flow: the same packets before and after, through paths that differ in some hop
/// or deciding rule; each restricted to the piece's packets.
struct EastWestReroute {
  ReachFlow before;
  ReachFlow after;
};

/// One difference of the east-west flows of one key, as WhatifDelta is for exposures: the same kinds (opened,
/// closed, changed, rerouted) and the same meaning of each list.
struct EastWestDelta {
  WhatifDelta::Kind kind{WhatifDelta::Kind::kOpened};
  std::string key;
  std::vector<ReachFlow> opened;  // after-model flows restricted to the packets after \ before
  std::vector<ReachFlow> closed;  // before-model flows restricted to the packets before \ after
  std::vector<ReachFlow> before;  // kRerouted: the key's flows before and after
  std::vector<ReachFlow> after;
  std::vector<EastWestReroute> reroutes;  // kRerouted: only what moved
};

struct EastWestDiff {
  std::vector<EastWestDelta> deltas;  // sorted by key
  bool grew{false};                   // some (source, port) reaches some target after that did not before
  std::size_t before_flows{0};
  std::size_t after_flows{0};
};

/// Compares the flows `before` (reach() in `mb`) with `after` (in `ma`). Broken flows are not given: a flow that
/// becomes broken is closed, as in the internet diff. Flows of one key from several sources (two --from that
/// overlap) are united.
EastWestDiff diff_reach(const model::Model& mb, const std::vector<ReachFlow>& before, const model::Model& ma,
                        const std::vector<ReachFlow>& after);

}  // namespace exposim::solver
