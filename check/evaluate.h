// Evaluation of a check spec against a validated model and its analysis: pass or fail per assertion, with
// the evidence (the offending part of each exposure, the subnets without an NSG, the entry points, the
// flow trace). Pure: reads the model and the analysis, never JSON, files or the console.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "check/spec.h"
#include "model/model.h"
#include "solver/analysis.h"
#include "solver/east_west.h"
#include "solver/explain.h"
#include "solver/recommendation.h"

namespace exposim::check {

/// Something a selector can choose: an ip configuration of a NIC (with its VM and scale set), a firewall,
/// Bastion host, application gateway or PaaS service; or, for every-subnet-has-nsg, a subnet.
struct Subject {
  model::ResourceKind kind{model::ResourceKind::kNetworkInterface};
  int index{-1};             // into the Model vector of `kind` (for NICs: the NIC)
  int ip_configuration{-1};  // NICs only
  auto operator<=>(const Subject&) const = default;
};

/// True when `s` has every attribute `sel` asks for (an empty selector matches everything).
bool matches(const model::Model& m, const Selector& sel, const Subject& s);

/// "; name 'vm-webb': did you mean 'vm-web'?" for the first literal name, subnet or VNet pattern of `sel` (no '*'
/// or '?', not an id) that names no resource of its kind while some name is near it; "" otherwise.
std::string selector_suggestion(const model::Model& m, const Selector& sel);

/// The subject an exposure reaches.
Subject subject_of(const solver::Exposure& e);

/// One piece of evidence against an assertion.
struct Finding {
  /// The resource the finding is located at: the exposure's target (the VM when the NIC has one), the public
  /// IP of an entry point, a subnet without an NSG, or the target of a flow. kInternet/-1: none (a selector
  /// that chose nothing).
  model::ResourceKind kind{model::ResourceKind::kInternet};
  int index{-1};
  /// The offending part of an exposure (protocol, ports and sources narrowed to what violates the
  /// assertion; path and rules as analyze() found them). Absent for findings that are not exposures.
  std::optional<solver::Exposure> exposure;
  /// max-entry-points: the exposures (indices into Analysis::exposures) that enter through this entry point.
  std::vector<int> entries;
  /// Why this is a violation, one line, lowercase: "port 22 is not allowed", "no NSG", ... Empty for a flow whose
  /// verdict is not the one expected (`unexpected_verdict`): the report writes that reason from the trace.
  std::string reason;
  /// Where the finding is located when not at its resource's object: a recommendation's deciding property.
  std::optional<model::SourceLocation> where;
  /// A flow assertion's violation: the trace (AssertionResult::trace) is allowed where denied was expected, or the
  /// other way round. The report words it as "expected <allowed|denied>, but <the verdict>" (cli/check_report.cpp).
  bool unexpected_verdict{false};
  /// A flow assertion whose query explain cannot answer (the trace's status is not kOk): the report words the
  /// trace's QueryError as the reason (cli/explain_query_text.h); `reason` is empty.
  bool query_error{false};
  /// reach and segmentation: the offending part of an east-west flow (ports narrowed to what violates the
  /// assertion; path and rules as reach() found them).
  std::optional<solver::ReachFlow> flow{};
};

struct AssertionResult {
  const Assertion* assertion{nullptr};
  bool passed{true};
  std::size_t selected{0};  // targets (or subnets) the selector chose
  /// One line: what was found ("3 exposures violate it", "4 entry points, at most 2 allowed"). Empty for a flow
  /// assertion: the report's summary is the trace's verdict as a line, or its error when it has no answer.
  std::string summary;
  std::vector<Finding> findings;
  /// Flow assertions: explain()'s trace, its verdict as data (the report writes the words); when the query has no
  /// answer (status not kOk), its error (FlowTrace::error), which the report writes as the summary and the one
  /// finding's reason.
  std::optional<solver::FlowTrace> trace;
};

/// A recommendation assertion judged over `recs` (what evaluate() computes with solver::recommend() and the
/// assertion's options): each finding whose id matches, of the severity asked for or higher, on a selected
/// resource, whose status is not allowed is a violation located at the finding's source.
AssertionResult evaluate_recommendation(const Assertion& as, const model::Model& m,
                                        const solver::Recommendations& recs);

/// Evaluates every assertion, in spec order. `a` must be analyze(m).
std::vector<AssertionResult> evaluate(const Spec& spec, const model::Model& m, const solver::Analysis& a);

}  // namespace exposim::check
