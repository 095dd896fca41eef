// The JSON of a hop that analyze's and explain's writers share (private to the cli layer): the parts whose bytes
// are the same in both outputs. Each writer keeps its own spelling of the hop kinds, in one place; how and why the
// two documents' hops differ is in docs/output-format.md ("analyze's hops and explain's hops").
#pragma once

#include <nlohmann/json.hpp>

#include "model/model.h"

namespace exposim::cli {

/// The resource a hop names: `id` and `name`, appended to `j`.
void add_resource_json(nlohmann::ordered_json& j, const model::ResourceBase& r);

/// The deciding NSG rule of an `nsg` hop: name, priority, access, default, jit.
nlohmann::ordered_json nsg_rule_json(const model::SecurityRule& r);

/// An `nsg` hop's own fields after its kind (the same in both documents): `scope`; the NSG's `id` and `name` unless
/// it is not in the input (`nsg` -1); the deciding `rule` when there is one (`rule` >= 0).
void add_nsg_hop_json(nlohmann::ordered_json& j, const model::Model& m, const char* scope, int nsg, int rule);

/// Which list of a load balancer a hop's rule indexes.
enum class LbRuleKind { kLoadBalancing, kInboundNat, kInboundNatPool };

/// The rule of a `load-balancer` hop: name, kind ("load-balancing", "inbound-nat", "inbound-nat-pool"), frontend
/// port and backend port (each a number or null, as the writer decides).
nlohmann::ordered_json lb_rule_json(const model::LoadBalancer& lb, LbRuleKind kind, int rule,
                                    nlohmann::ordered_json frontend_port, nlohmann::ordered_json backend_port);

/// A firewall hop's own fields after its scope: id, name, threat intelligence mode.
void add_firewall_json(nlohmann::ordered_json& j, const model::Firewall& fw);

}  // namespace exposim::cli
