// Records formatted in parallel, written in order (cli/ordered_records.h).
#include "cli/ordered_records.h"

#include <algorithm>
#include <vector>

#include "model/parallel.h"

namespace exposim::cli {
namespace {

/// Records per chunk: large enough that handing out a chunk costs nothing next to formatting it (an exposure is
/// 0.5 to 5 KB of JSON), small enough that uneven records balance across workers.
constexpr std::size_t kRecordsPerChunk = 256;
/// Chunks per round and worker: a round's text is what the writer holds at once.
constexpr std::size_t kChunksPerWorker = 8;
/// At most this many chunks a round, whatever --jobs says (16,384 exposures, some 45 MB of JSON on the fragmented
/// estate), so that a large --jobs does not hold the whole report.
constexpr std::size_t kMaxChunksPerRound = 64;

}  // namespace

void write_records_in_order(std::ostream& out, std::size_t count, int jobs,
                            const std::function<void(std::size_t first, std::size_t last)>& prepare,
                            const std::function<void(std::size_t i, std::string& text)>& format) {
  const std::size_t workers = static_cast<std::size_t>(std::max(jobs, 1));
  const std::size_t chunks_per_round = std::min(kChunksPerWorker * workers, kMaxChunksPerRound);
  const std::size_t per_round = kRecordsPerChunk * chunks_per_round;
  std::vector<std::string> chunks(chunks_per_round);
  for (std::size_t first = 0; first < count; first += per_round) {
    const std::size_t last = std::min(count, first + per_round);
    if (prepare) prepare(first, last);
    const std::size_t n = (last - first + kRecordsPerChunk - 1) / kRecordsPerChunk;
    model::parallel_for(n, jobs, [&](std::size_t c) {
      std::string& text = chunks[c];
      text.clear();
      const std::size_t begin = first + c * kRecordsPerChunk;
      const std::size_t end = std::min(last, begin + kRecordsPerChunk);
      for (std::size_t i = begin; i < end; ++i) format(i, text);
    });
    for (std::size_t c = 0; c < n; ++c) out.write(chunks[c].data(), static_cast<std::streamsize>(chunks[c].size()));
  }
}

}  // namespace exposim::cli
