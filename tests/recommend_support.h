// What the recommend report and check-recommendation tests share beyond tests/recommend_fixture.h: a SARIF fixture
// imported, validated and analysed. estate() is defined in tests/analyze_support.cpp.
#pragma once

#include <string>
#include <vector>

#include "model/model.h"
#include "solver/analysis.h"
#include "tests/recommend_fixture.h"

namespace recommend_support {

struct Estate {
  exposim::model::Model model;
  exposim::solver::Analysis analysis;
};

/// A fixture of tests/data/sarif imported, validated (missing references allowed) and analysed.
Estate estate(const std::vector<std::string>& files);

}  // namespace recommend_support
