// A camera's motion settings as the service applies them: what the camera's
// MotionSettings (cameras topic) sets, and the service's defaults for what it
// leaves unset (0) or sets out of range.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "motion_detector.h"
#include "vigie/v1/camera.pb.h"

namespace vigie::motion {

// Points in normalised picture coordinates (0..1), as on the cameras topic.
using Polygon = std::vector<cv::Point2f>;

struct Zone {
  std::string name;
  Polygon area;

  bool operator==(const Zone&) const = default;
};

struct MotionSettings {
  DetectorKind detector = DetectorKind::frame_diff;
  float sensitivity = 0.5f;           // 0..1, higher finds smaller changes
  float min_area = 0.001f;            // smallest moving region, share of the picture
  std::vector<Polygon> masks;         // ignored areas
  std::vector<Zone> zones;
  uint32_t stabilization_frames = 3;  // consecutive frames with motion to start an event
  std::chrono::milliseconds quiet{3000};  // no motion for this long ends it
  float max_changed_share = 0.5f;     // more of the unmasked picture changing is a global change
  float frame_publish_fps = 1.0f;     // frames attached to updates per second; 0 = none

  bool operator==(const MotionSettings&) const = default;
};

// The camera's settings over the defaults. Each value refused (out of range, a
// polygon of fewer than 3 points, a zone without a name) is left out or replaced
// by its default, and described in problems.
MotionSettings resolve(const v1::MotionSettings& camera, const MotionSettings& defaults,
                       std::vector<std::string>& problems);

}  // namespace vigie::motion
