// The index of what-if's scope: for every target analyze evaluates, the resources the stages of its paths read
// (stage_reads(), solver/path.h), and the other way round. A changed resource re-solves the targets whose stages
// read it (solver/incremental.cpp, scope_of_change).
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "model/model.h"
#include "solver/stage.h"

namespace exposim::solver {

/// A target of the index: what an AnalysisScope (solver/analysis_scope.h) can name. An ip configuration's paths are
/// its NIC's; an entry point's own paths (a firewall's public IPs and DNAT rules, a Bastion host's 443, an application
/// gateway's listeners) and a PaaS service's public endpoint are the resource's.
struct ScopeTarget {
  model::ResourceKind kind{model::ResourceKind::kNetworkInterface};  // kNetworkInterface, kFirewall, kBastionHost,
                                                                     // kApplicationGateway or kPaasService
  int index{-1};
  friend bool operator==(const ScopeTarget&, const ScopeTarget&) = default;
};

/// Resource -> the targets whose paths' stages read it, kept for one model. Indices are those of the model (a
/// change keeps every resource at its index and adds new ones at the end), so an index stays right across a change
/// once the targets the change re-solved are recorded again (erase() then add() with their paths in the changed
/// model).
class ScopeIndex {
 public:
  /// Records what `stages` (a path to `t` in `m`) read.
  void add(const model::Model& m, ScopeTarget t, const std::vector<Stage>& stages);
  /// Records the own paths of entry point or PaaS service `t` in `m` (entry_point_paths()).
  void add_entry_point(const model::Model& m, ScopeTarget t);
  /// Records the own paths of every firewall, Bastion host, application gateway and PaaS service of `m`.
  void add_entry_points(const model::Model& m);
  /// Forgets what `t`'s paths read.
  void erase(ScopeTarget t) { erase(std::vector<ScopeTarget>{t}); }
  /// Forgets what the paths of every target of `ts` read, in one pass over the reader list of each resource they
  /// read: linear in what they read and in those lists, where erasing them one by one costs a search of a list per
  /// (target, resource), quadratic when a change re-solves every reader of a resource shared by many (a route table
  /// on every subnet).
  void erase(const std::vector<ScopeTarget>& ts);
  /// The targets whose paths read resource `r` (none when `r` is not in the index), each once.
  const std::vector<ScopeTarget>& readers(ResourceRef r) const;
  /// How many targets, and (target, resource) pairs, the index holds.
  std::size_t target_count() const { return reads_.size(); }
  /// Every (target kind, target, resource kind, resource) the index holds, sorted: what two indices are compared by.
  std::vector<std::array<int, 4>> pairs() const;
  std::size_t pair_count() const { return pairs_; }
  /// An estimate of the heap the index holds (its vectors' capacities, its maps' nodes and buckets), in bytes.
  std::size_t memory_bytes() const;

 private:
  static std::uint64_t key(model::ResourceKind kind, int index) {
    return (static_cast<std::uint64_t>(kind) << 32) | static_cast<std::uint32_t>(index);
  }
  void add_reads(ScopeTarget t, const std::vector<ResourceRef>& reads);

  std::unordered_map<std::uint64_t, std::vector<ResourceRef>> reads_;    // target -> what its paths read
  std::unordered_map<std::uint64_t, std::vector<ScopeTarget>> readers_;  // resource -> the targets that read it
  std::size_t pairs_{0};
};

/// The own paths of entry point or PaaS service `t` as the index takes them: a firewall's entry_point_path() per
/// public IP (a secured hub's, without one: one path), a Bastion host's, an application gateway's per frontend with a
/// public IP (one path without any), a PaaS service's paas_path(). An entry point's path is completed by a route
/// stage of its subnet ("forward"; a firewall's or application gateway's first subnet), as its subnet's routes and
/// prefix decide what it forwards (what its DNAT rules, sessions or backends reach: the targets' own paths read
/// them too, but only those that were reached); the scope of a change that an entry point's own path reads then
/// takes what the entry point reaches (docs/whatif.md).
std::vector<std::vector<Stage>> entry_point_paths(const model::Model& m, ScopeTarget t);

}  // namespace exposim::solver
