// Incremental re-analysis (`exposim whatif`): after a change, re-solve only the targets the change can affect
// and splice them into the previous analysis. The result equals a full analyze() of the changed model in its
// exposures, broken flows, findings, internet and targets_evaluated (tests/whatif_test.cpp checks it per
// operation).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "model/edit.h"
#include "model/model.h"
#include "solver/address_space.h"
#include "solver/analysis.h"
#include "solver/analysis_scope.h"
#include "solver/scope_index.h"
#include "solver/target_exposures.h"

namespace exposim::solver {

namespace analysis_internal {
struct SolveMemo;  // solver/analyzer.h: what an incremental analysis's Analyzer keeps from one run to the next
}  // namespace analysis_internal

/// What an incremental analysis keeps beside an Analysis, filled by analyze_traced() and analyze_scope().
struct AnalysisTrace {
  /// Per NIC (indexed like Model::nics): how many of its ip configurations have an entry. Their sum is
  /// Analysis::targets_evaluated. A scoped analysis leaves it empty and counts only the NICs of its scope, in
  /// `scope_evaluated`: per NIC of AnalysisScope::nics.list(), in that order.
  std::vector<std::uint32_t> evaluated;
  std::vector<std::uint32_t> scope_evaluated;
  /// The findings of the PaaS services (the last part of Analysis::findings), when they were solved
  /// (`paas_solved`: always in a full analysis, in a scoped one when a PaaS service is in the scope).
  model::Diagnostics paas_findings;
  bool paas_solved{false};
  /// Set: every path to an ip configuration that the analysis builds (Analyzer::target, the one place where every
  /// entry analyze enumerates reaches its target) is recorded there, under its NIC.
  ScopeIndex* index{nullptr};
};

/// analyze(), also filling `trace`; with `memo`, keeping there what the next analyze_scope can take from it.
Analysis analyze_traced(const model::Model& m, AnalysisTrace& trace, analysis_internal::SolveMemo* memo = nullptr);

/// The analysis of only what `scope` covers, in a validated model, with the address space `space` of that
/// model. `previous` (the exposures of an analysis of a model that differs from `m` only inside the scope, per
/// target) supplies what the scope needs from outside it: the sources that reach network virtual appliances
/// outside the scope.
/// Exposures and broken flows are those of the covered targets; findings are those of the whole estate's
/// firewalls, Bastion hosts and application gateways (always solved whole), not the address space's (`space`
/// holds those) nor the PaaS services' (in `trace` when solved). Defined in solver/exposure.cpp, with the
/// Analyzer. `memo` (kept by the caller from the analyses of `previous`, with the stages of the NSGs the change
/// touched forgotten) supplies the subnet stages it holds, and keeps the ones computed.
Analysis analyze_scope(const model::Model& m, const AddressSpace& space, const AnalysisScope& scope,
                       const TargetExposures& previous, AnalysisTrace* trace = nullptr,
                       analysis_internal::SolveMemo* memo = nullptr);

/// The scope a change can affect, from the resources it changed (model/edit.h), in the models before and after it
/// (validated, with the same resources at the same indices; new resources at the end). `index` is the index of
/// `before` (solver/scope_index.h): a changed NSG, subnet, route table, NIC or public IP re-solves every target whose
/// paths' stages read it there. What the index cannot know is a path that begins with the change, at a changed entry:
/// a changed NIC is re-solved itself, a public IP brings in what its users (a load balancer frontend, a firewall, a
/// Bastion host, an application gateway) reach, a firewall or policy its DNAT targets and the application gateways'
/// backends, an entry point whose own path read the change what it reaches, in both models. Each of the rest maps by
/// one rule: a route table rebuilds the address space (`routes`), a security admin rule re-solves the ip
/// configurations of the VNets whose admin stage may differ, a PaaS service its endpoint (docs/whatif.md). nullopt
/// when the change reaches something the incremental path does not cover (a possible network virtual appliance, a
/// resource kind other than NSGs, subnets, NICs, public IPs, route tables, firewalls, firewall policies, PaaS
/// services and admin rules): analyse fully then.
std::optional<AnalysisScope> scope_of_change(const model::Model& before, const model::Model& after,
                                             const std::vector<model::Changed>& changed, const ScopeIndex& index);
/// The same with the index of `before` built first (scope_index_of: a full analysis of `before`).
std::optional<AnalysisScope> scope_of_change(const model::Model& before, const model::Model& after,
                                             const std::vector<model::Changed>& changed);

/// The index of what-if's scope for `m` (solver/scope_index.h): the paths of a full analysis of `m`, and the own paths
/// of its entry points and PaaS services. IncrementalAnalysis builds it with its full analysis instead.
ScopeIndex scope_index_of(const model::Model& m);

/// Where the time of the last update went (milliseconds), for bench/whatif_bench.cpp.
struct UpdateTimes {
  double scope{0};   // finding the scope of the change (scope_of_change)
  double solve{0};   // the scoped analysis of the changed model (analyze_scope)
  double splice{0};  // replacing the covered targets' exposures, broken flows and findings
};

/// An analysis kept up to date across changes: `update` re-solves the scope and splices the result in. The
/// exposures and broken flows are kept per target (TargetExposures): the splice costs what the change touches,
/// a lookup per covered target and the items it replaces, whether or not the number of exposures changes. The
/// flat Analysis is built only when asked for (snapshot(), take()), which costs a pass over every exposure.
///
/// The index of what-if's scope (solver/scope_index.h) is built with the full analysis and kept: after an update,
/// the targets of its scope are recorded again with their paths in the changed model (the scoped analysis records its
/// NICs' paths as it builds them), so that it is always the index of the model analysed so far.
///
/// The subnet stages of every evaluation (what the subnet's NSG admits, solver/analyzer.h) are kept too, so that
/// the scoped solve evaluates only the NSGs the change touched: the stages of a changed NSG are forgotten, and all
/// of them when the address space is built again (routes, or ASG memberships, changed) or the scope is given
/// without the change (the second update()).
class IncrementalAnalysis {
 public:
  /// Analyses `m` fully and keeps its address space.
  explicit IncrementalAnalysis(const model::Model& m);
  /// Copies hold their own copy of the kept stages.
  IncrementalAnalysis(const IncrementalAnalysis& other);
  IncrementalAnalysis& operator=(const IncrementalAnalysis& other);
  IncrementalAnalysis(IncrementalAnalysis&&) noexcept;
  IncrementalAnalysis& operator=(IncrementalAnalysis&&) noexcept;
  ~IncrementalAnalysis();

  /// The analysis as analyze() gives it: a copy of every exposure, in order.
  Analysis snapshot() const;
  /// The same, moving the exposures out: the incremental analysis is empty afterwards (update() needs a new one).
  Analysis take();
  std::size_t exposure_count() const { return targets_.exposure_count(); }
  std::size_t broken_count() const { return targets_.broken_count(); }
  /// `before` is the model analysed so far, `after` the changed model (validated; same indices). Returns false
  /// when the change is outside what the incremental path covers; the analysis is then redone fully.
  bool update(const model::Model& before, const model::Model& after, const std::vector<model::Changed>& changed);
  /// Same with a known scope (every kept stage is forgotten: what changed is not known).
  void update(const model::Model& before, const model::Model& after, const AnalysisScope& scope);
  const UpdateTimes& last_update_times() const { return times_; }
  /// The scope of the last update from a change (nullopt when it fell back to a full analysis): what diff_scoped
  /// (solver/whatif.h) compares.
  const std::optional<AnalysisScope>& last_scope() const { return last_scope_; }
  /// The index of what-if's scope (solver/scope_index.h) of the model analysed so far.
  const ScopeIndex& scope_index() const { return index_; }

 private:
  void analyze_fully(const model::Model& m);
  /// The update over `scope`, the kept stages made right for the change first.
  void update_scope(const model::Model& before, const model::Model& after, const AnalysisScope& scope,
                    const std::vector<model::Changed>* changed);
  /// Forgets the kept stages that `changed` (nullptr: anything) may have made wrong; true when the address space
  /// must be built again (a NIC's ASG memberships changed).
  bool forget_stages(const model::Model& before, const model::Model& after, const std::vector<model::Changed>* changed);

  /// The findings of the analysis so far, which snapshot() and take() put together: analysis_.findings after a full
  /// analysis; after an update, the address space's (AddressSpace::findings), then the scoped analysis's
  /// (`scoped_findings_`: the firewalls' and gateways', solved whole), the PaaS services' (`trace_`) and the
  /// `nsg-over-approximated` warnings (`over_findings_`), as analyze() orders them. Kept in parts, an update copies
  /// none of them.
  model::Diagnostics findings() const;

  std::optional<AddressSpace> space_;
  Analysis analysis_;  // every part but the exposures and broken flows, which targets_ holds; findings: findings()
  bool findings_in_parts_{false};
  model::Diagnostics scoped_findings_;
  model::Diagnostics over_findings_;
  TargetExposures targets_;
  std::unique_ptr<analysis_internal::SolveMemo> memo_;
  AnalysisTrace trace_;
  ScopeIndex index_;  // of the model analysed so far
  UpdateTimes times_;
  std::optional<AnalysisScope> last_scope_;
  /// Per NSG (index), how many NSG hops of the kept exposures and broken flows read it as admitting everything
  /// (analysis_internal::over_approximated_nsgs): its `nsg-over-approximated` warning stands while the count is not
  /// zero. Kept up to date by the splice, so that the warnings cost what the change touches.
  std::map<int, std::size_t> over_approximated_;
};

}  // namespace exposim::solver
