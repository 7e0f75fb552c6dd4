// vigie-motion as a process against the embedded broker: a camera on the cameras
// topic, frames of vtest.avi on the frames topic, motion events read back from
// the motion topic.
#include <gtest/gtest.h>

#include <csignal>
#include <optional>

#include <sys/wait.h>

#include "broker_fixture.h"
#include "http_client.h"
#include "motion_test_support.h"
#include "process.h"
#include "service_process.h"
#include "topic_reader.h"
#include "vigie/bus/headers.h"
#include "vigie/bus/producer.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;

// The first message of that phase on the motion topic, with its Kafka metadata.
std::optional<std::pair<TopicReader::Message, v1::MotionEvent>> first(const TopicReader& reader,
                                                                     v1::MotionEvent::Phase phase) {
  for (const auto& m : reader.snapshot()) {
    v1::MotionEvent event;
    if (m.topic == bus::Topic::motion && event.ParseFromString(m.payload) && event.phase() == phase)
      return std::make_pair(m, event);
  }
  return std::nullopt;
}

TEST(MotionIntegration, FramesOfPeopleWalkingGiveAStartEventKeyedByCameraWithTheFramesTraceId) {
  BrokerFixture broker;
  metrics::Metrics metrics;
  bus::Producer producer(broker.bus_config(), "motion-test", metrics);

  // The camera's settings travel through the registry: a zone over the whole picture.
  v1::MotionSettings settings;
  auto* zone = settings.add_zones();
  zone->set_name("everywhere");
  *zone->mutable_area() = rectangle(0, 0, 1, 1);
  producer.send_and_wait(bus::Topic::cameras, "demo", camera_with("demo", settings));

  ServiceProcess motion("vigie-motion",
                        {{"VIGIE_KAFKA_BOOTSTRAP", broker.bootstrap()}, {"VIGIE_KAFKA_SESSION_TIMEOUT", "6s"}});
  auto log = [&] { return motion.log(); };
  ASSERT_TRUE(motion.ready()) << log();
  const std::string admin = motion.admin_url();

  TopicReader reader(broker, {bus::Topic::motion});
  ASSERT_TRUE(wait_until([&] { return reader.ready(); }, 30s));
  std::map<uint64_t, std::string> trace_of;
  const auto& video = vtest_frames(60);
  for (uint64_t seq = 0; seq < 30; ++seq) {
    trace_of[seq] = bus::new_trace_id();
    producer.send(bus::Topic::frames, "demo", make_frame("demo", "stream-1", seq, video[seq * 2]),
                  trace_of[seq]);
  }
  ASSERT_TRUE(producer.flush(30s));

  ASSERT_TRUE(wait_until([&] { return first(reader, v1::MotionEvent::PHASE_START).has_value(); }, 60s))
      << log();
  const auto [message, start] = *first(reader, v1::MotionEvent::PHASE_START);
  EXPECT_EQ(message.key, "demo");
  EXPECT_EQ(message.producer, "vigie-motion");
  EXPECT_EQ(message.trace_id, trace_of[start.frame_sequence()]);
  EXPECT_EQ(start.camera_id(), "demo");
  EXPECT_EQ(start.event_id(), "demo/stream-1/" + std::to_string(start.frame_sequence()));
  EXPECT_GT(start.boxes_size(), 0);
  EXPECT_FALSE(start.frame_jpeg().empty());
  ASSERT_EQ(start.zones_size(), 1);
  EXPECT_EQ(start.zones(0), "everywhere");

  auto all_frames_analysed = [&] {
    return http_get(admin + "/metrics").body.find("vigie_motion_frames_total{camera=\"demo\"} 30") !=
           std::string::npos;
  };
  ASSERT_TRUE(wait_until(all_frames_analysed, 30s)) << http_get(admin + "/metrics").body;

  // Stopping hands the camera over: its open event ends first.
  motion.process().signal(SIGTERM);
  auto status = motion.process().wait(30s);
  ASSERT_TRUE(status) << "vigie-motion did not stop on SIGTERM\n" << log();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << log();
  ASSERT_TRUE(wait_until([&] { return first(reader, v1::MotionEvent::PHASE_END).has_value(); }, 30s)) << log();
  const auto [end_message, end] = *first(reader, v1::MotionEvent::PHASE_END);
  EXPECT_EQ(end.event_id(), start.event_id());
  EXPECT_EQ(end.frame_sequence(), 29u);
  EXPECT_EQ(end_message.trace_id, trace_of[29]);
}

}  // namespace
}  // namespace vigie::testing
