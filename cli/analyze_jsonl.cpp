// analyze's JSON Lines (cli/analyze_jsonl.h).
#include "cli/analyze_jsonl.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/analyze_counts.h"
#include "cli/analyze_source_sets.h"
#include "cli/json_parts.h"
#include "cli/json_writer.h"
#include "cli/ordered_records.h"
#include "cli/source_lists.h"
#include "solver/analysis.h"

namespace exposim::cli {

using nlohmann::ordered_json;

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
    const int jobs = std::max(options.jobs, 1);
    std::optional<SourceSets> shared;
    if (options.version == 2) shared.emplace(a);
    // Exposures, then broken flows, as one sequence of records.
    const std::size_t exposures = a.exposures.size();
    const auto record = [&](std::size_t i) -> const solver::Exposure& {
      return i < exposures ? a.exposures[i] : a.broken[i - exposures];
    };
    // Version 1: each distinct `sources` list formatted once, where first needed, and dropped after its last use.
    std::optional<SourceLists> lists;
    if (!shared) lists.emplace(exposures + a.broken.size(), record);
    std::size_t next_set = 0;  // version 2: the first set not yet written, since ids follow first use
    struct Round {
      std::size_t first{0};
      std::vector<const std::string*> sources;                       // each record's `sources` value
      std::vector<std::pair<std::size_t, std::size_t>> sets_before;  // version 2: the sets [from, to) it introduces
    } round;
    write_records_in_order(
        out, exposures + a.broken.size(), jobs,
        [&](std::size_t first, std::size_t last) {
          round.first = first;
          round.sources.clear();
          round.sets_before.clear();
          if (!shared) {
            round.sources = lists->prepare(first, last, jobs);
            return;
          }
          for (std::size_t i = first; i < last; ++i) {
            const model::IpSet& s = record(i).sources;
            const std::size_t id = shared->id(s);
            const std::size_t from = next_set;
            next_set = std::max(next_set, id + 1);
            round.sets_before.emplace_back(from, next_set);
            round.sources.push_back(&shared->reference(s));
          }
        },
        [&](std::size_t i, std::string& text) {
          const std::size_t k = i - round.first;
          if (shared) {
            for (std::size_t id = round.sets_before[k].first; id < round.sets_before[k].second; ++id) {
              text += R"({"source_set":)";
              shared->append_set(text, id);
              text += "}\n";
            }
          }
          text += i < exposures ? R"({"exposure":)" : R"({"broken":)";
          append_exposure_json(text, m, record(i), *round.sources[k], options.version);
          text += "}\n";
        });
  }
  for (const auto& d : diagnostics) out << R"({"diagnostic":)" << diagnostic_json(d).dump() << "}\n";
}

}  // namespace exposim::cli
