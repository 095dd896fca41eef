// An immutable value that copies share (SharedValue): an Exposure's source set and hop path, held once by every
// exposure that has the same one instead of a copy each (docs/performance.md, "Exposures that share what they
// share"). The trick model/canonical_id.h plays for ids: the handle reads like a `const T`, so readers keep their code.
// And the table that gives equal values one handle (SharedValuePool), as model::CanonicalIdPool does for ids.
#pragma once

#include <compare>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace exposim::solver {

/// A value read through begin() and end(), as `std::vector` is.
template <typename T>
concept Sequence = requires(const T& t) {
  t.begin();
  t.end();
};

/// A handle on one immutable `T` that copies share. Reads like a `const T&`: it converts to one, and offers the const
/// interface its readers use (a container's begin/end/size/empty/[]/front/back; a set's contains/intersect/...;
/// comparisons with handles and with values). Writing is explicit: assign a `T` (the handle then holds a value of
/// its own), or edit() (copy on write: a value that another handle shares is copied first). The empty handle holds no
/// value and reads as `T{}`. Handles may be copied and dropped from several threads at once; a shared value is never
/// changed.
template <typename T>
class SharedValue {
 public:
  SharedValue() = default;
  SharedValue(T value) : rep_(std::make_shared<T>(std::move(value))) {}  // NOLINT: a value converts, like a write

  const T& get() const { return rep_ != nullptr ? *rep_ : empty_value(); }
  operator const T&() const { return get(); }  // NOLINT: reads like the value

  /// The value to change in place, made this handle's own first (a copy) when another handle shares it.
  T& edit() {
    if (rep_ == nullptr) {
      rep_ = std::make_shared<T>();
    } else if (rep_.use_count() > 1) {
      rep_ = std::make_shared<T>(*rep_);
    }
    return *rep_;
  }
  /// True when both hold the same value object (then they are equal; equal values may still be two objects).
  bool shares(const SharedValue& other) const { return rep_ != nullptr && rep_ == other.rep_; }

  // The const interface of a container (Exposure::path); the sequence's members only where `T` is one, so that generic
  // code that asks (a test framework deciding whether to print a range, say) sees what `T` offers.
  bool empty() const { return get().empty(); }
  std::size_t size() const { return get().size(); }
  auto begin() const requires Sequence<T> { return get().begin(); }
  auto end() const requires Sequence<T> { return get().end(); }
  decltype(auto) operator[](std::size_t i) const requires Sequence<T> { return get()[i]; }
  decltype(auto) front() const requires Sequence<T> { return get().front(); }
  decltype(auto) back() const requires Sequence<T> { return get().back(); }

  // The const interface of an address set (Exposure::sources).
  bool is_all() const { return get().is_all(); }
  decltype(auto) intervals() const { return get().intervals(); }
  template <typename A>
  bool contains(const A& a) const {
    return get().contains(a);
  }
  template <typename A>
  bool intersects(const A& a) const {
    return get().intersects(a);
  }
  template <typename A>
  T intersect(const A& a) const {
    return get().intersect(a);
  }
  template <typename A>
  T unite(const A& a) const {
    return get().unite(a);
  }
  template <typename A>
  T subtract(const A& a) const {
    return get().subtract(a);
  }
  T complement() const { return get().complement(); }

  friend bool operator==(const SharedValue& a, const SharedValue& b) { return a.rep_ == b.rep_ || a.get() == b.get(); }
  friend auto operator<=>(const SharedValue& a, const SharedValue& b) { return a.get() <=> b.get(); }
  friend bool operator==(const SharedValue& a, const T& b) { return a.get() == b; }
  friend auto operator<=>(const SharedValue& a, const T& b) { return a.get() <=> b; }

 private:
  static const T& empty_value() {
    static const T kEmpty{};
    return kEmpty;
  }
  std::shared_ptr<T> rep_;  // never changed through while another handle shares it (edit() copies first)
};

/// The values seen so far, each held once: intern() gives every caller with an equal value the same handle. Safe to
/// call from several threads at once (one lock per call: meant for values worth sharing, a few per computed result).
template <typename T>
class SharedValuePool {
 public:
  /// A handle equal to `value` that every earlier or later call with an equal value also gets.
  SharedValue<T> intern(SharedValue<T> value) {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto [it, added] = values_.try_emplace(&value.get(), value);
    if (added) {
      return value;
    }
    return it->second;
  }
  std::size_t size() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return values_.size();
  }
  /// Forgets every value (the handles given out keep theirs).
  void clear() {
    const std::lock_guard<std::mutex> lock(mutex_);
    values_.clear();
  }

 private:
  struct ByValue {
    bool operator()(const T* a, const T* b) const { return *a < *b; }
  };
  mutable std::mutex mutex_;
  std::map<const T*, SharedValue<T>, ByValue> values_;  // keyed by the value its own handle holds
};

}  // namespace exposim::solver
