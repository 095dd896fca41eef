// analyze's shared source sets (cli/analyze_source_sets.h).
#include "cli/analyze_source_sets.h"
#include "solver/analysis.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace exposim::cli {

SourceSets::SourceSets(const solver::Analysis& a) {
  for (const auto* list : {&a.exposures, &a.broken}) {
    for (const auto& e : *list) {
      const auto [it, added] = ids_.try_emplace(&e.sources, sets_.size());
      if (added) {
        sets_.push_back(&e.sources);
        references_.push_back(0);
        texts_.push_back(std::to_string(it->second));
      }
      ++references_[it->second];
    }
  }
}

std::size_t SourceSets::id(const model::IpSet& s) const { return ids_.at(&s); }

const std::string& SourceSets::reference(const model::IpSet& s) const { return texts_[id(s)]; }

void SourceSets::write_set(std::ostream& out, std::size_t id) const {
  const auto cidrs = model::to_cidr_strings(*sets_[id]);
  out << fmt::format(R"({{"id":{},"sources":{},"cidr_count":{},"references":{}}})", id,
                     nlohmann::ordered_json(cidrs).dump(), cidrs.size(), references_[id]);
}

}  // namespace exposim::cli
