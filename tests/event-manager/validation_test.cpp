// A camera or an analysis that breaks a rule is refused with the field at fault,
// as the REST layer will report it, and never with a secret in the message.
#include "validation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "store_errors.h"

namespace vigie::event_manager {
namespace {

CameraInput good_camera() {
  CameraInput c;
  c.id = "cam-1";
  c.name = "Pont Neuf";
  c.analysis_stream.set_kind(v1::Source::KIND_RTSP);
  c.analysis_stream.set_url("rtsp://cam.example/stream");
  c.latitude = 48.8571;
  c.longitude = 2.3412;
  return c;
}

v1::Analysis good_analysis() {
  v1::Analysis a;
  a.set_name("fire");
  a.set_type(v1::ALERT_TYPE_FIRE_BRIGADE);
  a.set_detector("opencv-dnn:fire");
  a.add_labels("fire");
  a.set_min_score(0.5f);
  a.set_positives_needed(3);
  a.set_window_ms(5000);
  a.set_fps(2);
  a.set_perimeter_m(100);
  return a;
}

// The field named by the ValidationError the change causes, or "" if none.
std::string refused_field(const std::function<void(CameraInput&)>& change, std::string* message = nullptr) {
  CameraInput c = good_camera();
  change(c);
  try {
    validate_camera(c);
    return "";
  } catch (const ValidationError& e) {
    if (message) *message = e.message();
    return e.field();
  }
}

std::string refused_field(const std::function<void(v1::Analysis&)>& change) {
  v1::Analysis a = good_analysis();
  change(a);
  try {
    validate_analysis(a);
    return "";
  } catch (const ValidationError& e) {
    return e.field();
  }
}

void polygon(v1::Polygon* p, std::initializer_list<std::pair<float, float>> points) {
  for (auto [x, y] : points) {
    auto* point = p->add_points();
    point->set_x(x);
    point->set_y(y);
  }
}

TEST(CameraValidation, AGoodCameraPasses) {
  EXPECT_EQ(refused_field([](CameraInput&) {}), "");
  EXPECT_EQ(refused_field([](CameraInput& c) {
              c.analysis_stream.set_kind(v1::Source::KIND_SNAPSHOT);
              c.analysis_stream.set_url("https://city.example/cams/12.jpg?token=abc");
              c.analysis_stream.set_snapshot_interval_ms(5000);
              c.latitude = -90;
              c.longitude = 180;
              c.name = "Caméra 東京";
              c.analyses = {"fire", "crowd"};
              c.credentials = crypto::Credentials{"viewer", "pässword"};
            }),
            "");
}

TEST(CameraValidation, EachBadValueNamesItsField) {
  const std::vector<std::pair<std::string, std::function<void(CameraInput&)>>> cases{
      {"id", [](CameraInput& c) { c.id = ""; }},
      {"id", [](CameraInput& c) { c.id = "has space"; }},
      {"id", [](CameraInput& c) { c.id = "-leading"; }},
      {"id", [](CameraInput& c) { c.id = std::string(65, 'a'); }},
      {"name", [](CameraInput& c) { c.name = ""; }},
      {"name", [](CameraInput& c) { c.name = "   "; }},
      {"name", [](CameraInput& c) { c.name = "two\nlines"; }},
      {"name", [](CameraInput& c) { c.name = "bad \xff utf-8"; }},
      {"name", [](CameraInput& c) { c.name = std::string(201, 'n'); }},
      {"latitude", [](CameraInput& c) { c.latitude = 90.5; }},
      {"latitude", [](CameraInput& c) { c.latitude = std::nan(""); }},
      {"longitude", [](CameraInput& c) { c.longitude = -180.01; }},
      {"longitude", [](CameraInput& c) { c.longitude = INFINITY; }},
      {"analysis_stream.kind", [](CameraInput& c) { c.analysis_stream.set_kind(v1::Source::KIND_UNSPECIFIED); }},
      {"analysis_stream.url", [](CameraInput& c) { c.analysis_stream.set_url(""); }},
      {"analysis_stream.url", [](CameraInput& c) { c.analysis_stream.set_url("http://cam.example/mjpeg"); }},
      {"analysis_stream.url", [](CameraInput& c) { c.analysis_stream.set_url("rtsp:///no-host"); }},
      {"analysis_stream.url",
       [](CameraInput& c) {
         c.analysis_stream.set_kind(v1::Source::KIND_MJPEG);
         c.analysis_stream.set_url("rtsp://cam.example/stream");
       }},
      {"analysis_stream.url",
       [](CameraInput& c) {
         c.analysis_stream.set_kind(v1::Source::KIND_FILE);
         c.analysis_stream.set_url("relative/video.mp4");
       }},
      {"analysis_stream.url",
       [](CameraInput& c) {
         c.analysis_stream.set_kind(v1::Source::KIND_V4L2);
         c.analysis_stream.set_url("/tmp/video0");
       }},
      {"analysis_stream.rtsp_transport",
       [](CameraInput& c) {
         c.analysis_stream.set_kind(v1::Source::KIND_MJPEG);
         c.analysis_stream.set_url("http://cam.example/mjpeg");
         c.analysis_stream.set_rtsp_transport(v1::Source::RTSP_TRANSPORT_UDP);
       }},
      {"analysis_stream.snapshot_interval_ms", [](CameraInput& c) { c.analysis_stream.set_snapshot_interval_ms(1000); }},
      {"recording_stream.kind",
       [](CameraInput& c) {
         v1::Source s;
         s.set_kind(v1::Source::KIND_SNAPSHOT);
         s.set_url("http://cam.example/1.jpg");
         c.recording_stream = s;
       }},
      {"recording_stream.url",
       [](CameraInput& c) {
         c.recording_stream = c.analysis_stream;
         c.recording_stream->set_url("x");
       }},
      {"frames.fps", [](CameraInput& c) { c.frames.set_fps(61); }},
      {"frames.width", [](CameraInput& c) { c.frames.set_width(32); }},
      {"frames.frozen_after_ms", [](CameraInput& c) { c.frames.set_frozen_after_ms(4'000'000); }},
      {"motion.sensitivity", [](CameraInput& c) { c.motion.set_sensitivity(1.5f); }},
      {"motion.masks[0]", [](CameraInput& c) { polygon(c.motion.add_masks(), {{0, 0}, {1, 1}}); }},
      {"motion.masks[1].points[2].x",
       [](CameraInput& c) {
         polygon(c.motion.add_masks(), {{0, 0}, {1, 0}, {1, 1}});
         polygon(c.motion.add_masks(), {{0, 0}, {1, 0}, {1.5f, 1}});
       }},
      {"motion.zones[0].name", [](CameraInput& c) { polygon(c.motion.add_zones()->mutable_area(), {{0, 0}, {1, 0}, {1, 1}}); }},
      {"motion.zones[1].name",
       [](CameraInput& c) {
         for (int i = 0; i < 2; ++i) {
           auto* z = c.motion.add_zones();
           z->set_name("door");
           polygon(z->mutable_area(), {{0, 0}, {1, 0}, {1, 1}});
         }
       }},
      {"analyses", [](CameraInput& c) { c.analyses = {"fire", "fire"}; }},
      {"credentials.username", [](CameraInput& c) { c.credentials = crypto::Credentials{"", "secret"}; }},
      {"credentials.password", [](CameraInput& c) { c.credentials = crypto::Credentials{"user", "\xc3"}; }},
  };
  for (const auto& [field, change] : cases) {
    SCOPED_TRACE(field);
    EXPECT_EQ(refused_field(change), field);
  }
}

TEST(CameraValidation, CredentialsInAUrlAreRefusedWithoutBeingRepeated) {
  std::string message;
  EXPECT_EQ(refused_field([](CameraInput& c) { c.analysis_stream.set_url("rtsp://admin:hunter2@cam.example/stream"); },
                          &message),
            "analysis_stream.url");
  EXPECT_NE(message.find("credentials field"), std::string::npos) << message;
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  EXPECT_EQ(refused_field([](CameraInput& c) { c.credentials = crypto::Credentials{"user", "bad\xff"}; }, &message),
            "credentials.password");
  EXPECT_EQ(message.find("bad"), std::string::npos) << message;
}

TEST(AnalysisValidation, EachBadValueNamesItsField) {
  EXPECT_EQ(refused_field([](v1::Analysis&) {}), "");
  const std::vector<std::pair<std::string, std::function<void(v1::Analysis&)>>> cases{
      {"name", [](v1::Analysis& a) { a.set_name("Fire!"); }},
      {"name", [](v1::Analysis& a) { a.set_name(""); }},
      {"type", [](v1::Analysis& a) { a.set_type(v1::ALERT_TYPE_UNSPECIFIED); }},
      {"detector", [](v1::Analysis& a) { a.set_detector(""); }},
      {"labels", [](v1::Analysis& a) { a.clear_labels(); }},
      {"labels[1]", [](v1::Analysis& a) { a.add_labels("fire"); }},
      {"labels[1]", [](v1::Analysis& a) { a.add_labels(""); }},
      {"min_score", [](v1::Analysis& a) { a.set_min_score(1.5f); }},
      {"positives_needed", [](v1::Analysis& a) { a.set_positives_needed(0); }},
      {"window_ms", [](v1::Analysis& a) { a.set_window_ms(0); }},
      {"fps", [](v1::Analysis& a) { a.set_fps(0); }},
      {"perimeter_m", [](v1::Analysis& a) { a.set_perimeter_m(-1); }},
      {"actions[0]", [](v1::Analysis& a) { a.add_actions(""); }},
  };
  for (const auto& [field, change] : cases) {
    SCOPED_TRACE(field);
    EXPECT_EQ(refused_field(change), field);
  }
}

}  // namespace
}  // namespace vigie::event_manager
