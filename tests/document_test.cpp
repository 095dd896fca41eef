// JSON and YAML documents (check specs, what-if changes) read into one JSON value.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "importers/document.h"
#include "importers/document_value.h"

using exposim::importers::DocumentLimits;
using exposim::importers::json_of;
using exposim::importers::parse_document;
using nlohmann::json;

namespace {

std::string only_error(const exposim::model::Diagnostics& diags) {
  REQUIRE(diags.size() == 1);
  return to_string(diags.items()[0]);
}

}  // namespace

TEST_CASE("YAML scalars are typed by the core schema and quoted ones stay strings", "[document]") {
  exposim::model::Diagnostics diags;
  const auto doc = parse_document(
      "a: 22\n"
      "b: '22'\n"
      "c: true\n"
      "d: yes\n"  // YAML 1.1 would say true; the core schema says the string "yes"
      "e: ~\n"
      "f: 0x1F\n"
      "g: 1.5\n"
      "h: 10.0.0.0/8\n"
      "i: \"443\"\n"
      "j: 99999999999999999999\n"
      "k: -3\n",
      "spec.yaml", diags);
  REQUIRE(doc);
  CHECK(diags.size() == 0);
  const json expected = {{"a", 22}, {"b", "22"}, {"c", true},         {"d", "yes"}, {"e", nullptr},
                         {"f", 31}, {"g", 1.5},  {"h", "10.0.0.0/8"}, {"i", "443"}, {"j", "99999999999999999999"},
                         {"k", -3}};
  CHECK(json_of(*doc) == expected);
}

TEST_CASE("YAML core schema numbers: the forms that are numbers and the near misses that stay text", "[document]") {
  const auto value = [](const std::string& scalar) {
    exposim::model::Diagnostics diags;
    const auto doc = parse_document("v: " + scalar + "\n", "n.yaml", diags);
    REQUIRE(doc);
    return json_of(*doc)["v"];
  };
  CHECK(value("+7") == 7);
  CHECK(value("-0") == 0);
  CHECK(value("0o17") == 15);
  CHECK(value(".5") == 0.5);
  CHECK(value("5.") == 5.0);
  CHECK(value("-2.5e-1") == -0.25);
  CHECK(value("1E3") == 1000.0);
  CHECK(value("1e3").is_number_float());
  for (const char* text : {".", "1e", "e5", "1.2.3", "+", "-.", "1e+", "1_000", "12a", "0x", ".e1"}) {
    INFO(text);
    CHECK(value(text) == json(text));
  }
}

TEST_CASE("A YAML scalar of two million digits is text, not a stack overflow", "[document]") {
  // std::regex (which typed plain scalars before) recursed once per character: this crashed with SIGSEGV.
  const std::string digits(2'000'000, '1');
  exposim::model::Diagnostics diags;
  const auto doc = parse_document("a: " + digits + "\nb: 1." + digits + "e" + digits + "\n", "long.yaml", diags);
  REQUIRE(doc);
  CHECK(diags.size() == 0);
  CHECK(json_of(*doc)["a"] == digits);    // past int64: left as text for the reader to reject with its own message
  CHECK(json_of(*doc)["b"].is_string());  // past a double's range
}

TEST_CASE("YAML sequences, nested maps and positions by JSON pointer", "[document]") {
  exposim::model::Diagnostics diags;
  const auto doc = parse_document(
      "assertions:\n"
      "  - name: db closed\n"
      "    kind: not-exposed\n"
      "    select: {subnet: db, \"a/b~c\": x}\n",
      "spec.yaml", diags);
  REQUIRE(doc);
  CHECK(json_of(*doc)["assertions"][0]["kind"] == "not-exposed");
  CHECK(json_of(*doc)["assertions"][0]["select"]["subnet"] == "db");
  // Line 3, column 11: where the value of "kind" starts.
  const auto where = doc->at("/assertions/0/kind");
  CHECK(where.line == 3);
  CHECK(where.column == 11);
  CHECK(doc->at("/assertions/0/select/a~1b~0c").line == 4);
  CHECK(format_location(where) == "spec.yaml:3:11: /assertions/0/kind");
  // A pointer with no node keeps the pointer alone.
  CHECK(format_location(doc->at("/nope")) == "spec.yaml: /nope");
}

TEST_CASE("JSON documents are read as JSON, comments allowed", "[document]") {
  exposim::model::Diagnostics diags;
  const auto doc = parse_document("  // a change\n{\"operations\": [1, 2]}", "change.json", diags);
  REQUIRE(doc);
  CHECK(json_of(*doc) == json{{"operations", {1, 2}}});
  CHECK(doc->positions.empty());
}

TEST_CASE("Bad documents are errors at the file and line, never exceptions", "[document]") {
  SECTION("YAML syntax") {
    exposim::model::Diagnostics diags;
    CHECK_FALSE(parse_document("a: [1, 2\nb: 3\n", "s.yaml", diags));
    CHECK(diags.items()[0].code == "document-syntax");
    CHECK(diags.items()[0].where.line >= 1);
  }
  SECTION("JSON syntax") {
    exposim::model::Diagnostics diags;
    CHECK_FALSE(parse_document("{\n  \"a\": ,\n}", "c.json", diags));
    CHECK(only_error(diags).rfind("c.json:2:", 0) == 0);
    CHECK(diags.items()[0].code == "document-syntax");
  }
  SECTION("duplicate key") {
    exposim::model::Diagnostics diags;
    CHECK_FALSE(parse_document("a: 1\nb: 2\na: 3\n", "s.yaml", diags));
    CHECK(only_error(diags) == "s.yaml:3:1: error: duplicate key 'a' [document-shape]");
  }
  SECTION("non-string key") {
    exposim::model::Diagnostics diags;
    CHECK_FALSE(parse_document("? [1, 2]\n: x\n", "s.yaml", diags));
    CHECK(diags.items()[0].code == "document-shape");
  }
  SECTION("a JSON number out of range") {
    // nlohmann_json throws out_of_range, not parse_error, for it
    // (tests/fuzz_regressions/check_spec/json-number-overflow.json).
    exposim::model::Diagnostics diags;
    CHECK_FALSE(parse_document("{\"version\": 1,\n \"max\": 1e999}", "c.json", diags));
    CHECK(only_error(diags) == "c.json:2:9: error: number '1e999' is out of range [document-syntax]");
  }
  SECTION("invalid UTF-8 in YAML") {
    // YAML must be Unicode; yaml-cpp reads any bytes, which the document's JSON value could not be written with
    // (tests/fuzz_regressions/whatif_change/invalid-utf8-in-added-rule.yaml). 0xff never occurs in UTF-8; 0xc0 0xaf
    // is an overlong '/'; 0xed 0xa0 0x80 a surrogate. Each is reported at its own line and column.
    exposim::model::Diagnostics diags;
    CHECK_FALSE(parse_document("a: 1\nb: \"x\xff\"\n", "s.yaml", diags));
    CHECK(only_error(diags) ==
          "s.yaml:2:6: error: invalid UTF-8 byte 0xff; a YAML document must be UTF-8 [document-syntax]");
    exposim::model::Diagnostics overlong;
    CHECK_FALSE(parse_document("a: \xc0\xaf\n", "s.yaml", overlong));
    CHECK(only_error(overlong) ==
          "s.yaml:1:4: error: invalid UTF-8 byte 0xc0; a YAML document must be UTF-8 [document-syntax]");
    exposim::model::Diagnostics surrogate;
    CHECK_FALSE(parse_document("a: \xed\xa0\x80\n", "s.yaml", surrogate));
    CHECK(surrogate.items()[0].code == "document-syntax");
    // A NUL byte is UTF-8, but yaml-cpp reads it as a backslash, and the escape "\N" (next line) as a lone byte 0x85
    // (tests/fuzz_regressions/check_spec/nul-in-name.yaml).
    exposim::model::Diagnostics nul;
    CHECK_FALSE(parse_document(std::string("a: 1\nb: x\0Ny\n", 13), "s.yaml", nul));
    CHECK(
        only_error(nul) ==
        "s.yaml:2:4: error: value is not valid UTF-8; a YAML document must be printable UTF-8 text [document-syntax]");
    // Two-, three- and four-byte characters are fine.
    exposim::model::Diagnostics none;
    const auto doc = parse_document("a: \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"\n", "s.yaml", none);
    CHECK(doc.has_value());
    CHECK(none.items().empty());
  }
  SECTION("alias expansion bomb") {
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    char prev = 'a';
    for (char c = 'b'; c <= 'j'; ++c) {
      bomb += fmt::format("{}: &{} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n", c, c,
                          fmt::arg("p", prev));
      prev = c;
    }
    exposim::model::Diagnostics diags;
    CHECK_FALSE(parse_document(bomb, "bomb.yaml", diags));
    CHECK(diags.items()[0].code == "document-too-large");
  }
  SECTION("alias expansion bounded by the text's size: at the limit and one past it") {
    // 12 + 10m nodes: the root, a's list of 9 (10), b's list (1) holding m copies of a's.
    DocumentLimits limits;
    limits.max_nodes_per_byte = 1;
    limits.min_alias_nodes = 1002;
    const auto doc = [](int m) {
      std::string text = "a: &a [x, x, x, x, x, x, x, x, x]\nb: [";
      for (int i = 0; i < m; ++i) text += i ? ", *a" : "*a";
      return text + "]\n";
    };
    REQUIRE(doc(100).size() < 1002);  // so that the budget is min_alias_nodes
    exposim::model::Diagnostics at;
    CHECK(parse_document(doc(99), "at.yaml", at, limits));
    CHECK(at.items().empty());
    exposim::model::Diagnostics past;
    CHECK_FALSE(parse_document(doc(100), "past.yaml", past, limits));
    REQUIRE(past.size() == 1);
    CHECK(past.items()[0].code == "document-too-large");
    CHECK(past.items()[0].message ==
          "the document has more than 1002 nodes after aliases are expanded (1 per byte of its text, at least 1002) "
          "or is nested deeper than 200");
  }
  SECTION("a few hundred bytes expanding to just under a million nodes (found by fuzzing)") {
    // The root and a to f: 1 + 9 + 73 + 585 + 4,681 + 37,449 + 299,593 = 342,391 nodes, under max_nodes, from 231
    // bytes, which may expand to 10,000 nodes (16 per byte would be 3,696).
    std::string text = "a: &a [x, x, x, x, x, x, x, x]\n";
    char prev = 'a';
    for (char c = 'b'; c <= 'f'; ++c) {
      text += fmt::format("{}: &{} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n", c, c, fmt::arg("p", prev));
      prev = c;
    }
    exposim::model::Diagnostics diags;
    CHECK_FALSE(parse_document(text, "bomb.yaml", diags));
    REQUIRE(diags.size() == 1);
    CHECK(diags.items()[0].message ==
          "the document has more than 10000 nodes after aliases are expanded (16 per byte of its text, at least "
          "10000) or is nested deeper than 200");
    // The same anchors used a little: a shared list referenced three times is fine.
    exposim::model::Diagnostics none;
    CHECK(parse_document("ports: &p [22, 3389, 443]\nweb: *p\napp: *p\ndb: *p\n", "ok.yaml", none));
    CHECK(none.items().empty());
  }
  SECTION("deep nesting, both syntaxes") {
    DocumentLimits limits;
    limits.max_depth = 50;
    exposim::model::Diagnostics diags;
    CHECK_FALSE(parse_document(std::string(100, '[') + std::string(100, ']'), "deep.json", diags, limits));
    CHECK_FALSE(parse_document("a: " + std::string(100, '[') + std::string(100, ']'), "deep.yaml", diags, limits));
    REQUIRE(diags.size() >= 2);
    for (const auto& d : diags.items()) CHECK(d.code == "document-too-large");
  }
  SECTION("nesting far past the parser's own guard") {
    exposim::model::Diagnostics diags;
    CHECK_FALSE(parse_document("a: " + std::string(100000, '[') + std::string(100000, ']'), "deep.yaml", diags));
    CHECK_FALSE(parse_document(std::string(100000, '[') + std::string(100000, ']'), "deep.json", diags));
    CHECK(diags.size() == 2);
  }
  SECTION("size limit") {
    DocumentLimits limits;
    limits.max_bytes = 10;
    exposim::model::Diagnostics diags;
    CHECK_FALSE(parse_document("a: 12345678901234567890", "big.yaml", diags, limits));
    CHECK(diags.items()[0].code == "document-too-large");
  }
}
