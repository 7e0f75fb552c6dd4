// TLS when a certificate is configured: HTTPS and WSS with a certificate the
// client verifies, plain HTTP refused on that port, TLS below 1.2 refused, and
// unreadable certificate files reported by name at start. The certificate is
// made for the test by the openssl command.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <openssl/ssl.h>

#include "process.h"
#include "web/http_server.h"
#include "web/json_body.h"
#include "web/websocket_hub.h"
#include "web_client.h"
#include "web_test_support.h"

namespace vigie::testing::web {
namespace {

using event_manager::web::Access;
using event_manager::web::HttpServer;
using event_manager::web::json_response;
using event_manager::web::Request;
using event_manager::web::ServerOptions;
using event_manager::web::TlsFiles;
using event_manager::web::WebSocketHub;

class WebTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Process openssl({{"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                      "-nodes", "-keyout", key(), "-out", certificate(), "-days", "1", "-subj", "/CN=localhost",
                      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"},
                     {},
                     dir_.path() + "/openssl.log",
                     {}});
    auto status = openssl.wait(30s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << read_file(dir_.path() + "/openssl.log");
    trust_.ca_file = certificate();
  }

  void start() {
    ServerOptions options;
    options.tls = TlsFiles{certificate(), key()};
    server_ = std::make_unique<HttpServer>(options, registry_);
    server_->set_authenticator(test_authenticator);
    server_->route(
        "GET", "/api/health",
        [](Request&) {
          return json_response(200, {{"ok", true}});
        },
        Access::anyone());
    server_->websocket("/api/ws", hub_);
    server_->start();
  }

  std::string certificate() const { return dir_.path() + "/cert.pem"; }
  std::string key() const { return dir_.path() + "/key.pem"; }

  TempDir dir_{"vigie-web-tls"};
  TlsTrust trust_;
  prometheus::Registry registry_;
  WebSocketHub hub_{registry_};
  std::unique_ptr<HttpServer> server_;
};

TEST_F(WebTlsTest, ServesHttpsAndWss) {
  start();
  EXPECT_EQ(server_->url().rfind("https://", 0), 0u);
  auto answer = http_call(server_->port(), "GET", "/api/health", {}, {}, &trust_);
  ASSERT_EQ(answer.status, 200u);
  EXPECT_EQ(answer.json()["ok"], true);

  WsOptions secure;
  secure.protocol_token = "viewer-token";
  secure.tls = &trust_;
  WsClient client(server_->port(), secure);
  ASSERT_TRUE(client.connected()) << client.refusal().status;
  ASSERT_TRUE(wait_until([&] { return hub_.clients() == 1; }, 5s));
  hub_.publish({R"({"alert": "over tls"})", "police", std::nullopt});
  auto message = client.read_json();
  ASSERT_TRUE(message);
  EXPECT_EQ((*message)["alert"], "over tls");
}

TEST_F(WebTlsTest, PlainHttpIsRefusedOnTheTlsPort) {
  start();
  auto plain = http_call(server_->port(), "GET", "/api/health");
  EXPECT_EQ(plain.status, 400u);
  EXPECT_NE(plain.body.find("HTTPS only"), std::string::npos);
  WsClient plain_ws(server_->port(), {});
  EXPECT_FALSE(plain_ws.connected());
}

TEST_F(WebTlsTest, TlsBelowOnePointTwoIsRefused) {
  start();
  TlsTrust old = trust_;
  old.max_version = TLS1_1_VERSION;
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/health", {}, {}, &old).status, 0u);
  TlsTrust current = trust_;
  current.max_version = TLS1_2_VERSION;
  EXPECT_EQ(http_call(server_->port(), "GET", "/api/health", {}, {}, &current).status, 200u);
}

TEST_F(WebTlsTest, UnreadableCertificateIsNamedAtStart) {
  ServerOptions options;
  options.tls = TlsFiles{dir_.path() + "/missing.pem", key()};
  HttpServer server(options, registry_);
  try {
    server.start();
    FAIL() << "started without a certificate";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.pem"), std::string::npos) << e.what();
  }
  ServerOptions swapped;
  swapped.tls = TlsFiles{key(), certificate()};
  HttpServer wrong(swapped, registry_);
  EXPECT_THROW(wrong.start(), std::runtime_error);
}

}  // namespace
}  // namespace vigie::testing::web
