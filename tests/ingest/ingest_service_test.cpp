// vigie-ingest as it runs: a real process, the embedded broker, real RTSP, MJPEG
// and snapshot servers; cameras arrive on the cameras topic, frames and status are
// read back from the bus.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <map>
#include <set>

#include <google/protobuf/util/time_util.h>
#include <opencv2/imgcodecs.hpp>

#include "broker_fixture.h"
#include "media_fixtures.h"
#include "process.h"
#include "topic_reader.h"
#include "vigie/bus/producer.h"
#include "vigie/crypto/credentials.h"
#include "vigie/crypto/fernet.h"
#include "vigie/metrics/metrics.h"
#include "vigie/v1/camera.pb.h"
#include "vigie/v1/frame.pb.h"
#include "vigie/v1/status.pb.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;
using State = v1::CameraStatus;

v1::Camera camera(const std::string& id, v1::Source::Kind kind, const std::string& url) {
  static uint64_t revision = 0;
  v1::Camera c;
  c.set_schema_version(1);
  c.set_id(id);
  c.set_name("Camera " + id);
  c.set_enabled(true);
  c.set_revision(++revision);
  c.mutable_analysis_stream()->set_kind(kind);
  c.mutable_analysis_stream()->set_url(url);
  c.mutable_frames()->set_fps(5);
  c.mutable_frames()->set_width(640);
  c.mutable_frames()->set_frozen_after_ms(3000);
  return c;
}

class Ingest {
 public:
  Ingest(const BrokerFixture& broker, const std::string& instance, std::map<std::string, std::string> extra = {})
      : dir_("vigie-ingest"), instance_(instance) {
    std::map<std::string, std::string> env{{"VIGIE_KAFKA_BOOTSTRAP", broker.bootstrap()},
                                           {"VIGIE_KAFKA_SESSION_TIMEOUT", "6s"},
                                           {"VIGIE_TOPIC_PARTITIONS", "4"},
                                           {"VIGIE_ADMIN_ADDR", "127.0.0.1:0"},
                                           {"VIGIE_ADMIN_URL_FILE", dir_.path() + "/admin.url"},
                                           {"VIGIE_INGEST_INSTANCE", instance},
                                           {"VIGIE_INGEST_STATUS_INTERVAL", "1s"},
                                           {"VIGIE_INGEST_BACKOFF_MAX", "1s"}};
    for (auto& [k, v] : extra) env[k] = v;
    process_ = std::make_unique<Process>(
        Process::Options{{binary_path("vigie-ingest")}, env, dir_.path() + "/log", {}});
  }
  Process& process() { return *process_; }
  std::string log() const { return read_file(dir_.path() + "/log"); }

 private:
  TempDir dir_;
  std::string instance_;
  std::unique_ptr<Process> process_;
};

class IngestTest : public ::testing::Test {
 protected:
  BrokerFixture broker{BrokerFixture::Options{1, 4, "vigie."}};
  metrics::Metrics metrics;
  bus::Producer producer{broker.bus_config(), "ingest-test", metrics};
  TopicReader reader{broker, {bus::Topic::frames, bus::Topic::status}};

  void publish(const v1::Camera& c) { producer.send_and_wait(bus::Topic::cameras, c.id(), c); }

  std::vector<v1::Frame> frames(const std::string& id) const {
    std::vector<v1::Frame> out;
    for (auto& [key, f] : reader.read<v1::Frame>(bus::Topic::frames)) {
      if (key == id) out.push_back(f);
    }
    return out;
  }
  std::vector<v1::CameraStatus> statuses(const std::string& id) const {
    std::vector<v1::CameraStatus> out;
    for (auto& [key, s] : reader.read<v1::CameraStatus>(bus::Topic::status)) {
      if (key == id) out.push_back(s);
    }
    return out;
  }
  bool has_state_after(const std::string& id, size_t from, std::set<State::State> states) const {
    auto all = statuses(id);
    for (size_t i = from; i < all.size(); ++i) {
      if (states.count(all[i].state())) return true;
    }
    return false;
  }
  size_t frame_count(const std::string& id) const { return frames(id).size(); }
};

void expect_consecutive(const std::vector<v1::Frame>& frames, const std::string& what) {
  for (size_t i = 1; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].sequence(), frames[i - 1].sequence() + 1) << what << " gap at " << i;
  }
}

TEST_F(IngestTest, RtspOverTcpAndUdpGivesFramesOfTheCameraAtTheAnalysisSize) {
  RtspServerFixture rtsp;
  Ingest ingest(broker, "i1");
  auto tcp = camera("cam-tcp", v1::Source::KIND_RTSP, rtsp.url());
  auto udp = camera("cam-udp", v1::Source::KIND_RTSP, rtsp.url());
  udp.mutable_analysis_stream()->set_rtsp_transport(v1::Source::RTSP_TRANSPORT_UDP);
  publish(tcp);
  publish(udp);
  for (std::string id : {"cam-tcp", "cam-udp"}) {
    SCOPED_TRACE(id);
    ASSERT_TRUE(wait_until([&] { return frame_count(id) >= 11; }, 40s)) << ingest.log();
    auto got = frames(id);
    for (auto& f : got) {
      EXPECT_EQ(f.camera_id(), id);
      EXPECT_EQ(f.width(), 640u);
      EXPECT_EQ(f.height(), 480u);  // 768x576 with its aspect kept
    }
    expect_consecutive(got, id);
    auto image = cv::imdecode(std::vector<uint8_t>(got.back().jpeg().begin(), got.back().jpeg().end()),
                              cv::IMREAD_COLOR);
    ASSERT_FALSE(image.empty());
    EXPECT_EQ(image.cols, 640);
    EXPECT_EQ(image.rows, 480);
    // Frames are sampled at 5 fps of stream time from a 10 fps stream: never
    // closer than 200 ms (less the sampler's tenth of tolerance), and mostly just
    // that. A loaded machine may stall the stream (a longer gap, the capture
    // clock following it) and, over UDP, lose pictures: so the median gap, over
    // TCP only, not the mean rate.
    using google::protobuf::util::TimeUtil;
    std::vector<int64_t> gaps_ms;
    for (size_t i = 1; i < got.size(); ++i) {
      gaps_ms.push_back(TimeUtil::TimestampToMilliseconds(got[i].capture_time()) -
                        TimeUtil::TimestampToMilliseconds(got[i - 1].capture_time()));
    }
    std::sort(gaps_ms.begin(), gaps_ms.end());
    EXPECT_GE(gaps_ms.front(), 180) << "more than 5 frames a second";
    if (id == "cam-tcp") {
      EXPECT_NEAR(static_cast<double>(gaps_ms[gaps_ms.size() / 2]), 200.0, 20.0) << "median gap between frames";
    }
    ASSERT_TRUE(wait_until([&] { return has_state_after(id, 0, {State::STATE_CONNECTED}); }, 5s));
    EXPECT_EQ(statuses(id).back().instance(), "i1");
  }
}

TEST_F(IngestTest, AKilledServerIsReportedWithinTwoSecondsAndFramesComeBackAfterIt) {
  RtspServerFixture rtsp;
  Ingest ingest(broker, "i1");
  publish(camera("cam", v1::Source::KIND_RTSP, rtsp.url()));
  ASSERT_TRUE(wait_until([&] { return frame_count("cam") >= 3; }, 40s)) << ingest.log();

  size_t mark = statuses("cam").size();
  rtsp.kill_hard();
  ASSERT_TRUE(wait_until([&] { return has_state_after("cam", mark, {State::STATE_STREAM_LOST, State::STATE_RECONNECTING}); }, 2s))
      << ingest.log();
  rtsp.restart();
  size_t before = frame_count("cam");
  ASSERT_TRUE(wait_until([&] { return frame_count("cam") >= before + 3; }, 30s)) << ingest.log();
  EXPECT_TRUE(has_state_after("cam", mark, {State::STATE_CONNECTED}));
}

TEST_F(IngestTest, AFrozenStreamIsDetectedAndReconnected) {
  RtspServerFixture rtsp;
  Ingest ingest(broker, "i1");
  publish(camera("cam", v1::Source::KIND_RTSP, rtsp.url()));  // frozen after 3 s
  ASSERT_TRUE(wait_until([&] { return frame_count("cam") >= 3; }, 40s)) << ingest.log();

  size_t mark = statuses("cam").size();
  rtsp.freeze();
  ASSERT_TRUE(wait_until([&] { return has_state_after("cam", mark, {State::STATE_STREAM_LOST}); }, 6s)) << ingest.log();
  rtsp.thaw();
  size_t before = frame_count("cam");
  ASSERT_TRUE(wait_until([&] { return frame_count("cam") >= before + 3; }, 30s)) << ingest.log();
}

TEST_F(IngestTest, MjpegGivesFramesAndAnUnchangedSnapshotIsPublishedOnce) {
  HttpMediaFixture::Options still;
  still.snapshot_interval_ms = 0;
  HttpMediaFixture http(still);
  Ingest ingest(broker, "i1");
  publish(camera("cam-mjpeg", v1::Source::KIND_MJPEG, http.mjpeg_url()));
  auto snap = camera("cam-snap", v1::Source::KIND_SNAPSHOT, http.snapshot_url());
  snap.mutable_analysis_stream()->set_snapshot_interval_ms(300);
  publish(snap);
  ASSERT_TRUE(wait_until([&] { return frame_count("cam-mjpeg") >= 5; }, 30s)) << ingest.log();
  ASSERT_TRUE(wait_until([&] { return frame_count("cam-snap") >= 1; }, 30s)) << ingest.log();
  std::this_thread::sleep_for(3s);  // about ten more polls of the same image
  EXPECT_EQ(frame_count("cam-snap"), 1u);
  expect_consecutive(frames("cam-mjpeg"), "mjpeg");
}

TEST_F(IngestTest, CamerasAddedChangedAndDeletedLeaveTheOthersWithoutAGap) {
  auto video = prepared_video(0);
  Ingest ingest(broker, "i1");
  publish(camera("cam-a", v1::Source::KIND_FILE, video));
  ASSERT_TRUE(wait_until([&] { return frame_count("cam-a") >= 5; }, 30s)) << ingest.log();

  auto b = camera("cam-b", v1::Source::KIND_FILE, video);
  auto added = std::chrono::steady_clock::now();
  publish(b);
  ASSERT_TRUE(wait_until([&] { return frame_count("cam-b") >= 1; }, 10s)) << ingest.log();
  EXPECT_LT(std::chrono::steady_clock::now() - added, 2s);

  b.set_revision(b.revision() + 100);
  b.mutable_frames()->set_fps(2);
  publish(b);
  auto first_stream = frames("cam-b").front().stream_id();
  ASSERT_TRUE(wait_until([&] { return frames("cam-b").back().stream_id() != first_stream; }, 3s));

  producer.send_tombstone_and_wait(bus::Topic::cameras, "cam-b");
  std::this_thread::sleep_for(1500ms);
  size_t after_delete = frame_count("cam-b");
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(frame_count("cam-b"), after_delete) << "cam-b still publishes after its deletion";

  auto a = frames("cam-a");
  EXPECT_GE(a.size(), 25u);
  expect_consecutive(a, "cam-a");
  std::set<std::string> streams;
  for (auto& f : a) streams.insert(f.stream_id());
  EXPECT_EQ(streams.size(), 1u) << "cam-a was restarted";
}

TEST_F(IngestTest, ADisabledCameraIsReportedAndNotRead) {
  Ingest ingest(broker, "i1");
  auto c = camera("cam-off", v1::Source::KIND_FILE, prepared_video(0));
  c.set_enabled(false);
  publish(c);
  ASSERT_TRUE(wait_until([&] { return has_state_after("cam-off", 0, {State::STATE_DISABLED}); }, 20s)) << ingest.log();
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(frame_count("cam-off"), 0u);
}

TEST_F(IngestTest, CredentialsAreUsedButNeverShown) {
  RtspServerFixture rtsp;
  auto key = crypto::Fernet::generate_key();
  Ingest ingest(broker, "i1", {{"VIGIE_FERNET_KEY", key}});
  auto fernet = crypto::Fernet::from_key(key);
  auto good = camera("cam-auth", v1::Source::KIND_RTSP, rtsp.url());
  good.set_credentials_token(crypto::seal_credentials(fernet, {"operator", "hunter2-secret"}));
  publish(good);
  auto dead = camera("cam-dead", v1::Source::KIND_RTSP, "rtsp://127.0.0.1:1/nothing");
  dead.set_credentials_token(crypto::seal_credentials(fernet, {"operator", "hunter2-secret"}));
  publish(dead);
  auto wrong = camera("cam-wrong-key", v1::Source::KIND_RTSP, rtsp.url());
  wrong.set_credentials_token(
      crypto::seal_credentials(crypto::Fernet::from_key(crypto::Fernet::generate_key()), {"u", "hunter2-secret"}));
  publish(wrong);

  ASSERT_TRUE(wait_until([&] { return frame_count("cam-auth") >= 3; }, 40s)) << ingest.log();
  ASSERT_TRUE(wait_until([&] { return has_state_after("cam-dead", 0, {State::STATE_RECONNECTING}); }, 20s));
  ASSERT_TRUE(wait_until([&] {
    auto s = statuses("cam-wrong-key");
    return !s.empty() && s.back().last_error().find("decrypt") != std::string::npos;
  }, 20s));
  EXPECT_EQ(frame_count("cam-wrong-key"), 0u);
  EXPECT_EQ(ingest.log().find("hunter2"), std::string::npos);
  for (auto& m : reader.snapshot()) EXPECT_EQ(m.payload.find("hunter2"), std::string::npos);
}

// librdkafka's default partitioner puts a key on crc32(key) % partitions.
std::string camera_on_partition(int partition, int partitions) {
  for (int i = 0;; ++i) {
    std::string id = "cam-" + std::to_string(i);
    auto crc = crc32(0, reinterpret_cast<const Bytef*>(id.data()), static_cast<uInt>(id.size()));
    if (static_cast<int>(crc % partitions) == partition) return id;
  }
}

TEST_F(IngestTest, TwoInstancesShareTheCamerasAndTheSurvivorTakesOverAKilledOnesCameras) {
  auto video = prepared_video(0);
  Ingest one(broker, "one");
  Ingest two(broker, "two");
  std::vector<std::string> ids;
  for (int p = 0; p < 4; ++p) {
    ids.push_back(camera_on_partition(p, 4));
    auto c = camera(ids.back(), v1::Source::KIND_FILE, video);
    c.mutable_frames()->set_decode_mode(v1::FrameSettings::DECODE_MODE_KEYFRAMES);
    publish(c);
  }
  auto owner = [&](const std::string& id) {
    auto s = statuses(id);
    for (auto it = s.rbegin(); it != s.rend(); ++it) {
      if (it->state() == State::STATE_CONNECTED) return it->instance();
    }
    return std::string();
  };
  auto owners = [&] {
    std::map<std::string, int> count;
    for (auto& id : ids) count[owner(id)]++;
    return count;
  };
  ASSERT_TRUE(wait_until([&] { auto o = owners(); return o["one"] == 2 && o["two"] == 2; }, 60s))
      << one.log() << two.log();

  std::vector<std::string> of_two;
  for (auto& id : ids) {
    if (owner(id) == "two") of_two.push_back(id);
  }
  two.process().kill_hard();
  auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_until([&] { return owners()["one"] == 4; }, 30s)) << one.log();
  EXPECT_LT(std::chrono::steady_clock::now() - killed, 15s);  // session timeout 6 s, plus start-up
}

}  // namespace
}  // namespace vigie::testing
