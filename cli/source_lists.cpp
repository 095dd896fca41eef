// analyze's serialised source lists (cli/source_lists.h).
#include "cli/source_lists.h"

#include <algorithm>

#include "cli/json_writer.h"
#include "model/parallel.h"
#include "solver/analysis.h"

namespace exposim::cli {

SourceLists::SourceLists(std::size_t count, const std::function<const solver::Exposure&(std::size_t)>& record) {
  sets_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const model::IpSet& s = record(i).sources;
    sets_.push_back(&s);
    lists_[&s].last = i;
  }
  expiring_.reserve(lists_.size());
  for (const auto& [set, list] : lists_) expiring_.emplace_back(list.last, set);
  std::sort(expiring_.begin(), expiring_.end());
}

std::vector<const std::string*> SourceLists::prepare(std::size_t first, std::size_t last, int jobs) {
  for (; expired_ < expiring_.size() && expiring_[expired_].first < first; ++expired_) {
    lists_.erase(expiring_[expired_].second);
  }
  std::vector<const std::string*> out;
  out.reserve(last - first);
  std::vector<std::pair<const model::IpSet*, std::string*>> missing;
  for (std::size_t i = first; i < last; ++i) {
    const auto it = lists_.find(sets_[i]);
    if (!it->second.formatted) {
      it->second.formatted = true;
      missing.emplace_back(it->first, &it->second.text);
    }
    out.push_back(&it->second.text);
  }
  model::parallel_for(missing.size(), jobs,
                      [&](std::size_t k) { append_cidr_list(*missing[k].second, *missing[k].first); });
  return out;
}

}  // namespace exposim::cli
