// Picks the pictures to publish at the camera's analysis rate from a stream of
// any rate, by stream time, so a 25 fps camera gives 5 frames per second of
// video whatever the decoding speed.
#pragma once

#include <chrono>
#include <optional>

namespace vigie::ingest {

class FrameSampler {
 public:
  explicit FrameSampler(double fps);
  // True when the picture captured at `t` is due for publishing.
  bool take(std::chrono::system_clock::time_point t);
  void reset() { next_due_.reset(); }

 private:
  std::chrono::microseconds period_;
  std::optional<std::chrono::system_clock::time_point> next_due_;
};

}  // namespace vigie::ingest
