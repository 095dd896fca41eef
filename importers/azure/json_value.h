// Read-only handles on a parsed JSON document, for the family readers: a value, an object, an array. They wrap
// simdjson's DOM handles without showing simdjson, so that only the files that parse or walk the DOM
// (json_dom.h) compile its header. A handle is valid while its document is (one resource of the input).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace exposim::importers::azure {

/// The kind of a JSON value.
enum class JsonType { kArray, kObject, kInt64, kUint64, kDouble, kString, kBool, kNull };

/// "an array", "a string", ...: for messages ("'x' is an array, expected a string").
const char* kind_name(JsonType t);

namespace detail {
/// The bytes of one simdjson DOM handle (a document pointer and a tape index); json_dom.h converts.
struct alignas(8) JsonHandle {
  unsigned char bytes[16]{};
};
}  // namespace detail

class JsonObject;
class JsonArray;

/// Any JSON value.
class JsonValue {
 public:
  JsonValue() = default;
  JsonType type() const;
  bool is_null() const;
  /// Each get() is true and sets `out` when the value has that type; false and leaves `out` otherwise.
  bool get(std::string_view& out) const;
  bool get(std::int64_t& out) const;
  bool get(std::uint64_t& out) const;
  bool get(bool& out) const;
  bool get(JsonObject& out) const;
  bool get(JsonArray& out) const;

  detail::JsonHandle handle;
};

/// A JSON object. Its fields are found with find_field() (reader_context.h).
class JsonObject {
 public:
  JsonObject() = default;
  /// The number of fields.
  std::size_t size() const;

  detail::JsonHandle handle;
};

/// A JSON array: `for (JsonValue e : array)`.
class JsonArray {
 public:
  class iterator {
   public:
    JsonValue operator*() const;
    iterator& operator++();
    bool operator==(const iterator& other) const;

    detail::JsonHandle handle;
  };

  JsonArray() = default;
  iterator begin() const;
  iterator end() const;
  std::size_t size() const;

  detail::JsonHandle handle;
};

}  // namespace exposim::importers::azure
