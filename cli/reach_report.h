// Report writers for `exposim reach` (docs/output-format.md, "reach"): the table, JSON and CSV of the east-west
// flows from one --from to the estate (or to --to), broken flows listed apart as analyze lists them.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/east_west.h"

namespace exposim::cli {

/// What reach found: the query as given, the sources --from resolved to, and reach()'s flows from all of them
/// (those to --to's targets only), in the sources' order.
struct ReachReport {
  std::string from;
  std::string gateway;  // --gateway, or empty
  std::string to;       // --to, or empty: every target
  std::vector<solver::ReachSource> sources;
  solver::Reach reach;
};

/// The flows' source in a table cell: the VM's (else the NIC's) name of an ip configuration, the subnet
/// ("vnet-front/web") of addresses no ip configuration holds, "on-premises" for a prefix through a gateway subnet.
std::string reach_flow_source(const model::Model& m, const solver::ReachFlow& f);
/// The target: the VM's (else the NIC's) name, or the private endpoint's.
std::string reach_flow_target(const model::Model& m, const solver::ReachFlow& f);
/// The target's address reached (the IP column): the ip configuration's private IP, else the addresses the flow
/// reaches; a PaaS public endpoint's host name ("-" when unknown: its address is Azure's to choose).
std::string reach_target_ip(const model::Model& m, const solver::ReachFlow& f);
/// The deciding hops of a flow's path: "nic-outbound: no NSG > subnet-outbound: nsg-web/AllowVnetOutBound (65000) >
/// subnet: nsg-db/allow-sql-from-web (100) > nic: no NSG"; a user-defined route, a firewall's rule, an appliance and
/// security admin rules where the path meets them.
std::string reach_rules_text(const model::Model& m, const solver::ReachFlow& f);
/// The words of one hop of a flow to `target` (of kind `target_kind`) in the RULES column ("nic-outbound:
/// nsg-web/deny-storage (100)", "route: service-endpoint", "service: st/default-action"); empty for a hop the column
/// leaves out.
std::string reach_hop_words(const model::Model& m, model::ResourceKind target_kind, int target, const solver::Hop& h);

/// One flow as a row of the table: SOURCE, TARGET, IP, PROTO, PORTS, SOURCES, RULES (reach_rules_text).
std::vector<std::string> reach_row(const model::Model& m, const solver::ReachFlow& f);

/// One flow as the JSON document writes it: source, target, protocol, ports, sources, destinations, broken, path
/// (check's evidence writes the same object).
nlohmann::ordered_json reach_flow_json(const model::Model& m, const solver::ReachFlow& f);

/// The table: a header line naming the sources, one row per flow (SOURCE, TARGET, IP, PROTO, PORTS, SOURCES, RULES),
/// the counts, then the broken flows apart with why. Returns the number of rows.
std::size_t write_reach_table(std::ostream& out, const model::Model& m, const ReachReport& r);
/// The JSON document `exposim-reach` version 1, diagnostics included.
void write_reach_json(std::ostream& out, const model::Model& m, const ReachReport& r,
                      const std::vector<model::Diagnostic>& diagnostics);
/// CSV: one row per flow and per broken flow (column `broken` says which, `why` why).
void write_reach_csv(std::ostream& out, const model::Model& m, const ReachReport& r);

}  // namespace exposim::cli
