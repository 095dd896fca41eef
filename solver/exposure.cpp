// The analysis: for every ip configuration with a public IP, the packets that pass the subnet NSG and then
// the NIC NSG, attributed to the deciding rules. Evaluations are memoised by everything they depend on.
#include "solver/exposure.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "solver/address_space.h"
#include "solver/firewall.h"
#include "solver/gateways.h"
#include "solver/incremental.h"
#include "solver/nsg_eval.h"
#include "solver/paas.h"
#include "solver/routing.h"

namespace exposim::solver {

using model::Access;
using model::Direction;
using model::Protocol;

const char* to_string(Via v) {
  switch (v) {
    case Via::kPublicIp: return "public-ip";
    case Via::kLoadBalancer: return "load-balancer";
    case Via::kLoadBalancerNat: return "load-balancer-nat";
    case Via::kFirewallDnat: return "firewall-dnat";
    case Via::kApplicationGateway: return "application-gateway";
    case Via::kBastion: return "bastion";
    case Via::kPaasPublic: return "paas-public";
    case Via::kAppliance: return "appliance";
  }
  return "?";
}

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

TargetId target_id(const model::Model& m, model::ResourceKind kind, int index) {
  if (kind == model::ResourceKind::kNetworkInterface) {
    const auto& nic = m.nics[index];
    const int vm = nic.virtual_machine.index;
    return {vm >= 0 ? std::string_view(m.vms[vm].name) : std::string_view(nic.name), nic.key};
  }
  if (const auto* r = m.resource(model::GraphVertex{kind, index})) return {r->name, r->key};
  return {};
}

TargetId target_id(const model::Model& m, const Exposure& e) {
  // A NIC exposure's vm is its NIC's virtual machine (Analyzer::target).
  return e.nic >= 0 ? target_id(m, model::ResourceKind::kNetworkInterface, e.nic)
                    : target_id(m, e.target_kind, e.target);
}

namespace {

constexpr const char* kHubAddressNote = "a secured virtual hub's public address (hubIPAddresses): not a resource";

/// The order of Analysis::exposures: target name, target id, ip configuration, entry, via, protocol
/// (target_key, whose first two parts are target_id), then the deciding rules of the path (rules_before). Used
/// by Analyzer::sort(); the incremental splice (solver/incremental.cpp) relies on target_id leading the order.
using TargetKey = std::tuple<std::string_view, std::string_view, std::string_view, int, int, int>;

TargetKey target_key(const model::Model& m, const Exposure& e) {
  const auto [name, key] = target_id(m, e);
  const std::string_view config =
      e.nic >= 0 ? std::string_view(m.nics[e.nic].ip_configurations[e.ip_configuration].name) : std::string_view();
  return TargetKey{name, key, config, e.public_ip, static_cast<int>(e.via), static_cast<int>(e.protocol)};
}

bool rules_before(const Exposure& a, const Exposure& b) {
  return std::lexicographical_compare(a.path.begin(), a.path.end(), b.path.begin(), b.path.end(),
                                      [](const Hop& x, const Hop& y) { return x.rule < y.rule; });
}

/// What one evaluation yields before it is placed on a concrete target.
struct Piece {
  Protocol protocol{Protocol::kTcp};
  PortsAndSources flows;
  int subnet_rule{-1};
  int nic_rule{-1};
  bool any_source{false};
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
  /// The sources NSGs see (DNAT: the firewall's SNAT addresses; an appliance: the internet sources it
  /// forwards); with `translated`, the exposure's sources are `client_sources` instead of what passed.
  const IpSet* snat_sources{nullptr};
  bool translated{true};
  IpSet client_sources;
  std::optional<RouteChoice> return_route;
  std::string broken;
  /// The internet sources whose replies the target's routes send elsewhere (not back through the entry):
  /// evaluated so that what they would reach is reported as broken.
  bool diverted{false};
  const ForwardedFlow* forwarded{nullptr};  // set: a Bastion or application gateway forwards the flow
};

/// The entry of a firewall DNAT flow of one protocol through public IP `pip` (or, -1, the secured hub address
/// `address`), with no target port yet: the caller adds the translated port.
Entry dnat_entry(int pip, const model::IpAddress& address, model::Protocol protocol) {
  Entry entry;
  entry.via = Via::kFirewallDnat;
  entry.public_ip = pip;
  if (pip < 0) entry.entry_address = address;
  entry.sku = model::Sku::kBasic;  // no NSG on the path: the translated traffic is not filtered
  entry.protocols = model::bit(protocol);
  entry.ports = PortSet{};
  return entry;
}

class Analyzer {
 public:
  Analyzer(const model::Model& m, Analysis& out, AnalysisTrace* trace = nullptr)
      : m_(m), out_(out), own_space_(std::in_place, m, out.findings), space_(*own_space_), trace_(trace) {}
  /// Only what `scope` covers (solver/incremental.h); `previous` supplies what lies outside it.
  Analyzer(const model::Model& m, Analysis& out, const AddressSpace& space, const AnalysisScope& scope,
           const Analysis& previous, AnalysisTrace* trace)
      : m_(m), out_(out), space_(space), scope_(&scope), previous_(&previous), trace_(trace) {}

  void run() {
    for (std::size_t n = 0; n < m_.nics.size(); ++n) {
      if (scope_ != nullptr && !scope_->nic(static_cast<int>(n))) continue;
      const auto& nic = m_.nics[n];
      for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
        const auto& cfg = nic.ip_configurations[c];
        if (!cfg.public_ip.set()) continue;  // no public IP: not reachable through this path
        Entry entry;
        entry.public_ip = cfg.public_ip.index;
        entry.sku = entry.public_ip >= 0 ? m_.public_ips[entry.public_ip].sku : model::Sku::kBasic;
        target(static_cast<int>(n), static_cast<int>(c), entry);
      }
    }
    for (std::size_t l = 0; l < m_.load_balancers.size(); ++l) load_balancer(static_cast<int>(l));
    for (std::size_t f = 0; f < m_.firewalls.size(); ++f) firewall(static_cast<int>(f));
    appliances();
    gateways();
    out_.targets_evaluated = evaluated_.size();
    if (trace_ != nullptr) {
      trace_->evaluated.assign(m_.nics.size(), 0);
      for (const auto& x : evaluated_) ++trace_->evaluated[x.nic];
      trace_->paas_solved = false;
    }
    if (scope_ == nullptr) {
      const std::size_t from = out_.findings.size();
      analyze_paas(m_, space_, out_);
      if (trace_ != nullptr) {
        trace_->paas_findings = model::Diagnostics{};
        for (std::size_t i = from; i < out_.findings.size(); ++i) trace_->paas_findings.add(out_.findings.items()[i]);
        trace_->paas_solved = true;
      }
    } else if (std::any_of(scope_->paas.begin(), scope_->paas.end(), [](char c) { return c != 0; })) {
      Analysis paas;
      analyze_paas(m_, space_, paas);
      for (auto& e : paas.exposures) {
        if (scope_->paas_service(e.target)) out_.exposures.push_back(std::move(e));
      }
      if (trace_ != nullptr) {
        trace_->paas_findings = std::move(paas.findings);
        trace_->paas_solved = true;
      }
    }
    out_.internet = space_.internet();
    sort();
  }

 private:
  /// The frontend a child reference names, when it is public (has a public IP); nullptr otherwise.
  const model::LbFrontend* public_frontend(const model::LoadBalancer& lb, const model::Ref& ref) const {
    if (ref.child < 0) return nullptr;
    const auto& fe = lb.frontends[ref.child];
    return fe.public_ip.set() ? &fe : nullptr;  // internal frontends are never reached from the internet
  }

  void load_balancer(int l) {
    const auto& lb = m_.load_balancers[l];
    auto base = [&](Via via, const model::Ref& frontend, int rule, model::ProtocolMask protocols,
                    std::uint16_t frontend_port, std::uint16_t backend_port, bool floating) {
      Entry e;
      e.via = via;
      e.public_ip = lb.frontends[frontend.child].public_ip.index;
      e.sku = lb.sku;
      e.load_balancer = l;
      e.frontend = frontend.child;
      e.rule = rule;
      e.protocols = protocols;
      if (frontend_port == 0) {
        e.ports = PortSet::all();  // HA ports: every port, unchanged
      } else {
        e.ports = PortSet{};
        e.ports.add(backend_port, backend_port);
        e.frontend_port = frontend_port;
      }
      e.floating_ip = floating;
      return e;
    };
    // A port only known at deployment is every port (docs/model.md, "Unknown values"): the target's, or the one
    // clients connect to.
    auto widen = [](Entry e, bool frontend_unknown, bool backend_unknown) {
      if (backend_unknown) e.ports = PortSet::all();
      if (frontend_unknown) {
        e.frontend_port = -1;
        e.entry_ports = PortSet::all();
      }
      return e;
    };
    for (std::size_t r = 0; r < lb.rules.size(); ++r) {
      const auto& rule = lb.rules[r];
      if (public_frontend(lb, rule.frontend) == nullptr) continue;
      const Entry e =
          widen(base(Via::kLoadBalancer, rule.frontend, static_cast<int>(r), rule.protocols,
                     rule.frontend_port_unknown ? 1 : rule.frontend_port, rule.backend_port, rule.enable_floating_ip),
                rule.frontend_port_unknown, rule.backend_port_unknown);
      std::set<model::IpConfigIndex> done;  // a member of two of the rule's pools is reached once
      for (const auto& pool : rule.backend_pools) {
        if (pool.child < 0) continue;
        for (const auto& x : lb.backend_pools[pool.child].members) {
          if (done.insert(x).second) target(x.nic, x.ip_configuration, e);
        }
      }
    }
    for (std::size_t r = 0; r < lb.nat_rules.size(); ++r) {
      const auto& rule = lb.nat_rules[r];
      if (public_frontend(lb, rule.frontend) == nullptr) continue;
      if (rule.backend_pool.set() && rule.frontend_port_unknown) {
        // v2 form with a range only known at deployment: every member on every port.
        if (rule.backend_pool.child < 0) continue;
        for (const auto& x : lb.backend_pools[rule.backend_pool.child].members) {
          target(x.nic, x.ip_configuration,
                 widen(base(Via::kLoadBalancerNat, rule.frontend, static_cast<int>(r), rule.protocols, 1,
                            rule.backend_port, rule.enable_floating_ip),
                       true, rule.backend_port_unknown));
        }
        continue;
      }
      if (rule.backend_pool.set()) {
        // v2 form: the i-th member (NIC id, then ip configuration name) gets frontend_port_range_start + i.
        if (rule.backend_pool.child < 0 || !rule.frontend_port_range_start || !rule.frontend_port_range_end) continue;
        const auto& members = lb.backend_pools[rule.backend_pool.child].members;
        const int start = *rule.frontend_port_range_start;
        const int end = *rule.frontend_port_range_end;
        for (std::size_t i = 0; i < members.size() && start + static_cast<int>(i) <= end; ++i) {
          const auto port = static_cast<std::uint16_t>(start + static_cast<int>(i));
          target(members[i].nic, members[i].ip_configuration,
                 widen(base(Via::kLoadBalancerNat, rule.frontend, static_cast<int>(r), rule.protocols, port,
                            rule.backend_port, rule.enable_floating_ip),
                       false, rule.backend_port_unknown));
        }
        continue;
      }
      const Entry e =
          widen(base(Via::kLoadBalancerNat, rule.frontend, static_cast<int>(r), rule.protocols,
                     rule.frontend_port_unknown ? 1 : rule.frontend_port, rule.backend_port, rule.enable_floating_ip),
                rule.frontend_port_unknown, rule.backend_port_unknown);
      for (const auto& x : rule.targets) target(x.nic, x.ip_configuration, e);
    }
    // Inbound NAT pools (scale sets): instance i gets frontend_port_range_start + i (docs/model.md).
    for (std::size_t r = 0; r < lb.nat_pools.size(); ++r) {
      const auto& pool = lb.nat_pools[r];
      if (public_frontend(lb, pool.frontend) == nullptr) continue;
      for (const auto& x : pool.members) {
        const int port = pool.frontend_port_range_start + x.instance;
        if (!pool.frontend_port_unknown && (x.instance < 0 || port > pool.frontend_port_range_end)) continue;
        Entry e = widen(base(Via::kLoadBalancerNat, pool.frontend, static_cast<int>(r), pool.protocols,
                             pool.frontend_port_unknown ? 1 : static_cast<std::uint16_t>(port), pool.backend_port,
                             pool.enable_floating_ip),
                        pool.frontend_port_unknown, pool.backend_port_unknown);
        e.nat_pool = true;
        target(x.target.nic, x.target.ip_configuration, e);
      }
    }
  }

  /// Bastion hosts and application gateways: their own entries, and what they forward to ip configurations.
  void gateways() {
    GatewayFlows flows = gateway_flows(m_, space_, out_.findings);
    if (scope_ == nullptr || scope_->gateways) {
      for (auto& e : flows.own) out_.exposures.push_back(std::move(e));
    }
    for (const auto& f : flows.forwarded) {
      Entry e;
      e.via = f.entry->via;
      e.public_ip = f.entry->public_ip;
      e.protocols = model::bit(Protocol::kTcp);
      e.ports = f.entry->ports;
      e.forwarded = &f;
      target(f.target.nic, f.target.ip_configuration, e);
    }
  }

  /// The exposures of a forwarded flow: the target's NSGs saw the entry point's subnet as the source, the
  /// exposure names the internet sources the entry point admitted. Ports are merged per deciding rules, since
  /// which instance address of the entry point opens the connection is not known.
  void forwarded_exposures(int n, int c, const Entry& entry, int subnet, const NsgSlot& subnet_nsg,
                           const NsgSlot& nic_nsg, const std::vector<Piece>& pieces) {
    const ForwardedFlow& f = *entry.forwarded;
    std::map<std::tuple<int, int, int>, PortSet> merged;  // (protocol, subnet rule, NIC rule) -> ports
    for (const Piece& p : pieces) {
      auto& ports = merged[{static_cast<int>(p.protocol), p.subnet_rule, p.nic_rule}];
      ports = ports.unite(p.flows.ports);
    }
    for (const auto& [k, ports] : merged) {
      const auto [protocol, r1, r2] = k;
      Exposure e;
      e.target = n;
      e.nic = n;
      e.ip_configuration = c;
      e.vm = m_.nics[n].virtual_machine.index;
      e.public_ip = f.entry->public_ip;
      e.via = f.entry->via;
      e.gateway = f.entry->gateway;
      e.gateway_rule = f.entry->gateway_rule;
      e.protocol = static_cast<Protocol>(protocol);
      e.ports = ports;
      e.entry_ports = f.entry->entry_ports;
      e.source_ports = PortSet::all();
      e.sources = f.entry->sources;
      e.any_source = f.entry->any_source;
      e.path = path(n, entry, subnet, subnet_nsg, r1, nic_nsg, r2);
      e.jit = is_jit(subnet_nsg, r1) || is_jit(nic_nsg, r2);
      if (!f.broken.empty()) {
        e.broken = f.broken;
        out_.broken.push_back(std::move(e));
        continue;
      }
      out_.exposures.push_back(std::move(e));
    }
  }

  /// The internet sources (of one IP version) whose replies subnet `subnet` routes elsewhere than to the
  /// internet, and the route the first of them takes; nullopt when there are none. Computed once per subnet.
  const std::optional<std::pair<IpSet, RouteChoice>>& diversion(int subnet, model::IpFamily family) {
    auto [it, fresh] = diversion_.try_emplace({subnet, family});
    if (fresh) {
      IpSet d = space_.internet(family).subtract(space_.internet_answerable(subnet));
      if (!d.empty()) {
        RouteChoice r = choose_route(m_, subnet, model::IpAddress{d.intervals().front().lo});
        it->second.emplace(std::move(d), std::move(r));
      }
    }
    return it->second;
  }

  /// The route hop of a path (the reply's route, scope "return").
  static Hop route_hop(const RouteChoice& r) {
    Hop h{Hop::Kind::kRoute,           model::ResourceKind::kRouteTable,
          r.user ? r.route_table : -1, "return",
          r.user ? r.route : -1,       r.user ? "" : r.system};
    return h;
  }

  /// The ip configuration holding private address `a` (the first in input order), or nullopt.
  std::optional<model::IpConfigIndex> config_with_ip(const model::IpAddress& a) {
    if (by_private_ip_.empty()) {
      for (std::size_t n = 0; n < m_.nics.size(); ++n) {
        const auto& cfgs = m_.nics[n].ip_configurations;
        for (std::size_t c = 0; c < cfgs.size(); ++c) {
          if (cfgs[c].private_ip) {
            by_private_ip_.try_emplace(cfgs[c].private_ip->value,
                                       model::IpConfigIndex{static_cast<int>(n), static_cast<int>(c)});
          }
        }
      }
      by_private_ip_.try_emplace(0, model::IpConfigIndex{});  // built
    }
    auto it = by_private_ip_.find(a.value);
    if (it == by_private_ip_.end() || it->second.nic < 0) return std::nullopt;
    return it->second;
  }

  /// Why DNAT'ed traffic from firewall `fw` to ip configuration `x` cannot work (empty when it can), and the
  /// route its replies take.
  std::string dnat_path_breaks(const model::Firewall& fw, const FirewallSide& side, const model::IpConfigIndex& x,
                               std::optional<RouteChoice>& reply) {
    const auto& cfg = m_.nics[x.nic].ip_configurations[x.ip_configuration];
    const int subnet = cfg.subnet.index;
    RouteChoice forward;
    std::string why = dnat_forward_blocks(m_, fw, side, *cfg.private_ip, subnet, forward);
    if (!why.empty()) return why;
    const model::IpAddress& snat = *side.address;
    reply = choose_route(m_, subnet, snat);
    if (reply->next_hop == model::NextHopType::kVnetLocal || reply->next_hop == model::NextHopType::kVnetPeering) {
      return "";
    }
    if (reply->user) {
      return fmt::format(
          "asymmetric routing: replies to the firewall's address {} take {}, not the firewall instance "
          "directly, so the connection fails",
          snat.to_string(), describe(m_, *reply));
    }
    return fmt::format("replies to the firewall's address {} take {} and are lost", snat.to_string(),
                       describe(m_, *reply));
  }

  /// Network virtual appliances: a NIC with IP forwarding and a public IP, that the routes of other subnets
  /// send their internet-bound replies to. What the appliance filters and translates is unknown: it is
  /// assumed to forward whatever reaches its public IP to the hosts behind it (`via: appliance`). The
  /// appliance's own NSGs apply (the sources they admit to its public IP on any port are the sources it
  /// forwards), then the target's, which see the client's address.
  void appliances() {
    struct Appliance {
      int nic;
      int cfg;
      int public_ip;
      IpSet admitted;  // internet sources that reach the appliance's public IP at all
    };
    std::vector<Appliance> found;
    std::map<model::IpConfigIndex, std::size_t> candidate;  // ip configuration -> index into found
    for (std::size_t n = 0; n < m_.nics.size(); ++n) {
      const auto& nic = m_.nics[n];
      if (!nic.enable_ip_forwarding) continue;
      for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
        const auto& cfg = nic.ip_configurations[c];
        if (!cfg.public_ip.set() || !cfg.private_ip) continue;
        candidate.emplace(model::IpConfigIndex{static_cast<int>(n), static_cast<int>(c)}, found.size());
        found.push_back({static_cast<int>(n), static_cast<int>(c), cfg.public_ip.index, IpSet{}});
      }
    }
    if (found.empty()) return;
    for (const auto& e : out_.exposures) {  // one pass: the sources each candidate's own exposures admit
      if (e.via != Via::kPublicIp || e.nic < 0) continue;
      auto it = candidate.find(model::IpConfigIndex{e.nic, e.ip_configuration});
      if (it != candidate.end()) found[it->second].admitted = found[it->second].admitted.unite(e.sources);
    }
    if (scope_ != nullptr) {  // candidates outside the scope: their exposures are the previous analysis's
      for (const auto& e : previous_->exposures) {
        if (e.via != Via::kPublicIp || e.nic < 0 || scope_->nic(e.nic)) continue;
        auto it = candidate.find(model::IpConfigIndex{e.nic, e.ip_configuration});
        if (it != candidate.end()) found[it->second].admitted = found[it->second].admitted.unite(e.sources);
      }
    }
    std::map<model::U128, std::vector<std::size_t>> at;  // private address -> reachable appliances there
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (found[i].admitted.empty()) continue;
      at[m_.nics[found[i].nic].ip_configurations[found[i].cfg].private_ip->value].push_back(i);
    }
    if (at.empty()) return;
    for (std::size_t n = 0; n < m_.nics.size(); ++n) {
      if (scope_ != nullptr && !scope_->nic(static_cast<int>(n))) continue;
      const auto& nic = m_.nics[n];
      for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
        const auto& cfg = nic.ip_configurations[c];
        const int subnet = cfg.subnet.index;
        if (subnet < 0) continue;
        const auto& d = diversion(subnet, cfg.family);
        if (!d) continue;
        const auto& [diverted, r] = *d;
        if (r.next_hop != model::NextHopType::kVirtualAppliance || !r.next_hop_ip) continue;
        auto hit = at.find(r.next_hop_ip->value);
        if (hit == at.end()) continue;
        for (const std::size_t i : hit->second) {
          const auto& a = found[i];
          if (a.nic == static_cast<int>(n)) continue;
          if (a.public_ip >= 0 && m_.public_ips[a.public_ip].family != cfg.family) continue;
          Entry entry;
          entry.via = Via::kAppliance;
          entry.public_ip = a.public_ip;
          entry.sku = model::Sku::kBasic;  // the appliance forwards; only the target's NSGs filter here
          entry.gateway = a.nic;
          IpSet& sources = snat_sets_.emplace_back(a.admitted.intersect(diverted));
          if (sources.empty()) continue;
          entry.snat_sources = &sources;
          entry.translated = false;
          entry.return_route = r;
          // The appliance's VNet must reach the target's; the packets keep internet sources, so a peering
          // must also allow forwarded traffic.
          const auto& acfg = m_.nics[a.nic].ip_configurations[a.cfg];
          const int avnet = acfg.subnet.resolved() ? m_.subnets[acfg.subnet.index].vnet.index : -1;
          const int vnet = m_.subnets[subnet].vnet.index;
          if (avnet >= 0 && vnet >= 0) {
            const std::string why = peering_blocks(m_, avnet, vnet, true);
            if (!why.empty()) {
              entry.broken = fmt::format("appliance '{}' cannot forward to {}: {}", m_.nics[a.nic].name,
                                         cfg.private_ip ? cfg.private_ip->to_string() : cfg.name, why);
            }
          }
          target(static_cast<int>(n), static_cast<int>(c), entry);
        }
      }
    }
  }

  /// True when `a` is the private frontend address of an application gateway.
  bool gateway_frontend_at(const model::IpAddress& a) const {
    for (const auto& g : m_.application_gateways) {
      for (const auto& fe : g.frontends) {
        if (!fe.public_ip.set() && fe.private_ip == a) return true;
      }
    }
    return false;
  }

  /// The internal load balancer frontends (load balancer, frontend) at private address `a`.
  std::vector<std::pair<int, int>> internal_frontends_at(const model::IpAddress& a) const {
    std::vector<std::pair<int, int>> out;
    for (std::size_t l = 0; l < m_.load_balancers.size(); ++l) {
      const auto& fes = m_.load_balancers[l].frontends;
      for (std::size_t f = 0; f < fes.size(); ++f) {
        if (!fes[f].public_ip.set() && fes[f].private_ip == a)
          out.emplace_back(static_cast<int>(l), static_cast<int>(f));
      }
    }
    return out;
  }

  /// DNAT to an internal load balancer's frontend: the load-balancing rules for that frontend and the translated
  /// port (or HA ports) carry the translated packets on to their pools' members, which see the firewall's SNAT
  /// addresses on the rule's backend port.
  void dnat_through_balancer(int f, const model::Firewall& fw, const FirewallSide& side, const IpSet& snat_set,
                             int position, const model::FirewallRule& rule, int pip, const model::IpAddress& address,
                             Protocol protocol, const PortsAndSources& flows, int l, int fe) {
    if (protocol != Protocol::kTcp && protocol != Protocol::kUdp) return;
    std::vector<std::uint16_t> ports;
    if (rule.translated_port != 0) {
      ports.push_back(rule.translated_port);
    } else {
      for (const auto& iv : flows.ports.intervals()) {
        for (std::uint32_t p = iv.lo; p <= iv.hi && ports.size() < 64; ++p)
          ports.push_back(static_cast<std::uint16_t>(p));
      }
    }
    const auto& lb = m_.load_balancers[l];
    for (const std::uint16_t port : ports) {
      for (std::size_t lr = 0; lr < lb.rules.size(); ++lr) {
        const auto& lbr = lb.rules[lr];
        if (lbr.frontend.child != fe || !(lbr.protocols & model::bit(protocol))) continue;
        const bool ha = lbr.frontend_port == 0;
        if (!ha && lbr.frontend_port != port) continue;
        std::set<model::IpConfigIndex> done;
        for (const auto& pool_ref : lbr.backend_pools) {
          if (pool_ref.child < 0) continue;
          for (const auto& x : lb.backend_pools[pool_ref.child].members) {
            if (!done.insert(x).second) continue;
            Entry entry = dnat_entry(pip, address, protocol);
            const std::uint16_t backend = ha ? port : lbr.backend_port;
            entry.ports.add(backend, backend);
            entry.entry_ports = rule.translated_port != 0 ? flows.ports : single_port(port);
            entry.gateway = f;
            entry.gateway_rule = position;
            entry.load_balancer = l;
            entry.frontend = fe;
            entry.rule = static_cast<int>(lr);
            entry.frontend_port = ha ? -1 : port;
            entry.snat_sources = &snat_set;
            entry.client_sources = flows.sources;
            std::optional<RouteChoice> reply;
            entry.broken = dnat_path_breaks(fw, side, x, reply);
            entry.return_route = reply;
            target(x.nic, x.ip_configuration, entry);
          }
        }
      }
    }
  }

  static PortSet single_port(std::uint16_t p) {
    PortSet s;
    s.add(p, p);
    return s;
  }

  /// A firewall's DNAT rules: the firewall's own entry points, and the targets they translate to.
  void firewall(int f) {
    const auto& fw = m_.firewalls[f];
    if (fw.policy.set() && !fw.policy.resolved()) {
      out_.findings.warning(
          "firewall-rules-unknown", fw.where,
          fmt::format("firewall '{}': its policy is not in the input, so its DNAT rules are unknown and "
                      "exposure through them is not reported",
                      fw.name));
      return;
    }
    const FirewallSide side = firewall_side(m_, fw);
    const IpSet& snat_set = snat_sets_.emplace_back(side.snat);
    const auto pips = firewall_public_ips(m_, fw);
    for (const auto& match : dnat_matches(m_, fw, space_.internet())) {
      const auto& rule = rule_at(m_, fw, fw.order[match.position]);
      std::optional<model::IpConfigIndex> target_cfg;
      if (rule.translated_address) target_cfg = config_with_ip(*rule.translated_address);
      if (!rule.translated_address && rule.translated_unknown) {
        out_.findings.warning("dnat-target-unknown", rule.where,
                              fmt::format("firewall '{}': DNAT rule '{}' translates to an address only known at "
                                          "deployment: the firewall's own entry is reported, its target is unknown",
                                          fw.name, rule.name));
      } else if (!rule.translated_address) {
        out_.findings.warning(
            "dnat-target-unknown", rule.where,
            fmt::format("firewall '{}': DNAT rule '{}' translates to FQDN '{}', which is not resolved: "
                        "only the firewall's own entry is reported",
                        fw.name, rule.name, rule.translated_fqdn));
      } else if (!target_cfg && gateway_frontend_at(*rule.translated_address)) {
        // An application gateway's private frontend: its listeners carry the flow on (solver/gateways.cpp).
      } else if (!target_cfg && !internal_frontends_at(*rule.translated_address).empty()) {
        // An internal load balancer's frontend: its rules carry the flow on to their pools (below).
      } else if (!target_cfg) {
        out_.findings.warning(
            "dnat-target-unknown", rule.where,
            fmt::format("firewall '{}': DNAT rule '{}' translates to {}, which is no ip configuration in "
                        "the input: only the firewall's own entry is reported",
                        fw.name, rule.name, rule.translated_address->to_string()));
      }
      std::string broken;
      std::optional<RouteChoice> reply;
      if (target_cfg) broken = dnat_path_breaks(fw, side, *target_cfg, reply);
      const auto balancers = rule.translated_address && !target_cfg ? internal_frontends_at(*rule.translated_address)
                                                                    : std::vector<std::pair<int, int>>{};
      for (const auto& [pip, address] : pips) {
        IpSet dst;
        dst.add(address.value, address.value);
        // Only clients of the address's own IP version reach it.
        const PacketSet to_pip = match.packets.intersect(PacketSet(
            Cube{space_.internet(address.family()), dst, model::kAllProtocols, PortSet::all(), PortSet::all()}));
        for (int p = 0; p < model::kProtocolCount; ++p) {
          const auto protocol = static_cast<Protocol>(p);
          for (auto& flows : split_by_ports(to_pip, protocol)) {
            Exposure e;
            e.target_kind = model::ResourceKind::kFirewall;
            e.target = f;
            e.public_ip = pip;
            if (pip < 0) e.entry_address = address;
            e.via = Via::kFirewallDnat;
            e.gateway = f;
            e.gateway_rule = match.position;
            e.protocol = protocol;
            e.ports = flows.ports;
            e.entry_ports = flows.ports;
            e.source_ports = flows.source_ports;
            e.sources = flows.sources;
            e.any_source = flows.sources == space_.internet(address.family());
            e.path = {
                Hop{Hop::Kind::kInternet, model::ResourceKind::kInternet, -1, "", -1, ""},
                Hop{Hop::Kind::kPublicIp, model::ResourceKind::kPublicIp, pip, "", -1, pip < 0 ? kHubAddressNote : ""},
                Hop{Hop::Kind::kFirewall, model::ResourceKind::kFirewall, f, "dnat", match.position,
                    match.unresolved_source ? "a source the solver cannot resolve is taken as the whole internet" : ""},
                Hop{Hop::Kind::kTarget, model::ResourceKind::kFirewall, f, "", -1, ""}};
            if (scope_ == nullptr || scope_->firewall(f)) out_.exposures.push_back(e);
            for (const auto& [l, fe] : balancers) {
              dnat_through_balancer(f, fw, side, snat_set, match.position, rule, pip, address, protocol, flows, l, fe);
            }
            if (!target_cfg) continue;
            Entry entry = dnat_entry(pip, address, protocol);
            if (rule.translated_port != 0) {
              entry.ports.add(rule.translated_port, rule.translated_port);
            } else {
              entry.ports = flows.ports;
            }
            entry.entry_ports = flows.ports;
            entry.gateway = f;
            entry.gateway_rule = match.position;
            entry.snat_sources = &snat_set;
            entry.client_sources = flows.sources;
            entry.return_route = reply;
            entry.broken = broken;
            target(target_cfg->nic, target_cfg->ip_configuration, entry);
          }
        }
      }
    }
  }

  void target(int n, int c, const Entry& entry) {
    if (scope_ != nullptr && !scope_->nic(n)) return;
    const auto& nic = m_.nics[n];
    const auto& cfg = nic.ip_configurations[c];
    const int pip = entry.public_ip;
    const model::Sku sku = entry.sku;
    // A load balancer frontend serves backends of its own IP version (an instance public IP of the other
    // version is a validation error, `family-mismatch`).
    // (An application gateway connects to backends itself: any frontend version reaches IPv4 backends.)
    if (!entry.forwarded && entry.via != Via::kPublicIp && pip >= 0 && m_.public_ips[pip].family != cfg.family) return;
    evaluated_.insert(model::IpConfigIndex{n, c});
    const int subnet = cfg.subnet.index;
    const NsgSlot subnet_nsg = subnet_nsg_slot(m_, cfg.subnet);  // unknown subnet: an NSG that admits all
    const NsgSlot nic_nsg = nsg_slot(nic.nsg);
    // With floating IP the packet keeps the frontend's address as its destination (docs/model.md).
    const std::optional<model::IpAddress> dst_ip =
        entry.floating_ip ? (pip >= 0 ? m_.public_ips[pip].address : std::nullopt) : cfg.private_ip;
    const Destination dst{dst_ip, subnet, &cfg.asgs};

    std::string key = fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", entry.diverted, static_cast<int>(cfg.family),
                                  subnet, static_cast<int>(subnet_nsg.state), subnet_nsg.index,
                                  static_cast<int>(nic_nsg.state), nic_nsg.index, static_cast<int>(sku),
                                  entry.protocols, model::to_string(entry.ports), fmt::ptr(entry.snat_sources));
    for (const NsgSlot* s : std::initializer_list<const NsgSlot*>{&subnet_nsg, &nic_nsg}) {
      key += '|';
      if (s->state != NsgSlot::State::kPresent) continue;
      for (const auto& rule : m_.nsgs[s->index].rules) {
        if (rule.direction == Direction::kInbound) key += destination_matches(rule, dst, space_) ? '1' : '0';
      }
    }
    if (entry.forwarded) {
      key += "|from";
      key += entry.forwarded->entry->inner_key;
    }
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      ++out_.distinct_evaluations;
      it = cache_.emplace(std::move(key), evaluate(cfg.family, sku, subnet, subnet_nsg, nic_nsg, dst, entry)).first;
    }
    if (entry.forwarded) {
      forwarded_exposures(n, c, entry, subnet, subnet_nsg, nic_nsg, it->second);
      return;
    }
    for (const Piece& p : it->second) {
      Exposure e;
      e.target = n;
      e.gateway = entry.gateway;
      e.gateway_rule = entry.gateway_rule;
      e.nic = n;
      e.ip_configuration = c;
      e.vm = nic.virtual_machine.index;
      e.public_ip = pip;
      e.entry_address = entry.entry_address;
      e.via = entry.via;
      e.load_balancer = entry.load_balancer;
      e.frontend = entry.frontend;
      e.protocol = p.protocol;
      e.ports = p.flows.ports;
      if (entry.entry_ports) {
        e.entry_ports = *entry.entry_ports;
      } else if (entry.frontend_port >= 0) {
        e.entry_ports.add(static_cast<std::uint16_t>(entry.frontend_port),
                          static_cast<std::uint16_t>(entry.frontend_port));
      } else {
        e.entry_ports = p.flows.ports;
      }
      e.source_ports = p.flows.source_ports;
      e.sources = p.flows.sources;
      e.any_source = p.any_source;
      e.path = path(n, entry, subnet, subnet_nsg, p.subnet_rule, nic_nsg, p.nic_rule);
      e.jit = is_jit(subnet_nsg, p.subnet_rule) || is_jit(nic_nsg, p.nic_rule);
      if (entry.snat_sources != nullptr && entry.translated) {
        // NSGs saw the firewall's address; the exposure is to the internet sources the DNAT rule admits.
        e.sources = entry.client_sources;
        e.any_source = e.sources == space_.internet(cfg.family);
      }
      if (!entry.broken.empty()) {
        e.broken = entry.broken;
        out_.broken.push_back(std::move(e));
        continue;
      }
      out_.exposures.push_back(std::move(e));
    }
    if (entry.snat_sources == nullptr && !entry.diverted && entry.broken.empty() && subnet >= 0) {
      // Sources whose replies leave another way (a 0.0.0.0/0 to an appliance): what they would reach is
      // reported as broken, with the route that breaks it.
      if (const auto& diverted = diversion(subnet, cfg.family)) {
        Entry d = entry;
        d.diverted = true;
        const RouteChoice& r = diverted->second;
        d.return_route = r;
        d.broken = r.next_hop == model::NextHopType::kNone
                       ? fmt::format("replies to these clients take {}: they are dropped, so the connection fails",
                                     describe(m_, r))
                       : fmt::format(
                             "asymmetric routing: replies to these clients take {}, not {}, so the connection "
                             "fails",
                             describe(m_, r), entry.via == Via::kPublicIp ? "the public IP" : "the load balancer");
        target(n, c, d);
      }
    }
  }

  bool is_jit(const NsgSlot& s, int rule) const {
    return s.state == NsgSlot::State::kPresent && rule >= 0 && m_.nsgs[s.index].rules[rule].is_jit;
  }

  /// The allowed packets of one NSG slot, split by deciding rule (-1 = no rule: none or missing NSG).
  std::vector<std::pair<int, PacketSet>> pass(const NsgSlot& s, const PacketSet& arriving, const Destination& dst) {
    if (s.state != NsgSlot::State::kPresent) return {{-1, arriving}};
    std::vector<std::pair<int, PacketSet>> out;
    for (auto& d : evaluate_nsg(m_.nsgs[s.index], Direction::kInbound, arriving, dst, space_)) {
      if (d.access == Access::kAllow) out.emplace_back(d.rule, std::move(d.packets));
    }
    return out;
  }

  std::vector<Piece> evaluate(model::IpFamily family, model::Sku sku, int subnet, const NsgSlot& subnet_nsg,
                              const NsgSlot& nic_nsg, const Destination& dst, const Entry& entry) {
    const IpSet internet = space_.internet(family);
    // Only sources the target can answer directly connect: the return route must lead to the internet.
    // After DNAT the firewall's SNAT addresses arrive (their replies return within the VNet); flows forwarded by a
    // Bastion or application gateway come from its subnet; otherwise only sources the target can answer
    // directly connect: the return route must lead to the internet.
    const IpSet sources = entry.forwarded != nullptr      ? entry.forwarded->entry->inner_sources
                          : entry.snat_sources != nullptr ? *entry.snat_sources
                          : entry.diverted                ? internet.subtract(space_.internet_answerable(subnet))
                                                          : internet.intersect(space_.internet_answerable(subnet));
    const PacketSet arriving(Cube{sources, IpSet::all(), entry.protocols, PortSet::all(), entry.ports});
    const bool no_nsg = subnet_nsg.state == NsgSlot::State::kNone && nic_nsg.state == NsgSlot::State::kNone;
    if (no_nsg && sku == model::Sku::kStandard && !entry.forwarded) return {};  // Standard: closed unless an NSG allows
    std::vector<Piece> out;
    for (auto& [r1, after_subnet] : pass(subnet_nsg, arriving, dst)) {
      for (auto& [r2, allowed] : pass(nic_nsg, after_subnet, dst)) {
        for (int p = 0; p < model::kProtocolCount; ++p) {
          const auto protocol = static_cast<Protocol>(p);
          for (auto& flows : split_by_ports(allowed, protocol)) {
            const bool any = flows.sources == internet;
            out.push_back(Piece{protocol, std::move(flows), r1, r2, any});
          }
        }
      }
    }
    return out;
  }

  std::vector<Hop> path(int nic, const Entry& entry, int subnet, const NsgSlot& subnet_nsg, int r1,
                        const NsgSlot& nic_nsg, int r2) const {
    using K = Hop::Kind;
    using RK = model::ResourceKind;
    const int pip = entry.public_ip;
    const bool lb = entry.via != Via::kPublicIp;
    std::vector<Hop> hops;
    if (entry.forwarded) {
      hops = entry.forwarded->entry->front;  // internet -> ... -> the Bastion or application gateway
      if (entry.forwarded->reply) hops.push_back(*entry.forwarded->reply);
    } else {
      hops.push_back(Hop{K::kInternet, RK::kInternet, -1, "", -1, ""});
      hops.push_back(Hop{K::kPublicIp, RK::kPublicIp, pip, "", -1,
                         pip >= 0              ? ""
                         : entry.entry_address ? kHubAddressNote
                         : lb                  ? "public IP not in the input: address unknown"
                                               : "public IP not in the input: assumed Basic SKU"});
    }
    if (entry.via == Via::kFirewallDnat) {
      hops.push_back(Hop{K::kFirewall, RK::kFirewall, entry.gateway, "dnat", entry.gateway_rule, ""});
      if (entry.load_balancer >= 0) {  // DNAT to an internal load balancer's frontend
        Hop h{K::kLoadBalancer, RK::kLoadBalancer, entry.load_balancer, "load-balancing", entry.rule, ""};
        h.port = entry.frontend_port;
        hops.push_back(h);
      }
      if (entry.return_route) hops.push_back(route_hop(*entry.return_route));
    } else if (entry.via == Via::kAppliance) {
      hops.push_back(Hop{K::kAppliance, RK::kNetworkInterface, entry.gateway, "", -1,
                         "assumed: the appliance forwards what reaches its public IP; its own filtering and address "
                         "translation are unknown"});
      if (entry.return_route) hops.push_back(route_hop(*entry.return_route));
    } else if (lb && !entry.forwarded) {
      Hop h{K::kLoadBalancer,
            RK::kLoadBalancer,
            entry.load_balancer,
            entry.via == Via::kLoadBalancer ? "load-balancing"
            : entry.nat_pool                ? "inbound-nat-pool"
                                            : "inbound-nat",
            entry.rule,
            ""};
      h.port = entry.frontend_port;
      hops.push_back(h);
    }
    if (entry.diverted && entry.return_route) hops.push_back(route_hop(*entry.return_route));
    const bool no_nsg = subnet_nsg.state == NsgSlot::State::kNone && nic_nsg.state == NsgSlot::State::kNone;
    const char* open_note = !no_nsg || entry.sku != model::Sku::kBasic || entry.forwarded ? ""
                            : entry.via == Via::kFirewallDnat ? "no NSG: the translated traffic is not filtered"
                            : entry.via == Via::kAppliance    ? "no NSG: the forwarded traffic is not filtered"
                            : lb ? "no NSG: a Basic load balancer is open where no NSG applies"
                                 : "no NSG: a Basic public IP is open where no NSG applies";
    auto nsg_hop = [&](const NsgSlot& s, int rule, const char* scope, RK owner_kind, int owner) {
      switch (s.state) {
        case NsgSlot::State::kPresent: return Hop{K::kNsg, RK::kNetworkSecurityGroup, s.index, scope, rule, ""};
        case NsgSlot::State::kMissing:
          return Hop{
              K::kNsg, RK::kNetworkSecurityGroup, -1, scope, -1, "not in the input: assumed to admit everything"};
        case NsgSlot::State::kNone: break;
      }
      return Hop{K::kNoNsg, owner_kind, owner, scope, -1, open_note};
    };
    hops.push_back(nsg_hop(subnet_nsg, r1, "subnet", RK::kSubnet, subnet));
    hops.push_back(nsg_hop(nic_nsg, r2, "nic", RK::kNetworkInterface, nic));
    hops.push_back(Hop{K::kTarget, RK::kNetworkInterface, nic, "", -1, ""});
    return hops;
  }

  void sort() {
    sort(out_.exposures);
    sort(out_.broken);
  }

  void sort(std::vector<Exposure>& exposures) const {
    // Keys are computed once: comparisons then copy nothing; the paths' deciding rules are compared in place.
    // Input order breaks remaining ties.
    std::vector<std::pair<TargetKey, std::size_t>> keys;
    keys.reserve(exposures.size());
    for (std::size_t i = 0; i < exposures.size(); ++i) keys.emplace_back(target_key(m_, exposures[i]), i);
    const auto by_rules = [&](std::size_t a, std::size_t b) { return rules_before(exposures[a], exposures[b]); };
    // Input order as the last key makes the order total: std::sort then gives stable_sort's order without
    // its buffer of half the keys.
    std::sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      if (by_rules(a.second, b.second)) return true;
      if (by_rules(b.second, a.second)) return false;
      return a.second < b.second;
    });
    // The permutation is applied in place, cycle by cycle: a second vector of every exposure would be the
    // largest allocation of the whole run on a large estate.
    std::vector<std::size_t> order(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) order[i] = keys[i].second;
    keys = {};
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (order[i] == i) continue;
      Exposure held = std::move(exposures[i]);
      std::size_t at = i;
      while (order[at] != i) {
        const std::size_t from = order[at];
        exposures[at] = std::move(exposures[from]);
        order[at] = at;
        at = from;
      }
      exposures[at] = std::move(held);
      order[at] = at;
    }
    exposures.shrink_to_fit();
  }

  const model::Model& m_;
  Analysis& out_;
  std::optional<AddressSpace> own_space_;
  const AddressSpace& space_;
  const AnalysisScope* scope_{nullptr};
  const Analysis* previous_{nullptr};
  AnalysisTrace* trace_{nullptr};
  std::unordered_map<std::string, std::vector<Piece>> cache_;
  std::set<model::IpConfigIndex> evaluated_;  // ip configurations with at least one entry
  std::map<model::U128, model::IpConfigIndex> by_private_ip_;
  std::deque<IpSet> snat_sets_;  // stable addresses: entries point at them
  std::map<std::pair<int, model::IpFamily>, std::optional<std::pair<IpSet, RouteChoice>>> diversion_;
};

}  // namespace

Analysis analyze(const model::Model& m, const AnalyzeOptions&) {
  Analysis out;
  Analyzer(m, out).run();
  return out;
}

Analysis analyze_traced(const model::Model& m, AnalysisTrace& trace) {
  Analysis out;
  Analyzer(m, out, &trace).run();
  return out;
}

Analysis analyze_scope(const model::Model& m, const AddressSpace& space, const AnalysisScope& scope,
                       const Analysis& previous, AnalysisTrace* trace) {
  Analysis out;
  Analyzer(m, out, space, scope, previous, trace).run();
  return out;
}

}  // namespace exposim::solver
