// The `sources` values of analyze's JSON and JSON Lines reports (version 1, where each exposure writes its list):
// formatted once per distinct set, and dropped once no record still to be written uses it, so that a report holds
// the lists still to come rather than every list (docs/performance.md, "Exposures that share what they share").
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/ip.h"

namespace exposim::solver {
struct Exposure;
}

namespace exposim::cli {

/// The serialised source lists of records [0, count) written in index order in rounds (cli/ordered_records.h).
/// Lists are added on the calling thread (prepare()) and may then be read from any thread until the next prepare().
class SourceLists {
 public:
  /// `record(i)` is the i-th record; the records outlive the cache, which keys its lists by their own sets.
  SourceLists(std::size_t count, const std::function<const solver::Exposure&(std::size_t)>& record);

  /// Makes sure the lists of records [first, last) are formatted (the new ones on `jobs` workers) and returns them in
  /// that order (pointers valid until the next call). Rounds come in order: the lists that no record from `first` on
  /// uses are dropped first.
  std::vector<const std::string*> prepare(std::size_t first, std::size_t last, int jobs);
  /// The distinct lists held now (formatted or still to come).
  std::size_t held() const { return lists_.size(); }

 private:
  struct ByValue {
    bool operator()(const model::IpSet* a, const model::IpSet* b) const { return a != b && *a < *b; }
  };
  struct List {
    std::string text;
    std::size_t last{0};  // the last record that uses it
    bool formatted{false};
  };
  std::vector<const model::IpSet*> sets_;                              // per record: its sources
  std::map<const model::IpSet*, List, ByValue> lists_;                 // by value, keyed by a record's own set
  std::vector<std::pair<std::size_t, const model::IpSet*>> expiring_;  // (last use, set), in order of last use
  std::size_t expired_{0};                                             // expiring_[0, expired_) are dropped
};

}  // namespace exposim::cli
