// Incremental re-analysis (`exposim whatif`): after a change, re-solve only the targets the change can affect
// and splice them into the previous analysis. The result equals a full analyze() of the changed model in its
// exposures, broken flows, findings, internet and targets_evaluated (tests/whatif_test.cpp checks it per
// operation).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "model/edit.h"
#include "model/model.h"
#include "solver/address_space.h"
#include "solver/analysis.h"

namespace exposim::solver {

/// What a re-analysis covers: every entry to the ip configurations of the NICs flagged in `nics`, the own
/// entries of the flagged firewalls (DNAT) and PaaS services, and (with `gateways`) of every Bastion host and
/// application gateway. Vectors are indexed like the Model's; shorter vectors mean "not flagged".
struct AnalysisScope {
  std::vector<char> nics;
  std::vector<char> firewalls;
  std::vector<char> paas;
  bool gateways{false};
  /// The change touched routes: the address space (internet-answerable sources per subnet) is rebuilt.
  bool routes{false};

  bool nic(int n) const { return n >= 0 && static_cast<std::size_t>(n) < nics.size() && nics[n] != 0; }
  bool firewall(int f) const { return f >= 0 && static_cast<std::size_t>(f) < firewalls.size() && firewalls[f] != 0; }
  bool paas_service(int s) const { return s >= 0 && static_cast<std::size_t>(s) < paas.size() && paas[s] != 0; }
  /// True when an exposure of this target is covered (NIC, firewall, Bastion / gateway, PaaS service).
  bool covers(const Exposure& e) const;
};

/// What an incremental analysis keeps beside an Analysis, filled by analyze_traced() and analyze_scope().
struct AnalysisTrace {
  /// Per NIC (indexed like Model::nics): how many of its ip configurations have an entry. Their sum is
  /// Analysis::targets_evaluated; a scoped analysis counts only the NICs of its scope.
  std::vector<std::uint32_t> evaluated;
  /// The findings of the PaaS services (the last part of Analysis::findings), when they were solved
  /// (`paas_solved`: always in a full analysis, in a scoped one when a PaaS service is in the scope).
  model::Diagnostics paas_findings;
  bool paas_solved{false};
};

/// analyze(), also filling `trace`.
Analysis analyze_traced(const model::Model& m, AnalysisTrace& trace);

/// The analysis of only what `scope` covers, in a validated model, with the address space `space` of that
/// model. `previous` (an analysis of a model that differs from `m` only inside the scope) supplies what the
/// scope needs from outside it: the sources that reach network virtual appliances outside the scope.
/// Exposures and broken flows are those of the covered targets; findings are those of the whole estate's
/// firewalls, Bastion hosts and application gateways (always solved whole), not the address space's (`space`
/// holds those) nor the PaaS services' (in `trace` when solved). Defined in solver/exposure.cpp, with the
/// Analyzer.
Analysis analyze_scope(const model::Model& m, const AddressSpace& space, const AnalysisScope& scope,
                       const Analysis& previous, AnalysisTrace* trace = nullptr);

/// The first two parts of Analysis::exposures' order, which identify a target: the NIC's virtual machine name
/// (else the NIC's name) or the resource's name, and its key. Every exposure of one target has the same id, and
/// the exposures of a target are contiguous in Analysis::exposures and Analysis::broken.
using TargetId = std::pair<std::string_view, std::string_view>;
TargetId target_id(const model::Model& m, model::ResourceKind kind, int index);
TargetId target_id(const model::Model& m, const Exposure& e);

/// The scope a change can affect, from the resources it changed (model/edit.h), looked up in the models before
/// and after it (validated, with the same resources at the same indices; new resources at the end). A change to
/// the subnet (its NSG, route table) or public IP of a firewall, Bastion host or application gateway, or to a load
/// balancer frontend's public IP, brings in what that entry point reaches (docs/whatif.md). nullopt when the
/// change reaches something the incremental path does not cover (a possible network virtual appliance, a
/// resource kind other than NSGs, subnets, NICs, public IPs, route tables, firewalls, firewall policies and PaaS
/// services): analyse fully then.
std::optional<AnalysisScope> scope_of_change(const model::Model& before, const model::Model& after,
                                             const std::vector<model::Changed>& changed);

/// Where the time of the last update went (milliseconds), for bench/whatif_bench.cpp.
struct UpdateTimes {
  double scope{0};   // finding the scope of the change (scope_of_change)
  double solve{0};   // the scoped analysis of the changed model (analyze_scope)
  double splice{0};  // replacing the covered targets' exposures, broken flows and findings
};

/// An analysis kept up to date across changes: `update` re-solves the scope and splices the result in. The
/// splice costs what the change touches: each covered target's exposures are found by binary search and
/// replaced in place; only when a change alters how many exposures there are do the ones after it move (in
/// place, within a reserved headroom, so the vector is not reallocated).
class IncrementalAnalysis {
 public:
  /// Analyses `m` fully and keeps its address space.
  explicit IncrementalAnalysis(const model::Model& m);
  /// Copies keep the headroom of the exposure vectors.
  IncrementalAnalysis(const IncrementalAnalysis& other);
  IncrementalAnalysis& operator=(const IncrementalAnalysis& other);
  IncrementalAnalysis(IncrementalAnalysis&&) = default;
  IncrementalAnalysis& operator=(IncrementalAnalysis&&) = default;
  ~IncrementalAnalysis() = default;

  const Analysis& analysis() const { return analysis_; }
  Analysis take() { return std::move(analysis_); }
  /// `before` is the model analysed so far, `after` the changed model (validated; same indices). Returns false
  /// when the change is outside what the incremental path covers; the analysis is then redone fully.
  bool update(const model::Model& before, const model::Model& after, const std::vector<model::Changed>& changed);
  /// Same with a known scope.
  void update(const model::Model& before, const model::Model& after, const AnalysisScope& scope);
  const UpdateTimes& last_update_times() const { return times_; }
  /// The scope of the last update from a change (nullopt when it fell back to a full analysis): what diff_scoped
  /// (solver/whatif.h) compares.
  const std::optional<AnalysisScope>& last_scope() const { return last_scope_; }

 private:
  void analyze_fully(const model::Model& m);

  std::optional<AddressSpace> space_;
  model::Diagnostics space_findings_;
  Analysis analysis_;
  AnalysisTrace trace_;
  UpdateTimes times_;
  std::optional<AnalysisScope> last_scope_;
};

}  // namespace exposim::solver
