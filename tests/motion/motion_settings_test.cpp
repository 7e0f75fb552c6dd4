#include <gtest/gtest.h>

#include "motion_settings.h"
#include "motion_test_support.h"
#include "service_settings.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;
using motion::DetectorKind;
using motion::MotionSettings;

TEST(MotionSettings, WhatACameraLeavesUnsetTakesTheDefaults) {
  MotionSettings defaults;
  defaults.sensitivity = 0.3f;
  std::vector<std::string> problems;
  MotionSettings s = motion::resolve(v1::MotionSettings{}, defaults, problems);
  EXPECT_EQ(s, defaults);
  EXPECT_TRUE(problems.empty());
}

TEST(MotionSettings, WhatACameraSetsOverridesTheDefaults) {
  v1::MotionSettings camera;
  camera.set_detector(v1::MotionSettings::DETECTOR_MOG2);
  camera.set_sensitivity(0.8f);
  camera.set_min_area(0.01f);
  camera.set_stabilization_frames(5);
  camera.set_quiet_ms(7000);
  camera.set_max_changed_share(0.3f);
  camera.set_frame_publish_fps(2);
  *camera.add_masks() = rectangle(0, 0, 0.5f, 0.5f);
  auto* zone = camera.add_zones();
  zone->set_name("door");
  *zone->mutable_area() = rectangle(0.5f, 0.5f, 1, 1);
  std::vector<std::string> problems;
  MotionSettings s = motion::resolve(camera, MotionSettings{}, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(s.detector, DetectorKind::mog2);
  EXPECT_FLOAT_EQ(s.sensitivity, 0.8f);
  EXPECT_FLOAT_EQ(s.min_area, 0.01f);
  EXPECT_EQ(s.stabilization_frames, 5u);
  EXPECT_EQ(s.quiet, 7000ms);
  EXPECT_FLOAT_EQ(s.max_changed_share, 0.3f);
  EXPECT_FLOAT_EQ(s.frame_publish_fps, 2);
  ASSERT_EQ(s.masks.size(), 1u);
  EXPECT_EQ(s.masks[0].size(), 4u);
  ASSERT_EQ(s.zones.size(), 1u);
  EXPECT_EQ(s.zones[0].name, "door");
}

TEST(MotionSettings, RefusedValuesAreLeftOutAndSaidWhy) {
  v1::MotionSettings camera;
  camera.set_sensitivity(1.5f);
  camera.set_min_area(-0.1f);
  camera.set_frame_publish_fps(-1);  // no frame on updates
  auto* tiny = camera.add_masks();
  tiny->add_points()->set_x(0.5f);
  auto* outside = camera.add_masks();
  *outside = rectangle(-0.5f, 0, 0.5f, 2);
  camera.add_zones()->set_name("");
  auto* twice = camera.add_zones();
  twice->set_name("door");
  *twice->mutable_area() = rectangle(0, 0, 1, 1);
  *camera.add_zones() = *twice;

  std::vector<std::string> problems;
  MotionSettings defaults;
  MotionSettings s = motion::resolve(camera, defaults, problems);
  EXPECT_FLOAT_EQ(s.sensitivity, defaults.sensitivity);
  EXPECT_FLOAT_EQ(s.min_area, defaults.min_area);
  EXPECT_FLOAT_EQ(s.frame_publish_fps, 0);
  ASSERT_EQ(s.masks.size(), 1u);  // the clamped one
  EXPECT_EQ(s.masks[0][0], cv::Point2f(0, 0));
  EXPECT_EQ(s.masks[0][2], cv::Point2f(0.5f, 1));
  ASSERT_EQ(s.zones.size(), 1u);

  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_EQ(problems.size(), 6u) << all;
  EXPECT_NE(all.find("sensitivity 1.5 is not in (0, 1]"), std::string::npos) << all;
  EXPECT_NE(all.find("min_area -0.1"), std::string::npos) << all;
  EXPECT_NE(all.find("mask 1 has 1 points"), std::string::npos) << all;
  EXPECT_NE(all.find("mask 2 has points outside 0..1"), std::string::npos) << all;
  EXPECT_NE(all.find("zone 1 has no name"), std::string::npos) << all;
  EXPECT_NE(all.find("zone 3 repeats the name 'door'"), std::string::npos) << all;
}

config::Spec motion_spec() {
  config::Spec spec("vigie-motion", "test");
  motion::declare_settings(spec);
  return spec;
}

TEST(MotionServiceSettings, DefaultsComeFromTheEnvironment) {
  auto r = motion_spec().parse({}, {{"VIGIE_MOTION_DETECTOR", "mog2"},
                                    {"VIGIE_MOTION_SENSITIVITY", "0.7"},
                                    {"VIGIE_MOTION_QUIET", "5s"},
                                    {"VIGIE_MOTION_WORK_HEIGHT", "120"},
                                    {"VIGIE_MOTION_FRAME_PUBLISH_FPS", "0"}});
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  auto o = motion::service_options(r.settings);
  EXPECT_EQ(o.defaults.detector, DetectorKind::mog2);
  EXPECT_FLOAT_EQ(o.defaults.sensitivity, 0.7f);
  EXPECT_EQ(o.defaults.quiet, 5000ms);
  EXPECT_EQ(o.work_height, 120);
  EXPECT_FLOAT_EQ(o.defaults.frame_publish_fps, 0);
  EXPECT_EQ(o.defaults.stabilization_frames, MotionSettings{}.stabilization_frames);
  EXPECT_EQ(o.stale_after, motion::ServiceOptions{}.stale_after);
}

TEST(MotionServiceSettings, EveryBadValueIsRefusedByName) {
  auto r = motion_spec().parse({}, {{"VIGIE_MOTION_DETECTOR", "magic"},
                                    {"VIGIE_MOTION_SENSITIVITY", "2"},
                                    {"VIGIE_MOTION_MIN_AREA", "-1"},
                                    {"VIGIE_MOTION_STABILIZATION_FRAMES", "0"},
                                    {"VIGIE_MOTION_QUIET", "soon"},
                                    {"VIGIE_MOTION_MAX_CHANGED_SHARE", "0"},
                                    {"VIGIE_MOTION_WORK_HEIGHT", "10"}});
  std::string all;
  for (const auto& e : r.errors) all += e + "\n";
  EXPECT_EQ(r.errors.size(), 7u) << all;
  for (const char* name : {"VIGIE_MOTION_DETECTOR", "VIGIE_MOTION_SENSITIVITY", "VIGIE_MOTION_MIN_AREA",
                           "VIGIE_MOTION_STABILIZATION_FRAMES", "VIGIE_MOTION_QUIET",
                           "VIGIE_MOTION_MAX_CHANGED_SHARE", "VIGIE_MOTION_WORK_HEIGHT"})
    EXPECT_NE(all.find(name), std::string::npos) << name << " not named in\n" << all;
}

}  // namespace
}  // namespace vigie::testing
