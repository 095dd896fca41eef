// One pass over a JSON text recording where values start: a scanner with an explicit stack of open containers.
#include "importers/json_positions.h"

#include <algorithm>
#include <cstdint>
#include <unordered_set>

#include "model/json_pointer.h"

namespace exposim::importers {
namespace {

/// Appends code point `cp` to `out` as UTF-8.
void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Scanner {
 public:
  Scanner(std::string_view text, const std::unordered_set<std::string>* wanted,
          std::unordered_map<std::string, TextPosition>& out)
      : text_(text), wanted_(wanted), out_(out) {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // a UTF-8 byte order mark is not a column
  }

  /// Scans the whole text; false at the first syntax error (positions found before it are kept).
  bool run() {
    skip_space();
    if (!value()) return false;
    while (!stack_.empty()) {
      skip_space();
      if (pos_ >= text_.size()) return false;
      Frame& f = stack_.back();
      const char close = f.object ? '}' : ']';
      if (text_[pos_] == close) {
        advance();
        pointer_.resize(f.base);
        stack_.pop_back();
        continue;
      }
      if (f.count > 0) {
        if (text_[pos_] != ',') return false;
        advance();
        skip_space();
      }
      pointer_.resize(f.base);
      if (f.object) {
        std::string key;
        if (pos_ >= text_.size() || text_[pos_] != '"' || !string(&key)) return false;
        skip_space();
        if (pos_ >= text_.size() || text_[pos_] != ':') return false;
        advance();
        skip_space();
        model::append_pointer_token(pointer_, key);
      } else {
        pointer_ += '/';
        pointer_ += std::to_string(f.count);
      }
      ++f.count;
      if (!value()) return false;
    }
    skip_space();
    return pos_ == text_.size();
  }

 private:
  struct Frame {
    bool object;
    std::size_t base;   // the container's own pointer length
    std::size_t count;  // members or elements seen
    bool wanted;        // its pointer is one to record (then its members may be)
  };

  std::string_view text_;
  const std::unordered_set<std::string>* wanted_;
  std::unordered_map<std::string, TextPosition>& out_;
  std::size_t pos_{0};
  int line_{1};
  int column_{1};
  std::string pointer_;
  std::vector<Frame> stack_;

  /// Moves over one byte, counting lines and code points.
  void advance() {
    const auto c = static_cast<unsigned char>(text_[pos_++]);
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if (c == '\r') {
      if (pos_ >= text_.size() || text_[pos_] != '\n') {
        ++line_;
        column_ = 1;
      }
    } else if ((c & 0xC0) != 0x80) {
      ++column_;
    }
  }

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      advance();
    }
  }

  /// The value at the current pointer: records where it starts; a scalar is consumed, a container opened.
  bool value() {
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == ',' || c == ':' || c == '}' || c == ']') return false;
    // Below a container that is not wanted nothing is: the set is not even looked up.
    const bool wanted =
        (stack_.empty() || stack_.back().wanted) && (wanted_ == nullptr || wanted_->count(pointer_) != 0);
    if (wanted) out_.emplace(pointer_, TextPosition{line_, column_});
    if (c == '{' || c == '[') {
      advance();
      stack_.push_back({c == '{', pointer_.size(), 0, wanted});
      return true;
    }
    if (c == '"') return string(nullptr);
    // A number, true, false or null: the run of characters up to a delimiter.
    const std::size_t start = pos_;
    while (pos_ < text_.size()) {
      const char d = text_[pos_];
      if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\t' || d == '\n' || d == '\r') break;
      advance();
    }
    return pos_ > start;
  }

  /// Four hex digits after "\u"; nullopt when malformed.
  std::optional<std::uint32_t> hex4() {
    if (pos_ + 4 > text_.size()) return std::nullopt;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_];
      v <<= 4;
      if (h >= '0' && h <= '9') {
        v |= static_cast<std::uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v |= static_cast<std::uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v |= static_cast<std::uint32_t>(h - 'A' + 10);
      } else {
        return std::nullopt;
      }
      advance();
    }
    return v;
  }

  /// A string starting at the current '"'; decoded into `decoded` when given (object keys).
  bool string(std::string* decoded) {
    advance();  // "
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '"') {
        advance();
        return true;
      }
      if (c != '\\') {
        if (decoded != nullptr) *decoded += c;
        advance();
        continue;
      }
      advance();
      if (pos_ >= text_.size()) return false;
      const char e = text_[pos_];
      advance();
      if (e == 'u') {
        auto cp = hex4();
        if (!cp) return false;
        // A surrogate pair is one code point.
        if (*cp >= 0xD800 && *cp < 0xDC00 && pos_ + 1 < text_.size() && text_[pos_] == '\\' && text_[pos_ + 1] == 'u') {
          advance();
          advance();
          auto low = hex4();
          if (!low) return false;
          if (*low >= 0xDC00 && *low < 0xE000) cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
        }
        if (decoded != nullptr) append_utf8(*decoded, *cp);
        continue;
      }
      if (decoded == nullptr) continue;
      switch (e) {
        case 'b': *decoded += '\b'; break;
        case 'f': *decoded += '\f'; break;
        case 'n': *decoded += '\n'; break;
        case 'r': *decoded += '\r'; break;
        case 't': *decoded += '\t'; break;
        default: *decoded += e;  // " \ /
      }
    }
    return false;
  }
};

}  // namespace

JsonPositions::JsonPositions(std::string_view text) { index(text, nullptr); }

JsonPositions::JsonPositions(std::string_view text, const std::vector<std::string>& pointers) {
  index(text, &pointers);
}

void JsonPositions::index(std::string_view text, const std::vector<std::string>* pointers) {
  std::unordered_set<std::string> wanted;
  if (pointers != nullptr) {
    for (const auto& p : *pointers) {
      wanted.insert("");
      for (std::size_t i = p.find('/', 1); i != std::string::npos; i = p.find('/', i + 1))
        wanted.insert(p.substr(0, i));
      wanted.insert(p);
    }
  }
  valid_ = Scanner(text, pointers != nullptr ? &wanted : nullptr, positions_).run();
}

std::optional<TextPosition> JsonPositions::find(std::string_view pointer) const {
  const auto it = positions_.find(std::string(pointer));
  if (it == positions_.end()) return std::nullopt;
  return it->second;
}

std::optional<TextPosition> JsonPositions::locate(std::string_view pointer, bool* exact) const {
  if (exact != nullptr) *exact = false;
  std::string p(pointer);
  for (bool first = true;; first = false) {
    if (const auto it = positions_.find(p); it != positions_.end()) {
      if (exact != nullptr) *exact = first;
      return it->second;
    }
    if (p.empty()) return std::nullopt;
    const auto slash = p.rfind('/');
    p.resize(slash == std::string::npos ? 0 : slash);
  }
}

OutOfRangeNumber find_out_of_range_number(std::string_view what, std::string_view text) {
  const std::size_t open = what.find('\'');
  const std::size_t close = what.rfind('\'');
  OutOfRangeNumber found;
  if (open != std::string_view::npos && close > open) found.number = what.substr(open + 1, close - open - 1);
  if (!found.number.empty()) found.offset = text.find(found.number);
  return found;
}

std::pair<int, int> line_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  int line = 1;
  std::size_t start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      start = i + 1;
    }
  }
  return {line, static_cast<int>(offset - start) + 1};
}

}  // namespace exposim::importers
