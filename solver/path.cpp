// The path engine (solver/path.h): the one function that lists the stages of a flow to an ip configuration.
#include "solver/path.h"

#include "solver/analyzer.h"
#include "solver/bastion.h"
#include "solver/firewall.h"

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

/// The stage of an NSG at `scope` of a path: the NSG, one referenced but not in the input, or none on `owner`.
Stage nsg_stage(const NsgSlot& slot, const char* scope, RK owner_kind, int owner, const char* open_note) {
  Stage s;
  s.scope = scope;
  s.slot = slot;
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

/// A Bastion session's stages after the source: the entry (its public IP; a Bastion without one, such as a Developer
/// Bastion, shared and reached through the portal, is its own entry), its subnet's NSG on 443 (with a public IP), the
/// session, and the route from its subnet to the target.
void bastion_stages(const model::Model& m, const PathEntry& e, Stage entry, std::vector<Stage>& path) {
  const auto& b = m.bastion_hosts[e.gateway];
  const bool developer = b.sku == model::BastionSku::kDeveloper;
  const model::BastionIpConfiguration* cfg = developer ? nullptr : bastion_entry(b);
  const int subnet = cfg != nullptr ? cfg->subnet.index : -1;
  // Without a public IP (Developer; none; private only) the host is the entry, and no NSG admits clients.
  const bool own_entry = cfg == nullptr || !cfg->public_ip.set() || b.enable_private_only;
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

}  // namespace

std::vector<Stage> inbound_path(const model::Model& m, const PathEntry& e, const model::IpConfigIndex& x) {
  std::vector<Stage> path;
  path.reserve(8);
  const bool forwarded = e.via == Via::kBastion || e.via == Via::kApplicationGateway;
  const bool lb = e.via != Via::kPublicIp;
  path.push_back(stage(K::kSource, RK::kInternet));
  Stage entry = stage(K::kEntry, RK::kPublicIp, e.public_ip);
  entry.note = e.public_ip >= 0 ? (e.assumed_address ? analysis_internal::kUnknownDnatAddressNote : "")
               : e.hub_address  ? analysis_internal::kHubAddressNote
               : lb             ? "public IP not in the input: address unknown"
                                : "public IP not in the input: assumed Basic SKU";
  if (e.via == Via::kBastion && e.gateway >= 0) {
    bastion_stages(m, e, entry, path);
  } else {
    path.push_back(entry);
  }
  switch (e.via) {
    case Via::kFirewallDnat:
      path.push_back(stage(K::kFirewall, RK::kFirewall, e.gateway, "dnat", e.gateway_rule));
      // The firewall's route to the translated address, from its own subnet.
      path.push_back(stage(K::kRoute, RK::kSubnet, firewall_subnet(m.firewalls[e.gateway]), "forward"));
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
    case Via::kLoadBalancerNat:
      path.push_back(stage(K::kLoadBalancer, RK::kLoadBalancer, e.load_balancer,
                           e.via == Via::kLoadBalancer ? "load-balancing"
                           : e.nat_pool                ? "inbound-nat-pool"
                                                       : "inbound-nat",
                           e.rule, e.frontend_port));
      break;
    case Via::kPublicIp:
    case Via::kBastion:
    case Via::kApplicationGateway:
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
  for (const NsgStage& n : nsgs) path.push_back(nsg_stage(n.slot, n.scope, n.owner_kind, n.owner, open_note));
  path.push_back(
      stage(K::kRoute, RK::kSubnet, m.nics[x.nic].ip_configurations[x.ip_configuration].subnet.index, "return"));
  path.push_back(stage(K::kTarget, RK::kNetworkInterface, x.nic));
  return path;
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
