// Directories among the input paths (`exposim analyze DIR`): each is read recursively, and its files that are inputs
// (by their content: importers::detect_input_kind()) take its place in the list, in sorted order; the others are
// skipped with a reason, and a summary says what was read (README.md, "Using it").
#pragma once

#include <cstddef>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "model/diagnostic.h"

namespace exposim::cli {

/// At most this many entries (files and directories) are looked at in the directories of one run.
inline constexpr std::size_t kMaxDirectoryEntries = 100000;

/// What one directory given as an input held.
struct DirectoryInputs {
  std::string directory;                     // as given
  std::vector<std::string> files;            // the inputs read, sorted
  std::map<std::string, std::size_t> kinds;  // "resource JSON", "template", ... -> files of that kind
  struct Skipped {
    std::string path;
    std::string reason;
  };
  std::vector<Skipped> skipped;  // sorted by path
};

/// The input paths with every directory replaced by its input files (the other paths kept as given, in place);
/// `dirs` gets what each directory held. A directory that cannot be read, and more than kMaxDirectoryEntries
/// entries, are errors in `diags`. Symbolic links are followed, each directory and file read once (a link loop
/// ends there); FIFOs, devices and sockets are never opened.
std::vector<std::string> expand_input_directories(const std::vector<std::string>& paths,
                                                  std::vector<DirectoryInputs>& dirs, model::Diagnostics& diags);

/// The summary of one directory on `err`: the files read by kind, and the files skipped with their reason (the
/// first ten, unless `verbose`).
void print_directory_summary(const DirectoryInputs& d, bool verbose, std::ostream& err);

}  // namespace exposim::cli
