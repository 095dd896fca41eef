// A direct JSON writer for the large reports (analyze's JSON and JSON Lines): it appends compact JSON text to a
// std::string, byte for byte what nlohmann's dump() writes for the same values, without building a tree first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/ip.h"

namespace exposim::cli {

/// Appends `s` to `out` as a JSON string, quotes included, escaped exactly as nlohmann's dump() escapes it with its
/// defaults (no ensure_ascii, strict errors): `"` and `\` escaped, \b \t \n \f \r by letter, the other control
/// characters below 0x20 as \u00xx (lowercase hex), everything else (0x7f, well-formed UTF-8) as is. Throws
/// nlohmann's type_error 316 on malformed UTF-8, as dump() does.
void append_json_string(std::string& out, std::string_view s);

/// Appends `s` as a JSON array of CIDR strings, as nlohmann's dump() writes model::to_cidr_strings(s): the smallest
/// sorted list of prefixes, IPv4 first, without a vector of strings in between. Returns the number of prefixes.
std::size_t append_cidr_list(std::string& out, const model::IpSet& s);

/// Writes one compact JSON value into a string: objects and arrays opened and closed explicitly, commas placed by
/// the writer. The caller keeps the structure balanced (every begin has its end, a key before each member's value);
/// the writer does not check it. Keys are escaped like any string.
class JsonWriter {
 public:
  /// Appends to `out`, which must outlive the writer.
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() {
    separate();
    out_ += '{';
    comma_ = false;
    return *this;
  }
  JsonWriter& end_object() {
    out_ += '}';
    comma_ = true;
    return *this;
  }
  JsonWriter& begin_array() {
    separate();
    out_ += '[';
    comma_ = false;
    return *this;
  }
  JsonWriter& end_array() {
    out_ += ']';
    comma_ = true;
    return *this;
  }
  /// The next member's key; its value follows with one of the value calls (or begin_object, begin_array).
  JsonWriter& key(std::string_view k) {
    separate();
    append_json_string(out_, k);
    out_ += ':';
    comma_ = false;
    return *this;
  }
  JsonWriter& value(std::string_view s) {
    separate();
    append_json_string(out_, s);
    comma_ = true;
    return *this;
  }
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b) { return raw(b ? "true" : "false"); }
  JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter& value(std::int64_t n);
  JsonWriter& value(std::uint64_t n);
  JsonWriter& null() { return raw("null"); }
  /// A string, or null when `s` is empty (the reports' "unknown").
  JsonWriter& string_or_null(std::string_view s) { return s.empty() ? null() : value(s); }
  /// A CIDR list as append_cidr_list() writes it; returns the number of prefixes.
  std::size_t cidr_list(const model::IpSet& s);
  /// A value already serialised as compact JSON (a cached list, nlohmann's dump() of a rare part).
  JsonWriter& raw(std::string_view json) {
    separate();
    out_ += json;
    comma_ = true;
    return *this;
  }

  /// Shorthands for one member: key(k) then the value.
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  JsonWriter& field(std::string_view k, const char* v) { return key(k).value(std::string_view(v)); }
  JsonWriter& null_field(std::string_view k) { return key(k).null(); }

  /// The string being written.
  std::string& text() { return out_; }

 private:
  void separate() {
    if (comma_) out_ += ',';
  }

  std::string& out_;
  bool comma_{false};  // a value was completed at this level: the next member or element needs a comma
};

}  // namespace exposim::cli
