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
  }
  return "?";
}

}  // namespace exposim::solver
