// JSON fragments shared by the report writers of several commands (private to the cli layer).
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
struct Exposure;
}  // namespace exposim::solver

namespace exposim::cli {

class JsonWriter;  // cli/json_writer.h

/// Adds `<scheme>_address` ("terraform_address") to `j` when the input of resource `key` (canonical id) names it
/// otherwise than by id (model::SourceAddress); nothing for Azure resource JSON and templates.
void add_source_address(nlohmann::ordered_json& j, const model::Model& m, const std::string& key);
/// The `target` object of the output contracts: the VM (or the NIC when it has none in the input), its
/// private IP, the NIC and the ip configuration (docs/output-format.md).
nlohmann::ordered_json target_json(const model::Model& m, int nic, int ip_configuration, int vm);
/// The same object written directly.
void write_target_json(JsonWriter& w, const model::Model& m, int nic, int ip_configuration, int vm);
/// add_source_address() written directly: the member when the input names the resource otherwise than by id.
void write_source_address(JsonWriter& w, const model::Model& m, const std::string& key);
/// The `target` object for a resource that is not a NIC (firewall, Bastion host, application gateway, PaaS
/// service): id, name, type, and its address (`ip`, null when it has none in the input).
nlohmann::ordered_json target_json(const model::Model& m, model::ResourceKind kind, int index);
/// The address an exposure's target has on its own network (private IP of a NIC; a firewall's private IP; a
/// PaaS service's host name), empty when unknown.
std::string target_address(const model::Model& m, model::ResourceKind kind, int index);

/// A firewall rule by its position in the firewall's processing order: policy and group (absent for classic
/// rules), collection, priority, action, rule name and kind; for DNAT rules the translated address and port.
nlohmann::ordered_json firewall_rule_json(const model::Model& m, const model::Firewall& fw,
                                          const model::FirewallRulePosition& at);

/// One diagnostic as in every output contract: severity, code, file, pointer or line/column, message.
nlohmann::ordered_json diagnostic_json(const model::Diagnostic& d);

/// One exposure as in analyze's JSON `exposures[]` (target, entry, protocol, ports, sources, path).
nlohmann::ordered_json exposure_json(const model::Model& m, const solver::Exposure& e);
/// Writes one exposure as a single-line JSON object, as in analyze's JSON `exposures[]`, with `sources` (already
/// serialised) as the value of its `sources` key: sources_list_json() in version 1, a source set's id in version 2;
/// `version` 2 also writes the path's hops in the one hop shape (cli/hop_json.h).
void write_exposure_object(std::ostream& out, const model::Model& m, const solver::Exposure& e,
                           std::string_view sources, int version = 1);
/// The same object appended to `out`, written directly (cli/json_writer.h); safe to call from several threads at
/// once for different strings.
void append_exposure_json(std::string& out, const model::Model& m, const solver::Exposure& e, std::string_view sources,
                          int version = 1);
/// `s` as analyze's JSON writes a `sources` list: the smallest sorted list of CIDRs, on one line.
std::string sources_list_json(const model::IpSet& s);
/// The `summary` object of analyze's JSON (every version, and the JSON Lines header): exposures, exposed and
/// evaluated ip configurations, and the optional counts (other targets, PaaS services, broken flows).
nlohmann::ordered_json analyze_summary_json(const solver::Analysis& a);
/// One exposure as a row of analyze's table: target, IP, entry, via, protocol, ports, sources, rules.
std::vector<std::string> exposure_row(const model::Model& m, const solver::Exposure& e, const model::IpSet& internet);

}  // namespace exposim::cli
