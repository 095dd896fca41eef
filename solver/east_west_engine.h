// The east-west engine's state (solver/east_west.h, reach()): the sources in classes, the targets, the distinct
// evaluations and their results. Internal to the solver: solver/east_west.cpp plans and evaluates, solver/
// east_west_flows.cpp turns the results into flows.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/model.h"
#include "solver/address_space.h"
#include "solver/east_west.h"
#include "solver/east_west_internal.h"
#include "solver/nsg_stage.h"
#include "solver/packet_set.h"
#include "solver/ports_and_sources.h"

namespace exposim::solver::east_west_internal {

/// One source of a class: an ip configuration (or, nic -1, addresses no ip configuration holds) and its addresses.
struct EwMember {
  model::IpConfigIndex x;
  int subnet{-1};
  int vm{-1};
  IpSet addresses;
};

/// Sources with identical outbound treatment: the same subnet, the same NIC NSG, the same kind of source.
struct EwClass {
  int subnet{-1};
  EwMember rep;
  std::vector<EwMember> members;
  IpSet addresses;
  /// The members by address: those with one address (address, index into members), sorted; the others (an address
  /// not allocated yet: their subnet's prefix); and the addresses of each NIC's members.
  std::vector<std::pair<model::U128, std::size_t>> singles;
  std::vector<std::size_t> wide;
  std::unordered_map<int, IpSet> by_nic;
};

struct EwTarget {
  model::ResourceKind kind{model::ResourceKind::kNetworkInterface};
  int index{-1};
  model::IpConfigIndex x;
  int endpoint{-1};
  int vm{-1};
  model::IpAddress route_to;           // the address routes are chosen for
  std::optional<model::IpAddress> ip;  // as NSG rules see it (absent: not allocated)
  IpSet addresses;
  int subnet{-1};
  const std::vector<model::Ref>* asgs{nullptr};
  model::IpFamily family{model::IpFamily::kV4};
};

/// Packets on their way, with the hops that decided them so far.
struct EwShare {
  PacketSet packets;
  std::vector<Hop> hops;
  bool skip_nsgs{false};  // an AlwaysAllow admin rule admitted them past the NSGs
  int snat_firewall{-1};  // an application rule: the firewall translated the source to its own addresses
  PacketSet original;     // ... and these are the packets before it did
};

/// A target class's inbound filters (its VNet's admin rules, its subnet's and NIC's NSGs) decided once over every
/// packet: the packets each sequence of deciding rules allows, in the order the stages meet them. As the filters
/// decide packet by packet, what they allow of any arriving share is the share's intersection with each piece.
struct EwInbound {
  bool exact{false};  // false: decided share by share (an NSG past its work budget over every packet)
  std::vector<EwShare> pieces;
};

/// The estate-level part of reach() (ReachContext): what does not depend on the source.
struct EwContext {
  explicit EwContext(const model::Model& model);
  const model::Model& m;
  model::Diagnostics findings;  // the address space's
  AddressSpace space;
  DeviceIndex devices;
  std::vector<char> endpoint_nics;  // [nic]: a private endpoint's NIC (never a source nor a target)
  std::vector<std::vector<model::IpConfigIndex>> subnet_configs;  // [subnet]: its ip configurations (no endpoint's)
  std::vector<EwTarget> targets;  // every target: the ip configurations by NIC, then the private endpoints
  /// [target]: its class (identical inbound treatment: kind, subnet, NSG stages and how their inbound rules and the
  /// admin rules see it) and its NSG stages (subnet, then NIC).
  std::vector<std::size_t> target_class;
  std::vector<std::array<Stage, 2>> target_nsgs;
  std::vector<EwInbound> inbound;  // [target class]
};

/// The targets of one reach() run: those of the context its options select.
class EwTargets {
 public:
  const EwTarget& operator[](std::size_t i) const { return (*all_)[chosen_[i]]; }
  std::size_t size() const { return chosen_.size(); }
  std::size_t index(std::size_t i) const { return chosen_[i]; }  // into EwContext::targets
  void reset(const std::vector<EwTarget>& all) {
    all_ = &all;
    chosen_.clear();
  }
  void add(std::size_t i) { chosen_.push_back(i); }

 private:
  const std::vector<EwTarget>* all_{nullptr};
  std::vector<std::size_t> chosen_;
};

struct EwOutbound {
  const EwClass* cls{nullptr};
  std::vector<Stage> stages;
  Destination dst;
  std::vector<EwShare> result;
};

/// What identifies an evaluation: the outbound evaluation, the target class, the routes and devices on the way (an id
/// of their text) and, when a firewall decides, the target's address (its rules see it).
struct EwEvaluationKey {
  std::size_t outbound{0};
  std::size_t target_class{0};
  std::size_t routes{0};
  bool firewall{false};
  model::U128 address{0};
  friend bool operator==(const EwEvaluationKey&, const EwEvaluationKey&) = default;
};

struct EwEvaluationKeyHash {
  std::size_t operator()(const EwEvaluationKey& k) const {
    std::size_t h = k.outbound * 0x9e3779b97f4a7c15ULL;
    h ^= k.target_class + 0x7f4a7c159e3779b9ULL + (h << 6) + (h >> 2);
    h ^= k.routes + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= static_cast<std::size_t>(k.address) ^ static_cast<std::size_t>(k.address >> 64) ^ (k.firewall ? 1U : 0U);
    return h;
  }
};

struct EwEvaluation {
  std::size_t outbound{0};
  std::size_t target_class{0};
  std::vector<Stage> stages;
  const EwTarget* target{nullptr};
  Destination dst;
  Device request;
  std::vector<EwShare> result;
};

struct EwReturnPart {
  IpSet sources;
  RouteChoice route;
  Device device;
};

/// What every flow of one (evaluation, replies' routes) shares, per share of the evaluation and part of the replies'
/// routes: the packets split by protocol and port set (split_by_ports), and whether the reply breaks them.
struct EwSplitPart {
  std::size_t share{0};
  EwReturnPart part;
  Device request;  // what the request crossed
  bool lost{false};
  bool asymmetric{false};
  model::U128 first_source{0};
  IpSet destinations;
  std::array<std::vector<PortsAndSources>, model::kProtocolCount> pieces;
};

struct EwJob {
  std::size_t cls{0};
  std::size_t target{0};
  std::size_t evaluation{0};
  std::size_t returns{0};  // index into the return partitions
  std::size_t split{0};    // index into the splits
  Hop source_hop;
  Hop target_hop;
  Hop nic_nsg_hop;         // the target's NIC NSG hop (its owner differs between targets of one class)
  std::size_t targets{1};  // the targets its flows stand for (ReachOptions::target_group)
};

/// The hop of stage `s`, decided by NSG rule `rule` (-1: none).
inline Hop ew_hop(const Stage& s, int rule = -1) {
  const char* note = rule == kNsgOverApproximated ? kNsgOverApproximatedNote : s.note;
  return Hop{s.kind, s.resource_kind, s.resource, s.scope, rule, note};
}

/// The hop of route `r` at `scope` ("forward", "return"): the route table and route, or the system route's name.
inline Hop ew_route_hop(const RouteChoice& r, const char* scope) {
  return Hop{HopKind::kRoute,
             model::ResourceKind::kRouteTable,
             r.user ? r.route_table : -1,
             scope,
             r.user ? r.route : -1,
             r.user ? "" : r.system};
}

/// What identifies a route for the memo keys.
std::string ew_route_key(const RouteChoice& r);

/// One reach() run over one model.
class EastWest {
 public:
  EastWest(const EwContext& context, const ReachOptions& options, Reach& out)
      : m_(context.m),
        options_(options),
        out_(out),
        context_(context),
        space_(context.space),
        devices_(context.devices),
        endpoint_nics_(context.endpoint_nics) {}
  /// Every flow from `from`, into the Reach given at construction.
  void run(const ReachSource& from);

 private:
  void add_member(const EwMember& member, bool gateway);
  bool endpoint_nic(int n) const;
  void subnet_sources(int subnet);
  EwMember config_member(const model::IpConfigIndex& x) const;
  void sources(const ReachSource& from);
  void targets();
  static std::size_t first_after_outbound(const std::vector<Stage>& stages);
  /// The routes from subnet `subnet` to every ip configuration target, as ids: targets with the same id in the same
  /// subnet meet the same route stages (memoised per subnet).
  const std::vector<int>& route_signatures(int subnet);
  /// Drops the jobs whose flows repeat those of an earlier job's target (ReachOptions::target_group).
  void merge_targets();
  /// Appends to `out` how the rules of `direction` of the NSG in `slot` see `dst`: one '1' or '0' per rule.
  void nsg_bits(std::string& out, const NsgSlot& slot, model::Direction direction, const Destination& dst) const;
  void plan();
  /// The sources of class `c` partitioned by the route the target subnet's replies to them take (memoised).
  /// `user_routes` false: without the subnet's user-defined routes (a private endpoint's replies, by its policies).
  std::size_t return_partition(int subnet, std::size_t c, bool user_routes);
  void outbound(EwOutbound& o) const;
  void evaluation(EwEvaluation& e) const;
  void evaluate();
  void split(std::size_t evaluation, std::size_t returns, std::vector<EwSplitPart>& out) const;
  void flows_of(const EwJob& job, std::vector<ReachFlow>& flows, std::vector<ReachFlow>& broken) const;
  static bool hop_less(const Hop& a, const Hop& b);
  static bool flow_less(const ReachFlow& a, const ReachFlow& b);
  friend bool exposim::solver::reach_flow_less(const ReachFlow& a, const ReachFlow& b);
  void assemble();
  /// The flows to PaaS public endpoints (ReachOptions::paas; solver/east_west_paas.cpp) into paas_flows_.
  void paas();

  const model::Model& m_;
  const ReachOptions& options_;
  Reach& out_;
  const EwContext& context_;
  model::Diagnostics findings_;
  const AddressSpace& space_;
  const DeviceIndex& devices_;
  const std::vector<char>& endpoint_nics_;
  std::vector<EwClass> classes_;
  std::map<std::tuple<int, int, int, bool, bool>, std::size_t> class_of_;
  EwTargets targets_;
  std::unordered_map<int, std::vector<int>> route_signatures_;
  std::unordered_map<int, std::vector<std::vector<std::size_t>>> signature_groups_;  // the targets by signature
  std::vector<EwOutbound> outbounds_;
  std::unordered_map<std::string, std::size_t> outbound_of_;
  std::vector<char> target_class_met_;  // [target class]: met by this run
  std::vector<EwEvaluation> evaluations_;
  std::unordered_map<EwEvaluationKey, std::size_t, EwEvaluationKeyHash> evaluation_of_;
  std::vector<std::vector<EwReturnPart>> returns_;
  std::map<std::tuple<int, std::size_t, bool>, std::size_t> return_of_;
  std::vector<EwJob> jobs_;
  std::vector<std::vector<EwSplitPart>> splits_;  // the distinct splits
  std::vector<std::size_t> split_made_;           // [split key (EwJob::split)]: its split in splits_
  std::vector<ReachFlow> paas_flows_;
};

}  // namespace exposim::solver::east_west_internal
