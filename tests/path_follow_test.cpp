// explain follows the flows analyze reports through the path engine's less common stages (solver/path.h), hop by
// hop on the small estates of tests/path_estates.h: an internal load balancer behind an application gateway, a
// firewall's DNAT rule to an internal load balancer's frontend or to an application gateway's private frontend, and
// a Bastion session whose replies a route sends through an Azure Firewall. Every expectation is worked out by hand
// from Azure's documented behaviour (docs/model.md).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/explain_query_text.h"
#include "cli/explain_text.h"
#include "solver/analysis.h"
#include "solver/explain.h"
#include "tests/gateway_estate.h"
#include "tests/path_check.h"
#include "tests/path_estates.h"
#include "tests/trace_lines.h"

namespace exposim {
namespace {

using solver::FlowQuery;
using solver::FlowTrace;
using solver::HopKind;
using testing::trace_hop_lines;
using testing::gateway_estate::run;
using testing::gateway_estate::Run;

FlowQuery follow_query(const std::string& to, int port, const std::string& backend = "") {
  FlowQuery q;
  q.source = *model::IpAddress::parse("81.2.69.200");
  q.target = to;
  q.destination_port = static_cast<std::uint16_t>(port);
  q.backend = backend;
  return q;
}

/// The broken flows of `r`, one a line as tests/gateway_estate.h prints exposures.
std::vector<std::string> broken_lines(const Run& r) {
  Run only = {r.m, {}, {}};
  only.a.exposures = r.a.broken;
  return testing::gateway_estate::lines(only);
}

int nic_named(const model::Model& m, const std::string& name) {
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    if (m.nics[n].name == name) return static_cast<int>(n);
  }
  return -1;
}

const solver::TraceHop& hop_of_kind(const FlowTrace& t, HopKind kind) {
  for (const auto& h : t.hops) {
    if (h.kind == kind) return h;
  }
  FAIL("no hop of kind " << solver::to_string(kind));
  return t.hops.front();
}

}  // namespace

TEST_CASE("path follow: an internal load balancer behind an application gateway is a load-balancer hop of explain",
          "[solver][path][explain][application-gateway]") {
  const auto r = run(testing::path_estates::gateway_to_internal_lb().resources);
  REQUIRE_FALSE(r.diags.has_errors());
  // analyze: the gateway's listener, and each member of r-8080's pool through the gateway (80 from 10.0.2.0/24 is
  // what nsg-app admits).
  CHECK(testing::gateway_estate::lines(r) ==
        std::vector<std::string>{
            "agw public-ip 443->tcp 443 any | internet pip:pip-agw no-nsg(subnet) agw(listener):l-https target",
            "nic-app application-gateway 443->tcp 80 any | internet pip:pip-agw no-nsg(gateway-subnet) "
            "agw(routing):l-https->8080 lb:ilb/r-8080 no-nsg(subnet) nsg(nic):nsg-app/allow-gw-80 target",
            "nic-app-2 application-gateway 443->tcp 80 any | internet pip:pip-agw no-nsg(gateway-subnet) "
            "agw(routing):l-https->8080 lb:ilb/r-8080 no-nsg(subnet) nsg(nic):nsg-app/allow-gw-80 target",
        });
  testing::path_check::Counts n;  // the load balancer stage is a hop of explain's trace, in the list's order
  testing::path_check::check_paths(r.m, r.a, n);
  CHECK(n.explained["application-gateway"] == 2);

  // The first backend in the documented order: nic-app, through r-8080 (8080 -> 80).
  auto t = solver::explain(r.m, follow_query("20.0.0.20", 443), &r.a);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.allowed);
  CHECK(t.nic == nic_named(r.m, "nic-app"));
  CHECK(trace_hop_lines(r.m, t) ==
        std::vector<std::string>{"source pass", "entry pass pip-agw", "no-nsg(gateway-subnet) pass",
                                 "application-gateway(listener) pass", "application-gateway(routing) pass",
                                 "load-balancer pass ilb/r-8080", "route(forward) pass system", "no-nsg(subnet) pass",
                                 "nsg(nic) pass nsg-app/allow-gw-80", "route(return) pass system"});
  const auto& lb = hop_of_kind(t, HopKind::kLoadBalancer);
  CHECK(lb.frontend_port == 8080);
  CHECK(lb.backend_port == 80);
  CHECK(lb.backends.size() == 2);
  CHECK(cli::hop_text(r.m, lb) ==
        "the connection of application gateway 'agw' to 10.0.4.100 port 8080 matches load-balancing rule 'r-8080' "
        "(8080 -> 80) of 'ilb'; pool 'be' spreads flows over 2 members: traced the first in the documented order "
        "(NIC id, then ip configuration name), nic-app (10.0.4.4); other members: nic-app-2 (10.0.4.5); choose one "
        "with --backend");

  // --backend chooses the other member: the same rule, traced to nic-app-2.
  t = solver::explain(r.m, follow_query("20.0.0.20", 443, "nic-app-2"), &r.a);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.allowed);
  CHECK(t.nic == nic_named(r.m, "nic-app-2"));
  CHECK(cli::hop_text(r.m, hop_of_kind(t, HopKind::kLoadBalancer)) ==
        "the connection of application gateway 'agw' to 10.0.4.100 port 8080 matches load-balancing rule 'r-8080' "
        "(8080 -> 80) of 'ilb'; pool 'be' spreads flows over its members: traced nic-app-2 (10.0.4.5), chosen "
        "with --backend");
}

TEST_CASE("path follow: a firewall DNAT rule to an internal load balancer's frontend is followed to a backend",
          "[solver][path][explain][firewall]") {
  const auto r = run(testing::path_estates::dnat_to_internal_lb().resources);
  REQUIRE_FALSE(r.diags.has_errors());
  // analyze: the firewall's own DNAT entry, and nic-app through r-rdp; nsg-closed denies nic-app-2 everything.
  CHECK(testing::gateway_estate::lines(r) ==
        std::vector<std::string>{
            "fw firewall-dnat 50000->tcp 50000 any | internet pip:pip-fw fw(dnat):dnat/rdp target",
            "nic-app firewall-dnat 50000->tcp 3389 any | internet pip:pip-fw fw(dnat):dnat/rdp lb:ilb/r-rdp "
            "route(return):system no-nsg(subnet) nsg(nic):nsg-app/allow-vnet-rdp target",
        });
  testing::path_check::Counts n;
  testing::path_check::check_paths(r.m, r.a, n);
  CHECK(n.explained["firewall-dnat"] == 1);

  // The translated packet meets the load balancer after the firewall's route (to the backend it forwards to).
  auto t = solver::explain(r.m, follow_query("20.1.1.1", 50000), &r.a);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.allowed);
  CHECK(t.nic == nic_named(r.m, "nic-app"));
  CHECK(trace_hop_lines(r.m, t) ==
        std::vector<std::string>{"source pass", "entry pass pip-fw", "firewall pass fw/rdp",
                                 "route(forward) pass system", "load-balancer pass ilb/r-rdp", "no-nsg(subnet) pass",
                                 "nsg(nic) pass nsg-app/allow-vnet-rdp", "route(return) pass system"});
  CHECK(cli::hop_text(r.m, hop_of_kind(t, HopKind::kLoadBalancer)) ==
        "the connection of firewall 'fw' to 10.0.4.100 port 3389 matches load-balancing rule 'r-rdp' (3389 -> 3389) "
        "of 'ilb'; pool 'be' spreads flows over 2 members: traced the first in the documented order (NIC id, then "
        "ip configuration name), nic-app (10.0.4.4); other members: nic-app-2 (10.0.4.5); choose one with --backend");

  // --backend nic-app-2: the same rule, and nsg-closed stops the packet (analyze reports nothing for it).
  t = solver::explain(r.m, follow_query("20.1.1.1", 50000, "nic-app-2"), &r.a);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK_FALSE(t.allowed);
  CHECK(t.nic == nic_named(r.m, "nic-app-2"));
  CHECK(trace_hop_lines(r.m, t)[6] == "nsg(nic) stop nsg-closed/deny-all");
  // A --backend that is no member of the rule's pools is an error listing the members.
  t = solver::explain(r.m, follow_query("20.1.1.1", 50000, "10.0.4.9"), &r.a);
  CHECK(t.status == FlowTrace::Status::kBadBackend);
  CHECK(t.error.code == solver::QueryErrorCode::kBackendNotMember);
  CHECK(cli::query_candidates_text(r.m, t.error) ==
        std::vector<std::string>{"nic-app (10.0.4.4)", "nic-app-2 (10.0.4.5)"});
  CHECK(cli::query_error_text(r.m, t) ==
        "--backend '10.0.4.9' is not a member of pool 'be' of load balancer 'ilb' (rule 'r-rdp')");

  // Asked about nic-app (no public IP of its own), explain follows analyze's entry: the DNAT rule with nic-app as the
  // backend.
  t = solver::explain(r.m, follow_query("nic-app", 3389), &r.a);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.allowed);
  CHECK(t.redirected_from == "nic-app");
  CHECK(t.query.target == "20.1.1.1");
  CHECK(t.query.destination_port == 50000);
  CHECK(t.nic == nic_named(r.m, "nic-app"));
  CHECK(t.other_entries.empty());
}

TEST_CASE("path follow: a firewall DNAT rule to an application gateway's private frontend is followed to a backend",
          "[solver][path][explain][firewall][application-gateway]") {
  auto e = testing::path_estates::dnat_to_gateway();
  auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(testing::gateway_estate::lines(r) ==
        std::vector<std::string>{
            "agw public-ip 443->tcp 443 any | internet pip:pip-fw fw(dnat):dnat/to-agw "
            "nsg(subnet):nsg-agw/allow-fw-443 agw(listener):l-https target",
            "fw firewall-dnat 443->tcp 443 any | internet pip:pip-fw fw(dnat):dnat/to-agw target",
            "nic-app application-gateway 443->tcp 80 any | internet pip:pip-fw fw(dnat):dnat/to-agw "
            "nsg(gateway-subnet):nsg-agw/allow-fw-443 agw(routing):l-https->80 no-nsg(subnet) "
            "nsg(nic):nsg-app/allow-gw-80 target",
        });
  testing::path_check::Counts n;  // the DNAT rule and its route are stages of the listener's and backend's paths
  testing::path_check::check_paths(r.m, r.a, n);
  CHECK(n.explained["application-gateway"] == 1);
  CHECK(n.explained["own:application-gateway"] == 1);

  // The firewall's route to the frontend, then the gateway subnet's NSG seeing the firewall's SNAT addresses.
  auto t = solver::explain(r.m, follow_query("20.1.1.1", 443), &r.a);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.allowed);
  CHECK(t.nic == nic_named(r.m, "nic-app"));
  CHECK(t.firewall == 0);
  CHECK(t.application_gateway == 0);
  CHECK(trace_hop_lines(r.m, t) ==
        std::vector<std::string>{"source pass", "entry pass pip-fw", "firewall pass fw/to-agw",
                                 "route(forward) pass system", "nsg(gateway-subnet) pass nsg-agw/allow-fw-443",
                                 "application-gateway(listener) pass", "application-gateway(routing) pass",
                                 "route(forward) pass system", "no-nsg(subnet) pass",
                                 "nsg(nic) pass nsg-app/allow-gw-80", "route(return) pass system"});
  CHECK(cli::hop_text(r.m, t.hops[4]).find("(the source is the firewall's SNAT address in 10.0.1.0/26)") !=
        std::string::npos);

  // Asked about nic-app, explain follows analyze's entry: the gateway's listener behind the DNAT rule.
  t = solver::explain(r.m, follow_query("nic-app", 80), &r.a);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK(t.allowed);
  CHECK(t.redirected_from == "nic-app");
  CHECK(t.query.target == "20.1.1.1");
  CHECK(t.query.destination_port == 443);

  // A gateway subnet NSG that admits only the Internet tag refuses the firewall's addresses: analyze keeps the
  // firewall's own entry only, and explain stops at the gateway subnet's NSG.
  e.resources[1]["properties"]["securityRules"][0]["properties"]["sourceAddressPrefix"] = "Internet";
  r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(testing::gateway_estate::lines(r).size() == 1);
  t = solver::explain(r.m, follow_query("20.1.1.1", 443), &r.a);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK_FALSE(t.allowed);
  CHECK(trace_hop_lines(r.m, t)[4] == "nsg(gateway-subnet) stop nsg-agw/deny-rest");
  CHECK(t.stopped_at == 4);
}

TEST_CASE("path follow: a Bastion session whose replies a route sends through a firewall is broken in both",
          "[solver][path][explain][bastion]") {
  const auto r = run(testing::path_estates::bastion_reply_through_firewall().resources);
  REQUIRE_FALSE(r.diags.has_errors());
  // The session's request goes straight to nic-app (no routes on the AzureBastionSubnet), its replies to the
  // firewall: never the same appliance both ways, so no firewall stage; broken at the reply's route.
  CHECK(testing::gateway_estate::lines(r) ==
        std::vector<std::string>{"bastion public-ip 443->tcp 443 any | internet pip:pip-bastion "
                                 "no-nsg(subnet) bastion(host) target"});
  CHECK(broken_lines(r) ==
        std::vector<std::string>{"nic-app bastion 443->tcp 22,3389 any | internet pip:pip-bastion "
                                 "no-nsg(bastion-subnet) bastion(session) route(return):bastion-via-fw no-nsg(subnet) "
                                 "no-nsg(nic) target"});
  testing::path_check::Counts n;  // explain finds it broken at the same stages
  testing::path_check::check_paths(r.m, r.a, n);
  CHECK(n.explained_broken["bastion"] == 1);

  FlowQuery q = follow_query("nic-app", 22);
  q.via_bastion = true;
  const auto t = solver::explain(r.m, q, &r.a);
  REQUIRE(t.status == FlowTrace::Status::kOk);
  CHECK_FALSE(t.allowed);
  CHECK(t.broken);
  CHECK(trace_hop_lines(r.m, t) == std::vector<std::string>{"source pass", "entry pass pip-bastion",
                                                            "no-nsg(bastion-subnet) pass", "bastion(session) pass",
                                                            "route(forward) pass system", "no-nsg(subnet) pass",
                                                            "no-nsg(nic) pass", "route(return) stop bastion-via-fw"});
}

}  // namespace exposim
