// Records of a large report formatted on the --jobs workers in chunks and written in their own order, so that the
// bytes do not depend on the number of workers or on the scheduling.
#pragma once

#include <cstddef>
#include <functional>
#include <ostream>
#include <string>

namespace exposim::cli {

/// Writes records [0, count) to `out` in index order. Records are taken in rounds (2,048 per worker, at most
/// 16,384): for each round `prepare(first, last)` runs on the calling thread (for work that must follow the order,
/// such as numbering source sets at first use), then `format(i, text)` appends record i to `text` on `jobs`
/// workers, a chunk of consecutive records per worker at a time, and the round's text is written. `format` must be
/// safe to call concurrently for different records (it may read what `prepare` stored for the round). Memory holds
/// one round's text. With `jobs` 1 everything runs on the calling thread in index order. Requires jobs >= 1.
void write_records_in_order(std::ostream& out, std::size_t count, int jobs,
                            const std::function<void(std::size_t first, std::size_t last)>& prepare,
                            const std::function<void(std::size_t i, std::string& text)>& format);

}  // namespace exposim::cli
