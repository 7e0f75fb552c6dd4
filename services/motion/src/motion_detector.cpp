#include "motion_detector.h"

#include "frame_diff_detector.h"
#include "mog2_detector.h"

namespace vigie::motion {

std::string_view to_string(DetectorKind kind) {
  return kind == DetectorKind::mog2 ? "mog2" : "frame-diff";
}

std::optional<DetectorKind> parse_detector(std::string_view name) {
  if (name == "frame-diff") return DetectorKind::frame_diff;
  if (name == "mog2") return DetectorKind::mog2;
  return std::nullopt;
}

std::unique_ptr<MotionDetector> make_detector(DetectorKind kind, float sensitivity) {
  if (kind == DetectorKind::mog2) return std::make_unique<Mog2Detector>(sensitivity);
  return std::make_unique<FrameDiffDetector>(sensitivity);
}

}  // namespace vigie::motion
