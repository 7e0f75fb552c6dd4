// A WebSocket connection of a hub's client, after the upgrade request was
// authorized: the handshake, the bounded outgoing queue, subscribe messages,
// keepalive pings, and the close at the token's expiry or when too slow.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "web/request.h"
#include "web/session_tracker.h"

namespace vigie::event_manager::web {

namespace detail {
class HubState;
}

struct WebSocketStart {
  std::shared_ptr<detail::HubState> hub;
  std::shared_ptr<SessionTracker> tracker;
  std::optional<Caller> caller;
  std::string subprotocol;  // echoed in the handshake answer when not empty
  std::string client_address;
  const void* owner = nullptr;  // the server, for HubState::forget_owner
};

using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

void start_websocket_session(boost::beast::tcp_stream stream, UpgradeRequest request, WebSocketStart start);
void start_websocket_session(boost::beast::ssl_stream<boost::beast::tcp_stream> stream, UpgradeRequest request,
                             WebSocketStart start);

}  // namespace vigie::event_manager::web
