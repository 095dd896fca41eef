// resolve_reach_source() and resolve_reach_targets() (solver/reach_source.h): every form of --from and --to on the
// fixture tests/data/reach/estate.json (two peered VNets: vnet-front with subnets web, app and GatewaySubnet;
// vnet-data with db and app), the unknown and ambiguous errors with their candidates, and their words
// (cli/reach_query_text.h).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cli/reach_query_text.h"
#include "importers/inputs.h"
#include "model/model.h"
#include "model/validate.h"
#include "solver/reach_source.h"

namespace exposim {
namespace {

using RK = model::ResourceKind;
using solver::ReachCandidate;
using solver::ReachErrorCode;
using solver::ReachOption;
using solver::ReachSource;
using Kind = solver::ReachSource::Kind;

model::Model reach_fixture() {
  model::Model m;
  model::Diagnostics diags;
  std::string path = EXPOSIM_SOURCE_DIR;  // appended piecewise: GCC 12 warns falsely on the concatenation inlined
  path.append("/tests/data/reach/estate.json");
  importers::import_inputs({path}, {}, m, diags);
  model::validate(m, diags, {});
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

template <typename Items>
int index_named(const Items& items, const std::string& name) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].name == name) return static_cast<int>(i);
  }
  FAIL("no resource named " << name);
  return -1;
}

int subnet_of(const model::Model& m, const std::string& vnet, const std::string& name) {
  for (std::size_t i = 0; i < m.subnets.size(); ++i) {
    if (m.subnets[i].name == name && m.subnets[i].vnet.index == index_named(m.vnets, vnet)) return static_cast<int>(i);
  }
  FAIL("no subnet " << vnet << "/" << name);
  return -1;
}

model::IpSet cidr(const char* text) { return model::to_set(*model::IpPrefix::parse(text)); }

std::vector<model::IpConfigIndex> configs(const solver::ResolvedReachSource& r) {
  std::vector<model::IpConfigIndex> out;
  for (const auto& s : r.sources) {
    REQUIRE(s.kind == Kind::kIpConfiguration);
    out.push_back(s.ip_configuration);
  }
  return out;
}

TEST_CASE("reach --from a private address is the ip configuration holding it", "[reach_source][solver]") {
  const auto m = reach_fixture();
  const int web = index_named(m.nics, "nic-web");
  const auto r = solver::resolve_reach_source(m, "10.10.1.4");
  REQUIRE_FALSE(r.error);
  CHECK(configs(r) == std::vector<model::IpConfigIndex>{{web, 0}});
  const int batch = index_named(m.nics, "nic-batch");
  CHECK(configs(solver::resolve_reach_source(m, "10.10.1.6")) == std::vector<model::IpConfigIndex>{{batch, 1}});
}

TEST_CASE("reach --from a VM or NIC is every ip configuration of it by name or id in any case",
          "[reach_source][solver]") {
  const auto m = reach_fixture();
  const int batch = index_named(m.nics, "nic-batch");
  const std::vector<model::IpConfigIndex> both = {{batch, 0}, {batch, 1}};
  CHECK(configs(solver::resolve_reach_source(m, "VM-Batch")) == both);
  CHECK(configs(solver::resolve_reach_source(m, "nic-batch")) == both);
  CHECK(configs(solver::resolve_reach_source(m, m.vms[index_named(m.vms, "vm-batch")].id)) == both);
  std::string upper_id = m.nics[batch].id;
  for (char& c : upper_id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(configs(solver::resolve_reach_source(m, upper_id)) == both);
  // An ip configuration's id: that one only.
  CHECK(configs(solver::resolve_reach_source(m, m.nics[batch].id + "/ipConfigurations/ipconfig2")) ==
        std::vector<model::IpConfigIndex>{{batch, 1}});
}

TEST_CASE("reach --from subnet and vnet forms and ids", "[reach_source][solver]") {
  const auto m = reach_fixture();
  const int db = subnet_of(m, "vnet-data", "db");
  const int data = index_named(m.vnets, "vnet-data");
  for (const std::string& text :
       {std::string("subnet:db"), std::string("SUBNET:DB"), std::string("subnet:vnet-data/db"), m.subnets[db].id}) {
    INFO(text);
    const auto r = solver::resolve_reach_source(m, text);
    REQUIRE_FALSE(r.error);
    REQUIRE(r.sources.size() == 1);
    CHECK(r.sources[0].kind == Kind::kSubnet);
    CHECK(r.sources[0].subnet == db);
    CHECK(r.sources[0].vnet == data);
  }
  for (const std::string& text : {std::string("vnet:vnet-data"), std::string("vnet:VNET-DATA"), m.vnets[data].id}) {
    INFO(text);
    const auto r = solver::resolve_reach_source(m, text);
    REQUIRE_FALSE(r.error);
    REQUIRE(r.sources.size() == 1);
    CHECK(r.sources[0].kind == Kind::kVirtualNetwork);
    CHECK(r.sources[0].vnet == data);
  }
}

TEST_CASE("reach --from a subnet name two VNets have is ambiguous until the VNet is given", "[reach_source][solver]") {
  const auto m = reach_fixture();
  const int front_app = subnet_of(m, "vnet-front", "app");
  const int data_app = subnet_of(m, "vnet-data", "app");
  const auto r = solver::resolve_reach_source(m, "subnet:app");
  REQUIRE(r.error);
  CHECK(r.error->code == ReachErrorCode::kAmbiguous);
  CHECK(r.error->candidates == std::vector<ReachCandidate>{{RK::kSubnet, std::min(front_app, data_app), -1},
                                                           {RK::kSubnet, std::max(front_app, data_app), -1}});
  CHECK(cli::reach_error_text(m, *r.error) ==
        "--from: 'subnet:app' names 2 resources; give one of them by its id, or as subnet:VNET/NAME");
  const auto lines = cli::reach_candidates_text(m, *r.error);
  REQUIRE(lines.size() == 2);
  CHECK(lines[front_app < data_app ? 0 : 1] == "subnet:vnet-front/app (" + m.subnets[front_app].id + ")");
  const auto chosen = solver::resolve_reach_source(m, "subnet:vnet-data/app");
  REQUIRE_FALSE(chosen.error);
  CHECK(chosen.sources.at(0).subnet == data_app);
}

TEST_CASE("reach --from an address prefix outside every VNet arrives through the only GatewaySubnet",
          "[reach_source][solver]") {
  const auto m = reach_fixture();
  const int gateway = subnet_of(m, "vnet-front", "GatewaySubnet");
  const int front = index_named(m.vnets, "vnet-front");
  const auto r = solver::resolve_reach_source(m, "192.168.0.0/16");
  REQUIRE_FALSE(r.error);
  REQUIRE(r.sources.size() == 1);
  CHECK(r.sources[0].kind == Kind::kPrefix);
  CHECK(r.sources[0].prefix == cidr("192.168.0.0/16"));
  CHECK(r.sources[0].vnet == front);
  CHECK(r.sources[0].subnet == gateway);
  CHECK(cli::reach_source_text(m, r.sources[0]) == "on-premises 192.168.0.0/16 through vnet-front/GatewaySubnet");
  // One address outside every VNet: the prefix of that address.
  const auto one = solver::resolve_reach_source(m, "192.168.7.9");
  REQUIRE_FALSE(one.error);
  CHECK(one.sources.at(0).kind == Kind::kPrefix);
  CHECK(one.sources.at(0).prefix == cidr("192.168.7.9/32"));
  // --gateway names the VNet; one without a GatewaySubnet, or an unknown one, is an error about --gateway.
  const auto chosen = solver::resolve_reach_source(m, "192.168.0.0/16", "VNET-FRONT");
  REQUIRE_FALSE(chosen.error);
  CHECK(chosen.sources.at(0).subnet == gateway);
  const auto without = solver::resolve_reach_source(m, "192.168.0.0/16", "vnet-data");
  REQUIRE(without.error);
  CHECK(without.error->option == ReachOption::kGateway);
  CHECK(without.error->code == ReachErrorCode::kGatewayWithoutSubnet);
  CHECK(cli::reach_error_text(m, *without.error) == "--gateway: virtual network 'vnet-data' has no GatewaySubnet");
  const auto unknown = solver::resolve_reach_source(m, "192.168.0.0/16", "vnet-dta");
  REQUIRE(unknown.error);
  CHECK(unknown.error->option == ReachOption::kGateway);
  CHECK(unknown.error->code == ReachErrorCode::kUnknown);
  CHECK(cli::reach_error_text(m, *unknown.error) ==
        "--gateway: no virtual network 'vnet-dta' in the inputs; did you mean 'vnet-data'?");
  // --gateway with a source inside the estate.
  const auto inside = solver::resolve_reach_source(m, "vm-web", "vnet-front");
  REQUIRE(inside.error);
  CHECK(inside.error->code == ReachErrorCode::kGatewayNotApplicable);
  CHECK(inside.sources.empty());
}

TEST_CASE("reach --from on-premises needs exactly one GatewaySubnet or --gateway", "[reach_source][solver]") {
  auto m = reach_fixture();
  m.subnets[subnet_of(m, "vnet-data", "app")].name = "gatewaysubnet";  // the name compares without case
  const auto several = solver::resolve_reach_source(m, "192.168.0.0/16");
  REQUIRE(several.error);
  CHECK(several.error->code == ReachErrorCode::kSeveralGatewaySubnets);
  CHECK(several.error->candidates.size() == 2);
  CHECK(cli::reach_error_text(m, *several.error) ==
        "--from: 192.168.0.0/16 is outside every virtual network (on-premises), and 2 virtual networks have a "
        "GatewaySubnet it may arrive through; --gateway VNET chooses");
  CHECK_FALSE(solver::resolve_reach_source(m, "192.168.0.0/16", "vnet-data").error);

  auto none = reach_fixture();
  none.subnets[subnet_of(none, "vnet-front", "GatewaySubnet")].name = "gw";
  const auto r = solver::resolve_reach_source(none, "192.168.0.0/16");
  REQUIRE(r.error);
  CHECK(r.error->code == ReachErrorCode::kNoGatewaySubnet);
}

TEST_CASE("reach --from addresses inside a VNet that nothing holds are errors naming the place",
          "[reach_source][solver]") {
  const auto m = reach_fixture();
  const auto unheld = solver::resolve_reach_source(m, "10.10.1.99");
  REQUIRE(unheld.error);
  CHECK(unheld.error->code == ReachErrorCode::kUnheldAddress);
  CHECK(unheld.error->subnet == subnet_of(m, "vnet-front", "web"));
  CHECK(cli::reach_error_text(m, *unheld.error) ==
        "--from: no ip configuration holds 10.10.1.99 in subnet 'vnet-front/web'; --from subnet:vnet-front/web "
        "reaches from the whole subnet");
  const auto outside = solver::resolve_reach_source(m, "10.10.200.1");
  REQUIRE(outside.error);
  CHECK(outside.error->code == ReachErrorCode::kAddressOutsideSubnets);
  CHECK(outside.error->vnet == index_named(m.vnets, "vnet-front"));
  const auto prefix = solver::resolve_reach_source(m, "10.10.0.0/20");
  REQUIRE(prefix.error);
  CHECK(prefix.error->code == ReachErrorCode::kPrefixInVnet);
  CHECK(prefix.error->candidates == std::vector<ReachCandidate>{{RK::kSubnet, subnet_of(m, "vnet-front", "web"), -1},
                                                                {RK::kSubnet, subnet_of(m, "vnet-front", "app"), -1}});
}

TEST_CASE("reach --from unknown names suggest the nearest names or the subnet form", "[reach_source][solver]") {
  const auto m = reach_fixture();
  const auto typo = solver::resolve_reach_source(m, "vm-wbe");
  REQUIRE(typo.error);
  CHECK(typo.error->code == ReachErrorCode::kUnknown);
  CHECK(typo.error->suggestions.at(0) == "vm-web");
  CHECK(cli::reach_error_text(m, *typo.error).find("--from: unknown source 'vm-wbe': expected a private IP address") ==
        0);
  CHECK(cli::reach_error_text(m, *typo.error).ends_with("; did you mean 'vm-web' or 'vm-db'?"));
  const auto bare = solver::resolve_reach_source(m, "db");
  REQUIRE(bare.error);
  CHECK(bare.error->candidates == std::vector<ReachCandidate>{{RK::kSubnet, subnet_of(m, "vnet-data", "db"), -1}});
  CHECK(cli::reach_error_text(m, *bare.error).ends_with("; did you mean 'subnet:vnet-data/db'?"));
  const auto subnet = solver::resolve_reach_source(m, "subnet:wbe");
  REQUIRE(subnet.error);
  CHECK(cli::reach_error_text(m, *subnet.error) == "--from: no subnet 'wbe' in the inputs; did you mean 'web'?");
  for (const char* empty : {"", "subnet:", "vnet:"}) {
    const auto r = solver::resolve_reach_source(m, empty);
    REQUIRE(r.error);
    CHECK(r.error->code == ReachErrorCode::kEmpty);
  }
}

TEST_CASE("reach --from a name several resources have is ambiguous, one VM and its NIC of one name are not",
          "[reach_source][solver]") {
  auto m = reach_fixture();
  const int web = index_named(m.nics, "nic-web");
  model::NetworkInterface twin = m.nics[web];
  twin.id =
      "/subscriptions/00000000-0000-0000-0000-00000000ab21/resourceGroups/rg-other/providers/"
      "Microsoft.Network/networkInterfaces/nic-web";
  twin.key = model::canonical_id(twin.id);
  twin.ip_configurations[0].private_ip = model::IpAddress::parse("10.10.1.7");
  twin.ip_configurations[0].id.clear();
  twin.virtual_machine = {};
  m.nics.push_back(twin);
  const auto r = solver::resolve_reach_source(m, "nic-web");
  REQUIRE(r.error);
  CHECK(r.error->code == ReachErrorCode::kAmbiguous);
  CHECK(r.error->candidates ==
        std::vector<ReachCandidate>{{RK::kNetworkInterface, web, -1},
                                    {RK::kNetworkInterface, static_cast<int>(m.nics.size()) - 1, -1}});
  CHECK(cli::reach_candidates_text(m, *r.error).at(0) == m.nics[web].id + " (network interface 'nic-web')");

  // Two ip configurations holding one address (overlapping, unconnected VNets): ambiguous.
  auto dup = reach_fixture();
  dup.nics[index_named(dup.nics, "nic-db")].ip_configurations[0].private_ip = model::IpAddress::parse("10.10.1.4");
  const auto address = solver::resolve_reach_source(dup, "10.10.1.4");
  REQUIRE(address.error);
  CHECK(address.error->code == ReachErrorCode::kAmbiguousAddress);
  CHECK(address.error->candidates.size() == 2);
  CHECK(cli::reach_candidates_text(dup, *address.error)
            .at(0)
            .ends_with("(VM 'vm-web', NIC 'nic-web', private 10.10.1.4)"));

  // A VM whose NIC has its name: one meaning.
  auto same = reach_fixture();
  same.nics[index_named(same.nics, "nic-web")].name = "vm-web";
  const auto one = solver::resolve_reach_source(same, "vm-web");
  REQUIRE_FALSE(one.error);
  CHECK(configs(one) == std::vector<model::IpConfigIndex>{{web, 0}});
}

TEST_CASE("reach --to names ip configurations and private endpoints", "[reach_source][solver]") {
  const auto m = reach_fixture();
  const int db = index_named(m.nics, "nic-db");
  const int web = index_named(m.nics, "nic-web");
  const int batch = index_named(m.nics, "nic-batch");
  const int pe = index_named(m.private_endpoints, "pe-sql");
  using Configs = std::vector<model::IpConfigIndex>;

  const auto vm = solver::resolve_reach_targets(m, "vm-db");
  REQUIRE_FALSE(vm.error);
  CHECK(vm.targets.ip_configurations == Configs{{db, 0}});
  CHECK(vm.targets.private_endpoints.empty());
  CHECK(vm.targets.admits(RK::kNetworkInterface, db));
  CHECK_FALSE(vm.targets.admits(RK::kNetworkInterface, web));
  CHECK_FALSE(vm.targets.admits(RK::kPrivateEndpoint, pe));

  for (const char* text : {"10.20.1.10", "PE-SQL"}) {
    INFO(text);
    const auto endpoint = solver::resolve_reach_targets(m, text);
    REQUIRE_FALSE(endpoint.error);
    CHECK(endpoint.targets.ip_configurations.empty());
    CHECK(endpoint.targets.private_endpoints == std::vector<int>{pe});
    CHECK(endpoint.targets.admits(RK::kPrivateEndpoint, pe));
  }

  const auto subnet = solver::resolve_reach_targets(m, "subnet:db");
  REQUIRE_FALSE(subnet.error);
  CHECK(subnet.targets.ip_configurations == Configs{{db, 0}});
  CHECK(subnet.targets.private_endpoints == std::vector<int>{pe});

  const auto vnet = solver::resolve_reach_targets(m, "vnet:vnet-front");
  REQUIRE_FALSE(vnet.error);
  Configs front = {{web, 0}, {batch, 0}, {batch, 1}};
  std::sort(front.begin(), front.end());
  CHECK(vnet.targets.ip_configurations == front);

  // One address of a NIC with two: the NIC is evaluated, only that ip configuration's flows are kept.
  const auto one = solver::resolve_reach_targets(m, "10.10.1.6");
  REQUIRE_FALSE(one.error);
  CHECK(one.targets.admits(RK::kNetworkInterface, batch));
  solver::ReachFlow f;
  f.target_kind = RK::kNetworkInterface;
  f.target = f.nic = batch;
  f.ip_configuration = 0;
  CHECK_FALSE(one.targets.contains(f));
  f.ip_configuration = 1;
  CHECK(one.targets.contains(f));

  const auto unknown = solver::resolve_reach_targets(m, "vm-dbb");
  REQUIRE(unknown.error);
  CHECK(unknown.error->option == ReachOption::kTo);
  CHECK(unknown.error->code == ReachErrorCode::kUnknown);
  CHECK(cli::reach_error_text(m, *unknown.error).starts_with("--to: unknown target 'vm-dbb'"));
  CHECK(cli::reach_error_text(m, *unknown.error).ends_with("did you mean 'vm-db' or 'vm-web'?"));
}

}  // namespace
}  // namespace exposim
