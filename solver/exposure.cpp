// The analysis: for every entry into an ip configuration, the packets that pass the NSG stages of its path
// (inbound_path, solver/path.h: the subnet's NSG, then the NIC's), attributed to the deciding rules. Evaluations are
// memoised by everything they depend on. The entries of each family are enumerated in its own file (solver/analyzer.h
// lists them); this file holds the evaluation at a target, the path of an exposure and the order of the result.
#include "solver/exposure.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "model/parallel.h"
#include "solver/address_space.h"
#include "solver/analyzer.h"
#include "solver/gateway_flows.h"
#include "solver/incremental.h"
#include "solver/network.h"
#include "solver/network_manager.h"
#include "solver/nsg.h"
#include "solver/nsg_cells.h"
#include "solver/paas.h"
#include "solver/path.h"
#include "solver/ports_and_sources.h"

namespace exposim::solver {

using model::Access;
using model::Direction;
using model::Protocol;

TargetId target_id(const model::Model& m, model::ResourceKind kind, int index) {
  if (kind == model::ResourceKind::kNetworkInterface) {
    const auto& nic = m.nics[index];
    const int vm = nic.virtual_machine.index;
    return {vm >= 0 ? std::string_view(m.vms[vm].name) : std::string_view(nic.name), nic.key};
  }
  if (const auto* r = m.resource(model::GraphVertex{kind, index})) return {r->name, r->key};
  return {};
}

TargetId target_id(const model::Model& m, const Exposure& e) {
  // A NIC exposure's vm is its NIC's virtual machine (Analyzer::target).
  return e.nic >= 0 ? target_id(m, model::ResourceKind::kNetworkInterface, e.nic)
                    : target_id(m, e.target_kind, e.target);
}

namespace {

/// The order of Analysis::exposures: target name, target id, ip configuration, entry, via, protocol
/// (target_key, whose first two parts are target_id), then the deciding rules of the path (rules_before). Used
/// by Analyzer::sort(); the incremental splice (solver/incremental.cpp) relies on target_id leading the order.
using TargetKey = std::tuple<std::string_view, std::string_view, std::string_view, int, int, int>;

TargetKey target_key(const model::Model& m, const Exposure& e) {
  const auto [name, key] = target_id(m, e);
  const std::string_view config =
      e.nic >= 0 ? std::string_view(m.nics[e.nic].ip_configurations[e.ip_configuration].name) : std::string_view();
  return TargetKey{name, key, config, e.public_ip, static_cast<int>(e.via), static_cast<int>(e.protocol)};
}

/// The hop of NSG stage `s` decided by `rule`: an NSG that analyze read as admitting everything says so in its note.
Hop nsg_path_hop(const Stage& s, int rule) {
  const char* note = rule == kNsgOverApproximated ? kNsgOverApproximatedNote : s.note;
  return Hop{s.kind, s.resource_kind, s.resource, s.scope, rule, note};
}

bool rules_before(const Exposure& a, const Exposure& b) {
  return std::lexicographical_compare(a.path.begin(), a.path.end(), b.path.begin(), b.path.end(),
                                      [](const Hop& x, const Hop& y) { return x.rule < y.rule; });
}

}  // namespace

namespace analysis_internal {

Analyzer::Analyzer(const model::Model& m, Analysis& out, AnalysisTrace* trace)
    : m_(m), out_(out), own_space_(std::in_place, m, out.findings), space_(*own_space_), trace_(trace) {}

Analyzer::Analyzer(const model::Model& m, Analysis& out, const AddressSpace& space, const AnalysisScope& scope,
                   const TargetExposures& previous, AnalysisTrace* trace)
    : m_(m), out_(out), space_(space), scope_(&scope), previous_(&previous), trace_(trace) {}

bool Analyzer::share_nsg_work() const { return options_ == nullptr || options_->share_nsg_work; }

void Analyzer::progress(std::string_view stage, std::size_t done, std::size_t total) const {
  if (options_ != nullptr && options_->progress) options_->progress(stage, done, total);
}

void Analyzer::run() {
  instance_public_ips();
  for (std::size_t l = 0; l < m_.load_balancers.size(); ++l) {
    progress("load balancers", l, m_.load_balancers.size());
    load_balancer(static_cast<int>(l));
  }
  for (std::size_t f = 0; f < m_.firewalls.size(); ++f) {
    progress("firewalls", f, m_.firewalls.size());
    firewall(static_cast<int>(f));
  }
  flush();  // appliances() reads the exposures found so far
  appliances();
  progress("gateways", 0, 1);
  gateways();
  // Every placement is made: the evaluations' results and keys, and the table of their source sets, are done with
  // (the exposures hold what they share); freed before the sort below, whose keys are the peak of the solve.
  results_ = {};
  cache_ = {};
  source_sets_.clear();
  out_.targets_evaluated = evaluated_.size();
  if (trace_ != nullptr && scope_ == nullptr) {
    trace_->evaluated.assign(m_.nics.size(), 0);
    for (const auto& x : evaluated_) ++trace_->evaluated[x.nic];
  } else if (trace_ != nullptr) {  // per NIC of the scope, not a vector as long as the model's NICs
    const auto& nics = scope_->nics.list();
    trace_->evaluated.clear();
    trace_->scope_evaluated.assign(nics.size(), 0);
    for (const auto& x : evaluated_) {
      const auto at = std::lower_bound(nics.begin(), nics.end(), x.nic);
      if (at != nics.end() && *at == x.nic) ++trace_->scope_evaluated[static_cast<std::size_t>(at - nics.begin())];
    }
  }
  if (trace_ != nullptr) trace_->paas_solved = false;
  if (scope_ == nullptr) {
    progress("PaaS services", 0, m_.paas_services.size());
    const std::size_t from = out_.findings.size();
    analyze_paas(m_, space_, out_);
    if (trace_ != nullptr) {
      trace_->paas_findings = model::Diagnostics{};
      for (std::size_t i = from; i < out_.findings.size(); ++i) trace_->paas_findings.add(out_.findings.items()[i]);
      trace_->paas_solved = true;
    }
  } else if (std::any_of(scope_->paas.begin(), scope_->paas.end(), [](char c) { return c != 0; })) {
    Analysis paas;
    analyze_paas(m_, space_, paas);
    for (auto& e : paas.exposures) {
      if (scope_->paas_service(e.target)) out_.exposures.push_back(std::move(e));
    }
    if (trace_ != nullptr) {
      trace_->paas_findings = std::move(paas.findings);
      trace_->paas_solved = true;
    }
  }
  out_.internet = space_.internet();
  sort();
  if (scope_ == nullptr) {  // a scoped analysis leaves them to the incremental analysis, which sees every target
    std::set<int> nsgs;
    for (const auto& e : out_.exposures) over_approximated_nsgs(e, nsgs);
    for (const auto& e : out_.broken) over_approximated_nsgs(e, nsgs);
    warn_over_approximated(m_, nsgs, out_.findings);
  }
}

void over_approximated_nsgs(const Exposure& e, std::set<int>& nsgs) {
  for (const auto& h : e.path) {
    if (h.kind == HopKind::kNsg && h.resource >= 0 && h.rule == kNsgOverApproximated) nsgs.insert(h.resource);
  }
}

void warn_over_approximated(const model::Model& m, const std::set<int>& nsgs, model::Diagnostics& findings) {
  for (const int n : nsgs) {
    const auto& nsg = m.nsgs[static_cast<std::size_t>(n)];
    findings.warning("nsg-over-approximated", nsg.where,
                     fmt::format("the rules of network security group '{}' cut the packets arriving at it into more "
                                 "cells than {} work units decide: it is read as admitting every packet that "
                                 "arrives at it, so the exposures through it are an over-approximation",
                                 nsg.name, kNsgWorkBudget));
  }
}

void Analyzer::gateways() {
  GatewayFlows flows = gateway_flows(m_, space_, out_.findings);
  if (scope_ == nullptr || scope_->gateways) {
    for (auto& e : flows.own) out_.exposures.push_back(std::move(e));
  }
  for (const auto& f : flows.forwarded) {
    Entry e;
    e.via = f.entry->via;
    e.public_ip = f.entry->public_ip;
    e.protocols = model::bit(Protocol::kTcp);
    e.ports = f.entry->ports;
    e.forwarded = &f;
    target(f.target.nic, f.target.ip_configuration, e);
  }
  flush();  // the queued entries point into `flows`
}

void Analyzer::forwarded_exposures(int n, int c, const Entry& entry, const std::vector<Stage>& stages,
                                   const std::vector<Piece>& pieces) {
  const ForwardedFlow& f = *entry.forwarded;
  const auto nsgs = nsg_stages(stages);
  const NsgSlot& subnet_nsg = nsgs[0]->slot;
  const NsgSlot& nic_nsg = nsgs[1]->slot;
  // (protocol, subnet rule, NIC rule, admin rule, NSGs skipped) -> ports
  std::map<std::tuple<int, int, int, int, bool>, PortSet> merged;
  for (const Piece& p : pieces) {
    auto& ports = merged[{static_cast<int>(p.protocol), p.subnet_rule, p.nic_rule, p.admin_rule, p.skip_nsgs}];
    ports = ports.unite(p.flows.ports);
  }
  for (const auto& [k, ports] : merged) {
    const auto [protocol, r1, r2, admin, skip] = k;
    Exposure e;
    e.target = n;
    e.nic = n;
    e.ip_configuration = c;
    e.vm = m_.nics[n].virtual_machine.index;
    e.public_ip = f.entry->public_ip;
    e.via = f.entry->via;
    e.gateway = f.entry->gateway;
    e.gateway_rule = f.entry->gateway_rule;
    e.protocol = static_cast<Protocol>(protocol);
    e.ports = ports;
    e.entry_ports = f.entry->entry_ports;
    e.source_ports = PortSet::all();
    e.sources = f.entry->sources;
    e.any_source = f.entry->any_source;
    e.path = path(entry, stages, r1, r2, admin, skip);
    e.jit = is_jit(subnet_nsg, r1) || is_jit(nic_nsg, r2);
    if (f.broken) {
      e.broken = f.broken;
      out_.broken.push_back(std::move(e));
      continue;
    }
    out_.exposures.push_back(std::move(e));
  }
}

const std::optional<std::pair<IpSet, RouteChoice>>& Analyzer::diversion(int subnet, model::IpFamily family) {
  auto [it, fresh] = diversion_.try_emplace({subnet, family});
  if (fresh) it->second = reply_diversion(m_, space_, subnet, family);
  return it->second;
}

Hop Analyzer::route_hop(const RouteChoice& r) {
  Hop h{HopKind::kRoute,
        model::ResourceKind::kRouteTable,
        r.user ? r.route_table : -1,
        "return",
        r.user ? r.route : -1,
        r.user ? "" : r.system};
  return h;
}

void Analyzer::target(int n, int c, const Entry& entry) {
  if (scope_ != nullptr && !scope_->nic(n)) return;
  if (placements_.size() >= kPlacementBatch) flush();  // bounded memory; enough evaluations to share out
  const auto& nic = m_.nics[n];
  const auto& cfg = nic.ip_configurations[c];
  const int pip = entry.public_ip;
  const model::Sku sku = entry.sku;
  // A load balancer frontend serves backends of its own IP version (an instance public IP of the other
  // version is a validation error, `family-mismatch`).
  // (An application gateway connects to backends itself: any frontend version reaches IPv4 backends.)
  if (!entry.forwarded && entry.via != Via::kPublicIp && pip >= 0 && m_.public_ips[pip].family != cfg.family) return;
  evaluated_.insert(model::IpConfigIndex{n, c});
  const int subnet = cfg.subnet.index;
  // The target's path (solver/path.h); its NSG stages are evaluated here (unknown subnet: an NSG admitting all).
  std::vector<Stage> stages = inbound_path(m_, path_entry(entry), model::IpConfigIndex{n, c});
  if (trace_ != nullptr && trace_->index != nullptr) {
    trace_->index->add(m_, ScopeTarget{model::ResourceKind::kNetworkInterface, n}, stages);
  }
  const auto nsgs = nsg_stages(stages);
  // Copies: `stages` moves into the placement queue, which a flush (in the recursion below) empties.
  const NsgSlot subnet_nsg = nsgs[0]->slot;
  const NsgSlot nic_nsg = nsgs[1]->slot;
  // With floating IP the packet keeps the frontend's address as its destination (docs/model.md).
  const std::optional<model::IpAddress> dst_ip =
      entry.floating_ip ? (pip >= 0 ? m_.public_ips[pip].address : std::nullopt) : cfg.private_ip;
  const Destination dst{dst_ip, subnet, &cfg.asgs};

  std::string key =
      fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", entry.diverted, static_cast<int>(cfg.family), subnet,
                  static_cast<int>(subnet_nsg.state), subnet_nsg.index, static_cast<int>(nic_nsg.state), nic_nsg.index,
                  static_cast<int>(sku), entry.protocols, model::to_string(entry.ports), fmt::ptr(entry.snat_sources));
  for (const NsgSlot* s : std::initializer_list<const NsgSlot*>{&subnet_nsg, &nic_nsg}) {
    key += '|';
    if (s->state != NsgSlot::State::kPresent) continue;
    for (const auto& rule : m_.nsgs[s->index].rules) {
      if (rule.direction == Direction::kInbound) key += destination_matches(rule, dst, space_) ? '1' : '0';
    }
  }
  // The security admin rules of the target's VNet, before its NSGs (solver/network_manager.h).
  const int admin_vnet = admin_rules_vnet(m_, subnet);
  const std::string admin_key = admin_stage_key(m_, admin_vnet, dst, space_);
  key += admin_key;
  if (entry.forwarded) {
    key += "|from";
    key += entry.forwarded->entry->inner_key;
  }
  auto [it, fresh] = cache_.try_emplace(std::move(key), results_.size());
  if (fresh) {
    ++out_.distinct_evaluations;
    results_.emplace_back();
    Evaluation ev{cfg.family, sku, subnet, subnet_nsg, nic_nsg, dst, entry, it->second};
    ev.admin_vnet = admin_vnet;
    const bool no_nsg = subnet_nsg.state == NsgSlot::State::kNone && nic_nsg.state == NsgSlot::State::kNone;
    if (share_nsg_work() && !(no_nsg && sku == model::Sku::kStandard && !entry.forwarded && admin_vnet < 0)) {
      // The subnet stage depends on what enters (the evaluation key less the SKU and the NIC's NSG) and on how the
      // subnet NSG's rules see the destination.
      std::string stage_key = fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|", entry.diverted, static_cast<int>(cfg.family),
                                          subnet, static_cast<int>(subnet_nsg.state), subnet_nsg.index, entry.protocols,
                                          model::to_string(entry.ports), fmt::ptr(entry.snat_sources));
      if (subnet_nsg.state == NsgSlot::State::kPresent) {
        for (const auto& rule : m_.nsgs[subnet_nsg.index].rules) {
          if (rule.direction == Direction::kInbound) stage_key += destination_matches(rule, dst, space_) ? '1' : '0';
        }
      }
      stage_key += admin_key;
      if (entry.forwarded) {
        stage_key += "|from";
        stage_key += entry.forwarded->entry->inner_key;
      }
      // A stage an earlier run of an incremental analysis kept (SolveMemo: only keys without a SNAT set or a
      // forwarded flow are kept, the stages of changed NSGs are forgotten).
      const auto kept = memo_ != nullptr ? memo_->subnet_stages.find(stage_key)
                                         : std::unordered_map<std::string, SolveMemo::KeptStage>::iterator{};
      if (memo_ != nullptr && kept != memo_->subnet_stages.end()) {
        ev.kept_stage = &kept->second.stage;
      } else {
        const auto [st, new_stage] = subnet_stage_keys_.try_emplace(std::move(stage_key), subnet_stage_of_.size());
        if (new_stage) subnet_stage_of_.push_back(pending_.size());
        ev.subnet_stage = st->second;
      }
    }
    pending_.push_back(std::move(ev));
  }
  placements_.push_back(
      Placement{n, c, entry, std::move(stages), it->second, out_.exposures.size(), out_.broken.size()});
  if (entry.forwarded) return;
  if (entry.snat_sources == nullptr && !entry.diverted && !entry.broken && subnet >= 0) {
    // Sources whose replies leave another way (a 0.0.0.0/0 to an appliance): what they would reach is
    // reported as broken, with the route that breaks it.
    if (const auto& diverted = diversion(subnet, cfg.family)) {
      Entry d = entry;
      d.diverted = true;
      const RouteChoice& r = diverted->second;
      d.return_route = r;
      auto b = std::make_shared<Broken>();
      b->code = r.next_hop == model::NextHopType::kNone ? BrokenCode::kRepliesDropped : BrokenCode::kRepliesDiverted;
      b->target = model::IpConfigIndex{n, c};
      b->subnet = subnet;
      b->route = r;
      b->via = entry.via;
      d.broken = std::move(b);
      target(n, c, d);
    }
  }
}

void Analyzer::place(const Placement& pl) {
  const int n = pl.nic;
  const int c = pl.ip_configuration;
  const Entry& entry = pl.entry;
  const std::vector<Stage>& stages = pl.stages;
  const std::vector<Piece>& pieces = results_[pl.slot];
  if (entry.forwarded) {
    forwarded_exposures(n, c, entry, stages, pieces);
    return;
  }
  const auto& nic = m_.nics[n];
  const auto& cfg = nic.ip_configurations[c];
  const int pip = entry.public_ip;
  const auto nsgs = nsg_stages(stages);
  const NsgSlot& subnet_nsg = nsgs[0]->slot;
  const NsgSlot& nic_nsg = nsgs[1]->slot;
  // The pieces decided by the same rules (one per protocol and port set) have the same path: built once, shared.
  std::vector<std::pair<std::tuple<int, int, int, bool>, SharedValue<std::vector<Hop>>>> paths;
  auto shared_path = [&](const Piece& p) -> const SharedValue<std::vector<Hop>>& {
    const std::tuple<int, int, int, bool> rules{p.subnet_rule, p.nic_rule, p.admin_rule, p.skip_nsgs};
    for (const auto& [k, hops] : paths) {
      if (k == rules) return hops;
    }
    return paths.emplace_back(rules, path(entry, stages, p.subnet_rule, p.nic_rule, p.admin_rule, p.skip_nsgs)).second;
  };
  for (const Piece& p : pieces) {
    Exposure e;
    e.target = n;
    e.gateway = entry.gateway;
    e.gateway_rule = entry.gateway_rule;
    e.nic = n;
    e.ip_configuration = c;
    e.vm = nic.virtual_machine.index;
    e.public_ip = pip;
    e.entry_address = entry.entry_address;
    e.via = entry.via;
    e.load_balancer = entry.load_balancer;
    e.frontend = entry.frontend;
    e.protocol = p.protocol;
    e.ports = p.flows.ports;
    if (entry.entry_ports) {
      e.entry_ports = *entry.entry_ports;
    } else if (entry.frontend_port >= 0) {
      e.entry_ports.add(static_cast<std::uint16_t>(entry.frontend_port),
                        static_cast<std::uint16_t>(entry.frontend_port));
    } else {
      e.entry_ports = p.flows.ports;
    }
    e.source_ports = p.flows.source_ports;
    e.sources = p.sources;
    e.any_source = p.any_source;
    e.path = shared_path(p);
    e.jit = is_jit(subnet_nsg, p.subnet_rule) || is_jit(nic_nsg, p.nic_rule);
    if (entry.snat_sources != nullptr && entry.translated) {
      // NSGs saw the firewall's address; the exposure is to the internet sources the DNAT rule admits.
      e.sources = entry.client_sources;
      e.any_source = e.sources == space_.internet(cfg.family);
    }
    if (entry.broken) {
      e.broken = entry.broken;
      out_.broken.push_back(std::move(e));
      continue;
    }
    out_.exposures.push_back(std::move(e));
  }
}

void Analyzer::flush() {
  const int jobs = options_ != nullptr ? options_->jobs : 1;
  // Before the parallel phases: the rule sources of every NSG these evaluations meet, resolved once per VirtualNetwork
  // context (solver/nsg_sources.h); the workers only read them. Past a bound the cache starts again, so that its
  // memory does not grow with the estate.
  std::vector<std::pair<int, int>> wanted;
  for (const Evaluation& e : pending_) {
    // (A kept subnet stage needs no sources of the subnet's NSG.)
    if (e.subnet_nsg.state == NsgSlot::State::kPresent && e.kept_stage == nullptr) {
      wanted.emplace_back(e.subnet_nsg.index, e.dst.subnet);
    }
    if (e.nic_nsg.state == NsgSlot::State::kPresent) wanted.emplace_back(e.nic_nsg.index, e.dst.subnet);
  }
  if (!wanted.empty() && share_nsg_work()) {
    if (!rule_sources_) rule_sources_.emplace(m_, space_);
    if (rule_sources_->intervals() > kRuleSourceCacheIntervals) rule_sources_->clear();
    rule_sources_->prepare(wanted, jobs);
  }
  // The subnet stages, each once for every evaluation that shares it; then every evaluation's NIC stage. Each
  // reads the model, the address space, the rule sources and its own inputs, and writes its own slot.
  std::vector<SubnetStage> subnet_stages(subnet_stage_of_.size());
  model::parallel_for(subnet_stages.size(), jobs,
                      [&](std::size_t i) { subnet_stages[i] = subnet_stage(pending_[subnet_stage_of_[i]]); });
  // Progress counts every evaluation run so far, of all found so far, from the calling thread only.
  const std::size_t before = evaluations_run_;
  const SubnetStage none;
  model::parallel_for(
      pending_.size(), jobs,
      [&](std::size_t i) {
        const Evaluation& e = pending_[i];
        if (e.kept_stage != nullptr) {
          results_[e.slot] = evaluate(e, *e.kept_stage);
        } else if (e.subnet_stage != Evaluation::kNoSubnetStage) {
          results_[e.slot] = evaluate(e, subnet_stages[e.subnet_stage]);
        } else {
          results_[e.slot] = evaluate(e, share_nsg_work() ? none : subnet_stage(e));
        }
      },
      [&](std::size_t done) { progress("distinct evaluations", before + done, out_.distinct_evaluations); });
  evaluations_run_ += pending_.size();
  if (memo_ != nullptr) {  // the stages whose keys mean the same in the next run are kept for it
    for (const auto& [key, i] : subnet_stage_keys_) {
      const Evaluation& d = pending_[subnet_stage_of_[i]];
      if (d.entry.snat_sources != nullptr || d.entry.forwarded != nullptr) continue;
      const int nsg = d.subnet_nsg.state == NsgSlot::State::kPresent ? d.subnet_nsg.index : -1;
      memo_->keep_stage(key, SolveMemo::KeptStage{nsg, std::move(subnet_stages[i]), d.admin_vnet});
    }
  }
  subnet_stage_keys_.clear();
  subnet_stage_of_.clear();
  pending_.clear();
  if (placements_.empty()) return;
  // The exposures added directly since the first queued placement keep their places among the queued ones; those
  // before it stay where they are.
  const std::size_t exposures_from = placements_.front().exposures_at;
  const std::size_t broken_from = placements_.front().broken_at;
  std::vector<Exposure> exposures(std::make_move_iterator(out_.exposures.begin() + exposures_from),
                                  std::make_move_iterator(out_.exposures.end()));
  std::vector<Exposure> broken(std::make_move_iterator(out_.broken.begin() + broken_from),
                               std::make_move_iterator(out_.broken.end()));
  out_.exposures.resize(exposures_from);
  out_.broken.resize(broken_from);
  std::size_t e = 0;
  std::size_t b = 0;
  for (Placement& p : placements_) {
    for (; exposures_from + e < p.exposures_at; ++e) out_.exposures.push_back(std::move(exposures[e]));
    for (; broken_from + b < p.broken_at; ++b) out_.broken.push_back(std::move(broken[b]));
    place(p);
    p = Placement{};  // its stages are no longer needed
  }
  for (; e < exposures.size(); ++e) out_.exposures.push_back(std::move(exposures[e]));
  for (; b < broken.size(); ++b) out_.broken.push_back(std::move(broken[b]));
  placements_.clear();
}

bool Analyzer::is_jit(const NsgSlot& s, int rule) const {
  return s.state == NsgSlot::State::kPresent && rule >= 0 && m_.nsgs[s.index].rules[rule].is_jit;
}

const RuleSources* Analyzer::rule_sources(const NsgSlot& s, int subnet) const {
  if (s.state != NsgSlot::State::kPresent || !rule_sources_) return nullptr;
  return rule_sources_->find(s.index, subnet);
}

PacketSet Analyzer::arriving(model::IpFamily family, int subnet, const Entry& entry) const {
  const IpSet internet = space_.internet(family);
  // After DNAT the firewall's SNAT addresses arrive (their replies return within the VNet); flows forwarded by a
  // Bastion or application gateway come from its subnet; otherwise only sources the target can answer
  // directly connect: the return route must lead to the internet.
  const IpSet sources = entry.forwarded != nullptr      ? entry.forwarded->entry->inner_sources
                        : entry.snat_sources != nullptr ? *entry.snat_sources
                        : entry.diverted                ? internet.subtract(space_.internet_answerable(subnet))
                                                        : internet.intersect(space_.internet_answerable(subnet));
  return PacketSet(Cube{sources, IpSet::all(), entry.protocols, PortSet::all(), entry.ports});
}

SubnetStage Analyzer::subnet_stage(const Evaluation& e) const {
  SubnetStage out;
  auto subnet_nsg = [&](int admin_rule, const PacketSet& in) {
    for (auto& d : decide_inbound(m_, e.subnet_nsg, in, e.dst, space_, rule_sources(e.subnet_nsg, e.dst.subnet),
                                  PastBudget::kAdmitAll)) {
      if (d.access == Access::kAllow) out.push_back(SubnetShare{admin_rule, d.rule, std::move(d.packets), false});
    }
  };
  if (e.admin_vnet < 0) {
    subnet_nsg(-1, arriving(e.family, e.subnet, e.entry));
    return out;
  }
  // The security admin rules first: Deny drops, AlwaysAllow admits past the NSGs, Allow (and what no admin rule
  // matches) goes on to the NSGs.
  for (auto& a : decide_admin(m_, e.admin_vnet, arriving(e.family, e.subnet, e.entry), e.dst, space_)) {
    switch (a.access) {
      case model::AdminAccess::kDeny: break;
      case model::AdminAccess::kAlwaysAllow: out.push_back(SubnetShare{a.rule, -1, std::move(a.packets), true}); break;
      case model::AdminAccess::kAllow: subnet_nsg(a.rule, a.packets); break;
    }
  }
  return out;
}

std::vector<Piece> Analyzer::evaluate(const Evaluation& e, const SubnetStage& after_subnet) const {
  const IpSet internet = space_.internet(e.family);
  const bool no_nsg = e.subnet_nsg.state == NsgSlot::State::kNone && e.nic_nsg.state == NsgSlot::State::kNone;
  // Standard: closed unless allowed (an NSG's rule, or an AlwaysAllow admin rule: docs/model.md).
  const bool closed = no_nsg && e.sku == model::Sku::kStandard && !e.entry.forwarded;
  if (closed && e.admin_vnet < 0) return {};
  const NsgSlot& nic_nsg = e.nic_nsg;
  const Destination& dst = e.dst;
  std::vector<Piece> out;
  auto add_pieces = [&](const PacketSet& allowed, int r1, int r2, int admin, bool skip) {
    auto split = split_by_ports_each(allowed);
    for (int p = 0; p < model::kProtocolCount; ++p) {
      const auto protocol = static_cast<Protocol>(p);
      for (auto& flows : split[static_cast<std::size_t>(p)]) {
        const bool any = flows.sources == internet;
        SharedValue<IpSet> sources = source_sets_.intern(std::exchange(flows.sources, IpSet()));
        out.push_back(Piece{protocol, std::move(flows), r1, r2, any, admin, skip, std::move(sources)});
      }
    }
  };
  // The NIC's NSG decides every share the subnet's NSG allowed in one call (its rules resolved and cut once);
  // what an AlwaysAllow admin rule admitted skips it.
  std::vector<const PacketSet*> shares;
  for (const auto& share : after_subnet) {
    if (!share.skip_nsgs && !closed) shares.push_back(&share.packets);
  }
  auto after_nic = decide_inbound_each(m_, nic_nsg, shares, dst, space_, rule_sources(nic_nsg, dst.subnet));
  std::size_t next = 0;
  for (const auto& share : after_subnet) {
    if (share.skip_nsgs) {
      add_pieces(share.packets, -1, -1, share.admin_rule, true);
      continue;
    }
    if (closed) continue;
    for (auto& d : after_nic[next]) {
      if (d.access == Access::kAllow) add_pieces(d.packets, share.rule, d.rule, share.admin_rule, false);
    }
    ++next;
  }
  return out;
}

PathEntry Analyzer::path_entry(const Entry& entry) {
  PathEntry p;
  p.via = entry.via;
  p.public_ip = entry.public_ip;
  p.hub_address = entry.entry_address.has_value();
  p.assumed_address = entry.assumed_address;
  p.sku = entry.sku;
  p.load_balancer = entry.load_balancer;
  p.rule = entry.rule;
  p.nat_pool = entry.nat_pool;
  p.frontend_port = entry.frontend_port;
  p.gateway = entry.gateway;
  p.gateway_rule = entry.gateway_rule;
  if (entry.forwarded) {
    const ForwardedEntry& f = *entry.forwarded->entry;
    p.gateway = f.gateway;
    if (entry.via == Via::kApplicationGateway) {
      p.gateway_rule = f.gateway_rule;
      p.dnat_firewall = f.dnat_firewall;
      p.dnat_rule = f.dnat_rule;
      p.load_balancer = f.load_balancer;
      p.rule = f.lb_rule;
      p.frontend_port = f.lb_frontend_port;
      p.crossing_firewall = f.crossing_firewall;
    }
  }
  return p;
}

std::vector<Hop> Analyzer::path(const Entry& entry, const std::vector<Stage>& stages, int r1, int r2, int admin_rule,
                                bool skip_nsgs) const {
  std::vector<Hop> hops;
  hops.reserve(stages.size());
  // A forwarded flow's stages (a Bastion session, an application gateway's backend) are decided where its entry was
  // built (ForwardedEntry): the entry point's subnet NSG, its DNAT rule, its routing rule, a firewall crossed.
  const ForwardedEntry* forwarded = entry.forwarded != nullptr ? entry.forwarded->entry.get() : nullptr;
  const bool bastion = entry.via == Via::kBastion && forwarded != nullptr;
  const auto target_nsgs = nsg_stages(stages);
  int nsg = 0;
  // An entry that decides the reply's route (DNAT, an appliance, diverted sources) shows that route after its
  // translation, before the admin rules and the NSGs (analyze's output contract); so does a broken forwarded flow.
  bool before_target_done = false;
  auto before_target = [&] {
    if (before_target_done) return;
    before_target_done = true;
    if (entry.return_route) hops.push_back(route_hop(*entry.return_route));
    if (bastion) {  // what forward() put between the Bastion and the target (a firewall)
      hops.insert(hops.end(), forwarded->front.begin(), forwarded->front.end());
    }
    if (forwarded != nullptr && entry.forwarded->reply) hops.push_back(*entry.forwarded->reply);
  };
  for (const Stage& s : stages) {
    switch (s.kind) {
      case HopKind::kAdminRule:
        if (forwarded != nullptr && std::string_view(s.scope) == "gateway-subnet") {  // the gateway's own
          hops.push_back(admin_hop(s.resource, forwarded->entry_admin_rule));
          continue;
        }
        before_target();
        hops.push_back(admin_hop(s.resource, admin_rule));
        continue;
      case HopKind::kSource:
      case HopKind::kEntry:
        // A Developer Bastion's entry (itself, reached through the portal) is not shown.
        if (bastion && s.resource_kind == model::ResourceKind::kBastionHost) continue;
        break;
      case HopKind::kRoute: continue;  // the reply's route: shown before the NSGs when the entry decides it
      case HopKind::kFirewall:
        if (forwarded != nullptr && s.scope[0] == '\0') {  // crossed both ways: as forward() decided it
          hops.insert(hops.end(), forwarded->front.begin(), forwarded->front.end());
          continue;
        }
        if (forwarded != nullptr) {  // a DNAT rule to the gateway's private frontend
          Hop h = hop_of(s);
          h.note = forwarded->dnat_note;
          hops.push_back(h);
          continue;
        }
        break;
      case HopKind::kApplicationGateway:
        if (std::string_view(s.scope) == "listener") continue;  // a backend's path names the routing rule only
        if (forwarded != nullptr) {
          Hop h = hop_of(s);
          h.port = forwarded->backend_port;
          h.via_rule = forwarded->routing_rule;
          h.via_target = forwarded->routing_target;
          hops.push_back(h);
          continue;
        }
        break;
      case HopKind::kNsg:
      case HopKind::kNoNsg:
        if (&s != target_nsgs[0] && &s != target_nsgs[1]) {  // the entry point's subnet NSG
          if (forwarded->entry_skip_nsg) continue;  // an AlwaysAllow admin rule of the gateway's VNet skipped it
          hops.push_back(nsg_path_hop(s, s.kind == HopKind::kNsg && s.resource >= 0 ? forwarded->entry_nsg_rule : -1));
          continue;
        }
        before_target();
        if (!skip_nsgs) {  // an AlwaysAllow admin rule: the NSGs are not evaluated
          hops.push_back(nsg_path_hop(s, s.kind == HopKind::kNsg && s.resource >= 0 ? (nsg == 0 ? r1 : r2) : -1));
        }
        ++nsg;
        continue;
      default: break;
    }
    hops.push_back(hop_of(s));
  }
  return hops;
}

void Analyzer::sort() {
  sort(out_.exposures);
  sort(out_.broken);
}

void Analyzer::sort(std::vector<Exposure>& exposures) const {
  // Keys are computed once: comparisons then copy nothing; the paths' deciding rules are compared in place.
  // Input order breaks remaining ties. The three names that lead a key (target_key) are those of the exposure's
  // target (a NIC's ip configuration, or another target): they are ranked once per target, and an exposure's key
  // holds the rank (equal names, equal rank): 24 bytes a key instead of 72 (on the fragmented 100k estate the keys of
  // 474k exposures were the peak of the solve).
  using Target = std::pair<int, int>;  // (NIC, ip configuration), or (-1 - target kind, target)
  const auto target_of = [](const Exposure& e) {
    return e.nic >= 0 ? Target{e.nic, e.ip_configuration} : Target{-1 - static_cast<int>(e.target_kind), e.target};
  };
  std::map<Target, std::uint32_t> ranks;  // first the index of an exposure of the target, then the target's rank
  for (std::size_t i = 0; i < exposures.size(); ++i) {
    ranks.try_emplace(target_of(exposures[i]), static_cast<std::uint32_t>(i));
  }
  {
    using Names = std::tuple<std::string_view, std::string_view, std::string_view>;
    std::vector<std::pair<Names, std::uint32_t*>> names;
    names.reserve(ranks.size());
    for (auto& [target, rank] : ranks) {
      const TargetKey k = target_key(m_, exposures[rank]);
      names.emplace_back(Names{std::get<0>(k), std::get<1>(k), std::get<2>(k)}, &rank);
    }
    std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::uint32_t rank = 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i > 0 && names[i].first != names[i - 1].first) ++rank;
      *names[i].second = rank;
    }
  }
  using Key = std::tuple<std::uint32_t, int, int, int>;  // the target's rank, public IP, via, protocol (target_key)
  std::vector<std::pair<Key, std::size_t>> keys;
  keys.reserve(exposures.size());
  for (std::size_t i = 0; i < exposures.size(); ++i) {
    const Exposure& e = exposures[i];
    keys.emplace_back(Key{ranks.at(target_of(e)), e.public_ip, static_cast<int>(e.via), static_cast<int>(e.protocol)},
                      i);
  }
  ranks = {};
  const auto by_rules = [&](std::size_t a, std::size_t b) { return rules_before(exposures[a], exposures[b]); };
  // Input order as the last key makes the order total: std::sort then gives stable_sort's order without
  // its buffer of half the keys.
  std::sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    if (by_rules(a.second, b.second)) return true;
    if (by_rules(b.second, a.second)) return false;
    return a.second < b.second;
  });
  // The permutation is applied in place, cycle by cycle: a second vector of every exposure would be the
  // largest allocation of the whole run on a large estate.
  std::vector<std::size_t> order(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) order[i] = keys[i].second;
  keys = {};
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (order[i] == i) continue;
    Exposure held = std::move(exposures[i]);
    std::size_t at = i;
    while (order[at] != i) {
      const std::size_t from = order[at];
      exposures[at] = std::move(exposures[from]);
      order[at] = at;
      at = from;
    }
    exposures[at] = std::move(held);
    order[at] = at;
  }
  // No shrink_to_fit(): it would move every exposure into an exact-size copy while the old buffer is still held,
  // which made the end of the sort the peak of the whole run on a large estate (about 120 MB at 100k fragmented
  // NICs). The slack it would return is at most what that copy costs.
}

}  // namespace analysis_internal

using analysis_internal::Analyzer;
using analysis_internal::SolveMemo;

Analysis analyze(const model::Model& m, const AnalyzeOptions& options) {
  Analysis out;
  Analyzer analyzer(m, out);
  analyzer.set_options(options);
  analyzer.run();
  return out;
}

Analysis analyze_traced(const model::Model& m, AnalysisTrace& trace, SolveMemo* memo) {
  Analysis out;
  Analyzer analyzer(m, out, &trace);
  if (memo != nullptr) analyzer.set_memo(*memo);
  analyzer.run();
  return out;
}

Analysis analyze_scope(const model::Model& m, const AddressSpace& space, const AnalysisScope& scope,
                       const TargetExposures& previous, AnalysisTrace* trace, SolveMemo* memo) {
  Analysis out;
  Analyzer analyzer(m, out, space, scope, previous, trace);
  if (memo != nullptr) analyzer.set_memo(*memo);
  analyzer.run();
  return out;
}

}  // namespace exposim::solver
