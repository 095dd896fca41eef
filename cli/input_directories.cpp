// Directories among the input paths, read recursively (cli/input_directories.h).
#include "cli/input_directories.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "cli/terminal.h"
#include "importers/inputs.h"
#include "model/ascii.h"

namespace exposim::cli {
namespace {

namespace fs = std::filesystem;

/// How many bytes of a file decide its kind (as importers/inputs.cpp sniffs a file named on the command line).
constexpr std::size_t kDirectoryHeadBytes = 64 * 1024;

/// The words a kind is counted under in the summary.
const char* directory_kind_name(importers::DetectedKind k) {
  switch (k) {
    case importers::DetectedKind::kResources: return "resource JSON";
    case importers::DetectedKind::kTemplate: return "template";
    case importers::DetectedKind::kParameters: return "parameter file";
    case importers::DetectedKind::kTerraform: return "Terraform";
    default: return "";
  }
}

/// Why a file of a directory is not read, or "" when it is an input (its kind in `kind`).
std::string directory_file_verdict(const fs::path& p, importers::DetectedKind& kind) {
  const std::string ext = model::ascii::lower(p.extension().string());
  if (ext != ".json") return "not a .json file";
  std::ifstream in(p, std::ios::binary);
  if (!in) return "cannot be opened";
  std::string head(kDirectoryHeadBytes + 1, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  const bool truncated = head.size() > kDirectoryHeadBytes;
  if (truncated) head.resize(kDirectoryHeadBytes);
  kind = importers::detect_input_kind(head, truncated);
  switch (kind) {
    case importers::DetectedKind::kServiceTags: return "a service-tag file: give it with --service-tags";
    case importers::DetectedKind::kOtherJson:
      return "JSON that is not resource JSON, a template, a parameter file or a Terraform document";
    case importers::DetectedKind::kNotJson: return "not JSON";
    default: return "";
  }
}

/// Reads directory `given` into `d`; `seen` holds the canonical paths of the directories and files read so far in
/// the run, `entries` counts what was looked at.
void read_directory(const std::string& given, DirectoryInputs& d, std::set<fs::path>& seen, std::size_t& entries,
                    model::Diagnostics& diags) {
  struct Found {
    std::string path;
    std::string reason;  // "" for an input
    importers::DetectedKind kind{importers::DetectedKind::kOtherJson};
  };
  std::vector<Found> found;
  std::vector<fs::path> stack{fs::path(given)};
  std::error_code ec;
  seen.insert(fs::canonical(given, ec));
  while (!stack.empty()) {
    const fs::path dir = stack.back();
    stack.pop_back();
    fs::directory_iterator it(dir, ec);
    if (ec) {
      diags.error("file-read", {model::FileName(dir.generic_string()), "", 0, 0},
                  fmt::format("cannot read directory: {}", ec.message()));
      continue;
    }
    // The entries in sorted order, subdirectories after the files, each in sorted order: which of two links to one
    // file or directory counts as the second is then the same on every run.
    std::vector<fs::path> entries_here;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (++entries > kMaxDirectoryEntries) {
        diags.error("limit-exceeded", {model::FileName(given), "", 0, 0},
                    fmt::format("more than {} files and directories in the input directories; the rest is not read",
                                kMaxDirectoryEntries));
        stack.clear();
        entries_here.clear();
        break;
      }
      entries_here.push_back(it->path());
    }
    if (ec) {
      diags.error("file-read", {model::FileName(dir.generic_string()), "", 0, 0},
                  fmt::format("cannot read directory: {}", ec.message()));
      ec.clear();
    }
    std::sort(entries_here.begin(), entries_here.end());
    std::vector<fs::path> subdirectories;
    for (const fs::path& p : entries_here) {
      const std::string shown = p.generic_string();
      const fs::file_status st = fs::status(p, ec);  // through symbolic links
      if (ec) {
        found.push_back({shown, "a broken symbolic link or unreadable entry"});
        ec.clear();
        continue;
      }
      if (fs::is_directory(st)) {
        subdirectories.push_back(p);
        continue;
      }
      if (!fs::is_regular_file(st)) {
        found.push_back({shown, "not a regular file (a FIFO, device or socket is never opened)"});
        continue;
      }
      if (!seen.insert(fs::canonical(p, ec)).second) {
        found.push_back({shown, "a file already read (a second link to it)"});
        continue;
      }
      Found f{shown, "", importers::DetectedKind::kOtherJson};
      f.reason = directory_file_verdict(p, f.kind);
      found.push_back(std::move(f));
    }
    std::vector<fs::path> next;
    for (const fs::path& p : subdirectories) {
      if (!seen.insert(fs::canonical(p, ec)).second) {
        found.push_back(
            {p.generic_string() + "/", "a directory already read (a symbolic link loop or a second link to it)"});
      } else {
        next.push_back(p);
      }
    }
    stack.insert(stack.end(), next.rbegin(), next.rend());  // the first subdirectory is read next
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.path < b.path; });
  for (auto& f : found) {
    if (f.reason.empty()) {
      ++d.kinds[directory_kind_name(f.kind)];
      d.files.push_back(std::move(f.path));
    } else {
      d.skipped.push_back({std::move(f.path), std::move(f.reason)});
    }
  }
}

}  // namespace

std::vector<std::string> expand_input_directories(const std::vector<std::string>& paths,
                                                  std::vector<DirectoryInputs>& dirs, model::Diagnostics& diags) {
  std::vector<std::string> out;
  std::set<fs::path> seen;
  std::size_t entries = 0;
  for (const auto& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      out.push_back(path);
      continue;
    }
    DirectoryInputs d;
    d.directory = path;
    read_directory(path, d, seen, entries, diags);
    out.insert(out.end(), d.files.begin(), d.files.end());
    dirs.push_back(std::move(d));
  }
  return out;
}

void print_directory_summary(const DirectoryInputs& d, bool verbose, std::ostream& err) {
  std::string kinds;
  for (const auto& [kind, n] : d.kinds) kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", n, kind);
  err << terminal_cell(fmt::format("exposim: {}: {} input file{} read{}{}, {} skipped", d.directory, d.files.size(),
                                   d.files.size() == 1 ? "" : "s", kinds.empty() ? "" : " (",
                                   kinds.empty() ? "" : kinds + ")", d.skipped.size()))
      << '\n';
  constexpr std::size_t kShownSkipped = 10;
  for (std::size_t i = 0; i < d.skipped.size(); ++i) {
    if (!verbose && i == kShownSkipped) {
      err << fmt::format("exposim: {}: {} more skipped; --verbose lists all\n", terminal_cell(d.directory),
                         d.skipped.size() - kShownSkipped);
      break;
    }
    err << terminal_cell(fmt::format("exposim: {}: skipped: {}", d.skipped[i].path, d.skipped[i].reason)) << '\n';
  }
}

}  // namespace exposim::cli
