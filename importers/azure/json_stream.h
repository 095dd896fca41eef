// Framing scanner for big JSON resource lists: reads the input in chunks and yields the raw bytes of each
// element of the top-level resource array one at a time, so that memory stays bounded by the chunk size
// plus the largest element, whatever the size of the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace exposim::importers::azure {

/// Bytes readable (allocated, content unspecified) after every element the stream yields; equal to
/// simdjson's SIMDJSON_PADDING, so that an element can be parsed in place.
inline constexpr std::size_t kStreamPadding = 64;

/// Where the input bytes come from.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Reads up to `n` bytes into `dst`; returns how many, 0 at the end of the input, -1 on error.
  virtual std::ptrdiff_t read(char* dst, std::size_t n) = 0;
  /// Why the last read failed (strerror text), for diagnostics.
  virtual std::string error() const { return {}; }
};

/// Bytes already in memory (tests, import_text). The text must outlive the source.
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view text) : text_(text) {}
  std::ptrdiff_t read(char* dst, std::size_t n) override;

 private:
  std::string_view text_;
  std::size_t pos_{0};
};

/// A file read sequentially with read(2).
class FileSource final : public ByteSource {
 public:
  FileSource() = default;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  ~FileSource() override;
  /// Opens `path`; false with error() set on failure. `size` receives the size of a regular file.
  bool open(const std::string& path, std::optional<std::uint64_t>* size = nullptr);
  std::ptrdiff_t read(char* dst, std::size_t n) override;
  std::string error() const override { return error_; }

 private:
  int fd_{-1};
  std::string error_;
};

/// How the top level holds the resources.
enum class StreamShape {
  kUnknown,
  kArray,   // [ r, r, ... ]
  kValue,   // { "value": [ r, ... ], ... }  (ARM REST list)
  kData,    // { "data": [ r, ... ], ... }   (Resource Graph)
  kObject,  // { ... }: the whole object is the one element
};
/// "array", "value", "data", "object"; "" for kUnknown.
const char* to_string(StreamShape s);

/// A 1-based line and byte column; 0:0 when unknown.
struct TextPosition {
  int line{0};
  int column{0};
  friend bool operator==(const TextPosition&, const TextPosition&) = default;
};

/// One element of the top-level array (or the single top-level object).
struct StreamElement {
  std::string_view bytes;   // from its first to its last byte; followed by kStreamPadding readable bytes
  std::size_t index{0};     // position in the array
  std::uint64_t offset{0};  // absolute byte offset of bytes[0] in the input
};

/// Why the stream stopped early. Codes are the importer's diagnostic codes:
/// "json-syntax", "json-too-deep", "file-empty", "file-read", "file-too-large", "unexpected-shape".
struct StreamError {
  std::string code;
  std::string message;
  TextPosition position;  // 0:0 when the error is not about a place in the text
};

struct StreamOptions {
  std::size_t chunk_size = std::size_t{16} << 20;  // bytes per read; tests use tiny values
  std::size_t max_depth = 128;                     // nesting cap over the whole document
  std::uint64_t max_bytes = std::numeric_limits<std::uint64_t>::max();
};

/// Splits a JSON document into the elements of its resource list without building a tree of it.
/// It checks the framing (brackets, strings, separators and literals at the top levels, depth) but not
/// the inside of the elements: that is left to whoever parses each element. A UTF-8 byte-order mark is
/// skipped. The wrapper key ("value" / "data") is matched case-insensitively; the first such key whose
/// value is an array wins, other members of the wrapper object are skipped.
class JsonStream {
 public:
  explicit JsonStream(ByteSource& source, StreamOptions options = {});
  JsonStream(const JsonStream&) = delete;
  JsonStream& operator=(const JsonStream&) = delete;

  /// The next element; false at the end of the input or on error (then error() is set). The element's
  /// bytes stay valid, with their padding, until the next call.
  bool next(StreamElement& out);

  /// Known once next() has been called.
  StreamShape shape() const { return shape_; }
  /// The wrapper key as written ("value", "Data"); empty for the array and object shapes.
  const std::string& wrapper_key() const { return wrapper_key_; }
  const std::optional<StreamError>& error() const { return error_; }

  /// Line and column of an absolute byte offset. Valid for offsets inside the element last yielded,
  /// asked in increasing order; 0:0 for an offset already discarded.
  TextPosition position(std::uint64_t offset);

 private:
  enum class State { kStart, kArrayItems, kTopMembers, kAfterTop, kDone, kFailed };
  enum class Expect { kFirstItem, kItem, kSeparator };      // inside an array
  enum class MemberExpect { kFirstKey, kKey, kSeparator };  // inside the top-level object
  struct Opener {
    char ch;
    std::uint64_t offset;
    TextPosition position;  // filled for the top-level containers only
  };

  // Buffer management.
  char* at(std::uint64_t offset) { return buffer_.get() + (offset - base_); }
  std::uint64_t end_offset() const { return base_ + length_; }
  bool fill();
  /// Next non-whitespace byte at pos_, or -1 at the end of input (or on a read error).
  int peek_non_space();

  // Scanning; each leaves pos_ after what it scanned, or sets error_ and returns false.
  bool scan_value();
  bool scan_container();
  bool scan_string(std::string* small_copy);
  bool scan_literal();
  bool open_top(char ch);

  // Errors.
  bool fail(std::string code, std::string message, TextPosition where = {});
  bool fail_syntax_at(std::uint64_t offset, std::string message);
  bool fail_truncated(bool in_string);
  bool fail_read_or_truncated(bool in_string);
  TextPosition opener_position(const Opener& o);
  bool step_top_members(StreamElement& out, bool& yielded);
  bool step_array_items(StreamElement& out, bool& yielded);

  // Line counting over bytes about to be discarded or asked for.
  void count_lines_to(std::uint64_t offset);

  ByteSource& source_;
  StreamOptions options_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_{0};  // bytes allocated, padding included
  std::size_t length_{0};    // valid bytes in buffer_
  std::uint64_t base_{0};    // absolute offset of buffer_[0]
  std::uint64_t pos_{0};     // absolute scan position
  std::uint64_t keep_{0};    // bytes from here on must stay in the buffer
  std::uint64_t total_read_{0};
  bool eof_{false};
  bool read_failed_{false};

  State state_{State::kStart};
  Expect expect_{Expect::kFirstItem};
  MemberExpect member_expect_{MemberExpect::kFirstKey};
  StreamShape shape_{StreamShape::kUnknown};
  std::string wrapper_key_;
  bool wrapper_found_{false};
  std::uint64_t top_start_{0};
  std::size_t index_{0};
  std::vector<Opener> stack_;
  std::optional<StreamError> error_;

  // Newlines counted in [0, counted_): line_ is the line at counted_, line_start_ its first byte.
  std::uint64_t counted_{0};
  int line_{1};
  std::uint64_t line_start_{0};
};

}  // namespace exposim::importers::azure
