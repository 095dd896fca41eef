// Rule sources resolved once per (NSG, VirtualNetwork context): see solver/nsg_sources.h.
#include "solver/nsg_sources.h"
#include "solver/address_space.h"

#include <map>

#include "model/parallel.h"
#include "solver/nsg.h"

namespace exposim::solver {

namespace {

/// The address space's own set that side `m` stands for, when it is one ASG, the Internet tag or the VirtualNetwork
/// tag alone (what resolve_addresses would copy); nullptr otherwise.
const IpSet* nsg_sources_shared_set(const model::AddressMatch& m, int subnet, const AddressSpace& space) {
  if (m.any || !m.prefixes.empty() || !m.other_tags.empty()) return nullptr;
  if (m.tags.empty() && m.asgs.size() == 1 && m.asgs.front().resolved()) {
    return &space.asg_members(m.asgs.front().index);
  }
  if (m.tags.size() == 1 && m.asgs.empty()) {
    if (m.tags.front() == model::ServiceTag::kInternet) return &space.internet();
    if (m.tags.front() == model::ServiceTag::kVirtualNetwork) return &space.virtual_network(subnet);
  }
  return nullptr;
}

}  // namespace

RuleSources resolve_rule_sources(const model::NetworkSecurityGroup& nsg, model::Direction direction, int subnet,
                                 const AddressSpace& space) {
  RuleSources out;
  out.sets_.assign(nsg.rules.size(), nullptr);
  out.owned_.reserve(nsg.rules.size());
  for (std::size_t i = 0; i < nsg.rules.size(); ++i) {
    const auto& r = nsg.rules[i];
    if (r.direction != direction) continue;
    if (const IpSet* shared = nsg_sources_shared_set(r.source, subnet, space)) {
      out.sets_[i] = shared;
      continue;
    }
    IpSet s = resolve_addresses(r.source, r.access, subnet, space);
    if (s.empty()) continue;
    out.owned_.push_back(std::move(s));
    out.sets_[i] = &out.owned_.back();
  }
  return out;
}

std::size_t RuleSources::owned_intervals() const {
  std::size_t n = 0;
  for (const auto& s : owned_) n += s.intervals().size();
  return n;
}

NsgSourceCache::NsgSourceCache(const model::Model& m, const AddressSpace& space)
    : m_(m), space_(space), context_(m.subnets.size() + 1, -1) {}

std::size_t NsgSourceCache::context_slot(int subnet) const {
  return subnet >= 0 ? static_cast<std::size_t>(subnet) : context_.size() - 1;
}

std::uint64_t NsgSourceCache::key(int nsg, int context) {
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(nsg)) << 32) | static_cast<std::uint32_t>(context);
}

void NsgSourceCache::prepare(const std::vector<std::pair<int, int>>& wanted, int jobs) {
  std::vector<std::pair<int, int>> todo;  // (nsg, subnet) of each new entry, in the order of entries_
  for (const auto& [nsg, subnet] : wanted) {
    // The subnet's class of equal VirtualNetwork tags, the first time a subnet is wanted: what a scoped solve pays
    // follows its evaluations' subnets, not every subnet of the estate.
    int& context = context_[context_slot(subnet)];
    if (context < 0) {
      context = classes_.try_emplace(space_.virtual_network(subnet), static_cast<int>(classes_.size())).first->second;
    }
    const auto [it, fresh] = slots_.try_emplace(key(nsg, context), entries_.size());
    if (!fresh) continue;
    entries_.emplace_back();
    todo.emplace_back(nsg, subnet);
  }
  const std::size_t first = entries_.size() - todo.size();
  model::parallel_for(todo.size(), jobs, [&](std::size_t i) {
    entries_[first + i] = resolve_rule_sources(m_.nsgs[static_cast<std::size_t>(todo[i].first)],
                                               model::Direction::kInbound, todo[i].second, space_);
  });
  for (std::size_t i = first; i < entries_.size(); ++i) intervals_ += entries_[i].owned_intervals();
}

const RuleSources* NsgSourceCache::find(int nsg, int subnet) const {
  const int context = context_[context_slot(subnet)];
  if (context < 0) return nullptr;  // no prepare() wanted this subnet
  const auto it = slots_.find(key(nsg, context));
  return it == slots_.end() ? nullptr : &entries_[it->second];
}

void NsgSourceCache::clear() {
  slots_.clear();
  entries_.clear();
  intervals_ = 0;
}

}  // namespace exposim::solver
