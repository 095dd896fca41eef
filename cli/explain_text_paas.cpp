// The words of explain's PaaS and private endpoint hops (cli/explain_words.h): split from cli/explain_text.cpp, which
// dispatches every ReasonCode.
#include <string>

#include <fmt/format.h>

#include "cli/explain_text.h"
#include "cli/explain_words.h"

namespace exposim::cli::explain_words {

using model::Access;
using solver::LbBackend;
using solver::Reason;
using solver::ReasonCode;

/// A PaaS endpoint hop or verdict, or a private endpoint's.
std::string paas_text(const model::Model& m, const Reason& r) {
  if (r.code == ReasonCode::kPrivateEndpoint) {
    const auto& pe = m.private_endpoints[static_cast<std::size_t>(r.private_endpoint)];
    std::string to;
    for (const auto& c : pe.connections) {
      if (!to.empty()) to += ", ";
      std::string groups;
      for (const auto& g : c.group_ids) groups += (groups.empty() ? "" : ", ") + g;
      const std::string service = c.target.index >= 0
                                      ? fmt::format("{} '{}'", model::to_string(m.paas_services[c.target.index].kind),
                                                    m.paas_services[c.target.index].name)
                                      : "'" + c.target.id + "'";
      to += fmt::format("{}{} ({})", service, groups.empty() ? "" : " " + groups, model::to_string(c.status));
    }
    std::string out = fmt::format(
        "private endpoint '{}'{} has private addresses only: it is reached from its VNet, peered VNets and "
        "on-premises, never from the internet",
        pe.name, to.empty() ? "" : " to " + to);
    for (const auto& c : pe.connections) {
      if (c.target.index >= 0) {
        out += fmt::format("; the service's public endpoint is separate: explain --to {}",
                           m.paas_services[c.target.index].name);
        break;
      }
    }
    return out;
  }
  const auto& s = m.paas_services[static_cast<std::size_t>(r.paas_service)];
  const std::string host = r.scm ? s.scm_host_name : s.host_name;
  const std::string what = fmt::format("{} '{}'{}", model::to_string(s.kind), s.name, r.scm ? " (SCM site)" : "");
  const std::string served = s.tcp_ports.empty() ? "no port" : "TCP " + model::to_string(s.tcp_ports);
  const std::string at = host.empty() ? what + "'s public endpoint" : fmt::format("{} ({})", host, what);
  const std::string src = r.flow.source.to_string();
  const bool main_rules = !r.scm || s.scm_uses_main;
  const auto& rules = main_rules ? s.ip_rules : s.scm_ip_rules;
  const char* default_action =
      (main_rules ? s.default_action : s.scm_default_action) == Access::kAllow ? "Allow" : "Deny";
  switch (r.code) {
    case ReasonCode::kPaasIpv6Client: return fmt::format("{} is modelled for IPv4 clients only", at);
    case ReasonCode::kPaasPortNotServed:
      return fmt::format("{} serves {}: {} is not served", at, served,
                         model::has_ports(r.flow.protocol)
                             ? fmt::format("{} port {}", model::to_string(r.flow.protocol), r.flow.destination_port)
                             : std::string(model::to_string(r.flow.protocol)));
    case ReasonCode::kPaasServes: return fmt::format("{} serves {}", at, served);
    case ReasonCode::kPaasAccessDisabled:
      return "publicNetworkAccess Disabled: the public endpoint admits no one, whatever its firewall says (private "
             "endpoints are the only way in)";
    case ReasonCode::kPaasAccessPerimeter:
      return "publicNetworkAccess SecuredByPerimeter: a network security perimeter's rules decide; they are not "
             "modelled: assumed to admit the internet";
    case ReasonCode::kPaasAccessEnabled: return "publicNetworkAccess Enabled: the service's firewall decides";
    case ReasonCode::kPaasDataEndpointDisabled:
      return "publicDataEndpointEnabled false: the public data endpoint is off (the instance is reached from its "
             "virtual network only)";
    case ReasonCode::kPaasDataEndpointEnabled:
      return *r.note ? fmt::format("{}: the NSG of the instance's subnet decides", r.note)
                     : "publicDataEndpointEnabled true: the NSG of the instance's subnet decides";
    case ReasonCode::kPaasPerimeterDecides: return "not evaluated: the perimeter decides (assumed to admit)";
    case ReasonCode::kPaasRule: {
      const auto& rule = rules[static_cast<std::size_t>(r.rule)];
      const std::string rule_text = rule.name.empty()
                                        ? fmt::format("IP rule '{}'", rule.text)
                                        : fmt::format("rule '{}' ({}{})", rule.name, rule.text,
                                                      rule.priority ? fmt::format(", priority {}", rule.priority) : "");
      return fmt::format("{} {} {}{}", rule_text, r.passes ? "admits" : "denies", src,
                         *r.note ? fmt::format(" ({})", r.note) : "");
    }
    case ReasonCode::kPaasDefaultAction:
      if (!r.rules_apply) {
        return fmt::format(
            "default action Allow: {} is admitted (address rules apply only when the default action is Deny)", src);
      }
      return rules.empty() ? fmt::format("default action {}, no address rule: {} is {}", default_action, src,
                                         r.passes ? "admitted" : "denied")
                           : fmt::format("no address rule matches {}: the default action {} {} it", src, default_action,
                                         r.passes ? "admits" : "denies");
    case ReasonCode::kPaasNotEvaluated: return fmt::format("{} is not a client the public endpoint evaluates", src);
    case ReasonCode::kAllowedPaas:
      return fmt::format("allowed: {} reaches the public endpoint of {}",
                         flow_text(r.flow, host.empty() ? s.name : host), what);
    default: break;
  }
  return r.text;
}

}  // namespace exposim::cli::explain_words
