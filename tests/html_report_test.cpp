// `exposim report`: the page is self-contained, every name from the input is escaped, and the data embedded in it
// holds what the fixture tests/data/report/estate.json gives, worked out by hand.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/html_report.h"
#include "cli/process.h"
#include "cli_support.h"
#include "model_builder.h"
#include "solver/exposure.h"
#include "solver/recommendation.h"

namespace {

namespace fs = std::filesystem;
using namespace exposim;
using namespace exposim::testing;
using nlohmann::json;

/// The fixture: vnet-report 10.0.0.0/16, subnet web 10.0.1.0/24 with nsg-web (allow-ssh TCP 22 from Internet at
/// 100, allow-https TCP 443 from * at 110).
/// - vm-web (nic-web 10.0.1.4, no NIC NSG, public IP pip-web 20.1.1.10): TCP 22 and TCP 443 from anywhere, one
///   exposure per deciding rule.
/// - "vm<script>alert(1)" (nic-odd 10.0.1.5, public IP pip-odd 20.1.1.11, NIC NSG nsg-odd allowing only TCP 443 by
///   rule "allow-https-<b>"): the subnet allows 22 but the NIC's NSG denies it by default, so TCP 443 only.
/// Three exposures on two targets through two public IPs; no diagnostics.
std::string report_fixture() { return std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/report/estate.json"; }

const std::string kOdd = "vm<script>alert(1)";

/// The text of the page's `<script type="application/json" id="exposim-data">` element.
std::string data_text(const std::string& html) {
  const std::string open = R"(<script type="application/json" id="exposim-data">)";
  const auto at = html.find(open);
  REQUIRE(at != std::string::npos);
  const auto start = at + open.size();
  const auto end = html.find("</script>", start);
  REQUIRE(end != std::string::npos);
  return html.substr(start, end - start);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("report: the page loads nothing from the network", "[cli]") {
  const auto r = run_exposim({"report", report_fixture()});
  REQUIRE(r.code == cli::kExitOk);
  const std::string& html = r.out;
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>\n"));
  CHECK_THAT(html, Catch::EndsWith("</html>\n"));
  // No attribute that fetches: no src at all, no href to another site, no stylesheet link, no CSS import or url().
  const std::regex fetching(R"((src|href|action|srcset|poster|data)\s*=\s*["']?\s*(https?:)?//)", std::regex::icase);
  CHECK_FALSE(std::regex_search(html, fetching));
  CHECK_FALSE(std::regex_search(html, std::regex(R"(<script[^>]*\ssrc\s*=)", std::regex::icase)));
  CHECK_FALSE(std::regex_search(html, std::regex(R"(<link\b)", std::regex::icase)));
  CHECK_FALSE(std::regex_search(html, std::regex(R"(<img\b)", std::regex::icase)));
  CHECK_FALSE(std::regex_search(html, std::regex(R"(<iframe\b)", std::regex::icase)));
  CHECK_FALSE(std::regex_search(html, std::regex(R"(@import|url\s*\()", std::regex::icase)));
  // Two scripts, both inline: the data and the code; and a policy that forbids any fetch.
  CHECK(count(html, "<script") == 2);
  CHECK(count(html, "<script>") == 1);
  CHECK_THAT(html, Catch::Contains("content=\"default-src 'none'; script-src 'unsafe-inline'"));
  if (has_dot()) {
    CHECK(count(html, "<svg") == 1);
    CHECK_THAT(html, !Catch::Contains("<?xml"));
    CHECK_THAT(html, !Catch::Contains("<!DOCTYPE svg"));
    CHECK_THAT(html, !Catch::Contains("svg11.dtd"));
  }
}

TEST_CASE("report: names from the input are escaped everywhere in the page", "[cli]") {
  const auto r = run_exposim({"report", report_fixture()});
  REQUIRE(r.code == cli::kExitOk);
  const std::string& html = r.out;
  // The VM named "vm<script>alert(1)" and the rule "allow-https-<b>" never appear as markup.
  CHECK_THAT(html, !Catch::Contains("<script>alert"));
  CHECK_THAT(html, !Catch::Contains("<b>"));
  const std::string data = data_text(html);
  CHECK(data.find('<') == std::string::npos);
  CHECK(data.find('>') == std::string::npos);
  CHECK_THAT(data, Catch::Contains(R"(vm\u003cscript\u003ealert(1))"));
  CHECK_THAT(data, Catch::Contains(R"(nsg-odd/allow-https-\u003cb\u003e (100))"));
  if (has_dot()) {
    // Graphviz writes the name as text, escaped.
    CHECK_THAT(html, Catch::Contains("vm&lt;script&gt;alert(1)"));
  }
}

TEST_CASE("report: html_escape and script_json and inline_svg", "[cli]") {
  CHECK(cli::html_escape(R"(<a href="x">'&'</a>)") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  CHECK(cli::html_escape("plain") == "plain");

  const nlohmann::ordered_json j = {{"name", "</script><!-- & -->"}};
  const std::string s = cli::script_json(j);
  CHECK(s == R"({"name":"\u003c/script\u003e\u003c!-- \u0026 --\u003e"})");
  CHECK(json::parse(s)["name"] == "</script><!-- & -->");

  const std::string svg =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
      "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
      "<!-- Generated by graphviz -->\n<svg width=\"8pt\"><!-- a --> <g><text>x</text></g></svg>\n";
  CHECK(cli::inline_svg(svg) == "<svg width=\"8pt\"> <g><text>x</text></g></svg>");
  CHECK(cli::inline_svg("<svg><script>alert(1)</script></svg>").empty());
  CHECK(cli::inline_svg("<svg><a xlink:href=\"JavaScript:alert(1)\"/></svg>").empty());
  CHECK(cli::inline_svg("<svg><foreignObject/></svg>").empty());
  CHECK(cli::inline_svg("<svg><!-- unterminated </svg>").empty());
  CHECK(cli::inline_svg("not svg").empty());
}

TEST_CASE("report: the embedded data of the fixture", "[cli]") {
  const auto r = run_exposim({"report", report_fixture()});
  REQUIRE(r.code == cli::kExitOk);
  const json d = json::parse(data_text(r.out));
  CHECK(d["format"] == "exposim-report");
  CHECK(d["version"] == 1);
  CHECK(d["inputs"] == json::array({report_fixture()}));

  const json& s = d["summary"];
  CHECK(s["exposures"] == 3);
  CHECK(s["exposed_targets"] == 2);
  CHECK(s["evaluated_ip_configurations"] == 2);
  CHECK(s["entry_points"] == 2);
  CHECK(s["broken"] == 0);
  CHECK(s["diagnostics"] == json({{"error", 0}, {"warning", 0}, {"note", 0}}));

  // Exposures, one per row of analyze's table; sorted here by target and port to compare.
  using Row = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string, std::string,
                         std::string, std::string, json>;
  std::vector<Row> rows;
  for (const auto& x : d["exposures"]) {
    rows.emplace_back(x["target"], x["ip"], x["entry"], x["via"], x["via_kind"], x["protocol"], x["ports"],
                      x["sources"], x["rules"], x["port_ranges"]);
  }
  std::sort(rows.begin(), rows.end());
  const std::vector<Row> expected = {
      {"vm-web", "10.0.1.4", "20.1.1.10", "public-ip", "public-ip", "tcp", "22", "any",
       "subnet: nsg-web/allow-ssh (100) > nic: no NSG", json::array({json::array({22, 22})})},
      {"vm-web", "10.0.1.4", "20.1.1.10", "public-ip", "public-ip", "tcp", "443", "any",
       "subnet: nsg-web/allow-https (110) > nic: no NSG", json::array({json::array({443, 443})})},
      {kOdd, "10.0.1.5", "20.1.1.11", "public-ip", "public-ip", "tcp", "443", "any",
       "subnet: nsg-web/allow-https (110) > nic: nsg-odd/allow-https-<b> (100)",
       json::array({json::array({443, 443})})},
  };
  CHECK(rows == expected);
  for (std::size_t i = 0; i < d["exposures"].size(); ++i) CHECK(d["exposures"][i]["index"] == i);

  // Targets, sorted by name ('-' sorts before '<').
  REQUIRE(d["targets"].size() == 2);
  CHECK(d["targets"][0]["name"] == "vm-web");
  CHECK(d["targets"][0]["type"] == "virtual-machine");
  CHECK(d["targets"][0]["ip"] == "10.0.1.4");
  CHECK(d["targets"][0]["ports"] == json::array({"tcp 22", "tcp 443"}));
  CHECK(d["targets"][0]["exposures"] == 2);
  CHECK(d["targets"][1]["name"] == kOdd);
  CHECK(d["targets"][1]["ports"] == json::array({"tcp 443"}));
  CHECK(d["targets"][1]["exposures"] == 1);

  // Entry points: each public IP, what it fronts and how.
  std::vector<std::tuple<std::string, std::string, json, json, int>> entries;
  for (const auto& e : d["entry_points"])
    entries.emplace_back(e["address"], e["name"], e["via"], e["fronts"], e["exposures"]);
  std::sort(entries.begin(), entries.end());
  CHECK(entries == std::vector<std::tuple<std::string, std::string, json, json, int>>{
                       {"20.1.1.10", "pip-web", json::array({"public-ip"}), json::array({"vm-web"}), 2},
                       {"20.1.1.11", "pip-odd", json::array({"public-ip"}), json::array({kOdd}), 1}});

  CHECK(d["diagram"]["rendered"] == has_dot());
  CHECK(d["diagnostics"] == json::array());
}

TEST_CASE("report: findings are embedded with their evidence and counted by severity", "[cli]") {
  // A hand-made result: the engine of this branch may give none, the page renders whatever it holds.
  EstateBuilder b;
  b.vnet("vnet-a", {"10.0.0.0/16"})
      .nsg("nsg-web", {{"allow-ssh", 100, kAllow, tcp(), {"Internet"}, {"22"}}})
      .subnet("vnet-a", "web", "10.0.1.0/24", "nsg-web")
      .public_ip("pip-web", "20.0.0.1", model::Sku::kStandard)
      .vm("vm-web", "vnet-a", "web", "10.0.1.4", "pip-web");
  const model::Model m = b.done();
  const solver::Analysis a = solver::analyze(m);
  REQUIRE(a.exposures.size() == 1);

  const solver::RecommendationInfo high{"EXP-TEST-001",
                                        "Management ports should be closed",
                                        solver::RecommendationSeverity::kHigh,
                                        "key",
                                        "guid",
                                        "policy",
                                        solver::Decision::kReachability,
                                        "Close port 22",
                                        "https://learn.microsoft.com/azure/defender-for-cloud/"};
  const solver::RecommendationInfo low{"EXP-TEST-002",
                                       "Encryption at host",
                                       solver::RecommendationSeverity::kLow,
                                       "",
                                       "",
                                       "",
                                       solver::Decision::kProperties,
                                       "Enable it",
                                       ""};
  solver::Recommendations recs;
  solver::Finding f1;
  f1.recommendation = &high;
  f1.status = solver::FindingStatus::kUnhealthy;
  f1.kind = model::ResourceKind::kVirtualMachine;
  f1.index = 0;
  f1.exposed = true;
  f1.exposures = {0};
  f1.tcp_ports = model::PortSet{{22, 22}};
  f1.summary = "TCP 22 reachable from the internet through public IP pip-web";
  recs.findings.push_back(f1);
  solver::Finding f2;
  f2.recommendation = &low;
  f2.status = solver::FindingStatus::kHealthy;
  f2.kind = model::ResourceKind::kVirtualMachine;
  f2.index = 0;
  f2.properties.push_back({"properties.securityProfile.encryptionAtHost", "true", {{}, "/0/properties", 0, 0}});
  recs.findings.push_back(f2);
  recs.skipped = {"EXP-TEST-003"};

  const std::vector<model::Diagnostic> diags;
  const cli::HtmlReportInput in{m, a, recs, diags, {"estate.json"}, "", "no diagram here"};
  const json d = json::parse(cli::report_data(in).dump());
  CHECK(d["summary"]["findings"] == json({{"high", 1}, {"medium", 0}, {"low", 0}}));
  CHECK(d["summary"]["statuses"] ==
        json({{"unhealthy", 1}, {"healthy", 1}, {"not-applicable", 0}, {"undecidable", 0}}));
  REQUIRE(d["findings"].size() == 2);
  const json& j = d["findings"][0];
  CHECK(j["id"] == "EXP-TEST-001");
  CHECK(j["severity"] == "high");
  CHECK(j["title"] == "Management ports should be closed");
  CHECK(j["resource"]["name"] == "vm-web");
  CHECK(j["resource"]["type"] == "virtual-machine");
  CHECK(j["status"] == "unhealthy");
  CHECK(j["summary"] == "TCP 22 reachable from the internet through public IP pip-web");
  CHECK(j["remediation"] == "Close port 22");
  CHECK(j["exposures"] == json::array({0}));
  CHECK(j["ports"] == json({{"tcp", "22"}}));
  CHECK(d["findings"][1]["status"] == "healthy");
  CHECK(d["findings"][1]["properties"][0]["name"] == "properties.securityProfile.encryptionAtHost");
  CHECK(d["findings"][1]["properties"][0]["value"] == "true");
  CHECK(d["findings"][1]["properties"][0]["where"]["pointer"] == "/0/properties");
  CHECK(d["skipped"] == json::array({"EXP-TEST-003"}));
  CHECK(d["diagram"] == json({{"rendered", false}, {"note", "no diagram here"}}));

  std::ostringstream page;
  cli::write_html_report(page, in);
  CHECK_THAT(page.str(), Catch::Contains("<p class=\"note\" id=\"diagram-note\">no diagram here</p>"));
}

TEST_CASE("report CLI: written to a file or stdout and a note in place of the diagram without Graphviz", "[cli]") {
  const auto dir = scratch_dir("report");
  const auto out = dir / "report.html";
  SECTION("written to -o, the same as on stdout") {
    const auto r = run_exposim({"report", report_fixture(), "-o", out.string()});
    CHECK(r.code == cli::kExitOk);
    CHECK(r.out.empty());
    const auto again = run_exposim({"report", report_fixture()});
    CHECK(read_file(out) == again.out);
  }
  SECTION("Graphviz missing: exit 0, the page says why there is no diagram") {
    fs::create_directories(dir / "empty-bin");
    ScopedEnv path("PATH", (dir / "empty-bin").string());
    const auto r = run_exposim({"report", report_fixture(), "-o", out.string()});
    CHECK(r.code == cli::kExitOk);
    const std::string html = read_file(out);
    CHECK_THAT(html, Catch::Contains("id=\"diagram-note\">Graphviz&#39;s &#39;dot&#39; was not found on PATH"));
    CHECK_THAT(html, !Catch::Contains("<svg"));
    const json d = json::parse(data_text(html));
    CHECK(d["diagram"]["rendered"] == false);
    CHECK_THAT(d["diagram"]["note"].get<std::string>(), Catch::Contains("'dot' was not found on PATH"));
    CHECK(d["summary"]["exposures"] == 3);
  }
  SECTION("bad input: the exit code of analyze, nothing written") {
    const auto r = run_exposim({"report", (dir / "missing.json").string(), "-o", out.string()});
    CHECK(r.code != cli::kExitOk);
    CHECK_FALSE(fs::exists(out));
  }
  fs::remove_all(dir);
}

TEST_CASE("report: the embedded data of the fixture matches its reviewed golden file", "[cli][golden]") {
  // tests/data/report/expected/report-data.json: scripts/refresh-golden writes it; the values above were worked
  // out by hand. Compared as JSON values (the golden file is pretty-printed).
  const auto r = run_exposim({"report", report_fixture()});
  REQUIRE(r.code == cli::kExitOk);
  json got = json::parse(data_text(r.out));
  const json expected =
      json::parse(read_file(fs::path(EXPOSIM_SOURCE_DIR) / "tests/data/report/expected/report-data.json"));
  got["inputs"] = json::array({"tests/data/report/estate.json"});  // the golden file was made from the source dir
  // Findings locate their evidence in the input by the path the command was given: make it relative likewise.
  const std::string prefix = std::string(EXPOSIM_SOURCE_DIR) + "/";
  std::vector<json*> stack{&got};
  while (!stack.empty()) {
    json* j = stack.back();
    stack.pop_back();
    if (j->is_object()) {
      for (auto it = j->begin(); it != j->end(); ++it) {
        if (it.key() == "file" && it->is_string() && it->get<std::string>().rfind(prefix, 0) == 0) {
          *it = it->get<std::string>().substr(prefix.size());
        } else {
          stack.push_back(&*it);
        }
      }
    } else if (j->is_array()) {
      for (auto& x : *j) stack.push_back(&x);
    }
  }
  if (!has_dot()) got["diagram"] = expected["diagram"];  // drawn only with Graphviz
  CHECK(got == expected);
}

TEST_CASE("report: a diagram of more than 400 nodes is left to exposim graph", "[cli]") {
  // 201 NICs each with its own public IP, all open on TCP 22: the internet, 201 public IPs and 201 NICs are on
  // exposed paths, 403 nodes at least.
  const std::string s = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/";
  std::string estate = R"([{"type": "Microsoft.Network/virtualNetworks", "name": "vnet", "id": ")" + s +
                       R"(Microsoft.Network/virtualNetworks/vnet", "properties": {"addressSpace": {"addressPrefixes":
      ["10.0.0.0/16"]}, "subnets": [{"name": "web", "id": ")" +
                       s + R"(Microsoft.Network/virtualNetworks/vnet/subnets/web", "properties": {"addressPrefix":
      "10.0.0.0/16", "networkSecurityGroup": {"id": ")" +
                       s + R"(Microsoft.Network/networkSecurityGroups/nsg"}}}]}},
    {"type": "Microsoft.Network/networkSecurityGroups", "name": "nsg", "id": ")" +
                       s + R"(Microsoft.Network/networkSecurityGroups/nsg", "properties": {"securityRules": [
      {"name": "ssh", "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
       "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*",
       "destinationPortRange": "22"}}]}})";
  for (int i = 0; i < 201; ++i) {
    const std::string n = std::to_string(i);
    const std::string pip = s + "Microsoft.Network/publicIPAddresses/pip-" + n;
    estate += R"(, {"type": "Microsoft.Network/publicIPAddresses", "name": "pip-)" + n + R"(", "id": ")" + pip +
              R"(", "sku": {"name": "Standard"}, "properties": {"ipAddress": "20.1.)" + std::to_string(i / 200) + "." +
              std::to_string(i % 200 + 1) + R"("}})";
    estate += R"(, {"type": "Microsoft.Network/networkInterfaces", "name": "nic-)" + n + R"(", "id": ")" + s +
              "Microsoft.Network/networkInterfaces/nic-" + n +
              R"(", "properties": {"ipConfigurations": [{"name": "ip", "properties": {"privateIPAddress": "10.0.)" +
              std::to_string(i / 200) + "." + std::to_string(i % 200 + 4) + R"(", "subnet": {"id": ")" + s +
              R"(Microsoft.Network/virtualNetworks/vnet/subnets/web"}, "publicIPAddress": {"id": ")" + pip +
              R"("}}}]}})";
  }
  estate += "]";
  const auto dir = scratch_dir("report");
  write_file(dir / "large.json", estate);
  const auto r = run_exposim({"report", (dir / "large.json").string()});
  fs::remove_all(dir);
  REQUIRE(r.code == cli::kExitOk);
  const json d = json::parse(data_text(r.out));
  CHECK(d["summary"]["exposures"] == 201);
  CHECK(d["diagram"]["rendered"] == false);
  CHECK_THAT(d["diagram"]["note"].get<std::string>(), Catch::Contains("more than the 400 this page draws"));
  CHECK_THAT(r.out, !Catch::Contains("<svg"));
}
