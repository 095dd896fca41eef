// Where the values of a JSON text start (line and column), by JSON pointer: what maps a diagnostic's or a finding's
// pointer to a line of its input (SARIF regions). Takes the text, never a file: reading is the cli's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace exposim::importers {

/// A place in a text: 1-based line, and 1-based column counted in Unicode code points (SARIF's
/// `unicodeCodePoints` column kind).
struct TextPosition {
  int line{0};
  int column{0};
  friend bool operator==(const TextPosition&, const TextPosition&) = default;
};

/// The start of the values of one JSON text by RFC 6901 pointer ("" is the root), found in one pass over the text
/// without building the document and without recursion (nesting depth costs heap, not stack).
class JsonPositions {
 public:
  /// Indexes every value of `text`.
  explicit JsonPositions(std::string_view text);
  /// Indexes only the values at `pointers` and at their ancestors (what find() can fall back to): a report that
  /// locates a few hundred findings in a plan of millions of values keeps a few hundred positions.
  JsonPositions(std::string_view text, const std::vector<std::string>& pointers);

  /// The start of the value at `pointer` exactly, or nullopt when the text has no such value.
  std::optional<TextPosition> find(std::string_view pointer) const;
  /// The start of the value at `pointer`, or of its nearest ancestor the text has (a pointer into what an ARM
  /// expression or a copy loop produced, or into a resource of an earlier version of the file); nullopt only when
  /// the text has no value at all. `exact`, when given, says whether the value itself was found.
  std::optional<TextPosition> locate(std::string_view pointer, bool* exact = nullptr) const;
  /// False when the text is not valid JSON: the positions before the error are kept.
  bool valid() const { return valid_; }
  /// How many positions are held.
  std::size_t size() const { return positions_.size(); }

 private:
  void index(std::string_view text, const std::vector<std::string>* pointers);
  std::unordered_map<std::string, TextPosition> positions_;
  bool valid_{false};
};

/// Where a number past a double's range ("1e999") is in `text`, from the message of the error nlohmann's parser
/// throws for it (`what`, which names the number but not its place): the number as the message quotes it and the
/// byte offset of its first occurrence in the text, the one the parser stopped at. The number is empty, or the
/// offset npos, when the message quotes none or the text does not hold it.
struct OutOfRangeNumber {
  std::string_view number;  // a view into `what`
  std::size_t offset{std::string_view::npos};
};
OutOfRangeNumber find_out_of_range_number(std::string_view what, std::string_view text);

/// Line and column (1-based) of byte `offset` of `text`, the column counted in bytes (a parser's error offset); an
/// offset past the end is the end.
std::pair<int, int> line_column(std::string_view text, std::size_t offset);

}  // namespace exposim::importers
