// Framing scanner for big JSON resource lists (see json_stream.h). The inner loop skips string bodies with
// memchr and classifies the other bytes with a table; newlines are counted lazily, once per byte, only to
// turn byte offsets into line:column for errors.
#include "importers/azure/json_stream.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>

#include "model/ascii.h"

namespace exposim::importers::azure {
namespace {

enum ByteClass : std::uint8_t { kPlain = 0, kQuote, kOpen, kClose };

constexpr std::array<std::uint8_t, 256> kClass = [] {
  std::array<std::uint8_t, 256> t{};
  t['"'] = kQuote;
  t['{'] = kOpen;
  t['['] = kOpen;
  t['}'] = kClose;
  t[']'] = kClose;
  return t;
}();

bool is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_delimiter(char c) {
  return is_space(static_cast<unsigned char>(c)) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' ||
         c == '"' || c == ':';
}

/// The closing quote of a string body starting at `p` (`escaped`: p's byte is escaped), or nullptr when the
/// body runs past `end`; then `escaped` says whether the byte after `end` is escaped.
const char* find_string_end(const char* p, const char* end, bool& escaped) {
  while (p < end) {
    if (escaped) {
      escaped = false;
      ++p;
      continue;
    }
    const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
    const char* stop = q ? q : end;
    // A backslash run that starts at p or after a non-backslash byte is not itself escaped.
    std::size_t run = 0;
    for (const char* r = stop; r > p && r[-1] == '\\'; --r) ++run;
    if (!q) {
      escaped = (run & 1) != 0;
      return nullptr;
    }
    if ((run & 1) == 0) return q;
    p = q + 1;
  }
  return nullptr;
}

using model::ascii::equals_lower;

bool is_json_number(std::string_view t) {
  std::size_t i = 0;
  auto digit = [&](std::size_t k) { return k < t.size() && t[k] >= '0' && t[k] <= '9'; };
  if (i < t.size() && t[i] == '-') ++i;
  if (!digit(i)) return false;
  if (t[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == t.size();
}

/// `'x'` for a printable byte, `byte 0xNN` otherwise.
std::string describe_byte(int c) {
  if (c >= 0x20 && c < 0x7f) return fmt::format("'{}'", static_cast<char>(c));
  return fmt::format("byte 0x{:02x}", c & 0xff);
}

/// Printable rendering of a short token for messages.
std::string printable(std::string_view s) {
  std::string out;
  for (char ch : s.substr(0, 32)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  if (s.size() > 32) out += "...";
  return out;
}

int clamp_int(std::uint64_t v) { return v > static_cast<std::uint64_t>(INT_MAX) ? INT_MAX : static_cast<int>(v); }

}  // namespace

// ---- sources ----

std::ptrdiff_t MemorySource::read(char* dst, std::size_t n) {
  const std::size_t k = std::min(n, text_.size() - pos_);
  if (k > 0) std::memcpy(dst, text_.data() + pos_, k);
  pos_ += k;
  return static_cast<std::ptrdiff_t>(k);
}

FileSource::~FileSource() {
  if (fd_ >= 0) ::close(fd_);
}

bool FileSource::open(const std::string& path, std::optional<std::uint64_t>* size) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    error_ = std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    error_ = std::strerror(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    error_ = std::strerror(EISDIR);
    return false;
  }
  if (S_ISREG(st.st_mode)) {
    if (size) *size = static_cast<std::uint64_t>(st.st_size);
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  return true;
}

std::ptrdiff_t FileSource::read(char* dst, std::size_t n) {
  for (;;) {
    const ssize_t k = ::read(fd_, dst, n);
    if (k >= 0) return k;
    if (errno == EINTR) continue;
    error_ = std::strerror(errno);
    return -1;
  }
}

const char* to_string(StreamShape s) {
  switch (s) {
    case StreamShape::kUnknown: return "";
    case StreamShape::kArray: return "array";
    case StreamShape::kValue: return "value";
    case StreamShape::kData: return "data";
    case StreamShape::kObject: return "object";
  }
  return "";
}

// ---- the stream ----

JsonStream::JsonStream(ByteSource& source, StreamOptions options) : source_(source), options_(options) {
  if (options_.chunk_size == 0) options_.chunk_size = 1;
  stack_.reserve(std::min<std::size_t>(options_.max_depth, 1024) + 1);
}

bool JsonStream::fill() {
  if (eof_ || read_failed_ || error_) return false;
  // Drop the bytes nobody needs any more (counting their newlines first).
  const std::uint64_t drop_to = std::min(keep_, pos_);
  if (drop_to > base_) {
    count_lines_to(drop_to);
    const std::size_t drop = static_cast<std::size_t>(drop_to - base_);
    std::memmove(buffer_.get(), buffer_.get() + drop, length_ - drop);
    length_ -= drop;
    base_ = drop_to;
  }
  const std::size_t chunk = options_.chunk_size;
  const std::size_t room = capacity_ >= length_ + kStreamPadding ? capacity_ - length_ - kStreamPadding : 0;
  if (room < std::max<std::size_t>(chunk / 2, 1)) {
    const std::size_t wanted = std::max(length_ + chunk + kStreamPadding, capacity_ * 2);
    auto bigger = std::make_unique_for_overwrite<char[]>(wanted);
    if (length_ > 0) std::memcpy(bigger.get(), buffer_.get(), length_);
    buffer_ = std::move(bigger);
    capacity_ = wanted;
  }
  std::size_t want = std::min(chunk, capacity_ - length_ - kStreamPadding);
  // Read one byte past the size limit, to notice when the input exceeds it.
  const std::uint64_t allowed = options_.max_bytes - std::min(options_.max_bytes, total_read_);
  if (allowed < want) want = static_cast<std::size_t>(allowed) + 1;
  const std::ptrdiff_t got = source_.read(buffer_.get() + length_, want);
  if (got < 0) {
    read_failed_ = true;
    return fail("file-read", "cannot read file: " + source_.error());
  }
  if (got == 0) {
    eof_ = true;
    std::memset(buffer_.get() + length_, 0, kStreamPadding);
    return false;
  }
  total_read_ += static_cast<std::uint64_t>(got);
  length_ += static_cast<std::size_t>(got);
  std::memset(buffer_.get() + length_, 0, kStreamPadding);
  if (total_read_ > options_.max_bytes) {
    return fail("file-too-large", fmt::format("file is larger than the limit of {} bytes", options_.max_bytes));
  }
  return true;
}

int JsonStream::peek_non_space() {
  for (;;) {
    while (pos_ < end_offset()) {
      const auto c = static_cast<unsigned char>(*at(pos_));
      if (!is_space(c)) return c;
      ++pos_;
    }
    if (state_ != State::kTopMembers || wrapper_found_) keep_ = std::max(keep_, pos_);
    if (!fill()) return -1;
  }
}

void JsonStream::count_lines_to(std::uint64_t offset) {
  offset = std::min(offset, end_offset());
  if (offset <= counted_) return;
  const char* const begin = at(counted_);
  const char* const end = at(offset);
  const char* p = begin;
  std::uint64_t newlines = 0;
  constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  constexpr std::uint64_t kNewlines = 0x0a0a0a0a0a0a0a0aULL;
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const std::uint64_t x = w ^ kNewlines;                            // zero bytes where '\n' was
    const std::uint64_t zero = ~(((x & kLow7) + kLow7) | x | kLow7);  // 0x80 exactly at zero bytes
    // One bit per byte, at bit 7: sum the bytes with a multiply (no popcount instruction needed).
    newlines += ((zero >> 7) * 0x0101010101010101ULL) >> 56;
    p += 8;
  }
  for (; p < end; ++p) newlines += *p == '\n';
  if (newlines > 0) {
    line_ = static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(line_) + newlines, INT_MAX));
    const void* last = ::memrchr(begin, '\n', static_cast<std::size_t>(end - begin));
    line_start_ = base_ + static_cast<std::uint64_t>(static_cast<const char*>(last) - buffer_.get()) + 1;
  }
  counted_ = offset;
}

TextPosition JsonStream::position(std::uint64_t offset) {
  offset = std::min(offset, end_offset());
  if (offset < counted_) {
    if (offset >= line_start_) return {line_, clamp_int(offset - line_start_ + 1)};
    return {};
  }
  count_lines_to(offset);
  return {line_, clamp_int(offset - line_start_ + 1)};
}

bool JsonStream::fail(std::string code, std::string message, TextPosition where) {
  if (!error_) error_ = StreamError{std::move(code), std::move(message), where};
  state_ = State::kFailed;
  return false;
}

bool JsonStream::fail_syntax_at(std::uint64_t offset, std::string message) {
  const TextPosition where = position(offset);
  return fail("json-syntax", std::move(message), where);
}

TextPosition JsonStream::opener_position(const Opener& o) {
  if (o.position.line > 0) return o.position;
  return position(o.offset);
}

bool JsonStream::fail_truncated(bool in_string) {
  std::string message;
  if (in_string) {
    message = "unexpected end of file inside a string";
  } else if (!stack_.empty()) {
    const Opener& o = stack_.back();
    const TextPosition p = opener_position(o);
    message = fmt::format("unexpected end of file: '{}' at {}:{} is not closed", o.ch, p.line, p.column);
  } else {
    message = "unexpected end of file";
  }
  const TextPosition where = position(end_offset());
  return fail("json-syntax", std::move(message), where);
}

bool JsonStream::fail_read_or_truncated(bool in_string) {
  if (error_) return false;
  return fail_truncated(in_string);
}

bool JsonStream::open_top(char ch) {
  if (stack_.size() >= options_.max_depth) {
    const TextPosition where = position(pos_);
    return fail("json-too-deep", fmt::format("nesting deeper than {} levels", options_.max_depth), where);
  }
  stack_.push_back({ch, pos_, position(pos_)});
  ++pos_;
  return true;
}

bool JsonStream::scan_value() {
  const int c = peek_non_space();
  if (c < 0) return fail_read_or_truncated(false);
  if (c == '{' || c == '[') return scan_container();
  if (c == '"') return scan_string(nullptr);
  if (c == ',' || c == ']' || c == '}' || c == ':') {
    return fail_syntax_at(pos_, "expected a value, found " + describe_byte(c));
  }
  return scan_literal();
}

bool JsonStream::scan_string(std::string* small_copy) {
  const std::uint64_t start = pos_;
  ++pos_;  // the opening quote
  bool escaped = false;
  for (;;) {
    const char* p = at(pos_);
    const char* end = at(end_offset());
    if (const char* close = find_string_end(p, end, escaped)) {
      pos_ += static_cast<std::uint64_t>(close - p) + 1;
      if (small_copy) {
        const std::size_t n = static_cast<std::size_t>(pos_ - start - 2);
        small_copy->assign(at(start + 1), std::min<std::size_t>(n, 64));
      }
      return true;
    }
    pos_ = end_offset();
    if (!fill()) return fail_read_or_truncated(true);
  }
}

bool JsonStream::scan_literal() {
  const std::uint64_t start = pos_;
  for (;;) {
    while (pos_ < end_offset() && !is_delimiter(*at(pos_))) ++pos_;
    if (pos_ < end_offset() || !fill()) break;
  }
  if (error_) return false;
  const std::string_view token(at(start), static_cast<std::size_t>(pos_ - start));
  if (token == "true" || token == "false" || token == "null" || is_json_number(token)) return true;
  return fail_syntax_at(start, "invalid literal '" + printable(token) + "'");
}

bool JsonStream::scan_container() {
  const std::size_t outer = stack_.size();
  bool in_string = false;
  bool escaped = false;
  for (;;) {
    const char* const buf = buffer_.get();
    const char* p = at(pos_);
    const char* const end = buf + length_;
    while (p < end) {
      if (in_string) {
        const char* q = find_string_end(p, end, escaped);
        if (!q) {
          p = end;
          break;
        }
        p = q + 1;
        in_string = false;
        continue;
      }
      const auto c = static_cast<unsigned char>(*p);
      switch (kClass[c]) {
        case kPlain: ++p; continue;
        case kQuote:
          in_string = true;
          ++p;
          continue;
        case kOpen: {
          const std::uint64_t off = base_ + static_cast<std::uint64_t>(p - buf);
          if (stack_.size() >= options_.max_depth) {
            pos_ = off;
            const TextPosition where = position(off);
            return fail("json-too-deep", fmt::format("nesting deeper than {} levels", options_.max_depth), where);
          }
          stack_.push_back({static_cast<char>(c), off, {}});
          ++p;
          continue;
        }
        case kClose: {
          const std::uint64_t off = base_ + static_cast<std::uint64_t>(p - buf);
          const Opener& o = stack_.back();
          if ((o.ch == '{') != (c == '}')) {
            pos_ = off;
            const TextPosition open_at = opener_position(o);
            return fail_syntax_at(off, fmt::format("'{}' does not close '{}' at {}:{}", static_cast<char>(c), o.ch,
                                                   open_at.line, open_at.column));
          }
          stack_.pop_back();
          ++p;
          if (stack_.size() == outer) {
            pos_ = base_ + static_cast<std::uint64_t>(p - buf);
            return true;
          }
          continue;
        }
        default: ++p; continue;
      }
    }
    pos_ = base_ + static_cast<std::uint64_t>(p - buf);
    if (!fill()) return fail_read_or_truncated(in_string);
  }
}

bool JsonStream::next(StreamElement& out) {
  if (state_ != State::kTopMembers || wrapper_found_) keep_ = std::max(keep_, pos_);
  for (;;) {
    bool yielded = false;
    switch (state_) {
      case State::kStart: {
        while (end_offset() < 3 && fill()) {}
        if (error_) return false;
        if (length_ >= 3 && std::memcmp(buffer_.get(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
        const int c = peek_non_space();
        if (c < 0) {
          if (error_) return false;
          return fail("file-empty", total_read_ == 0 ? "file is empty" : "file contains no JSON value");
        }
        if (c == '[') {
          shape_ = StreamShape::kArray;
          state_ = State::kArrayItems;
          expect_ = Expect::kFirstItem;
          if (!open_top('[')) return false;
          break;
        }
        if (c == '{') {
          top_start_ = pos_;
          keep_ = pos_;
          state_ = State::kTopMembers;
          member_expect_ = MemberExpect::kFirstKey;
          if (!open_top('{')) return false;
          break;
        }
        const char* what = c == '"'                               ? "a string"
                           : (c == '-' || (c >= '0' && c <= '9')) ? "a number"
                           : (c == 't' || c == 'f')               ? "a boolean"
                           : c == 'n'                             ? "null"
                                                                  : nullptr;
        if (!what) return fail_syntax_at(pos_, "expected a JSON value, found " + describe_byte(c));
        return fail("unexpected-shape",
                    fmt::format("the top-level value is {}, expected an array of resources, an object with a "
                                "'value' or 'data' array, or a resource object",
                                what));
      }
      case State::kArrayItems:
        if (!step_array_items(out, yielded)) return false;
        if (yielded) return true;
        break;
      case State::kTopMembers:
        if (!step_top_members(out, yielded)) return false;
        if (yielded) return true;
        break;
      case State::kAfterTop: {
        const int c = peek_non_space();
        if (c < 0) {
          if (error_) return false;
          state_ = State::kDone;
          return false;
        }
        return fail_syntax_at(pos_, "unexpected " + describe_byte(c) + " after the top-level value");
      }
      case State::kDone:
      case State::kFailed: return false;
    }
  }
}

bool JsonStream::step_array_items(StreamElement& out, bool& yielded) {
  const int c = peek_non_space();
  if (c < 0) return fail_read_or_truncated(false);
  auto close_array = [&] {
    stack_.pop_back();
    ++pos_;
    if (wrapper_found_) {
      state_ = State::kTopMembers;
      member_expect_ = MemberExpect::kSeparator;
    } else {
      state_ = State::kAfterTop;
    }
    return true;
  };
  if (expect_ == Expect::kSeparator) {
    if (c == ',') {
      ++pos_;
      expect_ = Expect::kItem;
      return true;
    }
    if (c == ']') return close_array();
    return fail_syntax_at(pos_, "expected ',' or ']' after an array element, found " + describe_byte(c));
  }
  if (c == ']') {
    if (expect_ == Expect::kFirstItem) return close_array();
    return fail_syntax_at(pos_, "expected a value after ',', found ']'");
  }
  const std::uint64_t start = pos_;
  keep_ = start;
  if (!scan_value()) return false;
  out.bytes = std::string_view(at(start), static_cast<std::size_t>(pos_ - start));
  out.index = index_++;
  out.offset = start;
  expect_ = Expect::kSeparator;
  yielded = true;
  return true;
}

bool JsonStream::step_top_members(StreamElement& out, bool& yielded) {
  int c = peek_non_space();
  if (c < 0) return fail_read_or_truncated(false);
  auto close_object = [&] {
    stack_.pop_back();
    ++pos_;
    state_ = State::kAfterTop;
    if (!wrapper_found_) {
      shape_ = StreamShape::kObject;
      out.bytes = std::string_view(at(top_start_), static_cast<std::size_t>(pos_ - top_start_));
      out.index = 0;
      out.offset = top_start_;
      yielded = true;
    }
    return true;
  };
  if (member_expect_ == MemberExpect::kSeparator) {
    if (c == ',') {
      ++pos_;
      member_expect_ = MemberExpect::kKey;
      return true;
    }
    if (c == '}') return close_object();
    return fail_syntax_at(pos_, "expected ',' or '}' after an object member, found " + describe_byte(c));
  }
  if (c == '}' && member_expect_ == MemberExpect::kFirstKey) return close_object();
  if (c != '"') return fail_syntax_at(pos_, "expected a string key, found " + describe_byte(c));
  std::string key;
  if (!scan_string(&key)) return false;
  c = peek_non_space();
  if (c < 0) return fail_read_or_truncated(false);
  if (c != ':') return fail_syntax_at(pos_, "expected ':' after an object key, found " + describe_byte(c));
  ++pos_;
  c = peek_non_space();
  if (c < 0) return fail_read_or_truncated(false);
  member_expect_ = MemberExpect::kSeparator;
  const bool is_value = equals_lower(key, "value");
  if (!wrapper_found_ && c == '[' && (is_value || equals_lower(key, "data"))) {
    wrapper_found_ = true;
    wrapper_key_ = key;
    shape_ = is_value ? StreamShape::kValue : StreamShape::kData;
    state_ = State::kArrayItems;
    expect_ = Expect::kFirstItem;
    if (!open_top('[')) return false;
    keep_ = pos_;
    return true;
  }
  if (wrapper_found_) keep_ = pos_;  // a member after the wrapper array is skipped, not kept
  return scan_value();
}

}  // namespace exposim::importers::azure
