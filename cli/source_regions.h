// Where in its input file a resource or property is: the line and column of a SourceLocation's JSON pointer, each
// file read once per report (the pointer-to-line mapping is importers/json_positions.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "importers/json_positions.h"
#include "model/diagnostic.h"

namespace exposim::cli {

/// The line and column of source locations, for one report.
class SourceRegions {
 public:
  /// Reads each file `locations` name once and indexes the pointers they hold (and their ancestors). A file that
  /// cannot be read or is not JSON gives no region for its pointers.
  explicit SourceRegions(const std::vector<model::SourceLocation>& locations);

  /// Where `where` starts: its own line and column when it has them (YAML check specs), else the start of the value
  /// its pointer names in its file, or of the nearest ancestor the file has (a value that an ARM expression or a
  /// copy loop produced); nullopt when neither is known.
  std::optional<importers::TextPosition> region(const model::SourceLocation& where) const;

 private:
  std::map<std::string, importers::JsonPositions, std::less<>> files_;
};

}  // namespace exposim::cli
