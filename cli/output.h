// Where a report goes: to stdout, or to a file that is replaced atomically (the -o, --write, --junit and --sarif
// options of every command).
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace exposim::cli {

/// Remembers `paths` as inputs of the run: write_file_atomically() refuses to replace one of them (the same
/// directory entry, or the file an input's symbolic link leads to). Paths that do not exist are ignored.
void protect_inputs(const std::vector<std::string>& paths);

/// Forgets the inputs protect_inputs() remembered (at the start of each command).
void clear_protected_inputs();

/// Writes to `path` atomically: `write` fills a temporary file in the same directory, which then replaces
/// `path` by rename. On any failure the original file is untouched and no temporary file is left;
/// returns false and sets `error` (an exception from `write` is passed on, after the temporary file is
/// removed). A symbolic link at `path` is replaced itself: the file it pointed to is never written. A `path`
/// that is one of the protected inputs is not written: false, and `error` says so.
bool write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write,
                           std::string& error);

/// Streams a report to `out` when `path` is "" or "-", else to the file `path` (atomically); no copy of the
/// report is held in memory. Returns kExitOk, or kExitOutputError after printing why to `err`.
int write_output(const std::string& path, const std::function<void(std::ostream&)>& write, std::ostream& out,
                 std::ostream& err);

}  // namespace exposim::cli
