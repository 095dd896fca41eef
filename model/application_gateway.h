// Application Gateway (docs/model.md#application-gateways): a managed entry point that forwards internet clients to
// private addresses. Children of an application gateway reference each other by id; validation resolves those
// references within the gateway (`Ref::index` = the gateway, `Ref::child` = the child).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/compute.h"
#include "model/ip.h"
#include "model/resource_base.h"

namespace exposim::model {

enum class AgProtocol { kHttp, kHttps };
/// "Http", "Https".
const char* to_string(AgProtocol p);

/// The web application firewall in front of a listener. kUnknown: a WAF policy is referenced but is not in
/// the input, so its mode cannot be read.
enum class WafMode { kOff, kDetection, kPrevention, kUnknown };
/// "off", "detection", "prevention", "unknown".
const char* to_string(WafMode m);

struct AgGatewayIpConfiguration {
  std::string name;
  Ref subnet;  // the gateway subnet: its NSG filters clients, its prefix is the source backends see
  SourceLocation where;
  bool flattened{false};
};

struct AgFrontend {
  std::string name;
  std::string id;
  std::string key;
  Ref public_ip;                        // set: a public frontend
  std::optional<IpAddress> private_ip;  // a private frontend (never reached from the internet)
  Ref subnet;
  SourceLocation where;
  bool flattened{false};
};

struct AgFrontendPort {
  std::string name;
  std::string id;
  std::string key;
  std::uint16_t port{0};
  bool unknown{false};  // only known at deployment: every port (docs/model.md, "Unknown values")
  SourceLocation where;
};

struct AgListener {
  std::string name;
  std::string id;
  std::string key;
  Ref frontend;       // child ref (frontendIPConfiguration)
  Ref frontend_port;  // child ref
  AgProtocol protocol{AgProtocol::kHttp};
  std::vector<std::string> host_names;  // `hostName` and `hostNames`, merged
  Ref waf_policy;                       // a per-listener WAF policy (`firewallPolicy`), overriding the gateway's
  WafMode waf_mode{WafMode::kOff};      // of `waf_policy` when set (kUnknown when the policy is not in the input)
  SourceLocation where;
  bool flattened{false};
};

/// A backend given by address: an IP address, or a host name (not resolved).
struct AgBackendAddress {
  std::optional<IpAddress> ip;
  std::string fqdn;
};

struct AgBackendPool {
  std::string name;
  std::string id;
  std::string key;
  std::vector<AgBackendAddress> addresses;
  /// Filled by validation: the ip configurations listing this pool (`applicationGatewayBackendAddressPools`),
  /// sorted by NIC key, then ip configuration name, no repeats. Members by address are matched by the solver.
  std::vector<IpConfigIndex> members;
  SourceLocation where;
};

struct AgBackendSettings {
  std::string name;
  std::string id;
  std::string key;
  std::uint16_t port{0};
  bool unknown{false};  // only known at deployment: every port (docs/model.md, "Unknown values")
  AgProtocol protocol{AgProtocol::kHttp};
  SourceLocation where;
};

/// One place a routing rule sends requests: a backend pool with its settings (child refs). A redirect has
/// neither.
struct AgBackendTarget {
  Ref pool;
  Ref settings;
  std::string path_rule;  // the path rule's name for path-based rules; empty for the default
  SourceLocation where;   // the object holding the two references
};

struct AgUrlPathMap {
  std::string name;
  std::string id;
  std::string key;
  AgBackendTarget default_target;
  std::vector<AgBackendTarget> path_targets;
  SourceLocation where;
  bool flattened{false};
};

/// A request routing rule. Basic rules have one target; path-based rules (`urlPathMap`) get the map's default
/// and every path rule's target, filled by validation.
struct AgRoutingRule {
  std::string name;
  std::string id;
  Ref listener;                          // child ref (httpListener)
  AgBackendTarget target;                // basic rules
  Ref url_path_map;                      // child ref
  std::vector<AgBackendTarget> targets;  // filled by validation: `target`, or the path map's targets
  SourceLocation where;
  bool flattened{false};
};

/// An application gateway (v1 or v2). Not modelled: the L4 `listeners`/`routingRules` (TCP/TLS proxy) and
/// private-link configurations (reported as `unmodelled-feature`); rewrite rules, redirects and probes change
/// nothing about which backends are reached.
struct ApplicationGateway : ResourceBase {
  std::string sku_name;             // Standard_v2, WAF_v2, Standard_Medium, WAF_Large, ...
  std::string tier;                 // Standard, WAF, Standard_v2, WAF_v2
  bool v2{true};                    // from the tier or SKU name ("_v2"); decides the infrastructure port range
  WafMode waf_mode{WafMode::kOff};  // the gateway's WAF: its policy's mode, or webApplicationFirewallConfiguration
  Ref waf_policy;
  /// `webApplicationFirewallConfiguration` or `firewallPolicy` is present (policy 564feb30 checks both absent),
  /// and where (the resource's object when neither is).
  bool waf_configured{false};
  SourceLocation waf_where;
  std::vector<AgGatewayIpConfiguration> gateway_ip_configurations;
  std::vector<AgFrontend> frontends;
  std::vector<AgFrontendPort> frontend_ports;
  std::vector<AgListener> listeners;
  std::vector<AgBackendPool> backend_pools;
  std::vector<AgBackendSettings> backend_settings;
  std::vector<AgUrlPathMap> url_path_maps;
  std::vector<AgRoutingRule> rules;
};

/// The WAF mode in front of a listener: the listener's own policy when it has one, else the gateway's.
inline WafMode effective_waf_mode(const ApplicationGateway& g, const AgListener& l) {
  return l.waf_policy.set() ? l.waf_mode : g.waf_mode;
}

}  // namespace exposim::model
