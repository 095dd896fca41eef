// The difference between two analyses of one estate (`exposim whatif`): what became exposed, what closed, and
// what changed, per exposure group. Groups are matched by a stable key, packets compared exactly.
#pragma once

#include <string>
#include <vector>

#include "model/model.h"
#include "solver/exposure.h"
#include "solver/packet_set.h"

namespace exposim::solver {

/// The stable key of an exposure: what is reached (target kind and id, ip configuration name), how (via), and
/// where the flow enters (public IP id, load balancer frontend, firewall, gateway or appliance id, PaaS host).
/// Ids are canonical, so that two models of one estate (before and after a change) give equal keys.
std::string exposure_key(const model::Model& m, const Exposure& e);

/// The packets of an exposure: sources x source ports x ports at the target, for its protocol (the destination
/// address is left whole: the key says where).
PacketSet exposure_packets(const Exposure& e);

/// The rules an exposure's path passes, by identity (kind, resource id, scope, rule name), to tell a path
/// that changed from one that did not when the packets are the same.
std::string path_signature(const model::Model& m, const Exposure& e);

struct WhatifDelta {
  enum class Kind {
    kOpened,    // exposed after, nothing of this key before
    kClosed,    // exposed before, nothing of this key after
    kChanged,   // both, with different packets: `opened` and/or `closed` say which
    kRerouted,  // the same packets, through different rules or hops: `before` and `after` list the paths
  };
  Kind kind{Kind::kOpened};
  std::string key;
  /// Exposures of the after model restricted to the packets that are new (after \ before), with their paths.
  std::vector<Exposure> opened;
  /// Exposures of the before model restricted to the packets no longer reachable (before \ after).
  std::vector<Exposure> closed;
  /// kRerouted: the group's exposures before (in the before model) and after (in the after model).
  std::vector<Exposure> before;
  std::vector<Exposure> after;
};
/// "opened", "closed", "changed", "rerouted".
const char* to_string(WhatifDelta::Kind k);

struct WhatifDiff {
  std::vector<WhatifDelta> deltas;  // sorted by key
  bool grew{false};                 // some (source, port) is reachable after that was not before
  std::size_t before_exposures{0};
  std::size_t after_exposures{0};
};

/// Compares the exposures of `before` (an analysis of `mb`) and `after` (of `ma`).
WhatifDiff diff_analyses(const model::Model& mb, const Analysis& before, const model::Model& ma, const Analysis& after);

struct AnalysisScope;
/// The same, comparing only the exposures `scope` covers: equal to diff_analyses when `after` is `before` updated
/// over that scope (IncrementalAnalysis::update), whose other exposures are unchanged. Its cost follows the
/// exposures in scope, not the estate, once the analyses are scanned (one cheap test per exposure).
WhatifDiff diff_scoped(const model::Model& mb, const Analysis& before, const model::Model& ma, const Analysis& after,
                       const AnalysisScope& scope);

}  // namespace exposim::solver
