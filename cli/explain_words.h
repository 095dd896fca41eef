// The parts of explain's words (cli/explain_text.h) that its family files share: private to the cli layer.
// cli/explain_text.cpp writes most reasons; a family's reasons that need a page of their own are in
// cli/explain_text_<family>.cpp, and the phrases they have in common are here.
#pragma once

#include <string>

#include "model/model.h"
#include "solver/explain.h"

namespace exposim::cli::explain_words {

/// "10.0.2.0/24", or the first three CIDRs and how many more.
std::string cidrs(const solver::IpSet& s);
/// The flow as one line for verdicts: "tcp 81.2.69.200:49152 -> 20.50.0.20:443".
std::string flow_text(const solver::FlowPacket& p, const std::string& to);
/// "vm-web-1 (10.0.3.4)": a backend by its VM (else NIC) name and private IP.
std::string member_text(const model::Model& m, const model::IpConfigIndex& x);
/// The public IP's address as text, or "(unknown address)".
std::string pip_address(const model::Model& m, int pip);
/// "network rule 'r', collection 'c' (priority 200) of group 'g' in policy 'p'": a firewall rule and where it is.
std::string firewall_rule_text(const model::Model& m, const model::Firewall& fw, const model::FirewallRulePosition& at);

/// A PaaS endpoint hop or verdict, or a private endpoint's (cli/explain_text_paas.cpp).
std::string paas_text(const model::Model& m, const solver::Reason& r);
/// An east-west hop or verdict: the source, a route, a firewall crossed by routing, an appliance, the reply's
/// route (cli/explain_text_east_west.cpp).
std::string east_west_text(const model::Model& m, const solver::Reason& r);
/// "ip configuration 'ipconfig1' of NIC 'nic-web' (10.0.1.4)"
std::string ip_configuration_text(const model::Model& m, const model::IpConfigIndex& x);
/// An application gateway hop or verdict (cli/explain_text_application_gateway.cpp).
std::string gateway_text(const model::Model& m, const solver::Reason& r);

}  // namespace exposim::cli::explain_words
