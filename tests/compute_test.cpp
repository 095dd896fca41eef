// The compute family on tiny topologies: public IP SKUs (Basic open without an NSG, Standard closed) and an NSG
// on the NIC only. Expected values are worked out by hand from Azure's documentation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "model_builder.h"
#include "scenario_summary.h"
#include "solver/exposure.h"

namespace exposim {
namespace {

using model::Sku;
using namespace exposim::testing;
using namespace exposim::testing::scenario;

}  // namespace

TEST_CASE("NSG on the NIC only, and Basic vs Standard public IPs without any NSG", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nic-nsg", {{"allow-https", 100, kAllow, tcp(), {"Internet"}, {"443"}}})
      .subnet("v", "s", "10.0.0.0/24")
      .public_ip("pip-nic-only", "20.0.0.1", Sku::kStandard)
      .public_ip("pip-basic", "20.0.0.2", Sku::kBasic)
      .public_ip("pip-standard", "20.0.0.3", Sku::kStandard)
      .vm("nic-only", "v", "s", "10.0.0.4", "pip-nic-only", "nic-nsg")
      .vm("open-basic", "v", "s", "10.0.0.5", "pip-basic")
      .vm("closed-standard", "v", "s", "10.0.0.6", "pip-standard")
      .vm("no-public-ip", "v", "s", "10.0.0.7");
  std::vector<std::string> expected = {"nic-only tcp 443 any none > nic-nsg/allow-https"};
  for (const auto& p : kAllOpen) expected.push_back("open-basic " + p + " any none > none");
  auto got = analyze(b);
  std::sort(expected.begin(), expected.end());
  std::sort(got.begin(), got.end());
  CHECK(got == expected);
}

TEST_CASE("a Basic public IP is filtered as soon as one NSG applies", "[solver][scenario]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("empty", {})
      .subnet("v", "s", "10.0.0.0/24", "empty")
      .public_ip("pip", "20.0.0.1", Sku::kBasic)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  CHECK(analyze(b).empty());  // DenyAllInBound; AllowVnetInBound does not admit internet sources
}

}  // namespace exposim
