// Diagnostics as data: importers and validation collect them; only the CLI decides to print or exit.
#pragma once

#include <compare>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace exposim::model {

enum class Severity { kNote, kWarning, kError };

/// A file name shared by every location in that file: copies share one string, so that the hundreds of
/// thousands of rules of a large estate do not each hold a copy of their file's path.
class FileName {
 public:
  FileName() = default;
  FileName(std::string name) : name_(std::make_shared<const std::string>(std::move(name))) {}
  FileName(std::string_view name) : FileName(std::string(name)) {}
  FileName(const char* name) : FileName(std::string(name)) {}

  const std::string& str() const {
    static const std::string kEmpty;
    return name_ ? *name_ : kEmpty;
  }
  operator const std::string&() const { return str(); }
  bool empty() const { return str().empty(); }

  friend bool operator==(const FileName& a, const FileName& b) { return a.name_ == b.name_ || a.str() == b.str(); }
  friend std::strong_ordering operator<=>(const FileName& a, const FileName& b) { return a.str() <=> b.str(); }
  friend bool operator==(const FileName& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const FileName& a, const char* b) { return a.str() == b; }

 private:
  std::shared_ptr<const std::string> name_;
};

/// Where a diagnostic points: a file, and either a line:column (syntax) or a JSON pointer (meaning).
struct SourceLocation {
  FileName file;
  std::string pointer;  // RFC 6901 JSON pointer, e.g. "/0/properties/securityRules/2/properties/priority"
  int line{0};          // 1-based; 0 when unknown
  int column{0};        // 1-based; 0 when unknown
  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
  friend auto operator<=>(const SourceLocation&, const SourceLocation&) = default;
};

/// One finding. `code` is stable (documented in docs/diagnostics.md); `message` is LLVM style:
/// lowercase, no trailing period, the bad value quoted, what was expected.
struct Diagnostic {
  Severity severity{Severity::kError};
  std::string code;
  SourceLocation where;
  std::string message;
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// "error", "warning", "note".
const char* to_string(Severity s);
/// "file: /pointer", "file:3:14", or "file:3:14: /pointer" when both are known (YAML documents).
std::string format_location(const SourceLocation& where);
/// "file: /pointer: error: message [code]".
std::string to_string(const Diagnostic& d);

/// A bag of diagnostics; `sorted()` orders by file, line, column, pointer, code and drops duplicates.
class Diagnostics {
 public:
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  void error(std::string code, SourceLocation where, std::string message) {
    add({Severity::kError, std::move(code), std::move(where), std::move(message)});
  }
  void warning(std::string code, SourceLocation where, std::string message) {
    add({Severity::kWarning, std::move(code), std::move(where), std::move(message)});
  }
  void append(const Diagnostics& other) { items_.insert(items_.end(), other.items_.begin(), other.items_.end()); }
  bool has_errors() const;
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  Diagnostic& at(std::size_t k) { return items_[k]; }
  /// Sorted and de-duplicated copy.
  std::vector<Diagnostic> sorted() const;
  /// Turns every warning into an error (`--strict`).
  void promote_warnings();
  /// Turns the warnings and notes whose code is in `codes` into errors (`--fail-on`).
  void promote_codes(const std::set<std::string>& codes);
  /// Drops the warnings and notes whose code is in `codes` (`--ignore`); errors stay.
  void drop_codes(const std::set<std::string>& codes);
  /// One warning per cause: of the warnings with `code` added since item `from`, the first of each file stays a
  /// warning and says how many more there are (`more`, e.g. "deployments of this file are skipped for the same
  /// reason"); the others become notes (`--verbose`), each keeping its place and message.
  void group_warnings(std::string_view code, std::size_t from, std::string_view more);

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace exposim::model
