// One camera's motion episodes, frame by frame: an event starts once motion has
// lasted stabilization_frames consecutive frames (so one frame of noise never
// starts one), each later frame with motion updates it, and it ends on the first
// frame that comes quiet_ms after the last motion. A frame whose changed share
// exceeds max_changed_share is a global change (lights, exposure), never motion.
// Only frame sequences and capture times drive it, never the wall clock, so
// replaying the same frames yields the same decisions and event ids.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "foreground_regions.h"
#include "motion_settings.h"

namespace vigie::motion {

using TimePoint = std::chrono::system_clock::time_point;

enum class Phase { none, start, update, end };

struct Step {
  Phase phase = Phase::none;
  uint32_t update = 0;          // 0 on start, +1 for each later message of the episode
  uint64_t start_sequence = 0;  // the frame that started the episode
  bool attach_frame = false;    // the frame goes with the message
  bool global_change = false;   // the background should start again from this frame
};

class MotionTracker {
 public:
  explicit MotionTracker(const MotionSettings& settings) { configure(settings); }

  // Settings changed live: an open episode goes on under the new ones.
  void configure(const MotionSettings& settings);
  Step observe(const Observation& observation, uint64_t sequence, TimePoint capture_time);
  // Ends the open episode, if any (the stream restarted, the camera was deleted or
  // moved to another instance); phase none when none was open.
  Step close();
  bool open() const { return open_; }

 private:
  uint32_t stabilization_frames_ = 1;
  std::chrono::milliseconds quiet_{0};
  float max_changed_share_ = 1;
  std::chrono::nanoseconds publish_interval_{0};  // 0 = no frame on updates

  uint32_t motion_run_ = 0;
  bool open_ = false;
  uint64_t start_sequence_ = 0;
  uint32_t update_ = 0;
  TimePoint last_motion_;
  TimePoint last_attached_;
};

// "camera/stream/sequence" of the frame that started the episode: the same
// episode found again in a replay gets the same id.
std::string event_id(std::string_view camera_id, std::string_view stream_id, uint64_t start_sequence);

}  // namespace vigie::motion
