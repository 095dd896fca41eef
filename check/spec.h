// A check spec: named assertions about a design (docs/check-spec.md). Plain value types, filled by
// check/spec_parser.h from a JSON or YAML document and read by check/evaluate.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/diagnostic.h"
#include "model/ip.h"
#include "model/model.h"
#include "model/resources.h"
#include "solver/flow_query.h"
#include "solver/hop.h"
#include "solver/recommendation.h"

namespace exposim::check {

/// A shell-style pattern: `*` matches any run of characters, `?` one character, everything else itself.
/// Matching is case-insensitive (ASCII), as Azure names and ids are.
bool glob_match(std::string_view pattern, std::string_view text);

/// `key=value` (both globs) or `key` alone (the tag is present, whatever its value).
struct TagMatch {
  std::string key;
  std::optional<std::string> value;
};

/// Which resources an assertion is about. Every field given must match (AND); within one field, a list
/// matches when any of its patterns does (OR), except `tags`, which must all match.
struct Selector {
  std::vector<std::string> names;  // globs over the resource's name (a NIC target: its VM's, NIC's, scale set's)
  std::vector<std::string> ids;    // globs over the resource id
  std::vector<TagMatch> tags;
  std::vector<std::string> subnets;  // globs over the subnet's name, or its id when the pattern starts with '/'
  std::vector<std::string> vnets;    // globs over the virtual network's name, or its id likewise
  std::vector<std::string> types;    // "virtual-machine", "network-interface", "scale-set", "firewall",
                                     // "bastion-host", "application-gateway", "paas-service", a PaaS service
                                     // kind ("storage", "key-vault", ...), or "subnet"
  bool given{false};                 // the assertion has a `select` (an empty selection then fails it)
  bool empty() const {
    return names.empty() && ids.empty() && tags.empty() && subnets.empty() && vnets.empty() && types.empty();
  }
};

/// The selector `type` values accepted for targets, and for subnets.
const std::vector<std::string_view>& target_types();
/// The selector `type` values accepted by recommendation assertions: every resource kind, and the PaaS service
/// kinds.
const std::vector<std::string_view>& resource_types();

enum class AssertionKind {
  kNotExposed,
  kExposedOnly,
  kNoManagementPorts,
  kMaxEntryPoints,
  kEverySubnetHasNsg,
  kFlow,
  kRecommendation,
  kReach,
  kSegmentation
};
/// "not-exposed", "exposed-only", "no-management-ports", "max-entry-points", "every-subnet-has-nsg", "flow",
/// "recommendation", "reach", "segmentation".
const char* to_string(AssertionKind k);
/// Every kind's name as to_string() gives it, in declaration order: what a spec may write as `kind`.
const std::vector<std::string_view>& assertion_kind_names();
/// The kind named `name` (exactly as to_string() gives it), or nullopt.
std::optional<AssertionKind> assertion_kind(std::string_view name);

/// A filter over the packets of an exposure: protocols, destination ports at the target, ports at the
/// entry, sources. Absent parts match everything.
struct PacketFilter {
  std::optional<model::ProtocolMask> protocols;
  std::optional<model::PortSet> ports;        // destination ports at the target
  std::optional<model::PortSet> entry_ports;  // ports the client connects to (differ behind a load balancer,
                                              // firewall DNAT or application gateway)
  std::optional<model::IpSet> sources;
};

/// Management ports by default: SSH, RDP, WinRM over HTTP and HTTPS.
model::PortSet default_management_ports();
/// Subnets exempt from every-subnet-has-nsg by default: Azure rejects or discourages an NSG on them.
const std::vector<std::string>& default_nsg_exemptions();

/// How a segmentation assertion groups the estate: by subnet, or by virtual network.
enum class GroupBy { kSubnet, kVirtualNetwork };

/// One pair of groups a segmentation assertion allows: globs over the groups' names (or ids, when the pattern starts
/// with '/'), and what may pass from the first to the second (absent: any protocol, any port).
struct AllowedPair {
  std::string from;
  std::string to;
  std::optional<model::ProtocolMask> protocols;
  std::optional<model::PortSet> ports;
  model::SourceLocation where;
};

struct Assertion {
  std::string name;
  std::string description;
  AssertionKind kind{AssertionKind::kNotExposed};
  model::SourceLocation where;  // the assertion's object in the spec
  Selector select;

  /// not-exposed and no-management-ports: the packets that must not arrive (no-management-ports defaults
  /// ports to default_management_ports() and protocols to tcp and udp). exposed-only: what may arrive.
  PacketFilter filter;
  /// exposed-only: the vias exposures may take (empty: any); not-exposed and no-management-ports: vias
  /// that are not violations (no-management-ports defaults to bastion).
  std::vector<solver::Via> vias;
  /// exposed-only: every selected target must be exposed at least once through what is allowed.
  bool required{false};
  /// no-management-ports: exposures through a just-in-time rule are not violations.
  bool allow_jit{false};
  /// max-entry-points.
  int max{0};
  /// every-subnet-has-nsg: subnet name globs (or id globs starting with '/') exempt from the check.
  std::vector<std::string> exempt;

  /// flow: the packet, and the verdict expected.
  solver::FlowQuery flow;
  bool expect_allowed{false};
  /// flow: the security admin rule expected to decide the packet (a glob over its name or id), or "none": no admin
  /// rule matches it (none apply to the target's VNet, or none of those that apply matches).
  std::optional<std::string> admin_rule;

  /// reach: the sources (ip configurations) and the targets (ip configurations, private endpoints and PaaS services'
  /// public endpoints) the assertion is about, and what may pass between them: `filter`'s protocols and ports (absent:
  /// any), or nothing (`never`).
  Selector from;
  Selector to;
  bool never{false};

  /// segmentation: the grouping, the pairs allowed (everything else between two groups must be denied), and whether
  /// traffic within one group is judged too (by default it is allowed).
  GroupBy group_by{GroupBy::kSubnet};
  std::vector<AllowedPair> allow;
  bool judge_within{false};
  /// segmentation: the PaaS services' public endpoints are groups too, targets only (a pair's `to` may name a service
  /// by name or id); off by default, so that a matrix keeps its meaning.
  bool paas{false};

  /// recommendation: globs over recommendation ids (empty: every id), the least severity that counts (findings
  /// of a lower severity are not judged), the statuses a judged finding may have (empty: any but unhealthy), and
  /// the options recommend() runs with (its defaults unless the assertion gives ports).
  std::vector<std::string> recommendation_ids;
  solver::RecommendationSeverity min_severity{solver::RecommendationSeverity::kLow};
  std::vector<solver::FindingStatus> allowed_statuses;
  solver::RecommendOptions recommend_options;
};

struct Spec {
  model::FileName file;
  std::vector<Assertion> assertions;
};

}  // namespace exposim::check
