// model::placement(): the subnets and virtual networks each kind of resource sits in, worked out by hand on one
// small estate whose references are set directly (no validation).
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "model/placement.h"

namespace {

using namespace exposim;
using model::ResourceKind;
using V = std::vector<int>;

model::Ref at(int index) { return model::Ref{"/x/" + std::to_string(index), index, -1}; }
model::Ref dangling() { return model::Ref{"/x/missing", -1, -1}; }

/// VNets hub (0) and spoke (1); subnets hub/a (0), hub/b (1), spoke/c (2), and d (3) whose VNet is unresolved.
model::Model placement_estate() {
  model::Model m;
  m.vnets.resize(2);
  m.subnets.resize(4);
  m.subnets[0].vnet = at(0);
  m.subnets[1].vnet = at(0);
  m.subnets[2].vnet = at(1);
  m.subnets[3].vnet = dangling();

  // NIC 0: ip configurations in spoke/c, hub/a, spoke/c again and a dangling subnet.
  m.nics.resize(1);
  for (const auto& s : {at(2), at(0), at(2), dangling()}) {
    model::IpConfiguration c;
    c.subnet = s;
    m.nics[0].ip_configurations.push_back(c);
  }
  // Load balancer 0: a public frontend (no subnet), an internal one in hub/b.
  m.load_balancers.resize(1);
  m.load_balancers[0].frontends.resize(2);
  m.load_balancers[0].frontends[1].subnet = at(1);
  // Firewall 0: in subnet d, whose VNet is unknown.
  m.firewalls.resize(1);
  m.firewalls[0].ip_configurations.resize(1);
  m.firewalls[0].ip_configurations[0].subnet = at(3);
  // Bastion 0: in hub/b and naming spoke; Bastion 1: Developer, spoke only; Bastion 2: hub/a and hub.
  m.bastion_hosts.resize(3);
  m.bastion_hosts[0].ip_configurations.resize(1);
  m.bastion_hosts[0].ip_configurations[0].subnet = at(1);
  m.bastion_hosts[0].virtual_network = at(1);
  m.bastion_hosts[1].virtual_network = at(1);
  m.bastion_hosts[2].ip_configurations.resize(1);
  m.bastion_hosts[2].ip_configurations[0].subnet = at(0);
  m.bastion_hosts[2].virtual_network = at(0);
  // Application gateway 0: gateway ip configuration in spoke/c, a private frontend in hub/a (not counted).
  m.application_gateways.resize(1);
  m.application_gateways[0].gateway_ip_configurations.resize(1);
  m.application_gateways[0].gateway_ip_configurations[0].subnet = at(2);
  m.application_gateways[0].frontends.resize(1);
  m.application_gateways[0].frontends[0].subnet = at(0);
  // Private endpoints: 0 in hub/a, 1 with a dangling subnet.
  m.private_endpoints.resize(2);
  m.private_endpoints[0].subnet = at(0);
  m.private_endpoints[1].subnet = dangling();
  m.public_ips.resize(1);
  m.paas_services.resize(1);
  return m;
}

struct PlacementCase {
  const char* what;
  ResourceKind kind;
  int index;
  int ip_configuration;
  V subnets;
  V vnets;
  std::optional<model::GraphVertex> frame;
};

model::GraphVertex subnet(int i) { return {ResourceKind::kSubnet, i}; }
model::GraphVertex vnet(int i) { return {ResourceKind::kVirtualNetwork, i}; }

}  // namespace

TEST_CASE("placement: the subnets and virtual networks of each kind", "[model]") {
  const model::Model m = placement_estate();
  const std::vector<PlacementCase> cases = {
      {"a NIC: every ip configuration, each subnet once",
       ResourceKind::kNetworkInterface,
       0,
       -1,
       {2, 0},
       {1, 0},
       subnet(2)},
      {"a NIC's second ip configuration", ResourceKind::kNetworkInterface, 0, 1, {0}, {0}, subnet(0)},
      {"a NIC's ip configuration with a dangling subnet", ResourceKind::kNetworkInterface, 0, 3, {}, {}, std::nullopt},
      {"a load balancer: its internal frontend", ResourceKind::kLoadBalancer, 0, -1, {1}, {0}, subnet(1)},
      {"a firewall in a subnet of an unknown VNet", ResourceKind::kFirewall, 0, -1, {3}, {}, subnet(3)},
      {"a Bastion host: its subnet's VNet, then the one it names",
       ResourceKind::kBastionHost,
       0,
       -1,
       {1},
       {0, 1},
       subnet(1)},
      {"a Developer Bastion host: a VNet, no subnet", ResourceKind::kBastionHost, 1, -1, {}, {1}, vnet(1)},
      {"a Bastion host naming its subnet's VNet: once", ResourceKind::kBastionHost, 2, -1, {0}, {0}, subnet(0)},
      {"an application gateway: its gateway subnet, not its frontend's",
       ResourceKind::kApplicationGateway,
       0,
       -1,
       {2},
       {1},
       subnet(2)},
      {"a private endpoint", ResourceKind::kPrivateEndpoint, 0, -1, {0}, {0}, subnet(0)},
      {"a private endpoint with a dangling subnet", ResourceKind::kPrivateEndpoint, 1, -1, {}, {}, std::nullopt},
      {"a subnet: no subnet, its own VNet", ResourceKind::kSubnet, 2, -1, {}, {1}, vnet(1)},
      {"a subnet of an unknown VNet", ResourceKind::kSubnet, 3, -1, {}, {}, std::nullopt},
      {"a public IP sits in no network", ResourceKind::kPublicIp, 0, -1, {}, {}, std::nullopt},
      {"a PaaS service sits in no network", ResourceKind::kPaasService, 0, -1, {}, {}, std::nullopt},
      {"a virtual network is not placed", ResourceKind::kVirtualNetwork, 1, -1, {}, {}, std::nullopt},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    const auto p = model::placement(m, c.kind, c.index, c.ip_configuration);
    CHECK(p.subnets == c.subnets);
    CHECK(p.vnets == c.vnets);
    const auto frame = p.frame();
    REQUIRE(frame.has_value() == c.frame.has_value());
    if (frame) {
      CHECK(frame->kind == c.frame->kind);
      CHECK(frame->index == c.frame->index);
    }
  }
}
