// The Bastion and application gateway pass of the analysis (docs/model.md#azure-bastion, #application-gateways):
// every entry point's own exposures and the flows it forwards to ip configurations, built by one Builder whose
// Bastion part is in solver/bastion.cpp and application gateway part in solver/application_gateway.cpp. The
// vocabulary both families share with explain() is solver/forwarding.h.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/analysis.h"
#include "solver/forwarding.h"

namespace exposim::solver {

class AddressSpace;  // solver/address_space.h

struct GatewayFlows {
  std::vector<Exposure> own;  // the entry points themselves: Bastion 443, application gateway listeners
  std::vector<ForwardedFlow> forwarded;
};

/// Every Bastion and application gateway entry of a validated model. Backends that cannot be matched to an ip
/// configuration (host names, unknown addresses) are reported in `findings` (`unresolved-backend`).
GatewayFlows gateway_flows(const model::Model& m, const AddressSpace& space, model::Diagnostics& findings);

namespace forwarding_internal {

/// The exposure of an entry point itself (a Bastion host's 443, an application gateway's listener).
Exposure own_exposure(model::ResourceKind kind, int index, int public_ip, const PortSet& ports, const Admitted& a,
                      const IpSet& internet, std::vector<Hop> path);

/// Builds GatewayFlows: one pass over the Bastion hosts, then the application gateways.
class Builder {
 public:
  Builder(const model::Model& m, const AddressSpace& space, model::Diagnostics& findings)
      : m_(m), space_(space), findings_(findings) {}

  GatewayFlows run();

 private:
  /// Internet clients reaching a listener: the public IP they connect to (a firewall's, for DNAT), who they are,
  /// the ports they connect to, the DNAT rule that takes them to a private frontend, and the deciding rule of the
  /// gateway subnet's NSG.
  struct Arrival {
    int pip{-1};
    IpSet sources;
    bool any_source{false};
    PortSet entry_ports;
    int dnat_firewall{-1};  // a private frontend: the firewall's DNAT rule, at this position of its order
    int dnat_rule{-1};
    const char* dnat_note{""};
    int nsg_rule{-1};
    int admin_rule{-1};    // the gateway's admin stage (gateway_admin_vnet): the deciding rule (-1: none)
    bool skip_nsg{false};  // ... an AlwaysAllow rule admitted the clients past the gateway subnet's NSG
  };

  void bastion(int bi);

  void forward_bastion(int bi, int pip, const std::set<int>& vnets, const IpSet& inner, int vnet,
                       const std::optional<model::IpAddress>& from, const Admitted& a, const IpSet& internet,
                       const PortSet& ports);

  /// The ip configurations a backend pool reaches (pool_backends); addresses that match nothing are reported once
  /// per pool.
  std::vector<model::IpConfigIndex> backends(int gi, int pool_index, int gateway_vnet,
                                             std::vector<std::pair<int, int>>& balancers);

  /// An App Service site that is a backend of gateway `gi`: a note linking them, and a `waf-bypass` warning
  /// when the site's own public endpoint also admits internet sources other than the gateway's addresses.
  void linked_site(int gi, int pool_index, int site);

  /// `to`, `to_port`: the address and port the gateway connects to, when not the backend's own (an internal load
  /// balancer's frontend).
  void forward_gateway(const std::shared_ptr<const ForwardedEntry>& entry, const model::IpConfigIndex& x, int vnet,
                       int subnet, const std::optional<model::IpAddress>& to = std::nullopt, int to_port = -1);

  /// Records the flow from `entry` to `x`. When both ways cross an Azure Firewall (a route to its private
  /// address), its network rules, then application rules, filter the flow (deny by default): one flow per
  /// share the firewall allows, with that share's sources and ports and a firewall hop naming the rule.
  void forward(const std::shared_ptr<const ForwardedEntry>& entry, const model::IpConfigIndex& x, Leg leg,
               const std::optional<model::IpAddress>& to = std::nullopt, int to_port = -1);

  /// The firewall DNAT rules that translate to private frontend `address` of gateway `g` on `port` (the
  /// rule's translated port, or the port kept when it gives none): one arrival per firewall public IP and rule.
  /// The gateway subnet's NSG sees the firewall's SNAT addresses: when it admits any of them, it admits the
  /// rule's clients (as for DNAT to an ip configuration). `admin_vnet` (gateway_admin_vnet for listeners behind
  /// DNAT; -1: none): the gateway's admin stage decides those addresses first, an AlwaysAllow rule admitting them
  /// past the NSG.
  void dnat_arrivals(const model::ApplicationGateway& g, const model::IpAddress& address, std::uint16_t port,
                     bool port_unknown, const NsgSlot& slot, int subnet, const IpSet& frontends, int admin_vnet,
                     std::vector<Arrival>& out);

  void application_gateway(int gi);

  const model::Model& m_;
  const AddressSpace& space_;
  model::Diagnostics& findings_;
  GatewayFlows out_;
  std::set<std::pair<int, int>> warned_;        // (gateway, pool) already reported as unresolved
  std::set<std::pair<int, int>> sites_warned_;  // (gateway, site) already linked
};

}  // namespace forwarding_internal
}  // namespace exposim::solver
