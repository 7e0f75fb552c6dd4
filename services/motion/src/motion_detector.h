// What every background model does for the motion service: fed one camera's
// frames in order, as small grey pictures, it says which pixels changed. One
// instance per camera, since it holds that camera's background.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include <opencv2/core.hpp>

namespace vigie::motion {

enum class DetectorKind { frame_diff, mog2 };

std::string_view to_string(DetectorKind kind);
// "frame-diff" or "mog2".
std::optional<DetectorKind> parse_detector(std::string_view name);

class MotionDetector {
 public:
  virtual ~MotionDetector() = default;

  // Writes 255 where gray changed against the background and 0 elsewhere into
  // foreground (CV_8UC1, gray's size), then learns gray into the background. The
  // first frame, or one of another size, starts a new background and shows no change.
  virtual void apply(const cv::Mat& gray, cv::Mat& foreground) = 0;
  // Forgets the background and starts again from gray. After a global change
  // (lights switched on, exposure) the old background would show the whole
  // picture as changed until it had slowly adapted.
  virtual void restart(const cv::Mat& gray) = 0;
  // 0..1, higher finds smaller changes; applies from the next frame.
  virtual void set_sensitivity(float sensitivity) = 0;
};

std::unique_ptr<MotionDetector> make_detector(DetectorKind kind, float sensitivity);

}  // namespace vigie::motion
