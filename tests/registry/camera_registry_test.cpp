#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include "broker_fixture.h"
#include "vigie/bus/producer.h"
#include "vigie/metrics/metrics.h"
#include "vigie/registry/camera_registry.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;

v1::Camera camera(const std::string& id, uint64_t revision, const std::string& name) {
  v1::Camera c;
  c.set_schema_version(1);
  c.set_id(id);
  c.set_name(name);
  c.set_enabled(true);
  c.set_revision(revision);
  c.mutable_analysis_stream()->set_kind(v1::Source::KIND_RTSP);
  c.mutable_analysis_stream()->set_url("rtsp://127.0.0.1:8554/" + id);
  return c;
}

TEST(CameraRegistry, ReadsTheWholeTopicThenFollowsChangesAndDeletions) {
  BrokerFixture broker;
  metrics::Metrics metrics;
  bus::Producer producer(broker.bus_config(), "registry-test", metrics);
  producer.send_and_wait(bus::Topic::cameras, "a", camera("a", 1, "Place A"));
  producer.send_and_wait(bus::Topic::cameras, "b", camera("b", 1, "Place B"));

  registry::CameraRegistry reg(broker.bus_config(), "registry-test", metrics, producer);
  std::mutex m;
  std::vector<std::string> changes;
  reg.on_change([&](const std::string& id, const v1::Camera* c) {
    std::lock_guard lock(m);
    changes.push_back(id + (c ? ":" + c->name() : ":deleted"));
  });
  reg.start();
  ASSERT_TRUE(wait_until([&] { return reg.loaded(); }, 30s));
  EXPECT_EQ(reg.all().size(), 2u);
  ASSERT_TRUE(reg.get("a"));
  EXPECT_EQ(reg.get("a")->name(), "Place A");

  producer.send_and_wait(bus::Topic::cameras, "a", camera("a", 2, "Place A, renamed"));
  ASSERT_TRUE(wait_until([&] { return reg.get("a")->name() == "Place A, renamed"; }, 10s));
  // A stale revision (a replay) changes nothing.
  producer.send_and_wait(bus::Topic::cameras, "a", camera("a", 1, "Place A"));
  producer.send_tombstone_and_wait(bus::Topic::cameras, "b");
  ASSERT_TRUE(wait_until([&] { return !reg.get("b"); }, 10s));
  EXPECT_EQ(reg.get("a")->name(), "Place A, renamed");

  std::lock_guard lock(m);
  ASSERT_EQ(changes.size(), 4u);
  // a and b may sit on different partitions: their first reading has no order.
  std::sort(changes.begin(), changes.begin() + 2);
  EXPECT_EQ(changes, (std::vector<std::string>{"a:Place A", "b:Place B", "a:Place A, renamed", "b:deleted"}));
}

TEST(CameraRegistry, ACameraWhoseIdIsNotItsKeyIsRefused) {
  BrokerFixture broker;
  metrics::Metrics metrics;
  bus::Producer producer(broker.bus_config(), "registry-test", metrics);
  producer.send_and_wait(bus::Topic::cameras, "x", camera("y", 1, "Mismatch"));
  producer.send_and_wait(bus::Topic::cameras, "z", camera("z", 1, "Fine"));
  registry::CameraRegistry reg(broker.bus_config(), "registry-test", metrics, producer);
  reg.start();
  ASSERT_TRUE(wait_until([&] { return reg.loaded(); }, 30s));
  EXPECT_FALSE(reg.get("x"));
  EXPECT_FALSE(reg.get("y"));
  EXPECT_TRUE(reg.get("z"));
  EXPECT_NE(metrics.render().find("vigie_bus_dead_letters_total{topic=\"vigie.cameras\"} 1"), std::string::npos);
}

}  // namespace
}  // namespace vigie::testing
