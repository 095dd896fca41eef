// Security admin rules: validation decides which admin rules apply to each virtual network and in which order
// (docs/model.md, "Security admin rules"). What the input cannot decide (a network group whose members a
// condition chooses, a configuration whose deployment to the VNet's region is not known, a parent not in the
// input) is read so that it never hides an exposure: an Allow or AlwaysAllow rule is applied, a Deny rule is not,
// and a warning names the virtual networks concerned.
#include "model/network_manager.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/ascii.h"
#include "model/model.h"
#include "model/resolver.h"

namespace exposim::model {
namespace {

/// An Azure region as deployments and resources write it, compared: lowercase, spaces removed ("West Europe" is
/// "westeurope").
std::string admin_region_key(std::string_view region) {
  std::string out;
  for (char c : region) {
    if (c != ' ') out += ascii::lower(c);
  }
  return out;
}

/// The index of the resource of kind `kind` with canonical id `id`, or -1.
int admin_index_of(const Model& m, const std::string& id, ResourceKind kind) {
  if (id.empty()) return -1;
  auto v = m.find(id);
  return v && v->kind == kind ? v->index : -1;
}

/// Whether a virtual network is a member of the groups a rule collection applies to, or a configuration is
/// deployed to its region.
enum class AdminFact : std::uint8_t { kNo, kYes, kUnknown };

/// Admin rules in evaluation order: by priority; at equal priority (rules of two configurations) AlwaysAllow, then
/// Allow, then Deny, so that a tie never hides an exposure; then input order.
int admin_access_rank(AdminAccess a) {
  switch (a) {
    case AdminAccess::kAlwaysAllow: return 0;
    case AdminAccess::kAllow: return 1;
    case AdminAccess::kDeny: return 2;
  }
  return 2;
}

/// Why whether some admin rules apply to some virtual networks is not known: one `admin-rules-undecided` warning
/// each, naming the virtual networks.
struct AdminCause {
  std::string text;
  std::vector<int> vnets;
};

/// Whether a virtual network holds a service with network intent policies (SQL managed instance, Azure Databricks),
/// to which Azure does not apply security admin rules unless the configuration says so; `what` names it.
struct AdminIntentService {
  AdminFact fact{AdminFact::kNo};
  std::string what;
};

/// A subnet delegation to a service that uses network intent policies.
bool admin_intent_delegation(std::string_view service) {
  return ascii::iequals(service, "Microsoft.Sql/managedInstances") ||
         ascii::iequals(service, "Microsoft.Databricks/workspaces");
}

/// Per virtual network: a SQL managed instance of the input in one of its subnets (yes), else a subnet delegated to
/// a service with network intent policies, or with a delegation only known at deployment (not known: the service
/// itself is not in the input, or not modelled, as Azure Databricks).
std::vector<AdminIntentService> admin_intent_services(const Model& m) {
  std::vector<AdminIntentService> out(m.vnets.size());
  for (const auto& s : m.subnets) {
    if (s.vnet.index < 0) continue;
    auto& x = out[s.vnet.index];
    if (x.fact != AdminFact::kNo) continue;
    for (const auto& d : s.delegations) {
      if (!admin_intent_delegation(d)) continue;
      x = {AdminFact::kUnknown, fmt::format("subnet '{}' is delegated to '{}'", s.name, d)};
      break;
    }
    if (x.fact == AdminFact::kNo && s.delegation_unknown) {
      x = {AdminFact::kUnknown, fmt::format("subnet '{}' has a delegation only known at deployment", s.name)};
    }
  }
  for (const auto& p : m.paas_services) {
    if (p.kind != PaasKind::kSqlManagedInstance || !p.subnet.set()) continue;
    int vnet = p.subnet.index >= 0 ? m.subnets[p.subnet.index].vnet.index : -1;
    if (vnet < 0) {  // a subnet not in the input: its virtual network from the id
      const auto cut = p.subnet.id.rfind("/subnets/");
      if (cut != std::string::npos) vnet = admin_index_of(m, p.subnet.id.substr(0, cut), ResourceKind::kVirtualNetwork);
    }
    if (vnet >= 0 && out[vnet].fact != AdminFact::kYes) {
      out[vnet] = {AdminFact::kYes, fmt::format("SQL managed instance '{}'", p.name)};
    }
  }
  return out;
}

/// Azure does not apply security admin rules to a virtual network that holds a service with network intent policies
/// unless the configuration's applyOnNetworkIntentPolicyBasedServices is All (every rule) or AllowRulesOnly (its
/// Allow and AlwaysAllow rules); when several network managers' configurations apply with different settings, the
/// setting of the one with the highest scope is used, which exposim does not know. So a Deny rule stays where every
/// configuration that may apply says All, an Allow or AlwaysAllow rule where one of them says All or AllowRulesOnly
/// (or is not known), or where whether the virtual network holds such a service is not known. `settings[v]`: the
/// settings of the configurations whose rules may apply to virtual network v.
void apply_intent_policy_exemption(Model& m, const std::vector<std::vector<IntentPolicyApply>>& settings,
                                   std::map<std::string, AdminCause>& causes, Diagnostics& diags) {
  const auto services = admin_intent_services(m);
  for (std::size_t v = 0; v < m.vnets.size(); ++v) {
    auto& inbound = m.vnets[v].admin_rules;
    auto& outbound = m.vnets[v].admin_rules_outbound;
    const auto& service = services[v];
    if (service.fact == AdminFact::kNo || settings[v].empty()) continue;
    const auto& s = settings[v];
    const bool all = std::all_of(s.begin(), s.end(), [](IntentPolicyApply a) { return a == IntentPolicyApply::kAll; });
    if (all) continue;  // every rule applies
    const bool allows =
        std::any_of(s.begin(), s.end(), [](IntentPolicyApply a) { return a != IntentPolicyApply::kNone; });
    const bool uniform = std::all_of(
        s.begin(), s.end(), [&](IntentPolicyApply a) { return a == s.front() && a != IntentPolicyApply::kUnknown; });
    const bool keep_allows = allows || service.fact == AdminFact::kUnknown;
    const std::size_t before = inbound.size() + outbound.size();
    const auto exempt = [&](int ri) { return m.admin_rules[ri].access == AdminAccess::kDeny || !keep_allows; };
    std::erase_if(inbound, exempt);
    std::erase_if(outbound, exempt);
    if (service.fact == AdminFact::kYes && uniform) {
      if (inbound.size() + outbound.size() == before) continue;
      diags.add({Severity::kNote, "admin-rules-exempt", m.vnets[v].where,
                 fmt::format("virtual network '{}' holds {}, a service with network intent policies, and the "
                             "security admin configurations that apply to it set "
                             "applyOnNetworkIntentPolicyBasedServices to {}: {}",
                             m.vnets[v].name, service.what, to_string(s.front()),
                             inbound.empty() && outbound.empty()
                                 ? "none of their rules apply to it"
                                 : "only their Allow and AlwaysAllow rules apply to it, not their Deny "
                                   "rules")});
      continue;
    }
    std::string why =
        service.fact == AdminFact::kUnknown
            ? fmt::format(
                  "{}: the virtual network may hold a service with network intent policies that the input "
                  "does not show (SQL managed instance, Azure Databricks), and Azure does not apply security "
                  "admin rules to one unless the configuration's applyOnNetworkIntentPolicyBasedServices is All",
                  service.what)
            : fmt::format(
                  "{} uses network intent policies, and the security admin configurations that may apply "
                  "set applyOnNetworkIntentPolicyBasedServices differently or not knowably (Azure uses the "
                  "setting of the network manager with the highest scope)",
                  service.what);
    auto& cause = causes[why];
    cause.text = why;
    cause.vnets.push_back(static_cast<int>(v));
  }
}

}  // namespace

const char* to_string(AdminAccess a) {
  switch (a) {
    case AdminAccess::kAllow: return "Allow";
    case AdminAccess::kDeny: return "Deny";
    case AdminAccess::kAlwaysAllow: return "AlwaysAllow";
  }
  return "?";
}

const char* to_string(IntentPolicyApply a) {
  switch (a) {
    case IntentPolicyApply::kNone: return "None";
    case IntentPolicyApply::kAllowRulesOnly: return "AllowRulesOnly";
    case IntentPolicyApply::kAll: return "All";
    case IntentPolicyApply::kUnknown: return "unknown";
  }
  return "?";
}

void resolve_network_managers(Resolver& rs) {
  Model& m = rs.model;
  for (auto& v : m.vnets) {
    v.admin_rules.clear();
    v.admin_rules_outbound.clear();
  }
  if (m.admin_rules.empty()) return;  // the common case costs nothing
  // Groups: their static members and whether a condition chooses members.
  for (auto& g : m.network_groups) {
    g.vnets.clear();
    g.conditional = false;
    g.network_manager.index = admin_index_of(m, g.network_manager.id, ResourceKind::kNetworkManager);
  }
  for (auto& member : m.network_group_members) {
    member.group.index = admin_index_of(m, member.group.id, ResourceKind::kNetworkGroup);
    if (member.group.index < 0) continue;
    auto& g = m.network_groups[member.group.index];
    if (member.by_condition) {
      g.conditional = true;
      continue;
    }
    member.vnet.index = admin_index_of(m, member.vnet.id, ResourceKind::kVirtualNetwork);
    if (member.vnet.index >= 0) g.vnets.push_back(member.vnet.index);
  }
  std::vector<bool> has_member(m.network_groups.size(), false);
  for (const auto& member : m.network_group_members) {
    if (member.group.index >= 0) has_member[member.group.index] = true;
  }
  for (std::size_t i = 0; i < m.network_groups.size(); ++i) {
    auto& g = m.network_groups[i];
    std::sort(g.vnets.begin(), g.vnets.end());
    g.vnets.erase(std::unique(g.vnets.begin(), g.vnets.end()), g.vnets.end());
    if (!has_member[i]) g.conditional = true;  // no member in the input: its members are not known
  }
  for (auto& c : m.security_admin_configurations) {
    c.network_manager.index = admin_index_of(m, c.network_manager.id, ResourceKind::kNetworkManager);
  }
  for (auto& c : m.admin_rule_collections) {
    c.configuration.index = admin_index_of(m, c.configuration.id, ResourceKind::kSecurityAdminConfiguration);
    for (auto& g : c.applies_to_groups) g.index = admin_index_of(m, g.id, ResourceKind::kNetworkGroup);
  }
  // Deployments: (configuration, region) deployed; (network manager, region) with a known deployed state.
  std::map<std::pair<int, std::string>, bool> deployed_to;
  std::map<std::pair<std::string, std::string>, bool> manager_region_known;
  for (auto& d : m.admin_deployments) {
    for (auto& c : d.configurations) {
      c.index = admin_index_of(m, c.id, ResourceKind::kSecurityAdminConfiguration);
      if (d.deployed && c.index >= 0) deployed_to[{c.index, d.region}] = true;
    }
    if (!d.deployed) continue;
    // The deployment's network manager: the part of its id before the first configuration's segment, or of its own id.
    std::string manager = d.key;
    if (auto cut = manager.find("/commit"); cut != std::string::npos) manager.resize(cut);
    if (auto cut = manager.find("/securityadminconfigurations/"); cut != std::string::npos) manager.resize(cut);
    manager_region_known[{manager, d.region}] = true;
  }

  // Per rule collection, per virtual network: is it a member of a group the collection applies to, and why not known.
  std::map<std::string, AdminCause> causes;  // by text: the warnings, each naming its virtual networks
  const std::size_t n = m.vnets.size();
  std::vector<std::vector<AdminFact>> membership(m.admin_rule_collections.size());
  std::vector<std::string> membership_cause(m.admin_rule_collections.size());
  for (std::size_t ci = 0; ci < m.admin_rule_collections.size(); ++ci) {
    const auto& c = m.admin_rule_collections[ci];
    auto& facts = membership[ci];
    facts.assign(n, AdminFact::kNo);
    std::string unknown;
    for (const auto& ref : c.applies_to_groups) {
      if (ref.index < 0) {
        unknown =
            fmt::format("network group '{}' (applied to by rule collection '{}') is not in the input", ref.id, c.name);
        std::fill(facts.begin(), facts.end(), AdminFact::kUnknown);
        break;
      }
      const auto& g = m.network_groups[ref.index];
      for (int v : g.vnets) facts[v] = AdminFact::kYes;
      if (g.conditional && unknown.empty()) {
        unknown = fmt::format(
            "network group '{}' has members chosen by a condition (Azure Policy) or none in the input", g.name);
      }
    }
    if (!unknown.empty()) {
      for (auto& f : facts) {
        if (f == AdminFact::kNo) f = AdminFact::kUnknown;
      }
    }
    membership_cause[ci] = std::move(unknown);
  }

  std::vector<int> order;
  for (std::size_t ri = 0; ri < m.admin_rules.size(); ++ri) {
    auto& r = m.admin_rules[ri];
    r.collection.index = admin_index_of(m, r.collection.id, ResourceKind::kAdminRuleCollection);
    order.push_back(static_cast<int>(ri));  // both directions: each to its own list of the VNet
  }
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const auto& x = m.admin_rules[a];
    const auto& y = m.admin_rules[b];
    if (x.rule.priority != y.rule.priority) return x.rule.priority < y.rule.priority;
    return admin_access_rank(x.access) < admin_access_rank(y.access);
  });
  // Per virtual network: the applyOnNetworkIntentPolicyBasedServices of every configuration whose rules may apply
  // to it (a rule whose configuration is not in the input: unknown).
  std::vector<std::vector<IntentPolicyApply>> settings(n);
  for (int ri : order) {
    const auto& r = m.admin_rules[ri];
    const int ci = r.collection.index;
    const int config = ci >= 0 ? m.admin_rule_collections[ci].configuration.index : -1;
    std::string manager;
    if (config >= 0) manager = m.security_admin_configurations[config].network_manager.id;
    const IntentPolicyApply setting =
        config >= 0 ? m.security_admin_configurations[config].on_intent_policy_services : IntentPolicyApply::kUnknown;
    const bool inbound = r.rule.direction == Direction::kInbound;
    for (std::size_t v = 0; v < n; ++v) {
      auto& applied = inbound ? m.vnets[v].admin_rules : m.vnets[v].admin_rules_outbound;
      AdminFact member = ci >= 0 ? membership[ci][v] : AdminFact::kUnknown;
      if (member == AdminFact::kNo) continue;
      const std::string region = admin_region_key(m.vnets[v].location);
      AdminFact deployed = AdminFact::kUnknown;
      if (config >= 0 && !region.empty()) {
        if (deployed_to.count({config, region})) {
          deployed = AdminFact::kYes;
        } else if (manager_region_known.count({manager, region})) {
          deployed = AdminFact::kNo;
        }
      }
      if (deployed == AdminFact::kNo) continue;
      settings[v].push_back(setting);
      if (member == AdminFact::kYes && deployed == AdminFact::kYes) {
        applied.push_back(ri);
        continue;
      }
      // Not known to apply: an Allow or AlwaysAllow rule is applied, a Deny rule is not.
      std::string why;
      if (ci < 0) {
        why = fmt::format("the rule collection of admin rule '{}' is not in the input", r.name);
      } else if (config < 0) {
        why = fmt::format("the security admin configuration of rule collection '{}' is not in the input",
                          m.admin_rule_collections[ci].name);
      } else if (member == AdminFact::kUnknown) {
        why = membership_cause[ci];
      } else {
        why = fmt::format(
            "the input does not say whether security admin configuration '{}' is deployed (committed) "
            "to the virtual network's region",
            m.security_admin_configurations[config].name);
      }
      auto& cause = causes[why];
      cause.text = why;
      cause.vnets.push_back(static_cast<int>(v));
      if (r.access != AdminAccess::kDeny) applied.push_back(ri);
    }
  }
  apply_intent_policy_exemption(m, settings, causes, rs.diags);
  for (auto& [key, cause] : causes) {
    auto& vnets = cause.vnets;
    std::sort(vnets.begin(), vnets.end());
    vnets.erase(std::unique(vnets.begin(), vnets.end()), vnets.end());
    std::string names;
    constexpr std::size_t kNamed = 8;
    for (std::size_t i = 0; i < vnets.size() && i < kNamed; ++i) {
      names += fmt::format("{}'{}'", i == 0 ? "" : ", ", m.vnets[vnets[i]].name);
    }
    if (vnets.size() > kNamed) names += fmt::format(" and {} more", vnets.size() - kNamed);
    rs.diags.warning("admin-rules-undecided", m.vnets[vnets.front()].where,
                     fmt::format("{}: whether its security admin rules apply to virtual network{} {} is not known; "
                                 "their Allow and AlwaysAllow rules are applied, their Deny rules are not",
                                 cause.text, vnets.size() == 1 ? "" : "s", names));
  }
}

}  // namespace exposim::model
