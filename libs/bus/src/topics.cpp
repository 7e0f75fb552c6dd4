#include "vigie/bus/topics.h"

#include "vigie/v1/camera.pb.h"
#include "vigie/v1/dead_letter.pb.h"
#include "vigie/v1/detection.pb.h"
#include "vigie/v1/event.pb.h"
#include "vigie/v1/face.pb.h"
#include "vigie/v1/frame.pb.h"
#include "vigie/v1/motion.pb.h"
#include "vigie/v1/recording.pb.h"
#include "vigie/v1/status.pb.h"

namespace vigie::bus {

std::string_view topic_suffix(Topic topic) {
  switch (topic) {
    case Topic::cameras: return "cameras";
    case Topic::frames: return "frames";
    case Topic::motion: return "motion";
    case Topic::detections: return "detections";
    case Topic::faces: return "faces";
    case Topic::status: return "status";
    case Topic::recordings: return "recordings";
    case Topic::events: return "events";
    case Topic::dlq: return "dlq";
  }
  return "unknown";
}

const google::protobuf::Descriptor* topic_message(Topic topic) {
  switch (topic) {
    case Topic::cameras: return v1::Camera::descriptor();
    case Topic::frames: return v1::Frame::descriptor();
    case Topic::motion: return v1::MotionEvent::descriptor();
    case Topic::detections: return v1::Detection::descriptor();
    case Topic::faces: return v1::FaceMatch::descriptor();
    case Topic::status: return v1::CameraStatus::descriptor();
    case Topic::recordings: return v1::Recording::descriptor();
    case Topic::events: return v1::Event::descriptor();
    case Topic::dlq: return v1::DeadLetter::descriptor();
  }
  return nullptr;
}

bool topic_compacted(Topic topic) { return topic == Topic::cameras; }

std::optional<std::chrono::milliseconds> topic_retention(Topic topic) {
  using namespace std::chrono_literals;
  switch (topic) {
    // Pictures are large and worth little once old: recordings keep what matters.
    case Topic::frames: return 10min;
    // Ingest repeats every camera's status every few seconds: an hour tells a
    // reader that starts from the beginning the state of every camera.
    case Topic::status: return 1h;
    default: return std::nullopt;
  }
}

std::optional<Topic> TopicNames::parse(std::string_view name) const {
  for (Topic t : kAllTopics) {
    if (name == (*this)(t)) return t;
  }
  return std::nullopt;
}

std::string check_topic_prefix(const std::string& prefix) {
  const std::string expected = "letters, digits, '.', '_' or '-' only, at most 200 characters";
  if (prefix.size() > 200) return expected;
  for (char c : prefix) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return expected;
  }
  return "";
}

}  // namespace vigie::bus
