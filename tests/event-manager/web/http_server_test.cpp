// The HTTP server over real loopback sockets: routing and JSON errors, request
// limits (body, head, slow clients), strict JSON bodies, path traversal,
// static files, bearer authentication and roles, handler failures, handlers
// kept off the I/O threads, graceful stop, metrics, streamed answers.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "process.h"
#include "web/bad_request.h"
#include "web/http_server.h"
#include "web/json_body.h"
#include "web_client.h"
#include "web_test_support.h"

namespace vigie::testing::web {
namespace {

using event_manager::web::Access;
using event_manager::web::BadRequest;
using event_manager::web::FieldReader;
using event_manager::web::HttpServer;
using event_manager::web::json_response;
using event_manager::web::Request;
using event_manager::web::Response;
using event_manager::web::ServerOptions;
using event_manager::web::StreamWriter;
namespace fs = std::filesystem;

// A handler's failure the exception mapper knows (like a store's NotFound).
struct MissingThing : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class WebServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    server_ = std::make_unique<HttpServer>(options, registry_);
    HttpServer& s = *server_;
    s.set_authenticator(test_authenticator);
    s.route("GET", "/api/cameras", [](Request&) { return json_response(200, nlohmann::json::array()); });
    s.route("GET", "/api/cameras/{id}", [](Request& r) {
      return json_response(200, {{"id", r.param("id")}, {"query", r.query}, {"caller", r.principal->name}});
    });
    s.route(
        "POST", "/api/cameras",
        [](Request& r) {
          auto body = event_manager::web::parse_json_object(r);
          FieldReader fields(body);
          fields.only({"id", "name"});
          return json_response(201, {{"id", fields.string("id")}, {"name", fields.string("name")}});
        },
        Access::role_at_least(kOperator));
    s.route(
        "DELETE", "/api/cameras/{id}",
        [](Request&) {
          return Response::no_content();
        },
        Access::role_at_least(kAdmin));
    s.route(
        "GET", "/api/health",
        [](Request& r) {
          return json_response(200, {{"caller", r.principal ? r.principal->name : "nobody"}});
        },
        Access::anyone());
    s.route("GET", "/api/images/{id}",
            [](Request& r) {
              return json_response(200, {{"id", r.param("id")}});
            },
            {.token_in_query = true});
    s.route("POST", "/api/boom", [](Request&) -> Response { throw std::runtime_error("database gone"); });
    s.route("GET", "/api/limited", [](Request&) -> Response {
      throw BadRequest("", "slow down", 429).with_retry_after(std::chrono::seconds(7));
    });
    s.route("GET", "/api/missing", [](Request&) -> Response { throw MissingThing("no camera cam-9"); });
    s.route("GET", "/api/injection",
            [](Request&) { return json_response(200, {}).with_header("X-Evil", "a\r\nSet-Cookie: x=1"); });
    s.route("GET", "/api/slow", [this](Request&) {
      slow_started_ = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      return json_response(200, {{"slow", true}});
    });
    s.route("GET", "/api/fast", [](Request&) { return json_response(200, {{"fast", true}}); });
    // Like the live view: a part every 50 ms for as long as the client takes them.
    s.route(
        "GET", "/api/stream", [this](Request&) { return numbered_parts(streams_); }, {.token_in_query = true});
    // Like a live view of a camera that sends nothing: only waits.
    s.route("GET", "/api/quiet-stream", [this](Request&) {
      Response response;
      response.content_type = "text/plain";
      response.stream = [this](StreamWriter& out) {
        ++streams_.started;
        while (out.open()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ++streams_.ended;
      };
      return response;
    });
    s.set_exception_mapper([](const std::exception& e, const Request&) -> std::optional<Response> {
      if (dynamic_cast<const MissingThing*>(&e)) {
        return event_manager::web::error_response(404, "not_found", e.what());
      }
      return std::nullopt;
    });
    if (!static_dir_.empty()) s.serve_static("/ui", static_dir_);
    s.start();
    port_ = s.port();
  }

  HttpAnswer get(const std::string& target, const HeaderMap& headers = bearer("viewer-token")) {
    return http_call(port_, "GET", target, {}, headers);
  }

  HttpAnswer post_json(const std::string& target, const std::string& body,
                       const std::string& token = "operator-token") {
    HeaderMap headers = bearer(token);
    headers["Content-Type"] = "application/json";
    return http_call(port_, "POST", target, body, headers);
  }

  prometheus::Registry registry_;
  std::unique_ptr<HttpServer> server_;
  unsigned short port_ = 0;
  fs::path static_dir_;
  std::atomic<bool> slow_started_{false};
  StreamCounts streams_;
};

// Sends a streamed answer's request and reads until `until` came; the answer
// must have begun with a 200 head.
std::string start_stream(RawConnection& client, const std::string& request, const std::string& until) {
  EXPECT_TRUE(client.send(request));
  std::string got = client.read_until(until);
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
  return got;
}

TEST_F(WebServerTest, RoutesWithDecodedPathParametersAndQuery) {
  start();
  auto answer = get("/api/cameras/cam%201?limit=5&type=fire+brigade");
  ASSERT_EQ(answer.status, 200u) << answer.body;
  EXPECT_EQ(answer.header("Content-Type"), "application/json");
  EXPECT_EQ(answer.header("Cache-Control"), "no-store");
  EXPECT_EQ(answer.header("X-Content-Type-Options"), "nosniff");
  auto body = answer.json();
  EXPECT_EQ(body["id"], "cam 1");
  EXPECT_EQ(body["query"], (nlohmann::json{{"limit", "5"}, {"type", "fire brigade"}}));
  EXPECT_EQ(body["caller"], "vera");
}

TEST_F(WebServerTest, UnknownPathIs404AndOtherMethodIs405WithAllow) {
  start();
  auto missing = get("/api/nothing/here");
  EXPECT_EQ(missing.status, 404u);
  EXPECT_EQ(missing.json()["error"], "not_found");
  EXPECT_TRUE(missing.json()["message"].is_string());

  auto wrong = http_call(port_, "PUT", "/api/cameras/cam-1", "{}", bearer("admin-token"));
  EXPECT_EQ(wrong.status, 405u);
  EXPECT_EQ(wrong.header("Allow"), "GET, DELETE");
  EXPECT_EQ(wrong.json()["error"], "method_not_allowed");

  auto repeated = get("/api/cameras/cam-1?limit=1&limit=2");
  EXPECT_EQ(repeated.status, 400u);
  EXPECT_EQ(repeated.json()["field"], "limit");
}

TEST_F(WebServerTest, BodyOverTheLimitIs413) {
  ServerOptions options;
  options.body_limit = 1024;
  start(options);
  auto large = post_json("/api/cameras", "{\"id\": \"" + std::string(2048, 'x') + "\"}");
  EXPECT_EQ(large.status, 413u);
  EXPECT_EQ(large.json()["error"], "payload_too_large");
  EXPECT_NE(large.json()["message"].get<std::string>().find("1024"), std::string::npos);

  // Refused from the announced length alone, before any of the body is sent.
  RawConnection announced(port_);
  announced.send(
      "POST /api/cameras HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Authorization: Bearer operator-token\r\nContent-Length: 100000000\r\n\r\n");
  EXPECT_EQ(announced.read_answer().status, 413u);

  RawConnection chunked(port_);
  chunked.send(
      "POST /api/cameras HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "400\r\n" +
      std::string(1024, 'a') + "\r\n400\r\n" + std::string(1024, 'b') + "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.read_answer().status, 413u);
}

TEST_F(WebServerTest, HeadOverSixteenKilobytesIs431AndGarbageIs400) {
  start();
  auto big = get("/api/health", {{"X-Padding", std::string(17 * 1024, 'p')}});
  EXPECT_EQ(big.status, 431u);
  EXPECT_EQ(big.json()["error"], "headers_too_large");
  EXPECT_EQ(get("/api/health", {{"X-Padding", std::string(15 * 1024, 'p')}}).status, 200u);

  RawConnection garbage(port_);
  garbage.send("HELLO THERE\r\n\r\n");
  auto answer = garbage.read_answer();
  EXPECT_EQ(answer.status, 400u);
  EXPECT_EQ(answer.json()["error"], "bad_request");
}

TEST_F(WebServerTest, SlowRequestIsCutAtTheTimeout) {
  ServerOptions options;
  options.request_timeout = std::chrono::milliseconds(800);
  start(options);
  RawConnection slow(port_);
  auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(slow.send("GET /api/health HTTP/1.1\r\nHost: x\r\n"));
  bool cut = false;
  for (int i = 0; i < 20 && !cut; ++i) {  // one header line every 200 ms, never the end
    cut = !slow.send("X-Drip-" + std::to_string(i) + ": y\r\n") || slow.closed_within(200ms);
  }
  EXPECT_TRUE(cut);
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_GE(elapsed, 700ms);
  EXPECT_LT(elapsed, 3500ms);
}

TEST_F(WebServerTest, KeepAliveServesRequestsInTurn) {
  start();
  RawConnection connection(port_);
  for (int i = 0; i < 3; ++i) {
    connection.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n");
    auto answer = connection.read_answer();
    ASSERT_EQ(answer.status, 200u) << i;
    EXPECT_EQ(answer.json()["caller"], "nobody");
  }
  connection.send("GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(connection.read_answer().status, 200u);
  EXPECT_TRUE(connection.closed_within(2s));
}

TEST_F(WebServerTest, MalformedJsonIs400WithItsPosition) {
  start();
  auto answer = post_json("/api/cameras", "{\"id\": \"cam-1\",\n \"name\": }");
  ASSERT_EQ(answer.status, 400u);
  EXPECT_EQ(answer.json()["error"], "bad_request");
  auto message = answer.json()["message"].get<std::string>();
  EXPECT_NE(message.find("byte 26 (line 2, column 10)"), std::string::npos) << message;

  auto array = post_json("/api/cameras", "[]");
  EXPECT_EQ(array.status, 400u);
}

TEST_F(WebServerTest, UnknownFieldIsNamedAndWrongContentTypeIs415) {
  start();
  auto unknown = post_json("/api/cameras", R"({"id": "cam-1", "name": "Pont", "colour": "red"})");
  ASSERT_EQ(unknown.status, 400u);
  EXPECT_EQ(unknown.json()["field"], "colour");

  auto created = post_json("/api/cameras", R"({"id": "cam-1", "name": "Pont"})");
  EXPECT_EQ(created.status, 201u);

  HeaderMap headers = bearer("operator-token");
  headers["Content-Type"] = "application/x-www-form-urlencoded";
  auto form = http_call(port_, "POST", "/api/cameras", "id=cam-1", headers);
  EXPECT_EQ(form.status, 415u);
  EXPECT_EQ(form.json()["error"], "unsupported_media_type");
}

TEST_F(WebServerTest, PathTraversalIsRefused) {
  start();
  auto encoded = get("/api/cameras/..%2F..%2Fetc%2Fpasswd");
  EXPECT_EQ(encoded.status, 400u);
  EXPECT_EQ(encoded.json()["field"], "id");
  auto nul = get("/api/cameras/cam%00.jpg");
  EXPECT_EQ(nul.status, 400u);
  EXPECT_EQ(get("/api/cameras/a%5Cb").status, 400u);
  EXPECT_EQ(get("/api/cameras/%2e%2e").status, 400u);
  EXPECT_EQ(get("/api/../etc/passwd").status, 400u);
  EXPECT_EQ(get("/api//cameras").status, 400u);
  EXPECT_EQ(get("/api/cameras/cam%0d%0aX-Injected:%201").status, 400u);
}

TEST_F(WebServerTest, StaticFilesNeverLeaveTheirDirectory) {
  TempDir dir("vigie-web-static");
  fs::path root = fs::path(dir.path()) / "ui";
  fs::create_directories(root / "assets");
  fs::create_directories(root / "empty");
  std::ofstream(root / "index.html") << "<html>vigie</html>";
  std::ofstream(root / "assets" / "app.js") << "console.log(1)";
  std::ofstream(root / ".env") << "SECRET=1";
  std::ofstream(fs::path(dir.path()) / "secret.txt") << "outside";
  fs::create_symlink(fs::path(dir.path()) / "secret.txt", root / "escape.txt");
  static_dir_ = root;
  start();

  auto index = get("/ui/", {});
  ASSERT_EQ(index.status, 200u);
  EXPECT_EQ(index.body, "<html>vigie</html>");
  EXPECT_EQ(index.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(get("/ui/index.html", {}).body, "<html>vigie</html>");

  auto bare = get("/ui", {});
  EXPECT_EQ(bare.status, 308u);
  EXPECT_EQ(bare.header("Location"), "/ui/");

  auto script = get("/ui/assets/app.js", {});
  ASSERT_EQ(script.status, 200u);
  EXPECT_EQ(script.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_FALSE(script.header("Last-Modified").empty());
  ASSERT_FALSE(script.header("ETag").empty());
  auto again = get("/ui/assets/app.js", {{"If-None-Match", script.header("ETag")}});
  EXPECT_EQ(again.status, 304u);
  EXPECT_TRUE(again.body.empty());

  EXPECT_EQ(get("/ui/empty/", {}).status, 404u);  // no listing
  EXPECT_EQ(get("/ui/assets/", {}).status, 404u);
  EXPECT_EQ(get("/ui/.env", {}).status, 404u);
  EXPECT_EQ(get("/ui/escape.txt", {}).status, 404u);
  EXPECT_EQ(get("/ui/missing.js", {}).status, 404u);
  for (const char* attempt : {"/ui/../secret.txt", "/ui/..%2fsecret.txt", "/ui/%2e%2e/secret.txt",
                              "/ui/assets/..%5c..%5csecret.txt", "/ui/index.html%00.js"}) {
    auto refused = get(attempt, {});
    EXPECT_EQ(refused.status, 400u) << attempt;
    EXPECT_EQ(refused.body.find("outside"), std::string::npos) << attempt;
  }
  auto post = http_call(port_, "POST", "/ui/index.html", "x");
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(post.header("Allow"), "GET");
}

TEST_F(WebServerTest, MissingOrInvalidTokenIs401AndLowRoleIs403) {
  start();
  auto missing = get("/api/cameras", {});
  EXPECT_EQ(missing.status, 401u);
  EXPECT_EQ(missing.json()["error"], "unauthorized");
  EXPECT_EQ(missing.header("WWW-Authenticate"), "Bearer realm=\"vigie\"");

  auto invalid = get("/api/cameras", bearer("forged"));
  EXPECT_EQ(invalid.status, 401u);
  EXPECT_NE(invalid.header("WWW-Authenticate").find("invalid_token"), std::string::npos);
  EXPECT_EQ(get("/api/cameras", {{"Authorization", "Basic dmVyYTpwdw=="}}).status, 401u);

  EXPECT_EQ(get("/api/cameras", {{"Authorization", "bearer viewer-token"}}).status, 200u);
  auto low = http_call(port_, "DELETE", "/api/cameras/cam-1", {}, bearer("operator-token"));
  EXPECT_EQ(low.status, 403u);
  EXPECT_EQ(low.json()["error"], "forbidden");
  auto admin = http_call(port_, "DELETE", "/api/cameras/cam-1", {}, bearer("admin-token"));
  EXPECT_EQ(admin.status, 204u);
  EXPECT_EQ(post_json("/api/cameras", R"({"id": "a", "name": "b"})", "viewer-token").status, 403u);

  EXPECT_EQ(get("/api/health", {}).json()["caller"], "nobody");
  EXPECT_EQ(get("/api/health").json()["caller"], "vera");
  EXPECT_EQ(get("/api/health", bearer("forged")).status, 200u);  // public: a bad token changes nothing
}

TEST_F(WebServerTest, TokenInQueryOnlyWhereTheRouteAllowsIt) {
  start();
  auto image = get("/api/images/cam-1?access_token=viewer-token", {});
  EXPECT_EQ(image.status, 200u);
  EXPECT_EQ(get("/api/cameras?access_token=viewer-token", {}).status, 401u);
  // The token is a credential: handlers never see it among the query parameters.
  auto echoed = get("/api/cameras/cam-1?access_token=admin-token&x=1");
  EXPECT_EQ(echoed.json()["query"], (nlohmann::json{{"x", "1"}}));
  EXPECT_EQ(echoed.json()["caller"], "vera");
}

TEST_F(WebServerTest, HandlerExceptionIs500WithoutDetailsAndIsLoggedWithoutTheBody) {
  start();
  ::testing::internal::CaptureStderr();
  auto answer = post_json("/api/boom", R"({"password": "body-secret"})");
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(answer.status, 500u);
  EXPECT_EQ(answer.json()["error"], "internal");
  EXPECT_EQ(answer.body.find("database gone"), std::string::npos);
  EXPECT_NE(log.find("/api/boom"), std::string::npos) << log;
  EXPECT_NE(log.find("database gone"), std::string::npos) << log;
  EXPECT_EQ(log.find("body-secret"), std::string::npos) << log;

  auto injected = get("/api/injection");
  EXPECT_EQ(injected.status, 500u);
  EXPECT_TRUE(injected.header("Set-Cookie").empty());
}

TEST_F(WebServerTest, HandlersChooseTheirRefusal) {
  start();
  auto limited = get("/api/limited");
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(limited.header("Retry-After"), "7");
  EXPECT_EQ(limited.json()["error"], "too_many_requests");
  EXPECT_EQ(limited.json()["message"], "slow down");

  auto mapped = get("/api/missing");
  EXPECT_EQ(mapped.status, 404u);
  EXPECT_EQ(mapped.json()["message"], "no camera cam-9");
}

TEST_F(WebServerTest, BlockingHandlersLeaveTheNetworkThreadFree) {
  ServerOptions options;
  options.io_threads = 1;
  options.worker_threads = 2;
  start(options);
  auto slow = std::async(std::launch::async, [&] { return get("/api/slow"); });
  ASSERT_TRUE(wait_until([&] { return slow_started_.load(); }, 5s));
  auto fast = get("/api/fast");
  EXPECT_EQ(fast.status, 200u);
  EXPECT_EQ(slow.wait_for(0s), std::future_status::timeout) << "the fast answer waited for the slow one";
  EXPECT_EQ(slow.get().status, 200u);
}

TEST_F(WebServerTest, StopLetsAnswersInProgressFinish) {
  start();
  auto slow = std::async(std::launch::async, [&] { return get("/api/slow"); });
  ASSERT_TRUE(wait_until([&] { return slow_started_.load(); }, 5s));
  RawConnection idle(port_);
  server_->stop();
  auto answer = slow.get();
  EXPECT_EQ(answer.status, 200u);
  EXPECT_EQ(answer.header("Connection"), "close");
  EXPECT_TRUE(idle.closed_within(1s));
  EXPECT_EQ(get("/api/fast").status, 0u);  // no longer listening
  EXPECT_EQ(server_->connections(), 0u);
}

TEST_F(WebServerTest, StreamedAnswerFlowsUntilTheClientLeaves) {
  start();
  {
    RawConnection client(port_);
    const std::string got =
        start_stream(client, "GET /api/stream?access_token=viewer-token HTTP/1.1\r\nHost: x\r\n\r\n", "part-3\n");
    EXPECT_NE(got.find("Content-Type: text/plain\r\n"), std::string::npos) << got;
    EXPECT_NE(got.find("Connection: close\r\n"), std::string::npos) << got;
    EXPECT_EQ(got.find("Content-Length"), std::string::npos) << got;
    EXPECT_NE(got.find("\r\n\r\npart-0\npart-1\npart-2\npart-3\n"), std::string::npos) << got;
    EXPECT_EQ(server_->streams(), 1u);
  }
  EXPECT_TRUE(wait_until([&] { return streams_.ended == 1 && server_->streams() == 0; }, 5s))
      << "the producer still writes for a client that left";
  EXPECT_TRUE(wait_until([&] { return server_->connections() == 0; }, 5s));
  EXPECT_EQ(get("/api/fast").status, 200u);
}

TEST_F(WebServerTest, StreamThatWaitsSeesTheClientLeaveAtOnce) {
  start();
  {
    RawConnection client(port_);
    start_stream(client, "GET /api/quiet-stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer viewer-token\r\n\r\n",
                 "\r\n\r\n");
    ASSERT_TRUE(wait_until([&] { return streams_.started == 1; }, 5s));
  }
  EXPECT_TRUE(wait_until([&] { return streams_.ended == 1; }, 2s)) << "open() did not see the client close";
}

TEST_F(WebServerTest, StreamsOverTheLimitAre503AndStillNeedAToken) {
  ServerOptions options;
  options.stream_limit = 1;
  start(options);
  EXPECT_EQ(http_call(port_, "GET", "/api/quiet-stream").status, 401u);
  RawConnection first(port_);
  ASSERT_TRUE(first.send("GET /api/quiet-stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer viewer-token\r\n\r\n"));
  ASSERT_TRUE(wait_until([&] { return streams_.started == 1; }, 5s));
  auto second = get("/api/stream");
  EXPECT_EQ(second.status, 503u);
  EXPECT_NE(second.json().value("message", "").find("already streaming 1"), std::string::npos) << second.body;
  EXPECT_EQ(get("/api/fast").status, 200u);
}

TEST_F(WebServerTest, StopEndsStreamsAndJoinsTheirThreads) {
  start();
  RawConnection client(port_);
  ASSERT_TRUE(client.send("GET /api/stream?access_token=viewer-token HTTP/1.1\r\nHost: x\r\n\r\n"));
  client.read_until("part-1\n");
  server_->stop();
  EXPECT_EQ(streams_.ended, 1);
  EXPECT_EQ(server_->streams(), 0u);
  EXPECT_TRUE(client.closed_within(2s));
}

TEST_F(WebServerTest, MetricsCountRequestsByRoutePattern) {
  start();
  get("/api/cameras/cam-1");
  get("/api/cameras/cam-2");
  get("/api/cameras", {});
  get("/api/nothing");
  // Counted once the answer is written, which the client may see a moment before.
  auto count = [&](const std::map<std::string, std::string>& labels) {
    return metric_value(registry_, "vigie_event_manager_http_requests_total", labels).value_or(0);
  };
  EXPECT_TRUE(wait_until(
      [&] {
        return count({{"route", "/api/cameras/{id}"}, {"method", "GET"}, {"status", "200"}}) == 2;
      },
      2s));
  EXPECT_TRUE(wait_until([&] { return count({{"route", "/api/cameras"}, {"status", "401"}}) == 1; }, 2s));
  EXPECT_TRUE(wait_until([&] { return count({{"route", "unmatched"}, {"status", "404"}}) == 1; }, 2s));
  EXPECT_EQ(
      metric_value(registry_, "vigie_event_manager_http_request_duration_seconds", {{"route", "/api/cameras/{id}"}}),
      2);
  EXPECT_FALSE(metric_value(registry_, "vigie_event_manager_http_requests_total", {{"route", "/api/cameras/cam-1"}}));
}

TEST_F(WebServerTest, BadSetupIsRefused) {
  HttpServer s({}, registry_);
  EXPECT_THROW(s.serve_static("/ui", "/no/such/directory"), std::invalid_argument);
  EXPECT_THROW(s.serve_static("/ui", fs::temp_directory_path(), {}), std::invalid_argument);
  EXPECT_THROW(s.route("GET", "/a/{id}/{id}", [](Request&) { return Response{}; }), std::invalid_argument);
  ServerOptions taken;
  taken.port = 0;
  s.start();
  taken.port = s.port();
  HttpServer second(taken, registry_);
  EXPECT_THROW(second.start(), std::runtime_error);
  EXPECT_THROW(s.route("GET", "/late", [](Request&) { return Response{}; }), std::logic_error);
}

}  // namespace
}  // namespace vigie::testing::web
