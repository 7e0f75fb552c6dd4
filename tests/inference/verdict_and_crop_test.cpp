// How a detector's objects become a level for an analysis, and which part of a
// large frame the detector is given.
#include <gtest/gtest.h>

#include "motion_crop.h"
#include "verdict.h"

namespace vigie::inference {
namespace {

const std::vector<DetectedObject> kFound = {
    {"person", 0.8f, {10, 10, 20, 40}}, {"car", 0.9f, {50, 50, 60, 30}}, {"person", 0.3f, {100, 10, 20, 40}}};

TEST(Verdict, PositiveAtTheMinimumScoreOfTheAnalysisLabels) {
  auto v = judge(kFound, {"person"}, 0.5f, 0.5f);
  EXPECT_EQ(v.level, v1::Detection::LEVEL_POSITIVE);
  ASSERT_EQ(v.objects.size(), 2u);  // 0.8 and 0.3 (probable from 0.25)
  EXPECT_EQ(v.objects[0].label, "person");
}

TEST(Verdict, ProbableBetweenTheRatioAndTheMinimumScore) {
  auto v = judge(kFound, {"person"}, 0.9f, 0.5f);
  EXPECT_EQ(v.level, v1::Detection::LEVEL_PROBABLE);
  EXPECT_EQ(v.objects.size(), 1u);
}

TEST(Verdict, NoneWhenNothingOfTheLabelsScoresEnough) {
  auto v = judge(kFound, {"dog"}, 0.5f, 0.5f);
  EXPECT_EQ(v.level, v1::Detection::LEVEL_NONE);
  EXPECT_TRUE(v.objects.empty());
  EXPECT_EQ(judge({}, {}, 0.5f, 0.5f).level, v1::Detection::LEVEL_NONE);
}

TEST(Verdict, AnyLabelCountsWhenTheAnalysisListsNone) {
  auto v = judge(kFound, {}, 0.85f, 0.5f);
  EXPECT_EQ(v.level, v1::Detection::LEVEL_POSITIVE);
  EXPECT_EQ(v.objects.size(), 2u);
}

TEST(MotionCrop, AFrameNotMuchLargerThanTheModelIsAnalysedWhole) {
  EXPECT_EQ(motion_crop({640, 480}, {512, 512}, {{10, 10, 20, 40}}, 2.0), cv::Rect(0, 0, 640, 480));
  EXPECT_EQ(motion_crop({1920, 1080}, {}, {{10, 10, 20, 40}}, 2.0), cv::Rect(0, 0, 1920, 1080));
  EXPECT_EQ(motion_crop({1920, 1080}, {512, 512}, {}, 2.0), cv::Rect(0, 0, 1920, 1080));
}

TEST(MotionCrop, ALargeFrameIsCroppedAroundTheMotionAtLeastTheModelsSize) {
  const cv::Rect crop = motion_crop({1920, 1080}, {512, 512}, {{1000, 500, 30, 80}}, 2.0);
  EXPECT_EQ(crop.size(), cv::Size(512, 512));
  EXPECT_TRUE(crop.contains({1015, 540}));
  // Near an edge the region stays inside the frame.
  const cv::Rect edge = motion_crop({1920, 1080}, {512, 512}, {{1900, 1050, 20, 30}}, 2.0);
  EXPECT_EQ(edge, cv::Rect(1408, 568, 512, 512));
}

TEST(MotionCrop, MotionSpreadOverMostOfTheFrameIsAnalysedWhole) {
  EXPECT_EQ(motion_crop({1920, 1080}, {512, 512}, {{10, 10, 40, 40}, {1800, 1000, 40, 40}}, 2.0),
            cv::Rect(0, 0, 1920, 1080));
}

}  // namespace
}  // namespace vigie::inference
