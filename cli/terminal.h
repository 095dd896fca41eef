// What a report written to the console may assume about it: whether stdout is a terminal, how wide it is,
// and whether colour is welcome (NO_COLOR, https://no-color.org); and text from the input made safe to print on
// it (no control sequence of the input reaches the terminal: docs/security.md).
#pragma once

#include <functional>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace exposim::cli {

/// How a table is fitted to where it goes.
struct TerminalLayout {
  /// The width to fit, in characters; 0 = unlimited (one line per row, full cells).
  int columns{0};
  /// ANSI colour for risky rows instead of a marker column.
  bool colour{false};
};

/// The width of a terminal: $COLUMNS when it is a positive number, else the width the kernel reports for
/// `fd` (ioctl TIOCGWINSZ), else 80.
int terminal_columns(int fd);

/// True when NO_COLOR is unset or empty.
bool colour_allowed();

/// The layout for a report written to `out`: when `out` is std::cout and stdout is a terminal, its width and
/// colour unless NO_COLOR is set; otherwise (a file, a pipe, a string stream) unlimited width and no colour.
TerminalLayout detect_terminal(const std::ostream& out);

/// `text` made safe to print on a terminal, so that a name from the input cannot move the cursor, recolour,
/// retitle the window or reorder what follows: C0 control characters but newline and tab, and DEL, become
/// `\xNN` (ESC is `\x1b`); C1 control characters (U+0080-U+009F) and the bidirectional overrides and isolates
/// (U+202A-U+202E, U+2066-U+2069) become `\uNNNN`; a byte that is not part of valid UTF-8 becomes `\xNN`.
/// Everything else, other UTF-8 included, is unchanged; so is text already escaped (the result is printable).
std::string terminal_text(std::string_view text);

/// terminal_text() for one cell of a table or one item of a line: newline and tab too become `\x0a` and `\x09`,
/// so that a name can neither break the table's alignment nor forge a line of the report.
std::string terminal_cell(std::string_view text);

/// The incremental form of terminal_text(), for text that arrives in pieces (a UTF-8 sequence may be split).
class TerminalEscaper {
 public:
  /// With `single_line`, newline and tab are escaped too (terminal_cell()).
  explicit TerminalEscaper(bool single_line = false) : single_line_(single_line) {}
  /// Appends the escaped form of the byte `c` to `out`; a byte inside a UTF-8 sequence waits for the rest.
  void put(char c, std::string& out);
  /// Appends the bytes of an unfinished UTF-8 sequence, escaped (the text ended inside it).
  void finish(std::string& out);

 private:
  void flush_invalid(std::string& out);

  unsigned char pending_[4]{};
  int have_{0};
  int need_{0};
  bool single_line_{false};
};

/// A stream buffer that writes everything put into it to `target`, escaped as terminal_text() does. The
/// escaped text reaches `target` on every write; an unfinished UTF-8 sequence is written when the buffer is
/// destroyed.
class TerminalSafeBuf : public std::streambuf {
 public:
  explicit TerminalSafeBuf(std::streambuf* target) : target_(target) {}
  TerminalSafeBuf(const TerminalSafeBuf&) = delete;
  TerminalSafeBuf& operator=(const TerminalSafeBuf&) = delete;
  ~TerminalSafeBuf() override;

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool send();

  std::streambuf* target_;
  TerminalEscaper escaper_;
  std::string escaped_;
};

/// Calls `write` with a stream that escapes as terminal_text() does and writes to `out`: the text reports
/// (tables, explain's trace, check's text, whatif's table and Markdown) go through it, so that no string of the
/// input reaches a terminal raw. A write failure of `out` sets its badbit.
void write_terminal_safe(std::ostream& out, const std::function<void(std::ostream&)>& write);

}  // namespace exposim::cli
