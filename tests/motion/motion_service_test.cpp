// The service's logic without Kafka, on a synthetic scene: a dark block walking
// across a textured wall.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "motion_test_support.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;
using Phase = v1::MotionEvent;

const std::string kCamera = "cam-1";
const cv::Size kSize(640, 360);

// Frame `sequence` of the scene: the block enters at frame `from` and walks 12 px a frame.
cv::Mat scene(uint64_t sequence, uint64_t from = 5) {
  static const cv::Mat wall = textured_scene(kSize);
  cv::Mat picture = with_noise(wall, 2, static_cast<int>(sequence));
  if (sequence >= from) {
    int x = 40 + static_cast<int>(sequence - from) * 12;
    cv::rectangle(picture, cv::Rect(x, 150, 40, 100), cv::Scalar::all(20), cv::FILLED);
  }
  return picture;
}

v1::Frame frame(uint64_t sequence, const std::string& stream = "s1", uint64_t from = 5) {
  return make_frame(kCamera, stream, sequence, scene(sequence, from));
}

motion::ServiceOptions quick() {
  motion::ServiceOptions o;
  o.defaults.quiet = 1000ms;
  return o;
}

TEST(MotionService, AMovingThingStartsAnEventWithItsBoxTheFrameAndTheTraceId) {
  ServiceUnderTest s(quick());
  for (uint64_t i = 0; i < 13; ++i) s.feed(frame(i));
  auto starts = s.of_phase(Phase::PHASE_START);
  ASSERT_EQ(starts.size(), 1u);
  const auto& e = starts[0].event;
  // Moving from frame 5: the third frame with motion starts the event.
  EXPECT_EQ(e.frame_sequence(), 7u);
  EXPECT_EQ(e.event_id(), "cam-1/s1/7");
  EXPECT_EQ(e.update(), 0u);
  EXPECT_EQ(e.schema_version(), 1u);
  EXPECT_EQ(e.camera_id(), kCamera);
  EXPECT_EQ(e.stream_id(), "s1");
  EXPECT_EQ(starts[0].trace_id, "trace-7");
  EXPECT_EQ(e.frame_width(), 640u);
  EXPECT_EQ(e.frame_height(), 360u);
  EXPECT_EQ(e.frame_jpeg(), frame(7).jpeg());
  EXPECT_EQ(e.capture_time().seconds(), frame(7).capture_time().seconds());
  EXPECT_EQ(e.capture_time().nanos(), frame(7).capture_time().nanos());
  EXPECT_GT(e.score(), 0);
  ASSERT_GE(e.boxes_size(), 1);
  // The block is at x 64..104 (and its trail behind it), y 150..250.
  cv::Rect2f block(64, 150, 40, 100);
  float covered = 0;
  for (const auto& b : e.boxes())
    covered = std::max(covered, (cv::Rect2f(b.x(), b.y(), b.width(), b.height()) & block).area());
  EXPECT_GT(covered, 0.8f * block.area());

  auto updates = s.of_phase(Phase::PHASE_UPDATE);
  ASSERT_EQ(updates.size(), 5u);
  for (size_t i = 0; i < updates.size(); ++i) {
    EXPECT_EQ(updates[i].event.event_id(), "cam-1/s1/7");
    EXPECT_EQ(updates[i].event.update(), i + 1);
    EXPECT_EQ(updates[i].trace_id, "trace-" + std::to_string(8 + i));
    // One frame a second, frames every 200 ms: the update 1 s after the start carries its frame.
    EXPECT_EQ(updates[i].event.frame_jpeg().empty(), i < 4) << "update " << i + 1;
  }
}

TEST(MotionService, TheEventEndsOnceTheSceneIsQuietForTheQuietTime) {
  ServiceUnderTest s(quick());
  for (uint64_t i = 0; i < 10; ++i) s.feed(frame(i));
  // The block leaves: the same wall again from frame 10.
  for (uint64_t i = 10; i < 30; ++i) s.feed(make_frame(kCamera, "s1", i, scene(i, 1000)));
  ASSERT_EQ(s.of_phase(Phase::PHASE_END).size(), 1u);
  ASSERT_GE(s.events.size(), 3u);
  const auto& end = s.events.back().event;
  const auto& last_motion = s.events[s.events.size() - 2].event;
  EXPECT_EQ(end.phase(), Phase::PHASE_END);
  EXPECT_EQ(end.event_id(), "cam-1/s1/7");
  EXPECT_EQ(end.boxes_size(), 0);
  EXPECT_TRUE(end.frame_jpeg().empty());
  EXPECT_EQ(end.update(), s.events.size() - 1);
  // Quiet for 1 s = 5 frames after the last frame with motion (the block's trail
  // in the background fades over a few frames after it left).
  EXPECT_EQ(last_motion.phase(), Phase::PHASE_UPDATE);
  EXPECT_GE(last_motion.frame_sequence(), 9u);
  EXPECT_EQ(end.frame_sequence(), last_motion.frame_sequence() + 5);
  EXPECT_NE(s.metrics.render().find("vigie_motion_events_ended_total{camera=\"cam-1\"} 1"), std::string::npos);
}

TEST(MotionService, ACameraNotInTheRegistryUsesTheDefaultsAndItsOwnSettingsApplyLive) {
  motion::ServiceOptions o = quick();
  o.defaults.stabilization_frames = 1;
  ServiceUnderTest s(o);
  for (uint64_t i = 0; i < 8; ++i) s.feed(frame(i));
  ASSERT_EQ(s.of_phase(Phase::PHASE_START).size(), 1u);
  EXPECT_EQ(s.of_phase(Phase::PHASE_START)[0].event.frame_sequence(), 5u);

  // Masked whole from the next frame: the block goes on but the event ends.
  v1::MotionSettings masked;
  *masked.add_masks() = rectangle(0, 0, 1, 1);
  auto camera = camera_with(kCamera, masked);
  s.service->camera_changed(kCamera, &camera);
  for (uint64_t i = 8; i < 30; ++i) s.feed(frame(i));
  EXPECT_EQ(s.of_phase(Phase::PHASE_START).size(), 1u);
  ASSERT_EQ(s.of_phase(Phase::PHASE_END).size(), 1u);
  // The last motion at frame 7, quiet for 1 s: frame 12.
  EXPECT_EQ(s.of_phase(Phase::PHASE_END)[0].event.frame_sequence(), 12u);
}

TEST(MotionService, ADeletedCameraEndsItsEventDropsItsStateAndSkipsItsLateFrames) {
  ServiceUnderTest s(quick());
  auto camera = camera_with(kCamera, {});
  s.service->camera_changed(kCamera, &camera);
  for (uint64_t i = 0; i < 10; ++i) s.feed(frame(i));
  ASSERT_EQ(s.service->cameras(), 1u);
  ASSERT_EQ(s.of_phase(Phase::PHASE_START).size(), 1u);

  s.service->camera_changed(kCamera, nullptr);
  EXPECT_EQ(s.service->cameras(), 0u);
  auto ends = s.of_phase(Phase::PHASE_END);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].event.frame_sequence(), 9u);  // the last frame it saw
  EXPECT_EQ(ends[0].trace_id, "trace-9");

  const size_t before = s.events.size();
  for (uint64_t i = 10; i < 20; ++i) s.feed(frame(i));
  EXPECT_EQ(s.events.size(), before);
  EXPECT_EQ(s.service->cameras(), 0u);
  EXPECT_NE(s.metrics.render().find("vigie_motion_frames_skipped_total{reason=\"camera_deleted\"} 10"),
            std::string::npos);

  // Added again: analysed again.
  s.service->camera_changed(kCamera, &camera);
  for (uint64_t i = 20; i < 30; ++i) s.feed(frame(i, "s1", 20));
  EXPECT_EQ(s.of_phase(Phase::PHASE_START).size(), 2u);
}

TEST(MotionService, ANewStreamEndsTheOldStreamsEventAndStartsAfresh) {
  ServiceUnderTest s(quick());
  for (uint64_t i = 0; i < 10; ++i) s.feed(frame(i, "s1"));
  for (uint64_t i = 0; i < 10; ++i) s.feed(frame(i, "s2"));
  auto ends = s.of_phase(Phase::PHASE_END);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].event.event_id(), "cam-1/s1/7");
  EXPECT_EQ(ends[0].event.stream_id(), "s1");
  auto starts = s.of_phase(Phase::PHASE_START);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[1].event.event_id(), "cam-1/s2/7");
}

TEST(MotionService, FramesAlreadyHandledAreSkipped) {
  ServiceUnderTest s(quick());
  for (uint64_t i = 0; i < 10; ++i) s.feed(frame(i, "s1"));
  for (uint64_t i = 0; i < 5; ++i) s.feed(frame(i, "s2"));
  const size_t before = s.events.size();
  // A batch retried after a failure comes back whole: the old stream's frames too.
  for (uint64_t i = 5; i < 10; ++i) s.feed(frame(i, "s1"));
  for (uint64_t i = 0; i < 5; ++i) s.feed(frame(i, "s2"));
  EXPECT_EQ(s.events.size(), before);
  EXPECT_NE(s.metrics.render().find("vigie_motion_frames_skipped_total{reason=\"replayed\"} 10"),
            std::string::npos);
}

TEST(MotionService, ReplayingTheSameFramesGivesTheSameEvents) {
  ServiceUnderTest a(quick()), b(quick());
  for (uint64_t i = 0; i < 30; ++i) {
    auto f = i < 12 ? frame(i) : make_frame(kCamera, "s1", i, scene(i, 1000));
    a.feed(f);
    b.feed(f);
  }
  ASSERT_EQ(a.events.size(), b.events.size());
  ASSERT_GE(a.events.size(), 3u);
  for (size_t i = 0; i < a.events.size(); ++i)
    EXPECT_EQ(a.events[i].event.SerializeAsString(), b.events[i].event.SerializeAsString()) << i;
}

TEST(MotionService, CamerasOfPartitionsTakenAwayAndNotGivenBackEndTheirEventsAndGo) {
  ServiceUnderTest s(quick());
  for (uint64_t i = 0; i < 10; ++i) s.feed(frame(i), 3);
  s.feed(make_frame("cam-2", "s1", 0, scene(0)), 1);
  ASSERT_EQ(s.service->cameras(), 2u);

  // A rebalance takes everything away, then gives partition 3 back.
  s.service->partitions_revoked({1, 3});
  s.service->partitions_assigned({3});
  EXPECT_EQ(s.service->cameras(), 1u);
  EXPECT_TRUE(s.of_phase(Phase::PHASE_END).empty());
  for (uint64_t i = 10; i < 12; ++i) s.feed(frame(i), 3);
  EXPECT_EQ(s.of_phase(Phase::PHASE_START).size(), 1u);  // the same episode goes on
  EXPECT_EQ(s.events.back().event.phase(), Phase::PHASE_UPDATE);

  // Stopping: taken away, nothing given back.
  s.service->partitions_revoked({3});
  s.service->release_revoked();
  EXPECT_EQ(s.service->cameras(), 0u);
  auto ends = s.of_phase(Phase::PHASE_END);
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].event.camera_id(), kCamera);
  EXPECT_EQ(ends[0].event.frame_sequence(), 11u);
}

TEST(MotionService, AFailedPublishDropsTheCamerasStateSoItsRetriedFramesRebuildIt) {
  metrics::Metrics metrics;
  bool fail = false;
  std::vector<v1::MotionEvent> published;
  motion::MotionService service(
      quick(),
      [&](const v1::MotionEvent& e, std::string_view) {
        if (fail) throw std::runtime_error("broker away");
        published.push_back(e);
      },
      metrics.registry());
  for (uint64_t i = 0; i < 8; ++i) service.handle(frame(i), {"t", 0, std::chrono::system_clock::now()});
  ASSERT_EQ(published.size(), 1u);  // the start, at frame 7
  fail = true;
  EXPECT_THROW(service.handle(frame(8), {"t", 0, std::chrono::system_clock::now()}), std::runtime_error);
  EXPECT_EQ(service.cameras(), 0u);
  fail = false;
  service.handle(frame(8), {"t", 0, std::chrono::system_clock::now()});  // analysed, not skipped
  EXPECT_EQ(service.cameras(), 1u);
}

TEST(MotionService, UpdatesOfAStaleBacklogCarryNoFrameButTheStartDoes) {
  motion::ServiceOptions o = quick();
  o.defaults.frame_publish_fps = 5;  // every update would carry its frame
  ServiceUnderTest s(o);
  for (uint64_t i = 0; i < 12; ++i) s.feed(frame(i), 0, 10min);
  ASSERT_EQ(s.of_phase(Phase::PHASE_START).size(), 1u);
  EXPECT_FALSE(s.of_phase(Phase::PHASE_START)[0].event.frame_jpeg().empty());
  for (const auto& u : s.of_phase(Phase::PHASE_UPDATE)) EXPECT_TRUE(u.event.frame_jpeg().empty());

  ServiceUnderTest fresh(o);
  for (uint64_t i = 0; i < 12; ++i) fresh.feed(frame(i));
  for (const auto& u : fresh.of_phase(Phase::PHASE_UPDATE)) EXPECT_FALSE(u.event.frame_jpeg().empty());
}

TEST(MotionService, AFrameThatCannotBeAnalysedIsRefusedWithItsReason) {
  ServiceUnderTest s;
  auto good = frame(0);
  EXPECT_EQ(s.service->check(good, kCamera), "");
  EXPECT_EQ(s.service->check(good, "cam-2"), "camera id 'cam-1' differs from the key 'cam-2'");
  auto anonymous = good;
  anonymous.clear_camera_id();
  EXPECT_EQ(s.service->check(anonymous, ""), "frame without camera id");
  auto garbage = good;
  garbage.set_jpeg("GIF89a");
  EXPECT_NE(s.service->check(garbage, kCamera).find("cam-1 frame 0: not a JPEG"), std::string::npos)
      << s.service->check(garbage, kCamera);
}

TEST(MotionService, ACorruptFrameIsSkippedAndTheNextOnesAnalysed) {
  ServiceUnderTest s(quick());
  for (uint64_t i = 0; i < 6; ++i) s.feed(frame(i));
  auto broken = frame(6);
  broken.set_jpeg(broken.jpeg().substr(0, broken.jpeg().size() / 3));
  s.feed(broken);
  for (uint64_t i = 7; i < 12; ++i) s.feed(frame(i));
  EXPECT_EQ(s.of_phase(Phase::PHASE_START).size(), 1u);
  EXPECT_NE(s.metrics.render().find("vigie_motion_frames_skipped_total{reason=\"undecodable\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace vigie::testing
