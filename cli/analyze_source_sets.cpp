// analyze's shared source sets (cli/analyze_source_sets.h).
#include "cli/analyze_source_sets.h"
#include "solver/analysis.h"

#include <cstdint>

#include "cli/json_writer.h"

namespace exposim::cli {

SourceSets::SourceSets(const solver::Analysis& a) {
  for (const auto* list : {&a.exposures, &a.broken}) {
    for (const auto& e : *list) {
      const auto [it, added] = ids_.try_emplace(&e.sources.get(), sets_.size());
      if (added) {
        sets_.push_back(&e.sources.get());
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
  std::string text;
  append_set(text, id);
  out << text;
}

void SourceSets::append_set(std::string& out, std::size_t id) const {
  JsonWriter w(out);
  w.begin_object().field("id", std::uint64_t{id}).key("sources");
  const std::size_t count = w.cidr_list(*sets_[id]);
  w.field("cidr_count", std::uint64_t{count}).field("references", std::uint64_t{references_[id]});
  w.end_object();
}

}  // namespace exposim::cli
