// Network virtual appliances in the analysis (docs/model.md#network-virtual-appliances): a NIC with IP forwarding and a
// public IP that other subnets' routes send their internet-bound replies to is assumed to forward what reaches its
// public IP.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "solver/appliance.h"

#include "solver/analysis.h"
#include "solver/analyzer.h"
#include "solver/incremental.h"
#include "solver/network.h"

namespace exposim::solver {

std::shared_ptr<const Broken> appliance_forward_blocks(const model::Model& m, int appliance, int from_vnet, int to_vnet,
                                                       const model::IpConfigIndex& target) {
  if (from_vnet < 0 || to_vnet < 0 || peering_connects(m, from_vnet, to_vnet, true)) return nullptr;
  auto b = std::make_shared<Broken>();
  b->code = BrokenCode::kApplianceCannotForward;
  b->appliance = appliance;
  b->target = target;
  b->from_vnet = from_vnet;
  b->to_vnet = to_vnet;
  b->forwarded = true;
  return b;
}

}  // namespace exposim::solver

namespace exposim::solver::analysis_internal {

void Analyzer::appliances() {
  if (scope_ != nullptr && !scope_diverted_to_appliance()) {
    // The kept sources of the scope's candidates are those of exposures this run replaces: forgotten.
    if (memo_ != nullptr && memo_->appliance_candidates) {
      for (auto& k : *memo_->appliance_candidates) {
        if (scope_->nic(k.x.nic)) k.admitted.reset();
      }
    }
    return;
  }
  struct Appliance {
    int nic;
    int cfg;
    int public_ip;
    IpSet admitted;    // internet sources that reach the appliance's public IP at all
    bool kept{false};  // `admitted` taken from the previous run's (SolveMemo), outside the scope
  };
  std::vector<Appliance> found;
  std::map<model::IpConfigIndex, std::size_t> candidate;  // ip configuration -> index into found
  const auto consider = [&](int n) {
    const auto& nic = m_.nics[n];
    if (!nic.enable_ip_forwarding) return;
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      const auto& cfg = nic.ip_configurations[c];
      if (!cfg.public_ip.set() || !cfg.private_ip) continue;
      candidate.emplace(model::IpConfigIndex{n, static_cast<int>(c)}, found.size());
      found.push_back({n, static_cast<int>(c), cfg.public_ip.index, IpSet{}});
    }
  };
  // Kept from the previous run: the candidates outside the scope and their sources (moved out: the memo's candidates
  // are replaced below), by ip configuration.
  std::map<model::IpConfigIndex, IpSet*> kept;
  if (memo_ != nullptr && memo_->appliance_candidates && scope_ != nullptr) {
    // The kept candidates outside the scope (unchanged), and the NICs of the scope checked again: in NIC order.
    std::vector<int> nics;
    for (auto& k : *memo_->appliance_candidates) {
      if (scope_->nic(k.x.nic)) continue;
      if (nics.empty() || nics.back() != k.x.nic) nics.push_back(k.x.nic);
      if (k.admitted) kept.emplace(k.x, &*k.admitted);
    }
    for (const int n : scope_->nics.list()) {
      if (static_cast<std::size_t>(n) < m_.nics.size()) nics.push_back(n);
    }
    std::sort(nics.begin(), nics.end());
    for (const int n : nics) consider(n);
  } else {
    for (std::size_t n = 0; n < m_.nics.size(); ++n) consider(static_cast<int>(n));
  }
  for (auto& a : found) {
    const auto k = kept.find(model::IpConfigIndex{a.nic, a.cfg});
    if (k == kept.end()) continue;
    a.admitted = std::move(*k->second);
    a.kept = true;
  }
  if (!found.empty()) {
    for (const auto& e : out_.exposures) {  // one pass: the sources each candidate's own exposures admit
      if (e.via != Via::kPublicIp || e.nic < 0) continue;
      auto it = candidate.find(model::IpConfigIndex{e.nic, e.ip_configuration});
      if (it != candidate.end()) found[it->second].admitted = found[it->second].admitted.unite(e.sources);
    }
  }
  if (scope_ != nullptr) {  // candidates outside the scope: their exposures are the previous analysis's
    for (const auto& [x, i] : candidate) {
      if (scope_->nic(x.nic) || found[i].kept) continue;
      const auto* items = previous_->find(target_id(m_, model::ResourceKind::kNetworkInterface, x.nic));
      if (items == nullptr) continue;
      for (const auto& e : items->exposures) {
        if (e.via != Via::kPublicIp || e.nic != x.nic || e.ip_configuration != x.ip_configuration) continue;
        found[i].admitted = found[i].admitted.unite(e.sources);
      }
    }
  }
  if (memo_ != nullptr) {  // the candidates and their sources, for the next run (the sources move there)
    std::vector<SolveMemo::ApplianceCandidate> next;
    next.reserve(found.size());
    for (auto& a : found) next.push_back({model::IpConfigIndex{a.nic, a.cfg}, std::move(a.admitted)});
    memo_->appliance_candidates = std::move(next);
  }
  const auto admitted = [&](std::size_t i) -> const IpSet& {
    return memo_ != nullptr ? *(*memo_->appliance_candidates)[i].admitted : found[i].admitted;
  };
  if (found.empty()) return;
  std::map<model::U128, std::vector<std::size_t>> at;  // private address -> reachable appliances there
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (admitted(i).empty()) continue;
    at[m_.nics[found[i].nic].ip_configurations[found[i].cfg].private_ip->value].push_back(i);
  }
  if (at.empty()) return;
  const auto each = [&](std::size_t n) {
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
        IpSet& sources = snat_sets_.emplace_back(admitted(i).intersect(diverted));
        if (sources.empty()) continue;
        entry.snat_sources = &sources;
        entry.translated = false;
        entry.return_route = r;
        // The appliance's VNet must reach the target's; the packets keep internet sources, so a peering
        // must also allow forwarded traffic.
        const auto& acfg = m_.nics[a.nic].ip_configurations[a.cfg];
        const int avnet = acfg.subnet.resolved() ? m_.subnets[acfg.subnet.index].vnet.index : -1;
        const int vnet = m_.subnets[subnet].vnet.index;
        entry.broken = appliance_forward_blocks(m_, a.nic, avnet, vnet,
                                                model::IpConfigIndex{static_cast<int>(n), static_cast<int>(c)});
        target(static_cast<int>(n), static_cast<int>(c), entry);
      }
    }
  };
  if (scope_ != nullptr) {  // the scope's NICs, in order: not a pass over every NIC
    for (const int n : scope_->nics.list()) {
      if (static_cast<std::size_t>(n) < m_.nics.size()) each(static_cast<std::size_t>(n));
    }
    return;
  }
  for (std::size_t n = 0; n < m_.nics.size(); ++n) each(n);
}

bool Analyzer::scope_diverted_to_appliance() {
  for (const int n : scope_->nics.list()) {
    if (static_cast<std::size_t>(n) >= m_.nics.size()) continue;
    for (const auto& cfg : m_.nics[n].ip_configurations) {
      if (cfg.subnet.index < 0) continue;
      const auto& d = diversion(cfg.subnet.index, cfg.family);
      if (d && d->second.next_hop == model::NextHopType::kVirtualAppliance && d->second.next_hop_ip) return true;
    }
  }
  return false;
}

}  // namespace exposim::solver::analysis_internal
