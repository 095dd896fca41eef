// East-west flows (solver/east_west.h, reach()): the evaluations' results per (source class, target) cut by the
// route of the replies, split per source, protocol and port set, checked for symmetry and sorted.
#include <algorithm>
#include <array>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "model/parallel.h"
#include "solver/analyzer.h"
#include "solver/east_west_engine.h"
#include "solver/firewall.h"
#include "solver/network.h"
#include "solver/ports_and_sources.h"
#include "solver/virtual_wan.h"

namespace exposim::solver::east_west_internal {

using K = HopKind;

namespace {

/// The original packets of an SNAT share whose translation `after` passed: those with a protocol, destination and
/// port that passed for some firewall address (any instance may carry the flow).
PacketSet ew_unsnat(const PacketSet& original, const PacketSet& after) {
  PacketSet passed;
  for (const auto& c : after.cubes()) {
    passed = passed.unite(PacketSet(Cube{IpSet::all(), c.dst, c.protocols, PortSet::all(), c.dst_ports}));
  }
  return original.intersect(passed);
}

}  // namespace

/// The sources of class `c` partitioned by the route the target subnet's replies to them take (memoised).
std::size_t EastWest::return_partition(int subnet, std::size_t c, bool user_routes) {
  auto [it, fresh] = return_of_.try_emplace({subnet, c, user_routes}, returns_.size());
  if (!fresh) return it->second;
  const EwClass& cls = classes_[c];
  const bool gateway_source = cls.rep.x.nic < 0 && is_gateway_subnet(m_, cls.subnet);
  // Every prefix a route of the subnet may name cuts the sources: between cuts, one route answers them all.
  std::vector<model::U128> cuts;
  auto cut = [&](const model::IpPrefix& p) {
    cuts.push_back(p.first());
    if (p.last() != IpSet::kMax) cuts.push_back(p.last() + 1);
  };
  cuts.push_back(model::IpAddress::kV4Base);
  cuts.push_back(model::IpAddress::kV4Base + 0x100000000ULL);
  for (const char* reserved : {"10.0.0.0/8", "192.168.0.0/16", "100.64.0.0/10"}) cut(*model::IpPrefix::parse(reserved));
  if (subnet >= 0) {
    const auto& s = m_.subnets[subnet];
    for (const auto& p : s.prefixes) cut(p);
    for (const auto& v : m_.vnets) {
      for (const auto& p : v.address_space) cut(p);
      for (const auto& peering : v.peerings) {
        for (const auto& p : peering.remote_address_space) cut(p);
      }
    }
    if (user_routes && s.route_table.resolved()) {
      for (const auto& r : m_.route_tables[s.route_table.index].routes) {
        if (r.prefix) cut(*r.prefix);
      }
    }
    for (const auto& r : hub_routes(m_, s.vnet.index)) cut(r.prefix);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<EwReturnPart> parts;
  std::map<std::string, std::size_t> part_of;
  for (const auto& iv : cls.addresses.intervals()) {
    model::U128 lo = iv.lo;
    auto next = std::upper_bound(cuts.begin(), cuts.end(), lo);
    while (true) {
      const model::U128 hi = next != cuts.end() && *next - 1 < iv.hi ? *next - 1 : iv.hi;
      model::IpAddress a;
      a.value = lo;
      RouteChoice r = choose_route(m_, subnet, a, user_routes);
      Device d = device_of(m_, r, &devices_);
      // Replies to on-premises addresses leave through the gateway: a system route to Internet or None (the default
      // route, a reserved range) stands for the routes the gateway learns by BGP, which are not modelled.
      if (gateway_source &&
          (r.next_hop == model::NextHopType::kVirtualNetworkGateway ||
           (!r.user && (r.next_hop == model::NextHopType::kInternet || r.next_hop == model::NextHopType::kNone)))) {
        d.kind = Device::Kind::kNone;
      }
      const std::string key = ew_route_key(r);
      auto [pt, pfresh] = part_of.try_emplace(key, parts.size());
      if (pfresh) parts.push_back(EwReturnPart{IpSet{}, r, d});
      parts[pt->second].sources.add(lo, hi);
      if (hi == iv.hi) break;
      lo = hi + 1;
      ++next;
    }
  }
  returns_.push_back(std::move(parts));
  return it->second;
}

void EastWest::split(std::size_t evaluation, std::size_t returns, std::vector<EwSplitPart>& out) const {
  const EwEvaluation& e = evaluations_[evaluation];
  const EwTarget& target = *e.target;  // the first of its targets: only a firewall's shares depend on it
  const PacketSet to(Cube{IpSet::all(), target.addresses, model::kAllProtocols, PortSet::all(), PortSet::all()});
  for (std::size_t i = 0; i < e.result.size(); ++i) {
    const EwShare& sh = e.result[i];
    PacketSet reached = sh.snat_firewall >= 0 ? ew_unsnat(sh.original, sh.packets) : sh.packets;
    if (sh.snat_firewall >= 0) reached = reached.intersect(to);
    if (reached.empty()) continue;
    std::vector<EwReturnPart> parts;
    Device request = e.request;
    if (sh.snat_firewall >= 0) {  // the replies go to the firewall's own address
      const FirewallSide side = firewall_side(m_, m_.firewalls[sh.snat_firewall]);
      RouteChoice r;
      r.next_hop = model::NextHopType::kNone;
      if (side.address) r = choose_route(m_, target.subnet, *side.address, endpoint_user_routes(m_, target.endpoint));
      parts.push_back(EwReturnPart{IpSet::all(), r, device_of(m_, r, &devices_)});
      request.kind = Device::Kind::kNone;
    } else {
      parts = returns_[returns];
    }
    for (auto& part : parts) {
      const PacketSet answered = reached.intersect(
          PacketSet(Cube{part.sources, IpSet::all(), model::kAllProtocols, PortSet::all(), PortSet::all()}));
      if (answered.empty()) continue;
      EwSplitPart p;
      p.share = i;
      p.lost = part.device.kind == Device::Kind::kLost;
      p.asymmetric = !p.lost && !part.device.same(request);
      p.request = request;
      p.first_source = answered.sources().intervals().front().lo;
      p.destinations = answered.destinations();
      p.part = std::move(part);
      for (int k = 0; k < model::kProtocolCount; ++k) {
        p.pieces[static_cast<std::size_t>(k)] = split_by_ports(answered, static_cast<model::Protocol>(k));
      }
      out.push_back(std::move(p));
    }
  }
}

void EastWest::flows_of(const EwJob& job, std::vector<ReachFlow>& flows, std::vector<ReachFlow>& broken) const {
  const EwClass& cls = classes_[job.cls];
  const EwTarget& target = targets_[job.target];
  const EwEvaluation& e = evaluations_[job.evaluation];
  // The class's addresses on the target's own NIC: a NIC does not reach itself.
  IpSet self;
  if (target.x.nic >= 0) {
    if (auto it = cls.by_nic.find(target.x.nic); it != cls.by_nic.end()) self = it->second;
  }
  for (const EwSplitPart& sp : splits_[split_made_[job.split]]) {
    const EwShare& sh = e.result[sp.share];
    std::shared_ptr<const Broken> why;
    int device_vnet = -1;
    const int source_vnet = cls.subnet >= 0 ? m_.subnets[cls.subnet].vnet.index : -1;
    const bool not_forwarded =
        !sp.lost && !sp.asymmetric && reply_not_forwarded(m_, sp.request, source_vnet, target.route_to, device_vnet);
    if (sp.lost || sp.asymmetric || not_forwarded) {
      auto b = std::make_shared<Broken>();
      b->code = sp.lost         ? BrokenCode::kEastWestReplyLost
                : not_forwarded ? BrokenCode::kEastWestReplyNotForwarded
                                : BrokenCode::kEastWestAsymmetric;
      if (not_forwarded) {
        b->from_vnet = device_vnet;
        b->to_vnet = source_vnet;
        b->forwarded = true;
      }
      b->target = target.x;
      b->subnet = target.subnet;
      if (sp.request.kind == Device::Kind::kFirewall) b->firewall = sp.request.index;
      if (sp.request.kind == Device::Kind::kAppliance) b->appliance = sp.request.index;
      model::IpAddress from;
      from.value = sp.first_source;
      b->from = from;
      b->to = target.route_to;
      b->route = sp.part.route;
      why = std::move(b);
    }
    // The path, with the class's first source; each source's flows name their own NIC.
    std::vector<Hop> path;
    path.reserve(sh.hops.size() + 3);
    path.push_back(job.source_hop);
    std::size_t nic_outbound = 0;
    for (Hop h : sh.hops) {
      if (h.kind == K::kNoNsg && std::string_view(h.scope) == "nic-outbound") nic_outbound = path.size();
      if (h.kind == K::kNoNsg && std::string_view(h.scope) == "nic") h = job.nic_nsg_hop;
      path.push_back(h);
    }
    path.push_back(ew_route_hop(sp.part.route, "return"));
    path.push_back(job.target_hop);
    const IpSet destinations = target.addresses.intersect(sp.destinations);
    if (destinations.empty()) continue;
    auto emit = [&](const EwMember* member, const PortsAndSources& f, model::Protocol protocol, IpSet sources) {
      ReachFlow flow;
      if (member != nullptr) {
        flow.source = member->x;
        flow.source_vm = member->vm;
      }
      flow.source_subnet = cls.subnet;
      flow.target_kind = target.kind;
      flow.target = target.index;
      flow.nic = target.x.nic;
      flow.ip_configuration = target.x.ip_configuration;
      flow.vm = target.vm;
      flow.protocol = protocol;
      flow.ports = f.ports;
      flow.source_ports = f.source_ports;
      flow.sources = std::move(sources);
      flow.destinations = destinations;
      flow.path = path;
      if (member != nullptr && member->x.nic >= 0) {
        flow.path.front().resource = member->x.nic;
        if (nic_outbound > 0) flow.path[nic_outbound].resource = member->x.nic;
      }
      flow.broken = why;
      flow.targets = job.targets;
      (why ? broken : flows).push_back(std::move(flow));
    };
    for (int k = 0; k < model::kProtocolCount; ++k) {
      const auto protocol = static_cast<model::Protocol>(k);
      for (const auto& f : sp.pieces[static_cast<std::size_t>(k)]) {
        if (options_.merge_sources) {
          IpSet sources = self.empty() ? f.sources : f.sources.subtract(self);
          if (!sources.empty()) emit(nullptr, f, protocol, std::move(sources));
          continue;
        }
        // The sources of the class the piece's addresses belong to: one address each (by binary search), or more
        // (an address not allocated yet stands for its subnet).
        for (const auto& iv : f.sources.intervals()) {
          auto it = std::lower_bound(cls.singles.begin(), cls.singles.end(), std::make_pair(iv.lo, std::size_t{0}));
          for (; it != cls.singles.end() && it->first <= iv.hi; ++it) {
            const EwMember& member = cls.members[it->second];
            if (member.x.nic >= 0 && member.x.nic == target.x.nic) continue;
            emit(&member, f, protocol, model::IpSet(it->first, it->first));
          }
        }
        for (const std::size_t w : cls.wide) {
          const EwMember& member = cls.members[w];
          if (member.x.nic >= 0 && member.x.nic == target.x.nic) continue;
          IpSet mine = f.sources.intersect(member.addresses);
          if (!mine.empty()) emit(&member, f, protocol, std::move(mine));
        }
      }
    }
  }
}

bool EastWest::hop_less(const Hop& a, const Hop& b) {
  if (a.kind != b.kind) return a.kind < b.kind;
  if (a.resource_kind != b.resource_kind) return a.resource_kind < b.resource_kind;
  if (a.resource != b.resource) return a.resource < b.resource;
  if (a.rule != b.rule) return a.rule < b.rule;
  return std::string_view(a.scope) < std::string_view(b.scope);
}

bool EastWest::flow_less(const ReachFlow& a, const ReachFlow& b) {
  // Field by field, copying nothing: the sort compares millions of flows on a large estate.
  if (a.source != b.source) return a.source < b.source;
  if (a.source_subnet != b.source_subnet) return a.source_subnet < b.source_subnet;
  if (a.target_kind != b.target_kind) return a.target_kind < b.target_kind;
  if (a.target != b.target) return a.target < b.target;
  if (a.ip_configuration != b.ip_configuration) return a.ip_configuration < b.ip_configuration;
  if (a.protocol != b.protocol) return a.protocol < b.protocol;
  if (a.destinations != b.destinations) return a.destinations < b.destinations;
  if (std::lexicographical_compare(a.path.begin(), a.path.end(), b.path.begin(), b.path.end(), hop_less)) return true;
  if (std::lexicographical_compare(b.path.begin(), b.path.end(), a.path.begin(), a.path.end(), hop_less)) {
    return false;
  }
  if (a.ports != b.ports) return a.ports < b.ports;
  if (a.source_ports != b.source_ports) return a.source_ports < b.source_ports;
  return a.sources < b.sources;
}

namespace {

/// Sorts `flows` by `less`, moving each flow once: an index sort on a compact key of the leading fields (source,
/// target), `less` on ties only, then the permutation.
void ew_sort_flows(std::vector<ReachFlow>& flows, bool (*less)(const ReachFlow&, const ReachFlow&)) {
  using Key = std::array<int, 7>;
  std::vector<std::pair<Key, std::size_t>> order(flows.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    const ReachFlow& f = flows[i];
    order[i] = {Key{f.source.nic, f.source.ip_configuration, f.source_subnet, static_cast<int>(f.target_kind), f.target,
                    f.ip_configuration, static_cast<int>(f.protocol)},
                i};
  }
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return less(flows[a.second], flows[b.second]);
  });
  std::vector<ReachFlow> sorted;
  sorted.reserve(flows.size());
  for (const auto& [key, i] : order) sorted.push_back(std::move(flows[i]));
  flows = std::move(sorted);
}

}  // namespace

void EastWest::assemble() {
  // What jobs of one (evaluation, replies' routes) share is split once.
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> split_of;
  std::vector<std::pair<std::size_t, std::size_t>> keys;
  for (auto& job : jobs_) {
    auto [it, fresh] = split_of.try_emplace({job.evaluation, job.returns}, keys.size());
    if (fresh) keys.emplace_back(job.evaluation, job.returns);
    job.split = it->second;
  }
  // Keys whose evaluations give the same packets share by share, with the same replies' routes and the same device
  // crossed, and no translation by a firewall (whose split depends on the target), have the same split: made once
  // (each job's flows still take their hops from its own evaluation's shares).
  std::vector<std::size_t> made;  // the first key of each distinct split
  split_made_.assign(keys.size(), 0);
  {
    const auto same = [&](std::size_t a, std::size_t b) {
      if (keys[a].second != keys[b].second) return false;
      const EwEvaluation& ea = evaluations_[keys[a].first];
      const EwEvaluation& eb = evaluations_[keys[b].first];
      if (!ea.request.same(eb.request) || ea.request.kind != eb.request.kind) return false;
      if (ea.result.size() != eb.result.size()) return false;
      for (std::size_t i = 0; i < ea.result.size(); ++i) {
        if (ea.result[i].snat_firewall >= 0 || eb.result[i].snat_firewall >= 0) return false;
        if (ea.result[i].packets.cubes() != eb.result[i].packets.cubes()) return false;
      }
      return true;
    };
    const auto mix = [](std::uint64_t h, std::uint64_t v) { return (h ^ v) * 0x100000001b3ULL + (h >> 29); };
    std::unordered_map<std::uint64_t, std::vector<std::size_t>> by_hash;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const EwEvaluation& e = evaluations_[keys[k].first];
      std::uint64_t h = mix(0xcbf29ce484222325ULL, keys[k].second);
      for (const EwShare& sh : e.result) {
        h = mix(h, sh.packets.cubes().size());
        for (const Cube& c : sh.packets.cubes()) {
          for (const IpSet* set : {&c.src, &c.dst}) {
            for (const auto& iv : set->intervals()) {
              h = mix(h, static_cast<std::uint64_t>(iv.lo) ^ static_cast<std::uint64_t>(iv.lo >> 64));
              h = mix(h, static_cast<std::uint64_t>(iv.hi) ^ static_cast<std::uint64_t>(iv.hi >> 64));
            }
          }
          h = mix(h, c.protocols);
          for (const model::PortSet* set : {&c.src_ports, &c.dst_ports}) {
            for (const auto& iv : set->intervals()) h = mix(h, (std::uint64_t{iv.lo} << 16) | iv.hi);
          }
        }
      }
      auto& candidates = by_hash[h];
      const auto it =
          std::find_if(candidates.begin(), candidates.end(), [&](std::size_t j) { return same(made[j], k); });
      if (it != candidates.end()) {
        split_made_[k] = *it;
        continue;
      }
      split_made_[k] = made.size();
      candidates.push_back(made.size());
      made.push_back(k);
    }
  }
  splits_.assign(made.size(), {});
  model::parallel_for(made.size(), std::max(1, options_.jobs),
                      [&](std::size_t i) { split(keys[made[i]].first, keys[made[i]].second, splits_[i]); });
  merge_targets();
  std::set<int> nsgs;
  const auto over_approximated = [&](const ReachFlow& f) {
    for (const auto& h : f.path) {
      if (h.kind == K::kNsg && h.resource >= 0 && h.rule == kNsgOverApproximated) nsgs.insert(h.resource);
    }
  };
  if (options_.sink) {
    // The flows handed over job by job, a batch of jobs made on the workers at a time: never all of them at once.
    constexpr std::size_t kBatch = 4096;
    std::vector<std::vector<ReachFlow>> flows(std::min(kBatch, jobs_.size()));
    std::vector<std::vector<ReachFlow>> broken(flows.size());
    for (std::size_t at = 0; at < jobs_.size(); at += kBatch) {
      const std::size_t n = std::min(kBatch, jobs_.size() - at);
      model::parallel_for(n, std::max(1, options_.jobs),
                          [&](std::size_t i) { flows_of(jobs_[at + i], flows[i], broken[i]); });
      for (std::size_t i = 0; i < n; ++i) {
        for (auto& f : flows[i]) {
          over_approximated(f);
          options_.sink(std::move(f));
        }
        flows[i].clear();
        std::move(broken[i].begin(), broken[i].end(), std::back_inserter(out_.broken));
        broken[i].clear();
      }
    }
    for (auto& f : paas_flows_) {  // the PaaS public endpoints' flows (ReachOptions::paas), after the others
      over_approximated(f);
      options_.sink(std::move(f));
    }
    paas_flows_.clear();
  } else {
    std::vector<std::vector<ReachFlow>> flows(jobs_.size());
    std::vector<std::vector<ReachFlow>> broken(jobs_.size());
    model::parallel_for(jobs_.size(), std::max(1, options_.jobs),
                        [&](std::size_t i) { flows_of(jobs_[i], flows[i], broken[i]); });
    std::size_t total = 0;
    for (const auto& f : flows) total += f.size();
    out_.flows.reserve(total);
    for (auto& f : flows) {
      std::move(f.begin(), f.end(), std::back_inserter(out_.flows));
      f = {};
    }
    for (auto& f : broken) std::move(f.begin(), f.end(), std::back_inserter(out_.broken));
    std::move(paas_flows_.begin(), paas_flows_.end(), std::back_inserter(out_.flows));
    paas_flows_.clear();
    ew_sort_flows(out_.flows, flow_less);
  }
  ew_sort_flows(out_.broken, flow_less);
  for (const auto& f : out_.flows) over_approximated(f);
  for (const auto& f : out_.broken) over_approximated(f);
  analysis_internal::warn_over_approximated(m_, nsgs, findings_);
  for (const auto& d : findings_.items()) out_.findings.add(d);
}

}  // namespace exposim::solver::east_west_internal

namespace exposim::solver {

bool reach_flow_less(const ReachFlow& a, const ReachFlow& b) { return east_west_internal::EastWest::flow_less(a, b); }

}  // namespace exposim::solver
