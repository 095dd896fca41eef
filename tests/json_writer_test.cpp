// The direct JSON writer (cli/json_writer.h) against nlohmann's dump(): string escaping (control characters,
// non-ASCII, malformed UTF-8), CIDR lists, and comma placement in nested objects and arrays.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/json_writer.h"
#include "model/ip.h"

namespace exposim::testing {
namespace {

using nlohmann::ordered_json;

/// What the writer gives for `s`, or "throws" when it throws nlohmann's type_error 316.
std::string json_writer_test_escaped(const std::string& s) {
  std::string out;
  try {
    cli::append_json_string(out, s);
  } catch (const nlohmann::json::type_error& e) {
    return e.id == 316 ? "throws" : "other error";
  }
  return out;
}

/// What nlohmann's dump() gives for `s`, or "throws" on its type_error 316.
std::string json_writer_test_dumped(const std::string& s) {
  try {
    return ordered_json(s).dump();
  } catch (const nlohmann::json::type_error& e) {
    return e.id == 316 ? "throws" : "other error";
  }
}

model::IpSet json_writer_test_set(const std::vector<std::string>& prefixes) {
  std::vector<model::IpPrefix> ps;
  for (const auto& p : prefixes) ps.push_back(*model::IpPrefix::parse(p));
  return model::to_set(ps);
}

}  // namespace

TEST_CASE("json writer escapes strings as nlohmann dump does", "[cli][json]") {
  // Expected texts from RFC 8259 section 7 and nlohmann's serializer (lowercase \u00xx for the other controls,
  // no escaping of DEL or of well-formed UTF-8).
  CHECK(json_writer_test_escaped("") == R"("")");
  CHECK(json_writer_test_escaped("vm-web") == R"("vm-web")");
  CHECK(json_writer_test_escaped("a\"b\\c/d") == R"("a\"b\\c/d")");
  CHECK(json_writer_test_escaped("\b\t\n\f\r") == R"("\b\t\n\f\r")");
  CHECK(json_writer_test_escaped(std::string("\x00\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\x7f\"");
  CHECK(json_writer_test_escaped("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x94\x92") ==
        "\"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x94\x92\"");
  // Malformed UTF-8: a lone continuation byte, an overlong '/', a surrogate, past U+10FFFF, a cut-off sequence.
  for (const std::string bad : {"\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "ab\xe2\x82", "\xc3", "\xff"}) {
    CAPTURE(bad);
    CHECK(json_writer_test_escaped(bad) == "throws");
    CHECK(json_writer_test_dumped(bad) == "throws");
  }
}

TEST_CASE("json writer matches nlohmann dump on every string of one and two bytes", "[cli][json]") {
  for (int a = 0; a < 256; ++a) {
    const std::string one(1, static_cast<char>(a));
    REQUIRE(json_writer_test_escaped(one) == json_writer_test_dumped(one));
    for (int b = 0; b < 256; ++b) {
      const std::string two = {static_cast<char>(a), static_cast<char>(b)};
      REQUIRE(json_writer_test_escaped("x" + two + "y") == json_writer_test_dumped("x" + two + "y"));
    }
  }
}

TEST_CASE("json writer matches nlohmann dump on every byte at every place of a long string", "[cli][json]") {
  // Long runs of plain bytes are skipped eight at a time: one byte of every value at each of 24 places (and two
  // bytes a run apart) must still be found.
  for (std::size_t at = 0; at < 24; ++at) {
    for (int c = 0; c < 256; ++c) {
      std::string s(24, 'a');
      s[at] = static_cast<char>(c);
      REQUIRE(json_writer_test_escaped(s) == json_writer_test_dumped(s));
      s[(at + 9) % 24] = '"';
      REQUIRE(json_writer_test_escaped(s) == json_writer_test_dumped(s));
    }
  }
  // By hand: an id-like run with one quote after 16 plain bytes.
  CHECK(json_writer_test_escaped("/subscriptions/0\"x") == R"("/subscriptions/0\"x")");
}

TEST_CASE("json writer matches nlohmann dump on three and four byte sequences at the UTF-8 boundaries", "[cli][json]") {
  // Every lead byte from 0xc0, followed by bytes at the edges of the continuation ranges (and some that are not
  // continuation bytes at all).
  const std::vector<int> edges = {0x00, 0x22, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xf4, 0xff};
  std::size_t valid = 0;
  for (int lead = 0xc0; lead < 256; ++lead) {
    for (int b : edges) {
      for (int c : edges) {
        for (int d : edges) {
          const std::string s = {static_cast<char>(lead), static_cast<char>(b), static_cast<char>(c),
                                 static_cast<char>(d)};
          const std::string want = json_writer_test_dumped(s);
          REQUIRE(json_writer_test_escaped(s) == want);
          if (want != "throws") ++valid;
          const std::string three = s.substr(0, 3);
          REQUIRE(json_writer_test_escaped(three) == json_writer_test_dumped(three));
        }
      }
    }
  }
  CHECK(valid > 0);
}

TEST_CASE("json writer writes CIDR lists as nlohmann dump writes to_cidr_strings", "[cli][json]") {
  const std::vector<std::vector<std::string>> sets = {
      {},
      {"0.0.0.0/0"},
      {"10.0.0.4/32"},
      {"52.10.0.0/16", "20.0.0.0/24", "20.0.1.0/24", "255.255.255.255/32"},
      {"2001:db8::/32", "10.0.0.0/8", "::/0"},
      {"fd00:1::1/128", "fd00:1::2/127"}};
  for (const auto& prefixes : sets) {
    const auto s = json_writer_test_set(prefixes);
    std::string out;
    cli::append_cidr_list(out, s);
    CHECK(out == ordered_json(model::to_cidr_strings(s)).dump());
  }
  // By hand: 20.0.0.0/24 and 20.0.1.0/24 merge into one /23; IPv4 before IPv6.
  std::string out;
  cli::append_cidr_list(out, json_writer_test_set({"2001:db8::/32", "20.0.1.0/24", "20.0.0.0/24"}));
  CHECK(out == R"(["20.0.0.0/23","2001:db8::/32"])");
}

TEST_CASE("json writer places commas in nested objects and arrays as nlohmann dump does", "[cli][json]") {
  std::string out;
  cli::JsonWriter w(out);
  w.begin_object()
      .field("name", "vm \"web\"")
      .field("port", 22)
      .field("count", std::uint64_t{18446744073709551615u})
      .field("negative", std::int64_t{-7})
      .field("jit", false)
      .null_field("ip")
      .key("ports")
      .begin_array();
  w.begin_array().value(22).value(22).end_array();
  w.begin_array().value(80).value(90).end_array();
  w.end_array().key("empty").begin_array().end_array().key("nested").begin_object().key("inner").begin_object();
  w.end_object().field("host", std::string()).key("host2").string_or_null("");
  w.end_object().key("raw").raw(R"([1,2])").end_object();

  ordered_json want = {{"name", "vm \"web\""},
                       {"port", 22},
                       {"count", std::uint64_t{18446744073709551615u}},
                       {"negative", -7},
                       {"jit", false},
                       {"ip", nullptr},
                       {"ports", {{22, 22}, {80, 90}}},
                       {"empty", ordered_json::array()},
                       {"nested", {{"inner", ordered_json::object()}, {"host", ""}, {"host2", nullptr}}},
                       {"raw", {1, 2}}};
  CHECK(out == want.dump());
}

}  // namespace exposim::testing
