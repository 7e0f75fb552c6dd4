#include "event_manager_test_support.h"

#include "migrations.h"
#include "vigie/storage/migrations.h"

namespace vigie::testing {
namespace {

storage::DatabaseOptions options_for(const PostgresFixture& pg) {
  storage::DatabaseOptions o;
  o.url = pg.connection_string();
  return o;
}

}  // namespace

EventManagerDatabase::EventManagerDatabase() : db(options_for(pg), metrics) {
  storage::migrate(db, event_manager::migrations());
}

std::vector<std::pair<std::string, std::optional<v1::Camera>>> EventManagerDatabase::outbox() {
  return db.with_transaction([](pqxx::work& tx) {
    std::vector<std::pair<std::string, std::optional<v1::Camera>>> out;
    for (const auto& row : tx.exec("SELECT camera_id, payload FROM camera_outbox ORDER BY id")) {
      std::optional<v1::Camera> camera;
      if (!row[1].is_null()) {
        camera.emplace();
        camera->ParseFromString(pqxx::binarystring(row[1]).str());
      }
      out.emplace_back(row[0].as<std::string>(), std::move(camera));
    }
    return out;
  });
}

v1::Analysis example_analysis(const std::string& name) {
  v1::Analysis a;
  a.set_name(name);
  a.set_type(v1::ALERT_TYPE_FIRE_BRIGADE);
  a.set_detector("opencv-dnn:fire-smoke");
  a.add_labels("fire");
  a.add_labels("smoke");
  a.set_min_score(0.6f);
  a.set_positives_needed(3);
  a.set_window_ms(10'000);
  a.set_fps(2);
  a.set_perimeter_m(150);
  a.add_actions("Send the nearest fire engine");
  a.add_actions("Close the street");
  return a;
}

event_manager::CameraInput example_camera(const std::string& id, std::vector<std::string> analyses) {
  event_manager::CameraInput c;
  c.id = id;
  c.name = "Hôtel de Ville " + id;
  c.analysis_stream.set_kind(v1::Source::KIND_RTSP);
  c.analysis_stream.set_url("rtsp://cam.example:8554/" + id);
  c.analysis_stream.set_rtsp_transport(v1::Source::RTSP_TRANSPORT_UDP);
  v1::Source recording;
  recording.set_kind(v1::Source::KIND_RTSP);
  recording.set_url("rtsp://cam.example:8554/" + id + "/high");
  c.recording_stream = recording;
  c.latitude = 48.856613;
  c.longitude = 2.352222;
  c.frames.set_fps(4);
  c.frames.set_width(640);
  c.frames.set_decode_mode(v1::FrameSettings::DECODE_MODE_KEYFRAMES);
  c.frames.set_frozen_after_ms(8000);
  c.motion.set_detector(v1::MotionSettings::DETECTOR_MOG2);
  c.motion.set_sensitivity(0.7f);
  auto* mask = c.motion.add_masks();
  for (auto [x, y] : {std::pair{0.0f, 0.0f}, {0.25f, 0.0f}, {0.25f, 0.2f}}) {
    auto* p = mask->add_points();
    p->set_x(x);
    p->set_y(y);
  }
  c.analyses = std::move(analyses);
  return c;
}

}  // namespace vigie::testing
