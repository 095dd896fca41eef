// The hub-and-spoke estate with a network virtual appliance that analyze's appliance tests (tests/appliance_test.cpp)
// and explain's (tests/explain_appliance_test.cpp) both work out by hand.
#pragma once

#include "tests/model_builder.h"

namespace exposim::testing {

/// hub 10.0.0.0/16 with an appliance `nva` (10.0.1.4, IP forwarding, public IP 20.0.0.1 Standard, NSG `nsg-nva`
/// allowing 443 from the internet); spoke 10.1.0.0/16 whose subnet `app` sends 0.0.0.0/0 to 10.0.1.4 and whose
/// NSG `nsg-app` allows 8443 from the internet and denies the rest; VM `app` 10.1.1.4 behind it. Peered both ways,
/// the spoke's side allowing forwarded traffic when `forwarded`.
inline EstateBuilder appliance_hub_estate(bool forwarded) {
  EstateBuilder b;
  b.vnet("hub", {"10.0.0.0/16"})
      .vnet("spoke", {"10.1.0.0/16"})
      .nsg("nsg-nva", {{"allow-https", 100, kAllow, tcp(), {"Internet"}, {"443"}}})
      .nsg("nsg-app", {{"allow-8443", 100, kAllow, tcp(), {"Internet"}, {"8443"}},
                       {"deny-rest", 4000, kDeny, any_protocol(), {"*"}, {"*"}}})
      .subnet("hub", "nva", "10.0.1.0/24", "nsg-nva")
      .subnet("spoke", "app", "10.1.1.0/24", "nsg-app", "rt-spoke")
      .route_to_appliance("rt-spoke", "0.0.0.0/0", "10.0.1.4")
      .public_ip("pip-nva", "20.0.0.1", model::Sku::kStandard)
      .vm("nva", "hub", "nva", "10.0.1.4", "pip-nva")
      .vm("app", "spoke", "app", "10.1.1.4")
      .peering("hub", "spoke", {true, true, false})
      .peering("spoke", "hub", {true, true, forwarded});
  b.m.nics[0].enable_ip_forwarding = true;
  return b;
}

}  // namespace exposim::testing
