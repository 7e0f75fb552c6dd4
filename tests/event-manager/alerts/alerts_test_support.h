// What the alert tests share: detections and motion events as producers make
// them, records as the consumer hands them over, a fire analysis with the rule
// a test needs, and a PostgreSQL database with cameras that run it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis_store.h"
#include "camera_store.h"
#include "event_manager_test_support.h"
#include "vigie/bus/consumer.h"
#include "vigie/v1/detection.pb.h"
#include "vigie/v1/event.pb.h"
#include "vigie/v1/motion.pb.h"

namespace vigie::testing {

// Capture times are offsets in seconds from this instant.
inline constexpr int64_t kT0Seconds = 1'700'000'000;

// A JPEG as far as the evidence check goes (the SOI marker first).
std::string test_jpeg(const std::string& tag = "");

// A positive of analysis "fire" at score on camera, frame number seq, at kT0 + at_s.
v1::Detection fire_detection(const std::string& camera, int seq, double at_s, float score = 0.9f,
                             const std::string& jpeg = "");
// A motion update with one box.
v1::MotionEvent motion_update(const std::string& camera, const std::string& event, int update, double at_s,
                              float score = 0.05f);

bus::Record record_of(const v1::Detection& detection);
bus::Record record_of(const v1::MotionEvent& event);

// "fire" (fire brigade, labels fire and smoke at 0.6) needing positives within window_ms.
v1::Analysis fire_rule(int positives_needed, int window_ms = 10'000);

// The event manager's schema with analyses and cameras in it, through their stores.
class AlertsDatabase : public EventManagerDatabase {
 public:
  void add_analysis(const v1::Analysis& analysis) { analyses.create(analysis, "user:test"); }
  // example_camera(id) running the analyses named.
  void add_camera(const std::string& id, std::vector<std::string> analysis_names);

  // The events waiting in the outbox (of one alert, or all), oldest first.
  std::vector<v1::Event> queued_events(const std::optional<std::string>& alert_id = std::nullopt);

  template <class... Args>
  int count(const std::string& sql, Args&&... args) {
    return scalar<int>(sql, std::forward<Args>(args)...);
  }

  event_manager::CameraStore cameras{db, std::nullopt};
  event_manager::AnalysisStore analyses{db};
};

}  // namespace vigie::testing
