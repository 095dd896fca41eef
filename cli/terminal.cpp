// The terminal a report goes to (cli/terminal.h).
#include "cli/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include <fmt/format.h>

namespace exposim::cli {

int terminal_columns(int fd) {
  if (const char* env = std::getenv("COLUMNS"); env != nullptr && *env != '\0') {
    int n = 0;
    const char* end = env + std::strlen(env);
    const auto [p, ec] = std::from_chars(env, end, n);
    if (ec == std::errc{} && p == end && n > 0) return n;
  }
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

bool colour_allowed() {
  const char* env = std::getenv("NO_COLOR");
  return env == nullptr || *env == '\0';
}

TerminalLayout detect_terminal(const std::ostream& out) {
  if (&out != &std::cout || ::isatty(STDOUT_FILENO) == 0) return {};
  return {terminal_columns(STDOUT_FILENO), colour_allowed()};
}

namespace {

/// True for the code points terminal_text() escapes although they are valid UTF-8: C1 controls, and the
/// bidirectional embeddings, overrides and isolates (Unicode's "Trojan Source" characters).
bool terminal_escaped_code_point(std::uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void terminal_append_byte_escape(unsigned char c, std::string& out) { out += fmt::format("\\x{:02x}", c); }

}  // namespace

void TerminalEscaper::flush_invalid(std::string& out) {
  for (int i = 0; i < have_; ++i) terminal_append_byte_escape(pending_[i], out);
  have_ = 0;
  need_ = 0;
}

void TerminalEscaper::put(char ch, std::string& out) {
  const auto c = static_cast<unsigned char>(ch);
  if (have_ > 0) {
    // Continuation bytes, with the limits of the second byte that exclude overlong forms, surrogates and code
    // points past U+10FFFF (RFC 3629).
    unsigned char lo = 0x80;
    unsigned char hi = 0xbf;
    if (have_ == 1) {
      if (pending_[0] == 0xe0) lo = 0xa0;
      if (pending_[0] == 0xed) hi = 0x9f;
      if (pending_[0] == 0xf0) lo = 0x90;
      if (pending_[0] == 0xf4) hi = 0x8f;
    }
    if (c >= lo && c <= hi) {
      pending_[have_++] = c;
      if (have_ < need_) return;
      std::uint32_t cp = pending_[0] & (need_ == 2 ? 0x1f : need_ == 3 ? 0x0f : 0x07);
      for (int i = 1; i < have_; ++i) cp = (cp << 6) | (pending_[i] & 0x3f);
      if (terminal_escaped_code_point(cp)) {
        out += fmt::format("\\u{:04x}", cp);
      } else {
        out.append(reinterpret_cast<const char*>(pending_), static_cast<std::size_t>(have_));
      }
      have_ = 0;
      need_ = 0;
      return;
    }
    flush_invalid(out);  // then `c` starts afresh
  }
  if (c < 0x80) {
    if ((c < 0x20 && ((c != '\n' && c != '\t') || single_line_)) || c == 0x7f) {
      terminal_append_byte_escape(c, out);
    } else {
      out += ch;
    }
    return;
  }
  need_ = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (need_ == 0) {
    terminal_append_byte_escape(c, out);  // a continuation byte alone, or a byte UTF-8 never uses
    return;
  }
  pending_[0] = c;
  have_ = 1;
}

void TerminalEscaper::finish(std::string& out) { flush_invalid(out); }

namespace {

std::string terminal_escaped(std::string_view text, bool single_line) {
  std::string out;
  out.reserve(text.size());
  TerminalEscaper e(single_line);
  for (char c : text) e.put(c, out);
  e.finish(out);
  return out;
}

}  // namespace

std::string terminal_text(std::string_view text) { return terminal_escaped(text, false); }

std::string terminal_cell(std::string_view text) { return terminal_escaped(text, true); }

TerminalSafeBuf::~TerminalSafeBuf() {
  escaper_.finish(escaped_);
  send();
}

bool TerminalSafeBuf::send() {
  if (escaped_.empty()) return true;
  const auto n = static_cast<std::streamsize>(escaped_.size());
  const bool ok = target_->sputn(escaped_.data(), n) == n;
  escaped_.clear();
  return ok;
}

TerminalSafeBuf::int_type TerminalSafeBuf::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  escaper_.put(traits_type::to_char_type(ch), escaped_);
  return send() ? ch : traits_type::eof();
}

std::streamsize TerminalSafeBuf::xsputn(const char* s, std::streamsize n) {
  for (std::streamsize i = 0; i < n; ++i) escaper_.put(s[i], escaped_);
  return send() ? n : 0;
}

int TerminalSafeBuf::sync() { return send() && target_->pubsync() == 0 ? 0 : -1; }

void write_terminal_safe(std::ostream& out, const std::function<void(std::ostream&)>& write) {
  bool ok = true;
  {
    TerminalSafeBuf buf(out.rdbuf());
    std::ostream safe(&buf);
    write(safe);
    safe.flush();
    ok = static_cast<bool>(safe);
  }
  if (!ok) out.setstate(std::ios::badbit);
}

}  // namespace exposim::cli
