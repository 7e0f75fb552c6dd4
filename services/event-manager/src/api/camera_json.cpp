#include "camera_json.h"

#include <stdexcept>

#include "schema_enums.h"
#include "time_json.h"
#include "web/bad_request.h"
#include "web/json_body.h"

namespace vigie::event_manager::api {
namespace {

using web::FieldReader;

template <class Parse>
auto named_value(const FieldReader& reader, std::string_view key, const char* expected, Parse parse) {
  const std::string name = reader.string(key);
  try {
    return parse(name);
  } catch (const std::invalid_argument&) {
    throw web::BadRequest(reader.path(key), std::string("must be one of ") + expected);
  }
}

// Leaves value as it is when the field is absent or null.
template <class Value, class Parse>
void optional_named_value(const FieldReader& reader, std::string_view key, const char* expected, Parse parse,
                          Value& value) {
  if (reader.has(key)) value = named_value(reader, key, expected, parse);
}

v1::Source source_from_json(const FieldReader& in) {
  v1::Source source;
  source.set_kind(named_value(in, "kind", "rtsp, mjpeg, snapshot, file, v4l2", source_kind_from_db));
  source.set_url(in.string("url"));
  auto transport = v1::Source::RTSP_TRANSPORT_TCP;
  optional_named_value(in, "rtsp_transport", "tcp, udp", rtsp_transport_from_db, transport);
  source.set_rtsp_transport(transport);
  source.set_snapshot_interval_ms(
      static_cast<uint32_t>(in.optional_integer("snapshot_interval_ms", 0, 3'600'000).value_or(0)));
  source.set_snapshot_min_hash_distance(
      static_cast<uint32_t>(in.optional_integer("snapshot_min_hash_distance", 0, 64).value_or(0)));
  in.finish();
  return source;
}

nlohmann::json source_to_json(const v1::Source& source) {
  nlohmann::json out = {{"kind", to_db(source.kind())},
                        {"url", source.url()},
                        {"rtsp_transport", to_db(source.rtsp_transport())}};
  if (source.kind() == v1::Source::KIND_SNAPSHOT) {
    out["snapshot_interval_ms"] = source.snapshot_interval_ms();
    out["snapshot_min_hash_distance"] = source.snapshot_min_hash_distance();
  }
  return out;
}

v1::FrameSettings frames_from_json(const FieldReader& in) {
  v1::FrameSettings frames;
  frames.set_fps(static_cast<float>(in.optional_number("fps").value_or(0)));
  frames.set_width(static_cast<uint32_t>(in.optional_integer("width", 0, 3840).value_or(0)));
  auto mode = v1::FrameSettings::DECODE_MODE_ALL;
  optional_named_value(in, "decode_mode", "all, keyframes", decode_mode_from_db, mode);
  frames.set_decode_mode(mode);
  frames.set_frozen_after_ms(static_cast<uint32_t>(in.optional_integer("frozen_after_ms", 0, 3'600'000).value_or(0)));
  in.finish();
  return frames;
}

nlohmann::json frames_to_json(const v1::FrameSettings& frames) {
  return {{"fps", frames.fps()},
          {"width", frames.width()},
          {"decode_mode", to_db(frames.decode_mode())},
          {"frozen_after_ms", frames.frozen_after_ms()}};
}

void polygon_from_json(const FieldReader& in, v1::Polygon& polygon) {
  in.array("points");
  in.each_object("points", [&](const FieldReader& point) {
    auto* p = polygon.add_points();
    p->set_x(static_cast<float>(point.number("x")));
    p->set_y(static_cast<float>(point.number("y")));
    point.finish();
  });
  in.finish();
}

nlohmann::json polygon_to_json(const v1::Polygon& polygon) {
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : polygon.points()) points.push_back({{"x", p.x()}, {"y", p.y()}});
  return {{"points", std::move(points)}};
}

v1::MotionSettings::Detector motion_detector_from_name(const std::string& name) {
  if (name == "frame_diff") return v1::MotionSettings::DETECTOR_FRAME_DIFF;
  if (name == "mog2") return v1::MotionSettings::DETECTOR_MOG2;
  throw std::invalid_argument(name);
}

std::string motion_detector_name(v1::MotionSettings::Detector detector) {
  return detector == v1::MotionSettings::DETECTOR_MOG2 ? "mog2" : "frame_diff";
}

v1::MotionSettings motion_from_json(const FieldReader& in) {
  v1::MotionSettings motion;
  auto detector = v1::MotionSettings::DETECTOR_FRAME_DIFF;
  optional_named_value(in, "detector", "frame_diff, mog2", motion_detector_from_name, detector);
  motion.set_detector(detector);
  motion.set_sensitivity(static_cast<float>(in.optional_number("sensitivity").value_or(0)));
  motion.set_min_area(static_cast<float>(in.optional_number("min_area").value_or(0)));
  in.each_object("masks", [&](const FieldReader& mask) { polygon_from_json(mask, *motion.add_masks()); });
  in.each_object("zones", [&](const FieldReader& zone) {
    auto* z = motion.add_zones();
    z->set_name(zone.string("name"));
    polygon_from_json(zone.object("area"), *z->mutable_area());
    zone.finish();
  });
  motion.set_stabilization_frames(
      static_cast<uint32_t>(in.optional_integer("stabilization_frames", 0, 1000).value_or(0)));
  motion.set_quiet_ms(static_cast<uint32_t>(in.optional_integer("quiet_ms", 0, 3'600'000).value_or(0)));
  motion.set_max_changed_share(static_cast<float>(in.optional_number("max_changed_share").value_or(0)));
  motion.set_frame_publish_fps(static_cast<float>(in.optional_number("frame_publish_fps").value_or(0)));
  in.finish();
  return motion;
}

nlohmann::json motion_to_json(const v1::MotionSettings& motion) {
  nlohmann::json masks = nlohmann::json::array();
  for (const auto& mask : motion.masks()) masks.push_back(polygon_to_json(mask));
  nlohmann::json zones = nlohmann::json::array();
  for (const auto& zone : motion.zones()) zones.push_back({{"name", zone.name()}, {"area", polygon_to_json(zone.area())}});
  return {{"detector", motion_detector_name(motion.detector())},
          {"sensitivity", motion.sensitivity()},
          {"min_area", motion.min_area()},
          {"masks", std::move(masks)},
          {"zones", std::move(zones)},
          {"stabilization_frames", motion.stabilization_frames()},
          {"quiet_ms", motion.quiet_ms()},
          {"max_changed_share", motion.max_changed_share()},
          {"frame_publish_fps", motion.frame_publish_fps()}};
}

CredentialsChange credentials_from_json(const FieldReader& in) {
  if (!in.present("credentials")) return KeepCredentials{};
  const std::optional<FieldReader> credentials = in.optional_object("credentials");
  if (!credentials) return RemoveCredentials{};
  crypto::Credentials out{credentials->string("username"), credentials->string("password")};
  credentials->finish();
  return out;
}

}  // namespace

CameraInput camera_from_json(const nlohmann::json& body) {
  const FieldReader in(body);
  CameraInput camera;
  camera.id = in.string("id");
  camera.name = in.string("name");
  camera.enabled = in.optional_boolean("enabled").value_or(true);
  camera.analysis_stream = source_from_json(in.object("analysis_stream"));
  if (auto recording = in.optional_object("recording_stream")) camera.recording_stream = source_from_json(*recording);
  camera.latitude = in.number("latitude");
  camera.longitude = in.number("longitude");
  if (auto frames = in.optional_object("frames")) camera.frames = frames_from_json(*frames);
  if (auto motion = in.optional_object("motion")) camera.motion = motion_from_json(*motion);
  camera.analyses = in.optional_strings("analyses").value_or(std::vector<std::string>{});
  camera.credentials = credentials_from_json(in);
  in.finish();
  return camera;
}

nlohmann::json camera_to_json(const CameraRecord& record) {
  const v1::Camera& c = record.camera;
  nlohmann::json analyses = nlohmann::json::array();
  for (const auto& analysis : c.analyses()) analyses.push_back(analysis.name());
  return {{"id", c.id()},
          {"name", c.name()},
          {"enabled", c.enabled()},
          {"analysis_stream", source_to_json(c.analysis_stream())},
          {"recording_stream",
           c.has_recording_stream() && !c.recording_stream().url().empty() ? source_to_json(c.recording_stream())
                                                                           : nlohmann::json(nullptr)},
          {"latitude", c.position().latitude()},
          {"longitude", c.position().longitude()},
          {"frames", frames_to_json(c.frames())},
          {"motion", motion_to_json(c.motion())},
          {"analyses", std::move(analyses)},
          {"has_credentials", record.has_credentials},
          {"revision", c.revision()},
          {"created_at", rfc3339(record.created_at)},
          {"updated_at", rfc3339(c.updated_at())}};
}

v1::Analysis analysis_from_json(const nlohmann::json& body) {
  const FieldReader in(body);
  v1::Analysis a;
  a.set_name(in.string("name"));
  a.set_type(named_value(in, "type", "police, ambulance, fire_brigade", alert_type_from_db));
  a.set_detector(in.string("detector"));
  for (auto& label : in.optional_strings("labels").value_or(std::vector<std::string>{})) a.add_labels(std::move(label));
  a.set_min_score(static_cast<float>(in.number("min_score")));
  a.set_positives_needed(static_cast<uint32_t>(in.integer("positives_needed", 1, 10'000)));
  a.set_window_ms(static_cast<uint32_t>(in.integer("window_ms", 1, 86'400'000)));
  a.set_fps(static_cast<float>(in.number("fps")));
  a.set_perimeter_m(static_cast<float>(in.number("perimeter_m")));
  for (auto& action : in.optional_strings("actions").value_or(std::vector<std::string>{})) a.add_actions(std::move(action));
  in.finish();
  return a;
}

nlohmann::json analysis_to_json(const AnalysisRecord& record) {
  const v1::Analysis& a = record.analysis;
  return {{"name", a.name()},
          {"type", to_db(a.type())},
          {"detector", a.detector()},
          {"labels", std::vector<std::string>(a.labels().begin(), a.labels().end())},
          {"min_score", a.min_score()},
          {"positives_needed", a.positives_needed()},
          {"window_ms", a.window_ms()},
          {"fps", a.fps()},
          {"perimeter_m", a.perimeter_m()},
          {"actions", std::vector<std::string>(a.actions().begin(), a.actions().end())},
          {"revision", record.revision},
          {"cameras", record.cameras},
          {"created_at", rfc3339(record.created_at)},
          {"updated_at", rfc3339(record.updated_at)}};
}

}  // namespace vigie::event_manager::api
