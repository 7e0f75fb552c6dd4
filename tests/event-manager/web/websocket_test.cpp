// WebSocket pushes over real loopback sockets: authentication at the upgrade
// (token as subprotocol or query parameter), delivery in publish order,
// per-client filters, the slow client dropped without holding back the fast
// one, keepalive reaping, token expiry, server stop, metrics.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "process.h"
#include "web/http_server.h"
#include "web/json_body.h"
#include "web/websocket_hub.h"
#include "web_client.h"
#include "web_test_support.h"

namespace vigie::testing::web {
namespace {

using event_manager::web::Access;
using event_manager::web::GeoPoint;
using event_manager::web::HttpServer;
using event_manager::web::HubOptions;
using event_manager::web::Message;
using event_manager::web::ServerOptions;
using event_manager::web::WebSocketHub;

const GeoPoint kParis{48.8566, 2.3522};
const GeoPoint kLyon{45.7640, 4.8357};

Message alert(const std::string& name, const std::string& type, GeoPoint where) {
  return {nlohmann::json{{"alert", name}, {"type", type}}.dump(), type, where};
}

class WebSocketTest : public ::testing::Test {
 protected:
  void start(HubOptions hub_options = {}, Access access = {}) {
    hub_ = std::make_unique<WebSocketHub>(registry_, hub_options);
    server_ = std::make_unique<HttpServer>(ServerOptions{}, registry_);
    server_->set_authenticator(test_authenticator);
    server_->websocket("/api/ws", *hub_, access);
    server_->start();
  }

  WsOptions as(const std::string& token) {
    WsOptions options;
    options.protocol_token = token;
    return options;
  }

  // Connects and waits for the hub to count the client.
  std::unique_ptr<WsClient> connect(WsOptions options) {
    std::size_t before = hub_->clients();
    auto client = std::make_unique<WsClient>(server_->port(), std::move(options));
    EXPECT_TRUE(client->connected()) << client->refusal().status << " " << client->refusal().body;
    EXPECT_TRUE(wait_until([&] { return hub_->clients() > before; }, 5s));
    return client;
  }

  void subscribe(WsClient& client, const std::string& request) {
    client.send(request);
    auto ack = client.read_json();
    ASSERT_TRUE(ack);
    ASSERT_TRUE(ack->contains("subscribed")) << ack->dump();
  }

  prometheus::Registry registry_;
  std::unique_ptr<WebSocketHub> hub_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(WebSocketTest, ClientsReceivePublishedMessagesInOrder) {
  start();
  auto by_protocol = connect(as("viewer-token"));
  EXPECT_EQ(by_protocol->accepted_protocol(), "bearer");
  WsOptions query;
  query.target = "/api/ws?access_token=operator-token";
  auto by_query = connect(query);
  EXPECT_EQ(by_query->accepted_protocol(), "");

  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(hub_->publish(alert("a" + std::to_string(i), "police", kParis)), 2u);
  }
  hub_->publish({R"({"camera": "cam-1", "status": "connected"})", std::nullopt, std::nullopt});
  for (auto* client : {by_protocol.get(), by_query.get()}) {
    for (int i = 0; i < 5; ++i) {
      auto message = client->read_json();
      ASSERT_TRUE(message);
      EXPECT_EQ((*message)["alert"], "a" + std::to_string(i));
    }
    auto status = client->read_json();
    ASSERT_TRUE(status);
    EXPECT_EQ((*status)["status"], "connected");
  }
}

TEST_F(WebSocketTest, UpgradeWithoutValidCredentialsIsRefused) {
  start({}, Access::role_at_least(kOperator));
  WsClient anonymous(server_->port(), {});
  EXPECT_FALSE(anonymous.connected());
  EXPECT_EQ(anonymous.refusal().status, 401u);
  EXPECT_EQ(anonymous.refusal().header("WWW-Authenticate"), "Bearer realm=\"vigie\"");

  WsClient forged(server_->port(), as("forged"));
  EXPECT_EQ(forged.refusal().status, 401u);

  WsClient viewer(server_->port(), as("viewer-token"));
  EXPECT_EQ(viewer.refusal().status, 403u);

  WsOptions elsewhere = as("operator-token");
  elsewhere.target = "/api/other";
  WsClient nowhere(server_->port(), elsewhere);
  EXPECT_EQ(nowhere.refusal().status, 404u);

  EXPECT_EQ(hub_->clients(), 0u);
  auto allowed = connect(as("operator-token"));
  EXPECT_EQ(hub_->clients(), 1u);
}

TEST_F(WebSocketTest, FiltersByTypeAndArea) {
  start();
  auto police_only = connect(as("viewer-token"));
  subscribe(*police_only, R"({"subscribe": {"types": ["police"]}})");
  auto paris_only = connect(as("viewer-token"));
  auto ack = R"({"subscribe": {"bbox": [2.2, 48.8, 2.5, 48.95]}})";
  paris_only->send(ack);
  auto acknowledged = paris_only->read_json();
  ASSERT_TRUE(acknowledged);
  EXPECT_EQ((*acknowledged)["subscribed"]["bbox"], nlohmann::json::parse("[2.2, 48.8, 2.5, 48.95]"));

  hub_->publish(alert("ambulance-paris", "ambulance", kParis));
  hub_->publish(alert("police-lyon", "police", kLyon));
  hub_->publish({R"({"status": "cam-1 lost"})", std::nullopt, std::nullopt});
  hub_->publish(alert("police-paris", "police", kParis));

  auto received = [](WsClient& client, int count) {
    std::vector<std::string> names;
    for (int i = 0; i < count; ++i) {
      auto message = client.read_json();
      if (!message) break;
      names.push_back(message->contains("alert") ? (*message)["alert"].get<std::string>()
                                                 : (*message)["status"].get<std::string>());
    }
    return names;
  };
  // Order is kept, so the last expected message arriving proves the others were filtered out.
  EXPECT_EQ(received(*police_only, 3), (std::vector<std::string>{"police-lyon", "cam-1 lost", "police-paris"}));
  EXPECT_EQ(received(*paris_only, 3), (std::vector<std::string>{"ambulance-paris", "cam-1 lost", "police-paris"}));

  // A new subscription replaces the old one.
  subscribe(*police_only, R"({"subscribe": {}})");
  hub_->publish(alert("ambulance-lyon", "ambulance", kLyon));
  EXPECT_EQ(received(*police_only, 1), std::vector<std::string>{"ambulance-lyon"});
}

TEST_F(WebSocketTest, BadSubscriptionIsAnsweredWithoutDisconnecting) {
  start();
  auto client = connect(as("viewer-token"));
  client->send("{not json");
  auto malformed = client->read_json();
  ASSERT_TRUE(malformed);
  EXPECT_EQ((*malformed)["error"], "bad_request");
  EXPECT_NE((*malformed)["message"].get<std::string>().find("byte"), std::string::npos);

  client->send(R"({"subscribe": {"bbox": [1, 2, 3]}})");
  auto wrong = client->read_json();
  ASSERT_TRUE(wrong);
  EXPECT_EQ((*wrong)["field"], "subscribe.bbox");

  client->send(R"({"subscribe": {"types": ["police"], "radius": 3}})");
  auto unknown = client->read_json();
  ASSERT_TRUE(unknown);
  EXPECT_EQ((*unknown)["field"], "subscribe.radius");

  hub_->publish(alert("still-here", "ambulance", kLyon));  // the bad requests changed nothing
  auto message = client->read_json();
  ASSERT_TRUE(message);
  EXPECT_EQ((*message)["alert"], "still-here");
}

TEST_F(WebSocketTest, SlowClientIsDroppedWhileTheFastOneGetsEverything) {
  HubOptions options;
  options.queue_limit = 16;
  start(options);
  WsOptions small_window = as("viewer-token");
  small_window.receive_buffer = 4096;
  auto slow = connect(small_window);  // never reads until it has been dropped
  auto fast = connect(as("viewer-token"));

  std::atomic<int> fast_received{0};
  std::atomic<bool> fast_in_order{true};
  std::thread reader([&] {
    while (true) {
      auto message = fast->read_json(10s);
      if (!message) return;
      if ((*message)["seq"] != fast_received.load()) fast_in_order = false;
      ++fast_received;
    }
  });
  struct StopThenJoin {  // also when an assertion ends the test early
    HttpServer& server;
    std::thread& reader;
    ~StopThenJoin() {
      server.stop();  // closes the fast client, which ends its reader
      reader.join();
    }
  } stop_then_join{*server_, reader};

  std::string padding(32 * 1024, 'x');
  auto dropped = [&] {
    return metric_value(registry_, "vigie_event_manager_websocket_slow_clients_dropped_total").value_or(0);
  };
  int published = 0;
  while (dropped() < 1 && published < 4000) {
    hub_->publish({nlohmann::json{{"seq", published}, {"padding", padding}}.dump(), "police", kParis});
    ++published;
    // Pace on the fast client only: it never has more than a few messages waiting.
    ASSERT_TRUE(wait_until([&] { return fast_received.load() >= published - 4; }, 10s)) << published;
  }
  ASSERT_EQ(dropped(), 1) << "the slow client was never dropped after " << published << " messages";
  for (int extra = 0; extra < 20; ++extra, ++published) {
    hub_->publish({nlohmann::json{{"seq", published}, {"padding", padding}}.dump(), "police", kParis});
  }
  EXPECT_TRUE(wait_until([&] { return fast_received.load() == published; }, 10s))
      << fast_received.load() << " of " << published;
  EXPECT_TRUE(fast_in_order);
  EXPECT_EQ(hub_->clients(), 1u);

  // What the slow client finds when it reads at last: what had reached it, then the reason.
  int drained = 0;
  while (slow->read(5s)) ++drained;
  EXPECT_TRUE(slow->closed());
  EXPECT_LT(drained, published);
  EXPECT_EQ(slow->close_reason().code, boost::beast::websocket::close_code::policy_error);
  EXPECT_NE(std::string(slow->close_reason().reason.c_str()).find("too slow"), std::string::npos)
      << slow->close_reason().reason.c_str();
}

TEST_F(WebSocketTest, ClientThatStopsAnsweringPingsIsReaped) {
  HubOptions options;
  options.keepalive_timeout = std::chrono::milliseconds(1000);
  start(options);
  auto silent = connect(as("viewer-token"));  // reads nothing, so answers no ping
  auto alive = connect(as("viewer-token"));
  std::thread answering([&] {  // a client answers pings while it reads
    while (alive->read(10s)) {
    }
  });
  EXPECT_EQ(hub_->clients(), 2u);
  EXPECT_TRUE(wait_until([&] { return hub_->clients() == 1; }, 5s));
  std::this_thread::sleep_for(1500ms);  // more than the timeout: the one answering stays
  EXPECT_EQ(hub_->clients(), 1u);
  server_->stop();
  answering.join();
  EXPECT_FALSE(alive->timed_out());
}

TEST_F(WebSocketTest, ConnectionClosesWhenTheTokenExpires) {
  start();
  auto client = connect(as("expiring-token"));  // valid for one second
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(client->read(5s));
  EXPECT_TRUE(client->closed());
  EXPECT_EQ(client->close_reason().code, boost::beast::websocket::close_code::policy_error);
  EXPECT_STREQ(client->close_reason().reason.c_str(), "token expired");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(WebSocketTest, StoppingTheServerSaysGoingAway) {
  start();
  auto client = connect(as("viewer-token"));
  std::thread stopper([&] { server_->stop(); });
  EXPECT_FALSE(client->read(5s));
  EXPECT_EQ(client->close_reason().code, boost::beast::websocket::close_code::going_away);
  stopper.join();
  EXPECT_EQ(hub_->clients(), 0u);
  EXPECT_EQ(hub_->publish(alert("after", "police", kParis)), 0u);
}

TEST_F(WebSocketTest, MetricsCountClientsAndMessages) {
  start();
  auto first = connect(as("viewer-token"));
  auto second = connect(as("viewer-token"));
  EXPECT_EQ(metric_value(registry_, "vigie_event_manager_websocket_clients"), 2);
  hub_->publish(alert("one", "police", kParis));
  ASSERT_TRUE(first->read());
  ASSERT_TRUE(second->read());
  EXPECT_TRUE(wait_until(
      [&] { return metric_value(registry_, "vigie_event_manager_websocket_messages_sent_total") == 2; }, 2s));
  EXPECT_EQ(metric_value(registry_, "vigie_event_manager_http_requests_total",
                         {{"route", "websocket:/api/ws"}, {"status", "101"}}),
            2);
  second.reset();
  EXPECT_TRUE(wait_until([&] { return metric_value(registry_, "vigie_event_manager_websocket_clients") == 1; }, 5s));
}

}  // namespace
}  // namespace vigie::testing::web
