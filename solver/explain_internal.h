// What explain.cpp and explain_entries.cpp share (private to the solver): target-name matching, the source hop,
// NSG rule reasons and the verdict; the entry points that explain_entries.cpp follows.
#pragma once

#include <string>
#include <string_view>

#include "model/ascii.h"
#include "model/model.h"
#include "solver/address_space.h"
#include "solver/explain.h"
#include "solver/nsg_eval.h"

namespace exposim::solver::explain_internal {

using model::ascii::lower;
/// True when `r`'s canonical id is `canonical` or its lowercased name is `lowered`.
bool named(const model::ResourceBase& r, const std::string& canonical, const std::string& lowered);
/// Is the client an internet address? Sets t.internet_source.
TraceHop source_hop(const model::Model& m, const AddressSpace& space, const model::IpAddress& src, FlowTrace& t);
/// One line: the deciding NSG rule and which of its fields match the packet `q` to `dst`.
std::string rule_reason(const model::SecurityRule& r, const FlowQuery& q, const Destination& dst, const model::Model& m,
                        const AddressSpace& space);
/// For a denied NSG hop at a target in `subnet` whose sources are `sources`: "; the VirtualNetwork tag of this
/// subnet leaves out VNet 'hub' (10.0.0.0/16): peering 'p' does not allow virtual network access, ..." when a
/// peering with allowVirtualNetworkAccess false explains it; empty otherwise.
std::string peering_access_note(const model::Model& m, const AddressSpace& space, int subnet, const IpSet& sources);
/// "vm-web-1 (10.0.3.4)": a backend by its VM (else NIC) name and private IP.
std::string member_label(const model::Model& m, const model::IpConfigIndex& x);
/// Does the --backend text name this member (NIC or VM name or id, ip configuration id, or private IP)?
bool names_member(const model::Model& m, const model::IpConfigIndex& x, const std::string& text);
/// "network rule 'r', collection 'c' (priority 200) of group 'g' in policy 'p'": a firewall rule and where it is
/// (DNAT, network or application by the rule's kind).
std::string rule_label(const model::Model& m, const model::Firewall& fw, const model::FirewallRulePosition& at);
/// Marks the hops reached, the first that stops the packet, and the verdict (allowed, denied or broken).
void finish_trace(FlowTrace& t, const std::string& allowed_reason);

/// When t.query.target names an application gateway, a Bastion host, a PaaS service or a private endpoint:
/// traces the packet (or sets t's error fields) and returns true; otherwise leaves `t` alone and returns false.
bool explain_entry_point(const model::Model& m, FlowTrace& t);
/// A Bastion session (t.query.via_bastion) to the ip configuration t.query.target names.
void explain_via_bastion(const model::Model& m, FlowTrace& t);

}  // namespace exposim::solver::explain_internal
