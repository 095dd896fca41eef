// Network virtual appliances (via: appliance), next hop None, and allowForwardedTraffic
// (docs/model.md#routing-and-peering), with expectations worked out by hand.
#include <catch2/catch.hpp>

#include "cli/broken_text.h"
#include "solver/exposure.h"
#include "tests/appliance_estates.h"
#include "tests/model_builder.h"

namespace exposim::testing {
namespace {

using model::NextHopType;
using model::Sku;
using solver::Via;

std::vector<const solver::Exposure*> via(const std::vector<solver::Exposure>& all, Via v, const std::string& nic,
                                         const model::Model& m) {
  std::vector<const solver::Exposure*> out;
  for (const auto& e : all) {
    if (e.via == v && e.nic >= 0 && m.nics[e.nic].name == nic) out.push_back(&e);
  }
  return out;
}

TEST_CASE("appliance: hosts whose replies go to an appliance are reached through it", "[appliance]") {
  auto b = appliance_hub_estate(true);
  const auto m = b.done();
  const auto a = solver::analyze(m);
  // The appliance itself: 443 from any source (its own NSG).
  const auto own = via(a.exposures, Via::kPublicIp, "nva-nic", m);
  REQUIRE(own.size() == 1);
  CHECK(model::to_string(own[0]->ports) == "443");
  // Behind it: what app's NSG admits from the sources the appliance admits (all of the internet): 8443.
  const auto behind = via(a.exposures, Via::kAppliance, "app-nic", m);
  REQUIRE(behind.size() == 1);
  CHECK(model::to_string(behind[0]->ports) == "8443");
  CHECK(behind[0]->any_source);
  CHECK(m.nics[behind[0]->gateway].name == "nva-nic");
  bool noted = false;
  for (const auto& h : behind[0]->path) noted = noted || h.kind == solver::Hop::Kind::kAppliance;
  CHECK(noted);
  CHECK(a.broken.empty());
}

TEST_CASE("appliance: a spoke peering without allowForwardedTraffic drops what the appliance forwards", "[appliance]") {
  auto b = appliance_hub_estate(false);
  const auto m = b.done();
  const auto a = solver::analyze(m);
  CHECK(via(a.exposures, Via::kAppliance, "app-nic", m).empty());
  REQUIRE(a.broken.size() == 1);
  REQUIRE(a.broken[0].broken);
  CHECK(cli::broken_text(m, *a.broken[0].broken) ==
        "appliance 'nva-nic' cannot forward to 10.1.1.4: peering 'spoke-to-hub' of 'spoke' does not allow forwarded "
        "traffic (allowForwardedTraffic is false)");
}

TEST_CASE("appliance: the sources an appliance forwards are those its own NSG admits", "[appliance]") {
  auto b = appliance_hub_estate(true);
  b.m.nsgs[0].rules[0].source = {};
  add_address(b.m.nsgs[0].rules[0].source, "52.10.0.0/16");
  const auto m = b.done();
  const auto a = solver::analyze(m);
  const auto behind = via(a.exposures, Via::kAppliance, "app-nic", m);
  REQUIRE(behind.size() == 1);
  CHECK(model::to_cidr_strings(behind[0]->sources) == std::vector<std::string>{"52.10.0.0/16"});
}

TEST_CASE("routing: a route with next hop None drops replies: the public IP's flows are broken", "[appliance]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      // deny-rest: the 0.0.0.0/0 route puts the internet into the VirtualNetwork tag (docs/model.md), so
      // AllowVnetInBound would otherwise admit everything.
      .nsg("nsg", {{"allow-ssh", 100, kAllow, tcp(), {"Internet"}, {"22"}},
                   {"deny-rest", 4000, kDeny, any_protocol(), {"*"}, {"*"}}})
      .route_table("rt", "0.0.0.0/0", NextHopType::kNone)
      .subnet("v", "s", "10.0.0.0/24", "nsg", "rt")
      .public_ip("pip", "20.0.0.9", Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  const auto m = b.done();
  const auto a = solver::analyze(m);
  CHECK(a.exposures.empty());
  REQUIRE(a.broken.size() == 1);
  CHECK(model::to_string(a.broken[0].ports) == "22");
  REQUIRE(a.broken[0].broken);
  CHECK(a.broken[0].broken->code == solver::BrokenCode::kRepliesDropped);
  CHECK(a.broken[0].broken->route.next_hop == model::NextHopType::kNone);
  CHECK(a.broken[0].broken->target.nic == a.broken[0].nic);
  CHECK(cli::broken_text(m, *a.broken[0].broken) ==
        "replies to these clients take route 'route-0.0.0.0/0' (0.0.0.0/0 -> None) of route table 'rt': they are "
        "dropped, so the connection fails");
}

}  // namespace
}  // namespace exposim::testing
