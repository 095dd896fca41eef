// Source regions for SARIF: files read once, pointers mapped to lines.
#include "cli/source_regions.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace exposim::cli {

SourceRegions::SourceRegions(const std::vector<model::SourceLocation>& locations) {
  std::map<std::string, std::vector<std::string>> pointers;
  for (const auto& l : locations) {
    if (l.file.empty() || l.line > 0) continue;
    pointers[l.file.str()].push_back(l.pointer);
  }
  for (auto& [file, list] : pointers) {
    std::ifstream in(file, std::ios::binary);
    if (!in) continue;
    std::ostringstream text;
    text << in.rdbuf();
    files_.emplace(file, importers::JsonPositions(text.str(), list));
  }
}

std::optional<importers::TextPosition> SourceRegions::region(const model::SourceLocation& where) const {
  if (where.line > 0) return importers::TextPosition{where.line, std::max(1, where.column)};
  const auto it = files_.find(where.file.str());
  if (it == files_.end()) return std::nullopt;
  return it->second.locate(where.pointer);
}

}  // namespace exposim::cli
