// The live feed against the embedded broker: it reads nothing while nobody
// watches, starts from the end when someone does (the past is not replayed),
// hands each new frame to the viewer, keeps the latest boxes for the overlay,
// and lets go of the topics once the last viewer has been gone for its linger.
#include <gtest/gtest.h>

#include <thread>

#include "broker_fixture.h"
#include "live/live_feed.h"
#include "process.h"
#include "vigie/bus/producer.h"
#include "vigie/bus/topic_admin.h"
#include "vigie/metrics/metrics.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;
using event_manager::live::FeedOptions;
using event_manager::live::LiveFeed;

v1::Frame frame(const std::string& camera, uint64_t sequence) {
  v1::Frame f;
  f.set_schema_version(1);
  f.set_camera_id(camera);
  f.set_stream_id("stream-1");
  f.set_sequence(sequence);
  f.set_width(640);
  f.set_height(360);
  f.set_jpeg("\xff\xd8 picture " + std::to_string(sequence) + " \xff\xd9");
  return f;
}

class LiveFeedTest : public ::testing::Test {
 protected:
  LiveFeedTest() : producer(broker.bus_config(), "live-test", metrics) {
    bus::ensure_topics(broker.bus_config(),
                       {bus::Topic::frames, bus::Topic::motion, bus::Topic::detections, bus::Topic::dlq});
  }

  // Frames keep coming, as from a camera, until the viewer has one newer than
  // `after`: the consumer's start at the end races with any single message.
  std::shared_ptr<const event_manager::live::LiveFrame> next_published(LiveFeed::Viewer& viewer,
                                                                       uint64_t& sequence) {
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
      producer.send_and_wait(bus::Topic::frames, "cam-a", frame("cam-a", ++sequence));
      if (auto f = viewer.next(200ms)) return f;
    }
    return nullptr;
  }

  BrokerFixture broker;
  metrics::Metrics metrics;
  bus::Producer producer;
};

TEST_F(LiveFeedTest, ReadsOnlyWhileWatchedAndFromTheEnd) {
  producer.send_and_wait(bus::Topic::frames, "cam-a", frame("cam-a", 1));  // the past
  LiveFeed feed(broker.bus_config(), metrics, producer, FeedOptions{.linger = 500ms});
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(feed.reading()) << "nobody watches yet";

  auto viewer = feed.watch("cam-a");
  EXPECT_EQ(feed.viewers(), 1u);
  ASSERT_TRUE(wait_until([&] { return feed.reading(); }, 30s)) << broker.log();
  uint64_t sequence = 1;
  auto first = next_published(*viewer, sequence);
  ASSERT_NE(first, nullptr);
  EXPECT_GT(first->sequence, 1u) << "the frame published before anyone watched was replayed";
  EXPECT_EQ(first->camera_id, "cam-a");
  EXPECT_EQ(first->jpeg, frame("cam-a", first->sequence).jpeg());

  // Each next frame, in order, to the same viewer.
  producer.send_and_wait(bus::Topic::frames, "cam-a", frame("cam-a", ++sequence));
  auto second = viewer->next(10s);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->sequence, sequence);

  viewer.reset();
  EXPECT_EQ(feed.viewers(), 0u);
  EXPECT_TRUE(wait_until([&] { return !feed.reading(); }, 20s)) << "still reading after the linger";
  EXPECT_NE(metrics.render().find("vigie_event_manager_live_reading 0"), std::string::npos) << metrics.render();
}

TEST_F(LiveFeedTest, OverlayShowsTheLatestMotionAndDetectionBoxes) {
  LiveFeed feed(broker.bus_config(), metrics, producer, FeedOptions{.linger = 60s});
  auto viewer = feed.watch("cam-a");
  ASSERT_TRUE(wait_until([&] { return feed.reading(); }, 30s)) << broker.log();
  uint64_t sequence = 0;
  ASSERT_NE(next_published(*viewer, sequence), nullptr);

  v1::MotionEvent motion;
  motion.set_schema_version(1);
  motion.set_event_id("ev-1");
  motion.set_camera_id("cam-a");
  motion.set_phase(v1::MotionEvent::PHASE_START);
  motion.set_frame_width(640);
  motion.set_frame_height(360);
  auto* box = motion.add_boxes();
  box->set_x(12);
  box->set_y(34);
  box->set_width(56);
  box->set_height(78);
  producer.send_and_wait(bus::Topic::motion, "cam-a", motion);

  v1::Detection detection;
  detection.set_schema_version(1);
  detection.set_detection_id("cam-a/stream-1/1/fire");
  detection.set_camera_id("cam-a");
  detection.set_analysis("fire");
  detection.set_level(v1::Detection::LEVEL_POSITIVE);
  detection.set_frame_width(640);
  detection.set_frame_height(360);
  auto* object = detection.add_objects();
  object->set_label("flame");
  object->set_score(0.8f);
  object->mutable_box()->set_width(10);
  producer.send_and_wait(bus::Topic::detections, "cam-a", detection);

  nlohmann::json overlay;
  ASSERT_TRUE(wait_until(
      [&] {
        overlay = feed.overlay("cam-a");
        return !overlay["motion"].is_null() && !overlay["detections"].empty();
      },
      20s))
      << overlay.dump();
  EXPECT_EQ(overlay["motion"]["boxes"][0]["x"], 12.0);
  EXPECT_EQ(overlay["motion"]["boxes"][0]["height"], 78.0);
  EXPECT_EQ(overlay["detections"][0]["objects"][0]["label"], "flame");
  EXPECT_EQ(overlay["frame"]["sequence"], sequence);
}

TEST_F(LiveFeedTest, StopEndsAViewersWait) {
  LiveFeed feed(broker.bus_config(), metrics, producer);
  auto viewer = feed.watch("cam-a");
  std::jthread stopper([&] {
    std::this_thread::sleep_for(200ms);
    feed.stop();
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(viewer->ended());
  EXPECT_EQ(viewer->next(60s), nullptr);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
  EXPECT_TRUE(viewer->ended());
}

}  // namespace
}  // namespace vigie::testing
