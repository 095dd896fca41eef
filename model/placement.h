// Where a resource sits in the estate's networks: the subnets of its ip configurations and the virtual networks
// they belong to (the selectors of `exposim check`, the frames of `exposim graph`).
#pragma once

#include <optional>
#include <vector>

#include "model/model.h"

namespace exposim::model {

/// The subnets and virtual networks a resource sits in; indexes into Model::subnets and Model::vnets.
struct Placement {
  /// Each resolved subnet once, in the order of the resource's ip configurations: a NIC's ip configurations, a
  /// load balancer's frontends (internal ones), a firewall's or a Bastion host's ip configurations, an
  /// application gateway's gateway ip configurations (its private frontends are not counted), a private
  /// endpoint's subnet.
  std::vector<int> subnets;
  /// Each resolved virtual network once: those of `subnets` in their order, then the one the resource names
  /// itself (a subnet's own network, a Developer Bastion host's `virtualNetwork`).
  std::vector<int> vnets;

  /// Where a drawing frames the resource: its first subnet, else its first virtual network, else nothing.
  std::optional<GraphVertex> frame() const;
};

/// Where resource `index` of kind `kind` sits. For a NIC, `ip_configuration` >= 0 names the one ip configuration
/// to place (-1: all of them). Kinds not listed at Placement (public IPs, PaaS services, virtual hubs, ...) sit
/// in no subnet: an empty placement.
Placement placement(const Model& m, ResourceKind kind, int index, int ip_configuration = -1);

}  // namespace exposim::model
