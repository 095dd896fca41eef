// Check evaluation: each assertion kind over the analysis' exposures (or the model's subnets, or one flow).
#include "check/evaluate.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include <fmt/format.h>

#include "check/east_west.h"
#include "model/ascii.h"
#include "model/placement.h"
#include "model/suggest.h"
#include "solver/paas_hop.h"

namespace exposim::check {
namespace {

using model::ResourceKind;
using solver::Exposure;

/// What a selector sees of a subject.
struct Attributes {
  std::vector<const model::ResourceBase*> resources;  // names, ids and tags come from these
  std::vector<int> subnets;                           // where the subject sits (model/placement.h)
  std::vector<int> vnets;
  std::vector<std::string_view> types;
};

/// Adds resource `r` and its kind's name (model/resource_kinds.h) to what the selector sees.
template <typename T>
void add_resource(const T& r, Attributes& at) {
  at.resources.push_back(&r);
  at.types.push_back(model::to_string(model::kind_of<T>()));
}

Attributes attributes(const model::Model& m, const Subject& s) {
  Attributes at;
  switch (s.kind) {
    case ResourceKind::kNetworkInterface: {
      const auto& nic = m.nics[s.index];
      add_resource(nic, at);
      if (nic.virtual_machine.resolved()) add_resource(m.vms[nic.virtual_machine.index], at);
      if (nic.scale_set >= 0) add_resource(m.scale_sets[nic.scale_set], at);
      break;
    }
    case ResourceKind::kFirewall: add_resource(m.firewalls[s.index], at); break;
    case ResourceKind::kBastionHost: add_resource(m.bastion_hosts[s.index], at); break;
    case ResourceKind::kApplicationGateway: add_resource(m.application_gateways[s.index], at); break;
    case ResourceKind::kPaasService: {
      const auto& p = m.paas_services[s.index];
      add_resource(p, at);
      at.types.push_back(model::to_string(p.kind));
      break;
    }
    case ResourceKind::kSubnet: add_resource(m.subnets[s.index], at); break;
    case ResourceKind::kVirtualMachine: {
      // A VM (a recommendation's resource) sits where its NICs sit.
      const auto& vm = m.vms[s.index];
      add_resource(vm, at);
      for (const auto& ref : vm.network_interfaces) {
        if (!ref.resolved()) continue;
        auto where = model::placement(m, ResourceKind::kNetworkInterface, ref.index);
        at.subnets.insert(at.subnets.end(), where.subnets.begin(), where.subnets.end());
        at.vnets.insert(at.vnets.end(), where.vnets.begin(), where.vnets.end());
      }
      return at;
    }
    default:
      if (const auto* r = m.resource(model::GraphVertex{s.kind, s.index})) {
        at.resources.push_back(r);
        at.types.push_back(model::to_string(s.kind));
      }
      break;
  }
  auto where = model::placement(m, s.kind, s.index, s.ip_configuration);
  at.subnets = std::move(where.subnets);
  at.vnets = std::move(where.vnets);
  return at;
}

/// A pattern starting with '/' matches the id, any other the name.
bool name_or_id(std::string_view pattern, const model::ResourceBase& r) {
  return glob_match(pattern, pattern.starts_with('/') ? std::string_view(r.id) : std::string_view(r.name));
}

template <typename Pred>
bool any_of_patterns(const std::vector<std::string>& patterns, Pred pred) {
  return patterns.empty() || std::any_of(patterns.begin(), patterns.end(), pred);
}

/// Every subject the model has for target selectors: each NIC ip configuration, firewall, Bastion host,
/// application gateway and PaaS service.
std::vector<Subject> target_subjects(const model::Model& m) {
  std::vector<Subject> out;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    for (std::size_t c = 0; c < m.nics[n].ip_configurations.size(); ++c) {
      out.push_back({ResourceKind::kNetworkInterface, static_cast<int>(n), static_cast<int>(c)});
    }
  }
  auto add = [&](ResourceKind k, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) out.push_back({k, static_cast<int>(i), -1});
  };
  add(ResourceKind::kFirewall, m.firewalls.size());
  add(ResourceKind::kBastionHost, m.bastion_hosts.size());
  add(ResourceKind::kApplicationGateway, m.application_gateways.size());
  add(ResourceKind::kPaasService, m.paas_services.size());
  return out;
}

/// Where a finding about an exposure is located: the VM, else the NIC, else the target.
std::pair<ResourceKind, int> location_of(const Exposure& e) {
  if (e.nic >= 0) {
    if (e.vm >= 0) return {ResourceKind::kVirtualMachine, e.vm};
    return {ResourceKind::kNetworkInterface, e.nic};
  }
  return {e.target_kind, e.target};
}

Finding exposure_finding(const Exposure& part, std::string reason) {
  Finding f;
  std::tie(f.kind, f.index) = location_of(part);
  f.exposure = part;
  f.reason = std::move(reason);
  return f;
}

/// `e` with sources narrowed to `sources` (any_source kept only when nothing was removed).
Exposure with_sources(const Exposure& e, const model::IpSet& sources) {
  Exposure part = e;
  part.any_source = e.any_source && sources == e.sources;
  part.sources = sources;
  return part;
}

/// `e` with target ports narrowed to `ports` (entry ports too when they are the same ports).
Exposure with_ports(const Exposure& e, const model::PortSet& ports) {
  Exposure part = e;
  if (e.entry_ports == e.ports) part.entry_ports = ports;
  part.ports = ports;
  return part;
}

bool single_port(const model::PortSet& p) { return p.size() == 1 && p.intervals()[0].lo == p.intervals()[0].hi; }

std::string plural(std::size_t n, std::string_view word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

std::string via_list(const std::vector<solver::Via>& vias) {
  std::string out;
  for (auto v : vias) out += (out.empty() ? "" : ", ") + std::string(solver::to_string(v));
  return out;
}

bool via_in(solver::Via v, const std::vector<solver::Via>& vias) {
  return std::find(vias.begin(), vias.end(), v) != vias.end();
}

class Evaluator {
 public:
  Evaluator(const model::Model& m, const solver::Analysis& a) : m_(m), a_(a), targets_(target_subjects(m)) {}

  AssertionResult run(const Assertion& as) {
    if (as.kind == AssertionKind::kRecommendation) {
      return evaluate_recommendation(as, m_, solver::recommend(m_, a_, as.recommend_options));
    }
    if (as.kind == AssertionKind::kReach) return evaluate_reach(as, m_);
    if (as.kind == AssertionKind::kSegmentation) return evaluate_segmentation(as, m_);
    AssertionResult r;
    r.assertion = &as;
    switch (as.kind) {
      case AssertionKind::kRecommendation:
      case AssertionKind::kReach:
      case AssertionKind::kSegmentation: break;
      case AssertionKind::kNotExposed:
      case AssertionKind::kNoManagementPorts: forbidden(as, r); break;
      case AssertionKind::kExposedOnly: exposed_only(as, r); break;
      case AssertionKind::kMaxEntryPoints: max_entry_points(as, r); break;
      case AssertionKind::kEverySubnetHasNsg: subnets_have_nsg(as, r); break;
      case AssertionKind::kFlow: flow(as, r); break;
    }
    if (as.select.given && r.selected == 0 && as.kind != AssertionKind::kFlow) {
      // A typo in a selector must not pass silently.
      const std::string message = "the selector matches no resource" + selector_suggestion(m_, as.select);
      r.findings.insert(r.findings.begin(), Finding{ResourceKind::kInternet, -1, std::nullopt, {}, message, {}});
      r.summary = message;
    }
    r.passed = r.findings.empty();
    return r;
  }

 private:
  const model::Model& m_;
  const solver::Analysis& a_;
  std::vector<Subject> targets_;

  /// Selected target subjects (sorted), counting them into r.selected.
  std::set<Subject> select(const Selector& sel, AssertionResult& r) const {
    std::set<Subject> out;
    for (const auto& s : targets_) {
      if (matches(m_, sel, s)) out.insert(s);
    }
    r.selected = out.size();
    return out;
  }

  /// not-exposed and no-management-ports: every exposure of a selected target that carries a packet of the
  /// filter, unless it came through an allowed via.
  void forbidden(const Assertion& as, AssertionResult& r) const {
    const auto selected = select(as.select, r);
    const bool management = as.kind == AssertionKind::kNoManagementPorts;
    const auto& f = as.filter;
    for (const auto& e : a_.exposures) {
      if (!selected.contains(subject_of(e))) continue;
      // A firewall's own exposures are DNAT frontends: it forwards, it serves no management session; the
      // translated target's exposure is judged instead.
      if (management && e.nic < 0 && e.target_kind == ResourceKind::kFirewall) continue;
      if (via_in(e.via, as.vias)) continue;
      if (management && as.allow_jit && e.jit) continue;
      if (f.protocols && (*f.protocols & model::bit(e.protocol)) == 0) continue;
      Exposure part = e;
      if (model::has_ports(e.protocol)) {
        if (f.ports) {
          const auto ports = e.ports.intersect(*f.ports);
          if (ports.empty()) continue;
          part = with_ports(part, ports);
        }
        if (f.entry_ports) {
          const auto ports = part.entry_ports.intersect(*f.entry_ports);
          if (ports.empty()) continue;
          part.entry_ports = ports;
        }
      } else if (f.ports || f.entry_ports) {
        continue;  // ports were asked for: a portless protocol carries none of them
      }
      if (f.sources) {
        const auto sources = e.sources.intersect(*f.sources);
        if (sources.empty()) continue;
        part = with_sources(part, sources);
      }
      std::string reason = management ? fmt::format("management port{} {} reachable from the internet via {}",
                                                    single_port(part.ports) ? "" : "s", model::to_string(part.ports),
                                                    solver::to_string(e.via))
                                      : fmt::format("reachable from the internet via {}", solver::to_string(e.via));
      if (e.jit) reason += " (just-in-time rule)";
      r.findings.push_back(exposure_finding(part, std::move(reason)));
    }
    r.summary = r.findings.empty() ? fmt::format("no exposure of {} selected", plural(r.selected, "target"))
                                   : fmt::format("{} violate{} it", plural(r.findings.size(), "exposure"),
                                                 r.findings.size() == 1 ? "s" : "");
  }

  /// exposed-only: every exposure of a selected target must be within what is allowed.
  void exposed_only(const Assertion& as, AssertionResult& r) const {
    const auto selected = select(as.select, r);
    const auto& f = as.filter;
    std::set<Subject> satisfied;
    for (const auto& e : a_.exposures) {
      const Subject s = subject_of(e);
      if (!selected.contains(s)) continue;
      const std::size_t before = r.findings.size();
      if (!as.vias.empty() && !via_in(e.via, as.vias)) {
        r.findings.push_back(exposure_finding(
            e, fmt::format("via {} is not allowed (allowed: {})", solver::to_string(e.via), via_list(as.vias))));
        continue;
      }
      if (f.protocols && (*f.protocols & model::bit(e.protocol)) == 0) {
        r.findings.push_back(
            exposure_finding(e, fmt::format("protocol {} is not allowed", model::to_string(e.protocol))));
        continue;
      }
      if (model::has_ports(e.protocol)) {
        if (f.ports) {
          const auto bad = e.ports.subtract(*f.ports);
          if (!bad.empty()) {
            r.findings.push_back(exposure_finding(
                with_ports(e, bad),
                fmt::format("{} {} {} not allowed (allowed: {})", single_port(bad) ? "port" : "ports",
                            model::to_string(bad), single_port(bad) ? "is" : "are", model::to_string(*f.ports))));
          }
        }
        if (f.entry_ports) {
          const auto bad = e.entry_ports.subtract(*f.entry_ports);
          if (!bad.empty()) {
            Exposure part = e;
            part.entry_ports = bad;
            r.findings.push_back(
                exposure_finding(part, fmt::format("entry ports {} not allowed (allowed: {})", model::to_string(bad),
                                                   model::to_string(*f.entry_ports))));
          }
        }
      } else if ((f.ports || f.entry_ports) && !f.protocols) {
        r.findings.push_back(exposure_finding(
            e, fmt::format("protocol {} has no ports; only ports {} are allowed", model::to_string(e.protocol),
                           model::to_string(f.ports ? *f.ports : *f.entry_ports))));
        continue;
      }
      if (f.sources) {
        const auto bad = e.sources.subtract(*f.sources);
        if (!bad.empty()) {
          r.findings.push_back(exposure_finding(with_sources(e, bad), "sources not allowed"));
        }
      }
      if (r.findings.size() == before) satisfied.insert(s);
    }
    if (as.required) {
      for (const auto& s : selected) {
        if (satisfied.contains(s)) continue;
        Finding miss;
        if (s.kind == ResourceKind::kNetworkInterface && m_.nics[s.index].virtual_machine.resolved()) {
          miss.kind = ResourceKind::kVirtualMachine;
          miss.index = m_.nics[s.index].virtual_machine.index;
        } else {
          miss.kind = s.kind;
          miss.index = s.index;
        }
        miss.reason = "required path missing: no exposure within what is allowed reaches it";
        r.findings.push_back(std::move(miss));
      }
    }
    r.summary = r.findings.empty()
                    ? fmt::format("{} selected, every exposure within what is allowed", plural(r.selected, "target"))
                    : fmt::format("{} against it", plural(r.findings.size(), "finding"));
  }

  /// max-entry-points: distinct public addresses (public IPs; PaaS public endpoints by host name) that
  /// admit some internet traffic to a selected target.
  void max_entry_points(const Assertion& as, AssertionResult& r) const {
    const auto selected = select(as.select, r);
    // (kind, index, host): a public IP, a PaaS endpoint (by service and host), or an entry whose public IP
    // is not in the input (by via and the resource entered).
    std::map<std::tuple<int, int, std::string>, Finding> entries;
    for (std::size_t i = 0; i < a_.exposures.size(); ++i) {
      const auto& e = a_.exposures[i];
      if (!selected.contains(subject_of(e))) continue;
      std::tuple<int, int, std::string> key;
      Finding f;
      if (e.public_ip >= 0) {
        key = {static_cast<int>(ResourceKind::kPublicIp), e.public_ip, ""};
        f.kind = ResourceKind::kPublicIp;
        f.index = e.public_ip;
        f.reason = "public IP admits internet traffic";
      } else if (e.via == solver::Via::kPaasPublic) {
        const auto& host = solver::entry_host(m_.paas_services[e.target], e);
        key = {static_cast<int>(ResourceKind::kPaasService), e.target, host};
        f.kind = ResourceKind::kPaasService;
        f.index = e.target;
        f.reason = fmt::format("public endpoint {}admits internet traffic", host.empty() ? "" : host + " ");
      } else {
        const int gateway = e.gateway >= 0 ? e.gateway : e.load_balancer;
        key = {1000 + static_cast<int>(e.via), gateway, ""};
        std::tie(f.kind, f.index) = location_of(e);
        f.reason =
            fmt::format("entry via {} (public IP not in the input) admits internet traffic", solver::to_string(e.via));
      }
      auto [it, fresh] = entries.emplace(key, std::move(f));
      it->second.entries.push_back(static_cast<int>(i));
    }
    r.summary = fmt::format("{} (at most {})", plural(entries.size(), "entry point"), as.max);
    if (static_cast<long long>(entries.size()) > as.max) {
      for (auto& [key, f] : entries) r.findings.push_back(std::move(f));
    }
  }

  void subnets_have_nsg(const Assertion& as, AssertionResult& r) const {
    std::size_t selected = 0;
    std::size_t exempt = 0;
    for (std::size_t i = 0; i < m_.subnets.size(); ++i) {
      const Subject s{ResourceKind::kSubnet, static_cast<int>(i), -1};
      if (!matches(m_, as.select, s)) continue;
      ++selected;
      const auto& sub = m_.subnets[i];
      if (std::any_of(as.exempt.begin(), as.exempt.end(), [&](const std::string& p) { return name_or_id(p, sub); })) {
        ++exempt;
        continue;
      }
      if (sub.nsg.set()) continue;
      r.findings.push_back(
          Finding{ResourceKind::kSubnet, static_cast<int>(i), std::nullopt, {}, "subnet has no NSG", {}});
    }
    r.selected = selected;
    r.summary = fmt::format("{} checked, {} exempt, {} without an NSG", plural(selected - exempt, "subnet"), exempt,
                            r.findings.size());
  }

  void flow(const Assertion& as, AssertionResult& r) const {
    solver::FlowTrace t = solver::explain(m_, as.flow, &a_);
    if (t.status != solver::FlowTrace::Status::kOk) {
      // The query has no answer: the error is data (t.error); the report writes it as the summary and the reason.
      Finding f{ResourceKind::kInternet, -1, std::nullopt, {}, "", {}};
      f.query_error = true;
      r.findings.push_back(std::move(f));
      r.trace = std::move(t);
      return;
    }
    if (t.allowed != as.expect_allowed) {
      Finding f;
      if (t.vm >= 0) {
        f.kind = ResourceKind::kVirtualMachine;
        f.index = t.vm;
      } else if (t.nic >= 0) {
        f.kind = ResourceKind::kNetworkInterface;
        f.index = t.nic;
      } else if (t.public_ip >= 0) {
        f.kind = ResourceKind::kPublicIp;
        f.index = t.public_ip;
      }
      f.unexpected_verdict = true;
      r.findings.push_back(std::move(f));
    } else if (as.admin_rule) {
      if (auto reason = admin_rule_mismatch(*as.admin_rule, t)) {
        Finding f;
        f.kind = t.vm >= 0 ? ResourceKind::kVirtualMachine : ResourceKind::kNetworkInterface;
        f.index = t.vm >= 0 ? t.vm : t.nic;
        if (f.index < 0) f.kind = ResourceKind::kInternet;
        f.reason = std::move(*reason);
        r.findings.push_back(std::move(f));
      }
    }
    r.trace = std::move(t);
  }

  /// Why the trace's deciding security admin rule is not the one `pattern` expects (a glob over its name or id,
  /// or "none"); nullopt when it is.
  std::optional<std::string> admin_rule_mismatch(const std::string& pattern, const solver::FlowTrace& t) const {
    int rule = -1;
    bool staged = false;
    for (const auto& h : t.hops) {
      // The target's virtual network's rules (an east-west source's outbound ones, scope "outbound", are not).
      if (h.kind != solver::HopKind::kAdminRule || std::string_view(h.scope) == "outbound") continue;
      staged = true;
      if (h.resource_kind == ResourceKind::kAdminRule) rule = h.resource;
    }
    const bool want_none = model::ascii::iequals(pattern, "none");
    if (rule < 0) {
      if (want_none) return std::nullopt;
      return fmt::format("expected security admin rule '{}' to decide, but {}", pattern,
                         staged ? "no admin rule of the target's virtual network matches the packet"
                                : "no admin rule applies to the target's virtual network");
    }
    const auto& a = m_.admin_rules[static_cast<std::size_t>(rule)];
    if (!want_none && (glob_match(pattern, a.name) || glob_match(pattern, a.id))) return std::nullopt;
    return fmt::format(
        "expected {}, but security admin rule '{}' ({} {}) decides",
        want_none ? std::string("no admin rule to decide") : fmt::format("security admin rule '{}' to decide", pattern),
        a.name, model::to_string(a.access), a.rule.priority);
  }
};

}  // namespace

/// "; name 'vm-webb': did you mean 'vm-web'?" for the first literal name, subnet or VNet pattern of `sel` (no '*'
/// or '?', not an id) that names no resource of its kind while some name is near it; "" otherwise.
std::string selector_suggestion(const model::Model& m, const Selector& sel) {
  const std::vector<std::string> all = model::resource_names(m);
  const std::vector<std::string> subnets = model::names_of(m.subnets);
  const std::vector<std::string> vnets = model::names_of(m.vnets);
  const std::tuple<const char*, const std::vector<std::string>*, const std::vector<std::string>*> keys[] = {
      {"name", &sel.names, &all}, {"subnet", &sel.subnets, &subnets}, {"vnet", &sel.vnets, &vnets}};
  for (const auto& [key, patterns, names] : keys) {
    for (const auto& p : *patterns) {
      if (p.empty() || p.starts_with('/') || p.find_first_of("*?") != std::string::npos) continue;
      if (std::any_of(names->begin(), names->end(), [&](const std::string& n) { return glob_match(p, n); })) continue;
      if (const std::string hint = model::did_you_mean(p, *names); !hint.empty()) {
        return fmt::format("; {} '{}': {}", key, p, hint);
      }
    }
  }
  return "";
}

Subject subject_of(const Exposure& e) {
  if (e.nic >= 0) return {ResourceKind::kNetworkInterface, e.nic, e.ip_configuration};
  return {e.target_kind, e.target, -1};
}

bool matches(const model::Model& m, const Selector& sel, const Subject& s) {
  if (sel.empty()) return true;
  const Attributes at = attributes(m, s);
  const auto& rs = at.resources;
  auto any_resource = [&](auto pred) { return std::any_of(rs.begin(), rs.end(), pred); };
  if (!any_of_patterns(sel.names, [&](const std::string& p) {
        return any_resource([&](const model::ResourceBase* r) { return glob_match(p, r->name); });
      })) {
    return false;
  }
  if (!any_of_patterns(sel.ids, [&](const std::string& p) {
        return any_resource([&](const model::ResourceBase* r) { return glob_match(p, r->id); });
      })) {
    return false;
  }
  for (const auto& t : sel.tags) {
    const bool found = any_resource([&](const model::ResourceBase* r) {
      return std::any_of(r->tags.begin(), r->tags.end(), [&](const auto& kv) {
        return glob_match(t.key, kv.first) && (!t.value || glob_match(*t.value, kv.second));
      });
    });
    if (!found) return false;
  }
  if (!any_of_patterns(sel.subnets, [&](const std::string& p) {
        return std::any_of(at.subnets.begin(), at.subnets.end(), [&](int i) { return name_or_id(p, m.subnets[i]); });
      })) {
    return false;
  }
  if (!any_of_patterns(sel.vnets, [&](const std::string& p) {
        return std::any_of(at.vnets.begin(), at.vnets.end(), [&](int i) { return name_or_id(p, m.vnets[i]); });
      })) {
    return false;
  }
  return any_of_patterns(sel.types, [&](const std::string& p) {
    return std::find(at.types.begin(), at.types.end(), p) != at.types.end();
  });
}

AssertionResult evaluate_recommendation(const Assertion& as, const model::Model& m,
                                        const solver::Recommendations& recs) {
  AssertionResult r;
  r.assertion = &as;
  std::set<Subject> selected;
  std::size_t judged = 0;
  for (const auto& f : recs.findings) {
    if (f.recommendation == nullptr || f.recommendation->severity > as.min_severity) continue;
    const auto id = f.recommendation->id;
    if (!as.recommendation_ids.empty() && std::none_of(as.recommendation_ids.begin(), as.recommendation_ids.end(),
                                                       [&](const std::string& p) { return glob_match(p, id); })) {
      continue;
    }
    const Subject s{f.kind, f.index, -1};
    if (!as.select.empty() && !matches(m, as.select, s)) continue;
    selected.insert(s);
    ++judged;
    const auto& allowed = as.allowed_statuses;
    const bool ok = allowed.empty() ? f.status != solver::FindingStatus::kUnhealthy
                                    : std::find(allowed.begin(), allowed.end(), f.status) != allowed.end();
    if (ok) continue;
    Finding v;
    v.kind = f.kind;
    v.index = f.index;
    for (auto e : f.exposures) v.entries.push_back(static_cast<int>(e));
    std::string evidence = f.summary;
    if (evidence.empty() && !f.properties.empty()) {
      evidence = fmt::format("{} = {}", f.properties[0].name, f.properties[0].value);
    }
    v.reason = fmt::format("{} ({}) {}{}{}", id, solver::to_string(f.recommendation->severity),
                           solver::to_string(f.status), evidence.empty() ? "" : ": ", evidence);
    if (!f.where.file.empty()) v.where = f.where;
    r.findings.push_back(std::move(v));
  }
  r.selected = selected.size();
  if (as.select.given && judged == 0) {
    // A typo in a selector or an id must not pass silently.
    const std::string message =
        "the selector matches no resource with a recommendation" + selector_suggestion(m, as.select);
    r.findings.insert(r.findings.begin(), Finding{ResourceKind::kInternet, -1, std::nullopt, {}, message, {}});
    r.summary = message;
  } else if (r.findings.empty()) {
    r.summary = fmt::format("{} checked, none {}", plural(judged, "result"),
                            as.allowed_statuses.empty() ? "unhealthy" : "in another status");
  } else {
    r.summary = fmt::format("{} of {} violate it", r.findings.size(), plural(judged, "result"));
  }
  r.passed = r.findings.empty();
  return r;
}

std::vector<AssertionResult> evaluate(const Spec& spec, const model::Model& m, const solver::Analysis& a) {
  Evaluator ev(m, a);
  std::vector<AssertionResult> out;
  out.reserve(spec.assertions.size());
  for (const auto& as : spec.assertions) out.push_back(ev.run(as));
  return out;
}

}  // namespace exposim::check
