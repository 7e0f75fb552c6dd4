// Accuracy on real video: OpenCV's sample street scene (vtest.avi, people
// walking), published as ingest would (640x480 JPEGs, 5 frames per second), fed
// to the motion service for both detectors and compared with a hand-made ground
// truth; and scenes where nothing moves: a still picture with sensor noise, a
// sudden change of brightness, people walking only where a mask hides them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <ostream>

#include <opencv2/imgproc.hpp>

#include "motion_test_support.h"

namespace vigie::motion {
// Names the detector in test names and failure messages.
void PrintTo(DetectorKind kind, std::ostream* out) { *out << to_string(kind); }
}  // namespace vigie::motion

namespace vigie::testing {
namespace {

using motion::DetectorKind;
using Phase = v1::MotionEvent;

// The ground truth's last frame is 360; the video runs at 10 fps and ingest
// samples it at 5, so every other frame is published.
constexpr int kVideoFrames = 380;
constexpr int kStep = 2;
const std::string kCamera = "vtest";

const std::vector<v1::Frame>& vtest_published() {
  static const std::vector<v1::Frame> frames = [] {
    std::vector<v1::Frame> out;
    const auto& video = vtest_frames(kVideoFrames);
    for (int i = 0; i < kVideoFrames; i += kStep)
      out.push_back(make_frame(kCamera, "s1", static_cast<uint64_t>(i / kStep), video[static_cast<size_t>(i)]));
    return out;
  }();
  return frames;
}

motion::ServiceOptions options_for(DetectorKind kind) {
  motion::ServiceOptions o;
  o.defaults.detector = kind;
  return o;
}

// The events of the whole clip, for a camera with these settings (none: defaults).
std::vector<Published> run_vtest(DetectorKind kind, const v1::MotionSettings* settings = nullptr) {
  ServiceUnderTest s(options_for(kind));
  if (settings) {
    auto camera = camera_with(kCamera, *settings);
    s.service->camera_changed(kCamera, &camera);
  }
  for (const auto& frame : vtest_published()) s.feed(frame);
  return s.events;
}

struct Score {
  int moving_people = 0;
  int found = 0;      // moving people covered by a box
  int boxes = 0;
  int on_people = 0;  // boxes covering at least half of a person
};

// A moving person is found when one box covers at least half of them; a box is
// on people when it covers at least half of one person (moving or standing): a
// box over nobody is motion reported where nothing moved.
Score score(const std::vector<Published>& events) {
  Score s;
  for (const auto& [video_frame, people] : vtest_people()) {
    const auto sequence = static_cast<uint64_t>(video_frame / kStep);
    std::vector<cv::Rect2f> boxes;
    for (const auto& p : events) {
      if (p.event.frame_sequence() != sequence || p.event.phase() == Phase::PHASE_END) continue;
      for (const auto& b : p.event.boxes()) boxes.emplace_back(b.x(), b.y(), b.width(), b.height());
    }
    for (const auto& person : people) {
      if (!person.moving) continue;
      ++s.moving_people;
      float best = 0;
      for (const auto& b : boxes) best = std::max(best, (b & person.box).area() / person.box.area());
      if (best >= 0.5f) ++s.found;
    }
    for (const auto& b : boxes) {
      ++s.boxes;
      bool on_person = std::any_of(people.begin(), people.end(), [&](const Person& person) {
        return (b & person.box).area() >= 0.5f * person.box.area();
      });
      if (on_person) ++s.on_people;
    }
  }
  return s;
}

std::string name_of(const ::testing::TestParamInfo<DetectorKind>& info) {
  return info.param == DetectorKind::mog2 ? "Mog2" : "FrameDiff";
}

class VtestAccuracy : public ::testing::TestWithParam<DetectorKind> {};

TEST_P(VtestAccuracy, PeopleWalkingStartAnEventWhoseBoxesCoverThem) {
  auto events = run_vtest(GetParam());
  ASSERT_FALSE(events.empty());
  const auto& start = events.front().event;
  EXPECT_EQ(start.phase(), Phase::PHASE_START);
  // People walk from the first frame: stabilisation (3 frames) and the first
  // frame that only builds the background delay the start by 3 frames.
  EXPECT_LE(start.frame_sequence(), 4u);
  EXPECT_EQ(start.event_id(), "vtest/s1/" + std::to_string(start.frame_sequence()));
  EXPECT_FALSE(start.frame_jpeg().empty());
  EXPECT_GT(start.boxes_size(), 0);
  EXPECT_EQ(start.frame_width(), 640u);
  EXPECT_EQ(start.frame_height(), 480u);

  Score s = score(events);
  const double recall = static_cast<double>(s.found) / s.moving_people;
  const double precision = static_cast<double>(s.on_people) / s.boxes;
  std::printf("[ figures  ] %s: %d of %d moving people found (%.0f%%), %d of %d boxes on people (%.0f%%)\n",
              name_of({GetParam(), 0}).c_str(), s.found, s.moving_people, 100 * recall, s.on_people, s.boxes,
              100 * precision);
  EXPECT_GE(s.moving_people, 30);
  EXPECT_GE(recall, 0.8);
  EXPECT_GE(precision, 0.8);
}

// The same picture again and again, each time with new sensor noise and JPEG
// artefacts: nothing moves.
TEST_P(VtestAccuracy, AStillSceneWithSensorNoiseStartsNoEvent) {
  ServiceUnderTest s(options_for(GetParam()));
  const cv::Mat& still = vtest_frames(1)[0];
  for (uint64_t i = 0; i < 60; ++i)
    s.feed(make_frame(kCamera, "s1", i, with_noise(still, 4, static_cast<int>(i))));
  EXPECT_TRUE(s.events.empty()) << s.events.size() << " events, the first with "
                                << s.events.front().event.boxes_size() << " boxes";
}

// Lights switched on: +60 on every pixel from one frame to the next.
TEST_P(VtestAccuracy, ASuddenGlobalBrightnessChangeStartsNoEvent) {
  ServiceUnderTest s(options_for(GetParam()));
  const cv::Mat& still = vtest_frames(1)[0];
  cv::Mat brighter;
  cv::add(still, cv::Scalar::all(60), brighter);
  for (uint64_t i = 0; i < 40; ++i)
    s.feed(make_frame(kCamera, "s1", i, with_noise(i < 20 ? still : brighter, 4, static_cast<int>(i))));
  EXPECT_TRUE(s.events.empty()) << s.events.size() << " events";
  // Recognised as such, and the background started again from the brighter picture.
  EXPECT_NE(s.metrics.render().find("vigie_motion_global_changes_total{camera=\"vtest\"} 1"), std::string::npos)
      << s.metrics.render();
}

// The people walk only in the top three quarters of the picture (the road and
// the paths); the lawn below stays empty.
TEST_P(VtestAccuracy, PeopleWalkingOnlyUnderAMaskStartNoEvent) {
  v1::MotionSettings settings;
  *settings.add_masks() = rectangle(0, 0, 1, 0.75f);
  auto events = run_vtest(GetParam(), &settings);
  EXPECT_TRUE(events.empty()) << events.size() << " events";
}

TEST_P(VtestAccuracy, EventsNameTheZonesTheirBoxesTouch) {
  // The road where people walk, and a strip of lawn where nobody does.
  const cv::Rect2f road(0.3f * 640, 0.25f * 480, 0.7f * 640, 0.45f * 480);
  const cv::Rect2f lawn(0, 0.8f * 480, 0.6f * 640, 0.2f * 480);
  v1::MotionSettings settings;
  auto* z = settings.add_zones();
  z->set_name("road");
  *z->mutable_area() = rectangle(0.3f, 0.25f, 1, 0.7f);
  z = settings.add_zones();
  z->set_name("lawn");
  *z->mutable_area() = rectangle(0, 0.8f, 0.6f, 1);
  auto events = run_vtest(GetParam(), &settings);

  int inside_road = 0;
  for (const auto& p : events) {
    const auto& zones = p.event.zones();
    EXPECT_EQ(std::count(zones.begin(), zones.end(), "lawn"), 0) << p.event.ShortDebugString();
    for (const auto& b : p.event.boxes()) {
      cv::Rect2f box(b.x(), b.y(), b.width(), b.height());
      // Wholly inside, far from the edges a coarse working picture could blur.
      if ((box & road) == box && box.x > road.x + 8 && box.br().y < road.br().y - 8) {
        ++inside_road;
        EXPECT_EQ(std::count(zones.begin(), zones.end(), "road"), 1) << p.event.ShortDebugString();
      }
    }
  }
  EXPECT_GT(inside_road, 20);
}

INSTANTIATE_TEST_SUITE_P(Detectors, VtestAccuracy,
                         ::testing::Values(DetectorKind::frame_diff, DetectorKind::mog2), name_of);

}  // namespace
}  // namespace vigie::testing
