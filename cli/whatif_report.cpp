// Report writers for `whatif` (cli/whatif_report.h).
#include "cli/whatif_report.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/analyze_report.h"
#include "cli/exposure_cells.h"
#include "cli/json_parts.h"
#include "cli/markdown.h"
#include "cli/text_table.h"
#include "cli/whatif_east_west.h"
#include "model/service_tags.h"
#include "solver/analysis.h"
#include "solver/firewall.h"
#include "solver/ports_and_sources.h"

namespace exposim::cli {
namespace {

using nlohmann::ordered_json;
using solver::HopKind;
using solver::LatentRule;
using solver::WhatifDelta;

/// A changed resource as the after model has it, else (removed: a security admin rule) as the before model had it.
const model::ResourceBase* changed_resource(const WhatifResult& r, const model::Changed& c) {
  for (const model::Model* m : {&r.after_model, &r.before_model}) {
    if (auto v = m->find(c.key)) return m->resource(*v);
  }
  return nullptr;
}

/// One hop as the reroute cells name it: what rules_text writes for the filters, and the route, entry, appliance
/// and target hops it leaves out (a reroute may be in those alone).
std::string hop_cell(const model::Model& m, const solver::Hop& h) {
  switch (h.kind) {
    case HopKind::kNsg:
    case HopKind::kNoNsg: return std::string(h.scope) + ": " + describe_hop(m, h);
    case HopKind::kFirewall: return "fw: " + describe_hop(m, h);
    case HopKind::kLoadBalancer: return "lb: " + describe_hop(m, h);
    case HopKind::kApplicationGateway: return "agw: " + describe_hop(m, h);
    case HopKind::kBastion: return "bastion: " + describe_hop(m, h);
    case HopKind::kPaas: return "paas: " + describe_hop(m, h);
    case HopKind::kRoute: return fmt::format("route ({}): {}", h.scope, describe_hop(m, h));
    case HopKind::kEntry: return "entry: " + describe_hop(m, h);
    case HopKind::kAppliance: return "nva: " + describe_hop(m, h);
    case HopKind::kTarget: return "target: " + describe_hop(m, h);
    case HopKind::kSource: return "internet";
    case HopKind::kAdminRule: return "admin: " + describe_hop(m, h);
  }
  return "";
}

std::vector<std::string> hop_cells(const model::Model& m, const solver::Exposure& e) {
  std::vector<std::string> out;
  for (const auto& h : e.path) out.push_back(hop_cell(m, h));
  return out;
}

std::string join(std::vector<std::string>::const_iterator b, std::vector<std::string>::const_iterator e) {
  std::string out;
  for (auto it = b; it != e; ++it) out += (out.empty() ? "" : " > ") + *it;
  return out;
}

/// "+ exposed", "+ more", "- closed", "- less": how analyze's table and Markdown name a row of a difference.
const char* opened_label(const WhatifDelta& d) { return d.kind == WhatifDelta::Kind::kOpened ? "+ exposed" : "+ more"; }
const char* closed_label(const WhatifDelta& d) { return d.kind == WhatifDelta::Kind::kClosed ? "- closed" : "- less"; }

/// The row of one rerouted piece: analyze's columns for its packets, and "was ..., now ..." as its rules.
std::vector<std::string> reroute_row(const WhatifResult& r, const solver::Reroute& x) {
  auto row = exposure_row(r.after_model, x.after, r.after.internet);
  const RerouteText t = reroute_text(r, x);
  row.back() = fmt::format("was {}, now {}", t.was, t.now);
  return row;
}

/// "any" (the whole internet), else the sources as analyze writes them ("any" for a whole family, "any except
/// ..."), each family named when both are there ("IPv4 any except 52.10.20.0/24, IPv6 any").
std::string latent_sources(const model::IpSet& sources, const model::IpSet& internet) {
  if (sources == internet) return "any";
  std::vector<std::pair<const char*, std::string>> parts;
  for (const auto& [name, family] : {std::pair{"IPv4 ", model::all_v4()}, std::pair{"IPv6 ", model::all_v6()}}) {
    solver::Exposure e;
    e.sources = sources.intersect(family);
    if (e.sources.empty()) continue;
    e.any_source = e.sources == internet.intersect(family);
    parts.emplace_back(name, sources_text(e, internet));
  }
  if (parts.size() == 1) return parts[0].second;
  std::string out;
  for (const auto& [name, text] : parts) out += (out.empty() ? "" : ", ") + std::string(name) + text;
  return out;
}

/// A latent rule's packets as rows of (protocols, ports, sources): protocols with the same ports and sources
/// share a row ("tcp,udp").
struct LatentFlow {
  std::string protocols;
  std::string ports;
  std::string sources;
  bool ported{false};
  model::PortSet port_set;
  model::IpSet source_set;
};

std::vector<LatentFlow> latent_flows(const LatentRule& l, const model::IpSet& internet) {
  std::vector<std::pair<model::Protocol, solver::PortsAndSources>> pieces;
  for (int p = 0; p < model::kProtocolCount; ++p) {
    const auto proto = static_cast<model::Protocol>(p);
    const solver::PacketSet part = l.packets.intersect(solver::PacketSet(solver::Cube{
        model::IpSet::all(), model::IpSet::all(), model::bit(proto), model::PortSet::all(), model::PortSet::all()}));
    if (part.empty()) continue;
    for (auto& piece : solver::split_by_ports(part, proto)) pieces.emplace_back(proto, std::move(piece));
  }
  std::vector<LatentFlow> out;
  for (const auto& [proto, piece] : pieces) {
    const bool ported = model::has_ports(proto);
    const std::string ports = !ported ? "-" : piece.ports.is_all() ? "all" : model::to_string(piece.ports);
    const std::string sources = latent_sources(piece.sources, internet);
    auto same = std::find_if(out.begin(), out.end(),
                             [&](const LatentFlow& f) { return f.ports == ports && f.sources == sources; });
    if (same != out.end()) {
      same->protocols += std::string(",") + model::to_string(proto);
      continue;
    }
    out.push_back(LatentFlow{model::to_string(proto), ports, sources, ported, piece.ports, piece.sources});
  }
  return out;
}

/// "nsg: nsg-app/allow-ssh (310)", "fw: fw1/dnat/ssh-app (100)": the rule as the RULES column names it.
std::string latent_rule_text(const model::Model& m, const LatentRule& l) {
  solver::Hop h;
  h.kind = l.kind == model::ResourceKind::kFirewall ? HopKind::kFirewall : HopKind::kNsg;
  h.resource = l.resource;
  h.rule = l.rule;
  return (l.kind == model::ResourceKind::kFirewall ? "fw: " : "nsg: ") + describe_hop(m, h);
}

/// The source entries of a latent rule that the solver cannot resolve (service tags such as GatewayManager that no
/// --service-tags file resolves, FQDNs): an allow rule takes them as the whole internet, which the reader should know.
std::vector<std::string> unresolved_sources(const model::Model& m, const LatentRule& l) {
  const std::vector<std::string>& entries =
      l.kind == model::ResourceKind::kFirewall
          ? solver::rule_at(m, m.firewalls[l.resource], m.firewalls[l.resource].order[l.rule]).sources.unresolved
          : m.nsgs[l.resource].rules[l.rule].source.other_tags;
  std::vector<std::string> out;
  for (const auto& e : entries) {
    if (model::service_tag_addresses(m.service_tags.get(), e) == nullptr) out.push_back(e);
  }
  return out;
}

/// "any", and "(GatewayManager taken as the internet)" when unresolved entries made it so.
std::string latent_sources_cell(const model::Model& m, const LatentRule& l, const std::string& sources) {
  const auto unresolved = unresolved_sources(m, l);
  if (unresolved.empty()) return sources;
  std::string names;
  for (const auto& u : unresolved) names += (names.empty() ? "" : ", ") + u;
  return fmt::format("{} ({} taken as the internet)", sources, names);
}

/// "subnet vnet1/app", "nic nic-app", "firewall fw1"; "nothing (the NSG is not attached)".
std::string applies_text(const model::Model& m, const LatentRule& l) {
  constexpr std::size_t kShown = 5;
  std::string out;
  for (std::size_t i = 0; i < l.applies_to.size() && i < kShown; ++i) {
    const auto& v = l.applies_to[i];
    std::string name = m.resource(v)->name;
    if (v.kind == model::ResourceKind::kSubnet) {
      const auto& vnet = m.subnets[v.index].vnet;
      if (vnet.resolved()) name = m.vnets[vnet.index].name + "/" + name;
    }
    const char* kind = v.kind == model::ResourceKind::kSubnet             ? "subnet"
                       : v.kind == model::ResourceKind::kNetworkInterface ? "nic"
                                                                          : "firewall";
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", kind, name);
  }
  if (l.applies_to.size() > kShown) out += fmt::format(" +{} more", l.applies_to.size() - kShown);
  return out.empty() ? "nothing (the NSG is not attached)" : out;
}

/// One row per latent flow: change, rule, protocols, ports, sources, applies to.
std::vector<std::vector<std::string>> latent_rows(const WhatifResult& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& l : r.latent) {
    const std::string rule = latent_rule_text(r.after_model, l);
    const std::string applies = applies_text(r.after_model, l);
    for (const auto& f : latent_flows(l, r.after.internet)) {
      rows.push_back({solver::to_string(l.change), rule, f.protocols, f.ports,
                      latent_sources_cell(r.after_model, l, f.sources), applies});
    }
  }
  return rows;
}

std::string summary_text(const WhatifResult& r) {
  const DeltaCounts c = count_deltas(r.diff.deltas);
  return fmt::format(
      "{} newly exposed, {} closed, {} changed, {} rerouted ({} exposures before, {} after): exposure {}", c.opened,
      c.closed, c.changed, c.rerouted, r.diff.before_exposures, r.diff.after_exposures,
      r.diff.grew ? "GREW" : "did not grow");
}

std::string latent_heading(std::size_t n) {
  return fmt::format(
      "latent exposure: {} rule{} the change added or widened admit{} internet sources but reach{} no "
      "target with an internet entry today",
      n, n == 1 ? "" : "s", n == 1 ? "s" : "", n == 1 ? "es" : "");
}

}  // namespace

RerouteText reroute_text(const WhatifResult& r, const solver::Reroute& x) {
  const auto was = hop_cells(r.before_model, x.before);
  const auto now = hop_cells(r.after_model, x.after);
  std::size_t head = 0;
  while (head < was.size() && head < now.size() && was[head] == now[head]) ++head;
  std::size_t tail = 0;
  while (tail < was.size() - head && tail < now.size() - head &&
         was[was.size() - 1 - tail] == now[now.size() - 1 - tail]) {
    ++tail;
  }
  if (head == was.size() && head == now.size()) {
    // Nothing a cell shows differs: both whole paths.
    return {join(was.begin(), was.end()), join(now.begin(), now.end())};
  }
  // A hop only one side has: show a common neighbour too, so that neither side is empty.
  if (head + tail == was.size() || head + tail == now.size()) {
    if (head > 0) {
      --head;
    } else if (tail > 0) {
      --tail;
    }
  }
  return {join(was.begin() + static_cast<std::ptrdiff_t>(head), was.end() - static_cast<std::ptrdiff_t>(tail)),
          join(now.begin() + static_cast<std::ptrdiff_t>(head), now.end() - static_cast<std::ptrdiff_t>(tail))};
}

void write_whatif_table(std::ostream& out, const WhatifResult& r) {
  const std::vector<std::string> header = {"CHANGE", "TARGET", "IP",      "ENTRY", "VIA",
                                           "PROTO",  "PORTS",  "SOURCES", "RULES"};
  std::vector<std::vector<std::string>> rows;
  auto add = [&](const char* what, const model::Model& m, const solver::Analysis& a, const solver::Exposure& e) {
    auto row = exposure_row(m, e, a.internet);
    row.insert(row.begin(), what);
    rows.push_back(std::move(row));
  };
  for (const auto& d : r.diff.deltas) {
    if (d.kind == WhatifDelta::Kind::kRerouted) {
      for (const auto& x : d.reroutes) {
        auto row = reroute_row(r, x);
        row.insert(row.begin(), "rerouted");
        rows.push_back(std::move(row));
      }
      continue;
    }
    for (const auto& e : d.opened) add(opened_label(d), r.after_model, r.after, e);
    for (const auto& e : d.closed) add(closed_label(d), r.before_model, r.before, e);
  }
  if (!r.changed.empty()) {
    out << "changed resources:";
    for (const auto& c : r.changed) {
      const auto* res = changed_resource(r, c);
      out << fmt::format(" {} '{}'", model::to_string(c.kind), res != nullptr ? res->name : c.key);
      if (&c != &r.changed.back()) out << ',';
    }
    out << '\n';
  }
  if (!rows.empty()) write_text_table(out, header, rows);
  if (!r.latent.empty()) {
    out << latent_heading(r.latent.size()) << ":\n";
    write_text_table(out, {"CHANGE", "RULE", "PROTO", "PORTS", "SOURCES", "APPLIES TO"}, latent_rows(r));
  }
  out << summary_text(r) << '\n';
  if (r.east_west != nullptr) write_east_west_table(out, r.before_model, r.after_model, *r.east_west);
}

void write_whatif_json(std::ostream& out, const WhatifResult& r, const std::vector<model::Diagnostic>& diagnostics) {
  ordered_json doc;
  doc["format"] = "exposim-whatif";
  doc["version"] = 1;
  const DeltaCounts c = count_deltas(r.diff.deltas);
  doc["summary"] = {{"grew", r.diff.grew},
                    {"opened", c.opened},
                    {"closed", c.closed},
                    {"changed", c.changed},
                    {"rerouted", c.rerouted},
                    {"exposures_before", r.diff.before_exposures},
                    {"exposures_after", r.diff.after_exposures},
                    {"latent", r.latent.size()}};
  ordered_json changed = ordered_json::array();
  for (const auto& x : r.changed) {
    const auto* res = changed_resource(r, x);
    changed.push_back({{"kind", model::to_string(x.kind)},
                       {"id", res != nullptr ? res->id : x.key},
                       {"name", res != nullptr ? ordered_json(res->name) : ordered_json(nullptr)}});
  }
  doc["changed_resources"] = std::move(changed);
  ordered_json deltas = ordered_json::array();
  for (const auto& d : r.diff.deltas) {
    ordered_json j;
    j["change"] = solver::to_string(d.kind);
    j["key"] = d.key;
    auto list = [&](const model::Model& m, const std::vector<solver::Exposure>& xs) {
      ordered_json a = ordered_json::array();
      for (const auto& e : xs) a.push_back(exposure_json(m, e));
      return a;
    };
    if (d.kind == WhatifDelta::Kind::kRerouted) {
      j["before"] = list(r.before_model, d.before);
      j["after"] = list(r.after_model, d.after);
      ordered_json moved = ordered_json::array();
      for (const auto& x : d.reroutes) {
        const RerouteText t = reroute_text(r, x);
        moved.push_back({{"was", t.was},
                         {"now", t.now},
                         {"before", exposure_json(r.before_model, x.before)},
                         {"after", exposure_json(r.after_model, x.after)}});
      }
      j["reroutes"] = std::move(moved);
    } else {
      j["opened"] = list(r.after_model, d.opened);
      j["closed"] = list(r.before_model, d.closed);
    }
    deltas.push_back(std::move(j));
  }
  doc["differences"] = std::move(deltas);
  ordered_json latent = ordered_json::array();
  for (const auto& l : r.latent) {
    ordered_json j;
    j["change"] = solver::to_string(l.change);
    if (l.kind == model::ResourceKind::kFirewall) {
      const auto& fw = r.after_model.firewalls[l.resource];
      j["firewall"] = {{"id", fw.id}, {"name", fw.name}};
      j["rule"] = firewall_rule_json(r.after_model, fw, fw.order[l.rule]);
    } else {
      const auto& nsg = r.after_model.nsgs[l.resource];
      const auto& rule = nsg.rules[l.rule];
      j["nsg"] = {{"id", nsg.id}, {"name", nsg.name}};
      j["rule"] = {{"id", model::security_rule_id(nsg, rule)}, {"name", rule.name}, {"priority", rule.priority}};
    }
    ordered_json flows = ordered_json::array();
    for (const auto& f : latent_flows(l, r.after.internet)) {
      ordered_json ports = nullptr;
      if (f.ported) {
        ports = ordered_json::array();
        for (const auto& i : f.port_set.intervals()) ports.push_back({i.lo, i.hi});
      }
      ordered_json sources = ordered_json::array();
      for (const auto& cidr : model::to_cidr_strings(f.source_set)) sources.push_back(cidr);
      ordered_json protocols = ordered_json::array();
      for (std::size_t b = 0, e = 0; b <= f.protocols.size(); b = e + 1) {
        e = f.protocols.find(',', b);
        if (e == std::string::npos) e = f.protocols.size();
        protocols.push_back(f.protocols.substr(b, e - b));
      }
      flows.push_back({{"protocols", std::move(protocols)},
                       {"ports", std::move(ports)},
                       {"sources", std::move(sources)},
                       {"any_source", f.sources == "any"}});
    }
    j["admits"] = std::move(flows);
    j["unresolved_sources"] = unresolved_sources(r.after_model, l);
    ordered_json applies = ordered_json::array();
    for (const auto& v : l.applies_to) {
      const auto* res = r.after_model.resource(v);
      applies.push_back({{"kind", model::to_string(v.kind)}, {"id", res->id}, {"name", res->name}});
    }
    j["applies_to"] = std::move(applies);
    latent.push_back(std::move(j));
  }
  doc["latent"] = std::move(latent);
  if (r.east_west != nullptr) doc["east_west"] = east_west_json(r.before_model, r.after_model, *r.east_west);
  ordered_json diags = ordered_json::array();
  for (const auto& d : diagnostics) diags.push_back(diagnostic_json(d));
  doc["diagnostics"] = std::move(diags);
  out << doc.dump(2) << '\n';
}

void write_whatif_markdown(std::ostream& out, const WhatifResult& r, std::size_t budget) {
  const DeltaCounts c = count_deltas(r.diff.deltas);
  out << fmt::format(
      "**exposim whatif: exposure {}.** {} newly exposed, {} closed, {} changed, {} rerouted, {} latent "
      "rule{} ({} exposures before, {} after).\n",
      r.diff.grew ? "grew" : "did not grow", c.opened, c.closed, c.changed, c.rerouted, r.latent.size(),
      r.latent.size() == 1 ? "" : "s", r.diff.before_exposures, r.diff.after_exposures);
  if (r.east_west != nullptr) out << '\n' << east_west_markdown_summary(*r.east_west);
  if (!r.changed.empty()) {
    out << "\nChanged resources:";
    for (const auto& x : r.changed) {
      const auto* res = changed_resource(r, x);
      out << fmt::format(" {} {}", model::to_string(x.kind), md_code_span(res != nullptr ? res->name : x.key));
      if (&x != &r.changed.back()) out << ',';
    }
    out << ".\n";
  }
  const std::vector<std::string> header = {"target", "IP", "entry", "via", "proto", "ports", "sources", "rules"};
  std::vector<std::vector<std::string>> opened;
  std::vector<std::vector<std::string>> closed;
  std::vector<std::vector<std::string>> changed;
  for (const auto& d : r.diff.deltas) {
    switch (d.kind) {
      case WhatifDelta::Kind::kOpened:
        for (const auto& e : d.opened) opened.push_back(exposure_row(r.after_model, e, r.after.internet));
        break;
      case WhatifDelta::Kind::kClosed:
        for (const auto& e : d.closed) closed.push_back(exposure_row(r.before_model, e, r.before.internet));
        break;
      case WhatifDelta::Kind::kChanged:
        for (const auto& e : d.opened) {
          auto row = exposure_row(r.after_model, e, r.after.internet);
          row.insert(row.begin(), "+ more");
          changed.push_back(std::move(row));
        }
        for (const auto& e : d.closed) {
          auto row = exposure_row(r.before_model, e, r.before.internet);
          row.insert(row.begin(), "- less");
          changed.push_back(std::move(row));
        }
        break;
      case WhatifDelta::Kind::kRerouted:
        for (const auto& x : d.reroutes) {
          auto row = reroute_row(r, x);
          row.insert(row.begin(), "rerouted");
          changed.push_back(std::move(row));
        }
        break;
    }
  }
  if (!opened.empty()) {
    out << "\n### Opened\n\n";
    md_table(out, header, opened, budget);
  }
  if (!closed.empty()) {
    out << "\n### Closed\n\n";
    md_table(out, header, closed, budget);
  }
  if (!changed.empty()) {
    out << "\n### Changed\n\n";
    std::vector<std::string> h = header;
    h.insert(h.begin(), "change");
    md_table(out, h, changed, budget);
  }
  if (!r.latent.empty()) {
    out << "\n### Latent exposure\n\n";
    out << fmt::format(
        "{} rule{} that the change added or widened admit{} internet sources but reach{} no target with "
        "an internet entry today: a public IP, load balancer or DNAT rule added later exposes what "
        "{} allow{}.\n\n",
        r.latent.size(), r.latent.size() == 1 ? "" : "s", r.latent.size() == 1 ? "s" : "",
        r.latent.size() == 1 ? "es" : "", r.latent.size() == 1 ? "it" : "they", r.latent.size() == 1 ? "s" : "");
    md_table(out, {"change", "rule", "proto", "ports", "sources", "applies to"}, latent_rows(r), budget);
  }
  if (r.diff.deltas.empty() && r.latent.empty()) {
    out << (r.east_west != nullptr ? "\nNo difference in exposure from the internet.\n"
                                   : "\nNo difference in exposure.\n");
  }
  if (r.east_west != nullptr) write_east_west_markdown(out, r.before_model, r.after_model, *r.east_west, budget);
}

}  // namespace exposim::cli
