// The alert rule on its own: what counts as a positive, when positives raise an
// alert, how an open alert is updated, and the cool-down after a closing.
#include "alerts/alert_rule.h"

#include <gtest/gtest.h>

#include <cmath>

#include <google/protobuf/util/time_util.h>

#include "event_manager_test_support.h"

namespace vigie::event_manager {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kT0 = 1'700'000'000 * kSecond;
const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "picture";

// Fire brigade on the labels fire and smoke at 0.6, three positives within 10 s.
v1::Analysis fire() { return testing::example_analysis("fire"); }

RuleParams params(int64_t needed = 3, int64_t cooldown_s = 60) {
  return {.positives_needed = needed, .window_us = 10 * kSecond, .cooldown_us = cooldown_s * kSecond};
}

Positive positive(const std::string& id, int64_t at_s, float score = 0.8f, const std::string* jpeg = nullptr) {
  return {.message_id = id, .at_us = kT0 + at_s * kSecond, .score = score, .label = "fire", .jpeg = jpeg};
}

v1::Detection detection(std::initializer_list<std::pair<const char*, float>> objects,
                        v1::Detection::Level level = v1::Detection::LEVEL_NONE) {
  v1::Detection d;
  d.set_detection_id("cam-1/s/7/fire");
  d.set_camera_id("cam-1");
  d.set_analysis("fire");
  d.set_level(level);
  *d.mutable_capture_time() = TimeUtil::MicrosecondsToTimestamp(kT0);
  for (const auto& [label, score] : objects) {
    auto* o = d.add_objects();
    o->set_label(label);
    o->set_score(score);
  }
  return d;
}

TEST(AlertRule, FewerPositivesThanNeededWithinTheWindowRaiseNothingButStayPending) {
  const std::vector<Positive> ps{positive("a", 0), positive("b", 4)};
  const RuleResult r = apply_rule(params(), {}, ps);
  EXPECT_FALSE(r.raised);
  EXPECT_FALSE(r.updated);
  EXPECT_FALSE(r.state.open);
  ASSERT_EQ(r.pending_added.size(), 2u);
  EXPECT_EQ(r.state.pending.size(), 2u);
}

TEST(AlertRule, EnoughPositivesWithinTheWindowRaiseOneAlertWithTheirFirstTimeAndBestScore) {
  const std::vector<Positive> ps{positive("a", 0, 0.7f), positive("b", 4, 0.9f, &kJpeg), positive("c", 9, 0.65f)};
  const RuleResult r = apply_rule(params(), {}, ps);
  ASSERT_TRUE(r.raised);
  ASSERT_TRUE(r.state.open);
  EXPECT_EQ(r.state.open->positives, 3);
  EXPECT_EQ(r.state.open->first_seen_us, kT0);
  EXPECT_EQ(r.state.open->last_seen_us, kT0 + 9 * kSecond);
  EXPECT_FLOAT_EQ(r.state.open->max_score, 0.9f);
  ASSERT_NE(r.evidence, nullptr);
  EXPECT_EQ(r.evidence->message_id, "b");
  // Counted into the alert: none of them waits for another.
  EXPECT_TRUE(r.state.pending.empty());
  EXPECT_TRUE(r.pending_added.empty());
}

TEST(AlertRule, PositivesFartherApartThanTheWindowNeverAddUp) {
  const std::vector<Positive> ps{positive("a", 0), positive("b", 10), positive("c", 20), positive("d", 30)};
  const RuleResult r = apply_rule(params(2), {}, ps);
  EXPECT_FALSE(r.raised);
  // Only the newest can still count with a later one.
  ASSERT_EQ(r.state.pending.size(), 1u);
  EXPECT_EQ(r.state.pending.front().message_id, "d");
}

TEST(AlertRule, PositivesSplitAcrossBatchesCountTogetherThroughTheStoredState) {
  const std::vector<Positive> first{positive("a", 0), positive("b", 3)};
  const RuleResult r1 = apply_rule(params(), {}, first);
  ASSERT_FALSE(r1.raised);
  // As the writer would: the stored state is what the first batch left, read back.
  RuleState stored;
  stored.pending = r1.state.pending;
  const std::vector<Positive> second{positive("c", 8)};
  const RuleResult r2 = apply_rule(params(), stored, second);
  ASSERT_TRUE(r2.raised);
  EXPECT_EQ(r2.state.open->positives, 3);
  EXPECT_EQ(r2.state.open->first_seen_us, kT0);
  EXPECT_EQ(r2.pending_removed, (std::vector<std::string>{"a", "b"}));
}

TEST(AlertRule, FurtherPositivesUpdateTheOpenAlertInsteadOfRaisingAnother) {
  RuleState state;
  state.open = OpenAlert{3, kT0, kT0 + 5 * kSecond, 0.7f, "fire", true};
  const std::vector<Positive> ps{positive("d", 6, 0.65f, &kJpeg), positive("e", 30, 0.95f, &kJpeg),
                                 positive("f", 31, 0.8f)};
  const RuleResult r = apply_rule(params(), state, ps);
  EXPECT_FALSE(r.raised);
  EXPECT_TRUE(r.updated);
  EXPECT_EQ(r.state.open->positives, 6);
  EXPECT_EQ(r.state.open->first_seen_us, kT0);
  EXPECT_EQ(r.state.open->last_seen_us, kT0 + 31 * kSecond);
  EXPECT_FLOAT_EQ(r.state.open->max_score, 0.95f);
  // The picture changes for the better score only.
  ASSERT_NE(r.evidence, nullptr);
  EXPECT_EQ(r.evidence->message_id, "e");
  EXPECT_TRUE(r.pending_added.empty());
}

TEST(AlertRule, AnOpenAlertWithoutPictureTakesTheFirstOneThatComes) {
  RuleState state;
  state.open = OpenAlert{3, kT0, kT0, 0.9f, "fire", false};
  const std::vector<Positive> ps{positive("d", 1, 0.7f), positive("e", 2, 0.6f, &kJpeg)};
  const RuleResult r = apply_rule(params(), state, ps);
  ASSERT_NE(r.evidence, nullptr);
  EXPECT_EQ(r.evidence->message_id, "e");
  EXPECT_FLOAT_EQ(r.state.open->max_score, 0.9f);
}

TEST(AlertRule, AfterAClosingPositivesWithinTheCoolDownAreDroppedThenANewAlertNeedsItsOwnPositives) {
  RuleState closed;
  closed.closed_at_us = kT0 + 100 * kSecond;
  // Within the minute after the closing: nothing, and nothing kept for later.
  const std::vector<Positive> during{positive("a", 101), positive("b", 150), positive("c", 159)};
  const RuleResult r1 = apply_rule(params(), closed, during);
  EXPECT_FALSE(r1.raised);
  EXPECT_TRUE(r1.state.pending.empty());

  // After it: three new positives raise a new alert.
  const std::vector<Positive> after{positive("d", 160), positive("e", 161), positive("f", 162)};
  const RuleResult r2 = apply_rule(params(), r1.state, after);
  ASSERT_TRUE(r2.raised);
  EXPECT_EQ(r2.state.open->positives, 3);
  EXPECT_EQ(r2.state.open->first_seen_us, kT0 + 160 * kSecond);
}

TEST(AlertRule, OnePositiveNeededRaisesAtOnceAndTheRestUpdate) {
  const std::vector<Positive> ps{positive("a", 0), positive("b", 1), positive("c", 2)};
  const RuleResult r = apply_rule(params(1), {}, ps);
  ASSERT_TRUE(r.raised);
  EXPECT_EQ(r.state.open->positives, 3);
}

TEST(AlertRule, ADetectionCountsForItsLabelsAtTheMinimumScoreWithItsBestSuchObject) {
  const v1::Analysis a = fire();
  EXPECT_FALSE(detection_positive(detection({{"person", 0.99f}}), a)) << "not one of the analysis's labels";
  EXPECT_FALSE(detection_positive(detection({{"fire", 0.59f}}), a)) << "below min_score";
  const auto p = detection_positive(detection({{"smoke", 0.7f}, {"fire", 0.6f}, {"fire", 0.9f}, {"car", 1.0f}}), a);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->label, "fire");
  EXPECT_FLOAT_EQ(p->score, 0.9f);
  EXPECT_EQ(p->message_id, "cam-1/s/7/fire");
  EXPECT_EQ(p->at_us, kT0);
}

TEST(AlertRule, ADetectorsPositiveVerdictCountsWhateverTheScores) {
  const v1::Analysis a = fire();
  const auto low = detection_positive(detection({{"smoke", 0.3f}, {"car", 0.5f}}, v1::Detection::LEVEL_POSITIVE), a);
  ASSERT_TRUE(low);
  EXPECT_EQ(low->label, "smoke");
  EXPECT_FLOAT_EQ(low->score, 0.3f);
  const auto bare = detection_positive(detection({}, v1::Detection::LEVEL_POSITIVE), a);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->label, "fire");
  EXPECT_FLOAT_EQ(bare->score, 1.0f);
  EXPECT_FALSE(detection_positive(detection({{"fire", 0.5f}}, v1::Detection::LEVEL_PROBABLE), a));
}

TEST(AlertRule, OnlyAJpegIsKeptAsEvidence) {
  v1::Detection d = detection({{"fire", 0.9f}});
  d.set_frame_jpeg("GIF89a");
  EXPECT_EQ(detection_positive(d, fire())->jpeg, nullptr);
  d.set_frame_jpeg(kJpeg);
  const auto p = detection_positive(d, fire());
  ASSERT_NE(p->jpeg, nullptr);
  EXPECT_EQ(*p->jpeg, kJpeg);
}

TEST(AlertRule, MotionCountsWhenItStartsOrGoesOnWithABoxAndOnlyForMotionAnalyses) {
  v1::MotionEvent e;
  e.set_event_id("cam-1/ev-3");
  e.set_update(2);
  e.set_phase(v1::MotionEvent::PHASE_UPDATE);
  e.set_score(0.04f);
  *e.mutable_capture_time() = TimeUtil::MicrosecondsToTimestamp(kT0);
  EXPECT_FALSE(motion_positive(e)) << "no box";
  e.add_boxes()->set_width(10);
  const auto p = motion_positive(e);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->message_id, "cam-1/ev-3/2");
  EXPECT_EQ(p->label, "motion");
  EXPECT_FLOAT_EQ(p->score, 0.04f);
  e.set_phase(v1::MotionEvent::PHASE_END);
  EXPECT_FALSE(motion_positive(e)) << "the end of a motion";

  v1::Analysis motion = fire();
  motion.set_detector(std::string(kMotionDetector));
  EXPECT_FALSE(detection_positive(detection({{"fire", 0.9f}}, v1::Detection::LEVEL_POSITIVE), motion));
}

TEST(AlertRule, ScoresOutsideZeroToOneAreClampedAndNaNNeverCounts) {
  v1::Analysis a = fire();
  a.set_min_score(0);
  const auto high = detection_positive(detection({{"fire", 7.0f}}), a);
  ASSERT_TRUE(high);
  EXPECT_FLOAT_EQ(high->score, 1.0f);
  EXPECT_FALSE(detection_positive(detection({{"fire", std::nanf("")}}), a));
}

}  // namespace
}  // namespace vigie::event_manager
