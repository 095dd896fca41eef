// A parallel loop over an index range on a fixed number of std::thread workers (--jobs): the solver's distinct
// evaluations and the importers' independent inputs. A utility of the lowest layer, so that importers and solver
// share it without including each other. No I/O; callers keep results in per-index slots, so that what they build
// from them does not depend on the scheduling.
#pragma once

#include <cstddef>
#include <functional>

namespace exposim::model {

/// How many workers `--jobs` gives by default: the machine's hardware threads, at least 1.
int default_jobs();

/// Calls `body(i)` once for every i in [0, count), on `jobs` workers (the calling thread is one of them; at most
/// `count` are used). With `jobs` 1 (or `count` at most 1) every call runs on the calling thread in index order and
/// no thread is created. Indices are handed out one at a time in increasing order, so that slow and fast items
/// balance. If a call throws, no further index is started, the workers are joined and the exception of the lowest
/// index that threw is rethrown on the calling thread. `on_done(done)`, when given, is called on the calling thread
/// only, with a count of completed items that never decreases (after each item it ran itself, and once with
/// `count` at the end when nothing threw): a progress display needs no locking. `body` must be safe to call
/// concurrently for different indices. Requires jobs >= 1.
void parallel_for(std::size_t count, int jobs, const std::function<void(std::size_t)>& body,
                  const std::function<void(std::size_t done)>& on_done = {});

}  // namespace exposim::model
