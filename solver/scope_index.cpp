// The index of what-if's scope (solver/scope_index.h).
#include "solver/scope_index.h"

#include <algorithm>
#include <unordered_set>

#include "solver/application_gateway.h"
#include "solver/bastion.h"
#include "solver/firewall.h"
#include "solver/path.h"

namespace exposim::solver {

using RK = model::ResourceKind;

namespace {

/// The route stage of an entry point's subnet (what it forwards leaves through it).
Stage scope_index_forward_route(int subnet) {
  Stage s;
  s.kind = HopKind::kRoute;
  s.resource_kind = RK::kSubnet;
  s.resource = subnet;
  s.scope = "forward";
  return s;
}

const std::vector<ScopeTarget> kScopeIndexNone;

}  // namespace

std::vector<std::vector<Stage>> entry_point_paths(const model::Model& m, ScopeTarget t) {
  std::vector<std::vector<Stage>> paths;
  PathEntry e;
  e.gateway = t.index;
  switch (t.kind) {
    case RK::kFirewall: {
      const auto& fw = m.firewalls[t.index];
      e.via = Via::kFirewallDnat;
      for (const auto& c : fw.ip_configurations) {
        if (!c.public_ip.resolved()) continue;
        e.public_ip = c.public_ip.index;
        paths.push_back(entry_point_path(m, RK::kFirewall, e));
      }
      if (paths.empty()) paths.push_back(entry_point_path(m, RK::kFirewall, e));  // a secured hub's addresses
      paths.front().push_back(scope_index_forward_route(firewall_subnet(fw)));
      break;
    }
    case RK::kBastionHost: {
      const auto& b = m.bastion_hosts[t.index];
      e.via = Via::kBastion;
      const model::BastionIpConfiguration* cfg = bastion_entry(b);
      if (cfg != nullptr && cfg->public_ip.resolved()) e.public_ip = cfg->public_ip.index;
      paths.push_back(entry_point_path(m, RK::kBastionHost, e));
      if (cfg != nullptr) paths.front().push_back(scope_index_forward_route(cfg->subnet.index));
      break;
    }
    case RK::kApplicationGateway: {
      const auto& g = m.application_gateways[t.index];
      e.via = Via::kApplicationGateway;
      for (const auto& fe : g.frontends) {
        if (!fe.public_ip.resolved()) continue;
        e.public_ip = fe.public_ip.index;
        paths.push_back(entry_point_path(m, RK::kApplicationGateway, e));
      }
      if (paths.empty()) paths.push_back(entry_point_path(m, RK::kApplicationGateway, e));
      paths.front().push_back(scope_index_forward_route(gateway_subnet(g).index));
      break;
    }
    case RK::kPaasService: paths.push_back(paas_path(m, t.index, false)); break;
    default: break;
  }
  return paths;
}

void ScopeIndex::add(const model::Model& m, ScopeTarget t, const std::vector<Stage>& stages) {
  std::vector<ResourceRef> reads;
  reads.reserve(stages.size() + 4);
  for (const Stage& s : stages) stage_reads(m, s, reads);
  add_reads(t, reads);
}

void ScopeIndex::add_entry_point(const model::Model& m, ScopeTarget t) {
  std::vector<ResourceRef> reads;
  for (const auto& path : entry_point_paths(m, t)) {
    for (const Stage& s : path) stage_reads(m, s, reads);
  }
  add_reads(t, reads);
}

void ScopeIndex::add_entry_points(const model::Model& m) {
  for (std::size_t i = 0; i < m.firewalls.size(); ++i) add_entry_point(m, {RK::kFirewall, static_cast<int>(i)});
  for (std::size_t i = 0; i < m.bastion_hosts.size(); ++i) add_entry_point(m, {RK::kBastionHost, static_cast<int>(i)});
  for (std::size_t i = 0; i < m.application_gateways.size(); ++i) {
    add_entry_point(m, {RK::kApplicationGateway, static_cast<int>(i)});
  }
  for (std::size_t i = 0; i < m.paas_services.size(); ++i) add_entry_point(m, {RK::kPaasService, static_cast<int>(i)});
}

void ScopeIndex::add_reads(ScopeTarget t, const std::vector<ResourceRef>& reads) {
  auto& known = reads_[key(t.kind, t.index)];
  for (const ResourceRef& r : reads) {
    if (std::find(known.begin(), known.end(), r) != known.end()) continue;
    known.push_back(r);
    readers_[key(r.kind, r.index)].push_back(t);
    ++pairs_;
  }
}

void ScopeIndex::erase(const std::vector<ScopeTarget>& ts) {
  std::unordered_set<std::uint64_t> gone;      // the targets erased
  std::unordered_set<std::uint64_t> affected;  // the resources they read
  for (const ScopeTarget& t : ts) {
    const auto it = reads_.find(key(t.kind, t.index));
    if (it == reads_.end()) continue;
    gone.insert(it->first);
    for (const ResourceRef& r : it->second) affected.insert(key(r.kind, r.index));
    reads_.erase(it);
  }
  for (const std::uint64_t r : affected) {
    const auto rd = readers_.find(r);
    if (rd == readers_.end()) continue;
    pairs_ -= std::erase_if(rd->second, [&](const ScopeTarget& t) { return gone.count(key(t.kind, t.index)) != 0; });
    if (rd->second.empty()) readers_.erase(rd);
  }
}

std::size_t ScopeIndex::memory_bytes() const {
  // A node of an unordered_map: the next pointer, the value, the cached hash; a bucket: a pointer.
  constexpr std::size_t kNodeOverhead = 2 * sizeof(void*);
  std::size_t bytes = (reads_.bucket_count() + readers_.bucket_count()) * sizeof(void*);
  for (const auto& [k, v] : reads_) bytes += kNodeOverhead + sizeof(k) + sizeof(v) + v.capacity() * sizeof(ResourceRef);
  for (const auto& [k, v] : readers_)
    bytes += kNodeOverhead + sizeof(k) + sizeof(v) + v.capacity() * sizeof(ScopeTarget);
  return bytes;
}

std::vector<std::array<int, 4>> ScopeIndex::pairs() const {
  std::vector<std::array<int, 4>> out;
  out.reserve(pairs_);
  for (const auto& [r, ts] : readers_) {
    for (const ScopeTarget& t : ts) {
      out.push_back({static_cast<int>(t.kind), t.index, static_cast<int>(r >> 32), static_cast<int>(r & 0xffffffffU)});
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

const std::vector<ScopeTarget>& ScopeIndex::readers(ResourceRef r) const {
  const auto it = readers_.find(key(r.kind, r.index));
  return it == readers_.end() ? kScopeIndexNone : it->second;
}

}  // namespace exposim::solver
