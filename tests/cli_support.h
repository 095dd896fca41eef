// Helpers of the tests that run the exposim command line in-process: its result, the bundled examples and
// scratch files.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace exposim::testing {

/// What `exposim ARGS...` returned and printed.
struct CliResult {
  int code;
  std::string out;
  std::string err;
};

inline CliResult run_exposim(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = cli::run(args, out, err);
  return {code, out.str(), err.str()};
}

/// A path under examples/.
inline std::string example(const std::string& rel) { return std::string(EXPOSIM_SOURCE_DIR) + "/examples/" + rel; }

/// This test process's own directory for `suite`: exposim-SUITE-test-PID under the temporary directory.
inline std::filesystem::path scratch_dir(const std::string& suite) {
  std::filesystem::path d =
      std::filesystem::temp_directory_path() / ("exposim-" + suite + "-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace exposim::testing
