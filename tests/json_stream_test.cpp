// Tests of the framing scanner: element boundaries on tricky input, every chunk size, errors with line:column.
#include "importers/azure/json_stream.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

using exposim::importers::azure::JsonStream;
using exposim::importers::azure::kStreamPadding;
using exposim::importers::azure::MemorySource;
using exposim::importers::azure::StreamElement;
using exposim::importers::azure::StreamOptions;
using exposim::importers::azure::StreamShape;
using StreamPosition = exposim::importers::azure::TextPosition;

struct Scan {
  std::vector<std::string> elements;
  std::vector<std::uint64_t> offsets;
  StreamShape shape{StreamShape::kUnknown};
  std::string wrapper_key;
  std::string code;  // empty when no error
  std::string message;
  StreamPosition position;
};

Scan scan(std::string_view text, std::size_t chunk, std::size_t max_depth = 128, std::uint64_t max_bytes = UINT64_MAX) {
  MemorySource source(text);
  StreamOptions options;
  options.chunk_size = chunk;
  options.max_depth = max_depth;
  options.max_bytes = max_bytes;
  JsonStream stream(source, options);
  Scan out;
  StreamElement el;
  std::size_t expected_index = 0;
  while (stream.next(el)) {
    CHECK(el.index == expected_index++);
    // The padding must be readable (AddressSanitizer checks this read).
    volatile char last_pad = el.bytes.data()[el.bytes.size() + kStreamPadding - 1];
    (void)last_pad;
    out.elements.emplace_back(el.bytes);
    out.offsets.push_back(el.offset);
  }
  out.shape = stream.shape();
  out.wrapper_key = stream.wrapper_key();
  if (const auto& e = stream.error()) {
    out.code = e->code;
    out.message = e->message;
    out.position = e->position;
  }
  return out;
}

const std::size_t kChunks[] = {1, 2, 3, 4, 5, 7, 8, 13, 64, 1 << 20};

}  // namespace

TEST_CASE("stream: elements of a top-level array, whatever the chunk size", "[azure]") {
  const std::string text = R"([1, "a]", {"x": "}\"]", "y": [{}]}, [[1],[2]], true, -2.5e3, null])";
  for (std::size_t chunk : kChunks) {
    INFO("chunk " << chunk);
    Scan s = scan(text, chunk);
    CHECK(s.code.empty());
    CHECK(s.shape == StreamShape::kArray);
    CHECK(s.elements == std::vector<std::string>{"1", R"("a]")", R"({"x": "}\"]", "y": [{}]})", "[[1],[2]]", "true",
                                                 "-2.5e3", "null"});
    CHECK(s.offsets == std::vector<std::uint64_t>{1, 4, 10, 36, 47, 53, 61});
  }
}

TEST_CASE("stream: whitespace everywhere and empty containers", "[azure]") {
  for (std::size_t chunk : kChunks) {
    INFO("chunk " << chunk);
    Scan s = scan("  \n [ \n {} \t,\r\n [] ] \n", chunk);
    CHECK(s.code.empty());
    CHECK(s.elements == std::vector<std::string>{"{}", "[]"});
    CHECK(scan("[]", chunk).elements.empty());
    CHECK(scan("[ ]", chunk).code.empty());
  }
}

TEST_CASE("stream: backslashes before quotes across chunk boundaries", "[azure]") {
  // JSON: ["a\\", "b\"", "c\\\"d", "\\\\"]
  const std::string text = R"(["a\\", "b\"", "c\\\"d", "\\\\"])";
  for (std::size_t chunk : kChunks) {
    INFO("chunk " << chunk);
    Scan s = scan(text, chunk);
    CHECK(s.code.empty());
    CHECK(s.elements == std::vector<std::string>{R"("a\\")", R"("b\"")", R"("c\\\"d")", R"("\\\\")"});
  }
}

TEST_CASE("stream: wrapper objects", "[azure]") {
  for (std::size_t chunk : kChunks) {
    INFO("chunk " << chunk);
    Scan v = scan(R"({"value": [ {"a":1}, {"b":2} ], "nextLink": null})", chunk);
    CHECK(v.code.empty());
    CHECK(v.shape == StreamShape::kValue);
    CHECK(v.wrapper_key == "value");
    CHECK(v.elements == std::vector<std::string>{R"({"a":1})", R"({"b":2})"});

    Scan d = scan(R"({"count": 1, "data": [{"a":"]"}], "skip_token": "x", "totalRecords": 1})", chunk);
    CHECK(d.code.empty());
    CHECK(d.shape == StreamShape::kData);
    CHECK(d.elements == std::vector<std::string>{R"({"a":"]"})"});

    Scan upper = scan(R"({"Value": []})", chunk);
    CHECK(upper.code.empty());
    CHECK(upper.shape == StreamShape::kValue);
    CHECK(upper.wrapper_key == "Value");
    CHECK(upper.elements.empty());

    // Members before the wrapper array are skipped, whatever they hold.
    Scan late = scan(R"({"meta": {"x": [1, 2, {"y": "]}"}]}, "data": [1, 2]})", chunk);
    CHECK(late.code.empty());
    CHECK(late.shape == StreamShape::kData);
    CHECK(late.elements == std::vector<std::string>{"1", "2"});
  }
}

TEST_CASE("stream: a single object is one element", "[azure]") {
  const std::string text = "\n {\"type\": \"t\", \"value\": 3, \"properties\": {\"data\": [1]}} \n";
  for (std::size_t chunk : kChunks) {
    INFO("chunk " << chunk);
    Scan s = scan(text, chunk);
    CHECK(s.code.empty());
    CHECK(s.shape == StreamShape::kObject);
    CHECK(s.elements == std::vector<std::string>{R"({"type": "t", "value": 3, "properties": {"data": [1]}})"});
    CHECK(s.offsets == std::vector<std::uint64_t>{2});
  }
  CHECK(scan("{}", 1).elements == std::vector<std::string>{"{}"});
}

TEST_CASE("stream: byte-order mark is skipped", "[azure]") {
  Scan s = scan("\xEF\xBB\xBF[1]", 1);
  CHECK(s.code.empty());
  CHECK(s.elements == std::vector<std::string>{"1"});
  CHECK(s.offsets == std::vector<std::uint64_t>{4});
}

TEST_CASE("stream: elements much larger than the chunk", "[azure]") {
  std::string big = "{\"k\": [";
  for (int i = 0; i < 2000; ++i) {
    if (i > 0) big += ',';
    big += R"("x\"]})";
    big += std::to_string(i);
    big += '"';
  }
  big += "]}";
  const std::string text = "[" + big + ",\n" + big + "]";
  for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{100}, std::size_t{4096}}) {
    INFO("chunk " << chunk);
    Scan s = scan(text, chunk);
    CHECK(s.code.empty());
    REQUIRE(s.elements.size() == 2);
    CHECK(s.elements[0] == big);
    CHECK(s.elements[1] == big);
    CHECK(s.offsets[1] == big.size() + 3);
  }
}

struct StreamBadCase {
  const char* text;
  const char* code;
  const char* message;
  int line;
  int column;
  std::size_t elements_before;
};

TEST_CASE("stream: malformed input stops with the error where it is", "[azure]") {
  const StreamBadCase cases[] = {
      {R"([{"a": 1}, {"b": [1, 2)", "json-syntax", "unexpected end of file: '[' at 1:18 is not closed", 1, 23, 1},
      {R"([{"a": "abc)", "json-syntax", "unexpected end of file inside a string", 1, 12, 0},
      {R"([{"a": [1}])", "json-syntax", "'}' does not close '[' at 1:8", 1, 10, 0},
      {"[\n 1,\n 2\n", "json-syntax", "unexpected end of file: '[' at 1:1 is not closed", 4, 1, 2},
      {"[1] x", "json-syntax", "unexpected 'x' after the top-level value", 1, 5, 1},
      {"[1]\n\n  ]", "json-syntax", "unexpected ']' after the top-level value", 3, 3, 1},
      {"[{} {}]", "json-syntax", "expected ',' or ']' after an array element, found '{'", 1, 5, 1},
      {"[1,]", "json-syntax", "expected a value after ',', found ']'", 1, 4, 1},
      {"[,1]", "json-syntax", "expected a value, found ','", 1, 2, 0},
      {"[tru]", "json-syntax", "invalid literal 'tru'", 1, 2, 0},
      {"[01]", "json-syntax", "invalid literal '01'", 1, 2, 0},
      {R"({"count": tru, "value": []})", "json-syntax", "invalid literal 'tru'", 1, 11, 0},
      {R"({"value" [1]})", "json-syntax", "expected ':' after an object key, found '['", 1, 10, 0},
      {R"({"value": [1] "x": 2})", "json-syntax", "expected ',' or '}' after an object member, found '\"'", 1, 15, 1},
      {R"({value: []})", "json-syntax", "expected a string key, found 'v'", 1, 2, 0},
      {"\n\n   hello", "json-syntax", "expected a JSON value, found 'h'", 3, 4, 0},
      {"[\x01]", "json-syntax", "invalid literal '\\x01'", 1, 2, 0},
      {"", "file-empty", "file is empty", 0, 0, 0},
      {" \n\t ", "file-empty", "file contains no JSON value", 0, 0, 0},
      {"42", "unexpected-shape",
       "the top-level value is a number, expected an array of resources, an object with a 'value' or 'data' array, "
       "or a resource object",
       0, 0, 0},
      {R"("text")", "unexpected-shape",
       "the top-level value is a string, expected an array of resources, an object with a 'value' or 'data' array, "
       "or a resource object",
       0, 0, 0},
  };
  for (const auto& c : cases) {
    for (std::size_t chunk : kChunks) {
      INFO("input " << c.text << " chunk " << chunk);
      Scan s = scan(c.text, chunk);
      CHECK(s.code == c.code);
      CHECK(s.message == c.message);
      CHECK(s.position == StreamPosition{c.line, c.column});
      CHECK(s.elements.size() == c.elements_before);
    }
  }
}

TEST_CASE("stream: nesting cap", "[azure]") {
  for (std::size_t chunk : kChunks) {
    INFO("chunk " << chunk);
    Scan ok = scan("[[[1]]]", chunk, 3);
    CHECK(ok.code.empty());
    Scan deep = scan("[[[[1]]]]", chunk, 3);
    CHECK(deep.code == "json-too-deep");
    CHECK(deep.message == "nesting deeper than 3 levels");
    CHECK(deep.position == StreamPosition{1, 4});
    Scan wrapped = scan(R"({"value": [{"a": 1}]})", chunk, 2);
    CHECK(wrapped.code == "json-too-deep");
    CHECK(wrapped.position == StreamPosition{1, 12});
  }
  // A pathological depth is refused early, not recursed into.
  std::string bomb(1000000, '[');
  Scan s = scan(bomb, 4096);
  CHECK(s.code == "json-too-deep");
  CHECK(s.position == StreamPosition{1, 129});
}

TEST_CASE("stream: size cap", "[azure]") {
  Scan s = scan("[1, 2, 3, 4]", 4, 128, 5);
  CHECK(s.code == "file-too-large");
  CHECK(s.message == "file is larger than the limit of 5 bytes");
  CHECK(scan("[1, 2, 3, 4]", 4, 128, 12).code.empty());
}

TEST_CASE("stream: line and column of a later offset inside an element", "[azure]") {
  const std::string text = "[\n  {\"a\": 1},\n  {\"b\":\n    x}\n]";
  for (std::size_t chunk : kChunks) {
    INFO("chunk " << chunk);
    MemorySource source(text);
    StreamOptions options;
    options.chunk_size = chunk;
    JsonStream stream(source, options);
    StreamElement el;
    REQUIRE(stream.next(el));
    REQUIRE(stream.next(el));
    CHECK(el.bytes == "{\"b\":\n    x}");
    const auto x = el.offset + el.bytes.find('x');
    CHECK(stream.position(el.offset) == StreamPosition{3, 3});
    CHECK(stream.position(x) == StreamPosition{4, 5});
    CHECK_FALSE(stream.next(el));
    CHECK_FALSE(stream.error());
  }
}
