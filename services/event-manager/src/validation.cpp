#include "validation.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <string_view>

#include <boost/locale/utf.hpp>

#include "store_errors.h"

namespace vigie::event_manager {
namespace {

// Characters (code points) in valid UTF-8 text, or -1 when it is not UTF-8.
// PostgreSQL and protobuf both refuse invalid UTF-8, and the schema counts
// lengths in characters.
long utf8_length(std::string_view text) {
  namespace utf = boost::locale::utf;
  long count = 0;
  // decode refuses overlong forms, surrogates and values past U+10FFFF.
  for (auto at = text.begin(); at != text.end(); ++count) {
    const utf::code_point code = utf::utf_traits<char>::decode(at, text.end());
    if (code == utf::illegal || code == utf::incomplete) return -1;
  }
  return count;
}

bool has_control(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
  return false;
}

// Text shown to people: UTF-8, one line, not blank, within max characters.
void check_text(const std::string& field, const std::string& value, long max) {
  const long length = utf8_length(value);
  if (length < 0) throw ValidationError(field, "must be UTF-8 text");
  if (has_control(value)) throw ValidationError(field, "must not hold control characters (line breaks, tabs ...)");
  if (value.find_first_not_of(' ') == std::string::npos) throw ValidationError(field, "must not be empty");
  if (length > max) throw ValidationError(field, "must be at most " + std::to_string(max) + " characters");
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

void check_range(const std::string& field, double value, double low, double high) {
  if (!std::isfinite(value) || value < low || value > high)
    throw ValidationError(field, "must be a number from " + number(low) + " to " + number(high));
}

// 0 leaves the setting to the service reading the camera.
void check_optional_range(const std::string& field, double value, double low, double high) {
  if (value != 0) check_range(field, value, low, high);
}

bool identifier(std::string_view text, size_t max, bool lowercase_only, std::string_view punctuation) {
  if (text.empty() || text.size() > max) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool digit = c >= '0' && c <= '9';
    const bool letter = (c >= 'a' && c <= 'z') || (!lowercase_only && c >= 'A' && c <= 'Z');
    if (!digit && !letter && (i == 0 || punctuation.find(c) == std::string_view::npos)) return false;
  }
  return true;
}

// The part between "scheme://" and the path: where a user:password@ would be.
void check_network_url(const std::string& field, const std::string& url,
                       std::initializer_list<std::string_view> schemes) {
  std::string_view rest;
  for (std::string_view scheme : schemes) {
    if (url.starts_with(scheme)) rest = std::string_view(url).substr(scheme.size());
  }
  if (rest.data() == nullptr) {
    std::string expected;
    for (std::string_view scheme : schemes) expected += (expected.empty() ? "" : " or ") + std::string(scheme);
    throw ValidationError(field, "must start with " + expected + " for this kind of stream");
  }
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    throw ValidationError(field, "must not hold credentials (user:password@): give them in the credentials field, "
                                 "which is stored encrypted");
  }
  if (authority.empty() || authority.front() == ':') throw ValidationError(field, "must name a host");
}

void check_source(const std::string& field, const v1::Source& source, bool for_recording) {
  const std::string& url = source.url();
  if (url.empty()) throw ValidationError(field + ".url", "must not be empty");
  if (utf8_length(url) < 0 || has_control(url) || url.find(' ') != std::string::npos)
    throw ValidationError(field + ".url", "must be one word of UTF-8 text, without spaces");
  if (url.size() > 2000) throw ValidationError(field + ".url", "must be at most 2000 characters");
  switch (source.kind()) {
    case v1::Source::KIND_RTSP:
      check_network_url(field + ".url", url, {"rtsp://", "rtsps://"});
      break;
    case v1::Source::KIND_MJPEG:
      check_network_url(field + ".url", url, {"http://", "https://"});
      break;
    case v1::Source::KIND_SNAPSHOT:
      if (for_recording) throw ValidationError(field + ".kind", "a JPEG snapshot cannot be recorded");
      check_network_url(field + ".url", url, {"http://", "https://"});
      break;
    case v1::Source::KIND_FILE:
      if (!url.starts_with("/")) throw ValidationError(field + ".url", "must be an absolute file path for a file");
      break;
    case v1::Source::KIND_V4L2:
      if (!url.starts_with("/dev/")) throw ValidationError(field + ".url", "must be a device path (/dev/videoN)");
      break;
    default:
      throw ValidationError(field + ".kind", "must be one of rtsp, mjpeg, snapshot, file, v4l2");
  }
  if (!v1::Source::RtspTransport_IsValid(source.rtsp_transport()))
    throw ValidationError(field + ".rtsp_transport", "must be tcp or udp");
  if (source.kind() != v1::Source::KIND_RTSP && source.rtsp_transport() == v1::Source::RTSP_TRANSPORT_UDP)
    throw ValidationError(field + ".rtsp_transport", "applies to RTSP streams only");
  if (source.kind() != v1::Source::KIND_SNAPSHOT &&
      (source.snapshot_interval_ms() != 0 || source.snapshot_min_hash_distance() != 0)) {
    throw ValidationError(field + (source.snapshot_interval_ms() != 0 ? ".snapshot_interval_ms"
                                                                       : ".snapshot_min_hash_distance"),
                          "applies to snapshot streams only");
  }
  check_optional_range(field + ".snapshot_interval_ms", source.snapshot_interval_ms(), 1, 3'600'000);
  check_optional_range(field + ".snapshot_min_hash_distance", source.snapshot_min_hash_distance(), 1, 64);
}

// Bounds that keep a camera's message far below Kafka's default 1 MB limit,
// which a message would otherwise hit and never be published.
constexpr int kMaxPolygons = 32;
constexpr int kMaxPoints = 256;

void check_polygon(const std::string& field, const v1::Polygon& polygon) {
  if (polygon.points_size() < 3 || polygon.points_size() > kMaxPoints)
    throw ValidationError(field, "must have from 3 to " + std::to_string(kMaxPoints) + " points");
  for (int i = 0; i < polygon.points_size(); ++i) {
    const auto& p = polygon.points(i);
    const std::string point = field + ".points[" + std::to_string(i) + "]";
    check_range(point + ".x", p.x(), 0, 1);
    check_range(point + ".y", p.y(), 0, 1);
  }
}

void check_motion(const v1::MotionSettings& m) {
  if (!v1::MotionSettings::Detector_IsValid(m.detector()))
    throw ValidationError("motion.detector", "must be frame_diff or mog2");
  check_range("motion.sensitivity", m.sensitivity(), 0, 1);
  check_range("motion.min_area", m.min_area(), 0, 1);
  check_range("motion.max_changed_share", m.max_changed_share(), 0, 1);
  // A negative rate asks for no frame on update events.
  check_range("motion.frame_publish_fps", m.frame_publish_fps(), -1, 60);
  check_optional_range("motion.stabilization_frames", m.stabilization_frames(), 1, 1000);
  check_optional_range("motion.quiet_ms", m.quiet_ms(), 1, 3'600'000);
  if (m.masks_size() > kMaxPolygons)
    throw ValidationError("motion.masks", "must hold at most " + std::to_string(kMaxPolygons) + " masks");
  for (int i = 0; i < m.masks_size(); ++i) check_polygon("motion.masks[" + std::to_string(i) + "]", m.masks(i));
  if (m.zones_size() > kMaxPolygons)
    throw ValidationError("motion.zones", "must hold at most " + std::to_string(kMaxPolygons) + " zones");
  std::set<std::string> names;
  for (int i = 0; i < m.zones_size(); ++i) {
    const std::string zone = "motion.zones[" + std::to_string(i) + "]";
    check_text(zone + ".name", m.zones(i).name(), 100);
    if (!names.insert(m.zones(i).name()).second)
      throw ValidationError(zone + ".name", "repeats the name of another zone");
    check_polygon(zone + ".area", m.zones(i).area());
  }
}

void check_credentials(const CredentialsChange& change) {
  const auto* credentials = std::get_if<crypto::Credentials>(&change);
  if (!credentials) return;
  // Never quoted: they are secrets.
  check_text("credentials.username", credentials->username, 200);
  if (utf8_length(credentials->password) < 0 || credentials->password.size() > 1000)
    throw ValidationError("credentials.password", "must be UTF-8 text of at most 1000 bytes");
}

}  // namespace

void validate_camera(const CameraInput& c) {
  if (!identifier(c.id, 64, false, "._-"))
    throw ValidationError("id", "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
  check_text("name", c.name, 200);
  check_source("analysis_stream", c.analysis_stream, false);
  if (c.recording_stream) check_source("recording_stream", *c.recording_stream, true);
  check_range("latitude", c.latitude, -90, 90);
  check_range("longitude", c.longitude, -180, 180);
  check_optional_range("frames.fps", c.frames.fps(), 0.01, 60);
  check_optional_range("frames.width", c.frames.width(), 64, 3840);
  if (!v1::FrameSettings::DecodeMode_IsValid(c.frames.decode_mode()))
    throw ValidationError("frames.decode_mode", "must be all or keyframes");
  check_optional_range("frames.frozen_after_ms", c.frames.frozen_after_ms(), 1, 3'600'000);
  check_motion(c.motion);
  std::set<std::string> analyses;
  for (const auto& name : c.analyses) {
    if (!analyses.insert(name).second) throw ValidationError("analyses", "lists '" + name + "' twice");
  }
  check_credentials(c.credentials);
}

void validate_analysis(const v1::Analysis& a) {
  if (!identifier(a.name(), 64, true, "_-"))
    throw ValidationError("name", "must be 1 to 64 lowercase letters, digits, '_' or '-', starting with a letter or digit");
  if (a.type() == v1::ALERT_TYPE_UNSPECIFIED || !v1::AlertType_IsValid(a.type()))
    throw ValidationError("type", "must be police, ambulance or fire_brigade");
  check_text("detector", a.detector(), 200);
  if (a.labels_size() < 1 || a.labels_size() > 100) throw ValidationError("labels", "must hold from 1 to 100 labels");
  std::set<std::string> labels;
  for (int i = 0; i < a.labels_size(); ++i) {
    check_text("labels[" + std::to_string(i) + "]", a.labels(i), 100);
    if (!labels.insert(a.labels(i)).second)
      throw ValidationError("labels[" + std::to_string(i) + "]", "repeats another label");
  }
  check_range("min_score", a.min_score(), 0, 1);
  check_range("positives_needed", a.positives_needed(), 1, 10'000);
  check_range("window_ms", a.window_ms(), 1, 86'400'000);
  if (!std::isfinite(a.fps()) || a.fps() <= 0 || a.fps() > 60)
    throw ValidationError("fps", "must be a number above 0 and at most 60");
  check_range("perimeter_m", a.perimeter_m(), 0, 100'000);
  if (a.actions_size() > 50) throw ValidationError("actions", "must hold at most 50 actions");
  for (int i = 0; i < a.actions_size(); ++i) check_text("actions[" + std::to_string(i) + "]", a.actions(i), 500);
}

}  // namespace vigie::event_manager
