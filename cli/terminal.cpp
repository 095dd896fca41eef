// The terminal a report goes to (cli/terminal.h).
#include "cli/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <iostream>

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

}  // namespace exposim::cli
