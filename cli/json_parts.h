// JSON fragments shared by the report writers of several commands (private to the cli layer).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "model/model.h"
#include "solver/exposure.h"

namespace exposim::cli {

/// Adds `<scheme>_address` ("terraform_address") to `j` when the input of resource `key` (canonical id) names it
/// otherwise than by id (model::SourceAddress); nothing for Azure resource JSON and templates.
void add_source_address(nlohmann::ordered_json& j, const model::Model& m, const std::string& key);
/// The `target` object of the output contracts: the VM (or the NIC when it has none in the input), its
/// private IP, the NIC and the ip configuration (docs/output-format.md).
nlohmann::ordered_json target_json(const model::Model& m, int nic, int ip_configuration, int vm);
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
/// One exposure as a row of analyze's table: target, IP, entry, via, protocol, ports, sources, rules.
std::vector<std::string> exposure_row(const model::Model& m, const solver::Exposure& e, const model::IpSet& internet);

}  // namespace exposim::cli
