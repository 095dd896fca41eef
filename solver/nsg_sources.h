// Each NSG rule's source side resolved once per (NSG, VirtualNetwork context) for a batch of evaluations, instead of
// once per rule per evaluation: a rule's sources (prefixes, service tags, ASG members) depend only on the rule and,
// for the VirtualNetwork tag, on the subnet of the destination. Built before the parallel phase, read-only during it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/model.h"
#include "solver/packet_set.h"

namespace exposim::solver {

class AddressSpace;  // solver/address_space.h

/// The source addresses of every rule of one NSG as resolve_addresses gives them for one subnet, by rule position;
/// empty for the rules of the other direction. A side that is one ASG, the Internet tag or the VirtualNetwork tag
/// alone points at the address space's own set (an ASG's members are hundreds of /32s on a large estate): only
/// the other sides are copies.
class RuleSources {
 public:
  RuleSources() = default;
  RuleSources(RuleSources&&) = default;  // moving the vectors keeps the addresses of the copies
  RuleSources& operator=(RuleSources&&) = default;
  RuleSources(const RuleSources&) = delete;  // a copy would point into the original's copies
  RuleSources& operator=(const RuleSources&) = delete;

  /// The source addresses of rule `i`.
  const IpSet& operator[](std::size_t i) const { return sets_[i] != nullptr ? *sets_[i] : empty_; }
  std::size_t size() const { return sets_.size(); }
  /// How many intervals the copies hold (the shared sets not counted): the entry's memory.
  std::size_t owned_intervals() const;

 private:
  friend RuleSources resolve_rule_sources(const model::NetworkSecurityGroup& nsg, model::Direction direction,
                                          int subnet, const AddressSpace& space);
  std::vector<const IpSet*> sets_;  // into owned_ or the address space; nullptr: the empty set
  std::vector<IpSet> owned_;        // reserved once: its elements never move
  IpSet empty_;
};

/// The sources of the `direction` rules of `nsg` for destinations in subnet `subnet` (index into model.subnets, or
/// -1): element i is resolve_addresses(rule i's source, its access, subnet, space). The result may point into
/// `space`, which must outlive it.
RuleSources resolve_rule_sources(const model::NetworkSecurityGroup& nsg, model::Direction direction, int subnet,
                                 const AddressSpace& space);

/// Resolved inbound rule sources, shared by every evaluation against the same NSG whose subnet sees the same
/// VirtualNetwork tag (the subnets of one VNet, unless user-defined routes widen the tag of some).
class NsgSourceCache {
 public:
  NsgSourceCache(const model::Model& m, const AddressSpace& space);

  /// Resolves, on `jobs` workers (model/parallel.h), every (NSG index, subnet) pair of `wanted` that is not
  /// resolved yet. Not to be called while another thread reads the cache.
  void prepare(const std::vector<std::pair<int, int>>& wanted, int jobs);
  /// The inbound sources of NSG `nsg` at subnet `subnet`, or nullptr when prepare() has not resolved them. Safe to
  /// call from several threads at once between two prepare() calls.
  const RuleSources* find(int nsg, int subnet) const;
  /// How many intervals the cache's own copies hold (RuleSources::owned_intervals of every entry): its memory.
  std::size_t intervals() const { return intervals_; }
  /// Forgets every entry (pointers from find() become invalid).
  void clear();

 private:
  /// The position of subnet `subnet` (-1: unknown) in context_.
  std::size_t context_slot(int subnet) const;
  static std::uint64_t key(int nsg, int context);

  const model::Model& m_;
  const AddressSpace& space_;
  /// Per subnet, its class of equal VirtualNetwork tags, or -1 until prepare() meets the subnet; the last is subnet
  /// -1's. Subnets whose tags are the same set resolve every rule to the same addresses.
  std::vector<int> context_;
  std::map<IpSet, int> classes_;  // the tags met so far -> their class
  std::unordered_map<std::uint64_t, std::size_t> slots_;
  std::deque<RuleSources> entries_;  // stable addresses
  std::size_t intervals_{0};
};

}  // namespace exposim::solver
