#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "foreground_regions.h"

namespace vigie::testing {
namespace {

using motion::ForegroundRegions;
using motion::MotionSettings;
using motion::Observation;

const cv::Size kWork(160, 90);
const cv::Size kFrame(640, 360);

motion::Polygon rect(float x0, float y0, float x1, float y1) {
  return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
}

cv::Mat changed(const std::vector<cv::Rect>& areas) {
  cv::Mat fg = cv::Mat::zeros(kWork, CV_8UC1);
  for (const auto& r : areas) cv::rectangle(fg, r, 255, cv::FILLED);
  return fg;
}

TEST(ForegroundRegions, BoxesAreInThePublishedFramesPixels) {
  ForegroundRegions regions(MotionSettings{}, kWork, kFrame);
  cv::Mat fg = changed({{40, 20, 10, 30}});
  Observation o;
  regions.find(fg, o);
  ASSERT_EQ(o.boxes.size(), 1u);
  EXPECT_NEAR(o.boxes[0].x, 160, 4);
  EXPECT_NEAR(o.boxes[0].y, 80, 4);
  EXPECT_NEAR(o.boxes[0].width, 40, 8);
  EXPECT_NEAR(o.boxes[0].height, 120, 8);
  EXPECT_NEAR(o.changed_share, 300.0 / kWork.area(), 1e-6);
}

TEST(ForegroundRegions, RegionsSmallerThanTheMinimumAreaAreDropped) {
  MotionSettings s;
  s.min_area = 0.01f;  // 144 working pixels
  ForegroundRegions regions(s, kWork, kFrame);
  cv::Mat fg = changed({{10, 10, 5, 5}, {100, 40, 15, 20}});
  Observation o;
  regions.find(fg, o);
  ASSERT_EQ(o.boxes.size(), 1u);
  EXPECT_NEAR(o.boxes[0].x, 400, 8);
  EXPECT_GT(o.changed_share, 0);  // small changes still count in the share
}

TEST(ForegroundRegions, MaskedChangesDoNotCountAnywhere) {
  MotionSettings s;
  s.masks.push_back(rect(0, 0, 0.5f, 1));
  ForegroundRegions regions(s, kWork, kFrame);
  cv::Mat fg = changed({{10, 10, 20, 40}});
  Observation o;
  regions.find(fg, o);
  EXPECT_TRUE(o.boxes.empty());
  EXPECT_EQ(o.changed_share, 0);

  // The share is of the unmasked half.
  fg = changed({{100, 0, 40, 90}});
  regions.find(fg, o);
  EXPECT_EQ(o.boxes.size(), 1u);
  EXPECT_NEAR(o.changed_share, 0.5, 0.02);
}

TEST(ForegroundRegions, AWhollyMaskedPictureNeverChanges) {
  MotionSettings s;
  s.masks.push_back(rect(0, 0, 1, 1));
  ForegroundRegions regions(s, kWork, kFrame);
  cv::Mat fg = changed({{0, 0, 160, 90}});
  Observation o;
  regions.find(fg, o);
  EXPECT_TRUE(o.boxes.empty());
  EXPECT_EQ(o.changed_share, 0);
}

TEST(ForegroundRegions, ListsTheZonesTheBoxesTouchOnceAndSorted) {
  MotionSettings s;
  s.zones.push_back({"right", rect(0.5f, 0, 1, 1)});
  s.zones.push_back({"left", rect(0, 0, 0.5f, 1)});
  s.zones.push_back({"top-strip", rect(0, 0, 1, 0.05f)});
  ForegroundRegions regions(s, kWork, kFrame);
  Observation o;
  cv::Mat fg = changed({{20, 40, 10, 20}, {30, 60, 10, 20}});
  regions.find(fg, o);
  EXPECT_EQ(o.zones, (std::vector<std::string>{"left"}));

  fg = changed({{70, 40, 30, 20}, {120, 40, 10, 20}});
  regions.find(fg, o);
  EXPECT_EQ(o.zones, (std::vector<std::string>{"left", "right"}));
}

}  // namespace
}  // namespace vigie::testing
