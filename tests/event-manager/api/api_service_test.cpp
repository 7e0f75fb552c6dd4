// The REST API and the WebSocket of vigie-event-manager as an operator meets
// them: a process against a private PostgreSQL and the embedded broker, called
// over HTTP and WebSocket, with detections published on the bus.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "api_test_client.h"
#include "broker_fixture.h"
#include "event_manager_process.h"
#include "event_manager_test_support.h"
#include "http_client.h"
#include "topic_reader.h"
#include "vigie/bus/producer.h"
#include "vigie/metrics/metrics.h"
#include "vigie/v1/detection.pb.h"
#include "vigie/v1/event.pb.h"
#include "websocket_client.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// A JPEG in all that the server looks at: its start and end markers.
const std::string kEvidenceJpeg = std::string("\xFF\xD8\xFF\xE0", 4) + "evidence" + std::string("\xFF\xD9", 2);

json camera_body(const std::string& id, std::vector<std::string> analyses = {}) {
  return {{"id", id},
          {"name", "Parvis " + id},
          {"analysis_stream", {{"kind", "rtsp"}, {"url", "rtsp://10.1.2.3:8554/" + id}}},
          {"latitude", 48.853},
          {"longitude", 2.3499},
          {"analyses", analyses},
          {"credentials", {{"username", "operator"}, {"password", "Camera-Pa55-word"}}}};
}

json analysis_body(const std::string& name, int positives_needed) {
  return {{"name", name},
          {"type", "police"},
          {"detector", "opencv-dnn:people"},
          {"labels", {"person"}},
          {"min_score", 0.5},
          {"positives_needed", positives_needed},
          {"window_ms", 60000},
          {"fps", 1},
          {"perimeter_m", 120},
          {"actions", {"send a patrol", "call 17"}}};
}

// As inference makes them: positive when the score reaches the analysis's minimum (0.5).
v1::Detection detection(const std::string& id, const std::string& camera, const std::string& analysis,
                        float score = 0.9f) {
  v1::Detection d;
  d.set_schema_version(1);
  d.set_detection_id(id);
  d.set_camera_id(camera);
  d.set_analysis(analysis);
  d.set_level(score >= 0.5f ? v1::Detection::LEVEL_POSITIVE : v1::Detection::LEVEL_PROBABLE);
  auto* object = d.add_objects();
  object->set_label("person");
  object->set_score(score);
  object->mutable_box()->set_x(10);
  object->mutable_box()->set_y(20);
  object->mutable_box()->set_width(50);
  object->mutable_box()->set_height(120);
  d.set_model("test");
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  d.mutable_capture_time()->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(now).count());
  d.set_frame_width(640);
  d.set_frame_height(360);
  d.set_frame_jpeg(kEvidenceJpeg);
  return d;
}

// Broker, database and the service, with the first admin logged in.
class Suite {
 public:
  Suite() : service(broker, em.pg.connection_string() + " password=db-Secret-99"), api("") {
    api = ApiClient(service.api_url());
    admin_password = service.first_admin_password();
  }

  void start_admin() {
    ASSERT_FALSE(api.base_url().empty()) << service.log();
    // Ready: the database migrated, the cameras published, the consumers in their groups.
    const std::string admin = service.admin_url();
    ASSERT_TRUE(wait_until([&] { return http_get(admin + "/readyz").status == 200; }, 60s))
        << http_get(admin + "/readyz").body << service.log();
    ASSERT_FALSE(admin_password.empty()) << service.log();
    ASSERT_EQ(api.login("admin", admin_password).status, 200) << service.log();
  }

  // A logged-in client for a new user of that role.
  ApiClient user(const std::string& name, const std::string& role) {
    const std::string password = "Long-enough-" + name + "-pw";
    EXPECT_EQ(api.post("/api/users", {{"name", name}, {"password", password}, {"role", role}}).status, 201);
    ApiClient client(api.base_url());
    EXPECT_EQ(client.login(name, password).status, 200);
    return client;
  }

  std::string ws_url(const std::string& token) const {
    return "ws://" + api.base_url().substr(std::string("http://").size()) + "/api/ws?access_token=" + token;
  }

  EventManagerDatabase em;
  BrokerFixture broker;
  EventManagerProcess service;
  ApiClient api;
  std::string admin_password;
};

TEST(EventManagerApi, FirstStartCreatesAnAdminWhoseTokenOpensTheApi) {
  Suite s;
  ASSERT_NO_FATAL_FAILURE(s.start_admin());
  EXPECT_GE(s.admin_password.size(), 20u);

  const auto me = s.api.get("/api/auth/me");
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.json, (json{{"name", "admin"}, {"role", "admin"}}));

  ApiClient anonymous(s.api.base_url());
  const auto missing = anonymous.get("/api/cameras");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.json.value("error", ""), "unauthorized");
  EXPECT_EQ(missing.raw.headers.count("www-authenticate"), 1u);
  anonymous.set_token(s.api.token() + "x");
  EXPECT_EQ(anonymous.get("/api/cameras").status, 401);
  EXPECT_EQ(anonymous.login("admin", "not-the-password").status, 401);

  // A second start finds the admin and makes no other.
  s.service.process().signal(SIGTERM);
  ASSERT_TRUE(s.service.process().wait(20s));
  s.service.restart();
  ASSERT_FALSE(s.service.api_url().empty()) << s.service.log();
  EXPECT_EQ(s.em.scalar<int>("SELECT count(*) FROM users"), 1);
  ApiClient again(s.service.api_url());
  EXPECT_EQ(again.login("admin", s.admin_password).status, 200) << "tokens and passwords survive a restart";
  EXPECT_EQ(s.service.log().find(s.admin_password), std::string::npos) << "the password is never logged";
}

TEST(EventManagerApi, RolesDecideWhoMayDoWhat) {
  Suite s;
  ASSERT_NO_FATAL_FAILURE(s.start_admin());
  ASSERT_EQ(s.api.post("/api/analyses", analysis_body("intrusion", 1)).status, 201);
  ASSERT_EQ(s.api.post("/api/cameras", camera_body("cam-1", {"intrusion"})).status, 201);
  ApiClient viewer = s.user("val", "viewer");
  ApiClient op = s.user("oscar", "operator");

  EXPECT_EQ(viewer.get("/api/cameras").status, 200);
  EXPECT_EQ(viewer.get("/api/alerts").status, 200);
  const auto refused = viewer.post("/api/cameras", camera_body("cam-2"));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.json.value("error", ""), "forbidden");
  EXPECT_EQ(viewer.post("/api/cameras/cam-1/disable", json::object()).status, 403);
  EXPECT_EQ(viewer.post("/api/alerts/00000000-0000-0000-0000-000000000000/decisions", {{"state", "confirmed"}}).status,
            403);
  EXPECT_EQ(viewer.get("/api/users").status, 403);
  EXPECT_EQ(viewer.patch("/api/users/val", {{"role", "admin"}}).status, 403);
  EXPECT_EQ(viewer.patch("/api/users/val", {{"password", "Another-long-password"}}).status, 200);

  EXPECT_EQ(op.post("/api/cameras/cam-1/disable", json::object()).status, 200);
  EXPECT_EQ(op.post("/api/cameras", camera_body("cam-2")).status, 403);
  EXPECT_EQ(op.del("/api/cameras/cam-1").status, 403);

  // A user disabled loses access at once, whatever token it holds.
  EXPECT_EQ(s.api.patch("/api/users/oscar", {{"disabled", true}}).status, 200);
  EXPECT_EQ(op.get("/api/cameras").status, 401);
  EXPECT_GE(s.em.scalar<int>("SELECT count(*) FROM audit_log WHERE actor = 'user:admin' AND action LIKE 'user.%'"), 3);
}

TEST(EventManagerApi, CameraCreatedOverRestReachesTheCamerasTopicWithoutItsPassword) {
  Suite s;
  ASSERT_NO_FATAL_FAILURE(s.start_admin());
  TopicReader reader(s.broker, {bus::Topic::cameras});
  ASSERT_EQ(s.api.post("/api/analyses", analysis_body("intrusion", 2)).status, 201);

  const auto created = s.api.post("/api/cameras", camera_body("cam-7", {"intrusion"}));
  ASSERT_EQ(created.status, 201) << created.raw.body;
  EXPECT_EQ(created.raw.headers.at("location"), "/api/cameras/cam-7");
  EXPECT_TRUE(created.json.at("has_credentials").get<bool>());
  EXPECT_EQ(created.json.at("status").at("state"), "unknown");
  EXPECT_EQ(created.raw.body.find("Camera-Pa55-word"), std::string::npos);

  v1::Camera published;
  ASSERT_TRUE(wait_until(
      [&] {
        for (auto& [key, camera] : reader.read<v1::Camera>(bus::Topic::cameras))
          if (key == "cam-7") published = camera;
        return published.id() == "cam-7";
      },
      20s));
  EXPECT_DOUBLE_EQ(published.position().latitude(), 48.853);
  ASSERT_EQ(published.analyses_size(), 1);
  EXPECT_EQ(published.analyses(0).positives_needed(), 2u);
  EXPECT_TRUE(published.credentials_token().starts_with("gAAAAA")) << "a Fernet token";
  for (const auto& message : reader.snapshot())
    EXPECT_EQ(message.payload.find("Camera-Pa55-word"), std::string::npos);
  EXPECT_EQ(s.em.scalar<int>("SELECT count(*) FROM audit_log WHERE action = 'camera.create' AND actor = 'user:admin'"),
            1);

  // Changed without credentials: they are kept; deleted: a tombstone.
  auto body = camera_body("cam-7", {"intrusion"});
  body.erase("credentials");
  body["name"] = "Parvis renamed";
  const auto updated = s.api.put("/api/cameras/cam-7", body);
  ASSERT_EQ(updated.status, 200) << updated.raw.body;
  EXPECT_TRUE(updated.json.at("has_credentials").get<bool>());
  EXPECT_EQ(s.api.get("/api/cameras/cam-7").json.at("name"), "Parvis renamed");
  EXPECT_EQ(s.api.del("/api/cameras/cam-7").status, 204);
  EXPECT_EQ(s.api.get("/api/cameras/cam-7").status, 404);
  EXPECT_TRUE(wait_until(
      [&] {
        const auto all = reader.snapshot();
        return !all.empty() && all.back().key == "cam-7" && all.back().payload.empty();
      },
      20s));
  const std::string log = s.service.log();
  for (const char* secret : {"Camera-Pa55-word", "db-Secret-99"}) EXPECT_EQ(log.find(secret), std::string::npos);
  EXPECT_EQ(log.find(s.admin_password), std::string::npos);
}

TEST(EventManagerApi, BadRequestsAreRefusedNamingTheField) {
  Suite s;
  ASSERT_NO_FATAL_FAILURE(s.start_admin());
  const auto malformed = s.api.call("POST", "/api/cameras", "{\"id\": \"cam-1\", ");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_FALSE(malformed.json.value("message", "").empty());

  auto body = camera_body("cam-1");
  body["colour"] = "red";
  auto answer = s.api.post("/api/cameras", body);
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.json.value("field", ""), "colour");

  body = camera_body("cam-1");
  body["latitude"] = 91;
  answer = s.api.post("/api/cameras", body);
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.json.value("field", ""), "latitude");

  body = camera_body("cam-1");
  body["analysis_stream"]["url"] = "rtsp://user:pw@10.1.2.3/stream";
  answer = s.api.post("/api/cameras", body);
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.json.value("field", ""), "analysis_stream.url");
  EXPECT_EQ(answer.raw.body.find("pw@"), std::string::npos) << "the refusal does not quote the secret";

  body = camera_body("cam-1");
  body["analyses"] = {"no-such-analysis"};
  answer = s.api.post("/api/cameras", body);
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.json.value("field", ""), "analyses");

  // SQL in a value is text like any other; in an id it is not an id.
  body = camera_body("cam-1");
  body["name"] = "x'); DROP TABLE cameras; --";
  answer = s.api.post("/api/cameras", body);
  ASSERT_EQ(answer.status, 201) << answer.raw.body;
  EXPECT_EQ(s.api.get("/api/cameras/cam-1").json.at("name"), "x'); DROP TABLE cameras; --");
  body = camera_body("1;DROP TABLE alerts");
  answer = s.api.post("/api/cameras", body);
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(answer.json.value("field", ""), "id");
  EXPECT_EQ(s.api.get("/api/alerts?state=pending%27%3B%20DROP%20TABLE%20alerts%3B--").json.value("field", ""),
            "state");
  EXPECT_EQ(s.em.scalar<int>("SELECT count(*) FROM cameras"), 1);
  EXPECT_EQ(s.em.scalar<int>("SELECT count(*) FROM alerts"), 0);

  for (const char* path : {"/api/cameras/..%2F..%2Fetc%2Fpasswd", "/api/cameras/%2e%2e", "/api/evidence/..%2f..%2fetc",
                           "/api/cameras/cam-1%00", "/../../etc/passwd", "/api/../../etc/passwd"}) {
    const auto traversal = s.api.get(path);
    EXPECT_TRUE(traversal.status == 400 || traversal.status == 404) << path << " " << traversal.status;
    EXPECT_EQ(traversal.raw.body.find("root:"), std::string::npos) << path;
  }
  EXPECT_EQ(s.api.get("/api/alerts?bbox=1,2,3").json.value("field", ""), "bbox");
  EXPECT_EQ(s.api.get("/api/alerts?limit=100000").json.value("field", ""), "limit");
  EXPECT_EQ(s.api.get("/api/alerts?from=yesterday").json.value("field", ""), "from");
  EXPECT_EQ(s.api.get("/api/alerts?colour=red").json.value("field", ""), "colour");
  EXPECT_EQ(s.api.call("POST", "/api/cameras", camera_body("cam-9").dump(), "text/plain").status, 415);
  EXPECT_EQ(s.api.call("PUT", "/api/auth/login", "{}").status, 405);
  EXPECT_EQ(s.api.get("/api/nothing-here").status, 404);
}

TEST(EventManagerApi, DetectionsMeetingTheRuleRaiseOneAlertPushedWithItsCoordinates) {
  Suite s;
  ASSERT_NO_FATAL_FAILURE(s.start_admin());
  TopicReader events(s.broker, {bus::Topic::events});
  ASSERT_EQ(s.api.post("/api/analyses", analysis_body("intrusion", 3)).status, 201);
  ASSERT_EQ(s.api.post("/api/cameras", camera_body("cam-1", {"intrusion"})).status, 201);
  ApiClient viewer = s.user("val", "viewer");
  ApiClient op = s.user("oscar", "operator");
  WebSocketClient ws(s.ws_url(viewer.token()));
  // Only police alerts in Paris, as a map showing Paris would ask.
  ws.send(R"({"subscribe": {"types": ["police"], "bbox": [2.2, 48.8, 2.5, 48.9]}})");

  metrics::Metrics metrics;
  bus::Producer producer(s.broker.bus_config(), "test-inference", metrics);
  const auto alert_messages = [&](std::chrono::milliseconds wait) {
    std::vector<json> alerts;
    while (auto text = ws.read(wait)) {
      auto message = json::parse(*text);
      if (message.value("kind", "") == "alert") alerts.push_back(message.at("alert"));
      wait = 200ms;
    }
    return alerts;
  };

  producer.send_and_wait(bus::Topic::detections, "cam-1", detection("d-1", "cam-1", "intrusion"));
  producer.send_and_wait(bus::Topic::detections, "cam-1", detection("d-2", "cam-1", "intrusion", 0.3f));
  producer.send_and_wait(bus::Topic::detections, "cam-1", detection("d-3", "cam-1", "intrusion"));
  // Two positives (one below the minimum score) of the three needed: nothing yet.
  EXPECT_TRUE(alert_messages(4s).empty());
  EXPECT_EQ(s.api.get("/api/alerts").json.at("total"), 0);

  producer.send_and_wait(bus::Topic::detections, "cam-1", detection("d-4", "cam-1", "intrusion", 0.95f));
  auto pushed = alert_messages(15s);
  ASSERT_EQ(pushed.size(), 1u) << s.service.log();
  const json alert = pushed[0];
  EXPECT_EQ(alert.at("state"), "pending");
  EXPECT_EQ(alert.at("type"), "police");
  EXPECT_DOUBLE_EQ(alert.at("latitude").get<double>(), 48.853);
  EXPECT_DOUBLE_EQ(alert.at("longitude").get<double>(), 2.3499);
  EXPECT_EQ(alert.at("perimeter_m"), 120);
  EXPECT_EQ(alert.at("actions"), (json{"send a patrol", "call 17"}));
  EXPECT_EQ(alert.at("camera_id"), "cam-1");
  EXPECT_EQ(alert.at("positives"), 3);
  ASSERT_TRUE(alert.at("evidence_url").is_string());

  const auto list = viewer.get("/api/alerts?state=pending&camera=cam-1");
  ASSERT_EQ(list.json.at("total"), 1);
  EXPECT_EQ(list.json.at("alerts")[0].at("id"), alert.at("id"));

  const std::string evidence = alert.at("evidence_url");
  const auto image = http_get(s.api.base_url() + evidence);
  EXPECT_EQ(image.status, 200);
  EXPECT_EQ(image.content_type, "image/jpeg");
  EXPECT_EQ(image.body, kEvidenceJpeg);
  EXPECT_EQ(http_get(s.api.base_url() + evidence.substr(0, evidence.size() - 2) + "AA").status, 403);

  // A positive more updates the same alert, then the operator confirms it.
  producer.send_and_wait(bus::Topic::detections, "cam-1", detection("d-5", "cam-1", "intrusion"));
  pushed = alert_messages(15s);
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_EQ(pushed[0].at("id"), alert.at("id"));
  EXPECT_EQ(pushed[0].at("positives"), 4);

  const std::string id = alert.at("id");
  const auto confirmed = op.post("/api/alerts/" + id + "/decisions", {{"state", "confirmed"}, {"note", "patrol sent"}});
  ASSERT_EQ(confirmed.status, 200) << confirmed.raw.body;
  EXPECT_EQ(confirmed.json.at("state"), "confirmed");
  EXPECT_EQ(confirmed.json.at("decided_by"), "user:oscar");
  EXPECT_EQ(s.em.scalar<std::string>("SELECT state::text FROM alerts WHERE id = $1::uuid", id), "confirmed");
  EXPECT_EQ(s.em.scalar<std::string>("SELECT decided_by FROM alert_decisions WHERE alert_id = $1::uuid", id),
            "user:oscar");
  pushed = alert_messages(10s);
  ASSERT_FALSE(pushed.empty());
  EXPECT_EQ(pushed.back().at("state"), "confirmed");
  const auto again = op.post("/api/alerts/" + id + "/decisions", {{"state", "rejected"}});
  EXPECT_EQ(again.status, 409);

  const auto detail = viewer.get("/api/alerts/" + id);
  ASSERT_EQ(detail.json.at("decisions").size(), 1u);
  EXPECT_EQ(detail.json.at("decisions")[0].at("note"), "patrol sent");

  const auto health = viewer.get("/api/health/cameras");
  EXPECT_EQ(health.json.at("total_cameras"), 1);
  EXPECT_EQ(health.json.at("active_streams"), 0);
  EXPECT_EQ(health.json.at("status"), "down");
  EXPECT_TRUE(health.json.at("last_detection").is_string());

  EXPECT_TRUE(wait_until(
      [&] {
        for (auto& [key, event] : events.read<v1::Event>(bus::Topic::events))
          if (event.event_id() == id && event.state() == v1::Event::STATE_CONFIRMED) return true;
        return false;
      },
      20s));
}

TEST(EventManagerApi, AWebSocketWithoutAValidTokenIsRefused) {
  Suite s;
  ASSERT_NO_FATAL_FAILURE(s.start_admin());
  EXPECT_THROW(WebSocketClient(s.ws_url("not-a-token")), std::runtime_error);
  EXPECT_THROW(WebSocketClient(s.ws_url("")), std::runtime_error);
}

TEST(EventManagerApi, LoginIsRateLimited) {
  Suite s;
  ASSERT_NO_FATAL_FAILURE(s.start_admin());
  ApiClient guesser(s.api.base_url());
  long last = 0;
  ApiAnswer answer;
  for (int attempt = 0; attempt < 8 && last != 429; ++attempt) {
    answer = guesser.login("admin", "guess-" + std::to_string(attempt));
    last = answer.status;
  }
  EXPECT_EQ(last, 429);
  EXPECT_FALSE(answer.raw.headers["retry-after"].empty());
}

}  // namespace
}  // namespace vigie::testing
