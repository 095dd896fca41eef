// A canonical resource id held once however many resources and references name it (CanonicalId), and the table an
// import session interns them in (CanonicalIdPool): at 100k NICs every reference holding its own copy of an id cost
// about 120 MB (docs/performance.md, "Memory toward 1.5x the file").
#pragma once

#include <atomic>
#include <compare>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

namespace exposim::model {

class CanonicalId;
/// A text a CanonicalId compares with: a `std::string`, a `std::string_view`, a literal.
template <typename S>
concept IdText = std::is_convertible_v<const S&, std::string_view> && !std::is_same_v<S, CanonicalId>;

/// An immutable string whose copies share one block (a reference count and the text): a resource's canonical id
/// (`ResourceBase::key`) and every `Ref` to it, once interned by a CanonicalIdPool, hold the same 8-byte handle.
/// Reads like a `const std::string` (it converts to one and to a `std::string_view`); assigning a string gives it a
/// block of its own. The empty id holds no block. Copies may be made and dropped from several threads at once.
class CanonicalId {
 public:
  CanonicalId() = default;
  CanonicalId(std::string text) : rep_(text.empty() ? nullptr : new Rep{std::move(text)}) {}
  CanonicalId(std::string_view text) : CanonicalId(std::string(text)) {}
  CanonicalId(const char* text) : CanonicalId(std::string(text)) {}
  CanonicalId(const CanonicalId& other) noexcept : rep_(other.rep_) {
    if (rep_ != nullptr) rep_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  CanonicalId(CanonicalId&& other) noexcept : rep_(std::exchange(other.rep_, nullptr)) {}
  CanonicalId& operator=(CanonicalId other) noexcept {
    std::swap(rep_, other.rep_);
    return *this;
  }
  ~CanonicalId() {
    if (rep_ != nullptr && rep_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete rep_;
  }

  const std::string& str() const {
    static const std::string kEmpty;
    return rep_ != nullptr ? rep_->text : kEmpty;
  }
  operator const std::string&() const { return str(); }
  operator std::string_view() const { return str(); }
  const char* c_str() const { return str().c_str(); }
  const char* data() const { return str().data(); }
  bool empty() const { return rep_ == nullptr; }
  std::size_t size() const { return str().size(); }
  std::size_t find(std::string_view s, std::size_t pos = 0) const { return str().find(s, pos); }
  std::size_t rfind(std::string_view s, std::size_t pos = std::string::npos) const { return str().rfind(s, pos); }
  std::size_t rfind(char c, std::size_t pos = std::string::npos) const { return str().rfind(c, pos); }
  std::string substr(std::size_t pos, std::size_t n = std::string::npos) const { return str().substr(pos, n); }
  bool starts_with(std::string_view s) const { return str().starts_with(s); }
  bool ends_with(std::string_view s) const { return str().ends_with(s); }
  /// True when both hold the same block (then their texts are equal; equal texts may still be two blocks).
  bool shares(const CanonicalId& other) const { return rep_ == other.rep_; }

  friend bool operator==(const CanonicalId& a, const CanonicalId& b) { return a.rep_ == b.rep_ || a.str() == b.str(); }
  friend std::strong_ordering operator<=>(const CanonicalId& a, const CanonicalId& b) { return a.str() <=> b.str(); }
  template <IdText S>
  friend bool operator==(const CanonicalId& a, const S& b) {
    return std::string_view(a.str()) == std::string_view(b);
  }
  template <IdText S>
  friend std::strong_ordering operator<=>(const CanonicalId& a, const S& b) {
    return std::string_view(a.str()) <=> std::string_view(b);
  }
  friend std::string operator+(const CanonicalId& a, std::string_view b) { return std::string(a.str()).append(b); }
  friend std::string operator+(std::string_view a, const CanonicalId& b) { return std::string(a).append(b.str()); }
  friend std::ostream& operator<<(std::ostream& out, const CanonicalId& id) { return out << id.str(); }

 private:
  struct Rep {
    explicit Rep(std::string t) : text(std::move(t)) {}
    const std::string text;
    std::atomic<std::size_t> refs{1};
  };
  Rep* rep_{nullptr};
};

/// The ids one import session has seen: intern() gives every caller with the same text the same block, so that an
/// id named by a resource and by all its references is stored once. Not thread-safe (one pool per session).
class CanonicalIdPool {
 public:
  /// The shared id whose text is `canonical` (already canonical: lowercase, no trailing '/').
  CanonicalId intern(std::string_view canonical) {
    if (canonical.empty()) return {};
    if (auto it = ids_.find(canonical); it != ids_.end()) return it->second;
    CanonicalId id{std::string(canonical)};
    ids_.emplace(std::string_view(id.str()), id);  // the key views the block the map itself holds
    return id;
  }
  std::size_t size() const { return ids_.size(); }

 private:
  std::unordered_map<std::string_view, CanonicalId> ids_;
};

}  // namespace exposim::model
