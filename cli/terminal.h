// What a report written to the console may assume about it: whether stdout is a terminal, how wide it is,
// and whether colour is welcome (NO_COLOR, https://no-color.org).
#pragma once

#include <ostream>

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

}  // namespace exposim::cli
