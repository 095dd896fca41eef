// The locations of each resource type, family by family (model/locations.h). A field of type SourceLocation or
// Setting<T> added to a resource or one of its children is added here too, so that every consumer (the Terraform
// importer's remapping) sees it.
#include "model/locations.h"

namespace exposim::model {
namespace {

template <typename T>
void visit(Setting<T>& s, const LocationVisitor& f) {
  f(s.where);
}

/// `where` of each element.
template <typename T>
void visit_all(std::vector<T>& items, const LocationVisitor& f) {
  for (auto& x : items) f(x.where);
}

/// What a VM or a scale set says about its own security.
void visit(MachinePosture& p, const LocationVisitor& f) {
  f(p.os_where);
  f(p.image.where);
  visit(p.encryption_at_host, f);
  visit(p.security_type, f);
  visit(p.secure_boot, f);
  visit(p.vtpm, f);
  visit(p.disable_password_authentication, f);
  visit(p.identity_type, f);
  visit_all(p.extensions, f);
}

void visit(std::vector<FirewallRuleCollection>& collections, const LocationVisitor& f) {
  for (auto& c : collections) {
    f(c.where);
    visit_all(c.rules, f);
  }
}

}  // namespace

// ---- network ----

void for_each_location(VirtualNetwork& r, const LocationVisitor& f) {
  f(r.where);
  visit_all(r.peerings, f);
  visit(r.enable_ddos_protection, f);
  visit(r.ddos_protection_plan, f);
}

void for_each_location(Subnet& r, const LocationVisitor& f) { f(r.where); }

void for_each_location(RouteTable& r, const LocationVisitor& f) {
  f(r.where);
  visit_all(r.routes, f);
}

// ---- nsg ----

void for_each_location(NetworkSecurityGroup& r, const LocationVisitor& f) {
  f(r.where);
  visit_all(r.rules, f);
}

void for_each_location(ApplicationSecurityGroup& r, const LocationVisitor& f) { f(r.where); }

// ---- compute ----

void for_each_location(NetworkInterface& r, const LocationVisitor& f) {
  f(r.where);
  visit_all(r.ip_configurations, f);
  f(r.enable_ip_forwarding_where);
}

void for_each_location(PublicIp& r, const LocationVisitor& f) {
  f(r.where);
  visit(r.ddos_protection_mode, f);
}

void for_each_location(VirtualMachine& r, const LocationVisitor& f) {
  f(r.where);
  visit(r.posture, f);
}

// ---- load_balancer ----

void for_each_location(LoadBalancer& r, const LocationVisitor& f) {
  f(r.where);
  visit_all(r.frontends, f);
  visit_all(r.backend_pools, f);
  visit_all(r.rules, f);
  visit_all(r.nat_rules, f);
  visit_all(r.nat_pools, f);
}

// ---- firewall ----

void for_each_location(IpGroup& r, const LocationVisitor& f) { f(r.where); }

void for_each_location(FirewallPolicy& r, const LocationVisitor& f) {
  f(r.where);
  for (auto& g : r.groups) {
    f(g.where);
    visit(g.collections, f);
  }
}

void for_each_location(Firewall& r, const LocationVisitor& f) {
  f(r.where);
  visit_all(r.ip_configurations, f);
  visit(r.classic, f);
}

// ---- bastion ----

void for_each_location(BastionHost& r, const LocationVisitor& f) {
  f(r.where);
  visit_all(r.ip_configurations, f);
}

// ---- application_gateway ----

void for_each_location(ApplicationGateway& r, const LocationVisitor& f) {
  f(r.where);
  f(r.waf_where);
  visit_all(r.gateway_ip_configurations, f);
  visit_all(r.frontends, f);
  visit_all(r.frontend_ports, f);
  visit_all(r.listeners, f);
  visit_all(r.backend_pools, f);
  visit_all(r.backend_settings, f);
  for (auto& u : r.url_path_maps) {
    f(u.where);
    f(u.default_target.where);
    visit_all(u.path_targets, f);
  }
  for (auto& rule : r.rules) {
    f(rule.where);
    f(rule.target.where);
    visit_all(rule.targets, f);  // filled by validation
  }
}

// ---- paas ----

void for_each_location(PaasService& r, const LocationVisitor& f) {
  f(r.where);
  visit_all(r.ip_rules, f);
  visit_all(r.scm_ip_rules, f);
  f(r.public_network_access_where);
  f(r.default_action_where);
  f(r.https_only_where);
  visit(r.allow_blob_public_access, f);
  visit_all(r.containers, f);
  visit(r.enable_purge_protection, f);
  visit(r.enable_soft_delete, f);
  visit_all(r.endpoint_connections, f);
  visit(r.public_data_endpoint_enabled, f);
}

void for_each_location(PrivateEndpoint& r, const LocationVisitor& f) {
  f(r.where);
  visit_all(r.connections, f);
}

// ---- scale_set ----

void for_each_location(ScaleSet& r, const LocationVisitor& f) {
  f(r.where);
  for (auto& n : r.nic_configurations) {
    f(n.where);
    for (auto& c : n.ip_configurations) {
      f(c.where);
      if (c.public_ip) f(c.public_ip->where);
    }
  }
  visit(r.posture, f);
}

// ---- virtual_wan ----

void for_each_location(VirtualWan& r, const LocationVisitor& f) { f(r.where); }

void for_each_location(VirtualHub& r, const LocationVisitor& f) { f(r.where); }

void for_each_location(HubConnection& r, const LocationVisitor& f) {
  f(r.where);
  visit_all(r.static_routes, f);
}

void for_each_location(HubRoutingIntent& r, const LocationVisitor& f) {
  f(r.where);
  visit_all(r.policies, f);
}

void for_each_location(HubRouteTable& r, const LocationVisitor& f) {
  f(r.where);
  visit_all(r.routes, f);
}

// ---- jit_policy ----

void for_each_location(JitPolicy& r, const LocationVisitor& f) {
  f(r.where);
  for (auto& v : r.virtual_machines) {
    f(v.where);
    visit_all(v.ports, f);
  }
}

// ---- defender_plan ----

void for_each_location(DefenderPlan& r, const LocationVisitor& f) {
  f(r.where);
  f(r.pricing_tier_where);
}

// ---- network_manager ----

void for_each_location(NetworkManager& r, const LocationVisitor& f) { f(r.where); }

void for_each_location(NetworkGroup& r, const LocationVisitor& f) { f(r.where); }

void for_each_location(NetworkGroupMember& r, const LocationVisitor& f) { f(r.where); }

void for_each_location(SecurityAdminConfiguration& r, const LocationVisitor& f) { f(r.where); }

void for_each_location(AdminRuleCollection& r, const LocationVisitor& f) { f(r.where); }

void for_each_location(AdminRule& r, const LocationVisitor& f) {
  f(r.where);
  f(r.rule.where);
}

void for_each_location(AdminDeployment& r, const LocationVisitor& f) { f(r.where); }

// ---- nat_gateway ----

void for_each_location(NatGateway& r, const LocationVisitor& f) { f(r.where); }

void for_each_location(PublicIpPrefix& r, const LocationVisitor& f) { f(r.where); }

void for_each_location(Model& m, const LocationVisitor& f) {
#define EXPOSIM_VISIT_KIND(Enum, name, member, Type, noun) \
  for (auto& r : m.member) for_each_location(r, f);
  EXPOSIM_RESOURCE_KINDS(EXPOSIM_VISIT_KIND)
#undef EXPOSIM_VISIT_KIND
}

}  // namespace exposim::model
