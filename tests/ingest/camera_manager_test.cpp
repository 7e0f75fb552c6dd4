// The manager's decisions: which change restarts a camera, which stops it. The
// stream here is a scripted source; the real sources are tested against real
// servers in ingest_service_test.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include "camera_manager.h"
#include "vigie/metrics/metrics.h"

namespace vigie::ingest {
namespace {

using namespace std::chrono_literals;

struct Recorder : Publisher {
  std::mutex m;
  std::vector<v1::CameraStatus> statuses;
  bool publish_frame(const v1::Frame&) override { return true; }
  void publish_status(const v1::CameraStatus& s) override {
    std::lock_guard lock(m);
    statuses.push_back(s);
  }
};

// Counts how often each camera's stream was opened; serves no picture.
struct Opens {
  std::mutex m;
  std::map<std::string, int> count;
};

class IdleSource : public FrameSource {
 public:
  IdleSource(Opens& opens, std::string url) : opens_(opens), url_(std::move(url)) {}
  void open(const std::atomic<bool>&) override {
    std::lock_guard lock(opens_.m);
    opens_.count[url_]++;
  }
  bool next(Picture&, const std::atomic<bool>& stop) override {
    while (!stop) std::this_thread::sleep_for(5ms);
    return false;
  }

 private:
  Opens& opens_;
  std::string url_;
};

v1::Camera cam(const std::string& id, const std::string& url) {
  v1::Camera c;
  c.set_id(id);
  c.set_enabled(true);
  c.mutable_analysis_stream()->set_kind(v1::Source::KIND_RTSP);
  c.mutable_analysis_stream()->set_url(url);
  return c;
}

class CameraManagerTest : public ::testing::Test {
 protected:
  metrics::Metrics m;
  IngestMetrics metrics{m.registry()};
  Recorder recorder;
  Opens opens;
  CameraManager manager{WorkerSettings{}, recorder,
                        [this](const SourceOptions& o) { return std::make_unique<IdleSource>(opens, o.source.url()); },
                        metrics, std::nullopt};
  // How often url was opened, once at least `at_least` opens happened (or 5 s
  // passed), plus a moment for opens that should not happen.
  int opened(const std::string& url, int at_least = 1) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline && count(url) < at_least) std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(300ms);
    return count(url);
  }
  int count(const std::string& url) {
    std::lock_guard lock(opens.m);
    return opens.count[url];
  }
};

TEST_F(CameraManagerTest, ANewNameDoesNotInterruptTheStreamButANewUrlRestartsIt) {
  auto a = cam("a", "rtsp://a/1");
  manager.apply("a", &a, 0);
  EXPECT_EQ(opened("rtsp://a/1"), 1);
  a.set_name("renamed");
  a.mutable_position()->set_latitude(48.85);
  manager.apply("a", &a, 0);
  EXPECT_EQ(opened("rtsp://a/1"), 1);
  a.mutable_analysis_stream()->set_url("rtsp://a/2");
  manager.apply("a", &a, 0);
  EXPECT_EQ(opened("rtsp://a/2"), 1);
  EXPECT_EQ(manager.running(), std::vector<std::string>{"a"});
}

TEST_F(CameraManagerTest, DisabledOrDeletedCamerasStopAndADisabledOneIsReported) {
  auto a = cam("a", "rtsp://a/1");
  auto b = cam("b", "rtsp://b/1");
  manager.apply("a", &a, 0);
  manager.apply("b", &b, 1);
  a.set_enabled(false);
  manager.apply("a", &a, 0);
  manager.apply("b", nullptr, 1);
  EXPECT_TRUE(manager.running().empty());
  std::lock_guard lock(recorder.m);
  // Workers report from their own threads: look for a's report, not the latest one.
  auto disabled = std::find_if(recorder.statuses.begin(), recorder.statuses.end(), [](auto& s) {
    return s.camera_id() == "a" && s.state() == v1::CameraStatus::STATE_DISABLED;
  });
  EXPECT_NE(disabled, recorder.statuses.end());
}

TEST_F(CameraManagerTest, ReleasingAPartitionStopsOnlyItsCameras) {
  auto a = cam("a", "rtsp://a/1");
  auto b = cam("b", "rtsp://b/1");
  manager.apply("a", &a, 0);
  manager.apply("b", &b, 1);
  manager.release({1});
  EXPECT_EQ(manager.running(), std::vector<std::string>{"a"});
}

TEST_F(CameraManagerTest, CredentialsWithoutAKeyAreReportedNotUsed) {
  auto a = cam("a", "rtsp://a/1");
  a.set_credentials_token("gAAAAA-not-decryptable");
  manager.apply("a", &a, 0);
  EXPECT_EQ(opened("rtsp://a/1", 0), 0);
  std::lock_guard lock(recorder.m);
  ASSERT_FALSE(recorder.statuses.empty());
  EXPECT_NE(recorder.statuses.back().last_error().find("VIGIE_FERNET_KEY"), std::string::npos);
}

}  // namespace
}  // namespace vigie::ingest
