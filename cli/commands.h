// The command table of the exposim executable and the shared input pipeline.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace exposim::cli {

/// Runs exposim with `args` (without the program name); returns the process exit code (cli/exit_codes.h).
/// Writes reports to `out` (or the -o file) and diagnostics to `err`. Never throws.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// Writes to `path` atomically: `write` fills a temporary file in the same directory, which then replaces
/// `path` by rename. On any failure the original file is untouched and no temporary file is left;
/// returns false and sets `error`.
bool write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write,
                           std::string& error);

}  // namespace exposim::cli
