// The difference between two analyses of one estate (`exposim whatif`): what became exposed, what closed, and
// what changed, per exposure group. Groups are matched by a stable key, packets compared exactly.
#pragma once

#include <string>
#include <vector>

#include "model/edit.h"
#include "model/model.h"
#include "solver/analysis.h"
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
/// One hop of path_signature(): its kind, resource (canonical id), scope, deciding rule (by name where it has one)
/// and port.
std::string hop_signature(const model::Model& m, const Hop& h);

/// One piece of a rerouted exposure: the same packets (protocol, ports, sources) reach the target before and after,
/// through paths that differ in some hop or deciding rule. `before` is the before exposure and `after` the after
/// one, both restricted to the piece's packets.
struct Reroute {
  Exposure before;
  Exposure after;
};

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
  /// kRerouted: only what moved, one piece per (before path, after path) pair that share packets and differ;
  /// sorted as the before exposures, then by protocol, ports and sources. Pieces whose path did not change are
  /// left out, so that a change of one deciding rule is one line, not the target's whole before and after.
  std::vector<Reroute> reroutes;
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

/// A rule that the change added or widened, that admits internet sources, and that decides none of the after
/// estate's exposures with the packets it newly admits: latent exposure, which a public IP, a load balancer or a
/// DNAT rule added later turns into exposure. NSG rules (inbound, allow, custom) are matched across the two models
/// by NSG id and rule name; firewall rules (DNAT and allow collections) by firewall id and their place (policy
/// or classic, rule collection group, rule collection, rule name). A rule is widened when the internet packets it
/// admits grew (an allow rule that was a deny, wider sources, ports or protocols); a priority that changed alone
/// is not a widening. A VirtualNetwork source is not internet.
struct LatentRule {
  enum class Change { kAdded, kWidened };
  Change change{Change::kAdded};
  /// kNetworkSecurityGroup (resource: index into the after model's nsgs, rule: into its rules) or kFirewall
  /// (resource: index into its firewalls, rule: into the firewall's `order`).
  model::ResourceKind kind{model::ResourceKind::kNetworkSecurityGroup};
  int resource{-1};
  int rule{-1};
  /// The internet packets the rule admits that it did not admit before (sources, protocols and ports; the
  /// destination is left whole).
  PacketSet packets;
  /// What the rule applies to after the change: the subnets, then the NICs, its NSG is attached to (in model
  /// order; none when the NSG is attached to nothing), or the firewall.
  std::vector<model::GraphVertex> applies_to;
};
/// "added", "widened".
const char* to_string(LatentRule::Change c);

/// The latent rules of a change from `mb` (analysed as `before`) to `ma` (as `after`), NSG rules first, each in
/// model order. With `changed` (what change documents changed), only those NSGs, and the firewalls that are or
/// use one of those policies, are compared (the others are the same on both sides): its cost then follows the
/// change, not the estate, unless some rule is latent (the after exposures' hops are scanned once).
std::vector<LatentRule> latent_rules(const model::Model& mb, const Analysis& before, const model::Model& ma,
                                     const Analysis& after, const std::vector<model::Changed>* changed = nullptr);

struct AnalysisScope;
/// The same, comparing only the exposures `scope` covers: equal to diff_analyses when `after` is `before` updated
/// over that scope (IncrementalAnalysis::update), whose other exposures are unchanged. Its cost follows the
/// exposures in scope, not the estate, once the analyses are scanned (one cheap test per exposure).
WhatifDiff diff_scoped(const model::Model& mb, const Analysis& before, const model::Model& ma, const Analysis& after,
                       const AnalysisScope& scope);

}  // namespace exposim::solver
