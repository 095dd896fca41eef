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
  if (scope_ != nullptr && !scope_diverted_to_appliance()) return;
  struct Appliance {
    int nic;
    int cfg;
    int public_ip;
    IpSet admitted;  // internet sources that reach the appliance's public IP at all
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
  if (memo_ != nullptr && memo_->appliance_candidates && scope_ != nullptr) {
    // The kept candidates outside the scope (unchanged), and the NICs of the scope checked again: in NIC order.
    std::vector<int> nics;
    for (const auto& x : *memo_->appliance_candidates) {
      if (!scope_->nic(x.nic) && (nics.empty() || nics.back() != x.nic)) nics.push_back(x.nic);
    }
    for (std::size_t n = 0; n < scope_->nics.size() && n < m_.nics.size(); ++n) {
      if (scope_->nics[n] != 0) nics.push_back(static_cast<int>(n));
    }
    std::sort(nics.begin(), nics.end());
    for (const int n : nics) consider(n);
  } else {
    for (std::size_t n = 0; n < m_.nics.size(); ++n) consider(static_cast<int>(n));
    if (memo_ != nullptr) {
      memo_->appliance_candidates.emplace();
      for (const auto& a : found) memo_->appliance_candidates->push_back(model::IpConfigIndex{a.nic, a.cfg});
    }
  }
  if (found.empty()) return;
  for (const auto& e : out_.exposures) {  // one pass: the sources each candidate's own exposures admit
    if (e.via != Via::kPublicIp || e.nic < 0) continue;
    auto it = candidate.find(model::IpConfigIndex{e.nic, e.ip_configuration});
    if (it != candidate.end()) found[it->second].admitted = found[it->second].admitted.unite(e.sources);
  }
  if (scope_ != nullptr) {  // candidates outside the scope: their exposures are the previous analysis's
    for (const auto& [x, i] : candidate) {
      if (scope_->nic(x.nic)) continue;
      const auto* items = previous_->find(target_id(m_, model::ResourceKind::kNetworkInterface, x.nic));
      if (items == nullptr) continue;
      for (const auto& e : items->exposures) {
        if (e.via != Via::kPublicIp || e.nic != x.nic || e.ip_configuration != x.ip_configuration) continue;
        found[i].admitted = found[i].admitted.unite(e.sources);
      }
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
        entry.broken = appliance_forward_blocks(m_, a.nic, avnet, vnet,
                                                model::IpConfigIndex{static_cast<int>(n), static_cast<int>(c)});
        target(static_cast<int>(n), static_cast<int>(c), entry);
      }
    }
  }
}

bool Analyzer::scope_diverted_to_appliance() {
  for (std::size_t n = 0; n < scope_->nics.size() && n < m_.nics.size(); ++n) {
    if (scope_->nics[n] == 0) continue;
    for (const auto& cfg : m_.nics[n].ip_configurations) {
      if (cfg.subnet.index < 0) continue;
      const auto& d = diversion(cfg.subnet.index, cfg.family);
      if (d && d->second.next_hop == model::NextHopType::kVirtualAppliance && d->second.next_hop_ip) return true;
    }
  }
  return false;
}

}  // namespace exposim::solver::analysis_internal
