// The model back to Azure resource JSON as nlohmann values, inside the importers only (change documents apply a
// JSON merge patch on a rule's Azure form); other layers use importers/azure/resource_writer.h, which names no
// third-party type.
#pragma once

#include <nlohmann/json.hpp>

#include "model/edit.h"
#include "model/model.h"

namespace exposim::importers::azure {

/// A security rule as in an NSG's `securityRules[]`: {name, properties:{...}}.
nlohmann::ordered_json security_rule_json(const model::SecurityRule& r);
/// A route as in a route table's `routes[]`: {name, properties:{...}}.
nlohmann::ordered_json route_json(const model::Route& r);
/// A firewall rule: the policy form (`ruleType`, `ipProtocols`, ...) or the classic form (`protocols`).
nlohmann::ordered_json firewall_rule_json(const model::FirewallRule& r, bool classic);

/// A security admin rule as a resource (`Microsoft.Network/networkManagers/securityAdminConfigurations/
/// ruleCollections/rules`, kind Custom): {id, name, type, kind, properties:{...}}.
nlohmann::ordered_json admin_rule_json(const model::AdminRule& r);

/// A whole resource, by kind and canonical id; null when it is not in the model. Subnets are written as
/// child resources (`Microsoft.Network/virtualNetworks/subnets`); firewall policies with their rule
/// collection groups inline; PaaS services with `publicNetworkAccess` only (a patch of that property); security admin
/// rules as admin_rule_json.
nlohmann::ordered_json resource_json(const model::Model& m, const model::Changed& c);

}  // namespace exposim::importers::azure
