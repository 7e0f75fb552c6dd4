#include "service_settings.h"

namespace vigie::motion {

void declare_settings(config::Spec& spec) {
  const ServiceOptions o;
  const MotionSettings& d = o.defaults;
  spec.text("VIGIE_MOTION_GROUP", "vigie-motion",
            "consumer group of the frames topic: instances of one group share the cameras")
      .integer("VIGIE_MOTION_WORK_HEIGHT", o.work_height, 60, 480,
               "height in pixels of the grey picture motion is found on: JPEGs are decoded at "
               "1/2, 1/4 or 1/8 scale to at least this height, then resized to it")
      .choice("VIGIE_MOTION_DETECTOR", std::string(to_string(d.detector)), {"frame-diff", "mog2"},
              "detector of a camera that names none: running-average frame difference, or "
              "OpenCV's MOG2")
      .number("VIGIE_MOTION_SENSITIVITY", d.sensitivity, 0, 1,
              "default sensitivity: higher finds smaller changes")
      .number("VIGIE_MOTION_MIN_AREA", d.min_area, 0, 1,
              "default smallest moving region that counts, as a share of the picture")
      .integer("VIGIE_MOTION_STABILIZATION_FRAMES", d.stabilization_frames, 1, 1000,
               "default number of consecutive frames with motion before an event starts")
      .duration("VIGIE_MOTION_QUIET", d.quiet, "default time without motion that ends an event")
      .number("VIGIE_MOTION_MAX_CHANGED_SHARE", d.max_changed_share, 0.01, 1,
              "default share of the unmasked picture above which a change is global (lights, "
              "exposure), not motion")
      .number("VIGIE_MOTION_FRAME_PUBLISH_FPS", d.frame_publish_fps, 0, 100,
              "default rate of frames attached to update events (0: only the start carries one)")
      .duration("VIGIE_MOTION_STALE_AFTER", o.stale_after,
                "a frame published longer ago (a backlog) is analysed all the same, but its "
                "update events carry no picture")
      .note("A camera's own settings (cameras topic, MotionSettings) override these defaults,\n"
            "field by field, and apply from its next frame.");
}

ServiceOptions service_options(const config::Settings& settings) {
  ServiceOptions o;
  o.work_height = static_cast<int>(settings.integer("VIGIE_MOTION_WORK_HEIGHT"));
  o.defaults.detector = *parse_detector(settings.text("VIGIE_MOTION_DETECTOR"));
  o.defaults.sensitivity = static_cast<float>(settings.number("VIGIE_MOTION_SENSITIVITY"));
  o.defaults.min_area = static_cast<float>(settings.number("VIGIE_MOTION_MIN_AREA"));
  o.defaults.stabilization_frames =
      static_cast<uint32_t>(settings.integer("VIGIE_MOTION_STABILIZATION_FRAMES"));
  o.defaults.quiet = settings.duration("VIGIE_MOTION_QUIET");
  o.defaults.max_changed_share = static_cast<float>(settings.number("VIGIE_MOTION_MAX_CHANGED_SHARE"));
  o.defaults.frame_publish_fps = static_cast<float>(settings.number("VIGIE_MOTION_FRAME_PUBLISH_FPS"));
  o.stale_after = settings.duration("VIGIE_MOTION_STALE_AFTER");
  return o;
}

}  // namespace vigie::motion
