// explain() of an east-west flow to a PaaS public endpoint: a source inside the estate (an ip configuration by its
// private address, or a NIC, VM or ip configuration by name or id) to a PaaS service named by name, id or host name
// (an App Service's SCM host: its SCM site), hop by hop. The stages and their decisions are paas_packet_paths()'s
// (solver/east_west_paas.cpp), the deciding functions reach() applies over packet sets (ReachOptions::paas): the port
// served, the source VNet's outbound admin rules, the source's outbound NSGs, the route toward the service (a service
// endpoint, a user-defined route, the route to the internet), a firewall's rules or an appliance's assumption, and the
// service's firewall as it sees the source. Data only: cli/explain_text_east_west.cpp writes the words (reach()'s RULES
// column's, hop by hop).
#include <string>
#include <utility>
#include <vector>

#include "solver/east_west_internal.h"
#include "solver/explain/internal.h"

namespace exposim::solver::explain_internal {

using K = HopKind;
using RK = model::ResourceKind;

bool explain_east_west_paas(const model::Model& m, FlowTrace& t, const model::IpConfigIndex& from, int subnet) {
  const FlowQuery& q = t.query;
  // The service's main site by its name, id or host name; an App Service's SCM site by its SCM host name.
  std::vector<int> services;
  bool scm = false;
  for (const auto& [s, named_scm] : paas_services_named(m, q.target)) {
    services.push_back(s);
    scm = named_scm;
  }
  if (services.empty()) return false;
  if (services.size() > 1) {
    QueryError& e =
        query_error(t, FlowTrace::Status::kAmbiguousTarget, QueryOption::kTo, QueryErrorCode::kAmbiguousResources);
    e.kind = RK::kPaasService;
    e.count = services.size();
    for (const int s : services) e.candidates.push_back(QueryCandidate{e.kind, s, -1, false, std::nullopt});
    return true;
  }
  if (reject_backend(t)) return true;
  const int si = services.front();
  t.east_west = true;
  t.internet_source = false;
  t.paas_service = si;
  t.scm = scm;
  if (from.nic >= 0) {
    t.source_nic = from.nic;
    t.source_ip_configuration = from.ip_configuration;
    t.source_vm = m.nics[static_cast<std::size_t>(from.nic)].virtual_machine.index;
  }
  t.source_subnet = subnet;
  const FlowPacket flow{q.source, q.protocol, q.source_port, q.destination_port};
  const auto because = [&](ReasonCode code) {
    Reason why;
    why.code = code;
    why.paas_service = si;
    why.scm = scm;
    why.flow = flow;
    if (from.nic >= 0) why.source = from;
    why.subnet = subnet;
    return why;
  };

  // The port served (the service's endpoint, as the internet trace says it), then the stages reach() decides.
  const TraceHop endpoint = paas_endpoint_hop(m, si, q, because(ReasonCode::kPaasServes));
  const bool v4 = q.source.family() == model::IpFamily::kV4;
  std::vector<east_west_internal::PaasStep> path;
  if (v4) {
    model::Diagnostics scratch;  // findings about the estate are analyze's and reach's to report
    const AddressSpace space(m, scratch);
    const east_west_internal::DeviceIndex devices(m);
    const auto paths =
        east_west_internal::paas_packet_paths(m, space, devices, from, subnet, q.source, q.source_port,
                                              model::has_ports(q.protocol) ? q.destination_port : 0, si, scm);
    // The way reach() lists the port on (the first that admits the packet), else the first way.
    path = paths.front();
    for (const auto& p : paths) {
      if (p.back().passes) {
        path = p;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto& step = path[i];
    TraceHop h;
    static_cast<Hop&>(h) = step.hop;
    h.passes = step.passes;
    if (h.kind == K::kRoute) {  // explain's route hop names the subnet whose routes decide (path_hop())
      h.resource_kind = RK::kSubnet;
      h.resource = subnet;
      h.route_table = step.hop.resource;
      h.route = step.hop.rule;
      h.next_hop = step.next_hop;
    }
    if (h.kind == K::kSource) {
      h.why = because(ReasonCode::kEastWestSource);
      t.hops.push_back(h);
      t.hops.push_back(endpoint);
      continue;
    }
    h.why = because(ReasonCode::kEastWestPaas);
    h.why.hop = step.hop;
    h.why.passes = step.passes;
    t.hops.push_back(h);
  }
  if (path.empty()) {  // an IPv6 source: its source hop, then the endpoint's
    TraceHop h;
    h.kind = K::kSource;
    h.resource_kind = from.nic >= 0 ? RK::kNetworkInterface : RK::kSubnet;
    h.resource = from.nic >= 0 ? from.nic : subnet;
    h.passes = true;
    h.why = because(ReasonCode::kEastWestSource);
    t.hops.push_back(h);
    t.hops.push_back(endpoint);
  }
  finish_trace(t, because(ReasonCode::kAllowedEastWestPaas));
  return true;
}

}  // namespace exposim::solver::explain_internal
