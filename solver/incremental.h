// Incremental re-analysis (`exposim whatif`): after a change, re-solve only the targets the change can affect
// and splice them into the previous analysis. The result equals a full analyze() of the changed model in its
// exposures, broken flows, internet and targets_evaluated (tests/whatif_test.cpp checks it per operation).
#pragma once

#include <optional>
#include <vector>

#include "model/edit.h"
#include "model/model.h"
#include "solver/address_space.h"
#include "solver/exposure.h"

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

/// The analysis of only what `scope` covers, in a validated model, with the address space `space` of that
/// model. `previous` (an analysis of a model that differs from `m` only inside the scope) supplies what the
/// scope needs from outside it: the sources that reach network virtual appliances outside the scope. Findings
/// are not complete (only those of the covered part). With `count_only`, nothing is solved: only
/// targets_evaluated (the covered ip configurations with an entry) is set. Defined in solver/exposure.cpp, with
/// the Analyzer.
Analysis analyze_scope(const model::Model& m, const AddressSpace& space, const AnalysisScope& scope,
                       const Analysis& previous, bool count_only = false);

/// True when `a` sorts before `b` in Analysis::exposures (the order analyze() produces, ties aside).
bool exposure_before(const model::Model& m, const Exposure& a, const Exposure& b);

/// The scope a change can affect, from the resources it changed (model/edit.h), looked up in the models before
/// and after it (validated, with the same resources at the same indices; new resources at the end). nullopt
/// when the change reaches something the incremental path does not cover (a network virtual appliance, a
/// gateway or firewall subnet, a public IP of a load balancer or gateway): analyse fully then.
std::optional<AnalysisScope> scope_of_change(const model::Model& before, const model::Model& after,
                                             const std::vector<model::Changed>& changed);

/// An analysis kept up to date across changes: `update` re-solves the scope and splices the result in.
class IncrementalAnalysis {
 public:
  /// Analyses `m` fully and keeps its address space.
  explicit IncrementalAnalysis(const model::Model& m);
  const Analysis& analysis() const { return analysis_; }
  Analysis take() { return std::move(analysis_); }
  /// `before` is the model analysed so far, `after` the changed model (validated; same indices). Returns false
  /// when the change is outside what the incremental path covers; the analysis is then redone fully.
  bool update(const model::Model& before, const model::Model& after, const std::vector<model::Changed>& changed);
  /// Same with a known scope.
  void update(const model::Model& before, const model::Model& after, const AnalysisScope& scope);

 private:
  std::optional<AddressSpace> space_;
  model::Diagnostics space_findings_;
  Analysis analysis_;
};

}  // namespace exposim::solver
