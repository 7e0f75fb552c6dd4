#include "motion_settings.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>

namespace vigie::motion {
namespace {

std::string describe(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", static_cast<double>(value));
  return text;
}

// A share in (low, high]; 0 means unset.
float share(float value, float fallback, float low, float high, const char* name,
            std::vector<std::string>& problems) {
  if (value == 0) return fallback;
  if (!std::isfinite(value) || value <= low || value > high) {
    problems.push_back(std::string(name) + " " + describe(value) + " is not in (" + describe(low) +
                       ", " + describe(high) + "]: default " + describe(fallback) + " used");
    return fallback;
  }
  return value;
}

std::optional<Polygon> polygon(const v1::Polygon& in, const std::string& what,
                               std::vector<std::string>& problems) {
  if (in.points_size() < 3) {
    problems.push_back(what + " has " + std::to_string(in.points_size()) +
                       " points (3 or more needed): ignored");
    return std::nullopt;
  }
  Polygon out;
  bool clamped = false;
  for (const auto& p : in.points()) {
    float x = std::isfinite(p.x()) ? std::clamp(p.x(), 0.0f, 1.0f) : 0.0f;
    float y = std::isfinite(p.y()) ? std::clamp(p.y(), 0.0f, 1.0f) : 0.0f;
    clamped = clamped || x != p.x() || y != p.y();
    out.emplace_back(x, y);
  }
  if (clamped) problems.push_back(what + " has points outside 0..1: clamped to the picture");
  return out;
}

}  // namespace

MotionSettings resolve(const v1::MotionSettings& camera, const MotionSettings& defaults,
                       std::vector<std::string>& problems) {
  MotionSettings s = defaults;
  switch (camera.detector()) {
    case v1::MotionSettings::DETECTOR_FRAME_DIFF: s.detector = DetectorKind::frame_diff; break;
    case v1::MotionSettings::DETECTOR_MOG2: s.detector = DetectorKind::mog2; break;
    case v1::MotionSettings::DETECTOR_UNSPECIFIED: break;
    default:
      problems.push_back("detector " + std::to_string(camera.detector()) + " is unknown: default " +
                         std::string(to_string(defaults.detector)) + " used");
  }
  s.sensitivity = share(camera.sensitivity(), defaults.sensitivity, 0, 1, "sensitivity", problems);
  s.min_area = share(camera.min_area(), defaults.min_area, 0, 1, "min_area", problems);
  s.max_changed_share =
      share(camera.max_changed_share(), defaults.max_changed_share, 0, 1, "max_changed_share", problems);
  if (camera.stabilization_frames() > 0) s.stabilization_frames = camera.stabilization_frames();
  if (camera.quiet_ms() > 0) s.quiet = std::chrono::milliseconds(camera.quiet_ms());
  // 0 is unset; a negative rate is how a camera asks for no frame on updates.
  if (float fps = camera.frame_publish_fps(); fps < 0) {
    s.frame_publish_fps = 0;
  } else if (fps > 0) {
    s.frame_publish_fps = std::isfinite(fps) ? fps : defaults.frame_publish_fps;
  }

  s.masks.clear();
  for (int i = 0; i < camera.masks_size(); ++i) {
    if (auto p = polygon(camera.masks(i), "mask " + std::to_string(i + 1), problems))
      s.masks.push_back(std::move(*p));
  }
  s.zones.clear();
  std::set<std::string> names;
  for (int i = 0; i < camera.zones_size(); ++i) {
    const auto& zone = camera.zones(i);
    std::string what = "zone " + std::to_string(i + 1);
    if (zone.name().empty()) {
      problems.push_back(what + " has no name: ignored");
      continue;
    }
    if (!names.insert(zone.name()).second) {
      problems.push_back(what + " repeats the name '" + zone.name() + "': ignored");
      continue;
    }
    if (auto p = polygon(zone.area(), what + " '" + zone.name() + "'", problems))
      s.zones.push_back({zone.name(), std::move(*p)});
  }
  return s;
}

}  // namespace vigie::motion
