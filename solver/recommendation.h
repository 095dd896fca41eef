// Defender-style recommendations decided from a design (docs/recommendations.md): the catalog of EXP-* ids, each
// traceable to Defender for Cloud's assessment and Azure Policy's definition, and their evaluation over a model and
// its exact exposure analysis. Pure data in, data out: the report writers live in cli/.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/diagnostic.h"
#include "model/interval_set.h"
#include "model/model.h"

namespace exposim::solver {

struct Analysis;  // solver/analysis.h

/// Defender's severity of a recommendation (exposim never changes it; `exposed` ranks within one severity).
enum class RecommendationSeverity { kHigh, kMedium, kLow };
/// "high", "medium", "low".
const char* to_string(RecommendationSeverity s);

/// How a recommendation is decided: from exact reachability (R), from resource properties (A), from both, or not
/// decidable before deployment (ND: reported as `undecidable`, never as passing).
enum class Decision { kReachability, kProperties, kReachabilityAndProperties, kNotDecidable };
/// "reachability", "properties", "reachability+properties", "not-decidable".
const char* to_string(Decision d);

/// One row of the catalog.
struct RecommendationInfo {
  std::string_view id;              // "EXP-NET-001"; never renumbered nor reused
  std::string_view title;           // Defender's title; the policy's display name where Defender has none
  RecommendationSeverity severity;  // Defender's (exposim's choice, documented, where Defender has none)
  std::string_view assessment_key;  // Defender's assessment key; "" where Defender has no recommendation
  std::string_view policy_id;       // Azure Policy built-in GUID; "" where there is none
  std::string_view policy_name;     // its display name
  Decision decision;
  std::string_view remediation;  // one line
  std::string_view help_uri;     // Defender's reference page (or the policy's)
};

/// Every recommendation, in id order (45 rows).
const std::vector<RecommendationInfo>& recommendation_catalog();
/// The row with id `id` (exact, upper case), or null.
const RecommendationInfo* find_recommendation(std::string_view id);

enum class FindingStatus { kUnhealthy, kHealthy, kNotApplicable, kUndecidable };
/// "unhealthy", "healthy", "not-applicable", "undecidable".
const char* to_string(FindingStatus s);

/// A property that decided a finding, as the input has it.
struct PropertyEvidence {
  std::string name;             // the property's path under the resource: "properties.securityProfile.encryptionAtHost"
  std::string value;            // as written ("true", "Enabled", "absent", "unknown until deployment")
  model::SourceLocation where;  // the property, or the resource's object when the property is absent
};

/// One result: a recommendation applied to one resource.
struct Finding {
  const RecommendationInfo* recommendation{nullptr};
  FindingStatus status{FindingStatus::kUnhealthy};
  /// The resource judged: its kind and index into the Model's vector of that kind.
  model::ResourceKind kind{model::ResourceKind::kVirtualMachine};
  int index{-1};
  /// Something of it is reachable from the internet (ranking only; never changes the severity).
  bool exposed{false};
  /// R: the exposures that witness it (indices into Analysis::exposures), with their paths and deciding rules.
  std::vector<std::size_t> exposures;
  /// R, the ports concerned (management ports reached, risky ports, ...), per protocol; empty otherwise.
  model::PortSet tcp_ports;
  model::PortSet udp_ports;
  /// A: the properties that decided it.
  std::vector<PropertyEvidence> properties;
  /// One line of evidence in words ("TCP 22 reachable from the internet through public IP pip-web; no
  /// just-in-time policy covers it"); for not-applicable and undecidable results, why.
  std::string summary;
  /// Where a finding is located in the input (SARIF's physicalLocation): the deciding property, or the resource.
  model::SourceLocation where;
};

/// Options of `recommend` (defaults documented in docs/recommendations.md).
struct RecommendOptions {
  /// EXP-NET-001/002: TCP ports counted as management ports.
  model::PortSet management_ports{{22, 22}, {3389, 3389}, {5985, 5986}};
  /// EXP-NET-010: the risky ports (TCP and UDP); empty: EXP-NET-010 is "not configured" (undecidable).
  model::PortSet risky_ports;
  /// EXP-NET-008: strict counts only application gateways' public IPs (as Defender does); broad (default) any
  /// reachable public IP of the virtual network.
  bool strict_ddos{false};
  /// EXP-NET-005: a source range broader than /N (IPv4) counts as unrestricted; 0: only the whole internet does.
  int broad_prefix{0};
  /// Recommendation ids not evaluated (reported as skipped in the summary).
  std::set<std::string, std::less<>> skip;
};

struct Recommendations {
  /// Sorted by severity (high first), then id, then resource id. Every status, not only unhealthy ones.
  std::vector<Finding> findings;
  /// Ids skipped by the options.
  std::vector<std::string> skipped;
};

/// Evaluates every recommendation of the catalog over a validated model and its analysis (analyze(m)).
Recommendations recommend(const model::Model& m, const Analysis& analysis, const RecommendOptions& options = {});

}  // namespace exposim::solver
