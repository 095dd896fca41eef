// What a re-analysis covers (solver/incremental.h): the targets whose entries an incremental analysis evaluates
// again. Apart from the incremental analysis, so that the family files of the analyzer that test the scope
// (solver/analyzer.h) do not depend on the analysis's types.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace exposim::solver {

struct Exposure;  // solver/analysis.h

/// A set of indices into one of the model's lists (its NICs), flagged in a vector as long as the list and listed in
/// increasing order: asking about one index costs a lookup, going over the set costs its size, not the list's.
class ScopeFlags {
 public:
  /// Empty, over a list of `size` indices.
  void assign(std::size_t size) {
    flags_.assign(size, 0);
    list_.clear();
  }
  /// Flags `i` (nothing when it is outside the list or already flagged).
  void set(int i) {
    if (i < 0 || static_cast<std::size_t>(i) >= flags_.size() || flags_[i] != 0) return;
    flags_[i] = 1;
    sorted_ = sorted_ && (list_.empty() || list_.back() < i);
    list_.push_back(i);
  }
  bool test(int i) const { return i >= 0 && static_cast<std::size_t>(i) < flags_.size() && flags_[i] != 0; }
  /// The flagged indices, in increasing order.
  const std::vector<int>& list() const {
    if (!sorted_) {  // sorted once after the sets that broke the order (a scope is built, then only read)
      std::sort(list_.begin(), list_.end());
      sorted_ = true;
    }
    return list_;
  }
  bool empty() const { return list_.empty(); }
  /// The length of the list the indices point into.
  std::size_t size() const { return flags_.size(); }

 private:
  std::vector<char> flags_;
  mutable std::vector<int> list_;
  mutable bool sorted_{true};
};

/// What a re-analysis covers: every entry to the ip configurations of the NICs flagged in `nics`, the own
/// entries of the flagged firewalls (DNAT) and PaaS services, and (with `gateways`) of every Bastion host and
/// application gateway. Vectors are indexed like the Model's; shorter vectors mean "not flagged". The NICs are also
/// listed (ScopeFlags): what a scoped analysis does per NIC of the scope costs the scope, not a pass over every NIC.
struct AnalysisScope {
  ScopeFlags nics;
  std::vector<char> firewalls;
  std::vector<char> paas;
  bool gateways{false};
  /// The change touched routes: the address space (internet-answerable sources per subnet) is rebuilt.
  bool routes{false};

  bool nic(int n) const { return nics.test(n); }
  bool firewall(int f) const { return f >= 0 && static_cast<std::size_t>(f) < firewalls.size() && firewalls[f] != 0; }
  bool paas_service(int s) const { return s >= 0 && static_cast<std::size_t>(s) < paas.size() && paas[s] != 0; }
  /// True when an exposure of this target is covered (NIC, firewall, Bastion / gateway, PaaS service). Defined in
  /// solver/incremental.cpp.
  bool covers(const Exposure& e) const;
};

}  // namespace exposim::solver
