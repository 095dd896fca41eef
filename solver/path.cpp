// The path engine (solver/path.h): the one function that lists the stages of a flow to an ip configuration.
#include "solver/path.h"

#include <algorithm>

#include "solver/analyzer.h"
#include "solver/application_gateway.h"
#include "solver/bastion.h"
#include "solver/firewall.h"
#include "solver/network_manager.h"
#include "solver/paas.h"

namespace exposim::solver {

using K = HopKind;
using RK = model::ResourceKind;

namespace {

Stage stage(K kind, RK resource_kind, int resource = -1, const char* scope = "", int rule = -1, int port = -1) {
  Stage s;
  s.kind = kind;
  s.resource_kind = resource_kind;
  s.resource = resource;
  s.scope = scope;
  s.rule = rule;
  s.port = port;
  return s;
}

/// A Bastion session's stages after the source: the entry (its public IP; a Bastion without one, such as a Developer
/// Bastion, shared and reached through the portal, is its own entry), its subnet's NSG on 443 (with a public IP), the
/// session, and the route from its subnet to the target.
/// A Bastion host's ip configuration on its path: the one bastion_entry() picks (none for a Developer Bastion, shared).
const model::BastionIpConfiguration* bastion_path_config(const model::BastionHost& b) {
  return b.sku == model::BastionSku::kDeveloper ? nullptr : bastion_entry(b);
}

/// Whether Bastion `b` (its ip configuration `cfg`, bastion_path_config()) is its own entry: without a public IP
/// (Developer; none; private only) the host is the entry, and no NSG admits clients.
bool bastion_own_entry(const model::BastionHost& b, const model::BastionIpConfiguration* cfg) {
  return cfg == nullptr || !cfg->public_ip.set() || b.enable_private_only;
}

void bastion_stages(const model::Model& m, const PathEntry& e, Stage entry, std::vector<Stage>& path) {
  const auto& b = m.bastion_hosts[e.gateway];
  const bool developer = b.sku == model::BastionSku::kDeveloper;
  const model::BastionIpConfiguration* cfg = bastion_path_config(b);
  const int subnet = cfg != nullptr ? cfg->subnet.index : -1;
  const bool own_entry = bastion_own_entry(b, cfg);
  if (own_entry) entry = stage(K::kEntry, RK::kBastionHost, e.gateway);
  path.push_back(entry);
  if (!own_entry) {
    path.push_back(nsg_stage(subnet_nsg_slot(m, cfg->subnet), "bastion-subnet", RK::kSubnet, subnet, ""));
  }
  Stage session = stage(K::kBastion, RK::kBastionHost, e.gateway, "session");
  session.note = developer                 ? kBastionDeveloperNote
                 : b.enable_shareable_link ? kBastionShareableLinkNote
                                           : kBastionSessionNote;
  path.push_back(session);
  path.push_back(stage(K::kRoute, RK::kSubnet, subnet, "forward"));
}

/// A DNAT rule of firewall `fw` (index into its `order`), and its route to the translated address from its subnet.
void dnat_stages(const model::Model& m, int fw, int rule, std::vector<Stage>& path) {
  path.push_back(stage(K::kFirewall, RK::kFirewall, fw, "dnat", rule));
  path.push_back(stage(K::kRoute, RK::kSubnet, firewall_subnet(m.firewalls[fw]), "forward"));
}

/// The security admin rules of an application gateway's virtual network before its subnet's NSG on a listener (on a
/// public frontend, or on a private one behind a firewall's DNAT rule: seen from the firewall's SNAT addresses),
/// where they are applied conservatively (gateway_admin_vnet: Allow and AlwaysAllow rules only; scope
/// "gateway-subnet", which tells the stage from a backend's).
void gateway_admin_stage(const model::Model& m, const PathEntry& e, std::vector<Stage>& path) {
  const GatewayListeners which =
      e.dnat_firewall >= 0 ? GatewayListeners::kBehindDnat : GatewayListeners::kPublicFrontends;
  if (const int vnet = gateway_admin_vnet(m, e.gateway, which); vnet >= 0) {
    path.push_back(stage(K::kAdminRule, RK::kVirtualNetwork, vnet, "gateway-subnet"));
  }
}

/// An application gateway's backend flow after the entry, up to the gateway: a firewall's DNAT rule to a private
/// frontend, the gateway subnet's NSG, the listener and the request routing rule.
void gateway_head_stages(const model::Model& m, const PathEntry& e, std::vector<Stage>& path) {
  const model::Ref subnet = gateway_subnet(m.application_gateways[e.gateway]);
  if (e.dnat_firewall >= 0) dnat_stages(m, e.dnat_firewall, e.dnat_rule, path);
  gateway_admin_stage(m, e, path);
  path.push_back(nsg_stage(subnet_nsg_slot(m, subnet), "gateway-subnet", RK::kSubnet, subnet.index, ""));
  path.push_back(stage(K::kApplicationGateway, RK::kApplicationGateway, e.gateway, "listener", e.gateway_rule));
  Stage routing = stage(K::kApplicationGateway, RK::kApplicationGateway, e.gateway, "routing", e.gateway_rule);
  routing.note = kGatewayConnectionNote;
  path.push_back(routing);
}

/// ... then, on the way to the backend: an internal load balancer's rule, the route from the gateway's subnet and an
/// Azure Firewall crossed both ways.
void gateway_stages(const model::Model& m, const PathEntry& e, std::vector<Stage>& path) {
  gateway_head_stages(m, e, path);
  const model::Ref subnet = gateway_subnet(m.application_gateways[e.gateway]);
  if (e.load_balancer >= 0) {
    path.push_back(
        stage(K::kLoadBalancer, RK::kLoadBalancer, e.load_balancer, "load-balancing", e.rule, e.frontend_port));
  }
  path.push_back(stage(K::kRoute, RK::kSubnet, subnet.index, "forward"));
  if (e.crossing_firewall >= 0) path.push_back(stage(K::kFirewall, RK::kFirewall, e.crossing_firewall));
}

/// A public load balancer's stage: its load-balancing rule, inbound NAT rule or NAT pool.
Stage lb_stage(const PathEntry& e) {
  return stage(K::kLoadBalancer, RK::kLoadBalancer, e.load_balancer,
               e.via == Via::kLoadBalancer ? "load-balancing"
               : e.nat_pool                ? "inbound-nat-pool"
                                           : "inbound-nat",
               e.rule, e.frontend_port);
}

/// The entry stage: the public IP, with what is assumed of it.
Stage entry_stage(const PathEntry& e) {
  Stage entry = stage(K::kEntry, RK::kPublicIp, e.public_ip);
  entry.note = e.public_ip >= 0          ? (e.assumed_address ? analysis_internal::kUnknownDnatAddressNote : "")
               : e.hub_address           ? analysis_internal::kHubAddressNote
               : e.via != Via::kPublicIp ? "public IP not in the input: address unknown"
                                         : "public IP not in the input: assumed Basic SKU";
  return entry;
}

}  // namespace

Stage nsg_stage(const NsgSlot& slot, const char* scope, RK owner_kind, int owner, const char* open_note) {
  Stage s;
  s.scope = scope;
  s.slot = slot;
  s.owner_kind = owner_kind;
  s.owner = owner;
  switch (slot.state) {
    case NsgSlot::State::kPresent:
      s.kind = K::kNsg;
      s.resource_kind = RK::kNetworkSecurityGroup;
      s.resource = slot.index;
      break;
    case NsgSlot::State::kMissing:
      s.kind = K::kNsg;
      s.resource_kind = RK::kNetworkSecurityGroup;
      s.note = "not in the input: assumed to admit everything";
      break;
    case NsgSlot::State::kNone:
      s.kind = K::kNoNsg;
      s.resource_kind = owner_kind;
      s.resource = owner;
      s.note = open_note;
      break;
  }
  return s;
}

std::vector<Stage> gateway_head_path(const model::Model& m, const PathEntry& e) {
  std::vector<Stage> path = {stage(K::kSource, RK::kInternet), entry_stage(e)};
  gateway_head_stages(m, e, path);
  return path;
}

std::vector<Stage> load_balancer_head_path(const PathEntry& e) {
  return {stage(K::kSource, RK::kInternet), entry_stage(e), lb_stage(e)};
}

std::vector<Stage> inbound_path(const model::Model& m, const PathEntry& e, const model::IpConfigIndex& x) {
  std::vector<Stage> path;
  path.reserve(8);
  const bool forwarded = e.via == Via::kBastion || e.via == Via::kApplicationGateway;
  const bool lb = e.via != Via::kPublicIp;
  path.push_back(stage(K::kSource, RK::kInternet));
  const Stage entry = entry_stage(e);
  if (e.via == Via::kBastion && e.gateway >= 0) {
    bastion_stages(m, e, entry, path);
  } else {
    path.push_back(entry);
  }
  switch (e.via) {
    case Via::kFirewallDnat:
      dnat_stages(m, e.gateway, e.gateway_rule, path);
      if (e.load_balancer >= 0) {  // DNAT to an internal load balancer's frontend
        path.push_back(
            stage(K::kLoadBalancer, RK::kLoadBalancer, e.load_balancer, "load-balancing", e.rule, e.frontend_port));
      }
      break;
    case Via::kAppliance: {
      Stage s = stage(K::kAppliance, RK::kNetworkInterface, e.gateway);
      s.note =
          "assumed: the appliance forwards what reaches its public IP; its own filtering and address translation "
          "are unknown";
      path.push_back(s);
      break;
    }
    case Via::kLoadBalancer:
    case Via::kLoadBalancerNat: path.push_back(lb_stage(e)); break;
    case Via::kApplicationGateway:
      if (e.gateway >= 0) gateway_stages(m, e, path);  // without one: the target's stages (its NSGs)
      break;
    case Via::kPublicIp:
    case Via::kBastion:
    case Via::kPaasPublic: break;
  }
  // The NSGs: the subnet's, then the NIC's (docs/model.md#network-security-groups). Where neither scope has one, a
  // Basic entry is open (a Standard one closed: analyze finds nothing to report, explain stops at the NIC scope).
  const auto nsgs = inbound_nsg_stages(m, x);
  const bool no_nsg = nsgs[0].slot.state == NsgSlot::State::kNone && nsgs[1].slot.state == NsgSlot::State::kNone;
  const char* open_note = !no_nsg || e.sku != model::Sku::kBasic || forwarded ? ""
                          : e.via == Via::kFirewallDnat ? "no NSG: the translated traffic is not filtered"
                          : e.via == Via::kAppliance    ? "no NSG: the forwarded traffic is not filtered"
                          : lb                          ? "no NSG: a Basic load balancer is open where no NSG applies"
                                                        : "no NSG: a Basic public IP is open where no NSG applies";
  // The security admin rules of the target's VNet come before its NSGs (docs/model.md, "Security admin rules").
  const int subnet = m.nics[x.nic].ip_configurations[x.ip_configuration].subnet.index;
  if (const int vnet = admin_rules_vnet(m, subnet); vnet >= 0) {
    path.push_back(stage(K::kAdminRule, RK::kVirtualNetwork, vnet));
  }
  for (const NsgStage& n : nsgs) path.push_back(nsg_stage(n.slot, n.scope, n.owner_kind, n.owner, open_note));
  path.push_back(stage(K::kRoute, RK::kSubnet, subnet, "return"));
  path.push_back(stage(K::kTarget, RK::kNetworkInterface, x.nic));
  return path;
}

std::vector<Stage> entry_point_path(const model::Model& m, RK kind, const PathEntry& e) {
  std::vector<Stage> path;
  path.push_back(stage(K::kSource, RK::kInternet));
  path.push_back(entry_stage(e));  // e.via is the entry point's (never kPublicIp)
  switch (kind) {
    case RK::kFirewall: path.push_back(stage(K::kFirewall, RK::kFirewall, e.gateway, "dnat", e.gateway_rule)); break;
    case RK::kBastionHost: {
      const auto& b = m.bastion_hosts[e.gateway];
      const model::BastionIpConfiguration* cfg = bastion_path_config(b);
      if (bastion_own_entry(b, cfg)) {  // no public IP: the host is the entry (analyze reports no exposure of it)
        path.back() = stage(K::kEntry, RK::kBastionHost, e.gateway);
      } else {
        path.push_back(nsg_stage(subnet_nsg_slot(m, cfg->subnet), "subnet", RK::kSubnet, cfg->subnet.index, ""));
      }
      path.push_back(stage(K::kBastion, RK::kBastionHost, e.gateway, "host"));
      break;
    }
    case RK::kApplicationGateway: {
      const model::Ref subnet = gateway_subnet(m.application_gateways[e.gateway]);
      if (e.dnat_firewall >= 0) dnat_stages(m, e.dnat_firewall, e.dnat_rule, path);
      gateway_admin_stage(m, e, path);
      path.push_back(nsg_stage(subnet_nsg_slot(m, subnet), "subnet", RK::kSubnet, subnet.index, ""));
      path.push_back(stage(K::kApplicationGateway, RK::kApplicationGateway, e.gateway, "listener", e.gateway_rule,
                           e.frontend_port));
      break;
    }
    default: break;
  }
  path.push_back(stage(K::kTarget, kind, e.gateway));
  return path;
}

std::vector<Stage> paas_path(const model::Model& m, int service, bool scm) {
  const auto& s = m.paas_services[service];
  std::vector<Stage> path;
  path.push_back(stage(K::kSource, RK::kInternet));
  path.push_back(stage(K::kPaas, RK::kPaasService, service, "endpoint"));
  if (s.kind == model::PaasKind::kSqlManagedInstance) {
    Stage data = stage(K::kPaas, RK::kPaasService, service, "public-data-endpoint");
    data.note = data_endpoint_note(s);
    path.push_back(data);
    // The instance's virtual network's security admin rules, before its subnet's NSG, where they apply to it (a
    // virtual network holding a managed instance is exempt unless its configurations say All or AllowRulesOnly:
    // VirtualNetwork::admin_rules holds what applies; docs/model.md, "Security admin rules").
    if (const int vnet = admin_rules_vnet(m, s.subnet.index); vnet >= 0) {
      path.push_back(stage(K::kAdminRule, RK::kVirtualNetwork, vnet));
    }
    path.push_back(nsg_stage(managed_instance_nsg(m, s), "subnet", RK::kSubnet, s.subnet.index, ""));
  } else {
    path.push_back(
        stage(K::kPaas, RK::kPaasService, service, scm ? "scm-public-network-access" : "public-network-access"));
    path.push_back(stage(K::kPaas, RK::kPaasService, service));  // the firewall: its deciding rule names the scope
  }
  path.push_back(stage(K::kTarget, RK::kPaasService, service));
  return path;
}

void stage_reads(const model::Model& m, const Stage& s, std::vector<ResourceRef>& out) {
  const auto add = [&out](RK kind, int index) {
    if (index >= 0) out.push_back(ResourceRef{kind, index});
  };
  switch (s.kind) {
    case K::kSource: break;
    case K::kNsg:
    case K::kNoNsg:
      if (s.slot.state == NsgSlot::State::kPresent) add(RK::kNetworkSecurityGroup, s.slot.index);
      add(s.owner_kind, s.owner);
      break;
    case K::kRoute:
      add(RK::kSubnet, s.resource);
      if (s.resource >= 0) add(RK::kRouteTable, m.subnets[s.resource].route_table.index);
      break;
    case K::kFirewall: {
      add(RK::kFirewall, s.resource);
      if (s.resource < 0) break;
      // The policy and its base policies (a chain; a cycle, which validation reports, is followed once).
      std::vector<int> seen;
      for (int p = m.firewalls[s.resource].policy.index; p >= 0 && std::find(seen.begin(), seen.end(), p) == seen.end();
           p = m.firewall_policies[p].base_policy.index) {
        seen.push_back(p);
        add(RK::kFirewallPolicy, p);
      }
      break;
    }
    default: add(s.resource_kind, s.resource); break;  // entry, load balancer, admin, gateway, appliance, PaaS, target
  }
}

Hop hop_of(const Stage& s) {
  Hop h{s.kind, s.resource_kind, s.resource, s.scope, s.rule, s.note};
  h.port = s.port;
  return h;
}

std::array<const Stage*, 2> nsg_stages(const std::vector<Stage>& path) {
  // The target's: the last two (a Bastion session's path has its subnet's NSG before them).
  std::array<const Stage*, 2> out{nullptr, nullptr};
  std::size_t n = out.size();
  for (auto it = path.rbegin(); it != path.rend() && n > 0; ++it) {
    if (it->kind == K::kNsg || it->kind == K::kNoNsg) out[--n] = &*it;
  }
  return out;
}

}  // namespace exposim::solver
