// A token bucket per key ("login-address:203.0.113.7", "login-user:alice" ...):
// a key may make `burst` requests at once, then one more every `interval`. Used
// to slow password guessing and decision floods.
//
// Kept as the generic cell rate algorithm: one time per key, the moment its
// bucket will be full again, which is the token bucket without counting tokens.
// A key whose bucket is full again holds no information and is forgotten; at
// most max_keys keys are kept, so a flood of distinct keys cannot grow it
// without bound (the least recently seen key goes first).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vigie::event_manager::auth {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    int burst = 5;                                        // requests allowed at once after a quiet time
    Clock::duration interval = std::chrono::seconds(12);  // one more allowed every interval
    std::size_t max_keys = 100'000;                       // keys remembered at most
  };

  struct Decision {
    bool allowed = false;
    // When refused: how long until one request will be allowed (for Retry-After).
    std::chrono::milliseconds retry_after{0};
  };

  // std::invalid_argument for a burst or max_keys below 1 or an interval not positive.
  explicit RateLimiter(Options options, std::function<Clock::time_point()> now = Clock::now);

  // Thread-safe. Counts the request when it is allowed; a refused one costs nothing.
  Decision allow(std::string_view key);

  // Keys remembered now (for tests and metrics).
  std::size_t size() const;

 private:
  struct Entry {
    Clock::time_point full_at;  // when its bucket is full again
    std::list<std::string>::iterator recency;
  };
  void forget_full(Clock::time_point now);

  Options options_;
  std::function<Clock::time_point()> now_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> recency_;  // most recently seen first
};

}  // namespace vigie::event_manager::auth
