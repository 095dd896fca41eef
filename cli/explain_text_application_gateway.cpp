// The words of explain's application gateway hops (cli/explain_words.h): split from cli/explain_text.cpp, which
// dispatches every ReasonCode.
#include <string>

#include <fmt/format.h>

#include "cli/explain_text.h"
#include "cli/explain_words.h"
#include "solver/firewall.h"

namespace exposim::cli::explain_words {

using model::Access;
using solver::kAssumedFqdnNote;
using solver::LbBackend;
using solver::Reason;
using solver::ReasonCode;
using solver::rule_at;

namespace {

/// "any host name", or "host a.example, b.example".
std::string gateway_listener_hosts(const model::AgListener& l) {
  if (l.host_names.empty()) return "any host name";
  std::string out = "host ";
  for (std::size_t i = 0; i < l.host_names.size(); ++i) out += (i ? ", " : "") + l.host_names[i];
  return out;
}

}  // namespace

/// An application gateway hop or verdict.
std::string gateway_text(const model::Model& m, const Reason& r) {
  const std::string gw = entry_point_text(m, r.entry);
  const auto& g = m.application_gateways[static_cast<std::size_t>(r.entry.index)];
  if (r.code == ReasonCode::kAgFirewallPolicyMissing || r.code == ReasonCode::kAgFirewallUnallocated ||
      r.code == ReasonCode::kAgFirewallCrossing || r.code == ReasonCode::kAgFirewallDefaultDeny ||
      r.code == ReasonCode::kAgFirewallRule) {
    const auto& fw = m.firewalls[static_cast<std::size_t>(r.firewall)];
    const std::string crossing =
        fmt::format("the routes send the connection and its replies through firewall '{}' ({})", fw.name,
                    r.address ? r.address->to_string() : "");
    const std::string flow = fmt::format("tcp from {} to {} port {}", cidrs(r.sources),
                                         r.destination ? r.destination->to_string() : "", r.backend_port);
    switch (r.code) {
      case ReasonCode::kAgFirewallPolicyMissing:
        return fmt::format("{}; its policy is not in the input: assumed to allow", crossing);
      case ReasonCode::kAgFirewallUnallocated:
        return fmt::format(
            "{}, but the backend's address is not allocated: no rule can be decided (analyze reports no flow)",
            crossing);
      case ReasonCode::kAgFirewallDefaultDeny:
        return fmt::format(
            "no rule matched: default deny (no network or application rule of firewall '{}' takes {}); {}", fw.name,
            flow, crossing);
      case ReasonCode::kAgFirewallRule:
        return fmt::format("{} {} {}; {}{}", firewall_rule_text(m, fw, fw.order[static_cast<std::size_t>(r.rule)]),
                           r.passes ? "allows" : "denies", flow, crossing,
                           r.assumed ? fmt::format(" ({})", kAssumedFqdnNote) : "");
      default: return crossing;
    }
  }
  const std::string flow = flow_text(r.flow, pip_address(m, r.public_ip));
  switch (r.code) {
    case ReasonCode::kAgNotTcp:
      return fmt::format("{} listens on TCP only (HTTP and HTTPS): {} is not taken", gw,
                         model::to_string(r.flow.protocol));
    case ReasonCode::kAgNoListener:
      return fmt::format("no listener of {} on frontend '{}' port {}: the gateway accepts nothing there", gw,
                         g.frontends[static_cast<std::size_t>(r.frontend)].name, r.flow.destination_port);
    case ReasonCode::kAgListener: {
      const auto& l = g.listeners[static_cast<std::size_t>(r.listener)];
      const char* waf = r.waf_mode == model::WafMode::kPrevention  ? "WAF prevention: blocks requests its rules match"
                        : r.waf_mode == model::WafMode::kDetection ? "WAF detection: logs only, blocks nothing"
                        : r.waf_mode == model::WafMode::kUnknown   ? "WAF policy not in the input: its mode is unknown"
                                                                   : "no WAF";
      std::string out = fmt::format(
          "listener '{}' ({}, port {}, {}) of {} takes the connection; {} (the WAF inspects HTTP requests, not "
          "addresses or ports)",
          l.name, model::to_string(l.protocol), r.flow.destination_port, gateway_listener_hosts(l), gw, waf);
      if (!r.also.empty()) {
        std::string others;
        for (std::size_t i = 0; i < r.also.size(); ++i) {
          const auto& o = g.listeners[static_cast<std::size_t>(r.also[i])];
          others += fmt::format("{}'{}' ({})", i > 0 ? ", " : "", o.name, gateway_listener_hosts(o));
        }
        out += fmt::format("; also on this port: {}: the request's host name chooses, traced the first", others);
      }
      return out;
    }
    case ReasonCode::kAgSubnetUnknown:
      return "the gateway subnet is not in the input (or has no prefix): the source its backends see is unknown, so "
             "no backend is traced (analyze reports none)";
    case ReasonCode::kAgNoBackend: {
      std::string out = "no request routing rule of the listener sends requests to a backend in the input";
      if (!r.unresolved.empty()) {
        std::string list;
        for (const auto& u : r.unresolved) list += (list.empty() ? "'" : ", '") + u + "'";
        out += fmt::format(" (pool addresses {} match no ip configuration or internal load balancer frontend)", list);
      }
      return out;
    }
    case ReasonCode::kAgRouting: {
      const auto& rule = g.rules[static_cast<std::size_t>(r.routing_rule)];
      const auto& target = rule.targets[static_cast<std::size_t>(r.routing_target)];
      const auto& pool = g.backend_pools[static_cast<std::size_t>(target.pool.child)];
      const auto& settings = g.backend_settings[static_cast<std::size_t>(target.settings.child)];
      std::string out =
          fmt::format("rule '{}'{} sends requests to pool '{}' with settings '{}' ({}, port {})", rule.name,
                      target.path_rule.empty() ? "" : fmt::format(" (path rule '{}')", target.path_rule), pool.name,
                      settings.name, model::to_string(settings.protocol), settings.port);
      if (r.load_balancer >= 0) {
        const auto& lb = m.load_balancers[static_cast<std::size_t>(r.load_balancer)];
        out += fmt::format(", an address of internal load balancer '{}', whose rule '{}' forwards to port {}", lb.name,
                           lb.rules[static_cast<std::size_t>(r.rule)].name, r.backend_port);
      }
      out += fmt::format(
          "; the gateway opens its own connection to {} (the backend sees the gateway subnet as the source)",
          member_text(m, r.target));
      if (r.backend == LbBackend::kChosen) {
        out += ", chosen with --backend";
      } else if (r.backend == LbBackend::kFirst) {
        out += fmt::format(
            "; traced the first of {} backends (rules in order, then NIC id); choose another with --backend",
            r.members.size());
      }
      return out;
    }
    case ReasonCode::kAllowedAgListener:
      return fmt::format("allowed: {} reaches listener '{}' of {}; nothing behind it is traced", flow,
                         g.listeners[static_cast<std::size_t>(r.listener)].name, gw);
    case ReasonCode::kAllowedAgBackend: {
      const auto& rule = g.rules[static_cast<std::size_t>(r.routing_rule)];
      const auto& target = rule.targets[static_cast<std::size_t>(r.routing_target)];
      std::string through;
      if (r.firewall >= 0) {
        const auto& fw = m.firewalls[static_cast<std::size_t>(r.firewall)];
        if (r.rule < 0) {
          through = fmt::format(" through firewall '{}' (policy not in the input, assumed to allow)", fw.name);
        } else {
          const auto& fr = rule_at(m, fw, fw.order[static_cast<std::size_t>(r.rule)]);
          through = fmt::format(" through firewall '{}' ({} rule '{}')", fw.name,
                                fr.kind == model::FirewallRuleKind::kNetwork ? "network" : "application", fr.name);
        }
      }
      return fmt::format(
          "allowed: {} passes listener '{}' of {}, which connects to {} on port {} (rule '{}', pool '{}'){}, and "
          "replies return",
          flow, g.listeners[static_cast<std::size_t>(r.listener)].name, gw, member_text(m, r.target), r.backend_port,
          rule.name, g.backend_pools[static_cast<std::size_t>(target.pool.child)].name, through);
    }
    default: break;
  }
  return r.text;
}

}  // namespace exposim::cli::explain_words
