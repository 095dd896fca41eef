// analyze's JSON Lines (cli/analyze_jsonl.h).
#include "cli/analyze_jsonl.h"

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/analyze_counts.h"
#include "cli/analyze_source_sets.h"
#include "cli/json_parts.h"
#include "solver/analysis.h"

namespace exposim::cli {
namespace {

using nlohmann::ordered_json;

/// Version 1's `sources` lists, serialised once per distinct set.
class JsonlSourceLists {
 public:
  const std::string& json(const model::IpSet& s) {
    auto it = lists_.find(&s);
    if (it == lists_.end()) it = lists_.emplace(&s, sources_list_json(s)).first;
    return it->second;
  }

 private:
  struct Less {
    bool operator()(const model::IpSet* x, const model::IpSet* y) const { return *x < *y; }
  };
  std::map<const model::IpSet*, std::string, Less> lists_;
};

}  // namespace

void write_json_lines(std::ostream& out, const model::Model& m, const solver::Analysis& a,
                      const std::vector<model::Diagnostic>& diagnostics, const JsonOptions& options) {
  ordered_json header;
  if (options.summary) {
    header = {{"format", "exposim-analyze-summary"}, {"version", 1}, {"summary", analyze_summary_json(a)}};
    const ordered_json counts = summary_counts_json(a);
    for (const auto& [key, value] : counts.items()) header[key] = value;
  } else {
    header = {
        {"format", "exposim-analyze"}, {"version", options.version == 2 ? 2 : 1}, {"summary", analyze_summary_json(a)}};
  }
  out << R"({"header":)" << header.dump() << "}\n";
  if (!options.summary) {
    std::optional<SourceSets> shared;
    if (options.version == 2) shared.emplace(a);
    JsonlSourceLists lists;
    std::size_t next_set = 0;  // the first set not yet written: ids follow first use
    const auto write_record = [&](const char* kind, const solver::Exposure& e) {
      if (shared) {
        const std::size_t id = shared->id(e.sources);
        for (; next_set <= id; ++next_set) {
          out << R"({"source_set":)";
          shared->write_set(out, next_set);
          out << "}\n";
        }
      }
      out << "{\"" << kind << "\":";
      write_exposure_object(out, m, e, shared ? shared->reference(e.sources) : lists.json(e.sources), options.version);
      out << "}\n";
    };
    for (const auto& e : a.exposures) write_record("exposure", e);
    for (const auto& e : a.broken) write_record("broken", e);
  }
  for (const auto& d : diagnostics) out << R"({"diagnostic":)" << diagnostic_json(d).dump() << "}\n";
}

}  // namespace exposim::cli
