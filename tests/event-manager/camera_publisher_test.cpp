// The cameras topic written from the database through the outbox, against a real
// PostgreSQL server and the embedded broker: each committed change in order, a
// tombstone for a deletion, the whole set at start, nothing before a commit, and
// nothing lost while the broker or the database is away.
#include "camera_publisher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <thread>

#include <prometheus/registry.h>

#include "broker_fixture.h"
#include "camera_outbox.h"
#include "camera_store.h"
#include "event_manager_test_support.h"
#include "process.h"
#include "topic_reader.h"
#include "vigie/metrics/metrics.h"

namespace vigie::event_manager {
namespace {

using namespace std::chrono_literals;
using testing::BrokerFixture;
using testing::EventManagerDatabase;
using testing::example_camera;
using testing::TopicReader;
using testing::wait_until;

// One message of the cameras topic: the camera's revision, or 0 for a tombstone.
using Revisions = std::map<std::string, std::vector<uint64_t>>;

class CameraPublisherTest : public ::testing::Test {
 protected:
  static CameraPublisherOptions fast() {
    CameraPublisherOptions o;
    o.poll_interval = 50ms;
    o.send_timeout = 1s;
    o.initial_backoff = 50ms;
    o.max_backoff = 500ms;
    return o;
  }

  std::unique_ptr<CameraPublisher> publisher(bus::Producer& producer) {
    auto p = std::make_unique<CameraPublisher>(em_.db, producer, fast(), publisher_metrics_);
    p->start();
    return p;
  }

  Revisions revisions() const {
    Revisions out;
    for (const auto& m : reader_.snapshot()) {
      if (m.topic != bus::Topic::cameras) continue;
      v1::Camera camera;
      camera.ParseFromString(m.payload);
      out[m.key].push_back(m.payload.empty() ? 0 : camera.revision());
    }
    return out;
  }

  // Waits until the topic's latest message for camera_id is this revision (0: a tombstone).
  bool latest_is(const std::string& camera_id, uint64_t revision, std::chrono::milliseconds timeout = 20s) {
    return wait_until(
        [&] {
          auto r = revisions();
          return r.contains(camera_id) && r[camera_id].back() == revision;
        },
        timeout);
  }

  int outbox_rows() { return em_.scalar<int>("SELECT count(*) FROM camera_outbox"); }

  EventManagerDatabase em_;
  BrokerFixture broker_;
  metrics::Metrics bus_metrics_;
  bus::Producer producer_{broker_.bus_config(), "vigie-event-manager", bus_metrics_};
  prometheus::Registry publisher_metrics_;
  CameraStore cameras_{em_.db, std::nullopt};
  TopicReader reader_{broker_, {bus::Topic::cameras}};
};

TEST_F(CameraPublisherTest, PublishesEachCommittedChangeInOrderAndATombstoneForADeletion) {
  auto running = publisher(producer_);
  // Past its start, which would otherwise queue a camera a second time.
  ASSERT_TRUE(wait_until([&] { return running->caught_up(); }, 20s));
  cameras_.create(example_camera("cam-1"), "user:a");
  cameras_.update(example_camera("cam-1"), "user:a");
  cameras_.set_enabled("cam-1", false, "user:a");
  cameras_.create(example_camera("cam-2"), "user:a");
  cameras_.remove("cam-1", "user:a");

  ASSERT_TRUE(latest_is("cam-1", 0)) << ::testing::PrintToString(revisions());
  ASSERT_TRUE(latest_is("cam-2", 1));
  EXPECT_EQ(revisions()["cam-1"], (std::vector<uint64_t>{1, 2, 3, 0}));
  EXPECT_TRUE(wait_until([&] { return outbox_rows() == 0; }, 5s));

  // Each message is the camera as stored, and says who sent it.
  for (const auto& m : reader_.snapshot()) {
    if (m.key != "cam-2") continue;
    v1::Camera camera;
    ASSERT_TRUE(camera.ParseFromString(m.payload));
    EXPECT_EQ(camera.SerializeAsString(), cameras_.get("cam-2")->camera.SerializeAsString());
    EXPECT_EQ(m.producer, "vigie-event-manager");
  }
}

TEST_F(CameraPublisherTest, AtStartPublishesEveryCameraOfTheDatabase) {
  cameras_.create(example_camera("cam-a"), "user:a");
  cameras_.create(example_camera("cam-b"), "user:a");
  cameras_.update(example_camera("cam-b"), "user:a");
  cameras_.create(example_camera("cam-c"), "user:a");
  cameras_.remove("cam-c", "user:a");
  // As if every change had been published by an earlier run, and the topic lost since.
  em_.exec("DELETE FROM camera_outbox");

  auto running = publisher(producer_);
  ASSERT_TRUE(wait_until([&] { return running->caught_up(); }, 20s));
  ASSERT_TRUE(latest_is("cam-a", 1));
  ASSERT_TRUE(latest_is("cam-b", 2));
  auto r = revisions();
  EXPECT_EQ(r["cam-a"], (std::vector<uint64_t>{1}));
  EXPECT_EQ(r["cam-b"], (std::vector<uint64_t>{2}));
  EXPECT_FALSE(r.contains("cam-c"));
}

TEST_F(CameraPublisherTest, NothingLeavesBeforeItsTransactionCommits) {
  auto running = publisher(producer_);
  ASSERT_TRUE(wait_until([&] { return running->caught_up(); }, 20s));

  pqxx::connection connection(em_.pg.connection_string());
  pqxx::work tx(connection);
  v1::Camera camera;
  camera.set_schema_version(1);
  camera.set_id("cam-x");
  camera.set_revision(7);
  enqueue_camera(tx, camera);
  std::this_thread::sleep_for(1500ms);
  EXPECT_FALSE(revisions().contains("cam-x")) << "published before its commit";
  tx.commit();
  EXPECT_TRUE(latest_is("cam-x", 7));
}

TEST_F(CameraPublisherTest, ABrokerOutageDelaysChangesButLosesNone) {
  auto running = publisher(producer_);
  ASSERT_TRUE(wait_until([&] { return running->caught_up(); }, 20s));

  broker_.set_down();
  cameras_.create(example_camera("cam-1"), "user:a");
  cameras_.create(example_camera("cam-2"), "user:a");
  cameras_.update(example_camera("cam-1"), "user:a");
  cameras_.remove("cam-2", "user:a");
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(outbox_rows(), 4) << "rows deleted while the broker was down";

  broker_.set_up();
  ASSERT_TRUE(latest_is("cam-1", 2, 60s)) << ::testing::PrintToString(revisions());
  ASSERT_TRUE(latest_is("cam-2", 0, 20s)) << ::testing::PrintToString(revisions());
  EXPECT_TRUE(wait_until([&] { return outbox_rows() == 0; }, 10s));
  // A message may go out twice (sent again after an unacknowledged try), never out of order.
  for (const auto& [id, seen] : revisions()) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end() - (seen.back() == 0 ? 1 : 0))) << ::testing::PrintToString(seen);
  }
}

TEST_F(CameraPublisherTest, ADatabaseOutageOnlyPausesIt) {
  auto running = publisher(producer_);
  ASSERT_TRUE(wait_until([&] { return running->caught_up(); }, 20s));
  em_.pg.stop();
  std::this_thread::sleep_for(2s);
  em_.pg.start();
  cameras_.create(example_camera("cam-after"), "user:a");
  EXPECT_TRUE(latest_is("cam-after", 1, 30s));
}

TEST_F(CameraPublisherTest, TwoPublishersKeepEachCamerasMessagesInOrder) {
  metrics::Metrics other_metrics;
  bus::Producer other_producer(broker_.bus_config(), "vigie-event-manager", other_metrics);
  prometheus::Registry other_registry;
  CameraPublisher other(em_.db, other_producer, fast(), other_registry);
  other.start();
  auto running = publisher(producer_);

  cameras_.create(example_camera("cam-1"), "user:a");
  for (int i = 0; i < 15; ++i) cameras_.update(example_camera("cam-1"), "user:a");
  ASSERT_TRUE(latest_is("cam-1", 16, 30s)) << ::testing::PrintToString(revisions());
  const auto seen = revisions()["cam-1"];
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end())) << ::testing::PrintToString(seen);
}

}  // namespace
}  // namespace vigie::event_manager
