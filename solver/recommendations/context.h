// What the recommendation areas share (solver/recommendations/*.cpp): the inputs, the options, and how a finding is
// added. Internal to solver/recommendation.cpp and the area files.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "solver/recommendation.h"

namespace exposim::solver::recommendations {

struct Context {
  const model::Model& model;
  const Analysis& analysis;
  const RecommendOptions& options;
  std::vector<Finding>& findings;

  /// The id is in `options.skip`: the area must not evaluate it.
  bool skipped(std::string_view id) const { return options.skip.find(id) != options.skip.end(); }
  /// Appends a finding of recommendation `id` (which must be in the catalog) about resource (`kind`, `index`),
  /// located at the resource's object until the caller sets `where`.
  Finding& add(std::string_view id, FindingStatus status, model::ResourceKind kind, int index);
  /// Findings from `first` on: a location no input gave (a hand-built model, an importer that does not read the
  /// property) becomes the resource's object, as for an absent property.
  void locate_unset(std::size_t first);
};

/// Defender's reference page of the compute recommendations, which network.cpp's rows cite too.
inline constexpr const char* kComputePage =
    "https://learn.microsoft.com/azure/defender-for-cloud/recommendations-reference-compute";
/// How evidence writes a value only known at deployment.
inline constexpr const char* kUnknownValue = "unknown until deployment";
/// A property as evidence writes it: its value ("true"/"false" for a boolean), "absent" or kUnknownValue.
std::string setting_text(const model::Setting<bool>& v);
std::string setting_text(const model::Setting<std::string>& v);

/// One area of the catalog: its rows (in id order) and its evaluation, which adds one finding per resource the
/// recommendation applies to (every status, healthy included) for each id of its rows not skipped.
struct Area {
  const std::vector<RecommendationInfo>& (*rows)();
  void (*evaluate)(Context& ctx);
};

// network.cpp: EXP-NET-*.
const std::vector<RecommendationInfo>& network_rows();
void evaluate_network(Context& ctx);
// paas.cpp: EXP-STO-*, EXP-KV-*, EXP-SQL-*, EXP-COS-*, EXP-APP-*.
const std::vector<RecommendationInfo>& paas_rows();
void evaluate_paas(Context& ctx);
// compute.cpp: EXP-VM-*, EXP-IDN-*.
const std::vector<RecommendationInfo>& compute_rows();
void evaluate_compute(Context& ctx);

}  // namespace exposim::solver::recommendations
