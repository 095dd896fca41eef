// The names of the hop kinds (solver/hop.h).
#include "solver/hop.h"

namespace exposim::solver {

const char* to_string(HopKind k) {
  switch (k) {
    case HopKind::kSource: return "source";
    case HopKind::kEntry: return "entry";
    case HopKind::kLoadBalancer: return "load-balancer";
    case HopKind::kNsg: return "nsg";
    case HopKind::kNoNsg: return "no-nsg";
    case HopKind::kRoute: return "route";
    case HopKind::kFirewall: return "firewall";
    case HopKind::kApplicationGateway: return "application-gateway";
    case HopKind::kBastion: return "bastion";
    case HopKind::kPaas: return "paas";
    case HopKind::kAppliance: return "appliance";
    case HopKind::kTarget: return "target";
    case HopKind::kAdminRule: return "admin-rule";
  }
  return "?";
}

const char* to_string(Via v) {
  switch (v) {
    case Via::kPublicIp: return "public-ip";
    case Via::kLoadBalancer: return "load-balancer";
    case Via::kLoadBalancerNat: return "load-balancer-nat";
    case Via::kFirewallDnat: return "firewall-dnat";
    case Via::kApplicationGateway: return "application-gateway";
    case Via::kBastion: return "bastion";
    case Via::kPaasPublic: return "paas-public";
    case Via::kAppliance: return "appliance";
  }
  return "?";
}

}  // namespace exposim::solver
