// The analysis engine behind analyze() (private to the solver): the Analyzer walks every entry into the estate
// (public IPs, load balancers, firewall DNAT, appliances, Bastion and application gateways) to its targets and
// evaluates each target's NSGs once per distinct situation. The entries of each family are enumerated in that
// family's file (solver/compute.cpp, solver/load_balancer.cpp, solver/firewall.cpp, solver/appliance.cpp); the
// evaluation and the ordering of the result live in solver/exposure.cpp.
#pragma once

#include <array>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/model.h"
#include "solver/address_space.h"
#include "solver/firewall.h"
#include "solver/forwarding.h"
#include "solver/nsg_sources.h"
#include "solver/nsg_stage.h"
#include "solver/path.h"
#include "solver/ports_and_sources.h"
#include "solver/route_choice.h"
#include "solver/shared_value.h"

namespace exposim::solver {
// Named by reference or pointer only: the result (solver/analysis.h), analyze()'s options (solver/exposure.h), an
// incremental analysis's scope, previous exposures and trace (solver/incremental.h). The family files that fill an
// Analysis include analysis.h themselves.
struct Analysis;
struct AnalysisScope;
struct AnalysisTrace;
struct AnalyzeOptions;
struct Exposure;
class TargetExposures;
}  // namespace exposim::solver

namespace exposim::solver::analysis_internal {

/// The note on the entry hop of a firewall DNAT flow through a public IP whose address is only known at deployment.
inline constexpr const char* kUnknownDnatAddressNote =
    "address only known at deployment: the DNAT rule, whose destination is not one of the firewall's known public "
    "addresses, is assumed to take traffic to it";
/// The note on the entry hop of a secured virtual hub firewall's public address.
inline constexpr const char* kHubAddressNote =
    "a secured virtual hub's public address (hubIPAddresses): not a resource";

/// Adds to `nsgs` the NSGs (indices into model.nsgs) on the path of `e` that analyze read as admitting everything,
/// their evaluation being past its work budget (an NSG hop of rule kNsgOverApproximated, solver/nsg.h).
void over_approximated_nsgs(const Exposure& e, std::set<int>& nsgs);
/// One warning `nsg-over-approximated` per NSG of `nsgs`, in index order: the last findings of an analysis (analyze
/// and the incremental analysis add them after the others, over every exposure and broken flow).
void warn_over_approximated(const model::Model& m, const std::set<int>& nsgs, model::Diagnostics& findings);

/// What one evaluation yields before it is placed on a concrete target.
struct Piece {
  model::Protocol protocol{model::Protocol::kTcp};
  PortsAndSources flows;  // but for its sources, moved to `sources`
  int subnet_rule{-1};
  int nic_rule{-1};
  bool any_source{false};
  int admin_rule{-1};     // the security admin rule that decided (-1: none, or no admin rules apply)
  bool skip_nsgs{false};  // an AlwaysAllow admin rule admitted the packets: the NSGs were not evaluated
  /// One handle for every piece, of any evaluation, with these sources (Analyzer::source_sets_).
  SharedValue<IpSet> sources;
};

/// How the flows to one ip configuration enter: the public IP, and for load balancers the rule and ports.
struct Entry {
  Via via{Via::kPublicIp};
  int public_ip{-1};
  model::Sku sku{model::Sku::kBasic};  // of the public IP, or of the load balancer
  int load_balancer{-1};
  int frontend{-1};
  int rule{-1};  // into rules (kLoadBalancer) or nat_rules (kLoadBalancerNat)
  model::ProtocolMask protocols{model::kAllProtocols};
  PortSet ports{PortSet::all()};  // destination ports at the target, as NSGs see them
  int frontend_port{-1};          // -1: the entry ports are the target ports
  bool floating_ip{false};        // NSGs see the frontend's address as the destination
  bool nat_pool{false};           // kLoadBalancerNat: `rule` indexes nat_pools
  // Firewall DNAT: the ports at the firewall, the rule, the sources NSGs see after SNAT (the firewall's
  // subnet), the internet sources the rule admits, the return route, and why the flow is broken (if so).
  std::optional<PortSet> entry_ports;
  int gateway{-1};
  int gateway_rule{-1};
  std::optional<model::IpAddress> entry_address;  // a secured hub firewall's public address (public_ip -1)
  bool assumed_address{
      false};  // DNAT assumed to target public IP `public_ip`, of unknown address (kUnknownDnatAddressNote)
  /// The sources NSGs see (DNAT: the firewall's SNAT addresses; an appliance: the internet sources it
  /// forwards); with `translated`, the exposure's sources are `client_sources` instead of what passed.
  const IpSet* snat_sources{nullptr};
  bool translated{true};
  IpSet client_sources;
  std::optional<RouteChoice> return_route;
  std::shared_ptr<const Broken> broken;
  /// The internet sources whose replies the target's routes send elsewhere (not back through the entry):
  /// evaluated so that what they would reach is reported as broken.
  bool diverted{false};
  const ForwardedFlow* forwarded{nullptr};  // set: a Bastion or application gateway forwards the flow
};

/// One share of what passes the admin rules and the subnet's NSG: the deciding admin rule (-1: none), the subnet
/// NSG's deciding rule (-1 = no rule: none or missing NSG, or not evaluated), and whether an AlwaysAllow admin rule
/// admitted the packets past the NSGs.
struct SubnetShare {
  int admin_rule{-1};
  int rule{-1};
  PacketSet packets;
  bool skip_nsgs{false};
};
/// What the security admin rules and the subnet's NSG allow of the packets entering them: the same for every target
/// of the subnet that the same packets enter and whose address the rules treat alike, so that flush() computes it
/// once for all of them.
using SubnetStage = std::vector<SubnetShare>;

/// One distinct evaluation waiting for flush(): its inputs, and the slot of results_ it fills.
struct Evaluation {
  model::IpFamily family{model::IpFamily::kV4};
  model::Sku sku{model::Sku::kBasic};
  int subnet{-1};
  NsgSlot subnet_nsg;
  NsgSlot nic_nsg;
  Destination dst;
  Entry entry;
  std::size_t slot{0};
  int admin_vnet{-1};  // the VNet whose security admin rules come before the NSGs (-1: none apply)
  std::size_t subnet_stage{kNoSubnetStage};  // into the subnet stages of the current flush()
  const SubnetStage* kept_stage{nullptr};    // else the subnet stage a previous run kept (SolveMemo)
  static constexpr std::size_t kNoSubnetStage = static_cast<std::size_t>(-1);
};

/// What the Analyzer of an incremental analysis keeps from one run to the next (solver/incremental.h): every
/// subnet stage it computed, by its key in target(), when that key names only inputs that mean the same in the next
/// run (no SNAT set, which the key names by address, and no forwarded flow). A stage is the same while the subnet's
/// NSG and the address space are: the owner forgets the stages of a changed NSG (forget_nsg), and all of them when
/// the address space is built again.
struct SolveMemo {
  struct KeptStage {
    int nsg{-1};  // the subnet's NSG (index into model.nsgs), or -1 when there is none or it is missing
    SubnetStage stage;
    int admin_vnet{-1};  // the VNet whose security admin rules the stage evaluated first, or -1
  };
  std::unordered_map<std::string, KeptStage> subnet_stages;  // node-based: a stage does not move while kept
  /// Per NSG, the keys of the kept stages it decided (some perhaps forgotten since): forget_nsg costs its own stages,
  /// not a pass over every kept one.
  std::unordered_map<int, std::vector<std::string>> stage_keys_by_nsg;
  /// An ip configuration that may be a network virtual appliance (a NIC with IP forwarding, a public IP and a private
  /// address: Analyzer::appliances), and the internet sources its own exposures through its public IP admit, when
  /// known.
  struct ApplianceCandidate {
    model::IpConfigIndex x;
    std::optional<IpSet> admitted;
  };
  /// The appliance candidates, found by the first run that looks for them. The NICs outside a scope do not change
  /// (analyze_scope's contract), nor do their exposures, so their part stays right, sources admitted included; a
  /// scoped run checks the NICs of its scope again and takes their sources from its own exposures (forgetting them
  /// when it does not look for appliances).
  std::optional<std::vector<ApplianceCandidate>> appliance_candidates;

  /// Keeps `stage` under `key` (nothing when a stage is kept there already).
  void keep_stage(const std::string& key, KeptStage stage) {
    const auto [it, fresh] = subnet_stages.try_emplace(key, std::move(stage));
    if (fresh) stage_keys_by_nsg[it->second.nsg].push_back(key);
  }
  /// Forgets every kept stage.
  void forget_stages() {
    subnet_stages.clear();
    stage_keys_by_nsg.clear();
  }
  /// Forgets the stages decided by NSG `nsg`.
  void forget_nsg(int nsg) {
    const auto it = stage_keys_by_nsg.find(nsg);
    if (it == stage_keys_by_nsg.end()) return;
    for (const auto& key : it->second) subnet_stages.erase(key);
    stage_keys_by_nsg.erase(it);
  }
  /// Forgets the stages that evaluated the admin rules of a flagged VNet (`vnets` indexed like Model::vnets).
  void forget_admin_vnets(const std::vector<char>& vnets) {
    std::erase_if(subnet_stages, [&vnets](const auto& kept) {
      const int v = kept.second.admin_vnet;
      return v >= 0 && (static_cast<std::size_t>(v) >= vnets.size() || vnets[v] != 0);
    });
    stage_keys_by_nsg.clear();  // listed again from what is left
    for (const auto& [key, kept] : subnet_stages) stage_keys_by_nsg[kept.nsg].push_back(key);
  }
};

/// One entry into an ip configuration whose exposures are placed by flush(), once its evaluation is done: the
/// sizes of the result's lists when it was found, so that it lands where an immediate placement would have.
struct Placement {
  int nic{-1};
  int ip_configuration{-1};
  Entry entry;
  std::vector<Stage> stages;
  std::size_t slot{0};
  std::size_t exposures_at{0};
  std::size_t broken_at{0};
};

class Analyzer {
 public:
  Analyzer(const model::Model& m, Analysis& out, AnalysisTrace* trace = nullptr);
  /// Only what `scope` covers (solver/incremental.h); `previous` supplies what lies outside it.
  Analyzer(const model::Model& m, Analysis& out, const AddressSpace& space, const AnalysisScope& scope,
           const TargetExposures& previous, AnalysisTrace* trace);

  void run();
  /// The options of analyze() (`options` must outlive run()).
  void set_options(const AnalyzeOptions& options) { options_ = &options; }
  /// Subnet stages to take from, and to keep for, the next run (`memo` must outlive run()).
  void set_memo(SolveMemo& memo) { memo_ = &memo; }

 private:
  /// Every ip configuration with a public IP of its own, entered through it (solver/compute.cpp).
  void instance_public_ips();

  void load_balancer(int l);

  /// Bastion hosts and application gateways: their own entries, and what they forward to ip configurations.
  void gateways();

  /// The exposures of a forwarded flow: the target's NSGs saw the entry point's subnet as the source, the
  /// exposure names the internet sources the entry point admitted. Ports are merged per deciding rules, since
  /// which instance address of the entry point opens the connection is not known.
  void forwarded_exposures(int n, int c, const Entry& entry, const std::vector<Stage>& stages,
                           const std::vector<Piece>& pieces);

  /// The internet sources (of one IP version) whose replies subnet `subnet` routes elsewhere than to the
  /// internet, and the route the first of them takes; nullopt when there are none. Computed once per subnet.
  const std::optional<std::pair<IpSet, RouteChoice>>& diversion(int subnet, model::IpFamily family);

  /// The route hop of a path (the reply's route, scope "return").
  static Hop route_hop(const RouteChoice& r);

  /// The ip configuration holding private address `a` (the first in input order), or nullopt.
  std::optional<model::IpConfigIndex> config_with_ip(const model::IpAddress& a);

  /// Why DNAT'ed traffic from firewall `fw` to ip configuration `x` cannot work (null when it can), and the
  /// route its replies take.
  std::shared_ptr<const Broken> dnat_path_breaks(const model::Firewall& fw, const FirewallSide& side,
                                                 const model::IpConfigIndex& x, std::optional<RouteChoice>& reply);

  /// Network virtual appliances: a NIC with IP forwarding and a public IP, that the routes of other subnets
  /// send their internet-bound replies to. What the appliance filters and translates is unknown: it is
  /// assumed to forward whatever reaches its public IP to the hosts behind it (`via: appliance`). The
  /// appliance's own NSGs apply (the sources they admit to its public IP on any port are the sources it
  /// forwards), then the target's, which see the client's address.
  void appliances();
  /// Whether the replies of some ip configuration in the scope are routed to a virtual appliance (only those are
  /// entered through one): when none is, a scoped analysis skips the search for appliances, a pass over every NIC.
  bool scope_diverted_to_appliance();

  /// True when `a` is the private frontend address of an application gateway.
  bool gateway_frontend_at(const model::IpAddress& a) const;

  /// The internal load balancer frontends (load balancer, frontend) at private address `a`.
  std::vector<std::pair<int, int>> internal_frontends_at(const model::IpAddress& a) const;

  /// DNAT to an internal load balancer's frontend: the load-balancing rules for that frontend and the translated
  /// port (or HA ports) carry the translated packets on to their pools' members, which see the firewall's SNAT
  /// addresses on the rule's backend port.
  void dnat_through_balancer(int f, const model::Firewall& fw, const FirewallSide& side, const IpSet& snat_set,
                             int position, const model::FirewallRule& rule, int pip, const model::IpAddress& address,
                             bool assumed, model::Protocol protocol, const PortsAndSources& flows, int l, int fe);

  static PortSet single_port(std::uint16_t p);

  /// A firewall's DNAT rules: the firewall's own entry points, and the targets they translate to.
  void firewall(int f);

  /// Finds the evaluation of entry `entry` into ip configuration (n, c) (queued when it is new) and queues the
  /// placement of its exposures; both happen at the next flush(), which target() itself calls every
  /// kPlacementBatch placements.
  void target(int n, int c, const Entry& entry);

  /// Runs the queued evaluations (on options' jobs workers, model/parallel.h), then places the queued exposures in
  /// the order target() was called, among those added directly in between: the result is the same as if each
  /// had been evaluated and placed at once, whatever the number of workers. Called before anything reads the
  /// exposures found so far (appliances()), before the queued entries' flows go out of scope (gateways()), and by
  /// target() when the queue is full. Reports progress from the calling thread only.
  void flush();

  /// How many placements target() queues before it flushes: the queue's memory stays bounded (a placement holds
  /// its entry and path), and a batch still holds thousands of evaluations to share out among the workers.
  static constexpr std::size_t kPlacementBatch = 4096;

  /// How many intervals of resolved rule sources flush() keeps from one batch to the next before it starts the cache
  /// again (32 bytes each: 32 MB at most, plus one batch's worth).
  static constexpr std::size_t kRuleSourceCacheIntervals = 1000000;

  /// The exposures (or broken flows) of one placement, appended to the result.
  void place(const Placement& p);

  bool is_jit(const NsgSlot& s, int rule) const;

  /// AnalyzeOptions::share_nsg_work (on without options).
  bool share_nsg_work() const;

  /// The packets entering the target's NSGs for an evaluation (after the entry's translation and return route).
  PacketSet arriving(model::IpFamily family, int subnet, const Entry& entry) const;

  /// The subnet stage of evaluation `e` (its subnet's NSG, which arriving() enters).
  SubnetStage subnet_stage(const Evaluation& e) const;

  /// The exposures' pieces of evaluation `e`, whose subnet stage is `after_subnet` (subnet_stage(e), computed
  /// once for every evaluation that shares it; unused when there is no NSG at all).
  std::vector<Piece> evaluate(const Evaluation& e, const SubnetStage& after_subnet) const;

  /// The resolved inbound rule sources of slot `s` for destinations in `subnet` (prepared by flush()), or nullptr.
  const RuleSources* rule_sources(const NsgSlot& s, int subnet) const;

  /// The entry as the path engine takes it (solver/path.h).
  static PathEntry path_entry(const Entry& entry);

  /// An exposure's hops: the target's stages (inbound_path) with the NSG stages' deciding rules `r1` (subnet) and
  /// `r2` (NIC) and the admin stage's deciding rule `admin_rule` (with `skip_nsgs`, an AlwaysAllow rule: the NSG
  /// stages are not shown); an application gateway's front hops (its own path) stand for its source and entry.
  std::vector<Hop> path(const Entry& entry, const std::vector<Stage>& stages, int r1, int r2, int admin_rule = -1,
                        bool skip_nsgs = false) const;

  void sort();

  void sort(std::vector<Exposure>& exposures) const;

  /// Reports progress through the options' callback, when there is one.
  void progress(std::string_view stage, std::size_t done, std::size_t total) const;

  const model::Model& m_;
  Analysis& out_;
  std::optional<AddressSpace> own_space_;
  const AddressSpace& space_;
  const AnalysisScope* scope_{nullptr};
  const TargetExposures* previous_{nullptr};
  AnalysisTrace* trace_{nullptr};
  const AnalyzeOptions* options_{nullptr};                          // for its progress callback; analyze() only
  SolveMemo* memo_{nullptr};                                        // an incremental analysis's kept stages
  std::unordered_map<std::string, std::size_t> cache_;              // evaluation key -> slot of results_
  std::deque<std::vector<Piece>> results_;                          // stable: filled in place by the workers
  std::vector<Evaluation> pending_;                                 // evaluations not run yet
  std::unordered_map<std::string, std::size_t> subnet_stage_keys_;  // subnet stage key -> index, this flush only
  std::vector<std::size_t> subnet_stage_of_;  // per subnet stage of this flush: the pending evaluation that defines it
  std::optional<NsgSourceCache> rule_sources_;  // built by the first flush() that has an NSG to evaluate
  std::vector<Placement> placements_;           // exposures not placed yet
  std::size_t evaluations_run_{0};              // by flush(), for the progress display
  std::set<model::IpConfigIndex> evaluated_;    // ip configurations with at least one entry
  std::map<model::U128, model::IpConfigIndex> by_private_ip_;
  std::deque<IpSet> snat_sets_;  // stable addresses: entries point at them
  std::map<std::pair<int, model::IpFamily>, std::optional<std::pair<IpSet, RouteChoice>>> diversion_;
  /// The pieces' source sets, each distinct set held once however many evaluations find it (the workers intern
  /// theirs): the exposures placed from them share it (docs/performance.md, "Exposures that share what they share").
  mutable SharedValuePool<IpSet> source_sets_;
};

}  // namespace exposim::solver::analysis_internal
