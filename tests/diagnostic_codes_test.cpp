// Every diagnostic code the sources can emit is documented in docs/diagnostics.md, and the codes the CLI accepts
// in --fail-on, --ignore and --config are exactly the documented ones.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "cli/input_options.h"
#include "cli_support.h"

namespace {

namespace fs = std::filesystem;

/// The first column of the tables of docs/diagnostics.md: "| `code` | ...".
std::set<std::string> documented() {
  const std::string text = exposim::testing::read_file(fs::path(EXPOSIM_SOURCE_DIR) / "docs" / "diagnostics.md");
  std::set<std::string> out;
  std::size_t pos = 0;
  while ((pos = text.find("\n| `", pos)) != std::string::npos) {
    pos += 4;
    const auto end = text.find('`', pos);
    const std::string code = text.substr(pos, end - pos);
    if (text.compare(end, 3, "` |") == 0 && !code.empty() && std::islower(static_cast<unsigned char>(code[0])) &&
        std::all_of(code.begin(), code.end(), [](char c) {
          return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-';
        })) {
      out.insert(code);
    }
  }
  return out;
}

bool kebab(std::string_view s) {
  if (s.empty() || !std::islower(static_cast<unsigned char>(s.front())) || s.back() == '-') return false;
  bool dash = false;
  for (char c : s) {
    if (c == '-') {
      dash = true;
      continue;
    }
    if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return dash && s.find("--") == std::string_view::npos;
}

/// The statement text before `pos`: back to the previous ';' (at most 400 characters).
std::string_view statement_before(std::string_view text, std::size_t pos) {
  const std::size_t floor = pos > 400 ? pos - 400 : 0;
  std::size_t start = text.rfind(';', pos);
  if (start == std::string_view::npos || start < floor) start = floor;
  return text.substr(start, pos - start);
}

/// Kebab-case string literals passed to something that emits a diagnostic: `error(`, `warning(`, `note(`,
/// `report(`, `error_at(`, `fail(` (importers, template, change and spec readers), or a `{Severity::k..., "code"`
/// aggregate. Code → "file:line" of one place that emits it.
std::map<std::string, std::string> emitted_codes() {
  const fs::path root(EXPOSIM_SOURCE_DIR);
  std::map<std::string, std::string> out;
  for (const char* dir : {"cli", "model", "solver", "importers", "check"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      const auto ext = e.path().extension();
      if (!e.is_regular_file() || (ext != ".cpp" && ext != ".h")) continue;
      // The expression evaluator's error codes (expression.cpp, functions*.cpp, functions_internal.h) are internal:
      // template.cpp reports them as expression-syntax or expression-error (checked below).
      const auto name = e.path().filename().string();
      if (e.path().parent_path().filename() == "arm" && (name == "expression.cpp" || name.starts_with("functions")))
        continue;
      const std::string text = exposim::testing::read_file(e.path());
      for (std::size_t q = text.find('"'); q != std::string::npos; q = text.find('"', q + 1)) {
        const auto close = text.find('"', q + 1);
        if (close == std::string::npos) break;
        const std::string_view literal(text.data() + q + 1, close - q - 1);
        if (kebab(literal)) {
          const std::string_view before = statement_before(text, q);
          bool emits = before.find("Severity::k") != std::string_view::npos;
          for (const char* call : {"error(", "warning(", "note(", "report(", "error_at(", "fail("}) {
            const auto at = before.rfind(call);
            // The call's own name, not the tail of another (no identifier character before it).
            if (at != std::string_view::npos &&
                (at == 0 || !(std::isalnum(static_cast<unsigned char>(before[at - 1])) || before[at - 1] == '_') ||
                 before[at - 1] == '.')) {
              emits = true;
            }
          }
          if (emits && out.count(std::string(literal)) == 0) {
            const auto line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(q), '\n') + 1;
            out[std::string(literal)] = fs::relative(e.path(), root).string() + ":" + std::to_string(line);
          }
        }
        q = close;
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every diagnostic code the sources emit is documented in docs/diagnostics.md", "[cli][docs]") {
  const auto docs = documented();
  const auto codes = emitted_codes();
  // The scan must find what it is meant to find: a broken scan would pass by finding nothing.
  REQUIRE(codes.size() >= 50);
  for (const char* sentinel :
       {"json-syntax", "file-read", "dangling-reference", "vnet-tag-includes-internet", "unmodelled-types",
        "inert-types", "unmodelled-entry-point", "public-beside-private-endpoint", "change-invalid", "spec-shape",
        "document-syntax", "missing-parameter", "config-invalid", "unresolved-service-tag"}) {
    INFO(sentinel);
    CHECK(codes.count(sentinel) == 1);
  }
  for (const auto& [code, where] : codes) {
    INFO(code << " (emitted at " << where << ") is not in docs/diagnostics.md");
    CHECK(docs.count(code) == 1);
  }
  // The expression evaluator's codes reach users as these two.
  CHECK(docs.count("expression-syntax") == 1);
  CHECK(docs.count("expression-error") == 1);
}

TEST_CASE("cli: --fail-on, --ignore and --config accept exactly the documented codes", "[cli][docs]") {
  const auto docs = documented();
  REQUIRE(docs.size() >= 50);
  const auto& known = exposim::cli::documented_codes();
  const std::set<std::string> accepted(known.begin(), known.end());
  CHECK(accepted == docs);
}
