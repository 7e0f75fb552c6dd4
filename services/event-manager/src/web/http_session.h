// One accepted connection, from its first byte (TLS detected and negotiated
// when the server has TLS) through its requests, until it closes or becomes a
// WebSocket.
#pragma once

#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "web/server_context.h"

namespace vigie::event_manager::web {

void serve_connection(std::shared_ptr<ServerContext> context, boost::asio::ip::tcp::socket socket);

}  // namespace vigie::event_manager::web
