// Progress of a long run on stderr (cli/progress.h).
#include "cli/progress.h"
#include "cli/text_table.h"

#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

namespace exposim::cli {

namespace {

std::string megabytes(std::uintmax_t bytes) { return fmt::format("{:.1f}", static_cast<double>(bytes) / 1e6); }

}  // namespace

Progress::Progress(std::ostream& err, bool enabled, Clock clock)
    : err_(err),
      enabled_(enabled),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })) {
  start_ = clock_();
}

Progress::~Progress() { clear(); }

void Progress::update(std::string_view text) {
  if (!enabled_) return;
  const TimePoint now = clock_();
  if (now - start_ < kDelay) return;
  if (width_ > 0 && now - last_ < kInterval) return;
  last_ = now;
  const std::string line = "exposim: " + std::string(text);
  // Spaces cover what a longer previous line left on the terminal.
  const std::size_t pad = width_ > line.size() ? width_ - line.size() : 0;
  err_ << '\r' << line << std::string(pad, ' ') << std::flush;
  width_ = line.size();
}

void Progress::clear() {
  if (width_ == 0) return;
  err_ << '\r' << std::string(width_, ' ') << '\r' << std::flush;
  width_ = 0;
}

bool progress_wanted(const std::ostream& err, bool quiet) {
  return !quiet && &err == &std::cerr && ::isatty(STDERR_FILENO) == 1;
}

std::string import_progress_text(std::string_view path, std::size_t index, std::size_t files,
                                 std::uintmax_t bytes_before, std::uintmax_t total_bytes) {
  const auto slash = path.find_last_of('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return fmt::format("importing {} ({} of {} files, {} of {} MB)", name, with_thousands(index + 1),
                     with_thousands(files), megabytes(bytes_before), megabytes(total_bytes));
}

std::string solve_progress_text(std::string_view stage, std::size_t done, std::size_t total) {
  return fmt::format("solving: {} {} of {}", stage, with_thousands(done), with_thousands(total));
}

}  // namespace exposim::cli
