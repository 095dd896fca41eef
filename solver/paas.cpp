// PaaS public endpoints: public network access, then the service's firewall, first match (docs/model.md).
#include "solver/paas.h"
#include "solver/address_space.h"
#include "solver/analysis.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "solver/forwarding.h"
#include "solver/network_manager.h"
#include "solver/paas_hop.h"
#include "solver/path.h"

namespace exposim::solver {
namespace {

using model::Access;
using model::PaasKind;
using model::PublicNetworkAccess;
using RK = model::ResourceKind;

}  // namespace

namespace {

/// An exposure's path to service `service`: the stages of its endpoint (paas_path(), solver/path.h), the one that
/// decided (`decided`: the public network access or the firewall; a SQL managed instance's subnet NSG) as analyze
/// evaluated it. The port served is not shown (the exposure's ports are the served ones), nor the setting that did
/// not decide.
/// A SQL managed instance's admin stage, if its path has one, is `admin`; `skip_nsg`: an AlwaysAllow admin rule
/// admitted the packets past the subnet's NSG, which is then not on the path (as on an ip configuration's).
std::vector<Hop> endpoint_hops(const model::Model& m, int service, const Hop& decided, const Hop* admin = nullptr,
                               bool skip_nsg = false) {
  const bool by_access = std::string_view(decided.scope).find("public-network-access") != std::string_view::npos;
  std::vector<Hop> hops;
  for (const Stage& stage : paas_path(m, service, is_scm(decided))) {
    const std::string_view scope = stage.scope;
    switch (stage.kind) {
      case HopKind::kPaas:
        if (scope == "endpoint") continue;
        if (scope == "public-data-endpoint") break;
        if (by_access == !scope.empty()) hops.push_back(decided);  // the access stage, or the firewall's
        continue;
      case HopKind::kAdminRule:
        if (admin != nullptr) hops.push_back(*admin);
        continue;
      case HopKind::kNsg:
      case HopKind::kNoNsg:
        if (!skip_nsg) hops.push_back(decided);
        continue;
      default: break;
    }
    hops.push_back(hop_of(stage));
  }
  return hops;
}

/// Why an unresolved allow rule is taken as the whole internet.
const char* unresolved_note(PaasKind k) {
  switch (k) {
    case PaasKind::kSqlServer:
      return "0.0.0.0-0.0.0.0 allows all Azure services, including other customers' resources; Azure's ranges are "
             "not resolved: taken as the whole internet";
    case PaasKind::kCosmosDb:
      return "0.0.0.0 allows connections from Azure datacenters, including other customers' resources; Azure's "
             "ranges are not resolved: taken as the whole internet";
    case PaasKind::kAppService: return "service tag not resolved to addresses: taken as the whole internet";
    case PaasKind::kStorage:
    case PaasKind::kKeyVault:
    case PaasKind::kSqlManagedInstance: break;
  }
  return "";
}

/// The sources of a packet set.
IpSet sources(const PacketSet& p) {
  IpSet s;
  for (const auto& c : p.cubes()) s = s.unite(c.src);
  return s;
}

constexpr const char* kDataEndpointUnknown = "publicDataEndpointEnabled only known at deployment: taken as enabled";

/// The internet sources a rule matches (over-approximated for allow rules, under-approximated for deny
/// rules, so that no exposure is hidden), and the note saying so.
std::pair<IpSet, const char*> matched(const model::PaasService& s, const model::PaasIpRule& r, const IpSet& universe) {
  if (r.subnet_only) return {IpSet{}, ""};  // service endpoint traffic from a subnet: never the internet
  if (r.unresolved) {
    if (r.action == Access::kAllow) {
      return {universe, r.unknown
                            ? "an address only known at deployment (or a placeholder): taken as the whole internet"
                            : unresolved_note(s.kind)};
    }
    return {IpSet{}, ""};
  }
  if (r.has_headers) {
    if (r.action == Access::kDeny) return {IpSet{}, ""};
    return {r.addresses.intersect(universe), "HTTP header conditions not evaluated: matched on addresses alone"};
  }
  return {r.addresses.intersect(universe), ""};
}

}  // namespace

std::vector<PaasDecision> paas_firewall(const model::PaasService& s, const std::vector<model::PaasIpRule>& rules,
                                        Access default_action, const IpSet& universe) {
  // First match over `rules`, then the default action. Storage, Key Vault and Cosmos DB rules only admit, and
  // only matter when the default is Deny.
  std::vector<PaasDecision> out;
  const bool rules_apply = s.kind == PaasKind::kAppService || default_action == Access::kDeny;
  IpSet remaining = universe;
  if (rules_apply) {
    for (std::size_t r = 0; r < rules.size() && !remaining.empty(); ++r) {
      auto [hit, note] = matched(s, rules[r], universe);
      hit = hit.intersect(remaining);
      if (hit.empty()) continue;
      remaining = remaining.subtract(hit);
      out.push_back(PaasDecision{std::move(hit), static_cast<int>(r), rules[r].action, note});
    }
  }
  if (!remaining.empty()) out.push_back(PaasDecision{std::move(remaining), -1, default_action, ""});
  return out;
}

NsgSlot managed_instance_nsg(const model::Model& m, const model::PaasService& s) {
  if (!s.subnet.set()) return NsgSlot{NsgSlot::State::kMissing, -1};  // the subnet is not known
  return subnet_nsg_slot(m, s.subnet);
}

std::vector<RuleDecision> managed_instance_decisions(const model::Model& m, const AddressSpace& space,
                                                     const model::PaasService& s, const PacketSet& arriving) {
  return entry_nsg_decisions(m, space, managed_instance_nsg(m, s), s.subnet.index, IpSet{}, arriving,
                             PastBudget::kAdmitAll);
}

bool data_endpoint_open(const model::PaasService& s) {
  return s.public_data_endpoint_enabled.unknown || !s.public_data_endpoint_enabled.is(false);
}

const char* data_endpoint_note(const model::PaasService& s) {
  return s.public_data_endpoint_enabled.unknown ? kDataEndpointUnknown : "";
}

std::size_t approved_private_endpoints(const model::Model& m, int service) {
  std::size_t n = 0;
  for (int p : m.paas_services[service].private_endpoints) {
    for (const auto& c : m.private_endpoints[p].connections) {
      if (c.target.index == service && c.status == model::ConnectionStatus::kApproved) {
        ++n;
        break;
      }
    }
  }
  return n;
}

void analyze_paas(const model::Model& m, const AddressSpace& space, Analysis& out) {
  const IpSet internet = space.internet(model::IpFamily::kV4);
  for (std::size_t i = 0; i < m.paas_services.size(); ++i) {
    const auto& s = m.paas_services[i];
    const int index = static_cast<int>(i);
    ++out.paas_services_evaluated;
    if (s.tcp_ports.empty()) continue;
    bool exposed = false;
    // One exposure of the endpoint's TCP ports to `from`, decided at `decided` (the service's own access stage,
    // or a managed instance's subnet NSG).
    auto expose_through = [&](const IpSet& from, const Hop& decided, const Hop* admin = nullptr,
                              bool skip_nsg = false) {
      if (from.empty()) return;
      exposed = true;
      Exposure e;
      e.target_kind = RK::kPaasService;
      e.target = index;
      e.via = Via::kPaasPublic;
      e.protocol = model::Protocol::kTcp;
      e.ports = s.tcp_ports;
      e.entry_ports = s.tcp_ports;
      e.source_ports = model::PortSet::all();
      e.sources = from;
      e.any_source = from == internet;
      e.path = endpoint_hops(m, index, decided, admin, skip_nsg);
      out.exposures.push_back(std::move(e));
    };
    auto expose = [&](const IpSet& sources, const char* scope, int rule, const char* note) {
      expose_through(sources, Hop{HopKind::kPaas, RK::kPaasService, index, scope, rule, note});
    };
    auto firewall = [&](const std::vector<model::PaasIpRule>& rules, Access default_action, const char* rule_scope_name,
                        const char* default_scope) {
      for (const auto& d : paas_firewall(s, rules, default_action, internet)) {
        if (d.access == Access::kAllow)
          expose(d.sources, d.rule >= 0 ? rule_scope_name : default_scope, d.rule, d.note);
      }
    };

    if (s.kind == PaasKind::kSqlManagedInstance) {
      // No publicNetworkAccess, no firewall rules: the public data endpoint, then the security admin rules of its
      // virtual network where they apply to it, then the subnet's NSG.
      if (!data_endpoint_open(s)) continue;
      const NsgSlot slot = managed_instance_nsg(m, s);
      const PacketSet arriving(
          Cube{internet, IpSet::all(), model::bit(model::Protocol::kTcp), model::PortSet::all(), s.tcp_ports});
      // The subnet's NSG on what the admin rules let on (`admin`: the admin stage's hop, null without one).
      auto subnet_nsg = [&](const PacketSet& in, const Hop* admin) {
        switch (slot.state) {
          case NsgSlot::State::kNone:
            expose_through(sources(in), Hop{HopKind::kNoNsg, RK::kSubnet, s.subnet.index, "subnet", -1, ""}, admin);
            break;
          case NsgSlot::State::kMissing:
            expose_through(sources(in), Hop{HopKind::kNsg, RK::kNetworkSecurityGroup, -1, "subnet", -1, ""}, admin);
            break;
          case NsgSlot::State::kPresent:
            for (const auto& d : managed_instance_decisions(m, space, s, in)) {
              if (d.access != Access::kAllow) continue;
              expose_through(sources(d.packets),
                             Hop{HopKind::kNsg, RK::kNetworkSecurityGroup, slot.index, "subnet", d.rule,
                                 d.rule == kNsgOverApproximated ? kNsgOverApproximatedNote : ""},
                             admin);
            }
            break;
        }
      };
      const int admin_vnet = admin_rules_vnet(m, s.subnet.index);
      if (admin_vnet < 0) {
        subnet_nsg(arriving, nullptr);
      } else {
        // Deny drops, AlwaysAllow admits past the NSG, Allow (and what no rule matches) goes on to the NSG.
        for (const auto& a : decide_admin_at_entry(m, admin_vnet, arriving, s.subnet.index, IpSet{}, space, false)) {
          const Hop admin = admin_hop(admin_vnet, a.rule);
          switch (a.access) {
            case model::AdminAccess::kDeny: break;
            case model::AdminAccess::kAlwaysAllow: expose_through(sources(a.packets), admin, &admin, true); break;
            case model::AdminAccess::kAllow: subnet_nsg(a.packets, &admin); break;
          }
        }
      }
    } else {
      switch (s.public_network_access) {
        case PublicNetworkAccess::kDisabled:
          continue;  // overrides every firewall rule (the SCM site's too); private endpoints are the only way in
        case PublicNetworkAccess::kSecuredByPerimeter:
          expose(
              internet, "public-network-access", -1,
              "secured by a network security perimeter, whose rules are not modelled: assumed to admit the internet");
          if (s.has_scm) {
            expose(internet, "scm-public-network-access", -1,
                   "secured by a network security perimeter, whose rules are not modelled: assumed to admit the "
                   "internet");
          }
          break;
        case PublicNetworkAccess::kEnabled: {
          firewall(s.ip_rules, s.default_action, paas_rule_scope(s.kind), "default-action");
          if (s.has_scm) {
            // The SCM (Kudu) site: its own restrictions, or the main site's with scmIpSecurityRestrictionsUseMain.
            if (s.scm_uses_main) {
              firewall(s.ip_rules, s.default_action, "scm-access-restrictions", "scm-default-action");
            } else {
              firewall(s.scm_ip_rules, s.scm_default_action, "scm-access-restrictions", "scm-default-action");
            }
          }
          if (s.kind == PaasKind::kSqlServer && s.ip_rules.empty()) {
            out.findings.add({model::Severity::kNote, "paas-rules-unknown", s.where,
                              fmt::format("SQL server '{}' has public network access enabled and no firewall rules "
                                          "in the input: reported as closed; firewall rules are child resources "
                                          "(Microsoft.Sql/servers/firewallRules) that some exports leave out",
                                          s.name)});
          }
          break;
        }
      }
    }
    if (const std::size_t approved = approved_private_endpoints(m, index); exposed && approved > 0) {
      out.findings.add({model::Severity::kNote, "public-beside-private-endpoint", s.where,
                        fmt::format("{} '{}' has {} approved private endpoint{}, but its public endpoint still admits "
                                    "internet sources: a private endpoint does not close the public endpoint",
                                    model::to_string(s.kind), s.name, approved, approved == 1 ? "" : "s")});
    }
  }
}

}  // namespace exposim::solver
