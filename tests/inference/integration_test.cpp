// vigie-inference as a process against the embedded broker: a camera with its
// analyses on the cameras topic, motion events of vtest.avi on the motion topic,
// detections read back from the detections topic; a remote analysis whose
// endpoint answers 500 is an error in the logs and metrics, never a lost message.
#include <gtest/gtest.h>

#include <csignal>

#include <sys/wait.h>

#include "broker_fixture.h"
#include "http_client.h"
#include "inference_test_support.h"
#include "process.h"
#include "service_process.h"
#include "topic_reader.h"
#include "vigie/bus/headers.h"
#include "vigie/bus/producer.h"
#include "vigie/v1/detection.pb.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;

double metric(const std::string& admin, const std::string& line) {
  const std::string text = http_get(admin + "/metrics").body;
  const auto at = text.find(line + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + line.size() + 1));
}

TEST(InferenceIntegration, MotionEventsInDetectionsOutWithTheTraceIdAndARemoteFailureLosesNothing) {
  BrokerFixture broker;
  HfStubServer remote;
  std::vector<HfStubServer::Reply> failures(40, {500, R"({"error":"model crashed"})"});
  remote.script(failures);
  metrics::Metrics metrics;
  bus::Producer producer(broker.bus_config(), "inference-test", metrics);
  producer.send_and_wait(
      bus::Topic::cameras, "demo",
      camera_with("demo", {analysis("people", "opencv-dnn:centernet-coco", {"person"}, 0.4f, 5),
                           analysis("fire", "hf:acme/fire", {"fire"}, 0.5f, 5)}));

  ServiceProcess inference("vigie-inference",
                           {{"VIGIE_KAFKA_BOOTSTRAP", broker.bootstrap()},
                            {"VIGIE_KAFKA_SESSION_TIMEOUT", "6s"},
                            {"VIGIE_INFERENCE_MODELS_DIR", models_dir()},
                            {"VIGIE_INFERENCE_HF_URL", remote.base_url()},
                            {"VIGIE_INFERENCE_HF_TOKEN", "hf_do_not_log_me"},
                            {"VIGIE_INFERENCE_HF_RETRIES", "1"},
                            {"VIGIE_INFERENCE_HF_BACKOFF", "10ms"},
                            {"VIGIE_INFERENCE_HF_COOLDOWN", "0ms"}});
  auto log = [&] { return inference.log(); };
  ASSERT_TRUE(inference.ready()) << log();
  const std::string admin = inference.admin_url();

  TopicReader reader(broker, {bus::Topic::detections});
  ASSERT_TRUE(wait_until([&] { return reader.ready(); }, 30s));
  std::map<uint64_t, std::string> trace_of;
  const uint64_t kEvents = 4;
  for (uint64_t seq = 0; seq < kEvents; ++seq) {
    trace_of[seq] = bus::new_trace_id();
    producer.send(
        bus::Topic::motion, "demo",
        motion_event("demo", "stream-1", seq, encode_jpeg(vtest_frame(60 + 30 * static_cast<int>(seq)))),
        trace_of[seq]);
  }
  // An end carries no frame: nothing to analyse, handled all the same.
  auto end = motion_event("demo", "stream-1", kEvents, encode_jpeg(vtest_frame(0)));
  end.set_phase(v1::MotionEvent::PHASE_END);
  end.clear_frame_jpeg();
  producer.send(bus::Topic::motion, "demo", end);
  ASSERT_TRUE(producer.flush(30s));

  auto handled = [&] {
    double sum = 0;
    for (const char* o : {"analysed", "no_frame", "no_analysis", "rate_limited", "undecodable"})
      sum += std::max(
          0.0, metric(admin, std::string("vigie_inference_motion_events_total{outcome=\"") + o + "\"}"));
    return sum;
  };
  ASSERT_TRUE(wait_until([&] { return handled() == kEvents + 1; }, 120s))
      << http_get(admin + "/metrics").body << log();
  ASSERT_TRUE(
      wait_until([&] { return reader.read<v1::Detection>(bus::Topic::detections).size() == kEvents; }, 30s))
      << log();

  for (const auto& m : reader.snapshot()) {
    v1::Detection d;
    ASSERT_TRUE(d.ParseFromString(m.payload));
    SCOPED_TRACE(d.detection_id());
    EXPECT_EQ(m.key, "demo");
    EXPECT_EQ(m.producer, "vigie-inference");
    EXPECT_EQ(m.trace_id, trace_of[d.frame_sequence()]);
    EXPECT_EQ(d.analysis(), "people");
    EXPECT_EQ(d.level(), v1::Detection::LEVEL_POSITIVE);
    EXPECT_GE(d.objects_size(), 3);
    EXPECT_FALSE(d.frame_jpeg().empty());
  }
  // The remote failed on every frame: counted, logged with the analysis, never the token.
  EXPECT_EQ(metric(admin, "vigie_inference_errors_total{kind=\"http_5xx\"}"), static_cast<double>(kEvents));
  EXPECT_EQ(metric(admin, "vigie_inference_remote_requests_total{outcome=\"http_5xx\"}"), 2.0 * kEvents);
  EXPECT_NE(log().find("\"analysis\":\"fire\""), std::string::npos) << log();
  EXPECT_EQ(log().find("hf_do_not_log_me"), std::string::npos);
  for (const auto& r : remote.requests()) EXPECT_EQ(r.authorization, "Bearer hf_do_not_log_me");

  // The service's own models, through the inference API on its admin address.
  const auto answer = http_post(admin + "/models/opencv-dnn/centernet-coco", encode_jpeg(vtest_frame(120)));
  EXPECT_EQ(answer.status, 200);
  EXPECT_NE(answer.body.find("\"label\":\"person\""), std::string::npos) << answer.body;

  inference.process().signal(SIGTERM);
  auto status = inference.process().wait(30s);
  ASSERT_TRUE(status) << "vigie-inference did not stop on SIGTERM\n" << log();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << log();
}

}  // namespace
}  // namespace vigie::testing
