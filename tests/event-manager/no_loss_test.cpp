// Nothing lost, nothing doubled: detections stream into vigie-event-manager
// while it is killed (SIGKILL) or while PostgreSQL is stopped for 20 s; once
// it is back, every detection has counted exactly once in the alerts.
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "api/api_test_client.h"
#include "broker_fixture.h"
#include "event_manager_process.h"
#include "event_manager_test_support.h"
#include "http_client.h"
#include "vigie/bus/producer.h"
#include "vigie/metrics/metrics.h"
#include "vigie/v1/detection.pb.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kCameras = 10;
constexpr int kDetections = 600;

v1::Detection positive(int n) {
  v1::Detection d;
  d.set_schema_version(1);
  d.set_detection_id("det-" + std::to_string(n));
  d.set_camera_id("cam-" + std::to_string(n % kCameras));
  d.set_analysis("watch");
  d.set_level(v1::Detection::LEVEL_POSITIVE);
  auto* object = d.add_objects();
  object->set_label("person");
  object->set_score(0.9f);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  d.mutable_capture_time()->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(now).count());
  return d;
}

class NoLoss : public ::testing::Test {
 protected:
  void SetUp() override {
    service = std::make_unique<EventManagerProcess>(broker, em.pg.connection_string());
    // Ready, its alerts consumer in its group: the stream then arrives while it
    // consumes, in many batches, rather than as one backlog.
    const std::string admin = service->admin_url();
    ASSERT_TRUE(wait_until([&] { return http_get(admin + "/readyz").status == 200; }, 60s)) << service->log();
    ApiClient api(service->api_url());
    ASSERT_EQ(api.login("admin", service->first_admin_password()).status, 200) << service->log();
    ASSERT_EQ(api.post("/api/analyses", {{"name", "watch"},
                                         {"type", "police"},
                                         {"detector", "opencv-dnn:people"},
                                         {"labels", {"person"}},
                                         {"min_score", 0.5},
                                         {"positives_needed", 1},
                                         {"window_ms", 60000},
                                         {"fps", 1},
                                         {"perimeter_m", 50}})
                  .status,
              201);
    for (int c = 0; c < kCameras; ++c) {
      const std::string id = "cam-" + std::to_string(c);
      ASSERT_EQ(api.post("/api/cameras", {{"id", id},
                                          {"name", "Camera " + id},
                                          {"analysis_stream", {{"kind", "rtsp"}, {"url", "rtsp://10.0.0.1/" + id}}},
                                          {"latitude", 45.0 + c * 0.01},
                                          {"longitude", 5.0},
                                          {"analyses", {"watch"}}})
                    .status,
                201);
    }
  }

  int processed() { return em.scalar<int>("SELECT count(*) FROM processed_messages WHERE topic LIKE '%detections'"); }

  // Streams every detection from a thread of its own, a few milliseconds apart.
  std::jthread stream() {
    return std::jthread([this] {
      metrics::Metrics metrics;
      bus::Producer producer(broker.bus_config(), "test-inference", metrics);
      for (int n = 0; n < kDetections; ++n) {
        producer.send(bus::Topic::detections, "cam-" + std::to_string(n % kCameras), positive(n));
        std::this_thread::sleep_for(3ms);
      }
      producer.flush(30s);
    });
  }

  // Every detection counted once: one open alert per camera holding all of its positives.
  void expect_each_detection_counted_once() {
    ASSERT_TRUE(wait_until([&] { return processed() == kDetections; }, 120s))
        << processed() << " of " << kDetections << " handled\n"
        << service->log();
    EXPECT_EQ(em.scalar<int>("SELECT count(*) FROM alerts"), kCameras);
    EXPECT_EQ(em.scalar<int>("SELECT count(DISTINCT camera_id) FROM alerts"), kCameras);
    EXPECT_EQ(em.scalar<int64_t>("SELECT sum(positives) FROM alerts"), kDetections);
    EXPECT_EQ(em.scalar<int>("SELECT count(*) FROM alerts WHERE positives <> $1", kDetections / kCameras), 0);
  }

  EventManagerDatabase em;
  BrokerFixture broker;
  std::unique_ptr<EventManagerProcess> service;
};

TEST_F(NoLoss, ServiceKilledMidStreamThenRestarted) {
  auto producer = stream();
  ASSERT_TRUE(wait_until([&] { return processed() >= 100; }, 60s)) << service->log();
  service->process().signal(SIGKILL);
  ASSERT_TRUE(service->process().wait(10s));
  const int before_restart = processed();
  EXPECT_LT(before_restart, kDetections) << "the kill came too late to prove anything";
  producer.join();
  service->restart();
  expect_each_detection_counted_once();
}

TEST_F(NoLoss, DatabaseStoppedTwentySecondsMidStream) {
  auto producer = stream();
  ASSERT_TRUE(wait_until([&] { return processed() >= 100; }, 60s)) << service->log();
  em.pg.stop();
  std::this_thread::sleep_for(20s);
  EXPECT_FALSE(service->process().wait(0ms).has_value()) << "the service rides the outage out\n" << service->log();
  em.pg.start();
  producer.join();
  expect_each_detection_counted_once();
  EXPECT_FALSE(service->process().wait(0ms).has_value()) << service->log();
}

}  // namespace
}  // namespace vigie::testing
