// Exposures kept per target (solver/target_exposures.h).
#include "solver/target_exposures.h"

namespace exposim::solver {

namespace {

/// Moves the runs of equal target id in `items` (sorted by it) to `to(id)`, one lookup per run.
template <typename To>
void for_each_target_run(const model::Model& m, std::vector<Exposure>& items, To to) {
  for (std::size_t i = 0; i < items.size();) {
    const TargetId id = target_id(m, items[i]);
    std::size_t j = i + 1;
    while (j < items.size() && target_id(m, items[j]) == id) ++j;
    std::vector<Exposure>& run = to(id);
    run.insert(run.end(), std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(i)),
               std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(j)));
    i = j;
  }
}

}  // namespace

void TargetExposures::assign(const model::Model& m, std::vector<Exposure> exposures, std::vector<Exposure> broken) {
  by_target_.clear();
  exposures_ = 0;
  broken_ = 0;
  append(m, std::move(exposures), std::move(broken));
}

TargetExposures::Items& TargetExposures::items_of(const TargetId& id) {
  auto it = by_target_.find(id);
  if (it == by_target_.end()) {
    it = by_target_.emplace(std::pair<std::string, std::string>(id.first, id.second), Items{}).first;
  }
  return it->second;
}

void TargetExposures::erase(const TargetId& id) {
  const auto it = by_target_.find(id);
  if (it == by_target_.end()) return;
  exposures_ -= it->second.exposures.size();
  broken_ -= it->second.broken.size();
  by_target_.erase(it);
}

void TargetExposures::append(const model::Model& m, std::vector<Exposure> exposures, std::vector<Exposure> broken) {
  exposures_ += exposures.size();
  broken_ += broken.size();
  for_each_target_run(m, exposures,
                      [&](const TargetId& id) -> std::vector<Exposure>& { return items_of(id).exposures; });
  for_each_target_run(m, broken, [&](const TargetId& id) -> std::vector<Exposure>& { return items_of(id).broken; });
}

const TargetExposures::Items* TargetExposures::find(const TargetId& id) const {
  const auto it = by_target_.find(id);
  return it == by_target_.end() ? nullptr : &it->second;
}

void TargetExposures::copy_to(std::vector<Exposure>& exposures, std::vector<Exposure>& broken) const {
  exposures.clear();
  broken.clear();
  exposures.reserve(exposures_);
  broken.reserve(broken_);
  for (const auto& [id, items] : by_target_) {
    exposures.insert(exposures.end(), items.exposures.begin(), items.exposures.end());
    broken.insert(broken.end(), items.broken.begin(), items.broken.end());
  }
}

void TargetExposures::move_to(std::vector<Exposure>& exposures, std::vector<Exposure>& broken) {
  exposures.clear();
  broken.clear();
  exposures.reserve(exposures_);
  broken.reserve(broken_);
  for (auto& [id, items] : by_target_) {
    exposures.insert(exposures.end(), std::make_move_iterator(items.exposures.begin()),
                     std::make_move_iterator(items.exposures.end()));
    broken.insert(broken.end(), std::make_move_iterator(items.broken.begin()),
                  std::make_move_iterator(items.broken.end()));
    items = Items{};  // the moved-from items' memory goes now, not after every target's
  }
  by_target_.clear();
  exposures_ = 0;
  broken_ = 0;
}

}  // namespace exposim::solver
