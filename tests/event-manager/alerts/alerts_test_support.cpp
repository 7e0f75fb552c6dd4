#include "alerts_test_support.h"

#include <google/protobuf/util/time_util.h>

#include "vigie/bus/topics.h"

namespace vigie::testing {
namespace {

google::protobuf::Timestamp at(double seconds) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(kT0Seconds * 1'000'000 +
                                                                   static_cast<int64_t>(seconds * 1e6));
}

template <class Message>
bus::Record record(bus::Topic topic, const std::string& key, const Message& message) {
  bus::Record r;
  r.topic = topic;
  r.topic_name = "vigie." + std::string(bus::topic_suffix(topic));
  r.key = key;
  r.message = std::make_unique<Message>(message);
  return r;
}

}  // namespace

std::string test_jpeg(const std::string& tag) { return std::string("\xFF\xD8\xFF\xE0", 4) + "test picture " + tag; }

v1::Detection fire_detection(const std::string& camera, int seq, double at_s, float score, const std::string& jpeg) {
  v1::Detection d;
  d.set_schema_version(bus::kSchemaVersion);
  d.set_detection_id(camera + "/stream-1/" + std::to_string(seq) + "/fire");
  d.set_camera_id(camera);
  d.set_analysis("fire");
  d.set_level(v1::Detection::LEVEL_POSITIVE);
  auto* object = d.add_objects();
  object->set_label("fire");
  object->set_score(score);
  d.set_model("test-model");
  d.set_stream_id("stream-1");
  d.set_frame_sequence(static_cast<uint64_t>(seq));
  *d.mutable_capture_time() = at(at_s);
  d.set_frame_jpeg(jpeg);
  return d;
}

v1::MotionEvent motion_update(const std::string& camera, const std::string& event, int update, double at_s,
                              float score) {
  v1::MotionEvent e;
  e.set_schema_version(bus::kSchemaVersion);
  e.set_event_id(event);
  e.set_update(static_cast<uint32_t>(update));
  e.set_camera_id(camera);
  e.set_phase(update == 0 ? v1::MotionEvent::PHASE_START : v1::MotionEvent::PHASE_UPDATE);
  *e.mutable_capture_time() = at(at_s);
  auto* box = e.add_boxes();
  box->set_x(10);
  box->set_y(20);
  box->set_width(30);
  box->set_height(40);
  e.set_score(score);
  return e;
}

bus::Record record_of(const v1::Detection& detection) {
  return record(bus::Topic::detections, detection.camera_id(), detection);
}

bus::Record record_of(const v1::MotionEvent& event) { return record(bus::Topic::motion, event.camera_id(), event); }

v1::Analysis fire_rule(int positives_needed, int window_ms) {
  v1::Analysis a = example_analysis("fire");
  a.set_positives_needed(static_cast<uint32_t>(positives_needed));
  a.set_window_ms(static_cast<uint32_t>(window_ms));
  return a;
}

std::vector<v1::Event> AlertsDatabase::queued_events(const std::optional<std::string>& alert_id) {
  return db.with_transaction([&](pqxx::work& tx) {
    std::vector<v1::Event> out;
    for (const auto& row : tx.exec_params(
             "SELECT payload FROM event_outbox WHERE $1::uuid IS NULL OR alert_id = $1::uuid ORDER BY id", alert_id)) {
      v1::Event e;
      e.ParseFromString(pqxx::binarystring(row[0]).str());
      out.push_back(std::move(e));
    }
    return out;
  });
}

void AlertsDatabase::add_camera(const std::string& id, std::vector<std::string> analysis_names) {
  cameras.create(example_camera(id, std::move(analysis_names)), "user:test");
}

}  // namespace vigie::testing
