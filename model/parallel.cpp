// parallel_for (model/parallel.h): an atomic counter hands out indices to the calling thread and jobs - 1 others.
#include "model/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace exposim::model {

int default_jobs() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(std::min(n, 1024u));
}

void parallel_for(std::size_t count, int jobs, const std::function<void(std::size_t)>& body,
                  const std::function<void(std::size_t done)>& on_done) {
  if (jobs < 1) throw std::invalid_argument("parallel_for: jobs must be at least 1");
  if (jobs == 1 || count <= 1) {
    for (std::size_t i = 0; i < count; ++i) {
      body(i);
      if (on_done) on_done(i + 1);
    }
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr error;
  std::size_t error_index = count;
  const auto work = [&](bool caller) {
    while (!failed.load(std::memory_order_relaxed)) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count) return;
      try {
        body(i);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (i < error_index) {
          error_index = i;
          error = std::current_exception();
        }
        failed.store(true, std::memory_order_relaxed);
        return;
      }
      const std::size_t d = done.fetch_add(1, std::memory_order_acq_rel) + 1;
      if (caller && on_done) on_done(d);
    }
  };
  const auto workers = static_cast<std::size_t>(jobs) < count ? static_cast<std::size_t>(jobs) : count;
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  try {
    for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(work, false);
  } catch (...) {  // a thread could not be started: stop the others, then report it
    failed.store(true);
    for (auto& t : threads) t.join();
    throw;
  }
  work(true);
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  if (on_done) on_done(count);
}

}  // namespace exposim::model
