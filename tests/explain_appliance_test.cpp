// explain --via appliance: one packet through a network virtual appliance (docs/model.md, "Network virtual
// appliances"), hop by hop, with expectations worked out by hand; and the check that each verdict is analyze's.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/explain_query_text.h"
#include "cli/explain_report.h"
#include "cli/explain_text.h"
#include "solver/explain.h"
#include "solver/exposure.h"
#include "tests/appliance_estates.h"
#include "tests/model_builder.h"

namespace exposim::testing {
namespace {

using model::Sku;
using solver::FlowQuery;
using solver::FlowTrace;
using solver::HopKind;
using solver::Via;

/// One VNet 10.0.0.0/16: appliance `nva` (10.0.1.4 in subnet nva, IP forwarding, public IP 20.0.0.1 Standard) whose
/// subnet NSG allows TCP 443 from the internet; VM `app` (10.0.2.4) whose subnet routes 0.0.0.0/0 to 10.0.1.4 and
/// whose subnet NSG allows TCP 8443 from the internet and denies the rest (the 0.0.0.0/0 route puts the internet
/// into the VirtualNetwork tag, which AllowVnetInBound would otherwise admit).
EstateBuilder explain_appliance_same_vnet() {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg-nva", {{"allow-https", 100, kAllow, tcp(), {"Internet"}, {"443"}}})
      .nsg("nsg-app", {{"allow-8443", 100, kAllow, tcp(), {"Internet"}, {"8443"}},
                       {"deny-rest", 4000, kDeny, any_protocol(), {"*"}, {"*"}}})
      .subnet("v", "nva", "10.0.1.0/24", "nsg-nva")
      .subnet("v", "app", "10.0.2.0/24", "nsg-app", "rt-app")
      .route_to_appliance("rt-app", "0.0.0.0/0", "10.0.1.4")
      .public_ip("pip-nva", "20.0.0.1", Sku::kStandard)
      .vm("nva", "v", "nva", "10.0.1.4", "pip-nva")
      .vm("app", "v", "app", "10.0.2.4");
  b.m.nics[0].enable_ip_forwarding = true;
  return b;
}

FlowQuery explain_appliance_query(const std::string& from, const std::string& to, int port,
                                  const std::string& appliance = "") {
  FlowQuery q;
  q.source = *model::IpAddress::parse(from);
  q.target = to;
  q.destination_port = static_cast<std::uint16_t>(port);
  q.via_appliance = true;
  q.appliance = appliance;
  return q;
}

/// The hops as "kind (scope) pass|stop", to compare a whole trace at once.
std::vector<std::string> explain_appliance_hops(const FlowTrace& t) {
  std::vector<std::string> out;
  for (const auto& h : t.hops) {
    std::string s = solver::to_string(h.kind);
    if (*h.scope) s += std::string(" (") + h.scope + ")";
    out.push_back(s + (h.passes ? " pass" : " stop"));
  }
  return out;
}

/// What analyze says of the trace's packet through appliance t.appliance: "exposed", "broken" or "none".
std::string explain_appliance_analyzed(const solver::Analysis& a, const FlowTrace& t) {
  const FlowQuery& q = t.query;
  auto has = [&](const std::vector<solver::Exposure>& list) {
    for (const auto& e : list) {
      if (e.via == Via::kAppliance && e.nic == t.nic && e.ip_configuration == t.ip_configuration &&
          e.gateway == t.appliance && e.protocol == q.protocol &&
          (!model::has_ports(q.protocol) || e.ports.contains(q.destination_port)) &&
          e.sources.contains(q.source.value)) {
        return true;
      }
    }
    return false;
  };
  return has(a.exposures) ? "exposed" : has(a.broken) ? "broken" : "none";
}

std::string explain_appliance_verdict(const FlowTrace& t) {
  return t.allowed ? "exposed" : t.broken ? "broken" : "none";
}

/// For every source, protocol and port: explain's verdict through the appliance is analyze's (10.9.9.9 is no
/// internet address: never exposed).
void explain_appliance_agrees(const model::Model& m, const std::string& appliance) {
  const auto a = solver::analyze(m);
  for (const char* src : {"81.2.69.200", "52.10.1.1", "10.9.9.9"}) {
    for (const auto protocol : {model::Protocol::kTcp, model::Protocol::kUdp, model::Protocol::kIcmp}) {
      for (int port : {22, 443, 8443}) {
        FlowQuery q = explain_appliance_query(src, "app", port, appliance);
        q.protocol = protocol;
        const FlowTrace t = solver::explain(m, q, &a);
        REQUIRE(t.status == FlowTrace::Status::kOk);
        INFO(src << " " << model::to_string(protocol) << " port " << port);
        CHECK(explain_appliance_verdict(t) == explain_appliance_analyzed(a, t));
      }
    }
  }
}

const std::vector<std::string> kExplainApplianceAllPass = {"source pass",
                                                           "entry pass",
                                                           "nsg (appliance-subnet) pass",
                                                           "no-nsg (appliance-nic) pass",
                                                           "route (appliance-return) pass",
                                                           "appliance pass",
                                                           "route (forward) pass",
                                                           "nsg (subnet) pass",
                                                           "no-nsg (nic) pass",
                                                           "route (return) pass"};

TEST_CASE("explain via appliance: an open port in the same VNet is traced through the appliance",
          "[explain-appliance]") {
  const auto m = explain_appliance_same_vnet().done();
  const FlowTrace t = solver::explain(m, explain_appliance_query("81.2.69.200", "app", 8443));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  // The appliance's NSG admits 443 only: the client reaches it on 443 (analyze takes every source the appliance
  // admits at all, its translation being unknown), then app's NSG sees the client's address on 8443: allow-8443;
  // app's replies take rt-app's 0.0.0.0/0 back to 10.0.1.4.
  CHECK(explain_appliance_hops(t) == kExplainApplianceAllPass);
  CHECK(t.allowed);
  CHECK_FALSE(t.broken);
  CHECK(m.nics[t.appliance].name == "nva-nic");
  CHECK(m.nics[t.nic].name == "app-nic");
  CHECK(m.public_ips[t.public_ip].name == "pip-nva");
  CHECK(m.nsgs[t.hops[2].resource].name == "nsg-nva");
  CHECK(m.nsgs[t.hops[2].resource].rules[t.hops[2].rule].name == "allow-https");
  CHECK(t.hops[2].why.nsg.destination_port == 443);
  CHECK(t.hops[5].resource == t.appliance);
  CHECK(m.nsgs[t.hops[7].resource].rules[t.hops[7].rule].name == "allow-8443");
  CHECK(t.hops[7].why.nsg.destination_port == 8443);
  CHECK(m.route_tables[t.hops[9].route_table].name == "rt-app");
  CHECK(cli::hop_text(m, t.hops[5]) ==
        "assumed: appliance 'nva-nic' forwards what reaches its public IP 20.0.0.1 (tcp 81.2.69.200:49152 -> port "
        "443) to 10.0.2.4 port 8443 (tcp), keeping the client's address; its own filtering and address translation "
        "are unknown");
  CHECK(cli::hop_text(m, t.hops[9]) ==
        "the reply to 81.2.69.200 takes route 'route-0.0.0.0/0' (0.0.0.0/0 -> VirtualAppliance 10.0.1.4) of route "
        "table 'rt-app': back through appliance 'nva-nic' (10.0.1.4), which answers the client");
  CHECK(cli::verdict_text(m, t) ==
        "allowed: tcp 81.2.69.200:49152 -> port 8443 reaches ip configuration 'ipconfig1' of NIC 'app-nic' "
        "(10.0.2.4) through appliance 'nva-nic' (20.0.0.1), assumed to forward it, and replies return through it");
  explain_appliance_agrees(m, "");
}

TEST_CASE("explain via appliance: another protocol than the one the appliance admits is forwarded",
          "[explain-appliance]") {
  auto b = explain_appliance_same_vnet();
  b.m.nsgs[1].rules[0].protocols = udp();  // nsg-app: allow-8443 for UDP only
  const auto m = b.done();
  // The client reaches the appliance on TCP 443 only; its translation being unknown, analyze takes it as forwarding
  // UDP 8443 too, which allow-8443 now admits.
  FlowQuery q = explain_appliance_query("81.2.69.200", "app", 8443);
  q.protocol = model::Protocol::kUdp;
  const FlowTrace t = solver::explain(m, q);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.allowed);
  CHECK(t.hops[5].why.flow.protocol == model::Protocol::kTcp);
  CHECK(t.hops[5].why.flow.destination_port == 443);
  CHECK(t.hops[5].why.onward_protocol == model::Protocol::kUdp);
  CHECK(cli::hop_text(m, t.hops[5]) ==
        "assumed: appliance 'nva-nic' forwards what reaches its public IP 20.0.0.1 (tcp 81.2.69.200:49152 -> port "
        "443) to 10.0.2.4 port 8443 (udp), keeping the client's address; its own filtering and address translation "
        "are unknown");
  // TCP 8443 now matches deny-rest at app's subnet.
  const FlowTrace tcp8443 = solver::explain(m, explain_appliance_query("81.2.69.200", "app", 8443));
  CHECK(tcp8443.stopped_at == 7);
  explain_appliance_agrees(m, "");
}

TEST_CASE("explain via appliance: a port the target's NSG denies stops at its subnet NSG", "[explain-appliance]") {
  const auto m = explain_appliance_same_vnet().done();
  const FlowTrace t = solver::explain(m, explain_appliance_query("81.2.69.200", "app", 22));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  // The appliance still admits the client (on 443); app's NSG: 22 matches only deny-rest (priority 4000).
  CHECK_FALSE(t.allowed);
  CHECK_FALSE(t.broken);
  REQUIRE(t.stopped_at == 7);
  const auto& h = t.hops[7];
  CHECK(h.kind == HopKind::kNsg);
  CHECK(std::string(h.scope) == "subnet");
  CHECK(m.nsgs[h.resource].rules[h.rule].name == "deny-rest");
  CHECK(t.hops[5].passes);
  const auto a = solver::analyze(m);
  CHECK(explain_appliance_analyzed(a, t) == "none");
}

TEST_CASE("explain via appliance: a client the appliance's own NSG denies stops there", "[explain-appliance]") {
  auto b = explain_appliance_same_vnet();
  b.m.nsgs[0].rules[0].source = {};
  add_address(b.m.nsgs[0].rules[0].source, "52.10.0.0/16");
  const auto m = b.done();
  // 81.2.69.200 is outside 52.10.0.0/16: nsg-nva admits it on no port, so the packet is tried as it is (tcp 8443)
  // and the default DenyAllInBound decides it at the appliance's subnet.
  const FlowTrace t = solver::explain(m, explain_appliance_query("81.2.69.200", "app", 8443));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK_FALSE(t.allowed);
  CHECK_FALSE(t.broken);
  REQUIRE(t.stopped_at == 2);
  CHECK(std::string(t.hops[2].scope) == "appliance-subnet");
  CHECK(m.nsgs[t.hops[2].resource].name == "nsg-nva");
  CHECK(m.nsgs[t.hops[2].resource].rules[t.hops[2].rule].name == "DenyAllInBound");
  CHECK(t.hops[2].why.nsg.destination_port == 8443);
  CHECK_FALSE(t.hops[5].passes);  // the appliance hop would stop too: it forwards nothing from this client
  // 52.10.1.1 is admitted (on 443) and reaches app on 8443.
  const FlowTrace ok = solver::explain(m, explain_appliance_query("52.10.1.1", "app", 8443));
  CHECK(ok.allowed);
  explain_appliance_agrees(m, "nva");
}

TEST_CASE("explain via appliance: a hub appliance without allowForwardedTraffic on the spoke side is broken",
          "[explain-appliance]") {
  const auto m = appliance_hub_estate(false).done();
  const FlowTrace t = solver::explain(m, explain_appliance_query("81.2.69.200", "app", 8443, "nva-nic"));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  // Every filter passes (nsg-nva on 443, nsg-app's allow-8443, the reply route to 10.0.1.4); the forwarded packet
  // keeps its internet source, which the spoke's peering does not admit: analyze's broken flow.
  CHECK_FALSE(t.allowed);
  CHECK(t.broken);
  REQUIRE(t.stopped_at == 6);
  CHECK(t.hops[6].kind == HopKind::kRoute);
  CHECK(std::string(t.hops[6].scope) == "forward");
  CHECK(cli::hop_text(m, t.hops[6]) ==
        "appliance 'nva-nic' cannot forward to 10.1.1.4: peering 'spoke-to-hub' of 'spoke' does not allow forwarded "
        "traffic (allowForwardedTraffic is false)");
  CHECK(t.hops[7].passes);  // allow-8443
  CHECK(t.hops[9].passes);  // back to the appliance
  const auto a = solver::analyze(m);
  CHECK(explain_appliance_analyzed(a, t) == "broken");
  explain_appliance_agrees(m, "nva");
}

TEST_CASE("explain via appliance: a hub appliance whose spoke allows forwarded traffic reaches the spoke",
          "[explain-appliance]") {
  const auto m = appliance_hub_estate(true).done();
  const FlowTrace t = solver::explain(m, explain_appliance_query("81.2.69.200", "10.1.1.4", 8443));
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(explain_appliance_hops(t) == kExplainApplianceAllPass);
  CHECK(t.allowed);
  // From the hub's subnet the spoke's address is reached over the peering (a system route).
  CHECK(t.hops[6].next_hop == model::NextHopType::kVnetPeering);
  explain_appliance_agrees(m, "");
}

TEST_CASE("explain via appliance: two appliances in front of the target need a name", "[explain-appliance]") {
  // A copy of the hub in another VNet of the same address space: its appliance has the same private IP 10.0.1.4,
  // so analyze takes both as in front of app (the copy is not peered with the spoke: broken through it).
  auto b = appliance_hub_estate(true);
  b.vnet("hub-copy", {"10.0.0.0/16"})
      .subnet("hub-copy", "nva", "10.0.1.0/24", "nsg-nva")
      .public_ip("pip-nva-copy", "20.0.0.2", Sku::kStandard)
      .vm("nva-copy", "hub-copy", "nva", "10.0.1.4", "pip-nva-copy");
  b.m.nics.back().enable_ip_forwarding = true;
  const auto m = b.done();
  const FlowTrace t = solver::explain(m, explain_appliance_query("81.2.69.200", "app", 8443));
  REQUIRE(t.status == FlowTrace::Status::kAmbiguousTarget);
  CHECK(t.error.code == solver::QueryErrorCode::kAppliancesFront);
  CHECK(t.error.count == 2);
  REQUIRE(t.error.candidates.size() == 2);
  CHECK(cli::query_error_text(m, t) ==
        "--via appliance: 2 appliances are in front of 'app'; choose one with --via appliance:NAME");
  const auto notes = cli::query_candidates_text(m, t.error);
  REQUIRE(notes.size() == 2);
  // Sorted by ip configuration id: .../nva-copy-nic/... before .../nva-nic/...
  CHECK(notes[0].find("(VM 'nva-copy', NIC 'nva-copy-nic', private 10.0.1.4, public 20.0.0.2)") != std::string::npos);
  CHECK(notes[1].find("(VM 'nva', NIC 'nva-nic', private 10.0.1.4, public 20.0.0.1)") != std::string::npos);
  // Named: the hub's appliance reaches app; the copy's cannot forward to it (its VNet is not peered with the spoke).
  const FlowTrace hub = solver::explain(m, explain_appliance_query("81.2.69.200", "app", 8443, "nva"));
  CHECK(hub.allowed);
  const FlowTrace copy = solver::explain(m, explain_appliance_query("81.2.69.200", "app", 8443, "nva-copy"));
  CHECK(copy.broken);
  CHECK(copy.stopped_at == 6);
  const auto a = solver::analyze(m);
  CHECK(explain_appliance_analyzed(a, hub) == "exposed");
  CHECK(explain_appliance_analyzed(a, copy) == "broken");
  explain_appliance_agrees(m, "nva");
  explain_appliance_agrees(m, "nva-copy");
  // A name that is no appliance.
  const FlowTrace unknown = solver::explain(m, explain_appliance_query("81.2.69.200", "app", 8443, "app"));
  CHECK(unknown.status == FlowTrace::Status::kBadTarget);
  CHECK(unknown.error.code == solver::QueryErrorCode::kApplianceUnknown);
  CHECK(cli::query_error_text(m, unknown) ==
        "--via appliance:app: no network virtual appliance (a NIC with IP forwarding and a public IP) of that NIC or "
        "VM name or id in the input");
}

TEST_CASE("explain via appliance: without an appliance in front the error lists the appliances",
          "[explain-appliance]") {
  auto b = explain_appliance_same_vnet();
  b.m.route_tables.clear();  // app's subnet no longer routes its replies to the appliance
  b.m.subnets[1].route_table = {};
  const auto m = b.done();
  const FlowTrace t = solver::explain(m, explain_appliance_query("81.2.69.200", "app", 8443));
  REQUIRE(t.status == FlowTrace::Status::kBadTarget);
  CHECK(t.error.code == solver::QueryErrorCode::kNoAppliance);
  REQUIRE(t.error.candidates.size() == 1);
  // Named anyway: the reply takes the system default route to the internet, not the appliance.
  const FlowTrace named = solver::explain(m, explain_appliance_query("81.2.69.200", "app", 8443, "nva"));
  REQUIRE(named.status == FlowTrace::Status::kOk);
  CHECK_FALSE(named.allowed);
  CHECK_FALSE(named.broken);
  CHECK(named.stopped_at == 9);
  CHECK(cli::hop_text(m, named.hops[9]) ==
        "the reply to 81.2.69.200 takes system route 0.0.0.0/0 -> Internet, not appliance 'nva-nic' (10.0.1.4): the "
        "appliance never sees the answer, so the connection through it fails");
}

TEST_CASE("explain via appliance: the appliance entry of a target is traceable, and its JSON hop",
          "[explain-appliance]") {
  const auto m = explain_appliance_same_vnet().done();
  // app has no public IP: its direct path stops at the entry; analyze reaches it through the appliance, which
  // explain lists (never follows) with the command that traces it.
  FlowQuery direct = explain_appliance_query("81.2.69.200", "app", 8443);
  direct.via_appliance = false;
  const FlowTrace t = solver::explain(m, direct);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.redirected_from.empty());
  REQUIRE(t.other_entries.size() == 1);
  const auto& o = t.other_entries[0];
  CHECK(o.via == Via::kAppliance);
  CHECK(o.traceable);
  CHECK(o.appliance == "nva-nic");
  CHECK(o.target == "app");
  CHECK(o.port == 8443);
  std::ostringstream table;
  cli::write_explain_table(table, m, t, "exposim explain in.json");
  CHECK(table.str().find("network virtual appliance 'nva-nic' at 20.0.0.1, assumed to forward to app:8443\n"
                         "    exposim explain in.json --from 81.2.69.200 --to app --port 8443 --via "
                         "appliance:nva-nic\n") != std::string::npos);

  const FlowTrace via = solver::explain(m, explain_appliance_query("81.2.69.200", "app", 8443, "nva-nic"));
  std::ostringstream out;
  cli::write_explain_json(out, m, via, {});
  const auto doc = nlohmann::json::parse(out.str());
  const auto& hop = doc["hops"][5];
  CHECK(hop["hop"] == "appliance");
  CHECK(hop["name"] == "nva-nic");
  CHECK(hop["id"] == m.nics[0].id);
  CHECK(hop["passes"] == true);
  CHECK(hop["reached"] == true);
  CHECK(hop["reason"] == cli::hop_text(m, via.hops[5]));
  CHECK(doc["flow"]["via"]["kind"] == "appliance");
  CHECK(doc["flow"]["via"]["ip"] == "20.0.0.1");
  CHECK(doc["hops"][1]["via"] == "appliance");
  CHECK(doc["verdict"]["allowed"] == true);
  std::ostringstream text;
  cli::write_explain_table(text, m, via, "exposim explain in.json");
  CHECK(text.str().rfind("flow: tcp 81.2.69.200:49152 -> app (10.0.2.4) port 8443 through appliance 'nva-nic' "
                         "(20.0.0.1)\n",
                         0) == 0);
}

}  // namespace
}  // namespace exposim::testing
