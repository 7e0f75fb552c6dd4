// The inference service without Kafka: motion events in, detections out, on
// real frames of vtest.avi with the real default detector.
#include <gtest/gtest.h>

#include "inference_service.h"
#include "inference_test_support.h"
#include "vigie/metrics/metrics.h"

namespace vigie::inference {
namespace {

using namespace std::chrono_literals;
using testing::analysis;
using testing::camera_with;
using testing::encode_jpeg;
using testing::motion_event;
using testing::vtest_frame;

struct Published {
  v1::Detection detection;
  std::string trace_id;
};

struct ServiceUnderTest {
  explicit ServiceUnderTest(ServiceOptions options = {}, RemoteOptions remote = {})
      : pool([&] {
          FactoryOptions f;
          f.models_dir = testing::models_dir();
          f.remote = std::move(remote);
          return f;
        }()),
        service(
            std::move(options), pool,
            [this](const v1::Detection& d, std::string_view trace) {
              if (fail_publish) throw std::runtime_error("broker away");
              published.push_back({d, std::string(trace)});
            },
            metrics.registry()) {}

  void feed(const v1::MotionEvent& e) {
    service.handle(e, {"trace-" + std::to_string(e.frame_sequence()), {}});
  }
  double metric(const std::string& line) const {
    const std::string text = metrics.render();
    const auto at = text.find(line + " ");
    return at == std::string::npos ? -1 : std::stod(text.substr(at + line.size() + 1));
  }

  metrics::Metrics metrics;
  DetectorPool pool;
  std::vector<Published> published;
  bool fail_publish = false;
  InferenceService service;
};

const std::string& frame_jpeg(int index) {
  static std::map<int, std::string> cache;
  auto& j = cache[index];
  if (j.empty()) j = encode_jpeg(vtest_frame(index));
  return j;
}

TEST(InferenceService, AFrameThatMovedGivesAPositiveDetectionWithEverythingTheEventManagerNeeds) {
  ServiceUnderTest t;
  auto camera = camera_with("demo", {analysis("people", "opencv-dnn:centernet-coco", {"person"}, 0.4f, 5)});
  t.service.camera_changed("demo", &camera);
  auto event = motion_event("demo", "s1", 3, frame_jpeg(120));
  t.feed(event);

  ASSERT_EQ(t.published.size(), 1u);
  const auto& [d, trace] = t.published[0];
  EXPECT_EQ(trace, "trace-3");
  EXPECT_EQ(d.schema_version(), 1u);
  EXPECT_EQ(d.detection_id(), "demo/s1/3/people");
  EXPECT_EQ(d.camera_id(), "demo");
  EXPECT_EQ(d.analysis(), "people");
  EXPECT_EQ(d.level(), v1::Detection::LEVEL_POSITIVE);
  EXPECT_EQ(d.model(), "opencv-dnn:centernet-coco");
  EXPECT_EQ(d.stream_id(), "s1");
  EXPECT_EQ(d.frame_sequence(), 3u);
  EXPECT_EQ(d.motion_event_id(), event.event_id());
  EXPECT_EQ(d.capture_time().seconds(), event.capture_time().seconds());
  EXPECT_EQ(d.frame_width(), 640u);
  EXPECT_EQ(d.frame_height(), 480u);
  EXPECT_GT(d.latency_ms(), 0);
  EXPECT_EQ(d.frame_jpeg(), frame_jpeg(120));  // evidence on a positive
  EXPECT_GE(d.objects_size(), 5);
  for (const auto& o : d.objects()) {
    EXPECT_EQ(o.label(), "person");
    EXPECT_GE(o.score(), 0.2f);  // probable threshold: half the minimum score
    EXPECT_GE(o.box().x(), 0);
    EXPECT_LE(o.box().x() + o.box().width(), 640.5f);
    EXPECT_LE(o.box().y() + o.box().height(), 480.5f);
  }
}

TEST(InferenceService, NegativesArePublishedTooWithoutEvidence) {
  ServiceUnderTest t;
  auto camera = camera_with("demo", {analysis("dogs", "opencv-dnn:centernet-coco", {"dog"}, 0.5f, 5)});
  t.service.camera_changed("demo", &camera);
  t.feed(motion_event("demo", "s1", 0, frame_jpeg(120)));
  ASSERT_EQ(t.published.size(), 1u);
  EXPECT_EQ(t.published[0].detection.level(), v1::Detection::LEVEL_NONE);
  EXPECT_TRUE(t.published[0].detection.frame_jpeg().empty());
  EXPECT_EQ(t.published[0].detection.objects_size(), 0);
}

TEST(InferenceService, EachAnalysisRunsAtItsOwnFrameRateAndOneDetectorServesAnalysesSharingIt) {
  ServiceUnderTest t;
  auto camera = camera_with("demo", {analysis("people", "opencv-dnn:centernet-coco", {"person"}, 0.4f, 5),
                                     analysis("cars", "opencv-dnn:centernet-coco", {"car"}, 0.4f, 1)});
  t.service.camera_changed("demo", &camera);
  // Ten frames at 5 fps: 2 seconds.
  for (uint64_t seq = 0; seq < 10; ++seq) t.feed(motion_event("demo", "s1", seq, frame_jpeg(120)));
  int people = 0, cars = 0;
  for (const auto& p : t.published) (p.detection.analysis() == "people" ? people : cars)++;
  EXPECT_EQ(people, 10);
  EXPECT_EQ(cars, 2);  // at 0 s and 1 s
  EXPECT_EQ(t.metric("vigie_inference_motion_events_total{outcome=\"analysed\"}"), 10);
  // A new stream starts its own clock: due again at once.
  t.feed(motion_event("demo", "s2", 0, frame_jpeg(120)));
  EXPECT_EQ(t.published.size(), 14u);
}

TEST(InferenceService, OnlyFramesThatMovedAndCarryTheirPictureAreAnalysed) {
  ServiceUnderTest t;
  auto camera = camera_with("demo", {analysis("people", "hog:people", {"person"}, 0.5f, 5)});
  t.service.camera_changed("demo", &camera);
  auto end = motion_event("demo", "s1", 1, frame_jpeg(120));
  end.set_phase(v1::MotionEvent::PHASE_END);
  end.clear_frame_jpeg();
  t.feed(end);
  EXPECT_TRUE(t.published.empty());
  EXPECT_EQ(t.metric("vigie_inference_motion_events_total{outcome=\"no_frame\"}"), 1);

  auto other = camera_with("quiet", {analysis("intrusion", "motion", {}, 0, 0)});
  t.service.camera_changed("quiet", &other);
  t.feed(motion_event("quiet", "s1", 0, frame_jpeg(120)));
  EXPECT_TRUE(t.published.empty());
  EXPECT_EQ(t.metric("vigie_inference_motion_events_total{outcome=\"no_analysis\"}"), 1);

  auto broken = motion_event("demo", "s1", 2, "\xff\xd8\xff garbage");
  t.feed(broken);
  EXPECT_EQ(t.metric("vigie_inference_motion_events_total{outcome=\"undecodable\"}"), 1);
}

TEST(InferenceService, ARemoteThatFailsIsAnErrorInLogsAndMetricsAndTheOtherAnalysesGoOn) {
  testing::HfStubServer server;
  server.script({{500, R"({"error":"internal"})"}, {500, R"({"error":"internal"})"}});
  RemoteOptions remote;
  remote.base_url = server.base_url();
  remote.retries = 1;
  remote.backoff = 10ms;
  remote.cooldown = 0ms;
  ServiceUnderTest t({}, remote);
  auto camera = camera_with("demo", {analysis("fire", "hf:acme/fire", {"fire"}, 0.5f, 5),
                                     analysis("people", "hog:people", {"person"}, 0.5f, 5)});
  t.service.camera_changed("demo", &camera);
  ASSERT_NO_THROW(t.feed(motion_event("demo", "s1", 0, frame_jpeg(120))));
  ASSERT_EQ(t.published.size(), 1u);
  EXPECT_EQ(t.published[0].detection.analysis(), "people");
  EXPECT_EQ(t.metric("vigie_inference_errors_total{kind=\"http_5xx\"}"), 1);
  // The next frame asks again (no cooldown here) and the endpoint answers.
  server.script({{200, R"([{"label":"fire","score":0.9}])"}});
  t.feed(motion_event("demo", "s1", 1, frame_jpeg(120)));
  ASSERT_EQ(t.published.size(), 3u);
  EXPECT_EQ(t.published[1].detection.analysis(), "fire");
  EXPECT_EQ(t.published[1].detection.level(), v1::Detection::LEVEL_POSITIVE);
  EXPECT_EQ(t.published[1].detection.model(), "hf:acme/fire");
}

TEST(InferenceService, AFailedPublishLeavesTheEventToBeAnalysedAgainWhenRetried) {
  ServiceUnderTest t;
  auto camera = camera_with("demo", {analysis("people", "hog:people", {"person"}, 0.5f, 1)});
  t.service.camera_changed("demo", &camera);
  t.fail_publish = true;
  const auto event = motion_event("demo", "s1", 0, frame_jpeg(120));
  EXPECT_THROW(t.feed(event), std::runtime_error);
  t.fail_publish = false;
  t.feed(event);
  ASSERT_EQ(t.published.size(), 1u);
  EXPECT_EQ(t.published[0].detection.detection_id(), "demo/s1/0/people");
}

TEST(InferenceService, ADeletedCameraRunsNoAnalysisAndAMotionEventIsCheckedAgainstItsKey) {
  ServiceUnderTest t;
  auto camera = camera_with("demo", {analysis("people", "hog:people", {"person"}, 0.5f, 1)});
  t.service.camera_changed("demo", &camera);
  EXPECT_EQ(t.service.analyses_of("demo").size(), 1u);
  t.service.camera_changed("demo", nullptr);
  EXPECT_TRUE(t.service.analyses_of("demo").empty());
  auto event = motion_event("demo", "s1", 0, frame_jpeg(120));
  EXPECT_EQ(t.service.check(event, "demo"), "");
  EXPECT_NE(t.service.check(event, "other").find("differs from the key"), std::string::npos);
  event.clear_camera_id();
  EXPECT_NE(t.service.check(event, "demo"), "");
}

}  // namespace
}  // namespace vigie::inference
