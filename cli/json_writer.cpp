// The direct JSON writer (cli/json_writer.h).
#include "cli/json_writer.h"

#include <charconv>
#include <cstring>
#include <iterator>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace exposim::cli {
namespace {

/// The length of the well-formed UTF-8 sequence that starts `s` at `i` (Unicode's table 3-7, which is what
/// nlohmann's decoder accepts), 0 when it is malformed or cut off.
std::size_t json_writer_utf8_length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = at(i);
  const auto cont = [&](std::size_t k, unsigned char lo, unsigned char hi) {
    return k < s.size() && at(k) >= lo && at(k) <= hi;
  };
  if (b >= 0xc2 && b <= 0xdf) return cont(i + 1, 0x80, 0xbf) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    const unsigned char lo = b == 0xe0 ? 0xa0 : 0x80;
    const unsigned char hi = b == 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2, 0x80, 0xbf) ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    const unsigned char lo = b == 0xf0 ? 0x90 : 0x80;
    const unsigned char hi = b == 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2, 0x80, 0xbf) && cont(i + 3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

/// True when none of the 8 bytes at `p` is below 0x20, a quote, a backslash or from 0x80 (the bit tricks of
/// "Bit Twiddling Hacks", "Determine if a word has a byte less than n" and "... equal to n").
bool json_writer_plain8(const char* p) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::uint64_t x = 0;
  std::memcpy(&x, p, sizeof x);
  const auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const std::uint64_t below_space = (x - kOnes * 0x20) & ~x & kHigh;
  const std::uint64_t special = below_space | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\')) | (x & kHigh);
  return special == 0;
}

/// Appends the dotted quad of the IPv4 address `v`.
void json_writer_append_v4(std::string& out, std::uint32_t v) {
  fmt::format_to(std::back_inserter(out), "{}.{}.{}.{}", v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // start of the run of bytes not yet copied
  for (std::size_t i = 0; i < s.size();) {
    // Eight bytes at a time while none needs a look: no control character, quote, backslash or non-ASCII byte
    // (canonical ids are long runs of such bytes).
    while (i + 8 <= s.size() && json_writer_plain8(s.data() + i)) i += 8;
    if (i >= s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = json_writer_utf8_length(s, i);
      if (n == 0) {
        // Malformed: let nlohmann report it exactly as its dump() does (type_error 316).
        static_cast<void>(nlohmann::json(std::string(s)).dump());
      }
      i += n;
      continue;
    }
    out.append(s.data() + plain, i - plain);
    out += '\\';
    switch (c) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '\b': out += 'b'; break;
      case '\t': out += 't'; break;
      case '\n': out += 'n'; break;
      case '\f': out += 'f'; break;
      case '\r': out += 'r'; break;
      default:
        out += "u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
    plain = ++i;
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

std::size_t append_cidr_list(std::string& out, const model::IpSet& s) {
  out += '[';
  bool first = true;
  const auto prefixes = model::to_prefixes(s);
  for (const auto& p : prefixes) {
    if (!first) out += ',';
    first = false;
    out += '"';
    if (p.family() == model::IpFamily::kV4) {
      json_writer_append_v4(out, p.address.v4_bits());
    } else {
      out += p.address.to_string();
    }
    out += '/';
    char buf[4];
    out.append(buf, std::to_chars(buf, buf + sizeof buf, p.length).ptr);
    out += '"';
  }
  out += ']';
  return prefixes.size();
}

std::size_t JsonWriter::cidr_list(const model::IpSet& s) {
  separate();
  comma_ = true;
  return append_cidr_list(out_, s);
}

JsonWriter& JsonWriter::value(std::int64_t n) {
  separate();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, n).ptr);
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t n) {
  separate();
  char buf[24];
  out_.append(buf, std::to_chars(buf, buf + sizeof buf, n).ptr);
  comma_ = true;
  return *this;
}

}  // namespace exposim::cli
