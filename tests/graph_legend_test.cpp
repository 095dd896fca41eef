// `exposim graph` made readable: the legend holds exactly the entries a diagram uses, the steps paths of one
// class share are one edge ("Bastion sessions -> 4 VMs"), placeholder addresses say so, a firewall's management
// public IP is attached to it, and route next hops are the resources holding their address. Expected DOT worked
// out by hand from the estate below and Azure's documented behaviour (docs/model.md).
#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli/graph_diagram.h"
#include "cli/graph_legend.h"
#include "cli/graph_report.h"
#include "model/validate.h"
#include "tests/gateway_estate.h"

namespace {

using namespace exposim::testing::gateway_estate;

/// vnet hub 10.0.0.0/16:
/// - AzureBastionSubnet 10.0.1.0/26 (nsg-bastion: 443 from Internet) with a Basic Bastion, pip-bastion 20.0.0.10;
/// - work 10.0.2.0/24: nic-1..nic-4 at 10.0.2.4-7, no subnet NSG; nic-4 has nsg-4 (22 from 52.10.20.30 only)
///   and pip-4 20.0.0.40;
/// - AzureFirewallSubnet 10.0.3.0/26: firewall fw without a private address (validation assumes 10.0.3.4, the
///   first usable), pip-fw 20.0.0.20; its managementIpConfiguration (forced tunnelling) in
///   AzureFirewallManagementSubnet 10.0.4.0/26 with pip-fw-mgmt, whose address 240.0.0.7 is a template
///   placeholder (240.0.0.0/4);
/// - spare 10.0.5.0/24 with route table rt-spare: 0.0.0.0/0 to 10.0.3.4 (the firewall), 10.9.0.0/16 to 10.0.2.5
///   (nic-2), 10.8.0.0/16 to 10.0.2.200 (no resource has it; it lies in work).
Run legend_estate() {
  Estate e;
  e.vnet("hub", "10.0.0.0/16",
         {{"AzureBastionSubnet", "10.0.1.0/26", "nsg-bastion"},
          {"work", "10.0.2.0/24", ""},
          {"AzureFirewallSubnet", "10.0.3.0/26", ""},
          {"AzureFirewallManagementSubnet", "10.0.4.0/26", ""},
          {"spare", "10.0.5.0/24", ""}})
      .nsg("nsg-bastion", {{"allow-https", 100, "Allow", "Internet", "443", "Tcp"}})
      .nsg("nsg-4", {{"allow-ssh-office", 100, "Allow", "52.10.20.30", "22", "Tcp"}})
      .pip("pip-bastion", "20.0.0.10")
      .pip("pip-4", "20.0.0.40")
      .pip("pip-fw", "20.0.0.20")
      .pip("pip-fw-mgmt", "240.0.0.7")
      .bastion("Basic", "hub", "pip-bastion")
      .nic("nic-1", "hub", "work", "10.0.2.4")
      .nic("nic-2", "hub", "work", "10.0.2.5")
      .nic("nic-3", "hub", "work", "10.0.2.6")
      .nic("nic-4", "hub", "work", "10.0.2.7", "nsg-4")
      .add({{"id", kS + "/azureFirewalls/fw"},
            {"name", "fw"},
            {"type", "Microsoft.Network/azureFirewalls"},
            {"properties",
             {{"sku", {{"name", "AZFW_VNet"}, {"tier", "Standard"}}},
              {"ipConfigurations",
               {{{"name", "ipc"},
                 {"properties",
                  {{"subnet", id_ref(subnet_id("hub", "AzureFirewallSubnet"))},
                   {"publicIPAddress", id_ref(kS + "/publicIPAddresses/pip-fw")}}}}}},
              {"managementIpConfiguration",
               {{"name", "mgmt"},
                {"properties",
                 {{"subnet", id_ref(subnet_id("hub", "AzureFirewallManagementSubnet"))},
                  {"publicIPAddress", id_ref(kS + "/publicIPAddresses/pip-fw-mgmt")}}}}}}}});
  e.resources[0]["properties"]["subnets"][4]["properties"]["routeTable"] = id_ref(kS + "/routeTables/rt-spare");
  auto route = [](const std::string& name, const std::string& prefix, const std::string& hop) {
    return json{
        {"name", name},
        {"properties", {{"addressPrefix", prefix}, {"nextHopType", "VirtualAppliance"}, {"nextHopIpAddress", hop}}}};
  };
  e.add({{"id", kS + "/routeTables/rt-spare"},
         {"name", "rt-spare"},
         {"type", "Microsoft.Network/routeTables"},
         {"properties",
          {{"routes",
            {route("to-fw", "0.0.0.0/0", "10.0.3.4"), route("to-nic", "10.9.0.0/16", "10.0.2.5"),
             route("to-nowhere", "10.8.0.0/16", "10.0.2.200")}}}}});
  for (auto& r : e.resources) {
    if (r["name"] == "nic-4") {
      r["properties"]["ipConfigurations"][0]["properties"]["publicIPAddress"] = id_ref(kS + "/publicIPAddresses/pip-4");
    }
  }
  return run(e.resources);
}

std::string node_id(const std::string& type_and_name) {
  return cli::diagram_id(model::canonical_id(kS + "/" + type_and_name));
}

struct Drawn {
  cli::Diagram d;
  std::string dot;
};

Drawn draw(const Run& r) {
  REQUIRE_FALSE(r.diags.has_errors());
  auto result = cli::build_diagram(r.m, r.a, {});
  REQUIRE(result.error.empty());
  std::ostringstream s;
  cli::write_dot(s, result.diagram);
  return {std::move(result.diagram), s.str()};
}

/// The edges of kind `kind` as "from-name -> to-name: label" (names: the last segment of the node id).
std::vector<std::string> edges(const cli::Diagram& d, const std::string& kind, const std::string& path_class = "") {
  std::map<std::string, std::string> names;
  for (const auto& n : d.nodes) names[n.id] = n.id == "internet" ? "internet" : n.id.substr(n.id.rfind('/') + 1);
  std::vector<std::string> out;
  for (const auto& e : d.edges) {
    if (e.kind != kind) continue;
    if (!path_class.empty() && d.paths[static_cast<std::size_t>(e.path)].path_class != path_class) continue;
    out.push_back(names[e.from] + " -> " + names[e.to] + ": " + e.label);
  }
  return out;
}

}  // namespace

TEST_CASE("graph legend: exactly the path classes, edges and shapes the diagram uses", "[graph]") {
  const auto [d, dot] = draw(legend_estate());
  std::vector<std::string> keys;
  for (const auto& e : cli::legend_entries(d)) keys.push_back(e.key);
  // Open (the Bastion's own 443 from any source), restricted (nic-4's 22 from one address), Bastion sessions;
  // no JIT and no broken flow. Structure: pip-fw attached, the management IP, routes, NSGs, the route table; the
  // public IPs of pip-bastion and pip-4 are path steps, drawn once. Shapes in the kind table's order, then the
  // route next hop no resource has, the fill of exposed nodes and the placeholder mark.
  CHECK(keys == std::vector<std::string>{"open", "restricted", "bastion", "attached", "management", "route",
                                         "secured-by", "routed-by", "virtual-network", "subnet",
                                         "network-security-group", "route-table", "network-interface", "public-ip",
                                         "firewall", "bastion-host", "next-hop", "exposed", "placeholder"});
  // One table node: a row per entry, the sample (a line in the class's colour, bold for paths; a shape in
  // words), then its meaning.
  CHECK_THAT(dot, Catch::Contains("\"legend\" [shape=\"plaintext\", fontsize=\"9\", label=<<TABLE"));
  CHECK_THAT(dot,
             Catch::Contains("<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"#d62728\"><B>\u2014\u2014\u2014\u2014</B></FONT>"
                             "</TD><TD ALIGN=\"LEFT\">open to any internet source</TD></TR>"));
  CHECK_THAT(dot, Catch::Contains("<FONT COLOR=\"#ff7f0e\"><B>\u2014\u2014\u2014\u2014</B></FONT></TD><TD "
                                  "ALIGN=\"LEFT\">open to restricted sources</TD>"));
  CHECK_THAT(dot, Catch::Contains("<FONT COLOR=\"#2ca02c\"><B>- - - - -</B></FONT></TD><TD ALIGN=\"LEFT\">Bastion "
                                  "session</TD>"));
  CHECK_THAT(dot, Catch::Contains("<FONT COLOR=\"#7f7f7f\">- - - - -</FONT></TD><TD ALIGN=\"LEFT\">firewall "
                                  "management public IP</TD>"));
  CHECK_THAT(dot, Catch::Contains("<TR><TD ALIGN=\"LEFT\">folder</TD><TD ALIGN=\"LEFT\">virtual network: its address "
                                  "space</TD></TR>"));
  CHECK_THAT(dot, Catch::Contains("<TR><TD ALIGN=\"LEFT\">hexagon</TD><TD ALIGN=\"LEFT\">Azure Firewall</TD></TR>"));
  CHECK_THAT(dot, Catch::Contains("<TR><TD ALIGN=\"LEFT\">(placeholder)</TD><TD ALIGN=\"LEFT\">an address exposim "
                                  "assumed; Azure sets it at deployment</TD></TR>"));
  // Not used, not listed.
  for (const char* absent : {"just-in-time", "broken", "NICs on no path", "load balancer", "VNet peering"}) {
    CHECK(dot.find(absent) == std::string::npos);
  }
}

TEST_CASE("graph legend: an empty diagram has none", "[graph]") {
  CHECK(cli::legend_entries(cli::Diagram{}).empty());
  std::ostringstream s;
  cli::write_dot(s, cli::Diagram{});
  CHECK(s.str().find("legend") == std::string::npos);
}

TEST_CASE("graph: Bastion sessions to four VMs share one edge from the internet", "[graph]") {
  const auto [d, dot] = draw(legend_estate());
  // Four sessions (Basic: 22 and 3389 to every NIC of its VNet; nsg-4 admits the Bastion subnet by
  // AllowVnetInBound) take internet -> pip-bastion -> bastion, then one edge to each NIC.
  CHECK(edges(d, "path", "bastion") ==
        std::vector<std::string>{"internet -> pip-bastion: Bastion sessions -> 4 VMs", "pip-bastion -> bastion: ",
                                 "bastion -> nic-1: Bastion: tcp 22,3389", "bastion -> nic-2: Bastion: tcp 22,3389",
                                 "bastion -> nic-3: Bastion: tcp 22,3389", "bastion -> nic-4: Bastion: tcp 22,3389"});
  CHECK(edges(d, "path", "open") ==
        std::vector<std::string>{"internet -> pip-bastion: ", "pip-bastion -> bastion: tcp 443"});
  CHECK(edges(d, "path", "restricted") ==
        std::vector<std::string>{"internet -> pip-4: ", "pip-4 -> nic-4: restricted: tcp 22"});
  for (const auto& e : d.edges) {
    if (e.kind == "path" && d.paths[static_cast<std::size_t>(e.path)].path_class == "bastion" && e.from == "internet") {
      CHECK(e.paths.size() == 4);
    }
  }
  CHECK_THAT(dot, Catch::Contains("[color=\"#2ca02c\", style=\"dashed\", label=\"Bastion sessions -> 4 VMs\", "
                                  "fontcolor=\"#2ca02c\", penwidth=\"2\"]"));
  // The attachments drawn as path steps are not drawn twice.
  CHECK(edges(d, "attached") == std::vector<std::string>{"pip-fw -> fw: "});
}

TEST_CASE("graph: placeholder addresses, the management public IP and resolved next hops", "[graph]") {
  const auto [d, dot] = draw(legend_estate());
  // The firewall's address is the one validation assumed; pip-fw-mgmt's is a template placeholder.
  CHECK_THAT(dot, Catch::Contains("[label=\"fw\\nfirewall 10.0.3.4 (placeholder)\", shape=\"hexagon\"]"));
  CHECK_THAT(dot, Catch::Contains("[label=\"pip-fw-mgmt\\n240.0.0.7 (placeholder)\", shape=\"ellipse\"]"));
  CHECK_THAT(dot, Catch::Contains("[label=\"pip-fw\\n20.0.0.20\", shape=\"ellipse\"]"));
  // The management IP points at its firewall.
  CHECK(edges(d, "management") == std::vector<std::string>{"pip-fw-mgmt -> fw: management"});
  CHECK_THAT(
      dot, Catch::Contains("\"" + node_id("publicIPAddresses/pip-fw-mgmt") + "\" -> \"" + node_id("azureFirewalls/fw") +
                           "\" [color=\"#7f7f7f\", style=\"dashed\", "
                           "label=\"management\""));
  // Next hops: the firewall by its (assumed) address, nic-2 by its own, and 10.0.2.200 in the frame of work.
  CHECK(edges(d, "route") == std::vector<std::string>{"rt-spare -> fw: 0.0.0.0/0", "rt-spare -> nic-2: 10.9.0.0/16",
                                                      "rt-spare -> next-hop:10.0.2.200: 10.8.0.0/16"});
  bool found = false;
  for (const auto& n : d.nodes) {
    if (n.id != "next-hop:10.0.2.200") continue;
    found = true;
    CHECK(n.cluster == "cluster_" + cli::diagram_id(model::canonical_id(subnet_id("hub", "work"))));
    CHECK(n.label == "10.0.2.200\nnext hop: no resource\nin the input has it");
  }
  CHECK(found);
}
