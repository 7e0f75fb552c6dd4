#include <gtest/gtest.h>

#include "motion_tracker.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;
using motion::MotionTracker;
using motion::Observation;
using motion::Phase;
using motion::Step;
using motion::TimePoint;

Observation moving(float share = 0.05f) {
  Observation o;
  o.changed_share = share;
  o.boxes.emplace_back(10, 10, 20, 40);
  return o;
}

Observation still() { return {}; }

// 5 frames per second from an arbitrary origin.
TimePoint at(uint64_t sequence) { return TimePoint(1'700'000'000s) + sequence * 200ms; }

motion::MotionSettings settings(uint32_t stabilization = 3, std::chrono::milliseconds quiet = 1000ms,
                                float publish_fps = 1) {
  motion::MotionSettings s;
  s.stabilization_frames = stabilization;
  s.quiet = quiet;
  s.frame_publish_fps = publish_fps;
  s.max_changed_share = 0.5f;
  return s;
}

TEST(MotionTracker, OneFrameOfNoiseNeverStartsAnEvent) {
  MotionTracker t(settings(2));
  for (uint64_t i = 0; i < 40; ++i) {
    Step s = t.observe(i % 2 ? moving() : still(), i, at(i));
    EXPECT_EQ(s.phase, Phase::none) << "frame " << i;
  }
}

TEST(MotionTracker, StartsOnTheFrameThatCompletesTheStabilisation) {
  MotionTracker t(settings(3));
  EXPECT_EQ(t.observe(moving(), 10, at(10)).phase, Phase::none);
  EXPECT_EQ(t.observe(moving(), 11, at(11)).phase, Phase::none);
  Step start = t.observe(moving(), 12, at(12));
  EXPECT_EQ(start.phase, Phase::start);
  EXPECT_EQ(start.update, 0u);
  EXPECT_EQ(start.start_sequence, 12u);
  EXPECT_TRUE(start.attach_frame);
  EXPECT_TRUE(t.open());
}

TEST(MotionTracker, UpdatesWhileMotionLastsAndEndsAfterTheQuietTime) {
  MotionTracker t(settings(1, 1000ms));
  EXPECT_EQ(t.observe(moving(), 0, at(0)).phase, Phase::start);
  Step update = t.observe(moving(), 1, at(1));
  EXPECT_EQ(update.phase, Phase::update);
  EXPECT_EQ(update.update, 1u);
  EXPECT_EQ(update.start_sequence, 0u);
  // Quiet from frame 2 on: the last motion was at frame 1 (200 ms); 1 s later is frame 6.
  for (uint64_t i = 2; i < 6; ++i) EXPECT_EQ(t.observe(still(), i, at(i)).phase, Phase::none) << i;
  Step end = t.observe(still(), 6, at(6));
  EXPECT_EQ(end.phase, Phase::end);
  EXPECT_EQ(end.update, 2u);
  EXPECT_EQ(end.start_sequence, 0u);
  EXPECT_FALSE(t.open());
  // A new episode needs the stabilisation again and gets its own id.
  Step again = t.observe(moving(), 9, at(9));
  EXPECT_EQ(again.phase, Phase::start);
  EXPECT_EQ(again.start_sequence, 9u);
  EXPECT_EQ(again.update, 0u);
}

TEST(MotionTracker, MotionDuringTheQuietTimeKeepsTheEventOpen) {
  MotionTracker t(settings(1, 1000ms));
  t.observe(moving(), 0, at(0));
  for (uint64_t i = 1; i < 30; ++i) {
    Step s = t.observe(i % 4 ? still() : moving(), i, at(i));
    EXPECT_NE(s.phase, Phase::end) << i;
  }
}

TEST(MotionTracker, AttachesFramesToUpdatesAtTheConfiguredRate) {
  MotionTracker t(settings(1, 1000ms, 1));  // 1 frame per second, frames every 200 ms
  ASSERT_TRUE(t.observe(moving(), 0, at(0)).attach_frame);
  std::vector<uint64_t> attached;
  for (uint64_t i = 1; i <= 15; ++i) {
    if (t.observe(moving(), i, at(i)).attach_frame) attached.push_back(i);
  }
  EXPECT_EQ(attached, (std::vector<uint64_t>{5, 10, 15}));

  MotionTracker none(settings(1, 1000ms, 0));
  ASSERT_TRUE(none.observe(moving(), 0, at(0)).attach_frame);  // the start always carries it
  for (uint64_t i = 1; i <= 15; ++i) EXPECT_FALSE(none.observe(moving(), i, at(i)).attach_frame);
}

TEST(MotionTracker, AGlobalChangeIsNeverMotion) {
  MotionTracker t(settings(1));
  for (uint64_t i = 0; i < 10; ++i) {
    Step s = t.observe(moving(0.9f), i, at(i));
    EXPECT_EQ(s.phase, Phase::none);
    EXPECT_TRUE(s.global_change);
  }
  EXPECT_FALSE(t.observe(moving(0.1f), 10, at(10)).global_change);
}

TEST(MotionTracker, AGlobalChangeDuringAnEventCountsAsQuiet) {
  MotionTracker t(settings(1, 400ms));
  t.observe(moving(), 0, at(0));
  EXPECT_EQ(t.observe(moving(0.9f), 1, at(1)).phase, Phase::none);
  Step end = t.observe(moving(0.9f), 2, at(2));
  EXPECT_EQ(end.phase, Phase::end);
  EXPECT_TRUE(end.global_change);
}

TEST(MotionTracker, CloseEndsTheOpenEventOnly) {
  MotionTracker t(settings(1));
  EXPECT_EQ(t.close().phase, Phase::none);
  t.observe(moving(), 4, at(4));
  t.observe(moving(), 5, at(5));
  Step end = t.close();
  EXPECT_EQ(end.phase, Phase::end);
  EXPECT_EQ(end.update, 2u);
  EXPECT_EQ(end.start_sequence, 4u);
  EXPECT_EQ(t.close().phase, Phase::none);
}

TEST(MotionTracker, NewSettingsApplyToTheOpenEvent) {
  MotionTracker t(settings(1, 10'000ms));
  t.observe(moving(), 0, at(0));
  t.configure(settings(1, 400ms));
  t.observe(still(), 1, at(1));
  EXPECT_EQ(t.observe(still(), 2, at(2)).phase, Phase::end);
}

TEST(MotionTracker, TheSameFramesGiveTheSameDecisions) {
  auto run = [] {
    MotionTracker t(settings(2, 600ms));
    std::vector<std::tuple<int, uint32_t, uint64_t, bool>> steps;
    for (uint64_t i = 0; i < 60; ++i) {
      Step s = t.observe((i / 7) % 2 ? moving() : still(), i, at(i));
      steps.emplace_back(static_cast<int>(s.phase), s.update, s.start_sequence, s.attach_frame);
    }
    return steps;
  };
  EXPECT_EQ(run(), run());
  EXPECT_EQ(motion::event_id("cam-1", "s-9", 42), "cam-1/s-9/42");
}

}  // namespace
}  // namespace vigie::testing
