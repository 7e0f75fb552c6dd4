// The token bucket per key, on a clock the test moves: a burst, then one request
// per interval; keys apart from one another; idle keys forgotten; a flood of
// distinct keys kept to max_keys; one bucket shared by threads counted exactly.
#include "auth/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace vigie::event_manager::auth {
namespace {

using namespace std::chrono_literals;

class RateLimiterTest : public ::testing::Test {
 protected:
  RateLimiter make(RateLimiter::Options options) {
    return RateLimiter(options, [this] { return now_; });
  }
  int allowed_in_a_row(RateLimiter& limiter, const std::string& key, int tries) {
    int allowed = 0;
    for (int i = 0; i < tries; ++i) allowed += limiter.allow(key).allowed ? 1 : 0;
    return allowed;
  }

  RateLimiter::Clock::time_point now_ = RateLimiter::Clock::time_point(1h);
};

TEST_F(RateLimiterTest, ABurstThenOneRequestPerInterval) {
  RateLimiter limiter = make({.burst = 5, .interval = 12s});  // 5 a minute
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.allow("login:alice").allowed) << i;
  const RateLimiter::Decision refused = limiter.allow("login:alice");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 12s);

  now_ += 5s;
  EXPECT_EQ(limiter.allow("login:alice").retry_after, 7s);
  now_ += 7s;
  EXPECT_TRUE(limiter.allow("login:alice").allowed);
  EXPECT_FALSE(limiter.allow("login:alice").allowed);

  // A quiet minute refills the bucket, and no more than that.
  now_ += 10min;
  EXPECT_EQ(allowed_in_a_row(limiter, "login:alice", 20), 5);
}

TEST_F(RateLimiterTest, RefusedRequestsCostNothing) {
  RateLimiter limiter = make({.burst = 2, .interval = 10s});
  EXPECT_EQ(allowed_in_a_row(limiter, "k", 2), 2);
  EXPECT_EQ(allowed_in_a_row(limiter, "k", 100), 0);
  now_ += 10s;
  EXPECT_TRUE(limiter.allow("k").allowed);
}

TEST_F(RateLimiterTest, RetryAfterIsRoundedUpToTheMillisecond) {
  RateLimiter limiter = make({.burst = 1, .interval = 1s});
  EXPECT_TRUE(limiter.allow("k").allowed);
  now_ += 300ms + 500us;
  EXPECT_EQ(limiter.allow("k").retry_after, 700ms);
}

TEST_F(RateLimiterTest, KeysHaveTheirOwnBuckets) {
  RateLimiter limiter = make({.burst = 3, .interval = 20s});
  EXPECT_EQ(allowed_in_a_row(limiter, "address:203.0.113.7", 10), 3);
  EXPECT_EQ(allowed_in_a_row(limiter, "address:203.0.113.8", 10), 3);
  EXPECT_EQ(allowed_in_a_row(limiter, "login:alice", 10), 3);
}

TEST_F(RateLimiterTest, IdleKeysAreForgotten) {
  RateLimiter limiter = make({.burst = 5, .interval = 12s});
  for (int i = 0; i < 1000; ++i) limiter.allow("address:" + std::to_string(i));
  for (int i = 0; i < 3; ++i) limiter.allow("address:busy");
  EXPECT_EQ(limiter.size(), 1001u);
  // Buckets full again after one interval (one request) or three (three).
  now_ += 12s;
  EXPECT_TRUE(limiter.allow("address:other").allowed);
  EXPECT_EQ(limiter.size(), 2u);
  now_ += 25s;
  EXPECT_TRUE(limiter.allow("address:other").allowed);
  EXPECT_EQ(limiter.size(), 1u);
}

TEST_F(RateLimiterTest, AFloodOfDistinctKeysIsKeptToMaxKeys) {
  RateLimiter limiter = make({.burst = 5, .interval = 12s, .max_keys = 100});
  EXPECT_EQ(allowed_in_a_row(limiter, "login:alice", 5), 5);
  for (int i = 0; i < 10'000; ++i) {
    EXPECT_TRUE(limiter.allow("login:guess-" + std::to_string(i)).allowed);
    // A key seen recently keeps its state through the flood.
    if (i % 50 == 0) {
      EXPECT_FALSE(limiter.allow("login:alice").allowed) << i;
    }
  }
  EXPECT_EQ(limiter.size(), 100u);
}

TEST_F(RateLimiterTest, ThreadsSharingABucketGetExactlyTheBurst) {
  RateLimiter limiter = make({.burst = 100, .interval = 1h});
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) allowed += limiter.allow("decisions:bob").allowed ? 1 : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed, 100);
}

TEST_F(RateLimiterTest, BadOptionsAreRefused) {
  EXPECT_THROW(make({.burst = 0}), std::invalid_argument);
  EXPECT_THROW(make({.burst = 1, .interval = 0s}), std::invalid_argument);
  EXPECT_THROW(make({.burst = 1, .interval = 1s, .max_keys = 0}), std::invalid_argument);
}

}  // namespace
}  // namespace vigie::event_manager::auth
