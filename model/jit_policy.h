// Just-in-time VM access policies (`Microsoft.Security/locations/jitNetworkAccessPolicies`): which ports of which
// virtual machines Defender for Cloud opens on request. Read by the recommendations (EXP-NET-002); a policy does
// not close a port by itself (docs/recommendations.md).
#pragma once

#include <string>
#include <vector>

#include "model/ip.h"
#include "model/resource_base.h"

namespace exposim::model {

/// One entry of a VM's `ports[]`.
struct JitPort {
  int number{0};
  std::string protocol;                      // "TCP", "UDP", "*"
  std::vector<std::string> allowed_sources;  // `allowedSourceAddressPrefix` or `...Prefixes`, as written
  std::string max_request_access_duration;   // ISO 8601 ("PT3H")
  SourceLocation where;
};

/// One entry of `virtualMachines[]`.
struct JitVirtualMachine {
  Ref vm;  // `id`, canonical (resolved to Model::vms by validation when present)
  std::vector<JitPort> ports;
  SourceLocation where;
};

struct JitPolicy : ResourceBase {
  std::vector<JitVirtualMachine> virtual_machines;
};

}  // namespace exposim::model
