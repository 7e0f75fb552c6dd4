// The remote back-end against real HTTP servers speaking the Hugging Face
// inference API: a scripted one for the misbehaviours (HTTP 500, 503 while
// loading, timeouts, a refused token, garbage), and the service's own /models/
// endpoint serving its local CenterNet.
#include <gtest/gtest.h>

#include "detector_pool.h"
#include "hf_api.h"
#include "hf_api_server.h"
#include "inference_test_support.h"
#include "remote_detector.h"
#include "vigie/admin/admin_server.h"
#include "vigie/metrics/metrics.h"

namespace vigie::inference {
namespace {

using namespace std::chrono_literals;
using testing::HfStubServer;

const char* kToken = "hf_secret_token_123";

RemoteOptions options(const HfStubServer& server, std::vector<std::string>* attempts = nullptr) {
  RemoteOptions o;
  o.base_url = server.base_url();
  o.token = kToken;
  o.timeout = 1000ms;
  o.connect_timeout = 1000ms;
  o.retries = 2;
  o.backoff = 10ms;
  o.max_backoff = 50ms;
  o.cooldown = 60s;
  if (attempts) o.on_attempt = [attempts](std::string_view a) { attempts->emplace_back(a); };
  return o;
}

const cv::Mat& picture() {
  static const cv::Mat p = testing::vtest_frame(60);
  return p;
}

TEST(RemoteBackEnd, PostsTheJpegWithTheBearerTokenAndReadsLabelsScoresAndBoxes) {
  HfStubServer server;
  server.script({{200, R"([{"score":0.97,"label":"person","box":{"xmin":10,"ymin":20,"xmax":40,"ymax":100}},)"
                       R"({"score":0.2,"label":"dog","box":{"xmin":1,"ymin":2,"xmax":3,"ymax":4}}])"}});
  RemoteDetector remote("acme/detr", options(server));
  const std::string jpeg = testing::encode_jpeg(picture());
  const auto found = remote.detect({picture(), jpeg}, 0.5f);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].label, "person");
  EXPECT_FLOAT_EQ(found[0].score, 0.97f);
  EXPECT_EQ(found[0].box, cv::Rect2f(10, 20, 30, 80));
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/models/acme/detr");
  EXPECT_EQ(requests[0].authorization, std::string("Bearer ") + kToken);
  EXPECT_EQ(requests[0].content_type, "image/jpeg");
  EXPECT_EQ(requests[0].body_size, jpeg.size());
}

TEST(RemoteBackEnd, AClassificationAnswerCoversTheWholePicture) {
  HfStubServer server;
  server.script({{200, R"([{"label":"fire","score":0.91},{"label":"smoke","score":0.05}])"}});
  RemoteDetector remote("acme/fire", options(server));
  const auto found = remote.detect({picture(), {}}, 0.5f);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].label, "fire");
  EXPECT_EQ(found[0].box, cv::Rect2f(0, 0, 640, 480));
  EXPECT_GT(server.requests().at(0).body_size, 1000u);  // encoded from the picture
}

TEST(RemoteBackEnd, A500IsRetriedThenAClearErrorWithoutTheToken) {
  HfStubServer server;
  server.script({{500, R"({"error":"CUDA out of memory"})"},
                 {500, R"({"error":"CUDA out of memory"})"},
                 {500, R"({"error":"CUDA out of memory"})"}});
  std::vector<std::string> attempts;
  RemoteDetector remote("acme/detr", options(server, &attempts));
  try {
    remote.detect({picture(), {}}, 0.5f);
    FAIL() << "no error";
  } catch (const DetectorError& e) {
    EXPECT_EQ(e.kind(), "http_5xx");
    const std::string message = e.what();
    EXPECT_NE(message.find("HTTP 500"), std::string::npos) << message;
    EXPECT_NE(message.find("CUDA out of memory"), std::string::npos) << message;
    EXPECT_NE(message.find("acme/detr"), std::string::npos) << message;
    EXPECT_EQ(message.find(kToken), std::string::npos) << message;
  }
  EXPECT_EQ(server.requests().size(), 3u);  // 1 + 2 retries
  EXPECT_EQ(attempts, (std::vector<std::string>{"http_5xx", "http_5xx", "http_5xx"}));
}

TEST(RemoteBackEnd, AModelStillLoadingIsWaitedForThenAnswers) {
  HfStubServer server;
  server.script({{503, R"({"error":"Model acme/detr is currently loading","estimated_time":0.02})"},
                 {200, R"([{"label":"person","score":0.8,"box":{"xmin":0,"ymin":0,"xmax":5,"ymax":5}}])"}});
  std::vector<std::string> attempts;
  RemoteDetector remote("acme/detr", options(server, &attempts));
  EXPECT_EQ(remote.detect({picture(), {}}, 0.5f).size(), 1u);
  EXPECT_EQ(attempts, (std::vector<std::string>{"http_5xx", "ok"}));
}

TEST(RemoteBackEnd, ATimeoutIsRetriedAndReportedAsATimeout) {
  HfStubServer server;
  server.script({{200, "[]", 3000ms}, {200, "[]", 3000ms}});
  auto o = options(server);
  o.timeout = 300ms;
  o.retries = 1;
  RemoteDetector remote("acme/slow", o);
  const auto started = std::chrono::steady_clock::now();
  try {
    remote.detect({picture(), {}}, 0.5f);
    FAIL() << "no error";
  } catch (const DetectorError& e) {
    EXPECT_EQ(e.kind(), "timeout") << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms);
}

TEST(RemoteBackEnd, ARefusedTokenIsNotRetried) {
  HfStubServer server;
  server.script({{401, R"({"error":"Invalid credentials in Authorization header"})"}});
  RemoteDetector remote("acme/detr", options(server));
  try {
    remote.detect({picture(), {}}, 0.5f);
    FAIL() << "no error";
  } catch (const DetectorError& e) {
    EXPECT_EQ(e.kind(), "unauthorized");
    EXPECT_EQ(std::string(e.what()).find(kToken), std::string::npos);
  }
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(RemoteBackEnd, AnAnswerThatIsNotTheApisJsonIsABadResponse) {
  HfStubServer server;
  server.script({{200, "<html>proxy error</html>"}, {200, R"({"labels":["a"]})"}});
  for (int i = 0; i < 2; ++i) {
    auto o = options(server);
    o.cooldown = 0ms;
    RemoteDetector fresh("acme/detr", o);
    try {
      fresh.detect({picture(), {}}, 0.5f);
      FAIL() << "no error";
    } catch (const DetectorError& e) {
      EXPECT_EQ(e.kind(), "bad_response") << e.what();
    }
  }
}

TEST(RemoteBackEnd, AnEndpointThatFailedIsNotAskedAgainDuringTheCooldown) {
  HfStubServer server;
  server.script({{500, "{}"}, {500, "{}"}, {500, "{}"}});
  RemoteDetector remote("acme/detr", options(server));
  EXPECT_THROW(remote.detect({picture(), {}}, 0.5f), DetectorError);
  try {
    remote.detect({picture(), {}}, 0.5f);
    FAIL() << "no error";
  } catch (const DetectorError& e) {
    EXPECT_EQ(e.kind(), "unavailable");
    EXPECT_NE(std::string(e.what()).find("HTTP 500"), std::string::npos) << e.what();
  }
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(RemoteBackEnd, NothingListeningIsAConnectionError) {
  RemoteOptions o;
  o.base_url = "http://127.0.0.1:1/models/";
  o.retries = 1;
  o.backoff = 10ms;
  RemoteDetector remote("acme/detr", o);
  try {
    remote.detect({picture(), {}}, 0.5f);
    FAIL() << "no error";
  } catch (const DetectorError& e) {
    EXPECT_EQ(e.kind(), "connection") << e.what();
  }
}

TEST(HfApiServer, TheServicesOwnModelsAnswerTheRemoteBackEndOverHttp) {
  metrics::Metrics metrics;
  admin::AdminServer admin("127.0.0.1:0", metrics);
  FactoryOptions factory;
  factory.models_dir = testing::models_dir();
  DetectorPool pool(factory);
  const DetectorSpec centernet{"opencv-dnn", "centernet-coco"};
  serve_hf_api(admin, pool, {centernet});
  admin.start();

  RemoteOptions o;
  o.base_url = admin.url() + "/models/";
  o.timeout = 60s;  // the first request loads the model
  RemoteDetector remote("opencv-dnn/centernet-coco", o);
  const auto found = remote.detect({picture(), testing::encode_jpeg(picture())}, 0.4f);
  std::vector<DetectedObject> local;
  pool.use(centernet, [&](Detector& d) { local = d.detect({picture(), {}}, 0.4f); });
  ASSERT_GE(found.size(), 4u);  // people walking and standing in frame 60
  EXPECT_EQ(found[0].label, "person");
  // JPEG at quality 80 and whole-pixel boxes: nearly the same result.
  EXPECT_NEAR(static_cast<double>(found.size()), static_cast<double>(local.size()), 1.0);

  const auto bad =
      answer_hf_request(pool, centernet, {"POST", "/models/opencv-dnn/centernet-coco", "", "nope"});
  EXPECT_EQ(bad.status, 400u);
  EXPECT_TRUE(parse_hf_error(bad.body));
  admin.stop();
}

}  // namespace
}  // namespace vigie::inference
