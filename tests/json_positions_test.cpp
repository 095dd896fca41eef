// Where JSON values start by pointer (importers/json_positions.h): lines and columns worked out by hand on small
// texts, the fallback to the nearest ancestor, escaped keys, and text that is not JSON.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "importers/json_positions.h"

using exposim::importers::JsonPositions;
using exposim::importers::TextPosition;

namespace {

// Lines: 1 "{", 2 "  "a": [1, {"b": true}],", 3 "  "c/d": {", 4 "    "e~f": "x"", 5 "  }", 6 "}".
const std::string kText =
    "{\n"
    "  \"a\": [1, {\"b\": true}],\n"
    "  \"c/d\": {\n"
    "    \"e~f\": \"x\"\n"
    "  }\n"
    "}\n";

}  // namespace

TEST_CASE("json positions give the line and column where each value starts", "[importers]") {
  const JsonPositions p(kText);
  CHECK(p.valid());
  CHECK(p.find("") == TextPosition{1, 1});
  CHECK(p.find("/a") == TextPosition{2, 8});
  CHECK(p.find("/a/0") == TextPosition{2, 9});
  CHECK(p.find("/a/1") == TextPosition{2, 12});
  CHECK(p.find("/a/1/b") == TextPosition{2, 18});
  // Keys with '/' and '~' are escaped in pointers (RFC 6901).
  CHECK(p.find("/c~1d") == TextPosition{3, 10});
  CHECK(p.find("/c~1d/e~0f") == TextPosition{4, 12});
  CHECK(p.size() == 7);
  CHECK_FALSE(p.find("/c/d"));
  CHECK_FALSE(p.find("/a/2"));
}

TEST_CASE("json positions fall back to the nearest ancestor the text has", "[importers]") {
  const JsonPositions p(kText);
  bool exact = true;
  // A property an ARM expression produced (not in the text): its object.
  CHECK(p.locate("/a/1/b/properties/x", &exact) == TextPosition{2, 18});
  CHECK_FALSE(exact);
  CHECK(p.locate("/a/7", &exact) == TextPosition{2, 8});
  CHECK_FALSE(exact);
  CHECK(p.locate("/zzz/0") == TextPosition{1, 1});
  CHECK(p.locate("/c~1d/e~0f", &exact) == TextPosition{4, 12});
  CHECK(exact);
}

TEST_CASE("json positions with a list of pointers keep only those and their ancestors", "[importers]") {
  const JsonPositions p(kText, {"/c~1d/e~0f/deeper"});
  CHECK(p.valid());
  CHECK(p.size() == 3);  // "", "/c~1d", "/c~1d/e~0f"
  CHECK_FALSE(p.find("/a"));
  CHECK(p.locate("/c~1d/e~0f/deeper") == TextPosition{4, 12});
  CHECK(p.locate("/a/1") == TextPosition{1, 1});
}

TEST_CASE("json positions count code points, escapes and carriage returns", "[importers]") {
  // "é" is two bytes, one column; "\u00e9" in a key decodes to the same key; CR LF is one line break.
  const std::string text = "{\"\\u00e9\": \"\xC3\xA9\xC3\xA9\", \"k\":\r\n  [\"\\\"]\", 2]}";
  const JsonPositions p(text);
  CHECK(p.valid());
  CHECK(p.find("/\xC3\xA9") == TextPosition{1, 12});
  CHECK(p.find("/k") == TextPosition{2, 3});
  CHECK(p.find("/k/1") == TextPosition{2, 11});
  // A byte order mark is not a column.
  const JsonPositions bom("\xEF\xBB\xBF[true]");
  CHECK(bom.find("/0") == TextPosition{1, 2});
}

TEST_CASE("json positions keep what precedes a syntax error", "[importers]") {
  const JsonPositions p("{\"a\": 1,\n \"b\": [2, }");
  CHECK_FALSE(p.valid());
  CHECK(p.find("/a") == TextPosition{1, 7});
  CHECK(p.find("/b") == TextPosition{2, 7});
  CHECK_FALSE(JsonPositions("").valid());
  CHECK_FALSE(JsonPositions("").locate("/a"));
  CHECK_FALSE(JsonPositions("[1] 2").valid());
  // Deep nesting costs no stack: 100000 open arrays, of which the first two are wanted.
  const JsonPositions deep(std::string(100000, '[') + std::string(100000, ']'), {"/0/0"});
  CHECK(deep.valid());
  CHECK(deep.size() == 3);
  CHECK(deep.find("/0/0") == TextPosition{1, 3});
}
