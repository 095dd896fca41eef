// Sets of integers held as sorted, disjoint, non-adjacent closed intervals.
// The exact building block for address sets (128-bit) and port sets (16-bit).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <utility>
#include <vector>

namespace exposim::model {

/// A closed interval [lo, hi] of an unsigned integer type.
template <typename T>
struct Interval {
  T lo{};
  T hi{};
  friend bool operator==(const Interval&, const Interval&) = default;
  friend auto operator<=>(const Interval&, const Interval&) = default;
};

/// A set of values of an unsigned type T. Invariant: intervals sorted by lo,
/// pairwise disjoint and never adjacent (so equal sets have equal representations).
template <typename T>
class IntervalSet {
 public:
  static constexpr T kMax = std::numeric_limits<T>::max();

  IntervalSet() = default;
  IntervalSet(T lo, T hi) {
    if (lo <= hi) items_.push_back({lo, hi});
  }
  IntervalSet(std::initializer_list<Interval<T>> items) {
    for (const auto& i : items) add(i.lo, i.hi);
  }

  /// The whole domain of T.
  static IntervalSet all() { return IntervalSet(T{0}, kMax); }
  static IntervalSet single(T v) { return IntervalSet(v, v); }

  bool empty() const { return items_.empty(); }
  bool is_all() const { return items_.size() == 1 && items_[0].lo == T{0} && items_[0].hi == kMax; }
  const std::vector<Interval<T>>& intervals() const { return items_; }
  std::size_t size() const { return items_.size(); }

  bool contains(T v) const {
    auto it = std::upper_bound(items_.begin(), items_.end(), v, [](T x, const Interval<T>& i) { return x < i.lo; });
    return it != items_.begin() && std::prev(it)->hi >= v;
  }

  /// True when every value of `other` is in this set.
  bool contains(const IntervalSet& other) const { return other.subtract(*this).empty(); }

  /// Adds [lo, hi]; keeps the invariant.
  void add(T lo, T hi) {
    if (lo > hi) return;
    IntervalSet one(lo, hi);
    *this = unite(one);
  }

  IntervalSet unite(const IntervalSet& o) const {
    IntervalSet r;
    r.items_.reserve(items_.size() + o.items_.size());
    std::size_t i = 0, j = 0;
    auto push = [&r](const Interval<T>& iv) {
      if (!r.items_.empty()) {
        auto& last = r.items_.back();
        if (last.hi == kMax || iv.lo <= last.hi + 1) {  // overlapping or adjacent
          if (iv.hi > last.hi) last.hi = iv.hi;
          return;
        }
      }
      r.items_.push_back(iv);
    };
    while (i < items_.size() || j < o.items_.size()) {
      if (j == o.items_.size() || (i < items_.size() && items_[i].lo <= o.items_[j].lo)) {
        push(items_[i++]);
      } else {
        push(o.items_[j++]);
      }
    }
    return r;
  }

  IntervalSet intersect(const IntervalSet& o) const {
    IntervalSet r;
    std::size_t i = 0, j = 0;
    while (i < items_.size() && j < o.items_.size()) {
      if (items_[i].hi < o.items_[j].lo) {
        i = first_reaching(items_, i + 1, o.items_[j].lo);
      } else if (o.items_[j].hi < items_[i].lo) {
        j = first_reaching(o.items_, j + 1, items_[i].lo);
      } else {
        r.items_.push_back({std::max(items_[i].lo, o.items_[j].lo), std::min(items_[i].hi, o.items_[j].hi)});
        if (items_[i].hi < o.items_[j].hi)
          ++i;
        else
          ++j;
      }
    }
    return r;
  }

  bool intersects(const IntervalSet& o) const {
    std::size_t i = 0, j = 0;
    while (i < items_.size() && j < o.items_.size()) {
      if (items_[i].hi < o.items_[j].lo) {
        i = first_reaching(items_, i + 1, o.items_[j].lo);
      } else if (o.items_[j].hi < items_[i].lo) {
        j = first_reaching(o.items_, j + 1, items_[i].lo);
      } else {
        return true;
      }
    }
    return false;
  }

  IntervalSet subtract(const IntervalSet& o) const {
    IntervalSet r;
    std::size_t j = 0;
    for (const auto& iv : items_) {
      T lo = iv.lo;
      bool done = false;
      j = first_reaching(o.items_, j, lo);
      std::size_t k = j;
      while (!done && k < o.items_.size() && o.items_[k].lo <= iv.hi) {
        if (o.items_[k].lo > lo) r.items_.push_back({lo, static_cast<T>(o.items_[k].lo - 1)});
        if (o.items_[k].hi >= iv.hi) {
          done = true;
          break;
        }
        lo = static_cast<T>(o.items_[k].hi + 1);
        ++k;
      }
      if (!done) r.items_.push_back({lo, iv.hi});
    }
    return r;
  }

  IntervalSet complement() const { return all().subtract(*this); }

  friend bool operator==(const IntervalSet&, const IntervalSet&) = default;
  friend auto operator<=>(const IntervalSet& a, const IntervalSet& b) { return a.items_ <=> b.items_; }

 private:
  /// The first position k >= from of `v` whose interval ends at or after x (v.size() when none). Galloping: steps
  /// of 1, 2, 4... then a binary search, so skipping n intervals costs O(log n), and the merges above cost what the
  /// smaller set and the places where the two sets alternate cost, not what the larger set holds. An ASG of 4,000
  /// members (/32s, all private) against the internet's few dozen intervals is a handful of skips, not 4,000 steps.
  static std::size_t first_reaching(const std::vector<Interval<T>>& v, std::size_t from, T x) {
    if (from >= v.size() || v[from].hi >= x) return from;
    std::size_t below = from;  // v[below].hi < x
    std::size_t step = 1;
    while (below + step < v.size() && v[below + step].hi < x) {
      below += step;
      step *= 2;
    }
    const std::size_t end = std::min(below + step, v.size());
    const auto it = std::partition_point(v.begin() + static_cast<std::ptrdiff_t>(below + 1),
                                         v.begin() + static_cast<std::ptrdiff_t>(end),
                                         [x](const Interval<T>& iv) { return iv.hi < x; });
    return static_cast<std::size_t>(it - v.begin());
  }

  std::vector<Interval<T>> items_;
};

}  // namespace exposim::model
