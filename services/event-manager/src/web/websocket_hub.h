// Pushes JSON messages to the WebSocket clients of one endpoint (alerts, camera
// status), each client filtered by what it subscribed to. publish() never
// blocks on a client: each has a bounded queue, and one that lets it fill is
// disconnected (close code 1008, "too slow ...") while the others go on.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include <prometheus/registry.h>

#include "web/subscription.h"

namespace vigie::event_manager::web {

struct HubOptions {
  std::size_t queue_limit = 256;  // messages waiting for one client
  // A client that sends nothing (not even a pong) for this long is dropped; it
  // is pinged after half of it.
  std::chrono::milliseconds keepalive_timeout{60'000};
  // How long a closing handshake may take before the connection is cut.
  std::chrono::milliseconds close_timeout{5'000};
  std::size_t max_incoming_message = 16 * 1024;
};

struct Message {
  std::string json;                  // sent as one text frame, as is
  std::optional<std::string> type;   // the alert type filters match; none: every client
  std::optional<GeoPoint> position;  // where it is; none: every client
};

namespace detail {
class HubState;
}

class WebSocketHub {
 public:
  // The registry must outlive the hub and every server it is attached to.
  explicit WebSocketHub(prometheus::Registry& registry, HubOptions options = {});
  // Closes every client (1001 going away).
  ~WebSocketHub();
  WebSocketHub(const WebSocketHub&) = delete;
  WebSocketHub& operator=(const WebSocketHub&) = delete;

  // Queues the message for every client whose filter accepts it and returns
  // how many. Thread-safe; messages reach every client in publish order.
  std::size_t publish(const Message& message);
  std::size_t clients() const;

  // For HttpServer::websocket().
  const std::shared_ptr<detail::HubState>& state() const { return state_; }

 private:
  std::shared_ptr<detail::HubState> state_;
};

}  // namespace vigie::event_manager::web
