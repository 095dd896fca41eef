// NSG evaluation over elementary cells: per dimension (source address, source port, destination port) the rules'
// and the arriving set's boundaries cut the axis into elementary intervals, each carrying the bitset of the rules
// that contain it; intervals with equal bitsets form a class. A cell (protocol, source class, source-port class,
// destination-port class) is decided by the lowest set bit of the AND of its bitsets: the first rule, in priority
// order, that matches it. Cells are merged back into cubes for the result.
#include "solver/nsg_cells.h"
#include "solver/address_space.h"
#include "solver/nsg.h"
#include "solver/nsg_sources.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

namespace exposim::solver {
namespace {

using model::U128;
using NsgCellWord = std::uint64_t;

constexpr std::size_t kNsgCellWordBits = 64;

/// The set of `items[lo, hi)`, sorted by lo and pairwise disjoint: unions of halves, O(n log n).
template <typename T>
model::IntervalSet<T> nsg_cells_union_of(const std::vector<model::Interval<T>>& items, std::size_t lo, std::size_t hi) {
  if (hi - lo == 1) return model::IntervalSet<T>(items[lo].lo, items[lo].hi);
  const std::size_t mid = lo + (hi - lo) / 2;
  return nsg_cells_union_of(items, lo, mid).unite(nsg_cells_union_of(items, mid, hi));
}

/// The set of `items`, sorted by lo and pairwise disjoint; adjacent intervals are merged first.
template <typename T>
model::IntervalSet<T> nsg_cells_from_sorted(std::vector<model::Interval<T>>& items) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (n > 0 && items[n - 1].hi != model::IntervalSet<T>::kMax && items[i].lo == items[n - 1].hi + 1) {
      items[n - 1].hi = items[i].hi;
    } else {
      items[n++] = items[i];
    }
  }
  items.resize(n);
  if (n == 0) return {};
  return nsg_cells_union_of(items, 0, n);
}

/// One rule that applies to the destination, with the packets it matches.
struct NsgCellRule {
  int rule{-1};
  model::Access access{model::Access::kDeny};
  IpSet src;
  ProtocolMask protocols{0};
  const PortSet* src_ports{nullptr};
  const PortSet* dst_ports{nullptr};
};

/// One axis cut into elementary intervals: atom i is [cuts[i], cuts[i + 1] - 1] (the last one ends at the
/// domain's maximum), and bits[i * words .. (i + 1) * words) has bit j set when rule j contains it.
template <typename T>
struct NsgCellAxis {
  std::vector<T> cuts;
  std::vector<NsgCellWord> bits;
  std::size_t words{1};

  std::size_t size() const { return cuts.size(); }
  /// The atom starting at `v` (v must be a cut).
  std::size_t atom_at(T v) const {
    return static_cast<std::size_t>(std::lower_bound(cuts.begin(), cuts.end(), v) - cuts.begin());
  }
  /// One past the last atom of [lo, hi].
  std::size_t atom_end(T hi) const {
    return hi == model::IntervalSet<T>::kMax ? cuts.size() : atom_at(static_cast<T>(hi + 1));
  }
  model::Interval<T> interval(std::size_t i) const {
    return {cuts[i], i + 1 < cuts.size() ? static_cast<T>(cuts[i + 1] - 1) : model::IntervalSet<T>::kMax};
  }
};

/// The axis of `rule_sets` (one per rule, by rule position), cut also at the boundaries of `extra`.
template <typename T>
NsgCellAxis<T> build_nsg_cell_axis(const std::vector<const model::IntervalSet<T>*>& rule_sets,
                                   const std::vector<const model::IntervalSet<T>*>& extra, std::size_t words) {
  NsgCellAxis<T> axis;
  axis.words = words;
  axis.cuts.push_back(T{0});
  auto add_cuts = [&axis](const model::IntervalSet<T>& s) {
    for (const auto& iv : s.intervals()) {
      axis.cuts.push_back(iv.lo);
      if (iv.hi != model::IntervalSet<T>::kMax) axis.cuts.push_back(static_cast<T>(iv.hi + 1));
    }
  };
  for (const auto* s : rule_sets) add_cuts(*s);
  for (const auto* s : extra) add_cuts(*s);
  std::sort(axis.cuts.begin(), axis.cuts.end());
  axis.cuts.erase(std::unique(axis.cuts.begin(), axis.cuts.end()), axis.cuts.end());
  // Each rule's intervals are disjoint: its bit flips on at the first atom of an interval and off after the last,
  // so a prefix XOR over the atoms gives every atom's bitset in time linear in atoms plus intervals.
  const std::size_t n = axis.cuts.size();
  axis.bits.assign(n * words, 0);
  for (std::size_t j = 0; j < rule_sets.size(); ++j) {
    const NsgCellWord b = NsgCellWord{1} << (j % kNsgCellWordBits);
    const std::size_t w = j / kNsgCellWordBits;
    for (const auto& iv : rule_sets[j]->intervals()) {
      axis.bits[axis.atom_at(iv.lo) * words + w] ^= b;
      const std::size_t end = axis.atom_end(iv.hi);
      if (end < n) axis.bits[end * words + w] ^= b;
    }
  }
  for (std::size_t a = 1; a < n; ++a) {
    for (std::size_t w = 0; w < words; ++w) axis.bits[a * words + w] ^= axis.bits[(a - 1) * words + w];
  }
  return axis;
}

/// The atoms of an axis inside one component of an arriving cube, grouped by equal bitsets.
template <typename T>
struct NsgCellClasses {
  std::vector<std::size_t> atoms;           // ascending
  std::vector<int> class_of_atom;           // parallel to atoms
  std::vector<NsgCellWord> bits;            // per class, `words` words
  std::vector<model::IntervalSet<T>> sets;  // per class, the values it covers
};

template <typename T>
NsgCellClasses<T> nsg_cell_classes(const NsgCellAxis<T>& axis, const model::IntervalSet<T>& restrict) {
  NsgCellClasses<T> c;
  for (const auto& iv : restrict.intervals()) {
    const std::size_t end = axis.atom_end(iv.hi);
    for (std::size_t a = axis.atom_at(iv.lo); a < end; ++a) c.atoms.push_back(a);
  }
  const std::size_t words = axis.words;
  std::vector<std::vector<model::Interval<T>>> pieces;
  std::unordered_map<NsgCellWord, int> by_word;
  std::unordered_map<std::string, int> by_key;
  c.class_of_atom.reserve(c.atoms.size());
  for (const std::size_t a : c.atoms) {
    const NsgCellWord* b = &axis.bits[a * words];
    int id = static_cast<int>(pieces.size());
    bool fresh = false;
    if (words == 1) {
      const auto [it, inserted] = by_word.try_emplace(b[0], id);
      id = it->second;
      fresh = inserted;
    } else {
      const auto [it, inserted] =
          by_key.try_emplace(std::string(reinterpret_cast<const char*>(b), words * sizeof(NsgCellWord)), id);
      id = it->second;
      fresh = inserted;
    }
    if (fresh) {
      pieces.emplace_back();
      c.bits.insert(c.bits.end(), b, b + words);
    }
    c.class_of_atom.push_back(id);
    pieces[static_cast<std::size_t>(id)].push_back(axis.interval(a));
  }
  c.sets.reserve(pieces.size());
  for (auto& p : pieces) c.sets.push_back(nsg_cells_from_sorted(p));
  return c;
}

/// For each source class, the position of the first rule of `mask` that contains it, or -1.
void nsg_cell_column(const NsgCellWord* mask, const NsgCellClasses<U128>& src, std::size_t words,
                     std::vector<int>& column) {
  const std::size_t n = src.sets.size();
  column.assign(n, -1);
  for (std::size_t k = 0; k < n; ++k) {
    const NsgCellWord* b = &src.bits[k * words];
    for (std::size_t w = 0; w < words; ++w) {
      const NsgCellWord x = mask[w] & b[w];
      if (x != 0) {
        column[k] = static_cast<int>(w * kNsgCellWordBits + static_cast<std::size_t>(std::countr_zero(x)));
        break;
      }
    }
  }
}

/// The product of `factors`, saturated at the largest std::uint64_t (a hostile NSG's cell count can overflow it).
std::uint64_t nsg_cell_work_product(std::initializer_list<std::uint64_t> factors) {
  constexpr std::uint64_t kMax = ~std::uint64_t{0};
  U128 product = 1;
  for (const std::uint64_t f : factors) {
    product *= f;
    if (product > kMax) return kMax;
  }
  return static_cast<std::uint64_t>(product);
}

/// Charges `units` to the evaluation's work `spent` (at most `budget`); past `budget`, throws WorkBudgetExceeded naming
/// the NSG and the destination.
void charge_nsg_cell_work(std::uint64_t units, std::uint64_t& spent, std::uint64_t budget,
                          const model::NetworkSecurityGroup& nsg, const Destination& dst) {
  if (units <= budget - spent) {
    spent += units;
    return;
  }
  const std::uint64_t needed = units <= ~std::uint64_t{0} - spent ? spent + units : ~std::uint64_t{0};
  throw WorkBudgetExceeded(
      fmt::format(
          "evaluating NSG '{}' for {} needs more than {} work units (its rules cut the packets into too many cells); "
          "the evaluation is not done",
          nsg.name, dst.ip ? dst.ip->to_string() : std::string("a destination without an address"), budget),
      needed);
}

/// a + b, saturated at the largest std::uint64_t.
std::uint64_t nsg_cell_work_sum(std::uint64_t a, std::uint64_t b) {
  return a <= ~std::uint64_t{0} - b ? a + b : ~std::uint64_t{0};
}

/// The positions (into `rules`) of the rules of source class `k` of `src` whose protocols meet `protocols`, in order.
void nsg_cell_class_rules(const std::vector<NsgCellRule>& rules, const NsgCellClasses<U128>& src, std::size_t k,
                          std::size_t words, ProtocolMask protocols, std::vector<std::size_t>& out) {
  out.clear();
  const NsgCellWord* b = &src.bits[k * words];
  for (std::size_t w = 0; w < words; ++w) {
    for (NsgCellWord x = b[w]; x != 0; x &= x - 1) {
      const std::size_t j = w * kNsgCellWordBits + static_cast<std::size_t>(std::countr_zero(x));
      if ((rules[j].protocols & protocols) != 0) out.push_back(j);
    }
  }
}

/// An upper bound of the cells nsg_cells_by_source_class tests for `cube`, in words of each class's own rule bits,
/// plus the rules it lists (saturated); the groups it then places are not counted.
std::uint64_t nsg_cells_by_class_estimate(const std::vector<NsgCellRule>& rules, const Cube& cube,
                                          const NsgCellClasses<U128>& src, std::size_t words, std::uint64_t ported,
                                          std::uint64_t unported) {
  std::uint64_t total = 0;
  std::vector<std::size_t> list;
  for (std::size_t k = 0; k < src.sets.size(); ++k) {
    nsg_cell_class_rules(rules, src, k, words, cube.protocols, list);
    std::uint64_t sport_cuts = 2 * cube.src_ports.intervals().size() + 1;
    std::uint64_t dport_cuts = 2 * cube.dst_ports.intervals().size() + 1;
    for (const std::size_t j : list) {
      sport_cuts += 2 * rules[j].src_ports->intervals().size();
      dport_cuts += 2 * rules[j].dst_ports->intervals().size();
    }
    const std::uint64_t w = (list.size() + kNsgCellWordBits - 1) / kNsgCellWordBits;
    total = nsg_cell_work_sum(total, nsg_cell_work_product({ported, sport_cuts, dport_cuts, w}));
    total = nsg_cell_work_sum(total, nsg_cell_work_sum(nsg_cell_work_product({unported, w}), list.size()));
  }
  return total;
}

/// The cells of one arriving cube decided source class by source class: only the rules that contain a class (and
/// one of the cube's protocols) cut its port axes, so a class that few rules contain has few cells, whatever the
/// other classes' rules. The same first-match decision per cell as the whole product; each rule's share is appended
/// to decided[j], one cube per (class, source ports, destination ports) group. Charges its work before doing it.
void nsg_cells_by_source_class(const std::vector<NsgCellRule>& rules, const Cube& cube, const NsgCellClasses<U128>& src,
                               std::size_t words, std::uint64_t& spent, std::uint64_t budget,
                               const model::NetworkSecurityGroup& nsg, const Destination& dst,
                               std::vector<std::vector<Cube>>& decided) {
  constexpr ProtocolMask kPorted = model::bit(model::Protocol::kTcp) | model::bit(model::Protocol::kUdp);
  const auto ported = static_cast<std::uint64_t>(std::popcount(static_cast<ProtocolMask>(cube.protocols & kPorted)));
  const auto unported = static_cast<std::uint64_t>(std::popcount(static_cast<ProtocolMask>(cube.protocols & ~kPorted)));
  std::vector<std::size_t> list;
  std::vector<const PortSet*> sport_sets;
  std::vector<const PortSet*> dport_sets;
  std::vector<NsgCellWord> mask;
  for (std::size_t k = 0; k < src.sets.size(); ++k) {
    nsg_cell_class_rules(rules, src, k, words, cube.protocols, list);
    if (list.empty()) continue;
    charge_nsg_cell_work(list.size(), spent, budget, nsg, dst);
    const std::size_t w = (list.size() + kNsgCellWordBits - 1) / kNsgCellWordBits;
    sport_sets.clear();
    dport_sets.clear();
    std::vector<NsgCellWord> proto_bits(model::kProtocolCount * w, 0);
    for (std::size_t t = 0; t < list.size(); ++t) {
      const auto& r = rules[list[t]];
      sport_sets.push_back(r.src_ports);
      dport_sets.push_back(r.dst_ports);
      for (int p = 0; p < model::kProtocolCount; ++p) {
        if (r.protocols & model::bit(static_cast<model::Protocol>(p))) {
          proto_bits[static_cast<std::size_t>(p) * w + t / kNsgCellWordBits] |= NsgCellWord{1}
                                                                                << (t % kNsgCellWordBits);
        }
      }
    }
    const auto sport_axis = build_nsg_cell_axis(sport_sets, {&cube.src_ports}, w);
    const auto dport_axis = build_nsg_cell_axis(dport_sets, {&cube.dst_ports}, w);
    const auto sports = nsg_cell_classes(sport_axis, cube.src_ports);
    const auto dports = nsg_cell_classes(dport_axis, cube.dst_ports);
    charge_nsg_cell_work(nsg_cell_work_sum(nsg_cell_work_product({ported, sports.sets.size(), dports.sets.size(), w}),
                                           nsg_cell_work_product({unported, w})),
                         spent, budget, nsg, dst);
    // The first of the class's rules in `m` (w words), as a position into `rules`, or none.
    auto first = [&](const NsgCellWord* m) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < w; ++i) {
        if (m[i] != 0) return list[i * kNsgCellWordBits + static_cast<std::size_t>(std::countr_zero(m[i]))];
      }
      return std::nullopt;
    };
    // (rule, source ports, destination ports) -> protocols: the class's cells with the same decision merged.
    std::map<std::tuple<std::size_t, PortSet, PortSet>, ProtocolMask> groups;
    mask.resize(w);
    for (int p = 0; p < model::kProtocolCount; ++p) {
      const ProtocolMask pb = model::bit(static_cast<model::Protocol>(p));
      if ((cube.protocols & pb) == 0) continue;
      const NsgCellWord* proto = &proto_bits[static_cast<std::size_t>(p) * w];
      if ((pb & kPorted) == 0) {  // no ports: rules' port ranges do not constrain it
        if (const auto j = first(proto)) groups[{*j, cube.src_ports, cube.dst_ports}] |= pb;
        continue;
      }
      for (std::size_t sp = 0; sp < sports.sets.size(); ++sp) {
        std::map<std::size_t, PortSet> by_rule;  // destination-port classes decided by the same rule
        for (std::size_t dp = 0; dp < dports.sets.size(); ++dp) {
          for (std::size_t i = 0; i < w; ++i) mask[i] = proto[i] & sports.bits[sp * w + i] & dports.bits[dp * w + i];
          if (const auto j = first(mask.data())) {
            auto& ports = by_rule[*j];
            ports = ports.unite(dports.sets[dp]);
          }
        }
        for (auto& [j, ports] : by_rule) groups[{j, sports.sets[sp], std::move(ports)}] |= pb;
      }
    }
    charge_nsg_cell_work(nsg_cell_work_product({groups.size(), src.sets[k].intervals().size()}), spent, budget, nsg,
                         dst);
    for (auto& [key, protocols] : groups) {
      const auto& [j, sp, dp] = key;
      decided[j].push_back(Cube{src.sets[k], cube.dst, protocols, sp, dp});
    }
  }
}

}  // namespace

std::vector<RuleDecision> evaluate_nsg_cells(const model::NetworkSecurityGroup& nsg, model::Direction direction,
                                             const PacketSet& arriving, const Destination& dst,
                                             const AddressSpace& space) {
  if (arriving.empty()) return {};
  return std::move(evaluate_nsg_cells_each(nsg, direction, {&arriving}, dst, space).front());
}

std::vector<std::vector<RuleDecision>> evaluate_nsg_cells_each(const model::NetworkSecurityGroup& nsg,
                                                               model::Direction direction,
                                                               const std::vector<const PacketSet*>& arrivings,
                                                               const Destination& dst, const AddressSpace& space,
                                                               const RuleSources* sources, std::uint64_t budget,
                                                               std::uint64_t* spent_out) {
  if (spent_out != nullptr) *spent_out = 0;
  std::vector<std::vector<RuleDecision>> results(arrivings.size());
  if (std::all_of(arrivings.begin(), arrivings.end(), [](const PacketSet* a) { return a->empty(); })) return results;
  std::vector<NsgCellRule> rules;
  for (std::size_t i = 0; i < nsg.rules.size(); ++i) {
    const auto& r = nsg.rules[i];
    if (r.direction != direction || !destination_matches(r, dst, space)) continue;
    IpSet src = sources != nullptr ? (*sources)[i] : resolve_addresses(r.source, r.access, dst.subnet, space);
    if (src.empty() || r.protocols == 0) continue;
    rules.push_back(
        NsgCellRule{static_cast<int>(i), r.access, std::move(src), r.protocols, &r.source_ports, &r.destination_ports});
  }
  if (rules.empty()) return results;
  const std::size_t m = rules.size();
  const std::size_t words = (m + kNsgCellWordBits - 1) / kNsgCellWordBits;

  // Only sources that arrive matter: clipping the rules' sources to them drops boundaries no packet can cross
  // (the members of a source ASG, which are private addresses, when internet traffic arrives).
  IpSet arriving_sources;
  for (const PacketSet* a : arrivings) {
    for (const auto& c : a->cubes()) arriving_sources = arriving_sources.unite(c.src);
  }
  for (auto& r : rules) r.src = r.src.intersect(arriving_sources);

  std::vector<const IpSet*> rule_src, cube_src;
  std::vector<const PortSet*> rule_sports, rule_dports, cube_sports, cube_dports;
  for (const auto& r : rules) {
    rule_src.push_back(&r.src);
    rule_sports.push_back(r.src_ports);
    rule_dports.push_back(r.dst_ports);
  }
  for (const PacketSet* a : arrivings) {
    for (const auto& c : a->cubes()) {
      cube_src.push_back(&c.src);
      cube_sports.push_back(&c.src_ports);
      cube_dports.push_back(&c.dst_ports);
    }
  }
  const auto src_axis = build_nsg_cell_axis(rule_src, cube_src, words);
  const auto sport_axis = build_nsg_cell_axis(rule_sports, cube_sports, words);
  const auto dport_axis = build_nsg_cell_axis(rule_dports, cube_dports, words);
  std::vector<NsgCellWord> proto_bits(model::kProtocolCount * words, 0);
  for (std::size_t j = 0; j < m; ++j) {
    for (int p = 0; p < model::kProtocolCount; ++p) {
      if (rules[j].protocols & model::bit(static_cast<model::Protocol>(p))) {
        proto_bits[static_cast<std::size_t>(p) * words + j / kNsgCellWordBits] |= NsgCellWord{1}
                                                                                  << (j % kNsgCellWordBits);
      }
    }
  }
  constexpr ProtocolMask kPorted = model::bit(model::Protocol::kTcp) | model::bit(model::Protocol::kUdp);

  std::vector<NsgCellWord> mask(words);
  std::vector<int> column;
  std::vector<std::vector<model::Interval<U128>>> per_rule(m);
  std::vector<std::size_t> touched;
  std::uint64_t spent = 0;  // work units (solver/work_budget.h), charged before the work
  for (std::size_t a = 0; a < arrivings.size(); ++a) {
    std::vector<std::vector<Cube>> decided(m);
    for (const auto& cube : arrivings[a]->cubes()) {
      const auto src = nsg_cell_classes(src_axis, cube.src);
      if (src.sets.empty()) continue;
      const auto sports = nsg_cell_classes(sport_axis, cube.src_ports);
      const auto dports = nsg_cell_classes(dport_axis, cube.dst_ports);
      // The cells below: each (protocol, source-port class, destination-port class) tests every source class.
      const auto ported =
          static_cast<std::uint64_t>(std::popcount(static_cast<ProtocolMask>(cube.protocols & kPorted)));
      const auto unported =
          static_cast<std::uint64_t>(std::popcount(static_cast<ProtocolMask>(cube.protocols & ~kPorted)));
      // Unless deciding the source classes one by one, each with its own rules' port boundaries, is cheaper: when
      // most classes are in few rules (rules with sources of their own), their cells are far fewer.
      const std::uint64_t whole = nsg_cell_work_sum(
          nsg_cell_work_product({ported, sports.sets.size(), dports.sets.size(), src.sets.size(), words}),
          nsg_cell_work_product({unported, src.sets.size(), words}));
      const std::uint64_t by_class = nsg_cells_by_class_estimate(rules, cube, src, words, ported, unported);
      if (by_class < whole) {
        // Past the budget either way: refused now, before any class is decided.
        if (by_class > budget - spent) charge_nsg_cell_work(by_class, spent, budget, nsg, dst);
        nsg_cells_by_source_class(rules, cube, src, words, spent, budget, nsg, dst, decided);
        continue;
      }
      charge_nsg_cell_work(
          nsg_cell_work_product({ported, sports.sets.size(), dports.sets.size(), src.sets.size(), words}), spent,
          budget, nsg, dst);
      charge_nsg_cell_work(nsg_cell_work_product({unported, src.sets.size(), words}), spent, budget, nsg, dst);
      // (column, source ports, destination ports) -> protocols: cells with the same decisions merged.
      std::map<std::tuple<std::vector<int>, PortSet, PortSet>, ProtocolMask> groups;
      auto decided_any = [](const std::vector<int>& col) {
        return std::any_of(col.begin(), col.end(), [](int x) { return x >= 0; });
      };
      for (int p = 0; p < model::kProtocolCount; ++p) {
        const ProtocolMask pb = model::bit(static_cast<model::Protocol>(p));
        if ((cube.protocols & pb) == 0) continue;
        const NsgCellWord* proto = &proto_bits[static_cast<std::size_t>(p) * words];
        if ((pb & kPorted) == 0) {  // no ports: rules' port ranges do not constrain it
          nsg_cell_column(proto, src, words, column);
          if (decided_any(column)) groups[{column, cube.src_ports, cube.dst_ports}] |= pb;
          continue;
        }
        for (std::size_t s = 0; s < sports.sets.size(); ++s) {
          std::map<std::vector<int>, PortSet> by_column;  // destination-port classes with the same decisions
          for (std::size_t d = 0; d < dports.sets.size(); ++d) {
            for (std::size_t w = 0; w < words; ++w) {
              mask[w] = proto[w] & sports.bits[s * words + w] & dports.bits[d * words + w];
            }
            nsg_cell_column(mask.data(), src, words, column);
            if (!decided_any(column)) continue;
            auto& ports = by_column[column];
            ports = ports.unite(dports.sets[d]);
          }
          for (auto& [col, ports] : by_column) groups[{col, sports.sets[s], ports}] |= pb;
        }
      }
      charge_nsg_cell_work(nsg_cell_work_product({groups.size(), src.atoms.size()}), spent, budget, nsg, dst);
      for (const auto& [key, protocols] : groups) {
        const auto& [col, sp, dp] = key;
        for (std::size_t i = 0; i < src.atoms.size(); ++i) {
          const int j = col[static_cast<std::size_t>(src.class_of_atom[i])];
          if (j < 0) continue;
          auto& v = per_rule[static_cast<std::size_t>(j)];
          if (v.empty()) touched.push_back(static_cast<std::size_t>(j));
          v.push_back(src_axis.interval(src.atoms[i]));
        }
        for (const std::size_t j : touched) {
          decided[j].push_back(Cube{nsg_cells_from_sorted(per_rule[j]), cube.dst, protocols, sp, dp});
          per_rule[j].clear();
        }
        touched.clear();
      }
    }
    for (std::size_t j = 0; j < m; ++j) {
      if (decided[j].empty()) continue;
      results[a].push_back(
          RuleDecision{rules[j].rule, rules[j].access, PacketSet::from_disjoint(std::move(decided[j]))});
    }
  }
  if (spent_out != nullptr) *spent_out = spent;
  return results;
}

}  // namespace exposim::solver
