// libFuzzer target: fuzz_arm_template() (fuzz/entries.h) on each input. Built with -DEXPOSIM_FUZZ=ON (docs/fuzzing.md).
#include <cstddef>
#include <cstdint>

#include "fuzz/entries.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return exposim::fuzz::fuzz_arm_template(data, size);
}
