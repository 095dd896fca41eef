// model::for_each_location(): every location of a resource, nested ones included, and every kind of the Model.
// Each location is given a distinct pointer by hand; the visitor must reach each one exactly once.
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "model/locations.h"

namespace {

using namespace exposim;
using Pointers = std::vector<std::string>;

/// The pointers the visitor reaches, in order.
template <typename T>
Pointers visited(T& r) {
  Pointers out;
  model::for_each_location(r, [&](model::SourceLocation& w) { out.push_back(w.pointer); });
  return out;
}

template <typename T>
T with(const std::string& pointer) {
  T x;
  x.where.pointer = pointer;
  return x;
}

}  // namespace

TEST_CASE("for_each_location reaches every nested location of an application gateway", "[model]") {
  model::ApplicationGateway g;
  g.where.pointer = "/agw";
  g.waf_where.pointer = "/agw/waf";
  g.gateway_ip_configurations = {with<model::AgGatewayIpConfiguration>("/gwip")};
  g.frontends = {with<model::AgFrontend>("/fe0"), with<model::AgFrontend>("/fe1")};
  g.frontend_ports = {with<model::AgFrontendPort>("/port")};
  g.listeners = {with<model::AgListener>("/listener")};
  g.backend_pools = {with<model::AgBackendPool>("/pool")};
  g.backend_settings = {with<model::AgBackendSettings>("/settings")};
  model::AgUrlPathMap map = with<model::AgUrlPathMap>("/map");
  map.default_target.where.pointer = "/map/default";
  map.path_targets = {with<model::AgBackendTarget>("/map/path0"), with<model::AgBackendTarget>("/map/path1")};
  g.url_path_maps = {map};
  model::AgRoutingRule rule = with<model::AgRoutingRule>("/rule");
  rule.target.where.pointer = "/rule/target";
  rule.targets = {with<model::AgBackendTarget>("/rule/targets0")};
  g.rules = {rule};
  CHECK(visited(g) == Pointers{"/agw", "/agw/waf", "/gwip", "/fe0", "/fe1", "/port", "/listener", "/pool", "/settings",
                               "/map", "/map/default", "/map/path0", "/map/path1", "/rule", "/rule/target",
                               "/rule/targets0"});
}

TEST_CASE("for_each_location reaches a scale set's configurations and its posture", "[model]") {
  model::ScaleSet s;
  s.where.pointer = "/vmss";
  model::ScaleSetIpConfig with_pip = with<model::ScaleSetIpConfig>("/nic/ip0");
  with_pip.public_ip = model::ScaleSetPublicIpConfig{};
  with_pip.public_ip->where.pointer = "/nic/ip0/pip";
  model::ScaleSetNicConfig nic = with<model::ScaleSetNicConfig>("/nic");
  nic.ip_configurations = {with_pip, with<model::ScaleSetIpConfig>("/nic/ip1")};
  s.nic_configurations = {nic};
  auto& p = s.posture;
  p.os_where.pointer = "/os";
  p.image.where.pointer = "/image";
  p.encryption_at_host.where.pointer = "/encryption";
  p.security_type.where.pointer = "/security-type";
  p.secure_boot.where.pointer = "/secure-boot";
  p.vtpm.where.pointer = "/vtpm";
  p.disable_password_authentication.where.pointer = "/password";
  p.identity_type.where.pointer = "/identity";
  p.extensions = {with<model::VmExtension>("/ext0"), with<model::VmExtension>("/ext1")};
  CHECK(visited(s) == Pointers{"/vmss", "/nic", "/nic/ip0", "/nic/ip0/pip", "/nic/ip1", "/os", "/image", "/encryption",
                               "/security-type", "/secure-boot", "/vtpm", "/password", "/identity", "/ext0", "/ext1"});
}

TEST_CASE("for_each_location reaches a firewall policy's groups, collections and rules", "[model]") {
  model::FirewallPolicy p;
  p.where.pointer = "/policy";
  model::FirewallRuleCollection c = with<model::FirewallRuleCollection>("/g0/c0");
  c.rules = {with<model::FirewallRule>("/g0/c0/r0"), with<model::FirewallRule>("/g0/c0/r1")};
  model::FirewallRuleCollectionGroup g = with<model::FirewallRuleCollectionGroup>("/g0");
  g.collections = {c, with<model::FirewallRuleCollection>("/g0/c1")};
  p.groups = {g, with<model::FirewallRuleCollectionGroup>("/g1")};
  CHECK(visited(p) == Pointers{"/policy", "/g0", "/g0/c0", "/g0/c0/r0", "/g0/c0/r1", "/g0/c1", "/g1"});
}

TEST_CASE("for_each_location reaches a PaaS service's rules, settings, containers and connections", "[model]") {
  model::PaasService s;
  s.where.pointer = "/svc";
  s.ip_rules = {with<model::PaasIpRule>("/ip0")};
  s.scm_ip_rules = {with<model::PaasIpRule>("/scm0")};
  s.public_network_access_where.pointer = "/pna";
  s.default_action_where.pointer = "/default-action";
  s.https_only_where.pointer = "/https";
  s.allow_blob_public_access.where.pointer = "/blob-public";
  s.containers = {with<model::BlobContainer>("/container")};
  s.enable_purge_protection.where.pointer = "/purge";
  s.enable_soft_delete.where.pointer = "/soft-delete";
  s.endpoint_connections = {with<model::ServiceEndpointConnection>("/connection")};
  s.public_data_endpoint_enabled.where.pointer = "/data-endpoint";
  CHECK(visited(s) == Pointers{"/svc", "/ip0", "/scm0", "/pna", "/default-action", "/https", "/blob-public",
                               "/container", "/purge", "/soft-delete", "/connection", "/data-endpoint"});
}

TEST_CASE("for_each_location over a model visits every kind of the table and its rewrites stick", "[model]") {
  model::Model m;
  std::map<std::string, int> expected;  // each resource's pointer, once
#define EXPOSIM_ONE_OF_KIND(Enum, name, member, Type, noun) \
  m.member.resize(1);                                       \
  m.member[0].where.pointer = "/" name;                     \
  expected["/" name] = 1;
  EXPOSIM_RESOURCE_KINDS(EXPOSIM_ONE_OF_KIND)
#undef EXPOSIM_ONE_OF_KIND
  m.load_balancers[0].nat_pools = {with<model::LbNatPool>("/load-balancer/nat-pool")};
  m.hub_route_tables[0].routes = {with<model::HubRoute>("/hub-route-table/route")};
  m.jit_policies[0].virtual_machines = {with<model::JitVirtualMachine>("/jit-policy/vm")};
  m.jit_policies[0].virtual_machines[0].ports = {with<model::JitPort>("/jit-policy/vm/22")};
  m.defender_plans[0].pricing_tier_where.pointer = "/defender-plan/tier";
  for (const char* nested : {"/load-balancer/nat-pool", "/hub-route-table/route", "/jit-policy/vm", "/jit-policy/vm/22",
                             "/defender-plan/tier"}) {
    expected[nested] = 1;
  }
  std::map<std::string, int> seen;
  model::for_each_location(m, [&](model::SourceLocation& w) {
    if (w.pointer.empty()) return;  // the locations this model leaves unset (the settings, the posture)
    ++seen[w.pointer];
    w.pointer = "/remapped" + w.pointer;
  });
  CHECK(seen == expected);
  CHECK(m.subnets[0].where.pointer == "/remapped/subnet");
  CHECK(m.load_balancers[0].nat_pools[0].where.pointer == "/remapped/load-balancer/nat-pool");
  CHECK(m.jit_policies[0].virtual_machines[0].ports[0].where.pointer == "/remapped/jit-policy/vm/22");
}
