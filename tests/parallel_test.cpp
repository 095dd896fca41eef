// parallel_for (model/parallel.h): every index once, on the calling thread alone with one worker, exceptions
// carried back to the caller, progress from the calling thread only and never decreasing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "model/parallel.h"

using exposim::model::parallel_for;

TEST_CASE("parallel_for runs every index exactly once whatever the number of workers", "[model][parallel]") {
  for (const int jobs : {1, 2, 7}) {
    for (const std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{1000}}) {
      CAPTURE(jobs, count);
      auto runs = std::make_unique<std::atomic<int>[]>(count + 1);
      for (std::size_t i = 0; i <= count; ++i) runs[i] = 0;
      parallel_for(count, jobs, [&](std::size_t i) { runs[i].fetch_add(1); });
      int wrong = 0;
      for (std::size_t i = 0; i < count; ++i) wrong += runs[i].load() != 1 ? 1 : 0;
      CHECK(wrong == 0);
      CHECK(runs[count].load() == 0);  // nothing past the end
    }
  }
}

TEST_CASE("parallel_for with one worker runs in index order on the calling thread", "[model][parallel]") {
  const auto caller = std::this_thread::get_id();
  std::vector<std::size_t> order;
  bool other_thread = false;
  parallel_for(6, 1, [&](std::size_t i) {
    order.push_back(i);
    other_thread = other_thread || std::this_thread::get_id() != caller;
  });
  CHECK(order == std::vector<std::size_t>{0, 1, 2, 3, 4, 5});
  CHECK_FALSE(other_thread);
}

TEST_CASE("parallel_for on several workers uses other threads", "[model][parallel]") {
  // Each item waits until two threads have joined: the loop only finishes if a second worker runs items.
  std::mutex mutex;
  std::set<std::thread::id> seen;
  std::atomic<int> distinct{0};
  parallel_for(2, 2, [&](std::size_t) {
    {
      const std::lock_guard<std::mutex> lock(mutex);
      seen.insert(std::this_thread::get_id());
      distinct = static_cast<int>(seen.size());
    }
    while (distinct.load() < 2) std::this_thread::yield();
  });
  CHECK(seen.size() == 2);
}

TEST_CASE("parallel_for rethrows a worker's exception on the calling thread", "[model][parallel]") {
  for (const int jobs : {1, 2, 7}) {
    CAPTURE(jobs);
    // With several workers, how many items start before the failure is seen depends on scheduling: with 200
    // items another worker could take them all first (seen under load), so the count is a million.
    const std::size_t count = jobs == 1 ? 200 : 1000000;
    std::atomic<std::size_t> ran{0};
    try {
      parallel_for(count, jobs, [&](std::size_t i) {
        ran.fetch_add(1);
        if (i == 17) throw std::runtime_error("item 17 failed");
      });
      FAIL("no exception");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "item 17 failed");
    }
    // Items after the failure are not started (with one worker exactly 0..17 ran; with more, those in flight).
    if (jobs == 1) CHECK(ran.load() == 18);
    CHECK(ran.load() < count);
  }
}

TEST_CASE("parallel_for reports progress from the calling thread, never decreasing, ending at the count",
          "[model][parallel]") {
  for (const int jobs : {1, 2, 7}) {
    CAPTURE(jobs);
    const auto caller = std::this_thread::get_id();
    std::vector<std::size_t> done;
    bool other_thread = false;
    parallel_for(
        300, jobs, [](std::size_t) {},
        [&](std::size_t d) {
          done.push_back(d);
          other_thread = other_thread || std::this_thread::get_id() != caller;
        });
    REQUIRE_FALSE(done.empty());
    CHECK_FALSE(other_thread);
    CHECK(std::is_sorted(done.begin(), done.end()));
    CHECK(done.back() == 300);
    CHECK(done.front() >= 1);
  }
}

TEST_CASE("parallel_for refuses fewer than one worker", "[model][parallel]") {
  CHECK_THROWS_AS(parallel_for(3, 0, [](std::size_t) {}), std::invalid_argument);
  CHECK_THROWS_AS(parallel_for(3, -2, [](std::size_t) {}), std::invalid_argument);
  CHECK(exposim::model::default_jobs() >= 1);
}
