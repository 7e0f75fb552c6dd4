#include "auth/rate_limiter.h"

#include <algorithm>
#include <stdexcept>

namespace vigie::event_manager::auth {

RateLimiter::RateLimiter(Options options, std::function<Clock::time_point()> now)
    : options_(options), now_(std::move(now)) {
  if (options_.burst < 1) throw std::invalid_argument("rate limit: burst must be at least 1");
  if (options_.interval <= Clock::duration::zero())
    throw std::invalid_argument("rate limit: interval must be positive");
  if (options_.max_keys < 1) throw std::invalid_argument("rate limit: max_keys must be at least 1");
}

RateLimiter::Decision RateLimiter::allow(std::string_view key) {
  const Clock::time_point now = now_();
  // A request is allowed while the bucket is not empty: while it would be full
  // again within burst - 1 intervals of now. Each allowed request pushes that
  // time one interval later.
  const Clock::duration capacity = options_.interval * (options_.burst - 1);
  std::lock_guard lock(mutex_);
  forget_full(now);

  auto found = entries_.find(std::string(key));
  if (found == entries_.end()) {
    // A key not seen recently has a full bucket.
    if (entries_.size() >= options_.max_keys) {
      entries_.erase(recency_.back());
      recency_.pop_back();
    }
    recency_.emplace_front(key);
    entries_.emplace(recency_.front(), Entry{now + options_.interval, recency_.begin()});
    return {true, {}};
  }
  Entry& entry = found->second;
  recency_.splice(recency_.begin(), recency_, entry.recency);
  const Clock::time_point full_at = std::max(entry.full_at, now);
  if (full_at - now > capacity) {
    const auto wait = full_at - now - capacity;
    return {false, std::chrono::ceil<std::chrono::milliseconds>(wait)};
  }
  entry.full_at = full_at + options_.interval;
  return {true, {}};
}

void RateLimiter::forget_full(Clock::time_point now) {
  // The least recently seen keys are the likeliest to be full again; stop at the
  // first that is not, so each call does little work and each key is dropped once.
  while (!recency_.empty()) {
    const auto it = entries_.find(recency_.back());
    if (it->second.full_at > now) break;
    entries_.erase(it);
    recency_.pop_back();
  }
}

std::size_t RateLimiter::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace vigie::event_manager::auth
