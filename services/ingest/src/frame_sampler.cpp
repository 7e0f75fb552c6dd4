#include "frame_sampler.h"

namespace vigie::ingest {

FrameSampler::FrameSampler(double fps)
    : period_(std::chrono::microseconds(static_cast<int64_t>(1'000'000.0 / fps))) {}

bool FrameSampler::take(std::chrono::system_clock::time_point t) {
  // A tenth of a period of tolerance absorbs the jitter of stream timestamps, so
  // a 10 fps source sampled at 5 fps gives every other picture, not fewer.
  auto tolerance = period_ / 10;
  if (next_due_ && t + tolerance < *next_due_) return false;
  // Far behind (a stall, a jump of the stream clock): restart from this picture
  // rather than publish a burst.
  if (!next_due_ || t - *next_due_ > period_) next_due_ = t;
  *next_due_ += period_;
  return true;
}

}  // namespace vigie::ingest
