// The alert ingestor against the embedded broker and a real PostgreSQL:
// detections from Kafka become one alert with its event on the events topic,
// and neither a redelivery, nor the database stopped for 20 s mid-stream, nor a
// consumer torn down and rebuilt mid-stream, loses or doubles any message's
// effect.
#include "alerts/alert_ingestor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "alerts/alert_store.h"
#include "alerts/event_outbox.h"
#include "alerts_test_support.h"
#include "broker_fixture.h"
#include "process.h"
#include "topic_reader.h"
#include "vigie/bus/producer.h"
#include "vigie/metrics/metrics.h"
#include "vigie/v1/event.pb.h"

namespace vigie::event_manager {
namespace {

using namespace std::chrono_literals;
using testing::AlertsDatabase;
using testing::BrokerFixture;
using testing::fire_detection;
using testing::fire_rule;
using testing::TopicReader;
using testing::wait_until;

class AlertIngestorTest : public ::testing::Test {
 protected:
  AlertIngestorOptions options(const std::string& group = "vigie-event-manager-alerts") {
    AlertIngestorOptions o;
    o.group_id = group;
    o.max_batch = 50;
    o.initial_backoff = 100ms;
    o.max_backoff = 1s;
    // Gives up on the database soon, so an outage goes through the consumer's retry too.
    o.writer.patience = 3s;
    return o;
  }

  std::unique_ptr<AlertIngestor> ingestor(const std::string& group = "vigie-event-manager-alerts") {
    auto i = std::make_unique<AlertIngestor>(em_.db, broker_.bus_config(), metrics_, producer_, options(group),
                                             [this](const std::vector<AlertRecord>& changed) {
                                               std::lock_guard lock(mutex_);
                                               notified_.insert(notified_.end(), changed.begin(), changed.end());
                                             });
    i->start();
    return i;
  }

  void send(const v1::Detection& d) { producer_.send(bus::Topic::detections, d.camera_id(), d); }

  int processed() { return em_.count("SELECT count(*) FROM processed_messages"); }

  // Each camera's alerts: their number and positives.
  std::map<std::string, std::vector<int64_t>> positives_by_camera() {
    std::map<std::string, std::vector<int64_t>> out;
    for (const auto& a : store_.list({.limit = 500}).alerts) out[a.camera_id].push_back(a.positives);
    return out;
  }

  // Sends positives 0..count-1 of every camera, one round of cameras every pace,
  // in a thread of its own; the test joins it.
  std::jthread stream(std::vector<std::string> cameras, int count, std::chrono::milliseconds pace) {
    return std::jthread([this, cameras = std::move(cameras), count, pace] {
      for (int i = 0; i < count; ++i) {
        for (const auto& camera : cameras) send(fire_detection(camera, i, i * 0.5));
        std::this_thread::sleep_for(pace);
      }
      producer_.flush(10s);
    });
  }

  // Exactly once: every message's id recorded once, each camera's one alert
  // (positives_needed = 1, never closed) counting each of its positives once,
  // and one event waiting in the outbox (no publisher here) per change.
  void expect_exactly_once(const std::vector<std::string>& cameras, int count) {
    EXPECT_EQ(processed(), static_cast<int>(cameras.size()) * count);
    std::map<std::string, std::vector<int64_t>> expected;
    for (const auto& camera : cameras) expected[camera] = {count};
    EXPECT_EQ(positives_by_camera(), expected);
    EXPECT_EQ(em_.count("SELECT count(*) FROM alerts a WHERE revision <> "
                        "(SELECT count(*) FROM event_outbox o WHERE o.alert_id = a.id)"),
              0)
        << "one event per change of an alert, each change once";
  }

  // Cameras cam-0 to cam-(n-1), running "fire" with one positive needed.
  std::vector<std::string> cameras_raising_at_once(int n) {
    em_.add_analysis(fire_rule(1));
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) {
      out.push_back("cam-" + std::to_string(i));
      em_.add_camera(out.back(), {"fire"});
    }
    return out;
  }

  // Waits for every message of every camera to be handled, then checks it was once.
  void expect_all_handled_exactly_once(const std::vector<std::string>& cameras, int count) {
    const int total = static_cast<int>(cameras.size()) * count;
    ASSERT_TRUE(wait_until([&] { return processed() == total; }, 90s)) << processed() << " of " << total;
    std::this_thread::sleep_for(1s);  // nothing more should come
    expect_exactly_once(cameras, count);
  }

  AlertsDatabase em_;
  BrokerFixture broker_;
  metrics::Metrics metrics_;
  bus::Producer producer_{broker_.bus_config(), "vigie-inference", metrics_};
  AlertStore store_{em_.db};
  std::mutex mutex_;
  std::vector<AlertRecord> notified_;
};

TEST_F(AlertIngestorTest, DetectionsMeetingTheRuleRaiseOneAlertAndItsEventGoesOut) {
  em_.add_analysis(fire_rule(3));
  em_.add_camera("cam-1", {"fire"});
  metrics::Metrics publisher_metrics;
  bus::Producer events_producer(broker_.bus_config(), "vigie-event-manager", publisher_metrics);
  OutboxPublisherOptions fast;
  fast.poll_interval = 50ms;
  OutboxPublisher events(em_.db, events_producer, event_outbox_table(), fast, publisher_metrics.registry());
  events.start();
  TopicReader reader(broker_, {bus::Topic::events});
  auto running = ingestor();

  send(fire_detection("cam-1", 1, 0));
  send(fire_detection("cam-1", 2, 1));
  ASSERT_TRUE(wait_until([&] { return processed() == 2; }, 30s));
  EXPECT_TRUE(store_.list({}).alerts.empty()) << "two positives of three";
  send(fire_detection("cam-1", 3, 2));
  ASSERT_TRUE(wait_until([&] { return !store_.list({}).alerts.empty(); }, 30s));

  const auto alerts = store_.list({}).alerts;
  ASSERT_EQ(alerts.size(), 1u);
  const AlertRecord& a = alerts.front();
  EXPECT_EQ(a.positives, 3);
  EXPECT_DOUBLE_EQ(a.latitude, 48.856613);
  EXPECT_DOUBLE_EQ(a.longitude, 2.352222);
  EXPECT_FLOAT_EQ(a.perimeter_m, 150);
  EXPECT_EQ(a.actions.size(), 2u);
  {
    std::lock_guard lock(mutex_);
    ASSERT_EQ(notified_.size(), 1u);
    EXPECT_EQ(notified_.front().id, a.id);
  }

  ASSERT_TRUE(wait_until([&] { return !reader.read<v1::Event>(bus::Topic::events).empty(); }, 30s));
  const auto published = reader.read<v1::Event>(bus::Topic::events);
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published.front().first, "cam-1");
  const v1::Event& e = published.front().second;
  EXPECT_EQ(e.event_id(), a.id);
  EXPECT_EQ(e.revision(), 1u);
  EXPECT_EQ(e.camera_id(), "cam-1");
  EXPECT_DOUBLE_EQ(e.position().latitude(), 48.856613);
  EXPECT_DOUBLE_EQ(e.position().longitude(), 2.352222);
  EXPECT_FLOAT_EQ(e.perimeter_m(), 150);
  EXPECT_EQ(e.actions(0), "Send the nearest fire engine");
  EXPECT_EQ(e.type(), v1::ALERT_TYPE_FIRE_BRIGADE);
  EXPECT_EQ(e.positives(), 3u);
  EXPECT_TRUE(wait_until([&] { return em_.count("SELECT count(*) FROM event_outbox") == 0; }, 10s));

  // A decision goes out too, with a higher revision.
  store_.decide(a.id, AlertState::confirmed, "user:olga");
  ASSERT_TRUE(wait_until([&] { return reader.read<v1::Event>(bus::Topic::events).size() == 2; }, 30s));
  EXPECT_EQ(reader.read<v1::Event>(bus::Topic::events).back().second.state(), v1::Event::STATE_CONFIRMED);
  EXPECT_EQ(reader.read<v1::Event>(bus::Topic::events).back().second.revision(), 2u);
}

TEST_F(AlertIngestorTest, MessagesSentTwiceChangeNothing) {
  em_.add_analysis(fire_rule(3));
  em_.add_camera("cam-1", {"fire"});
  auto running = ingestor();
  for (int round = 0; round < 2; ++round)
    for (int i = 1; i <= 4; ++i) send(fire_detection("cam-1", i, i));
  const std::string duplicates =
      "vigie_event_manager_alert_messages_total{outcome=\"duplicate\",topic=\"detections\"} 4";
  ASSERT_TRUE(wait_until([&] { return metrics_.render().find(duplicates) != std::string::npos; }, 30s))
      << metrics_.render();
  EXPECT_EQ(processed(), 4);
  const auto alerts = store_.list({}).alerts;
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts.front().positives, 4);
  EXPECT_EQ(em_.count("SELECT count(*) FROM event_outbox"), static_cast<int>(alerts.front().revision));
}

TEST_F(AlertIngestorTest, PostgresStoppedFor20SecondsMidStreamLosesAndDoublesNothing) {
  const auto cameras = cameras_raising_at_once(8);
  constexpr int kCount = 40;
  auto running = ingestor();
  {
    auto sender = stream(cameras, kCount, 250ms);
    ASSERT_TRUE(wait_until([&] { return processed() >= 40; }, 30s));
    em_.pg.stop();
    std::this_thread::sleep_for(20s);
    em_.pg.start();
  }
  expect_all_handled_exactly_once(cameras, kCount);
  EXPECT_EQ(metrics_.render().find("vigie_bus_handler_failures_total{group=\"vigie-event-manager-alerts\"} 0"),
            std::string::npos)
      << "the outage did make batches fail and come again";
}

TEST_F(AlertIngestorTest, AConsumerTornDownMidStreamAndAReplayFromTheStartChangeNothing) {
  const auto cameras = cameras_raising_at_once(6);
  constexpr int kCount = 40;
  auto running = ingestor();
  {
    auto sender = stream(cameras, kCount, 100ms);
    ASSERT_TRUE(wait_until([&] { return processed() >= 60; }, 30s));
    // Destroyed without a word, mid-stream; its successor takes over the group.
    running.reset();
    running = ingestor();
  }
  expect_all_handled_exactly_once(cameras, kCount);
  const int total = static_cast<int>(cameras.size()) * kCount;

  // Every message again, as if no offset had ever been committed.
  running.reset();
  auto replay = ingestor("vigie-event-manager-alerts-replay");
  const std::string duplicates =
      "vigie_event_manager_alert_messages_total{outcome=\"duplicate\",topic=\"detections\"} " + std::to_string(total);
  ASSERT_TRUE(wait_until([&] { return metrics_.render().find(duplicates) != std::string::npos; }, 60s));
  expect_exactly_once(cameras, kCount);
}

}  // namespace
}  // namespace vigie::event_manager
