// The bus across processes: vigie-broker in one process, vigie-bus-probe
// consumers in others, the producer in the test.
#include <librdkafka/rdkafkacpp.h>

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "broker_fixture.h"
#include "process.h"
#include "vigie/bus/consumer.h"
#include "vigie/bus/producer.h"
#include "vigie/metrics/metrics.h"
#include "vigie/v1/dead_letter.pb.h"
#include "vigie/v1/frame.pb.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;

v1::Frame frame(const std::string& camera, uint64_t sequence) {
  v1::Frame f;
  f.set_schema_version(bus::kSchemaVersion);
  f.set_camera_id(camera);
  f.set_sequence(sequence);
  f.set_stream_id("s1");
  f.set_width(640);
  f.set_height(360);
  f.set_jpeg(std::string(2000, 'j'));
  return f;
}

struct ProbeOutput {
  std::vector<std::pair<std::string, uint64_t>> frames;  // in handling order
  std::map<std::string, std::string> trace_of;             // "camera seq" -> trace id
  std::set<int> partitions;
  std::vector<std::set<int>> assignments;

  std::set<std::string> ids() const {
    std::set<std::string> out;
    for (auto& [c, s] : frames) out.insert(c + " " + std::to_string(s));
    return out;
  }
};

ProbeOutput read_probe(const std::string& path) {
  ProbeOutput out;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string kind;
    words >> kind;
    if (kind == "frame") {
      std::string camera, trace;
      uint64_t seq = 0;
      int partition = 0;
      words >> camera >> seq >> partition >> trace;
      out.frames.emplace_back(camera, seq);
      out.trace_of[camera + " " + std::to_string(seq)] = trace;
      out.partitions.insert(partition);
    } else if (kind == "assigned") {
      std::set<int> parts;
      for (int p; words >> p;) parts.insert(p);
      out.assignments.push_back(parts);
    }
  }
  return out;
}

class Probe {
 public:
  Probe(const BrokerFixture& broker, const std::string& out, const std::string& group,
        std::chrono::milliseconds delay = 0ms, int batch = 100)
      : broker_(broker), out_(out), group_(group), delay_(delay), batch_(batch) {
    start();
  }
  void start() {
    process_ = std::make_unique<Process>(Process::Options{
        {binary_path("vigie-bus-probe")},
        {{"VIGIE_KAFKA_BOOTSTRAP", broker_.bootstrap()},
         {"VIGIE_KAFKA_SESSION_TIMEOUT", "6s"},
         {"VIGIE_ADMIN_ADDR", "127.0.0.1:0"},
         {"VIGIE_PROBE_GROUP", group_},
         {"VIGIE_PROBE_OUT", out_},
         {"VIGIE_PROBE_DELAY", std::to_string(delay_.count()) + "ms"},
         {"VIGIE_PROBE_BATCH", std::to_string(batch_)}},
        out_ + ".log",
        {}});
  }
  Process& process() { return *process_; }
  ProbeOutput output() const { return read_probe(out_); }
  bool assigned() const {
    auto o = output();
    return !o.assignments.empty();
  }
  std::string log() const { return read_file(out_ + ".log"); }

 private:
  const BrokerFixture& broker_;
  std::string out_, group_;
  std::chrono::milliseconds delay_;
  int batch_;
  std::unique_ptr<Process> process_;
};

class BusTest : public ::testing::Test {
 protected:
  TempDir dir{"vigie-bus-test"};
  metrics::Metrics metrics;
};

TEST_F(BusTest, FramesReachAConsumerInAnotherProcessInOrderPerCameraWithTheirTraceId) {
  BrokerFixture broker;
  Probe probe(broker, dir.path() + "/out", "g1");
  ASSERT_TRUE(wait_until([&] { return probe.assigned(); }, 30s)) << probe.log();

  bus::Producer producer(broker.bus_config(), "bus-test", metrics);
  for (uint64_t seq = 0; seq < 30; ++seq) {
    for (int cam = 0; cam < 10; ++cam) {
      std::string camera = "cam-" + std::to_string(cam);
      producer.send(bus::Topic::frames, camera, frame(camera, seq),
                    "trace-" + camera + "-" + std::to_string(seq));
    }
  }
  ASSERT_TRUE(producer.flush(30s));
  ASSERT_TRUE(wait_until([&] { return probe.output().ids().size() == 300; }, 30s))
      << "got " << probe.output().ids().size() << " of 300\n" << probe.log();

  auto out = probe.output();
  std::map<std::string, uint64_t> last;
  for (auto& [camera, seq] : out.frames) {
    if (last.count(camera)) {
      EXPECT_GT(seq, last[camera]) << "out of order for " << camera;
    }
    last[camera] = seq;
  }
  EXPECT_EQ(out.trace_of["cam-3 17"], "trace-cam-3-17");
}

TEST_F(BusTest, TwoConsumersInOneGroupSplitThePartitions) {
  BrokerFixture broker;  // 4 partitions
  Probe a(broker, dir.path() + "/a", "split");
  ASSERT_TRUE(wait_until([&] { return a.assigned(); }, 30s)) << a.log();
  Probe b(broker, dir.path() + "/b", "split");
  // Settled once the latest assignments of both are disjoint and cover all 4.
  auto settled = [&] {
    auto oa = a.output(), ob = b.output();
    if (oa.assignments.empty() || ob.assignments.empty()) return false;
    auto pa = oa.assignments.back(), pb = ob.assignments.back();
    if (pa.empty() || pb.empty() || pa.size() + pb.size() != 4) return false;
    for (int p : pa) {
      if (pb.count(p)) return false;
    }
    return true;
  };
  ASSERT_TRUE(wait_until(settled, 60s)) << a.log() << b.log();

  bus::Producer producer(broker.bus_config(), "bus-test", metrics);
  for (int cam = 0; cam < 40; ++cam) {
    for (uint64_t seq = 0; seq < 10; ++seq) {
      std::string camera = "cam-" + std::to_string(cam);
      producer.send(bus::Topic::frames, camera, frame(camera, seq));
    }
  }
  ASSERT_TRUE(producer.flush(30s));
  auto total = [&] {
    auto ids = a.output().ids();
    auto more = b.output().ids();
    ids.insert(more.begin(), more.end());
    return ids.size();
  };
  ASSERT_TRUE(wait_until([&] { return total() == 400; }, 30s)) << "got " << total();

  auto oa = a.output(), ob = b.output();
  EXPECT_FALSE(oa.frames.empty());
  EXPECT_FALSE(ob.frames.empty());
  for (int p : oa.partitions) EXPECT_EQ(ob.partitions.count(p), 0u) << "partition " << p << " read by both";
  // Each camera's frames stay on one consumer.
  std::set<std::string> cams_a, cams_b;
  for (auto& f : oa.frames) cams_a.insert(f.first);
  for (auto& f : ob.frames) cams_b.insert(f.first);
  for (auto& c : cams_a) EXPECT_EQ(cams_b.count(c), 0u) << c << " read by both";
}

TEST_F(BusTest, AConsumerKilledMidBatchAndRestartedLosesNothing) {
  BrokerFixture broker;
  const std::string out = dir.path() + "/out";
  Probe probe(broker, out, "kill", 300ms, 20);
  ASSERT_TRUE(wait_until([&] { return probe.assigned(); }, 30s)) << probe.log();

  bus::Producer producer(broker.bus_config(), "bus-test", metrics);
  for (uint64_t seq = 0; seq < 50; ++seq) {
    for (int cam = 0; cam < 8; ++cam) {
      std::string camera = "cam-" + std::to_string(cam);
      producer.send(bus::Topic::frames, camera, frame(camera, seq));
    }
  }
  ASSERT_TRUE(producer.flush(30s));
  ASSERT_TRUE(wait_until([&] { return probe.output().frames.size() >= 60; }, 30s)) << probe.log();
  probe.process().kill_hard();
  auto before = probe.output().ids().size();
  ASSERT_LT(before, 400u) << "the probe finished before it could be killed";

  probe.start();
  ASSERT_TRUE(wait_until([&] { return probe.output().ids().size() == 400; }, 90s))
      << "got " << probe.output().ids().size() << " of 400 after restart\n" << probe.log();
}

TEST_F(BusTest, EveryFrameArrivesAfterTheBrokerWasDownForTenSeconds) {
  BrokerFixture broker;
  Probe probe(broker, dir.path() + "/out", "outage");
  ASSERT_TRUE(wait_until([&] { return probe.assigned(); }, 30s)) << probe.log();

  bus::Producer producer(broker.bus_config(), "bus-test", metrics);
  std::atomic<bool> outage_done{false};
  std::thread outage([&] {
    std::this_thread::sleep_for(2s);
    broker.set_down();
    std::this_thread::sleep_for(10s);
    broker.set_up();
    outage_done = true;
  });
  uint64_t sent = 0;
  auto until = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < until) {
    producer.send(bus::Topic::frames, "cam-" + std::to_string(sent % 5),
                  frame("cam-" + std::to_string(sent % 5), sent));
    ++sent;
    std::this_thread::sleep_for(50ms);
  }
  outage.join();
  ASSERT_TRUE(producer.flush(60s)) << "producer could not deliver after the outage";
  ASSERT_TRUE(wait_until([&] { return probe.output().ids().size() == sent; }, 90s))
      << "got " << probe.output().ids().size() << " of " << sent << "\n" << probe.log();
}

TEST_F(BusTest, AGarbageMessageGoesToTheDeadLetterTopicAndConsumingGoesOn) {
  BrokerFixture broker;
  Probe probe(broker, dir.path() + "/out", "dlq");
  ASSERT_TRUE(wait_until([&] { return probe.assigned(); }, 30s)) << probe.log();

  // Garbage, written by a client that knows nothing of Vigie's contracts.
  std::string error;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", broker.bootstrap(), error);
  std::unique_ptr<RdKafka::Producer> raw(RdKafka::Producer::create(conf.get(), error));
  ASSERT_TRUE(raw) << error;
  const std::string garbage = "this is not a protobuf \xff\xfe";
  const std::string key = "cam-x";
  ASSERT_EQ(raw->produce("vigie.frames", RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                         const_cast<char*>(garbage.data()), garbage.size(), key.data(), key.size(), 0,
                         nullptr),
            RdKafka::ERR_NO_ERROR);
  ASSERT_EQ(raw->flush(10000), RdKafka::ERR_NO_ERROR);

  bus::Producer producer(broker.bus_config(), "bus-test", metrics);
  producer.send(bus::Topic::frames, key, frame(key, 1));
  ASSERT_TRUE(producer.flush(10s));
  ASSERT_TRUE(wait_until([&] { return probe.output().ids().count("cam-x 1") == 1; }, 30s))
      << "the consumer did not go on after the garbage\n" << probe.log();

  bus::ConsumerOptions options;
  options.group_id = "dlq-reader";
  options.topics = {bus::Topic::dlq};
  bus::Consumer reader(broker.bus_config(), "bus-test", options, metrics, producer);
  std::vector<v1::DeadLetter> letters;
  std::stop_source stop;
  std::thread timeout([&] {
    wait_until([&] { return stop.stop_requested(); }, 30s);
    stop.request_stop();
  });
  reader.run(stop.get_token(), [&](std::vector<bus::Record>& batch) {
    for (auto& r : batch) letters.push_back(*r.as<v1::DeadLetter>());
    stop.request_stop();
  });
  timeout.join();
  ASSERT_EQ(letters.size(), 1u);
  const auto& letter = letters[0];
  EXPECT_EQ(letter.source_topic(), "vigie.frames");
  EXPECT_EQ(letter.payload(), garbage);
  EXPECT_EQ(letter.key(), key);
  EXPECT_GE(letter.offset(), 0);
  EXPECT_EQ(letter.consumer_group(), "dlq");
  EXPECT_EQ(letter.expected_type(), "vigie.v1.Frame");
  EXPECT_NE(letter.reason().find("vigie.v1.Frame"), std::string::npos) << letter.reason();
}

}  // namespace
}  // namespace vigie::testing
