// The path engine: the stages a flow passes from the internet to what it reaches, built once per (entry, target) by
// one function per kind of target: inbound_path() (an ip configuration, also through a Bastion session or an
// application gateway), entry_point_path() (a Bastion host, application gateway listener or firewall itself) and
// paas_path() (a PaaS public endpoint). analyze evaluates the stages over packet sets and derives an exposure's hops
// from them (solver/exposure.cpp; the entry points' own exposures in their family files); explain walks the same list
// for one packet and decides each stage (solver/explain/: compute, firewall, bastion, application_gateway, paas).
#pragma once

#include <vector>

#include "model/model.h"
#include "solver/hop.h"
#include "solver/nsg_stage.h"
#include "solver/stage.h"

namespace exposim::solver {

/// How a flow enters an ip configuration, as both analyze (its Entry) and explain (the query's entry) know it.
struct PathEntry {
  Via via{Via::kPublicIp};
  int public_ip{-1};            // the entry's public IP (-1: not in the input, or a secured hub's address)
  bool hub_address{false};      // the entry is a secured virtual hub firewall's public address (not a resource)
  bool assumed_address{false};  // kFirewallDnat: the DNAT rule is assumed to target the public IP of unknown address
  model::Sku sku{model::Sku::kBasic};  // of the public IP, or of the load balancer
  int load_balancer{-1};  // the load balancer (kLoadBalancer, kLoadBalancerNat; DNAT to an internal frontend)
  int rule{-1};           // into its rules (kLoadBalancer, DNAT), nat_rules or nat_pools (kLoadBalancerNat)
  bool nat_pool{false};   // kLoadBalancerNat: `rule` indexes nat_pools
  int frontend_port{-1};  // the load balancer's frontend port (-1: every port, HA ports)
  int gateway{-1};        // kFirewallDnat: the firewall; kAppliance: the appliance's NIC; kBastion: the Bastion host;
                          // kApplicationGateway: the application gateway
  int gateway_rule{-1};   // kFirewallDnat: the DNAT rule (index into the firewall's `order`); kApplicationGateway:
                          // the listener
  // kApplicationGateway (load_balancer, rule and frontend_port: an internal load balancer between the gateway and the
  // backend):
  int dnat_firewall{-1};      // the listener's private frontend is reached through this firewall's DNAT rule ...
  int dnat_rule{-1};          // ... (index into its `order`)
  int crossing_firewall{-1};  // an Azure Firewall that the gateway's connection crosses both ways
};

/// What stage `s` reads: the resources whose content decides it (what its evaluation, for a packet set or one
/// packet, looks at), appended to `out`. An entry: its public IP (a Bastion host that is its own entry: the host); a
/// load balancer's stage: the load balancer; a firewall's: the firewall, its policy and the policy's base policies; an
/// NSG stage: the NSG of its slot (when in the input) and the subnet or NIC that carries the slot (kNoNsg: that
/// owner); a route stage: the subnet whose routes decide it and that subnet's route table; an admin stage: the virtual
/// network whose security admin rules it evaluates (the admin rules themselves are found by the virtual networks they
/// apply to, admin_changed_vnets() in solver/network_manager.h); a Bastion, application gateway, appliance or PaaS
/// stage: that resource; the target: the target itself. The source reads nothing. The index of what-if's scope
/// (solver/scope_index.h) is built from it.
void stage_reads(const model::Model& m, const Stage& s, std::vector<ResourceRef>& out);

/// The stages from the internet to ip configuration `x` entered through `e`, in the order the packet meets them:
/// the source, the entry (the public IP), the translation (the firewall's DNAT rule, its route to the target and an
/// internal load balancer's rule; an appliance; or the load balancer's rule), the subnet's NSG, the NIC's NSG
/// (inbound_nsg_stages), the route of the reply, and the target. A Bastion session (kBastion with its host as
/// `gateway`) enters through the Bastion's public IP (a Developer Bastion: the host itself), its subnet's NSG
/// (scope "bastion-subnet"), the session and the route from its subnet to the target ("forward"). An application
/// gateway's backend flow (kApplicationGateway) enters through the listener's public IP (or a firewall's DNAT rule to
/// its private frontend), the gateway's own admin stage where gateway_admin_vnet() puts one for the listener's kind
/// of frontend (kAdminRule, scope "gateway-subnet"), the gateway subnet's NSG (scope "gateway-subnet"), the listener,
/// the request routing rule (scope "routing"), an internal load balancer's rule if the backend is behind one, the route
/// from the gateway's subnet ("forward") and an Azure Firewall crossed both ways (scope empty: its deciding rule names
/// it); without a gateway (-1) only the target's part follows the entry.
std::vector<Stage> inbound_path(const model::Model& m, const PathEntry& e, const model::IpConfigIndex& x);

/// The stages an application gateway's backend flows through listener `e.gateway_rule` share, up to the gateway's
/// request routing rule: the head of their inbound_path(), what explain decides before it chooses a backend.
std::vector<Stage> gateway_head_path(const model::Model& m, const PathEntry& e);

/// The head of a load balancer entry's path (kLoadBalancer, kLoadBalancerNat), before a backend is known: the source,
/// the entry (the frontend's public IP) and the load balancer (its rule `e.rule`; -1: no rule matches). explain's
/// trace ends there when no rule matches the packet or the rule forwards it nowhere.
std::vector<Stage> load_balancer_head_path(const PathEntry& e);

/// An entry point's own entry (analyze's exposures of the entry point itself): the source, the entry (its public IP,
/// or for an application gateway listener on a private frontend the firewall's public IP, DNAT rule and route to
/// the frontend ("forward"), `dnat_firewall` and `dnat_rule`), for an application gateway its admin stage where
/// gateway_admin_vnet() puts one for the listener's kind of frontend (kAdminRule, scope "gateway-subnet"), its
/// subnet's NSG (scope "subnet"), the entry point (a Bastion host's "host", an application gateway's "listener"
/// `gateway_rule` on `frontend_port`) and the target (a Bastion host without a public IP, which analyze reports no
/// exposure of but explain traces: the source, the host as its own entry, "host" and the target); a firewall's own
/// public IP: the source, the entry, the DNAT rule (`gateway_rule`) and the target. `kind`: kBastionHost,
/// kApplicationGateway or kFirewall, `e.gateway` the resource. explain walks these stages for a packet to a Bastion
/// host or a firewall's public address (solver/explain/bastion.cpp, firewall.cpp: the firewall's are the head of its
/// DNAT traces).
std::vector<Stage> entry_point_path(const model::Model& m, model::ResourceKind kind, const PathEntry& e);

/// The public endpoint of PaaS service `service` (its SCM site's when `scm`): the source, the endpoint (scope
/// "endpoint": the port is served), then for a SQL managed instance its public data endpoint (scope
/// "public-data-endpoint"), the security admin rules of its virtual network where they apply to it (kAdminRule,
/// the virtual network) and its subnet's NSG (scope "subnet"), for every other service its public network access
/// (scope "public-network-access" or "scm-public-network-access") and its firewall (scope empty: the deciding rule
/// or default action names it when evaluated); and the target.
std::vector<Stage> paas_path(const model::Model& m, int service, bool scm);

/// The stage of an NSG at `scope` of a path: the NSG (kNsg), one referenced but not in the input (kNsg, resource -1,
/// assumed to admit everything), or none (kNoNsg on `owner`, with `open_note`).
Stage nsg_stage(const NsgSlot& slot, const char* scope, model::ResourceKind owner_kind, int owner,
                const char* open_note);

/// The stage as a hop of analyze's path: what evaluating it decides (an NSG's rule, a firewall rule's note) is left
/// to the caller.
Hop hop_of(const Stage& s);

/// The target's NSG stages of a path (the subnet's, then the NIC's: the last two): pointers into `path`.
std::array<const Stage*, 2> nsg_stages(const std::vector<Stage>& path);

}  // namespace exposim::solver
