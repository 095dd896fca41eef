// The JSON of a hop (private to the cli layer). Version 2 of both documents writes one hop object with one function,
// hop_json(); version 1's writers (cli/analyze_report.cpp, cli/explain_report.cpp) share the parts whose bytes are
// the same in both outputs. How the two version 1 shapes differ and what version 2 chose is in
// docs/output-format.md ("analyze's hops and explain's hops").
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "model/model.h"
#include "solver/hop.h"

namespace exposim::cli {

class JsonWriter;  // cli/json_writer.h

/// The resource a hop names: `id` and `name`, appended to `j`.
void add_resource_json(nlohmann::ordered_json& j, const model::ResourceBase& r);

/// The same two members written directly.
void write_resource_fields(JsonWriter& w, const model::ResourceBase& r);

/// Appends to `j` the members that `write` writes into an object: a direct writer's part as a tree, for the
/// writers that build one (explain), so that each part has one implementation.
void add_written_fields(nlohmann::ordered_json& j, const std::function<void(JsonWriter&)>& write);

/// The deciding NSG rule of an `nsg` hop: name, priority, access, default, jit.
nlohmann::ordered_json nsg_rule_json(const model::SecurityRule& r);
/// The same object written directly.
void write_nsg_rule_json(JsonWriter& w, const model::SecurityRule& r);

/// An `nsg` hop's own fields after its kind (the same in both documents): `scope`; the NSG's `id` and `name` unless
/// it is not in the input (`nsg` -1); the deciding `rule` when there is one (`rule` >= 0).
void add_nsg_hop_json(nlohmann::ordered_json& j, const model::Model& m, const char* scope, int nsg, int rule);
/// The same members written directly.
void write_nsg_hop_fields(JsonWriter& w, const model::Model& m, const char* scope, int nsg, int rule);
/// An `admin-rule` hop's fields after `hop`: the deciding security admin rule (id, name, and `rule`: its access,
/// priority, rule collection and configuration), or the virtual network and `rule` null when no admin rule matches.
void write_admin_hop_fields(JsonWriter& w, const model::Model& m, const solver::Hop& h);

/// Which list of a load balancer a hop's rule indexes.
enum class LbRuleKind { kLoadBalancing, kInboundNat, kInboundNatPool };

/// The rule of a `load-balancer` hop: name, kind ("load-balancing", "inbound-nat", "inbound-nat-pool"), frontend
/// port and backend port (each a number or null, as the writer decides).
nlohmann::ordered_json lb_rule_json(const model::LoadBalancer& lb, LbRuleKind kind, int rule,
                                    nlohmann::ordered_json frontend_port, nlohmann::ordered_json backend_port);

/// A firewall hop's own fields after its scope: id, name, threat intelligence mode.
void add_firewall_json(nlohmann::ordered_json& j, const model::Firewall& fw);

/// A Bastion hop's own fields after its scope: id, name, sku, native_client, ip_connect, shareable_link.
void add_bastion_json(nlohmann::ordered_json& j, const model::BastionHost& b);
/// The same members written directly.
void write_bastion_fields(JsonWriter& w, const model::BastionHost& b);

/// A PaaS hop's own fields after its scope: id, name, the service, its public access and default action (a SQL
/// managed instance: its public data endpoint), and the deciding IP rule by index; an unnamed rule's `name` is null
/// when `unnamed_null` (version 2), else "" (analyze's version 1).
void add_paas_hop_json(nlohmann::ordered_json& j, const model::PaasService& s, const solver::Hop& h, bool unnamed_null);

/// An application gateway listener: name, frontend port, protocol, host names and the WAF in front of it (its
/// effective mode).
nlohmann::ordered_json listener_json(const model::ApplicationGateway& g, int listener);

/// explain's decision at a hop, which version 2 writes around the hop's own fields: `passes` and `reached` after
/// `hop`, then what only the trace of one packet says (`trace`'s members: the source's `address` and `internet`, the
/// entry's `via`, the `backends` --backend chooses from), then `reason`.
struct HopDecision {
  bool passes{false};
  bool reached{false};
  nlohmann::ordered_json trace = nlohmann::ordered_json::object();
  std::string reason;
};

/// The one hop object of version 2 (analyze's `path[]`, explain's `hops[]`): `hop` (solver::to_string(HopKind)),
/// `scope` when the hop has one, the resource's `id` and `name`, the kind's own fields and `rule` (one shape per
/// kind), `note` (an assumption analyze took); with `decision`, explain's fields as HopDecision says.
nlohmann::ordered_json hop_json(const model::Model& m, const solver::Hop& h, const HopDecision* decision = nullptr);
/// The same object written directly (hop_json() is its tree): analyze's version 2 path writes hops with it.
void write_hop_json(JsonWriter& w, const model::Model& m, const solver::Hop& h, const HopDecision* decision = nullptr);

}  // namespace exposim::cli
