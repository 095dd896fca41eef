// The writers of `exposim matrix` (cli/matrix_report.h) on a matrix built by hand, exact strings; and the command's
// exit codes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/matrix_report.h"
#include "cli_support.h"
#include "model_builder.h"

namespace exposim {
namespace {

using testing::EstateBuilder;

/// Two subnets, one VM each, and the grouping by subnet written by hand: 0 "vnet/app", 1 "vnet/web".
struct MatrixReportHand {
  model::Model m;
  solver::Grouping g;
  solver::Segmentation s;
};

MatrixReportHand matrix_report_hand() {
  EstateBuilder b;
  b.vnet("vnet", {"10.0.0.0/16"})
      .nsg("app-nsg", {testing::RuleSpec{"web-8080", 100, testing::kAllow, testing::tcp(), {"10.0.1.0/24"}, {"8080"}}})
      .subnet("vnet", "web", "10.0.1.0/24")
      .subnet("vnet", "app", "10.0.2.0/24", "app-nsg")
      .vm("web1", "vnet", "web", "10.0.1.4")
      .vm("app1", "vnet", "app", "10.0.2.4");
  MatrixReportHand h{b.done(), {}, {}};
  h.g.names = {"vnet/app", "vnet/web"};
  h.g.ip_configuration_group = {{1}, {0}};  // web1-nic: web; app1-nic: app
  // web -> app: TCP 8080 (witness: web1 to app1 through app-nsg's web-8080).
  solver::MatrixCell web_app;
  web_app.from = 1;
  web_app.to = 0;
  web_app.ports[0] = model::PortSet::single(8080);
  solver::ReachFlow f;
  f.source = {0, 0};
  f.source_vm = 0;
  f.source_subnet = 0;
  f.target = 1;
  f.nic = 1;
  f.ip_configuration = 0;
  f.vm = 1;
  f.protocol = model::Protocol::kTcp;
  f.ports = model::PortSet::single(8080);
  f.source_ports = model::PortSet::all();
  f.sources = model::to_set(*model::IpAddress::parse("10.0.1.4"));
  f.destinations = model::to_set(*model::IpAddress::parse("10.0.2.4"));
  solver::Hop nsg;
  nsg.kind = solver::HopKind::kNsg;
  nsg.resource_kind = model::ResourceKind::kNetworkSecurityGroup;
  nsg.resource = 0;
  nsg.scope = "subnet";
  nsg.rule = 0;
  solver::Hop target;
  target.kind = solver::HopKind::kTarget;
  target.resource_kind = model::ResourceKind::kNetworkInterface;
  target.resource = 1;
  f.path = {nsg, target};
  web_app.witnesses.push_back(f);
  // app -> web: everything; web -> web: TCP 22 and 80-90, UDP 53, ICMP.
  solver::MatrixCell app_web;
  app_web.from = 0;
  app_web.to = 1;
  for (auto& p : app_web.ports) p = model::PortSet::all();
  solver::MatrixCell web_web;
  web_web.from = 1;
  web_web.to = 1;
  web_web.ports[0] = model::PortSet{{22, 22}, {80, 90}};
  web_web.ports[1] = model::PortSet::single(53);
  web_web.ports[2] = model::PortSet::all();
  h.s.cells = {app_web, web_app, web_web};
  h.s.source_classes = 2;
  h.s.target_classes = 2;
  h.s.evaluations = 4;
  return h;
}

}  // namespace

TEST_CASE("a matrix cell's summary and level", "[cli][matrix]") {
  CHECK(cli::matrix_cell_text(nullptr) == "-");
  CHECK(cli::matrix_level(nullptr) == cli::MatrixLevel::kNothing);
  solver::MatrixCell c;
  c.ports[0] = model::PortSet{{22, 22}, {443, 443}};
  c.ports[1] = model::PortSet::single(53);
  CHECK(cli::matrix_cell_text(&c) == "tcp:22,443 udp:53");
  CHECK(cli::matrix_level(&c) == cli::MatrixLevel::kManagement);  // 22 is SSH
  c.ports[0] = model::PortSet{{80, 80}, {443, 443}, {1000, 1010}, {2000, 2000}, {3000, 3000}, {4000, 4000}};
  CHECK(cli::matrix_cell_text(&c) == "tcp:80,443,1000-1010,2000,+2 udp:53");
  CHECK(cli::matrix_cell_text(&c, 100) == "tcp:80,443,1000-1010,2000,3000,4000 udp:53");
  CHECK(cli::matrix_level(&c) == cli::MatrixLevel::kSome);
  c.ports[0] = model::PortSet::all();
  c.ports[1] = model::PortSet::all();
  CHECK(cli::matrix_cell_text(&c) == "tcp:* udp:*");
  CHECK(cli::matrix_level(&c) == cli::MatrixLevel::kEverything);
  for (auto& p : c.ports) p = model::PortSet::all();
  CHECK(cli::matrix_cell_text(&c) == "all");
  solver::MatrixCell icmp;
  icmp.ports[2] = model::PortSet::all();
  CHECK(cli::matrix_cell_text(&icmp) == "icmp");
  CHECK(cli::matrix_level(&icmp) == cli::MatrixLevel::kSome);
}

TEST_CASE("the matrix table has a row per source group and a column per target group", "[cli][matrix]") {
  const MatrixReportHand h = matrix_report_hand();
  std::ostringstream out;
  cli::write_matrix_table(out, cli::MatrixReport{h.m, h.g, h.s, "subnet"});
  CHECK(out.str() ==
        "from \\ to  vnet/app  vnet/web\n"
        "vnet/app   -         all\n"
        "vnet/web   tcp:8080  tcp:22,80-90 udp:53 icmp\n");
}

TEST_CASE("the matrix CSV has a row per cell and protocol", "[cli][matrix]") {
  const MatrixReportHand h = matrix_report_hand();
  std::ostringstream out;
  cli::write_matrix_csv(out, cli::MatrixReport{h.m, h.g, h.s, "subnet"});
  CHECK(out.str() ==
        "from,to,protocol,ports\r\n"
        "vnet/app,vnet/web,tcp,*\r\n"
        "vnet/app,vnet/web,udp,*\r\n"
        "vnet/app,vnet/web,icmp,\r\n"
        "vnet/app,vnet/web,esp,\r\n"
        "vnet/app,vnet/web,ah,\r\n"
        "vnet/web,vnet/app,tcp,8080\r\n"
        "vnet/web,vnet/web,tcp,22;80-90\r\n"
        "vnet/web,vnet/web,udp,53\r\n"
        "vnet/web,vnet/web,icmp,\r\n");
}

TEST_CASE("the matrix JSON has every non-empty cell with its ports and witness", "[cli][matrix]") {
  const MatrixReportHand h = matrix_report_hand();
  std::ostringstream out;
  cli::write_matrix_json(out, cli::MatrixReport{h.m, h.g, h.s, "subnet"}, {});
  const auto j = nlohmann::json::parse(out.str());
  CHECK(j["format"] == "exposim-matrix");
  CHECK(j["version"] == 1);
  CHECK(j["by"] == "subnet");
  CHECK(j["groups"] == nlohmann::json::array({"vnet/app", "vnet/web"}));
  REQUIRE(j["cells"].size() == 3);
  const auto& all = j["cells"][0];
  CHECK(all["from"] == "vnet/app");
  CHECK(all["to"] == "vnet/web");
  CHECK(all["summary"] == "all");
  CHECK(all["level"] == "everything");
  REQUIRE(all["protocols"].size() == 5);
  CHECK(all["protocols"][0]["ports"] == nlohmann::json::parse("[[0,65535]]"));
  CHECK(all["protocols"][0]["witness"].is_null());     // the hand-made cell has none
  CHECK_FALSE(all["protocols"][2].contains("ports"));  // ICMP has no ports
  const auto& web_app = j["cells"][1];
  CHECK(web_app["summary"] == "tcp:8080");
  CHECK(web_app["level"] == "some");
  REQUIRE(web_app["protocols"].size() == 1);
  const auto& w = web_app["protocols"][0]["witness"];
  CHECK(w["source"]["name"] == "web1");
  CHECK(w["source"]["ip"] == "10.0.1.4");
  CHECK(w["target"]["name"] == "app1");
  CHECK(w["protocol"] == "tcp");
  CHECK(w["ports"] == nlohmann::json::parse("[[8080,8080]]"));
  CHECK(w["sources"] == nlohmann::json::array({"10.0.1.4/32"}));
  CHECK(w["destinations"] == nlohmann::json::array({"10.0.2.4/32"}));
  REQUIRE(w["path"].size() == 2);
  CHECK(w["path"][0]["hop"] == "nsg");
  CHECK(w["path"][0]["scope"] == "subnet");
  CHECK(w["path"][0]["name"] == "app-nsg");
  CHECK(w["path"][0]["rule"]["name"] == "web-8080");
  CHECK(w["path"][1]["hop"] == "target");
  CHECK(j["cells"][2]["summary"] == "tcp:22,80-90 udp:53 icmp");
  CHECK(j["cells"][2]["level"] == "management");
  CHECK(j["summary"] ==
        nlohmann::json::parse(R"({"groups":2,"cells":3,"source_classes":2,"target_classes":2,"evaluations":4})"));
  CHECK(j["diagnostics"] == nlohmann::json::array());
}

TEST_CASE("the matrix heat map is one HTML-like table coloured by level", "[cli][matrix]") {
  MatrixReportHand h = matrix_report_hand();
  h.g.names[0] = "vnet/<app>&";  // names are escaped for the HTML-like label
  std::ostringstream out;
  cli::write_matrix_dot(out, cli::MatrixReport{h.m, h.g, h.s, "subnet"});
  const std::string dot = out.str();
  CHECK_THAT(dot, Catch::StartsWith("digraph matrix {\n"));
  CHECK_THAT(dot, Catch::Contains("<TR><TD><B>from \\ to</B></TD><TD><B>vnet/&lt;app&gt;&amp;</B></TD>"
                                  "<TD><B>vnet/web</B></TD></TR>\n"));
  CHECK_THAT(dot, Catch::Contains("<TR><TD ALIGN=\"LEFT\"><B>vnet/&lt;app&gt;&amp;</B></TD>"
                                  "<TD BGCOLOR=\"#ffffff\">-</TD><TD BGCOLOR=\"#e8474a\">all</TD></TR>\n"));
  CHECK_THAT(dot, Catch::Contains("<TR><TD ALIGN=\"LEFT\"><B>vnet/web</B></TD><TD BGCOLOR=\"#fff2a8\">tcp:8080</TD>"
                                  "<TD BGCOLOR=\"#ffa64d\">tcp:22,80-90 udp:53 icmp</TD></TR>\n"));
  CHECK_THAT(dot, Catch::EndsWith("}\n"));
}

TEST_CASE("exposim matrix exit codes", "[cli][matrix]") {
  const std::string input = testing::example("hub-and-spoke");  // a directory: every file in it
  auto r = testing::run_exposim({"matrix", input, "--by", "rack"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--by: 'rack' is not subnet, vnet, asg or tag:KEY"));
  CHECK(r.out.empty());
  r = testing::run_exposim({"matrix", input, "--by", "tag:"});
  CHECK(r.code == cli::kExitUsage);
  r = testing::run_exposim({"matrix", input, "--format", "png"});
  CHECK(r.code == cli::kExitUsage);
  r = testing::run_exposim({"matrix", "/nonexistent/estate.json"});
  CHECK(r.code == cli::kExitBadInput);
  CHECK(r.out.empty());
  r = testing::run_exposim({"matrix", input, "-o", "/nonexistent-dir/matrix.txt"});
  CHECK(r.code == cli::kExitOutputError);
  CHECK_FALSE(std::filesystem::exists("/nonexistent-dir/matrix.txt"));
  for (const char* by : {"subnet", "vnet", "asg", "tag:env"}) {
    for (const char* format : {"table", "json", "csv", "dot"}) {
      r = testing::run_exposim({"matrix", input, "--by", by, "--format", format});
      INFO(by << " " << format);
      CHECK(r.code == cli::kExitOk);
      CHECK_FALSE(r.out.empty());
    }
  }
  r = testing::run_exposim({"matrix", input, "--format", "json"});
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["format"] == "exposim-matrix");
  CHECK(j["by"] == "subnet");
  CHECK_FALSE(j["groups"].empty());
}

namespace {

/// tests/data/reach/paas.json (subnet web 10.0.1.0/24 with a Microsoft.Storage service endpoint, web-nic 10.0.1.4;
/// storage account st: TCP 443 and 445, default action Deny, a virtual network rule for web; Key Vault kv) with a
/// second subnet db (10.0.2.0/24, no service endpoint) holding db-nic (10.0.2.4, no public IP), and kv's public
/// network access Enabled without network ACLs (every source admitted on 443), in a scratch file.
std::string matrix_paas_estate() {
  auto doc = nlohmann::json::parse(testing::read_file(std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/reach/paas.json"));
  nlohmann::json db_nic;
  for (auto& r : doc) {
    if (r["name"] == "v") {
      r["properties"]["subnets"].push_back(nlohmann::json::parse(R"({"id":
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/db", "name": "db",
        "properties": {"addressPrefix": "10.0.2.0/24"}})"));
    }
    if (r["name"] == "kv") r["properties"]["publicNetworkAccess"] = "Enabled";
    if (r["name"] == "web-nic") {
      std::string text = r.dump();
      for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
               {"web-nic", "db-nic"}, {"subnets/web", "subnets/db"}, {"10.0.1.4", "10.0.2.4"}}) {
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
          text.replace(at, from.size(), to);
        }
      }
      db_nic = nlohmann::json::parse(text);
      db_nic["properties"]["ipConfigurations"][0]["properties"].erase("publicIPAddress");
    }
  }
  doc.push_back(db_nic);
  const auto path = testing::scratch_dir("matrix") / "paas-matrix.json";
  testing::write_file(path, doc.dump(1));
  return path.string();
}

}  // namespace

// Worked out by hand: web and db reach each other on everything (no NSG: AllowVnetInBound/OutBound), a NIC never
// itself; web reaches st on 443 and 445 through its service endpoint (the virtual network rule admits web); db has no
// service endpoint, so st sees its egress address on the route to the internet, which no IP rule admits (default
// Deny): nothing; kv admits every source on 443, from both subnets.
TEST_CASE("exposim matrix --paas: a column per PaaS service and the groups as rows", "[cli][matrix][paas]") {
  const std::string input = matrix_paas_estate();
  const auto plain = testing::run_exposim({"matrix", input, "--quiet"});
  REQUIRE(plain.code == cli::kExitOk);
  CHECK(plain.out ==
        "from \\ to  v/db  v/web\n"
        "v/db       -     all\n"
        "v/web      all   -\n");
  const auto r = testing::run_exposim({"matrix", input, "--paas", "--quiet"});
  INFO(r.err);
  REQUIRE(r.code == cli::kExitOk);
  CHECK(r.out ==
        "from \\ to  v/db  v/web  paas:st      paas:kv\n"
        "v/db       -     all    -            tcp:443\n"
        "v/web      all   -      tcp:443,445  tcp:443\n");
  const auto csv = testing::run_exposim({"matrix", input, "--paas", "--format", "csv", "--quiet"});
  CHECK(csv.out.find("v/web,paas:st,tcp,443;445\r\n") != std::string::npos);
  CHECK(csv.out.find("v/db,paas:st,") == std::string::npos);
  const auto j = nlohmann::json::parse(testing::run_exposim({"matrix", input, "--paas", "--format", "json"}).out);
  CHECK(j["groups"] == nlohmann::json::parse(R"(["v/db", "v/web"])"));
  CHECK(j["paas_services"] == nlohmann::json::parse(R"(["paas:st", "paas:kv"])"));
  CHECK(j["summary"]["groups"] == 2);
  CHECK(j["summary"]["paas_services"] == 2);
  bool found = false;
  for (const auto& c : j["cells"]) {
    if (c["from"] != "v/web" || c["to"] != "paas:st") continue;
    found = true;
    CHECK(c["summary"] == "tcp:443,445");
    const auto& w = c["protocols"][0]["witness"];
    CHECK(w["source"]["name"] == "web-nic");
    CHECK(w["target"]["type"] == "paas-service");
    CHECK(w["target"]["host"] == "st.blob.core.windows.net");
    CHECK(w["path"].back()["hop"] == "target");
  }
  CHECK(found);
  // Without --paas the JSON has no PaaS key (byte for byte the matrix it was).
  const auto without = nlohmann::json::parse(testing::run_exposim({"matrix", input, "--format", "json"}).out);
  CHECK(without.count("paas_services") == 0);
  CHECK(without["summary"].count("paas_services") == 0);
  const auto dot = testing::run_exposim({"matrix", input, "--paas", "--format", "dot"}).out;
  CHECK(dot.find("<TD><B>paas:st</B></TD>") != std::string::npos);
  CHECK(dot.find("<TD ALIGN=\"LEFT\"><B>paas:st</B></TD>") == std::string::npos);  // a column, never a row
}

}  // namespace exposim
