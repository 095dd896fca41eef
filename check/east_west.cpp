// East-west assertions (check/east_west.h).
#include "check/east_west.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "model/suggest.h"
#include "solver/east_west.h"
#include "solver/segmentation.h"

namespace exposim::check {
namespace {

using model::ResourceKind;

std::string east_west_plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

/// The ports of `flow` that `protocols` and `ports` do not allow; empty when it passes only what is allowed. A
/// protocol without ports (ICMP, ESP, AH) is allowed by `ports` only when `protocols` names it.
model::PortSet disallowed_ports(const solver::ReachFlow& flow, const std::optional<model::ProtocolMask>& protocols,
                                const std::optional<model::PortSet>& ports) {
  if (protocols && (*protocols & model::bit(flow.protocol)) == 0) return flow.ports;
  if (!ports) return {};
  if (!model::has_ports(flow.protocol)) return protocols ? model::PortSet{} : flow.ports;
  return flow.ports.subtract(*ports);
}

/// Where a violating flow is located: the target's VM, else its NIC, else the private endpoint or PaaS service.
std::pair<ResourceKind, int> east_west_location(const solver::ReachFlow& f) {
  if (f.vm >= 0) return {ResourceKind::kVirtualMachine, f.vm};
  if (f.nic >= 0) return {ResourceKind::kNetworkInterface, f.nic};
  return {f.target_kind, f.target};
}

/// "tcp 22" / "tcp ports 22, 3389" / "icmp".
std::string protocol_ports(model::Protocol p, const model::PortSet& ports) {
  if (!model::has_ports(p)) return model::to_string(p);
  const bool one = ports.intervals().size() == 1 && ports.intervals()[0].lo == ports.intervals()[0].hi;
  return fmt::format("{} {}{}", model::to_string(p), one ? "port " : "ports ", model::to_string(ports));
}

Finding flow_finding(const solver::ReachFlow& flow, const model::PortSet& bad, std::string reason) {
  Finding f;
  std::tie(f.kind, f.index) = east_west_location(flow);
  f.flow = flow;
  f.flow->ports = bad;
  f.reason = std::move(reason);
  return f;
}

/// A finding that names no resource (a selector or a pair that chooses nothing).
Finding note_finding(std::string reason) {
  Finding f;
  f.reason = std::move(reason);
  return f;
}

int subnet_of(const model::Model& m, const model::IpConfigIndex& x) {
  const auto& ref = m.nics[x.nic].ip_configurations[x.ip_configuration].subnet;
  return ref.resolved() ? ref.index : -1;
}

}  // namespace

AssertionResult evaluate_reach(const Assertion& as, const model::Model& m) {
  AssertionResult r;
  r.assertion = &as;
  // The sources and targets the selectors choose.
  std::set<model::IpConfigIndex> sources;
  std::set<model::IpConfigIndex> target_configs;
  std::set<int> target_endpoints;
  std::set<int> target_services;  // PaaS services: their public endpoints (ReachOptions::paas)
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    for (std::size_t c = 0; c < m.nics[n].ip_configurations.size(); ++c) {
      const Subject s{ResourceKind::kNetworkInterface, static_cast<int>(n), static_cast<int>(c)};
      const model::IpConfigIndex x{s.index, s.ip_configuration};
      if (matches(m, as.from, s)) sources.insert(x);
      if (matches(m, as.to, s)) target_configs.insert(x);
    }
  }
  for (std::size_t e = 0; e < m.private_endpoints.size(); ++e) {
    if (matches(m, as.to, Subject{ResourceKind::kPrivateEndpoint, static_cast<int>(e), -1})) {
      target_endpoints.insert(static_cast<int>(e));
    }
  }
  for (std::size_t p = 0; p < m.paas_services.size(); ++p) {
    if (matches(m, as.to, Subject{ResourceKind::kPaasService, static_cast<int>(p), -1})) {
      target_services.insert(static_cast<int>(p));
    }
  }
  r.selected = sources.size();
  if (sources.empty() || (target_configs.empty() && target_endpoints.empty() && target_services.empty())) {
    // A typo in a selector must not pass silently.
    const bool from = sources.empty();
    r.summary = fmt::format("the '{}' selector matches no {}{}", from ? "from" : "to",
                            from ? "ip configuration" : "ip configuration, private endpoint or PaaS service",
                            selector_suggestion(m, from ? as.from : as.to));
    r.findings.push_back(note_finding(r.summary));
    r.passed = false;
    return r;
  }

  // One reach() per subnet whose ip configurations are all sources, one per ip configuration otherwise.
  std::map<int, std::size_t> in_subnet;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    for (std::size_t c = 0; c < m.nics[n].ip_configurations.size(); ++c) {
      ++in_subnet[subnet_of(m, {static_cast<int>(n), static_cast<int>(c)})];
    }
  }
  std::map<int, std::size_t> selected_in_subnet;
  for (const auto& x : sources) ++selected_in_subnet[subnet_of(m, x)];
  std::vector<solver::ReachSource> queries;
  for (const auto& [subnet, count] : selected_in_subnet) {
    if (subnet >= 0 && count == in_subnet[subnet]) {
      solver::ReachSource s;
      s.kind = solver::ReachSource::Kind::kSubnet;
      s.subnet = subnet;
      queries.push_back(s);
    }
  }
  for (const auto& x : sources) {
    const int subnet = subnet_of(m, x);
    if (subnet >= 0 && selected_in_subnet[subnet] == in_subnet[subnet]) continue;
    solver::ReachSource s;
    s.ip_configuration = x;
    queries.push_back(s);
  }

  solver::ReachOptions options;
  // A PaaS service chosen: its public endpoint is a target too (docs/model.md, "PaaS public endpoints from inside the
  // estate"); reach() leaves them out otherwise.
  options.paas = !target_services.empty();
  options.targets = [&](ResourceKind kind, int index) {
    if (kind == ResourceKind::kPrivateEndpoint) return target_endpoints.count(index) > 0;
    if (kind == ResourceKind::kPaasService) return target_services.count(index) > 0;
    auto it = target_configs.lower_bound(model::IpConfigIndex{index, 0});
    return it != target_configs.end() && it->nic == index;
  };
  std::size_t flows = 0;
  for (const auto& q : queries) {
    const solver::Reach reach = solver::reach(m, q, options);
    for (const auto& flow : reach.flows) {
      if (flow.source.nic < 0 || sources.count(flow.source) == 0) continue;
      const bool to_config = flow.target_kind == ResourceKind::kNetworkInterface &&
                             target_configs.count(model::IpConfigIndex{flow.nic, flow.ip_configuration}) > 0;
      const bool to_endpoint =
          flow.target_kind == ResourceKind::kPrivateEndpoint && target_endpoints.count(flow.target) > 0;
      const bool to_service = flow.target_kind == ResourceKind::kPaasService && target_services.count(flow.target) > 0;
      if (!to_config && !to_endpoint && !to_service) continue;
      ++flows;
      const model::PortSet bad = as.never ? flow.ports : disallowed_ports(flow, as.filter.protocols, as.filter.ports);
      if (bad.empty()) continue;
      r.findings.push_back(
          flow_finding(flow, bad,
                       as.never ? fmt::format("{} passes; nothing may", protocol_ports(flow.protocol, bad))
                                : fmt::format("{} {} not allowed", protocol_ports(flow.protocol, bad),
                                              model::has_ports(flow.protocol) && bad.size() > 1 ? "are" : "is")));
    }
  }
  r.summary = r.findings.empty()
                  ? fmt::format("{} from {} to {}: none passes more than allowed", east_west_plural(flows, "flow"),
                                east_west_plural(sources.size(), "source"),
                                east_west_plural(
                                    target_configs.size() + target_endpoints.size() + target_services.size(), "target"))
                  : fmt::format("{} of {} violate{} it", r.findings.size(), east_west_plural(flows, "flow"),
                                r.findings.size() == 1 ? "s" : "");
  r.passed = r.findings.empty();
  return r;
}

namespace {

/// The group of a subnet: itself, or its VNet.
int group_of_subnet(const model::Model& m, GroupBy by, int subnet) {
  if (subnet < 0) return -1;
  if (by == GroupBy::kSubnet) return subnet;
  const auto& v = m.subnets[subnet].vnet;
  return v.resolved() ? v.index : -1;
}

/// How many groups of subnets or VNets there are: the PaaS services' groups (a segmentation with `paas`) follow them.
std::size_t east_west_plain_groups(const model::Model& m, GroupBy by) {
  return by == GroupBy::kSubnet ? m.subnets.size() : m.vnets.size();
}

/// The resource of group `g`: a subnet or VNet, or past them a PaaS service.
const model::ResourceBase& group_resource(const model::Model& m, GroupBy by, int g) {
  const std::size_t plain = east_west_plain_groups(m, by);
  if (static_cast<std::size_t>(g) >= plain) return m.paas_services[static_cast<std::size_t>(g) - plain];
  if (by == GroupBy::kSubnet) return m.subnets[g];
  return m.vnets[g];
}

/// "subnet", "virtual network", or "PaaS service" for a service's group.
const char* east_west_group_noun(const model::Model& m, GroupBy by, int g) {
  if (static_cast<std::size_t>(g) >= east_west_plain_groups(m, by)) return "PaaS service";
  return by == GroupBy::kSubnet ? "subnet" : "virtual network";
}

bool group_matches(const model::Model& m, GroupBy by, std::string_view pattern, int g) {
  const auto& r = group_resource(m, by, g);
  return glob_match(pattern, pattern.starts_with('/') ? std::string_view(r.id) : std::string_view(r.name));
}

}  // namespace

AssertionResult evaluate_segmentation(const Assertion& as, const model::Model& m) {
  AssertionResult r;
  r.assertion = &as;
  const GroupBy by = as.group_by;
  const std::size_t plain = east_west_plain_groups(m, by);
  // With `paas`, every PaaS service is a group too, after the subnets or VNets (a target only).
  const std::size_t groups = plain + (as.paas ? m.paas_services.size() : 0);
  const char* noun = by == GroupBy::kSubnet ? "subnet" : "virtual network";
  r.selected = plain;

  // An allowed pair that names no group is a typo: it must not pass silently.
  std::vector<std::string> names;
  for (std::size_t g = 0; g < groups; ++g) names.push_back(group_resource(m, by, static_cast<int>(g)).name);
  for (const auto& pair : as.allow) {
    for (const std::string* pattern : {&pair.from, &pair.to}) {
      bool any = false;
      for (std::size_t g = 0; g < groups && !any; ++g) any = group_matches(m, by, *pattern, static_cast<int>(g));
      if (any) continue;
      std::string hint;
      if (!pattern->starts_with('/') && pattern->find_first_of("*?") == std::string::npos) {
        if (const std::string h = model::did_you_mean(*pattern, names); !h.empty()) hint = ": " + h;
      }
      Finding f =
          note_finding(fmt::format("allowed pair {} '{}' names no {}{}{}", pattern == &pair.from ? "from" : "to",
                                   *pattern, noun, as.paas ? " or PaaS service" : "", hint));
      f.where = pair.where;
      r.findings.push_back(std::move(f));
    }
  }

  // The matrix of the groups (solver::segmentation(), as `exposim matrix` computes it), with what passes beyond
  // the allowed pairs: a pair's ports are judged unless it is a group to itself and the within-group pairs are not.
  solver::Grouping grouping;
  grouping.names = names;
  std::vector<char> endpoint_nic(m.nics.size(), 0);
  for (std::size_t e = 0; e < m.private_endpoints.size(); ++e) {
    for (const auto& ref : m.private_endpoints[e].network_interfaces) {
      if (ref.resolved()) endpoint_nic[static_cast<std::size_t>(ref.index)] = 1;
    }
    const auto& ref = m.private_endpoints[e].subnet;
    grouping.private_endpoint_group.push_back(group_of_subnet(m, by, ref.resolved() ? ref.index : -1));
  }
  grouping.ip_configuration_group.resize(m.nics.size());
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    for (std::size_t c = 0; c < m.nics[n].ip_configurations.size(); ++c) {
      grouping.ip_configuration_group[n].push_back(
          endpoint_nic[n] ? -1 : group_of_subnet(m, by, subnet_of(m, {static_cast<int>(n), static_cast<int>(c)})));
    }
  }
  for (std::size_t s = 0; s < m.subnets.size(); ++s) {
    grouping.subnet_group.push_back(group_of_subnet(m, by, static_cast<int>(s)));
  }
  if (as.paas) {
    for (std::size_t p = 0; p < m.paas_services.size(); ++p)
      grouping.paas_service_group.push_back(static_cast<int>(plain + p));
  }
  const auto judged = [&](int from, int to) { return from != to || as.judge_within; };
  const solver::SegmentationExcess beyond = [&](int from, int to, const solver::ReachFlow& flow) {
    if (!judged(from, to)) return model::PortSet{};
    // What the pairs that match (from, to) do not allow of this flow's protocol.
    model::PortSet bad = flow.ports;
    for (const auto& pair : as.allow) {
      if (bad.empty()) break;
      if (!group_matches(m, by, pair.from, from) || !group_matches(m, by, pair.to, to)) continue;
      solver::ReachFlow rest = flow;
      rest.ports = bad;
      bad = disallowed_ports(rest, pair.protocols, pair.ports);
    }
    return bad;
  };
  const solver::Segmentation matrix = solver::segmentation(m, grouping, {}, beyond);
  std::size_t flows = 0;
  std::size_t excess = 0;
  for (const auto& cell : matrix.cells) {
    if (judged(cell.from, cell.to)) flows += cell.flows;
    for (const auto& witness : cell.excess) {
      ++excess;
      Finding f;
      const bool to_service = static_cast<std::size_t>(cell.to) >= plain;
      f.kind = to_service               ? ResourceKind::kPaasService
               : by == GroupBy::kSubnet ? ResourceKind::kSubnet
                                        : ResourceKind::kVirtualNetwork;
      f.index = to_service ? cell.to - static_cast<int>(plain) : cell.to;
      f.flow = witness;
      f.reason =
          fmt::format("{} passes from {} '{}' to {} '{}'; no allowed pair admits it",
                      protocol_ports(witness.protocol, cell.excess_ports[static_cast<std::size_t>(witness.protocol)]),
                      noun, group_resource(m, by, cell.from).name, east_west_group_noun(m, by, cell.to),
                      group_resource(m, by, cell.to).name);
      r.findings.push_back(std::move(f));
    }
  }
  r.summary =
      r.findings.empty()
          ? fmt::format("{} between {}{}: all allowed", east_west_plural(flows, "flow"), east_west_plural(plain, noun),
                        as.paas ? fmt::format(" and {}", east_west_plural(groups - plain, "PaaS service")) : "")
          : fmt::format("{} violate it ({} passing more than allowed)", east_west_plural(r.findings.size(), "finding"),
                        east_west_plural(excess, "group pair"));
  r.passed = r.findings.empty();
  return r;
}

}  // namespace exposim::check
