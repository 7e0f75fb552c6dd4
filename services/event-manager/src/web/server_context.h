// What every connection of one server shares: its options, dispatcher,
// metrics, TLS context, session tracker, the workers that run handlers and
// the threads that produce streamed answers.
#pragma once

#include <atomic>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>

#include "web/dispatcher.h"
#include "web/http_metrics.h"
#include "web/http_server.h"
#include "web/session_tracker.h"
#include "web/stream_threads.h"

namespace vigie::event_manager::web {

struct ServerContext {
  ServerContext(ServerOptions server_options, prometheus::Registry& registry)
      : options(std::move(server_options)), metrics(registry), streams(options.stream_limit) {
    dispatcher.stopping = &stopping;
  }

  ServerOptions options;
  Dispatcher dispatcher;
  HttpMetrics metrics;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plain HTTP
  std::shared_ptr<SessionTracker> tracker = std::make_shared<SessionTracker>();
  boost::asio::any_io_executor workers;
  StreamThreads streams;
  std::atomic<bool> stopping{false};
};

}  // namespace vigie::event_manager::web
