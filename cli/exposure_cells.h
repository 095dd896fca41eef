// The cells of an exposure that analyze's table, CSV and JSON writers (and whatif's, through exposure_row) share:
// its address, entry, sources, ports and the rules of its path as one line of text. Private to the cli layer.
#pragma once

#include <cstddef>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "model/model.h"

namespace exposim::solver {
struct Exposure;  // solver/analysis.h
}  // namespace exposim::solver

namespace exposim::cli {

/// The target's own address: a NIC's private IP, else target_address() of the other target; "" when unknown.
std::string private_ip(const model::Model& m, const solver::Exposure& e);
/// The model resource a hop or target names, for its id and name (nullptr when absent).
const model::ResourceBase* resource_of(const model::Model& m, model::ResourceKind kind, int index);
/// Exposures are grouped by what they reach: (kind, index, ip configuration).
std::tuple<int, int, int> target_key(const solver::Exposure& e);
/// The public address the exposure enters at ("" when unknown).
std::string entry_ip(const model::Model& m, const solver::Exposure& e);
/// The host name of a PaaS exposure's public endpoint, or its name when the input does not give the host.
std::string paas_entry(const model::Model& m, const solver::Exposure& e);
/// The ENTRY cell: address, the client's port when a load balancer translates it, "(Bastion)", the listener.
std::string entry_label(const model::Model& m, const solver::Exposure& e);
/// At most `shown` CIDRs (0: all), then " +N more".
std::string cidr_list(const model::IpSet& s, std::size_t shown = 3);
/// "any", "52.10.0.0/16", or "any except 52.40.0.0/16" when that is shorter; at most `shown` CIDRs (0: all)
/// as cidr_list().
std::string sources_text(const solver::Exposure& e, const model::IpSet& internet, std::size_t shown = 3);
/// Whether sources_text(e, internet, ...) begins with "any" ("any", "any except ..."), which is what risk_of reads of
/// the cell, without writing it.
bool sources_text_is_any(const solver::Exposure& e, const model::IpSet& internet);
/// "22", "all", "-" for a portless protocol, with "(from source ports ...)" when restricted.
std::string ports_text(const solver::Exposure& e);
/// Every deciding hop of the path, "fw: ... > subnet: ... > nic: ...".
std::string rules_text(const model::Model& m, const solver::Exposure& e);
/// Distinct ip configurations, and distinct other targets, among exposures.
std::pair<std::size_t, std::size_t> count_targets(const std::vector<solver::Exposure>& exposures);
/// One row of analyze's table: target, IP, entry, via, protocol, ports, sources, rules.
std::vector<std::string> table_row(const model::Model& m, const solver::Exposure& e, const model::IpSet& internet);

}  // namespace exposim::cli
