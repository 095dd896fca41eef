// JSON or YAML documents to one JSON value, with the YAML nodes' positions kept by JSON pointer.
#include "importers/document.h"

#include <charconv>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "importers/document_value.h"
#include "importers/json_positions.h"
#include "model/json_pointer.h"

namespace exposim::importers {

using nlohmann::json;

namespace {

std::string escape_token(std::string_view token) { return model::escape_pointer_token(token); }

/// A plain (unquoted) scalar typed by the YAML 1.2 core schema.
/// The length of the run of ASCII digits at the start of `s`.
std::size_t digit_run(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  return n;
}

/// YAML 1.2 core schema integer: [-+]?[0-9]+.
bool core_int(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return !s.empty() && digit_run(s) == s.size();
}

/// YAML 1.2 core schema float (without .inf and .nan): [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?.
/// Hand-written: std::regex recurses once per character, so a scalar of a few hundred thousand digits overflowed
/// the stack (found while reading a whatif_change fuzz timeout).
bool core_float(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  const std::size_t whole = digit_run(s);
  s.remove_prefix(whole);
  std::size_t fraction = 0;
  const bool dot = !s.empty() && s[0] == '.';
  if (dot) {
    s.remove_prefix(1);
    fraction = digit_run(s);
    s.remove_prefix(fraction);
  }
  if (whole == 0 && fraction == 0) return false;
  if (!s.empty() && (s[0] == 'e' || s[0] == 'E')) {
    s.remove_prefix(1);
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
    const std::size_t exponent = digit_run(s);
    if (exponent == 0) return false;
    s.remove_prefix(exponent);
  }
  return s.empty();
}

json plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (core_int(s)) {
    const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
    std::int64_t v = 0;
    if (auto [end, ec] = std::from_chars(begin, s.data() + s.size(), v);
        ec == std::errc() && end == s.data() + s.size()) {
      return v;
    }
    return s;  // out of range: left as text, for the reader to reject with its own message
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    std::int64_t v = 0;
    const int base = s[1] == 'x' ? 16 : 8;
    if (auto [end, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), v, base);
        ec == std::errc() && end == s.data() + s.size()) {
      return v;
    }
    return s;
  }
  if (core_float(s)) {
    try {
      return std::stod(s);
    } catch (const std::exception&) {
      return s;
    }
  }
  return s;
}

/// The offset of the first byte of `text` that is not part of well-formed UTF-8 (an overlong form, a surrogate or a
/// code point past U+10FFFF is not), or npos. YAML documents must be Unicode; yaml-cpp takes any bytes, which the
/// JSON value of the document could then not be written with.
std::size_t invalid_utf8_at(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;  // the allowed range of the second byte
    unsigned char high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;   // overlong
      if (c == 0xED) high = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;   // overlong
      if (c == 0xF4) high = 0x8F;  // past U+10FFFF
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    const auto second = static_cast<unsigned char>(text[i + 1]);
    if (second < low || second > high) return i;
    for (std::size_t k = 2; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < 0x80 || next > 0xBF) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

/// The nodes a YAML document of `text_bytes` may expand to: max_nodes_per_byte per byte, at least min_alias_nodes,
/// at most max_nodes.
std::size_t node_budget(const DocumentLimits& limits, std::size_t text_bytes) {
  const std::size_t per_byte = std::max<std::size_t>(1, limits.max_nodes_per_byte);
  const std::size_t scaled = text_bytes > limits.max_nodes / per_byte ? limits.max_nodes : text_bytes * per_byte;
  return std::min(limits.max_nodes, std::max(limits.min_alias_nodes, scaled));
}

class YamlConverter {
 public:
  /// `text_bytes`: the size of the document's text, which bounds how far aliases may expand it.
  YamlConverter(Document& doc, model::Diagnostics& diags, const DocumentLimits& limits, std::size_t text_bytes)
      : doc_(doc), diags_(diags), limits_(limits), max_nodes_(node_budget(limits, text_bytes)) {}

  bool convert(const YAML::Node& node, json& out, const std::string& pointer, std::size_t depth) {
    // An alias bomb is refused before anything is built: converting a million nodes costs about a second (a
    // minute under the sanitizers) for a few hundred bytes of input (tests/fuzz_regressions/whatif_change).
    if (depth == 0 && expanded_nodes(node, 0) > max_nodes_) nodes_ = max_nodes_;
    if (++nodes_ > max_nodes_ || depth > limits_.max_depth) {
      fail("document-too-large", node,
           max_nodes_ < limits_.max_nodes
               ? fmt::format("the document has more than {} nodes after aliases are expanded ({} per byte of its "
                             "text, at least {}) or is nested deeper than {}",
                             max_nodes_, limits_.max_nodes_per_byte, limits_.min_alias_nodes, limits_.max_depth)
               : fmt::format(
                     "the document has more than {} nodes or is nested deeper than {} (after aliases are expanded)",
                     max_nodes_, limits_.max_depth));
      return false;
    }
    const YAML::Mark mark = node.Mark();
    if (mark.line >= 0) doc_.positions.emplace(pointer, std::pair{mark.line + 1, mark.column + 1});
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null: out = nullptr; return true;
      case YAML::NodeType::Scalar:
        if (!utf8_scalar(node)) return false;
        // "!" is a quoted scalar, "?" a plain one; an explicit tag other than str is typed like a plain one.
        out = node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str" ? json(node.Scalar())
                                                                         : plain_scalar(node.Scalar());
        return true;
      case YAML::NodeType::Sequence: {
        out = json::array();
        std::size_t i = 0;
        for (const YAML::Node& item : node) {
          json value;
          if (!convert(item, value, pointer + "/" + std::to_string(i++), depth + 1)) return false;
          out.push_back(std::move(value));
        }
        return true;
      }
      case YAML::NodeType::Map: {
        out = json::object();
        for (auto it = node.begin(); it != node.end(); ++it) {
          if (!it->first.IsScalar()) {
            fail("document-shape", it->first, "a mapping key must be a string");
            return false;
          }
          if (!utf8_scalar(it->first)) return false;
          const std::string key = it->first.Scalar();
          if (out.contains(key)) {
            fail("document-shape", it->first, fmt::format("duplicate key '{}'", key));
            return false;
          }
          json value;
          if (!convert(it->second, value, pointer + "/" + escape_token(key), depth + 1)) return false;
          out[key] = std::move(value);
        }
        return true;
      }
    }
    return true;
  }

 private:
  void fail(const char* code, const YAML::Node& node, std::string message) {
    const YAML::Mark mark = node.Mark();
    diags_.error(code, {doc_.file, "", mark.line >= 0 ? mark.line + 1 : 0, mark.column >= 0 ? mark.column + 1 : 0},
                 std::move(message));
  }

  /// False, after an error at the scalar, when yaml-cpp made bytes that are not UTF-8 of it (it turns a NUL byte of
  /// the text into a lone 0x85: tests/fuzz_regressions/check_spec/nul-in-name.yaml).
  bool utf8_scalar(const YAML::Node& node) {
    if (invalid_utf8_at(node.Scalar()) == std::string_view::npos) return true;
    fail("document-syntax", node, "value is not valid UTF-8; a YAML document must be printable UTF-8 text");
    return false;
  }

  /// The nodes convert() would visit under `node`, aliases expanded, counted once per distinct collection (an alias
  /// is the node it names: same mark, type and size) and saturated past max_nodes_; what lies deeper than max_depth is
  /// not counted (convert() refuses it anyway).
  std::size_t expanded_nodes(const YAML::Node& node, std::size_t depth) {
    if (!node.IsSequence() && !node.IsMap()) return 1;
    if (depth > limits_.max_depth) return 1;
    const YAML::Mark mark = node.Mark();
    const auto key = std::tuple{mark.pos, mark.line, mark.column, node.IsMap(), node.size()};
    if (const auto it = expanded_.find(key); it != expanded_.end()) return it->second;
    std::size_t n = 1;
    for (auto it = node.begin(); it != node.end() && n <= max_nodes_; ++it) {
      n += expanded_nodes(node.IsMap() ? it->second : static_cast<const YAML::Node&>(*it), depth + 1);
    }
    n = std::min(n, max_nodes_ + 1);
    expanded_.emplace(key, n);
    return n;
  }

  Document& doc_;
  model::Diagnostics& diags_;
  const DocumentLimits& limits_;
  std::size_t max_nodes_;  // max_nodes, or less for a short text (max_nodes_per_byte)
  std::size_t nodes_{0};
  std::map<std::tuple<int, int, int, bool, std::size_t>, std::size_t> expanded_;
};

}  // namespace

model::SourceLocation Document::at(const std::string& pointer) const {
  model::SourceLocation where{file, pointer, 0, 0};
  if (auto it = positions.find(pointer); it != positions.end()) {
    where.line = it->second.first;
    where.column = it->second.second;
  }
  return where;
}

std::optional<Document> parse_document(std::string_view text, const std::string& file, model::Diagnostics& diags,
                                       const DocumentLimits& limits) {
  Document doc;
  doc.file = model::FileName(file);
  const auto tree = std::make_shared<DocumentValue>();
  doc.value = tree;
  if (text.size() > limits.max_bytes) {
    diags.error("document-too-large", {doc.file, "", 0, 0},
                fmt::format("the file has {} bytes; the limit is {}", text.size(), limits.max_bytes));
    return std::nullopt;
  }
  if (text.size() >= 3 && text.substr(0, 3) == "\xef\xbb\xbf") text.remove_prefix(3);
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  const bool json_like =
      first != std::string_view::npos &&
      (text[first] == '{' || text[first] == '[' || text.substr(first, 2) == "//" || text.substr(first, 2) == "/*");
  if (json_like) {
    bool too_deep = false;
    // The parser itself is iterative, but printing and destroying a value recurse: nesting is bounded here.
    const json::parser_callback_t depth_guard = [&](int depth, json::parse_event_t, json&) {
      if (static_cast<std::size_t>(depth) > limits.max_depth) {
        too_deep = true;
        throw std::length_error("too deep");
      }
      return true;
    };
    try {
      tree->json = json::parse(text, depth_guard, true, true);
      if (limits.json_positions) {
        try {
          Document shadow;
          json shadow_value;
          model::Diagnostics ignored;
          YamlConverter converter(shadow, ignored, limits, text.size());
          if (converter.convert(YAML::Load(std::string(text)), shadow_value, "", 0)) {
            doc.positions = std::move(shadow.positions);
          }
        } catch (const std::exception&) {
          // Comments or other JSON that YAML does not read: no positions, the pointer alone locates.
        }
      }
      return doc;
    } catch (const std::length_error&) {
      if (!too_deep) throw;
      diags.error("document-too-large", {doc.file, "", 0, 0},
                  fmt::format("the document is nested deeper than {}", limits.max_depth));
      return std::nullopt;
    } catch (const json::out_of_range& e) {
      // A number past a double's range ("1e999"): the parser names it but not where it is; its first occurrence in
      // the text is the one (reading stops there).
      const auto [number, at] = find_out_of_range_number(e.what(), text);
      auto [line, column] = at == std::string_view::npos ? std::pair{0, 0} : line_column(text, at);
      diags.error("document-syntax", {doc.file, "", line, column}, fmt::format("number '{}' is out of range", number));
      return std::nullopt;
    } catch (const json::parse_error& e) {
      auto [line, column] = line_column(text, e.byte > 0 ? e.byte - 1 : 0);
      std::string message = e.what();
      if (auto c = message.find(": "); c != std::string::npos && message.rfind("[json.exception", 0) == 0) {
        message.erase(0, c + 2);
      }
      diags.error("document-syntax", {doc.file, "", line, column}, message);
      return std::nullopt;
    }
  }
  if (const std::size_t bad = invalid_utf8_at(text); bad != std::string_view::npos) {
    auto [line, column] = line_column(text, bad);
    diags.error("document-syntax", {doc.file, "", line, column},
                fmt::format("invalid UTF-8 byte 0x{:02x}; a YAML document must be UTF-8",
                            static_cast<unsigned char>(text[bad])));
    return std::nullopt;
  }
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    YamlConverter converter(doc, diags, limits, text.size());
    if (!converter.convert(root, tree->json, "", 0)) return std::nullopt;
    return doc;
  } catch (const YAML::Exception& e) {
    diags.error("document-syntax",
                {doc.file, "", e.mark.line >= 0 ? e.mark.line + 1 : 0, e.mark.column >= 0 ? e.mark.column + 1 : 0},
                e.msg);
  } catch (const std::exception& e) {
    diags.error("document-syntax", {doc.file, "", 0, 0}, e.what());
  }
  return std::nullopt;
}

std::optional<Document> load_document(const std::string& path, model::Diagnostics& diags,
                                      const DocumentLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error("document-read", {model::FileName(path), "", 0, 0}, "cannot open the file");
    return std::nullopt;
  }
  std::string text;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > limits.max_bytes) {
      diags.error("document-too-large", {model::FileName(path), "", 0, 0},
                  fmt::format("the file is larger than the limit of {} bytes", limits.max_bytes));
      return std::nullopt;
    }
  }
  if (in.bad()) {
    diags.error("document-read", {model::FileName(path), "", 0, 0}, "cannot read the file");
    return std::nullopt;
  }
  return parse_document(text, path, diags, limits);
}

}  // namespace exposim::importers
