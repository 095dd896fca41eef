// `exposim graph`: which nodes, clusters and paths a diagram holds, escaping, determinism, and rendering every
// example through Graphviz.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/graph_diagram.h"
#include "cli/graph_palette.h"
#include "cli/graph_report.h"
#include "cli/process.h"
#include "cli_support.h"
#include "importers/inputs.h"
#include "model_builder.h"
#include "solver/exposure.h"

namespace {

namespace fs = std::filesystem;
using namespace exposim;
using namespace exposim::testing;

constexpr const char* kNsgType = "Microsoft.Network/networkSecurityGroups";

/// The fixture, worked out by hand:
/// - vnet-a 10.0.0.0/16 with subnets web 10.0.1.0/24 (nsg-web: TCP 22 and 443 from Internet), db 10.0.2.0/24
///   (nsg-db: no custom rule, so the defaults deny the internet), mgmt 10.0.3.0/24 (nsg-mgmt: a just-in-time
///   rule allowing TCP 3389 from 52.10.20.30).
/// - vm-web (10.0.1.4, Standard public IP pip-web 20.0.0.1): exposed on TCP 22 and 443 from anywhere.
/// - vm-app (10.0.1.5): no public IP, alone in web among unexposed NICs: drawn as itself (nothing to collapse).
/// - vm-db1..3 (10.0.2.4-6): no public IP: collapsed into "3 private NICs".
/// - vm-jit (10.0.3.4, pip-jit 20.0.0.2): exposed on TCP 3389 from 52.10.20.30/32 by the JIT rule.
model::Model fixture() {
  EstateBuilder b;
  b.vnet("vnet-a", {"10.0.0.0/16"})
      .nsg("nsg-web", {{"allow-ssh-https", 100, kAllow, tcp(), {"Internet"}, {"22", "443"}}})
      .nsg("nsg-db", {})
      .nsg("nsg-mgmt", {{"SecurityCenter-JITRule-1", 100, kAllow, tcp(), {"52.10.20.30"}, {"3389"}}})
      .subnet("vnet-a", "web", "10.0.1.0/24", "nsg-web")
      .subnet("vnet-a", "db", "10.0.2.0/24", "nsg-db")
      .subnet("vnet-a", "mgmt", "10.0.3.0/24", "nsg-mgmt")
      .public_ip("pip-web", "20.0.0.1", model::Sku::kStandard)
      .public_ip("pip-jit", "20.0.0.2", model::Sku::kStandard)
      .vm("vm-web", "vnet-a", "web", "10.0.1.4", "pip-web")
      .vm("vm-app", "vnet-a", "web", "10.0.1.5")
      .vm("vm-db1", "vnet-a", "db", "10.0.2.4")
      .vm("vm-db2", "vnet-a", "db", "10.0.2.5")
      .vm("vm-db3", "vnet-a", "db", "10.0.2.6")
      .vm("vm-jit", "vnet-a", "mgmt", "10.0.3.4", "pip-jit");
  // Defaults as validation adds them for imported NSGs.
  for (auto& g : b.m.nsgs) {
    for (auto& r : model::default_security_rules()) g.rules.push_back(r);
  }
  return b.done();
}

std::string graph_id(const std::string& type, const std::string& name) {
  return cli::diagram_id(model::canonical_id(rid(type, name)));
}
std::string nic(const std::string& vm) { return graph_id("Microsoft.Network/networkInterfaces", vm + "-nic"); }
std::string subnet(const std::string& name) {
  return graph_id("Microsoft.Network/virtualNetworks", "vnet-a/subnets/" + name);
}
std::string vnet() { return graph_id("Microsoft.Network/virtualNetworks", "vnet-a"); }

std::set<std::string> node_ids(const cli::Diagram& d) {
  std::set<std::string> ids;
  for (const auto& n : d.nodes) ids.insert(n.id);
  return ids;
}
std::set<std::string> cluster_ids(const cli::Diagram& d) {
  std::set<std::string> ids;
  for (const auto& c : d.clusters) ids.insert(c.id);
  return ids;
}

cli::Diagram draw(const model::Model& m, const cli::DiagramOptions& o = {}) {
  const auto a = solver::analyze(m);
  auto r = cli::build_diagram(m, a, o);
  REQUIRE(r.error.empty());
  return r.diagram;
}

std::string dot_text(const cli::Diagram& d) {
  std::ostringstream s;
  cli::write_dot(s, d);
  return s.str();
}

std::string xml_unescape(std::string s) {
  static const std::vector<std::pair<std::string, std::string>> kEntities = {
      {"&#45;", "-"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&#160;", " "}, {"&amp;", "&"}};
  for (const auto& [from, to] : kEntities) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
      s.replace(at, from.size(), to);
    }
  }
  return s;
}

/// The SVG's cluster titles, edge stroke colours and text lines (entities decoded).
struct SvgParts {
  std::set<std::string> cluster_titles;
  std::set<std::string> edge_strokes;
  std::set<std::string> texts;
};

SvgParts parse_svg(const std::string& svg) {
  SvgParts p;
  static const std::regex kCluster(R"re(<g id="clust\d+" class="cluster">\s*<title>([^<]*)</title>)re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kCluster); it != std::sregex_iterator(); ++it) {
    p.cluster_titles.insert(xml_unescape((*it)[1]));
  }
  static const std::regex kEdge(
      R"re(<g id="edge\d+" class="edge">\s*<title>[^<]*</title>\s*<path fill="none" stroke="([^"]*)")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kEdge); it != std::sregex_iterator(); ++it) {
    p.edge_strokes.insert((*it)[1]);
  }
  static const std::regex kText(R"re(<text[^>]*>([^<]*)</text>)re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kText); it != std::sregex_iterator(); ++it) {
    p.texts.insert(xml_unescape((*it)[1]));
  }
  return p;
}

model::Model load_graph_example(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  model::Model m;
  model::Diagnostics diags;
  importers::import_inputs(files, {}, m, diags);
  REQUIRE_FALSE(diags.has_errors());
  model::validate(m, diags);
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

using Result = CliResult;

fs::path graph_scratch_dir() { return testing::scratch_dir("graph"); }

}  // namespace

TEST_CASE("graph: the full diagram of the fixture, private NICs collapsed per subnet", "[graph]") {
  const auto m = fixture();
  const auto d = draw(m);
  const std::set<std::string> want{"internet",
                                   graph_id("Microsoft.Network/publicIPAddresses", "pip-web"),
                                   graph_id("Microsoft.Network/publicIPAddresses", "pip-jit"),
                                   graph_id(kNsgType, "nsg-web"),
                                   graph_id(kNsgType, "nsg-db"),
                                   graph_id(kNsgType, "nsg-mgmt"),
                                   vnet(),
                                   subnet("web"),
                                   subnet("db"),
                                   subnet("mgmt"),
                                   nic("vm-web"),
                                   nic("vm-app"),
                                   nic("vm-jit"),
                                   subnet("db") + "#private-nics"};
  CHECK(node_ids(d) == want);
  CHECK(cluster_ids(d) == std::set<std::string>{"cluster_" + vnet(), "cluster_" + subnet("web"),
                                                "cluster_" + subnet("db"), "cluster_" + subnet("mgmt")});
  for (const auto& n : d.nodes) {
    if (n.kind != "private-nics") continue;
    CHECK(n.count == 3);
    CHECK(n.label == "3 private NICs");
    CHECK(n.cluster == "cluster_" + subnet("db"));
  }
  // Two paths: the open one to vm-web (solid, first warm colour) and the JIT one to vm-jit (dashed, blue).
  REQUIRE(d.paths.size() == 2);
  CHECK(d.paths[0].path_class == "open");
  CHECK(d.paths[0].nodes == std::vector<std::string>{
                                "internet", graph_id("Microsoft.Network/publicIPAddresses", "pip-web"), nic("vm-web")});
  CHECK(d.paths[0].ports == "tcp 22,443");
  CHECK(d.paths[0].color == "#d62728");
  CHECK(d.paths[1].path_class == "jit");
  CHECK(d.paths[1].ports == "tcp 3389");
  CHECK(d.paths[1].color == "#1f77b4");
  const std::string dot = dot_text(d);
  CHECK_THAT(dot, Catch::Contains("label=\"tcp 22,443\", fontcolor=\"#d62728\", penwidth=\"2\""));
  CHECK_THAT(dot, Catch::Contains("style=\"dashed\", label=\"JIT: tcp 3389\""));
  // The exposed NIC carries its VM's name and address.
  CHECK_THAT(dot, Catch::Contains("label=\"vm-web\\n10.0.1.4\""));
}

TEST_CASE("graph: paths of one class take its colour, and no step is drawn twice", "[graph]") {
  // 30 VMs, each with its own public IP and SSH open to the internet: 30 open paths, all red and solid (the
  // legend names the class once), two steps each, none shared; each public IP's attachment is a path step and is
  // not drawn again in grey.
  EstateBuilder b;
  b.vnet("vnet-a", {"10.0.0.0/16"})
      .nsg("nsg-web", {{"allow-ssh", 100, kAllow, tcp(), {"Internet"}, {"22"}}})
      .subnet("vnet-a", "web", "10.0.1.0/24", "nsg-web");
  for (int i = 0; i < 30; ++i) {
    b.public_ip(fmt::format("pip-{}", i), fmt::format("20.0.0.{}", i + 1), model::Sku::kStandard)
        .vm(fmt::format("vm-{}", i), "vnet-a", "web", fmt::format("10.0.1.{}", i + 4), fmt::format("pip-{}", i));
  }
  for (auto& g : b.m.nsgs) {
    for (auto& r : model::default_security_rules()) g.rules.push_back(r);
  }
  const auto d = draw(b.done());
  REQUIRE(d.paths.size() == 30);
  for (const auto& p : d.paths) {
    CHECK(p.path_class == "open");
    CHECK(p.color == "#d62728");
  }
  std::size_t path_edges = 0, attached = 0;
  for (const auto& e : d.edges) {
    if (e.kind == "path") {
      ++path_edges;
      CHECK(e.style == "solid");
      CHECK(e.paths == std::vector<int>{e.path});
    }
    if (e.kind == "attached") ++attached;
  }
  CHECK(path_edges == 60);
  CHECK(attached == 0);
}

TEST_CASE("graph: --expand-all draws every NIC", "[graph]") {
  const auto m = fixture();
  cli::DiagramOptions o;
  o.expand_all = true;
  const auto ids = node_ids(draw(m, o));
  CHECK(ids.count(nic("vm-db1")) == 1);
  CHECK(ids.count(nic("vm-db2")) == 1);
  CHECK(ids.count(nic("vm-db3")) == 1);
  CHECK(ids.count(subnet("db") + "#private-nics") == 0);
  CHECK(ids.size() == 16);  // the 13 single nodes above, plus three NICs instead of one collapsed node
}

TEST_CASE("graph: --exposed-only keeps the exposed paths and their frames", "[graph]") {
  const auto m = fixture();
  cli::DiagramOptions o;
  o.exposed_only = true;
  const auto d = draw(m, o);
  CHECK(node_ids(d) == std::set<std::string>{"internet", graph_id("Microsoft.Network/publicIPAddresses", "pip-web"),
                                             graph_id("Microsoft.Network/publicIPAddresses", "pip-jit"), nic("vm-web"),
                                             nic("vm-jit")});
  CHECK(cluster_ids(d) ==
        std::set<std::string>{"cluster_" + vnet(), "cluster_" + subnet("web"), "cluster_" + subnet("mgmt")});
  for (const auto& e : d.edges) CHECK(e.kind == "path");
  CHECK(d.edges.size() == 4);  // two edges per path
}

TEST_CASE("graph: --focus draws the resource, its subnet, NSGs, public IPs and the paths touching it", "[graph]") {
  const auto m = fixture();
  cli::DiagramOptions o;
  SECTION("an exposed VM by name") {
    o.focus = "vm-web";
    const auto d = draw(m, o);
    CHECK(node_ids(d) == std::set<std::string>{"internet", graph_id("Microsoft.Network/publicIPAddresses", "pip-web"),
                                               nic("vm-web"), subnet("web"), graph_id(kNsgType, "nsg-web")});
    CHECK(cluster_ids(d) == std::set<std::string>{"cluster_" + vnet(), "cluster_" + subnet("web")});
    REQUIRE(d.paths.size() == 1);
    CHECK(d.paths[0].ports == "tcp 22,443");
  }
  SECTION("a private VM otherwise collapsed is drawn alone; the rest of its subnet stays collapsed") {
    o.focus = "vm-db2";
    const auto d = draw(m, o);
    CHECK(node_ids(d) == std::set<std::string>{nic("vm-db2"), subnet("db"), graph_id(kNsgType, "nsg-db")});
    CHECK(d.paths.empty());
  }
  SECTION("an NSG by id: the subnets it secures and the paths through it") {
    o.focus = rid(kNsgType, "NSG-WEB");  // ids are case-insensitive
    const auto d = draw(m, o);
    CHECK(node_ids(d) == std::set<std::string>{graph_id(kNsgType, "nsg-web"), subnet("web"), "internet",
                                               graph_id("Microsoft.Network/publicIPAddresses", "pip-web"),
                                               nic("vm-web")});
  }
  SECTION("a subnet: its members (collapsed NICs too) and its NSG") {
    o.focus = "db";
    const auto d = draw(m, o);
    CHECK(node_ids(d) ==
          std::set<std::string>{subnet("db"), subnet("db") + "#private-nics", graph_id(kNsgType, "nsg-db")});
  }
  SECTION("focus and exposed-only together: the exposed paths touching the focus") {
    o.focus = "vm-jit";
    o.exposed_only = true;
    const auto d = draw(m, o);
    CHECK(node_ids(d) ==
          std::set<std::string>{"internet", graph_id("Microsoft.Network/publicIPAddresses", "pip-jit"), nic("vm-jit")});
  }
}

TEST_CASE("graph: an unknown or ambiguous focus is an error naming it", "[graph]") {
  auto m = fixture();
  const auto a = solver::analyze(m);
  cli::DiagramOptions o;
  o.focus = "vm-nope";
  auto r = cli::build_diagram(m, a, o);
  CHECK(r.error == "--focus: no resource is named 'vm-nope' and no resource has that id");
  // A subnet and an NSG may share a name.
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"}).nsg("same", {}).subnet("v", "same", "10.0.0.0/24", "same");
  const auto m2 = b.done();
  o.focus = "same";
  r = cli::build_diagram(m2, solver::analyze(m2), o);
  CHECK(r.error == "--focus: 'same' names 2 resources; give the id of one");
  CHECK(r.candidates.size() == 2);
}

TEST_CASE("graph: hostile names are escaped in DOT and survive Graphviz", "[graph]") {
  const std::string evil = "vm \"q\" \\N back\\slash\nnew <b>&amp; {x}|y";
  EstateBuilder b;
  b.vnet("vnet-a", {"10.0.0.0/16"})
      .nsg("nsg-web", {{"allow", 100, kAllow, tcp(), {"Internet"}, {"443"}}})
      .subnet("vnet-a", "web", "10.0.1.0/24", "nsg-web")
      .public_ip("pip", "20.0.0.1", model::Sku::kStandard)
      .vm(evil, "vnet-a", "web", "10.0.1.4", "pip");
  for (auto& g : b.m.nsgs) {
    for (auto& r : model::default_security_rules()) g.rules.push_back(r);
  }
  const auto m = b.done();
  const auto d = draw(m);
  const std::string dot = dot_text(d);
  // The label: quote and backslash escaped, the newline inside the name shown as the two characters "\n" (an
  // escaped backslash, then n), '&' as an entity so that Graphviz does not decode "&amp;".
  CHECK_THAT(dot, Catch::Contains(R"(label="vm \"q\" \\N back\\slash\\nnew <b>&amp;amp; {x}|y\n10.0.1.4")"));
  // The node id: every unsafe byte percent-encoded (no quote, backslash, newline or space left).
  const std::string nic_id = nic(evil);
  CHECK(nic_id.find_first_of("\"\\\n <>&{}| ") == std::string::npos);
  CHECK_THAT(nic_id, Catch::Contains("vm%20%22q%22%20%5Cn%20back%5Cslash%0Anew%20%3Cb%3E%26amp%3B%20%7Bx%7D%7Cy-nic"));
  CHECK(cli::dot_string("a\"b\\c\nd&e") == R"("a\"b\\c\nd&amp;e")");
  if (!has_dot()) {
    WARN("Graphviz 'dot' is not on PATH: the rendering part of this test is skipped");
    return;
  }
  const auto r = cli::run_process({"dot", "-Tsvg"}, dot);
  REQUIRE(r.exit_status == 0);
  const auto svg = parse_svg(r.out);
  CHECK(svg.texts.count("vm \"q\" \\N back\\slash\\nnew <b>&amp; {x}|y") == 1);
  CHECK(svg.texts.count("tcp 443") == 1);
}

TEST_CASE("graph: same input, same bytes (dot and json)", "[graph]") {
  const auto dir = fs::path(EXPOSIM_SOURCE_DIR) / "examples/hub-and-spoke";
  const auto d1 = draw(load_graph_example(dir));
  const auto d2 = draw(load_graph_example(dir));
  CHECK(dot_text(d1) == dot_text(d2));
  std::ostringstream j1, j2;
  cli::write_graph_json(j1, d1);
  cli::write_graph_json(j2, d2);
  CHECK(j1.str() == j2.str());
  // And through the command line.
  const auto files = std::vector<std::string>{example("hub-and-spoke/firewall.json"), example("hub-and-spoke/hub.json"),
                                              example("hub-and-spoke/spokes.json")};
  std::vector<std::string> args{"graph"};
  args.insert(args.end(), files.begin(), files.end());
  const auto r1 = run_exposim(args);
  const auto r2 = run_exposim(args);
  CHECK(r1.code == 0);
  CHECK(r1.out == r2.out);
  CHECK(r1.out == dot_text(d1));
}

TEST_CASE("graph: hub-and-spoke paths, worked out from its README", "[graph]") {
  const auto d = draw(load_graph_example(fs::path(EXPOSIM_SOURCE_DIR) / "examples/hub-and-spoke"));
  std::map<std::string, std::string> by_target;  // "class last-node-name" -> ports
  std::map<std::string, std::string> names;
  for (const auto& n : d.nodes) names[n.id] = n.name;
  for (const auto& p : d.paths) by_target[p.path_class + " " + names[p.nodes.back()]] += p.ports + ";";
  // The firewall's own DNAT ports: 2222 (ssh-to-jump) and 8080 (legacy-web) from any source, 443 from the
  // partner ranges (web-to-app-from-partner, base policy, first) and from the rest (web-to-app): together any
  // source; 3389 (rdp-to-db) from 52.30.0.0/16 only.
  CHECK(by_target["open fw-hub"] == "tcp 443,2222,8080;");
  CHECK(by_target["restricted fw-hub"] == "tcp 3389;");
  // vm-jump via 2222 -> 22; vm-app via 443 -> 8443 by both rules (nsg-app admits the firewall's subnet).
  CHECK(by_target["open vm-jump"] == "tcp 22;");
  CHECK(by_target["open vm-app"] == "tcp 8443;");
  CHECK(by_target["open bas-hub"] == "tcp 443;");
  // Bastion sessions: every port to vm-jump (22 and the rest merged), all but 3389 to vm-db.
  CHECK(by_target["bastion vm-jump"] == "tcp all;");
  CHECK(by_target["bastion vm-db"] == "tcp 0-3388,3390-65535;");
  CHECK(by_target["bastion vm-web"] == "tcp all;");
  CHECK(by_target["bastion vm-legacy"] == "tcp all;");
  CHECK(by_target.count("bastion vm-app") == 0);
  // Broken: vm-legacy through the firewall, vm-web by its own public IP (every protocol).
  CHECK(by_target["broken vm-legacy"] == "tcp 80;");
  CHECK(by_target["broken vm-web"] == "tcp all\nudp all\nicmp\nesp\nah;");
  for (const auto& p : d.paths) {
    if (names[p.nodes.back()] == "vm-jump" && p.path_class == "open") CHECK(p.entry_ports == "tcp 2222");
  }
  // Route edges: rt-spokes and rt-legacy send 0.0.0.0/0 to the firewall; rt-firewall to the internet.
  std::set<std::string> routes;
  for (const auto& e : d.edges) {
    if (e.kind == "route") routes.insert(names[e.from] + " -> " + names[e.to] + ": " + e.label);
  }
  CHECK(routes == std::set<std::string>{"rt-firewall -> Internet: 0.0.0.0/0", "rt-spokes -> fw-hub: 0.0.0.0/0",
                                        "rt-legacy -> fw-hub: 0.0.0.0/0\n10.0.1.0/26"});
  std::set<std::string> peerings;
  for (const auto& e : d.edges) {
    if (e.kind == "peering") peerings.insert(names[e.from] + " " + names[e.to] + " " + e.label);
  }
  CHECK(peerings == std::set<std::string>{"vnet-hub vnet-spoke1 peering", "vnet-hub vnet-spoke2 peering"});
}

TEST_CASE("graph: admin-rules draws the rule collections where their rules apply and the deciding rule on paths",
          "[graph][admin-rules]") {
  // examples/admin-rules (its README): monitoring's always-probe (AlwaysAllow 8443, 50) and high-risk-ports'
  // deny-ssh (Deny 22, 100) apply to vnet-prod; nothing applies to vnet-dev (ng-dev's membership is undecided and
  // deny-ssh is a Deny rule). web-1's 8443 from 20.50.0.0/16 is admitted by always-probe: its path passes the
  // monitoring collection; 443 is decided by nsg-web (no admin rule matches): its path does not.
  const auto d = draw(load_graph_example(fs::path(EXPOSIM_SOURCE_DIR) / "examples/admin-rules"));
  std::map<std::string, std::string> names;
  std::map<std::string, std::string> kinds;
  for (const auto& n : d.nodes) {
    names[n.id] = n.name;
    kinds[n.id] = n.kind;
  }
  std::set<std::string> collections;
  for (const auto& n : d.nodes) {
    if (n.kind == "admin-rule-collection") collections.insert(n.name + ": " + n.label);
  }
  CHECK(collections == std::set<std::string>{"high-risk-ports: high-risk-ports\nadmin rules of org-baseline",
                                             "monitoring: monitoring\nadmin rules of org-baseline"});
  std::set<std::string> admin_edges;
  for (const auto& e : d.edges) {
    if (e.kind != "admin-rules") continue;
    admin_edges.insert(names[e.from] + " -> " + names[e.to] + ": " + e.label);
    CHECK(e.style == "dashed");
  }
  CHECK(admin_edges == std::set<std::string>{"high-risk-ports -> vnet-prod: Deny deny-ssh (100)",
                                             "monitoring -> vnet-prod: AlwaysAllow always-probe (50)"});
  std::set<std::string> paths;
  for (const auto& p : d.paths) {
    std::string steps;
    for (const auto& n : p.nodes) steps += (steps.empty() ? "" : " > ") + names[n];
    paths.insert(p.path_class + " " + steps + ": " + p.ports);
  }
  CHECK(paths == std::set<std::string>{"open Internet > web-1-pip > web-1-nic: tcp 443",
                                       "restricted Internet > web-1-pip > monitoring > web-1-nic: tcp 8443",
                                       "open Internet > dev-1-pip > dev-1-nic: tcp 22"});
  // --focus on the collection draws the paths it decides.
  cli::DiagramOptions focus;
  focus.focus = "monitoring";
  const auto focused = draw(load_graph_example(fs::path(EXPOSIM_SOURCE_DIR) / "examples/admin-rules"), focus);
  REQUIRE(focused.paths.size() == 1);
  CHECK(focused.paths[0].ports == "tcp 8443");
}

TEST_CASE("graph: every example renders to SVG with its clusters, path colours and port labels", "[graph]") {
  if (!has_dot()) {
    WARN("Graphviz 'dot' is not on PATH: SVG rendering of the examples is skipped");
    return;
  }
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(fs::path(EXPOSIM_SOURCE_DIR) / "examples")) {
    if (e.is_directory()) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  REQUIRE(dirs.size() >= 9);
  for (const auto& dir : dirs) {
    INFO(dir.filename().string());
    const auto m = load_graph_example(dir);
    const auto a = solver::analyze(m);
    const auto d = draw(m);
    const auto r = cli::run_process({"dot", "-Tsvg"}, dot_text(d));
    REQUIRE(r.exit_status == 0);
    const auto svg = parse_svg(r.out);
    // Every VNet and subnet of the model is a cluster titled with its id.
    for (const auto& v : m.vnets) CHECK(svg.cluster_titles.count("cluster_" + cli::diagram_id(v.key)) == 1);
    for (const auto& s : m.subnets) CHECK(svg.cluster_titles.count("cluster_" + cli::diagram_id(s.key)) == 1);
    // Every exposure's protocol and ports appear in some path label, and each path's colour on an edge.
    for (const auto& e : a.exposures) {
      const std::string proto = model::to_string(e.protocol);
      bool found = false;
      for (const auto& t : svg.texts) found = found || t.find(proto) != std::string::npos;
      CHECK(found);
    }
    for (const auto& p : d.paths) {
      CHECK(svg.edge_strokes.count(p.color) == 1);
      for (std::size_t at = 0, next = 0; at <= p.ports.size(); at = next + 1) {
        next = p.ports.find('\n', at);
        if (next == std::string::npos) next = p.ports.size();
        std::string line = p.ports.substr(at, next - at);
        if (at == 0 && p.path_class == "restricted") line = "restricted: " + line;
        if (at == 0 && p.path_class == "bastion") line = "Bastion: " + line;
        if (at == 0 && p.path_class == "broken") line = "broken: " + line;
        if (at == 0 && p.path_class == "jit") line = "JIT: " + line;
        // A translated port is followed by its entry port: "tcp 22 (entry 2222)".
        bool shown = svg.texts.count(line) == 1;
        for (const auto& t : svg.texts) shown = shown || t.rfind(line + " (entry ", 0) == 0;
        CHECK(shown);
      }
    }
    CHECK(d.paths.size() >= (a.exposures.empty() ? 0u : 1u));
  }
}

TEST_CASE("graph CLI: svg through Graphviz to a file, missing Graphviz, unknown focus", "[graph][cli]") {
  const auto dir = graph_scratch_dir();
  const std::string input = example("web-behind-lb/estate.json");
  SECTION("Graphviz missing: exit 4, a clear message, no file") {
    fs::create_directories(dir / "empty-bin");
    ScopedEnv path("PATH", (dir / "empty-bin").string());
    const auto out = dir / "diagram.svg";
    const auto r = run_exposim({"graph", input, "--format", "svg", "-o", out.string()});
    CHECK(r.code == cli::kExitOutputError);
    CHECK_THAT(r.err, Catch::Contains("'dot' was not found on PATH"));
    CHECK_FALSE(fs::exists(out));
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
    CHECK(files == 1);  // only empty-bin: no temporary file left behind
  }
  SECTION("Graphviz fails: exit 4 with its message, no file") {
    fs::create_directories(dir / "bad-bin");
    const auto fake = dir / "bad-bin" / "dot";
    std::ofstream(fake) << "#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 1\n";
    fs::permissions(fake, fs::perms::owner_all);
    ScopedEnv path("PATH", (dir / "bad-bin").string());
    const auto out = dir / "diagram.svg";
    const auto r = run_exposim({"graph", input, "-o", out.string()});  // svg from the extension
    CHECK(r.code == cli::kExitOutputError);
    CHECK_THAT(r.err, Catch::Contains("Graphviz 'dot -Tsvg' failed (exit status 1): Error: syntax error in line 1"));
    CHECK_FALSE(fs::exists(out));
  }
  SECTION("an unknown --focus exits 2") {
    const auto r = run_exposim({"graph", input, "--focus", "no-such-vm"});
    CHECK(r.code == cli::kExitBadInput);
    CHECK_THAT(r.err, Catch::Contains("--focus: no resource is named 'no-such-vm'"));
    CHECK(r.out.empty());
  }
  SECTION("json to stdout") {
    const auto r = run_exposim({"graph", input, "--format", "json"});
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("{\n  \"format\": \"exposim-graph\",\n  \"version\": 1,"));
  }
  SECTION("svg to a file") {
    if (!has_dot()) {
      WARN("Graphviz 'dot' is not on PATH: skipped");
    } else {
      const auto out = dir / "diagram.svg";
      const auto r = run_exposim({"graph", input, "--format", "svg", "-o", out.string()});
      CHECK(r.code == 0);
      std::ifstream in(out);
      std::stringstream s;
      s << in.rdbuf();
      CHECK_THAT(s.str(), Catch::Contains("<svg"));
    }
  }
  fs::remove_all(dir);
}

TEST_CASE("graph: the committed hub-and-spoke diagram is what exposim draws", "[graph][golden]") {
  const auto dir = fs::path(EXPOSIM_SOURCE_DIR) / "examples/hub-and-spoke";
  std::vector<std::string> args{"graph"};
  for (const char* f : {"firewall.json", "hub.json", "spokes.json"}) args.push_back((dir / f).string());
  auto read = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  const auto r = run_exposim(args);
  REQUIRE(r.code == 0);
  CHECK(r.out == read(dir / "expected/graph.dot"));  // refreshed by scripts/refresh-golden
  if (!has_dot()) {
    WARN("Graphviz 'dot' is not on PATH: the SVG part is skipped");
    return;
  }
  args.insert(args.end(), {"--format", "svg"});
  const auto s1 = run_exposim(args);
  const auto s2 = run_exposim(args);
  REQUIRE(s1.code == 0);
  CHECK(s1.out == s2.out);  // byte-stable
  // The committed SVG was made by some Graphviz version: compare bytes when this one is the same.
  const std::string committed = read(dir / "expected/graph.svg");
  const auto version = [](const std::string& svg) {
    const auto at = svg.find("<!-- Generated by graphviz version ");
    return at == std::string::npos ? std::string() : svg.substr(at, svg.find('\n', at) - at);
  };
  REQUIRE_FALSE(version(committed).empty());
  if (version(committed) == version(s1.out)) {
    CHECK(s1.out == committed);
  } else {
    WARN("graph.svg was rendered by another Graphviz version: " << version(committed));
  }
}

TEST_CASE("graph: the committed admin-rules diagram is what exposim draws", "[graph][golden][admin-rules]") {
  const auto dir = fs::path(EXPOSIM_SOURCE_DIR) / "examples/admin-rules";
  const auto r = run_exposim({"graph", (dir / "estate.json").string()});
  REQUIRE(r.code == 0);
  std::ifstream in(dir / "expected/graph.dot", std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  CHECK(r.out == s.str());  // refreshed by scripts/refresh-golden
}

TEST_CASE("graph: every resource kind has a node style, and these kinds are drawn", "[cli]") {
  // The shapes the diagram has always used; the kinds without a node show through others (a VM names its NICs'
  // nodes, rules name their IP groups and ASGs, a scale set's instances are NICs).
  const std::map<std::string, std::string> drawn = {
      {"virtual-network", "tab (frame)"},
      {"subnet", "plaintext (frame)"},
      {"network-security-group", "octagon"},
      {"route-table", "note"},
      {"network-interface", "box"},
      {"public-ip", "ellipse"},
      {"load-balancer", "invhouse"},
      {"firewall", "hexagon"},
      {"bastion-host", "house"},
      {"application-gateway", "trapezium"},
      {"paas-service", "cylinder"},
      {"private-endpoint", "component"},
      {"virtual-hub", "doubleoctagon"},
      {"admin-rule-collection", "septagon"},
      {"nat-gateway", "cds"},
      {"public-ip-prefix", "parallelogram"},
  };
  std::map<std::string, std::string> seen;
  for (const auto k : model::kResourceKinds) {
    const auto& style = cli::node_style(k);
    CHECK(style.kind == k);
    if (style.form == cli::NodeForm::kNotDrawn) continue;
    REQUIRE(style.shape != nullptr);
    seen[model::to_string(k)] = std::string(style.shape) + (style.form == cli::NodeForm::kFrame ? " (frame)" : "");
  }
  CHECK(seen == drawn);
}
