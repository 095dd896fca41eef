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

/// The fixture's path (appended piecewise: GCC 12 warns falsely on the concatenation inlined).
std::string reach_estate_path() {
  std::string path = EXPOSIM_SOURCE_DIR;
  path.append("/tests/data/reach/estate.json");
  return path;
}

TEST_CASE("reach with an unknown source exits 2 and suggests the nearest name", "[cli][reach]") {
  const auto r = run_exposim({"reach", reach_estate_path(), "--from", "vm-wbe", "--quiet"});
  CHECK(r.code == cli::kExitBadInput);
  CHECK(r.out.empty());
  CHECK(r.err.starts_with("exposim: error: --from: unknown source 'vm-wbe': expected a private IP address"));
  CHECK(r.err.ends_with("; did you mean 'vm-web' or 'vm-db'?\n"));
}

TEST_CASE("reach with an ambiguous subnet lists the candidates as notes and exits 2", "[cli][reach]") {
  const auto r = run_exposim({"reach", reach_estate_path(), "--from", "subnet:app", "--quiet"});
  CHECK(r.code == cli::kExitBadInput);
  const std::string sub = "/subscriptions/00000000-0000-0000-0000-00000000ab21/resourceGroups/";
  CHECK(r.err ==
        "exposim: error: --from: 'subnet:app' names 2 resources; give one of them by its id, or as subnet:VNET/NAME\n"
        "exposim: note: candidate: subnet:vnet-front/app (" +
            sub +
            "rg-front/providers/Microsoft.Network/virtualNetworks/vnet-front/subnets/app)\n"
            "exposim: note: candidate: subnet:vnet-data/app (" +
            sub + "rg-data/providers/Microsoft.Network/virtualNetworks/vnet-data/subnets/app)\n");
}

TEST_CASE("reach query errors about --to and --gateway exit 2 and a missing --from 3", "[cli][reach]") {
  const auto to = run_exposim({"reach", reach_estate_path(), "--from", "vm-web", "--to", "10.99.0.1", "--quiet"});
  CHECK(to.code == cli::kExitBadInput);
  CHECK(to.err.starts_with("exposim: error: --to: unknown target '10.99.0.1'"));
  const auto gateway =
      run_exposim({"reach", reach_estate_path(), "--from", "vm-web", "--gateway", "vnet-front", "--quiet"});
  CHECK(gateway.code == cli::kExitBadInput);
  CHECK(gateway.err ==
        "exposim: error: --gateway applies only to an on-premises --from (an address or prefix outside every virtual "
        "network)\n");
  const auto unheld = run_exposim({"reach", reach_estate_path(), "--from", "10.10.1.99", "--quiet"});
  CHECK(unheld.code == cli::kExitBadInput);
  CHECK(
      unheld.err.starts_with("exposim: error: --from: no ip configuration holds 10.10.1.99 in subnet "
                             "'vnet-front/web'; --from subnet:vnet-front/web reaches from the whole subnet\n"));
  const auto missing = run_exposim({"reach", reach_estate_path()});
  CHECK(missing.code == cli::kExitUsage);  // --from is required
}

const char* const kReachRulesSame =
    "nic-outbound: no NSG > subnet-outbound: nsg-web/AllowVnetOutBound (65000) > subnet: nsg-web/AllowVnetInBound "
    "(65000) > nic: no NSG";
const char* const kReachRulesEndpoint =
    "nic-outbound: no NSG > subnet-outbound: nsg-web/AllowVnetOutBound (65000) > subnet: nsg-db not applied (private "
    "endpoint network policies) > nic: no NSG";

// From vm-web (10.10.1.4): vm-batch's two addresses in its own subnet on everything (AllowVnetOutBound, then
// AllowVnetInBound); vm-db only on tcp 1433 (allow-sql-from-web; deny-vnet-in denies the rest, and tcp 22 is denied
// on the way out); pe-sql on everything but tcp 22 (deny-ssh-to-data on the way out; nsg-db does not apply to it).
TEST_CASE("reach from a VM: the table worked out by hand", "[cli][reach]") {
  const auto r = run_exposim({"reach", reach_estate_path(), "--from", "vm-web", "--quiet"});
  REQUIRE(r.code == cli::kExitOk);
  const std::string same = kReachRulesSame;
  const std::string pe = kReachRulesEndpoint;
  const std::string db =
      "nic-outbound: no NSG > subnet-outbound: nsg-web/AllowVnetOutBound (65000) > subnet: nsg-db/allow-sql-from-web "
      "(100) > nic: no NSG";
  CHECK(r.out ==
        "from vm-web (10.10.1.4)\n"
        "\n"
        "  SOURCE  TARGET    IP          PROTO        PORTS          SOURCES       RULES\n"
        "  vm-web  vm-batch  10.10.1.5   tcp          all            10.10.1.4/32  " +
            same +
            "\n"
            "  vm-web  vm-batch  10.10.1.5   udp          all            10.10.1.4/32  " +
            same +
            "\n"
            "  vm-web  vm-batch  10.10.1.5   icmp,esp,ah  -              10.10.1.4/32  " +
            same +
            "\n"
            "  vm-web  vm-batch  10.10.1.6   tcp          all            10.10.1.4/32  " +
            same +
            "\n"
            "  vm-web  vm-batch  10.10.1.6   udp          all            10.10.1.4/32  " +
            same +
            "\n"
            "  vm-web  vm-batch  10.10.1.6   icmp,esp,ah  -              10.10.1.4/32  " +
            same +
            "\n"
            "  vm-web  vm-db     10.20.1.4   tcp          1433           10.10.1.4/32  " +
            db +
            "\n"
            "  vm-web  pe-sql    10.20.1.10  tcp          0-21,23-65535  10.10.1.4/32  " +
            pe +
            "\n"
            "  vm-web  pe-sql    10.20.1.10  udp          all            10.10.1.4/32  " +
            pe +
            "\n"
            "  vm-web  pe-sql    10.20.1.10  icmp,esp,ah  -              10.10.1.4/32  " +
            pe +
            "\n"
            "16 flows to 4 targets\n");
}

TEST_CASE("reach from a VM to a VM: the JSON flow and its hops worked out by hand", "[cli][reach]") {
  const auto r = run_exposim({"reach", reach_estate_path(), "--from", "vm-web", "--to", "vm-db", "-f", "json"});
  REQUIRE(r.code == cli::kExitOk);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["format"] == "exposim-reach");
  CHECK(j["version"] == 1);
  CHECK(j["from"]["query"] == "vm-web");
  CHECK(j["from"]["sources"].size() == 1);
  CHECK(j["from"]["sources"][0]["ip"] == "10.10.1.4");
  CHECK(j["to"] == "vm-db");
  REQUIRE(j["flows"].size() == 1);
  const auto& f = j["flows"][0];
  CHECK(f["source"]["name"] == "vm-web");
  CHECK(f["target"]["name"] == "vm-db");
  CHECK(f["target"]["ip"] == "10.20.1.4");
  CHECK(f["protocol"] == "tcp");
  CHECK(f["ports"] == nlohmann::json::parse("[[1433,1433]]"));
  CHECK(f["sources"] == nlohmann::json::parse(R"(["10.10.1.4/32"])"));
  CHECK(f["destinations"] == nlohmann::json::parse(R"(["10.20.1.4/32"])"));
  // source (nic-web) > nic-outbound none > subnet-outbound nsg-web AllowVnetOutBound > forward route (the peering) >
  // subnet nsg-db allow-sql-from-web > nic none > return route (the peering) > target nic-db.
  const auto& p = f["path"];
  REQUIRE(p.size() == 8);
  CHECK(p[0]["hop"] == "source");
  CHECK(p[0]["name"] == "nic-web");
  CHECK(p[0]["type"] == "network-interface");
  CHECK(p[1] == nlohmann::json::parse(R"({"hop":"no-nsg","scope":"nic-outbound"})"));
  CHECK(p[2]["scope"] == "subnet-outbound");
  CHECK(p[2]["name"] == "nsg-web");
  CHECK(p[2]["rule"]["name"] == "AllowVnetOutBound");
  CHECK(p[3] == nlohmann::json::parse(R"({"hop":"route","scope":"forward","route":null,"note":"peering"})"));
  CHECK(p[4]["scope"] == "subnet");
  CHECK(p[4]["rule"]["name"] == "allow-sql-from-web");
  CHECK(p[4]["rule"]["priority"] == 100);
  CHECK(p[5] == nlohmann::json::parse(R"({"hop":"no-nsg","scope":"nic"})"));
  CHECK(p[6] == nlohmann::json::parse(R"({"hop":"route","scope":"return","route":null,"note":"peering"})"));
  CHECK(p[7]["hop"] == "target");
  CHECK(p[7]["name"] == "nic-db");
  CHECK(j["summary"] ==
        nlohmann::json::parse(
            R"({"flows":1,"targets":1,"broken":0,"source_classes":1,"target_classes":1,"evaluations":1})"));
  CHECK(j["broken"].empty());
}

TEST_CASE("reach to a private endpoint by address: JSON and CSV", "[cli][reach]") {
  const auto r = run_exposim({"reach", reach_estate_path(), "--from", "10.10.1.4", "--to", "10.20.1.10", "-f", "json"});
  REQUIRE(r.code == cli::kExitOk);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["flows"].size() == 5);  // tcp, udp, icmp, esp, ah
  const auto& tcp = j["flows"][0];
  CHECK(tcp["target"]["type"] == "private-endpoint");
  CHECK(tcp["target"]["name"] == "pe-sql");
  CHECK(tcp["target"]["ip"] == "10.20.1.10");
  CHECK(tcp["ports"] == nlohmann::json::parse("[[0,21],[23,65535]]"));
  CHECK(tcp["path"][3]["note"] == "private-endpoint");  // the endpoint's /32 system route
  CHECK(tcp["path"][4]["hop"] == "no-nsg");
  CHECK(tcp["path"][4]["scope"] == "subnet");

  const auto csv = run_exposim({"reach", reach_estate_path(), "--from", "vm-web", "--to", "pe-sql", "-f", "csv"});
  REQUIRE(csv.code == cli::kExitOk);
  const std::string sub = "/subscriptions/00000000-0000-0000-0000-00000000ab21/resourceGroups/";
  const std::string front =
      "vm-web,virtual-machine," + sub +
      "rg-front/providers/Microsoft.Compute/virtualMachines/vm-web,10.10.1.4,pe-sql,private-endpoint," + sub +
      "rg-data/providers/Microsoft.Network/privateEndpoints/pe-sql,10.20.1.10,";
  const std::string pe = kReachRulesEndpoint;
  CHECK(csv.out ==
        "source,source_type,source_id,source_ip,target,target_type,target_id,target_ip,protocol,ports,sources,broken,"
        "why,path_rules\n" +
            front + "tcp,\"0-21,23-65535\",10.10.1.4/32,false,," + pe + "\n" + front + "udp,all,10.10.1.4/32,false,," +
            pe + "\n" + front + "icmp,'-,10.10.1.4/32,false,," + pe + "\n" + front + "esp,'-,10.10.1.4/32,false,," +
            pe + "\n" + front + "ah,'-,10.10.1.4/32,false,," + pe + "\n");
}

// On-premises 198.51.100.0/24 through vnet-front's GatewaySubnet (no NSG there, no route table): no outbound NSG;
// nsg-web admits nothing from it (not in the VirtualNetwork tag: no on-premises space is declared; DenyAllInBound),
// nsg-db neither (allow-sql-from-web names 10.10.1.0/24; DenyAllInBound); pe-sql, whose subnet NSG does not apply,
// on everything. The replies take the system default route, which stands for the gateway's routes.
TEST_CASE("reach from an on-premises prefix through the only GatewaySubnet", "[cli][reach]") {
  const auto r = run_exposim({"reach", reach_estate_path(), "--from", "198.51.100.0/24", "--quiet"});
  REQUIRE(r.code == cli::kExitOk);
  const std::string rules = "subnet: nsg-db not applied (private endpoint network policies) > nic: no NSG";
  CHECK(r.out ==
        "from on-premises 198.51.100.0/24 through vnet-front/GatewaySubnet\n"
        "\n"
        "  SOURCE       TARGET  IP          PROTO        PORTS  SOURCES          RULES\n"
        "  on-premises  pe-sql  10.20.1.10  tcp          all    198.51.100.0/24  " +
            rules +
            "\n"
            "  on-premises  pe-sql  10.20.1.10  udp          all    198.51.100.0/24  " +
            rules +
            "\n"
            "  on-premises  pe-sql  10.20.1.10  icmp,esp,ah  -      198.51.100.0/24  " +
            rules +
            "\n"
            "5 flows to 1 target\n");
}

// tests/data/reach/paas.json: web-nic (10.0.1.4) in subnet web, which has a Microsoft.Storage service endpoint;
// storage account st (StorageV2: 443 and 445) denies by default and admits web by a virtual network rule; Key Vault
// kv has public network access disabled. The account's public endpoint is a target, named by its host name, with
// the service endpoint's route and the account's deciding setting; the vault is never reached.
TEST_CASE("reach lists PaaS public endpoints with their route and the service's deciding setting", "[cli][reach]") {
  std::string path = EXPOSIM_SOURCE_DIR;
  path.append("/tests/data/reach/paas.json");
  const std::string rules =
      "nic-outbound: no NSG > subnet-outbound: no NSG > route: service-endpoint > service: st/virtual-network-rules";
  const auto r = run_exposim({"reach", path, "--from", "web-nic", "--quiet"});
  REQUIRE(r.code == cli::kExitOk);
  CHECK(r.out ==
        "from web-nic (10.0.1.4)\n"
        "\n"
        "  SOURCE   TARGET  IP                        PROTO  PORTS    SOURCES      RULES\n"
        "  web-nic  st      st.blob.core.windows.net  tcp    443,445  10.0.1.4/32  " +
            rules +
            "\n"
            "1 flow to 1 target\n");
  // --to by the host name, the name or the id keeps that flow; the vault's name keeps nothing.
  for (const char* to : {"st.blob.core.windows.net", "ST",
                         "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"}) {
    const auto csv = run_exposim({"reach", path, "--from", "web-nic", "--to", to, "-f", "csv", "--quiet"});
    REQUIRE(csv.code == cli::kExitOk);
    CHECK(csv.out.find(",st,paas-service,/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/"
                       "storageAccounts/st,st.blob.core.windows.net,tcp,\"443,445\",10.0.1.4/32,false,,") !=
          std::string::npos);
  }
  const auto kv = run_exposim({"reach", path, "--from", "web-nic", "--to", "kv", "--quiet"});
  REQUIRE(kv.code == cli::kExitOk);
  CHECK(kv.out == "from web-nic (10.0.1.4) to kv\n\nnothing reachable\n");
  const auto j = nlohmann::json::parse(run_exposim({"reach", path, "--from", "web-nic", "-f", "json"}).out);
  const auto& flow = j["flows"][0];
  CHECK(flow["target"]["type"] == "paas-service");
  CHECK(flow["target"]["host"] == "st.blob.core.windows.net");
  CHECK(flow["destinations"] == nlohmann::json::array());
  CHECK(flow["path"][3]["note"] == "service-endpoint");
  CHECK(flow["path"][4]["hop"] == "paas");
  CHECK(flow["path"][4]["scope"] == "virtual-network-rules");
}

TEST_CASE("explain follows a VM's packet to a PaaS public endpoint hop by hop", "[cli][reach][explain]") {
  std::string path = EXPOSIM_SOURCE_DIR;
  path.append("/tests/data/reach/paas.json");
  // The flow reach lists above (443 through the service endpoint, the virtual network rule admits web), one packet.
  const auto r = run_exposim({"explain", path, "--from", "web-nic", "--to", "st", "--port", "443", "-f", "json"});
  REQUIRE(r.code == cli::kExitOk);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["flow"]["destination"] == "st.blob.core.windows.net");
  CHECK(j["source"]["name"] == "web-nic");
  CHECK(j["target"]["type"] == "paas-service");
  const auto& hops = j["hops"];
  REQUIRE(hops.size() == 6);
  CHECK(hops[1]["hop"] == "paas");
  CHECK(hops[1]["scope"] == "endpoint");
  CHECK(hops[2]["scope"] == "nic-outbound");
  CHECK(hops[2]["reason"] == "nic-outbound: no NSG: admits the packet");
  CHECK(hops[4]["hop"] == "route");
  CHECK(hops[4]["next_hop"] == "VirtualNetworkServiceEndpoint");
  CHECK(hops[4]["system"] == "service-endpoint");
  CHECK(hops[5]["scope"] == "virtual-network-rules");
  CHECK(hops[5]["reason"] == "service: st/virtual-network-rules: admits the packet");
  CHECK(j["verdict"]["allowed"] == true);
  CHECK(j["verdict"]["reason"] ==
        "allowed: tcp 10.0.1.4:49152 -> st.blob.core.windows.net:443 from web-nic (10.0.1.4) reaches the public "
        "endpoint of storage 'st'");
  // Key Vault kv: public network access Disabled stops it at the service, after the route to the internet.
  const auto kv = nlohmann::json::parse(
      run_exposim({"explain", path, "--from", "10.0.1.4", "--to", "kv", "--port", "443", "-f", "json"}).out);
  CHECK(kv["verdict"]["allowed"] == false);
  CHECK(kv["verdict"]["stopped_at"] == 5);
  CHECK(kv["verdict"]["reason"] ==
        "denied at paas (public-network-access): service: kv/public-network-access: stops the packet");
  CHECK(kv["hops"][4]["system"] == "default");
}

}  // namespace
}  // namespace exposim
