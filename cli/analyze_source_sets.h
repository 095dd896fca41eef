// The shared source sets of analyze's JSON version 2 and JSON Lines: each distinct set of sources once, with an
// id that the exposures refer to (docs/output-format.md, "Version 2: shared source sets").
#pragma once

#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "model/ip.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
}  // namespace exposim::solver

namespace exposim::cli {

/// The distinct `sources` of an analysis's exposures, then of its broken flows, numbered from 0 in the order of
/// their first use. Holds pointers into the analysis, which must outlive it.
class SourceSets {
 public:
  explicit SourceSets(const solver::Analysis& a);

  /// The number of distinct sets.
  std::size_t size() const { return sets_.size(); }
  /// The id of `s`, one of the analysis's source sets.
  std::size_t id(const model::IpSet& s) const;
  /// The id of `s` as the JSON text of a `sources` reference ("0", "1", ...).
  const std::string& reference(const model::IpSet& s) const;
  /// Set `id` as one line of JSON: `{"id": 0, "sources": [CIDRs], "cidr_count": 2, "references": 5}`, where
  /// `references` counts the exposures and broken flows whose `sources` is this set.
  void write_set(std::ostream& out, std::size_t id) const;
  /// The same line appended to `out`; safe to call from several threads at once.
  void append_set(std::string& out, std::size_t id) const;

 private:
  struct Less {
    bool operator()(const model::IpSet* x, const model::IpSet* y) const { return *x < *y; }
  };
  std::map<const model::IpSet*, std::size_t, Less> ids_;
  std::vector<const model::IpSet*> sets_;
  std::vector<std::size_t> references_;
  std::vector<std::string> texts_;
};

}  // namespace exposim::cli
