// An analysis's exposures and broken flows kept per target, in Analysis::exposures' order, so that an incremental
// update (solver/incremental.h) replaces the targets it solved again without moving the others.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/model.h"
#include "solver/analysis.h"

namespace exposim::solver {

/// The first two parts of Analysis::exposures' order, which identify a target: the NIC's virtual machine name
/// (else the NIC's name) or the resource's name, and its key. Every exposure of one target has the same id, and
/// the exposures of a target are contiguous in Analysis::exposures and Analysis::broken. Defined in
/// solver/exposure.cpp, with that order.
using TargetId = std::pair<std::string_view, std::string_view>;
TargetId target_id(const model::Model& m, model::ResourceKind kind, int index);
TargetId target_id(const model::Model& m, const Exposure& e);

/// Exposures and broken flows grouped by target: one entry per target with any, ordered by target id, each holding
/// its target's items in their order in the analysis. Concatenating the entries in order gives the analysis's
/// vectors back. Replacing one target's items costs a lookup (logarithmic in the targets) and the items replaced.
class TargetExposures {
 public:
  /// One target's items.
  struct Items {
    std::vector<Exposure> exposures;
    std::vector<Exposure> broken;
  };

  /// Takes the exposures and broken flows of an analysis of `m` (each sorted as analyze() sorts them).
  void assign(const model::Model& m, std::vector<Exposure> exposures, std::vector<Exposure> broken);
  /// Forgets the items of the target `id` (nothing when it has none).
  void erase(const TargetId& id);
  /// Appends, per target, the items of `exposures` and `broken` of a model `m` (each sorted as analyze() sorts
  /// them), to targets that erase() emptied or that had none: each target's items then stay in their order.
  void append(const model::Model& m, std::vector<Exposure> exposures, std::vector<Exposure> broken);
  /// The items of the target `id`, or nullptr when it has none.
  const Items* find(const TargetId& id) const;

  std::size_t exposure_count() const { return exposures_; }
  std::size_t broken_count() const { return broken_; }
  /// The exposures and broken flows in the analysis's order: copies, or (move_to) the items themselves, which
  /// leaves this empty.
  void copy_to(std::vector<Exposure>& exposures, std::vector<Exposure>& broken) const;
  void move_to(std::vector<Exposure>& exposures, std::vector<Exposure>& broken);
  /// Calls f on every exposure and broken flow, target by target.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& [id, items] : by_target_) {
      for (const auto& e : items.exposures) f(e);
      for (const auto& e : items.broken) f(e);
    }
  }

 private:
  /// Orders owned ids and looked-up views alike.
  struct IdLess {
    using is_transparent = void;
    static TargetId view(const std::pair<std::string, std::string>& id) { return {id.first, id.second}; }
    static TargetId view(const TargetId& id) { return id; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return view(a) < view(b);
    }
  };
  /// The entry of target `id`, created empty when it has none.
  Items& items_of(const TargetId& id);

  std::map<std::pair<std::string, std::string>, Items, IdLess> by_target_;
  std::size_t exposures_{0};
  std::size_t broken_{0};
};

}  // namespace exposim::solver
