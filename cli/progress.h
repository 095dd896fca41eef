// Progress of a long run on stderr: one line ("exposim: importing hub.json (2 of 3 files, 1.2 of 4.0 MB)"),
// rewritten in place with '\r' and erased at the end; shown only on a terminal, not with --quiet, and only once
// the run has taken about a second (README, "Using it").
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace exposim::cli {

class Progress {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Clock = std::function<TimePoint()>;
  /// Before this much time has passed since construction, nothing is shown: a quick run prints nothing.
  static constexpr std::chrono::milliseconds kDelay{1000};
  /// The line is rewritten at most this often.
  static constexpr std::chrono::milliseconds kInterval{100};

  /// Progress on `err`; a disabled one prints nothing ever. `clock` is steady_clock::now unless a test gives one.
  Progress(std::ostream& err, bool enabled, Clock clock = {});
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Whether update() may print (so that callers skip building the text otherwise).
  bool enabled() const { return enabled_; }
  /// Replaces the line by `text`, once kDelay has passed since construction and kInterval since the last update
  /// shown; otherwise does nothing.
  void update(std::string_view text);
  /// Erases the line when one is shown (before anything else is printed to `err`, and at the end).
  void clear();

 private:
  std::ostream& err_;
  bool enabled_;
  Clock clock_;
  TimePoint start_;
  TimePoint last_{};
  std::size_t width_{0};  // characters of the line shown; 0: none
};

/// True when progress may be shown: `err` is the process's stderr, stderr is a terminal, and not `quiet`.
bool progress_wanted(const std::ostream& err, bool quiet);

/// "importing hub.json (2 of 3 files, 1.2 of 4.0 MB)": the file being read (`index` from 0) and the bytes of
/// the files before it, of `total_bytes`.
std::string import_progress_text(std::string_view path, std::size_t index, std::size_t files,
                                 std::uintmax_t bytes_before, std::uintmax_t total_bytes);

/// "solving: network interfaces 1,204 of 30,000": a stage of the solver and how far it is.
std::string solve_progress_text(std::string_view stage, std::size_t done, std::size_t total);

}  // namespace exposim::cli
