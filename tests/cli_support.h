// Helpers of the tests that run the exposim command line in-process: its result, the bundled examples and
// scratch files, Graphviz's presence and a scoped environment variable.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/process.h"

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

/// A file of the hub-and-spoke example (appended piecewise: GCC 12 warns falsely on the concatenation inlined).
inline std::string hub_file(const char* name) {
  std::string path = EXPOSIM_SOURCE_DIR;
  path.append("/examples/hub-and-spoke/").append(name);
  return path;
}

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

/// Whether Graphviz's `dot` runs on this machine (the tests of rendered diagrams skip without it).
inline bool has_dot() {
  const auto r = cli::run_process({"dot", "-V"}, "");
  return r.spawn_error == 0 && r.exit_status == 0;
}

/// Sets an environment variable for the scope, restoring the old value.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) {
    if (const char* v = std::getenv(name.c_str())) old = v;
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (old) {
      ::setenv(name.c_str(), old->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
};

}  // namespace exposim::testing
