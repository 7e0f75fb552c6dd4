#include "motion_tracker.h"

#include <algorithm>

namespace vigie::motion {

void MotionTracker::configure(const MotionSettings& settings) {
  stabilization_frames_ = std::max<uint32_t>(1, settings.stabilization_frames);
  quiet_ = settings.quiet;
  max_changed_share_ = settings.max_changed_share;
  publish_interval_ = settings.frame_publish_fps > 0
                          ? std::chrono::nanoseconds(static_cast<int64_t>(1e9 / settings.frame_publish_fps))
                          : std::chrono::nanoseconds(0);
}

Step MotionTracker::observe(const Observation& observation, uint64_t sequence, TimePoint capture_time) {
  Step step;
  step.global_change = observation.changed_share > max_changed_share_;
  const bool motion = !step.global_change && !observation.boxes.empty();
  motion_run_ = motion ? std::min(motion_run_ + 1, stabilization_frames_) : 0;

  if (!open_) {
    if (motion_run_ < stabilization_frames_) return step;
    open_ = true;
    start_sequence_ = sequence;
    update_ = 0;
    last_motion_ = last_attached_ = capture_time;
    step.phase = Phase::start;
    step.attach_frame = true;
  } else if (motion) {
    ++update_;
    last_motion_ = capture_time;
    step.phase = Phase::update;
    if (publish_interval_.count() > 0 && capture_time - last_attached_ >= publish_interval_) {
      step.attach_frame = true;
      last_attached_ = capture_time;
    }
  } else if (capture_time - last_motion_ >= quiet_) {
    Step end = close();
    end.global_change = step.global_change;
    return end;
  } else {
    return step;
  }
  step.update = update_;
  step.start_sequence = start_sequence_;
  return step;
}

Step MotionTracker::close() {
  Step step;
  if (!open_) return step;
  open_ = false;
  motion_run_ = 0;
  step.phase = Phase::end;
  step.update = ++update_;
  step.start_sequence = start_sequence_;
  return step;
}

std::string event_id(std::string_view camera_id, std::string_view stream_id, uint64_t start_sequence) {
  std::string id;
  id.reserve(camera_id.size() + stream_id.size() + 22);
  id.append(camera_id).append("/").append(stream_id).append("/").append(std::to_string(start_sequence));
  return id;
}

}  // namespace vigie::motion
