// Reading ARM JSON text: the relaxed syntax ARM accepts (comments, multi-line strings, trailing commas) and
// json-syntax diagnostics with line:column.
#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "importers/arm/template.h"

namespace exposim::importers::arm {
namespace {

using nlohmann::json;

/// The index of the first character at or after `i` that is neither blank nor inside a comment.
std::size_t next_significant(std::string_view text, std::size_t i) {
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      i = text.find('\n', i);
      if (i == std::string_view::npos) return text.size();
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      i = text.find("*/", i + 2);
      if (i == std::string_view::npos) return text.size();
      i += 2;
    } else {
      return i;
    }
  }
  return i;
}

/// ARM JSON as the strict parser reads it: raw control characters inside strings escaped (ARM accepts
/// multi-line strings) and trailing commas before `]` or `}` blanked (the byte offsets of what follows are kept).
std::string normalise_arm_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  bool escaped = false;
  bool line_comment = false;
  bool block_comment = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (line_comment) {
      if (c == '\n') line_comment = false;
      out += c;
      continue;
    }
    if (block_comment) {
      if (c == '*' && i + 1 < text.size() && text[i + 1] == '/') {
        block_comment = false;
        out += "*/";
        ++i;
        continue;
      }
      out += c;
      continue;
    }
    if (!in_string) {
      if (c == ',') {
        const std::size_t next = next_significant(text, i + 1);
        if (next < text.size() && (text[next] == ']' || text[next] == '}')) {
          out += ' ';
          continue;
        }
      }
      if (c == '"') in_string = true;
      if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') line_comment = true;
      if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') block_comment = true;
      out += c;
      continue;
    }
    if (escaped) {
      escaped = false;
      out += c;
      continue;
    }
    if (c == '\\') {
      escaped = true;
    } else if (c == '"') {
      in_string = false;
    } else if (c == '\n') {
      out += "\\n";
      continue;
    } else if (c == '\r') {
      out += "\\r";
      continue;
    } else if (c == '\t') {
      out += "\\t";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

std::optional<nlohmann::json> parse_arm_json(std::string_view text, const std::string& file,
                                             model::Diagnostics& diags) {
  // A UTF-8 byte order mark is allowed (editors on Windows write one).
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xef && static_cast<unsigned char>(text[1]) == 0xbb &&
      static_cast<unsigned char>(text[2]) == 0xbf) {
    text.remove_prefix(3);
  }
  const std::string clean = normalise_arm_text(text);
  // The parser is iterative, but what walks the value afterwards (copying, printing, destroying it) recurses: a
  // template nested 200,000 deep overflowed the stack. Nesting is bounded while parsing, as for resource JSON.
  bool too_deep = false;
  // `depth` is the number of containers around the value: the top-level value is at level 1, depth 0.
  const json::parser_callback_t depth_guard = [&](int depth, json::parse_event_t, json&) {
    if (static_cast<std::size_t>(depth) >= kMaxArmJsonDepth) {
      too_deep = true;
      throw std::length_error("too deep");
    }
    return true;
  };
  try {
    return json::parse(clean, depth_guard, true, true);
  } catch (const std::length_error&) {
    if (!too_deep) throw;
    diags.error("json-too-deep", {model::FileName(file), "", 0, 0},
                fmt::format("nesting deeper than {} levels", kMaxArmJsonDepth));
  } catch (const json::parse_error& e) {
    // The byte offset in `clean` maps back to `text` closely enough for line:column (escapes add bytes only
    // inside strings with raw line breaks).
    std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    offset = std::min(offset, text.size());
    int line = 1;
    int column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string message = e.what();
    if (auto c = message.find(": "); c != std::string::npos && message.rfind("[json.exception", 0) == 0) {
      message.erase(0, c + 2);
    }
    diags.error("json-syntax", {model::FileName(file), "", line, column}, message);
  } catch (const std::exception& e) {
    diags.error("json-syntax", {model::FileName(file), "", 0, 0}, e.what());
  }
  return std::nullopt;
}

}  // namespace exposim::importers::arm
