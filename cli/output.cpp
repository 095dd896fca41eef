// Reports to stdout or to a file replaced atomically (cli/output.h).
#include "cli/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "cli/exit_codes.h"

namespace exposim::cli {
namespace {

/// An input of the run: its path as given, and the device and inode of its directory entry and of the file it
/// leads to (the same unless it is a symbolic link).
using ProtectedInput = std::tuple<std::string, dev_t, ino_t>;

std::mutex& protected_inputs_mutex() {
  static std::mutex m;
  return m;
}

std::vector<ProtectedInput>& protected_inputs() {
  static std::vector<ProtectedInput> inputs;
  return inputs;
}

/// The protected input that `path` (its directory entry, not followed) is, or nullptr.
const std::string* protected_input_at(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return nullptr;
  for (const auto& [name, dev, ino] : protected_inputs()) {
    if (st.st_dev == dev && st.st_ino == ino) return &name;
  }
  return nullptr;
}

}  // namespace

void protect_inputs(const std::vector<std::string>& paths) {
  const std::lock_guard<std::mutex> lock(protected_inputs_mutex());
  for (const auto& p : paths) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) == 0) protected_inputs().emplace_back(p, st.st_dev, st.st_ino);
    if (::stat(p.c_str(), &st) == 0) protected_inputs().emplace_back(p, st.st_dev, st.st_ino);
  }
}

void clear_protected_inputs() {
  const std::lock_guard<std::mutex> lock(protected_inputs_mutex());
  protected_inputs().clear();
}

bool write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write,
                           std::string& error) {
  {
    const std::lock_guard<std::mutex> lock(protected_inputs_mutex());
    if (const std::string* input = protected_input_at(path)) {
      error = fmt::format("{}: is the input '{}': a report is never written over an input of its run", path, *input);
      return false;
    }
  }
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  // Appended rather than "." + name: GCC 12 warns falsely (-Wrestrict) on that operator+ once inlined here.
  std::string name = ".";
  name += target.filename().string();
  name += ".tmp.XXXXXX";
  std::string tmp = (dir / name).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    error = fmt::format("{}: cannot create a temporary file in '{}': {}", path, dir.string(), std::strerror(errno));
    return false;
  }
  const mode_t mask = ::umask(0);  // mkstemp creates 0600; give the report the permissions a new file gets
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  auto fail = [&](const std::string& what) {
    error = fmt::format("{}: {}: {}", path, what, std::strerror(errno));
    ::unlink(tmp.c_str());
    return false;
  };
  {
    std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
    if (!file) return fail("cannot open the temporary file");
    try {
      write(file);
    } catch (...) {  // out of memory, a bug: the old file stays, the temporary file goes, the error goes on
      file.close();
      ::unlink(tmp.c_str());
      throw;
    }
    file.flush();
    if (!file) return fail("write failed");
  }
  const int sync_fd = ::open(tmp.c_str(), O_RDONLY);
  if (sync_fd < 0 || ::fsync(sync_fd) != 0) {
    if (sync_fd >= 0) ::close(sync_fd);
    return fail("cannot flush the file to disk");
  }
  ::close(sync_fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return fail("cannot replace the file");
  return true;
}

int write_output(const std::string& path, const std::function<void(std::ostream&)>& write, std::ostream& out,
                 std::ostream& err) {
  if (path.empty() || path == "-") {
    write(out);
    out.flush();
    return out ? kExitOk : kExitOutputError;
  }
  std::string error;
  if (!write_file_atomically(path, write, error)) {
    err << "exposim: error: " << error << '\n';
    return kExitOutputError;
  }
  return kExitOk;
}

}  // namespace exposim::cli
