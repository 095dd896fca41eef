// The segmentation matrix (solver/segmentation.h): the flows of reach() from every subnet that holds a grouped ip
// configuration, one per class of sources (ReachOptions::merge_sources), folded into the cells of (source group,
// target group) by the members each flow's addresses belong to (docs/model.md, "Segmentation matrix").
#include "solver/segmentation.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace exposim::solver {
namespace {

/// The groups an ip configuration is in (none when -1).
std::vector<int> segmentation_groups_of(const Grouping& g, model::IpConfigIndex x) {
  std::vector<int> out;
  if (x.nic < 0 || static_cast<std::size_t>(x.nic) >= g.ip_configuration_group.size()) return out;
  const auto& nic = g.ip_configuration_group[x.nic];
  if (x.ip_configuration < 0 || static_cast<std::size_t>(x.ip_configuration) >= nic.size()) return out;
  if (nic[x.ip_configuration] >= 0) out.push_back(nic[x.ip_configuration]);
  if (const auto it = g.extra_groups.find(x); it != g.extra_groups.end()) {
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

/// The groups a flow's target is in.
std::vector<int> segmentation_target_groups(const Grouping& g, const ReachFlow& f) {
  if (f.target_kind == model::ResourceKind::kPrivateEndpoint) {
    if (f.target < 0 || static_cast<std::size_t>(f.target) >= g.private_endpoint_group.size()) return {};
    const int id = g.private_endpoint_group[f.target];
    return id >= 0 ? std::vector<int>{id} : std::vector<int>{};
  }
  if (f.target_kind == model::ResourceKind::kPaasService) {
    if (f.target < 0 || static_cast<std::size_t>(f.target) >= g.paas_service_group.size()) return {};
    const int id = g.paas_service_group[f.target];
    return id >= 0 ? std::vector<int>{id} : std::vector<int>{};
  }
  return segmentation_groups_of(g, model::IpConfigIndex{f.nic, f.ip_configuration});
}

/// Which flow is a cell's witness for its protocol: the smallest (source, target) in this order, then the first in
/// reach()'s order; so the witness does not depend on the order in which sources are evaluated.
auto segmentation_witness_key(const ReachFlow& f) {
  return std::tuple{f.source, static_cast<int>(f.target_kind), f.target, f.ip_configuration};
}

/// The grouped ip configurations of one subnet, by the class reach() puts them in (their NIC's NSG: -2 none, else
/// the NSG's index, -1 one not in the input) and address, to tell which of them a flow merged by class
/// (ReachOptions::merge_sources) comes from.
class SubnetMembers {
 public:
  struct Member {
    model::IpConfigIndex x;
    IpSet addresses;  // its private address; its subnet's prefixes when not allocated yet
  };

  SubnetMembers(const model::Model& m, const Grouping& g, int subnet) {
    for (std::size_t n = 0; n < m.nics.size(); ++n) {
      const auto& nic = m.nics[n];
      for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
        const auto& cfg = nic.ip_configurations[c];
        const model::IpConfigIndex x{static_cast<int>(n), static_cast<int>(c)};
        if (cfg.subnet.index != subnet || segmentation_groups_of(g, x).empty()) continue;
        const int key = nic.nsg.set() ? nic.nsg.index : -2;
        auto& cls = classes_[key];
        if (cfg.private_ip) {
          cls.singles.emplace_back(cfg.private_ip->value, cls.members.size());
          cls.members.push_back({x, model::to_set(*cfg.private_ip)});
        } else {
          cls.wide.push_back(cls.members.size());
          cls.members.push_back({x, model::to_set(m.subnets[subnet].prefixes)});
        }
      }
    }
    for (auto& [key, cls] : classes_) std::sort(cls.singles.begin(), cls.singles.end());
  }

  /// How many classes the members are in.
  std::size_t classes() const { return classes_.size(); }

  /// The members of a merged flow and, by group, how many of them are in it and the first (in ip configuration
  /// order).
  struct Senders {
    std::vector<const Member*> members;
    std::vector<std::tuple<int, std::size_t, const Member*>> groups;  // (group, members in it, first member)
  };

  /// The members a merged flow's packets come from, in ip configuration order: those of its class whose addresses
  /// meet its sources.
  const Senders& of(const Grouping& g, const ReachFlow& f) {
    const auto hop = std::find_if(f.path.begin(), f.path.end(),
                                  [](const Hop& h) { return std::string_view(h.scope) == "nic-outbound"; });
    const int wanted = hop == f.path.end() ? -3 : hop->kind == HopKind::kNsg ? hop->resource : -2;
    const auto [at, added] = cache_.try_emplace({wanted, f.sources});
    Senders& senders = at->second;
    if (!added) return senders;
    std::vector<const Member*>& out = senders.members;
    for (const auto& [key, cls] : classes_) {
      if (wanted != -3 && key != wanted) continue;
      for (const auto& iv : f.sources.intervals()) {
        auto it = std::lower_bound(cls.singles.begin(), cls.singles.end(), std::make_pair(iv.lo, std::size_t{0}));
        for (; it != cls.singles.end() && it->first <= iv.hi; ++it) out.push_back(&cls.members[it->second]);
      }
      for (const std::size_t w : cls.wide) {
        if (f.sources.intersects(cls.members[w].addresses)) out.push_back(&cls.members[w]);
      }
    }
    std::sort(out.begin(), out.end(), [](const Member* a, const Member* b) { return a->x < b->x; });
    for (const Member* member : out) {
      for (const int a : segmentation_groups_of(g, member->x)) {
        const auto it = std::find_if(senders.groups.begin(), senders.groups.end(),
                                     [&](const auto& e) { return std::get<0>(e) == a; });
        if (it == senders.groups.end()) {
          senders.groups.emplace_back(a, 1, member);
        } else {
          ++std::get<1>(*it);
        }
      }
    }
    return senders;
  }

 private:
  struct Class {
    std::vector<Member> members;
    std::vector<std::pair<model::U128, std::size_t>> singles;  // (address, member), sorted
    std::vector<std::size_t> wide;
  };
  std::map<int, Class> classes_;
  std::map<std::pair<int, IpSet>, Senders> cache_;  // by (class, sources): flows repeat them
};

/// The cells as flows arrive.
class MatrixCells {
 public:
  MatrixCells(const model::Model& m, const Grouping& g, const SegmentationExcess& excess)
      : m_(m), g_(g), excess_(excess) {}

  /// A flow of one source (`source` set), or of a subnet's own addresses (Grouping::subnet_group).
  void add(const ReachFlow& f) {
    std::vector<int> from = segmentation_groups_of(g_, f.source);
    if (f.source.nic < 0 && !f.path.empty() && f.path.front().resource_kind == model::ResourceKind::kSubnet &&
        f.source_subnet >= 0 && static_cast<std::size_t>(f.source_subnet) < g_.subnet_group.size() &&
        g_.subnet_group[f.source_subnet] >= 0) {
      from.push_back(g_.subnet_group[f.source_subnet]);
    }
    if (from.empty()) return;
    const auto to = segmentation_target_groups(g_, f);
    for (const int a : from) {
      for (const int b : to) {
        cells_[{a, b}].cell.flows += f.targets;
        add_to(a, b, f, nullptr);
      }
    }
  }

  /// A flow merged by class (ReachOptions::merge_sources): its packets come from `members`, and each group of theirs
  /// gets its ports; the witness is the flow as the group's first member sends it.
  void add(const ReachFlow& f, const SubnetMembers::Senders& senders) {
    const auto to = segmentation_target_groups(g_, f);
    if (to.empty()) return;
    const auto& members = senders.members;
    const bool self = f.nic >= 0 && std::any_of(members.begin(), members.end(),
                                                [&](const SubnetMembers::Member* x) { return x->x.nic == f.nic; });
    if (!self) {  // the counts by group, as below
      for (const auto& [a, count, member] : senders.groups) {
        for (const int b : to) cells_[{a, b}].cell.flows += count * f.targets;
        for (const int b : to) add_to(a, b, f, member);
      }
      return;
    }
    std::vector<int> done;
    for (const auto* member : members) {
      if (f.nic >= 0 && member->x.nic == f.nic) continue;  // a NIC to itself
      for (const int a : segmentation_groups_of(g_, member->x)) {
        for (const int b : to) cells_[{a, b}].cell.flows += f.targets;  // one flow per source without merge_sources
        if (std::find(done.begin(), done.end(), a) != done.end()) continue;
        done.push_back(a);
        for (const int b : to) add_to(a, b, f, member);
      }
    }
  }

  std::vector<MatrixCell> take() && {
    std::vector<MatrixCell> out;
    out.reserve(cells_.size());
    for (auto& [key, state] : cells_) {
      MatrixCell& c = state.cell;
      std::sort(c.witnesses.begin(), c.witnesses.end(),
                [](const ReachFlow& a, const ReachFlow& b) { return a.protocol < b.protocol; });
      std::sort(c.excess.begin(), c.excess.end(),
                [](const ReachFlow& a, const ReachFlow& b) { return a.protocol < b.protocol; });
      out.push_back(std::move(c));
    }
    return out;
  }

 private:
  /// Adds `f`'s ports to cell (a, b); makes it the witness when it is the first or comes from a smaller source or
  /// goes to a smaller target. A merged flow's witness is made `member`'s own.
  void add_to(int a, int b, const ReachFlow& f, const SubnetMembers::Member* member) {
    CellState& state = cells_[{a, b}];
    MatrixCell& c = state.cell;
    c.from = a;
    c.to = b;
    const auto p = static_cast<std::size_t>(f.protocol);
    c.ports[p] = c.ports[p].unite(f.ports);
    const auto key = std::tuple{member != nullptr ? member->x : f.source, static_cast<int>(f.target_kind), f.target,
                                f.ip_configuration};
    offer(c.witnesses, state.witness_flows, key, f, member, nullptr);
    if (!excess_) return;
    const model::PortSet bad = excess_(a, b, f);
    if (bad.empty()) return;
    c.excess_ports[p] = c.excess_ports[p].unite(bad);
    offer(c.excess, state.excess_flows, key, f, member, &bad);
  }

  /// Makes `f` the witness of its protocol in `witnesses` when it is the first or comes from a smaller source or goes
  /// to a smaller target, or from the same to the same and comes first in reach()'s order (reach_flow_less): so the
  /// witness does not depend on the order flows are folded in. A merged flow's witness is made `member`'s own, and
  /// given `ports` when set; `from` keeps, by witness, the flow it was made from.
  template <typename Key>
  void offer(std::vector<ReachFlow>& witnesses, std::vector<ReachFlow>& from, const Key& key, const ReachFlow& f,
             const SubnetMembers::Member* member, const model::PortSet* ports) {
    const auto w =
        std::find_if(witnesses.begin(), witnesses.end(), [&](const ReachFlow& x) { return x.protocol == f.protocol; });
    if (w != witnesses.end()) {
      const auto old = segmentation_witness_key(*w);
      if (old < key) return;
      if (!(key < old) && !reach_flow_less(f, from[static_cast<std::size_t>(w - witnesses.begin())])) return;
    }
    ReachFlow witness = f;
    if (member != nullptr) {
      witness.source = member->x;
      witness.source_vm = m_.nics[member->x.nic].virtual_machine.index;
      witness.sources = f.sources.intersect(member->addresses);
      if (!witness.path.empty() && witness.path.front().kind == HopKind::kSource) {
        witness.path.front().resource = member->x.nic;
      }
      for (auto& h : witness.path) {
        if (h.kind == HopKind::kNoNsg && std::string_view(h.scope) == "nic-outbound") h.resource = member->x.nic;
      }
    }
    if (ports != nullptr) witness.ports = *ports;
    if (w == witnesses.end()) {
      witnesses.push_back(std::move(witness));
      from.push_back(f);
    } else {
      from[static_cast<std::size_t>(w - witnesses.begin())] = f;
      *w = std::move(witness);
    }
  }

  struct CellState {
    MatrixCell cell;
    std::vector<ReachFlow> witness_flows;  // [witness]: the flow it was made from
    std::vector<ReachFlow> excess_flows;   // [excess witness]: the same
  };

  const model::Model& m_;
  const Grouping& g_;
  const SegmentationExcess& excess_;
  std::map<std::pair<int, int>, CellState> cells_;  // ordered: the result is sorted by (from, to)
};

bool segmentation_grouped(const Grouping& g, model::IpConfigIndex x) { return !segmentation_groups_of(g, x).empty(); }

}  // namespace

Segmentation segmentation(const model::Model& m, const Grouping& groups, const ReachOptions& options) {
  return segmentation(m, groups, options, nullptr);
}

Segmentation segmentation(const model::Model& m, const Grouping& groups, const ReachOptions& options,
                          const SegmentationExcess& excess) {
  // The sources: every subnet that holds a grouped ip configuration, each evaluated by reach() (which classes its ip
  // configurations by outbound treatment); the targets: grouped NICs and private endpoints only, in chunks small
  // enough that one call's jobs, evaluations and flows (up to source classes x targets) stay bounded in memory.
  constexpr std::size_t kPairsPerCall = 1000000;
  std::vector<std::size_t> subnet_sources(m.subnets.size(), 0);
  std::vector<char> nic_grouped(m.nics.size(), 0);
  std::size_t targets = 0;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& cfgs = m.nics[n].ip_configurations;
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      if (!segmentation_grouped(groups, {static_cast<int>(n), static_cast<int>(c)})) continue;
      nic_grouped[n] = 1;
      ++targets;
      if (cfgs[c].subnet.index >= 0) ++subnet_sources[cfgs[c].subnet.index];
    }
  }
  for (const int g : groups.private_endpoint_group) targets += g >= 0 ? 1 : 0;
  // A subnet without any ip configuration (a private endpoint's NIC is none: reach() takes no source there) is a
  // source of its own addresses when its group is given.
  std::vector<char> endpoint_nic(m.nics.size(), 0);
  for (const auto& pe : m.private_endpoints) {
    for (const auto& r : pe.network_interfaces) {
      if (r.resolved()) endpoint_nic[static_cast<std::size_t>(r.index)] = 1;
    }
  }
  std::vector<char> holds_configs(m.subnets.size(), 0);
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    if (endpoint_nic[n]) continue;
    for (const auto& cfg : m.nics[n].ip_configurations) {
      if (cfg.subnet.index >= 0) holds_configs[cfg.subnet.index] = 1;
    }
  }
  std::vector<int> subnets;
  for (std::size_t s = 0; s < subnet_sources.size(); ++s) {
    const bool own = s < groups.subnet_group.size() && groups.subnet_group[s] >= 0 && !holds_configs[s];
    if (subnet_sources[s] > 0 || own) subnets.push_back(static_cast<int>(s));
  }

  // Which chunk a target is in, for a given number of chunks: NICs then private endpoints, in index order, cut into
  // `chunks` runs of about the same number of targets.
  std::vector<int> nic_chunk(m.nics.size(), -1);
  std::vector<int> endpoint_chunk(groups.private_endpoint_group.size(), -1);
  int chunks_now = 0;
  const auto cut = [&](int chunks) {
    if (chunks == chunks_now) return;
    chunks_now = chunks;
    const std::size_t per = std::max<std::size_t>(1, (targets + static_cast<std::size_t>(chunks) - 1) / chunks);
    std::size_t seen = 0;
    for (std::size_t n = 0; n < m.nics.size(); ++n) {
      if (!nic_grouped[n]) continue;
      nic_chunk[n] = static_cast<int>(seen / per);
      seen += m.nics[n].ip_configurations.size();
    }
    for (std::size_t e = 0; e < endpoint_chunk.size(); ++e) {
      if (groups.private_endpoint_group[e] < 0) continue;
      endpoint_chunk[e] = static_cast<int>(seen / per);
      ++seen;
    }
  };
  // Targets with the same groups reached alike by a class count once (ReachOptions::target_group): an id per list of
  // groups.
  std::vector<std::vector<int>> target_group(m.nics.size());
  std::map<std::vector<int>, int> group_ids;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    if (!nic_grouped[n]) continue;
    const auto& cfgs = m.nics[n].ip_configurations;
    target_group[n].assign(cfgs.size(), -1);
    for (std::size_t c = 0; c < cfgs.size(); ++c) {
      auto list = segmentation_groups_of(groups, {static_cast<int>(n), static_cast<int>(c)});
      if (list.empty()) continue;
      target_group[n][c] = group_ids.try_emplace(std::move(list), static_cast<int>(group_ids.size())).first->second;
    }
  }
  int chunk = 0;
  ReachOptions inner;
  inner.jobs = options.jobs;
  inner.merge_sources = true;
  inner.target_group = [&](int nic, int ip_configuration) {
    if (nic < 0 || static_cast<std::size_t>(nic) >= target_group.size()) return -1;
    const auto& cfgs = target_group[nic];
    return ip_configuration >= 0 && static_cast<std::size_t>(ip_configuration) < cfgs.size() ? cfgs[ip_configuration]
                                                                                             : -1;
  };
  inner.targets = [&](model::ResourceKind kind, int index) {
    if (index < 0) return false;
    if (kind == model::ResourceKind::kPrivateEndpoint) {
      if (static_cast<std::size_t>(index) >= endpoint_chunk.size() || endpoint_chunk[index] != chunk) return false;
    } else if (static_cast<std::size_t>(index) >= nic_chunk.size() || nic_chunk[index] != chunk) {
      return false;
    }
    return !options.targets || options.targets(kind, index);
  };

  Segmentation out;
  MatrixCells cells(m, groups, excess);
  SubnetMembers* members = nullptr;  // the current subnet's
  // Each flow folded into its cells as reach() makes it: a call's flows are never held at once.
  inner.sink = [&](ReachFlow&& f) {
    const bool own = !f.path.empty() && f.path.front().resource_kind == model::ResourceKind::kSubnet &&
                     f.source_subnet >= 0 && static_cast<std::size_t>(f.source_subnet) < groups.subnet_group.size() &&
                     groups.subnet_group[f.source_subnet] >= 0;
    if (f.source.nic >= 0 || own) {
      cells.add(f);
    } else {
      cells.add(f, members->of(groups, f));
    }
  };
  // The PaaS services' public endpoints, when the grouping has them (Grouping::paas_service_group): folded as the other
  // flows are (a flow of one source, or of a subnet's addresses no ip configuration holds: by its members, as a merged
  // flow).
  const bool any_paas =
      std::any_of(groups.paas_service_group.begin(), groups.paas_service_group.end(), [](int g) { return g >= 0; });
  ReachOptions paas;
  paas.jobs = options.jobs;
  paas.paas = true;
  paas.targets = [&](model::ResourceKind kind, int index) {
    if (kind != model::ResourceKind::kPaasService || index < 0 ||
        static_cast<std::size_t>(index) >= groups.paas_service_group.size() || groups.paas_service_group[index] < 0) {
      return false;
    }
    return !options.targets || options.targets(kind, index);
  };
  paas.sink = inner.sink;
  const ReachContext context(m);  // the estate-level work, done once for every subnet's calls
  std::set<std::string> seen;     // findings already kept: every call to reach() may repeat one
  for (std::size_t k = 0; k < subnets.size(); ++k) {
    if (options.progress) options.progress("matrix", k, subnets.size());
    SubnetMembers subnet_members(m, groups, subnets[k]);
    members = &subnet_members;
    const std::size_t pairs = std::max<std::size_t>(1, subnet_members.classes()) * targets;
    const int chunks = static_cast<int>(std::max<std::size_t>(1, (pairs + kPairsPerCall - 1) / kPairsPerCall));
    cut(chunks);
    ReachSource from;
    from.kind = ReachSource::Kind::kSubnet;
    from.subnet = subnets[k];
    std::size_t subnet_target_classes = 0;
    for (chunk = 0; chunk < chunks; ++chunk) {
      const Reach r = reach(m, from, inner, context);
      for (const auto& d : r.findings.items()) {
        if (seen.insert(model::to_string(d)).second) out.findings.add(d);
      }
      if (chunk == 0) out.source_classes += r.source_classes;
      subnet_target_classes += r.target_classes;
      out.evaluations += r.evaluations;
    }
    out.target_classes = std::max(out.target_classes, subnet_target_classes);
    if (any_paas) {
      // The PaaS public endpoints: reach() leaves them out of flows merged by class, so the subnet's sources one by
      // one (the flows of each member of a class; the same work as a merged call's), PaaS targets only.
      const Reach r = reach(m, from, paas, context);
      for (const auto& d : r.findings.items()) {
        if (seen.insert(model::to_string(d)).second) out.findings.add(d);
      }
      out.evaluations += r.evaluations;
    }
  }
  if (options.progress) options.progress("matrix", subnets.size(), subnets.size());
  out.cells = std::move(cells).take();
  return out;
}

}  // namespace exposim::solver
