// The event manager's HTTP server (Boost.Beast): routes with path parameters,
// bearer-token authentication through a callback and a role per route, static
// files for the web interface, WebSocket endpoints fed by a WebSocketHub,
// optional TLS, JSON errors throughout, Prometheus metrics, streamed answers
// (Response::stream). Handlers may block: they run on worker threads, never on
// the threads doing network I/O; a stream's producer runs on a thread of its own.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <prometheus/registry.h>

#include "web/request.h"

namespace vigie::event_manager::web {

class WebSocketHub;

struct TlsFiles {
  std::string certificate_chain_file;  // PEM: the certificate, then its intermediates
  std::string private_key_file;        // PEM, unencrypted
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 0;  // 0: a free port (see port())
  unsigned io_threads = 2;
  unsigned worker_threads = 8;  // run the handlers, which may block on the database
  // When set, HTTP and WebSocket are served over TLS (1.2 or later) only; a
  // plain-HTTP request is answered 400 and closed.
  std::optional<TlsFiles> tls;
  std::size_t body_limit = 1024 * 1024;  // larger bodies are answered 413
  // A request's head and body must arrive within this, counted from when the
  // connection is ready for it (so it is also the keep-alive idle time);
  // otherwise the connection is closed (slowloris).
  std::chrono::milliseconds request_timeout{30'000};
  // stop() lets answers in progress finish for this long.
  std::chrono::milliseconds stop_timeout{5'000};
  // Streamed answers (live views) at once, each on a thread of its own; more
  // are answered 503.
  unsigned stream_limit = 64;
};

// Head fields are limited to this; more is answered 431.
inline constexpr std::size_t kHeaderLimit = 16 * 1024;

// Checks a bearer token; nullopt when it is not valid. Runs on a worker thread.
// The request is the one being authorized (path, client address ...).
using Authenticator = std::function<std::optional<Caller>(std::string_view token, const Request& request)>;
// Turns an exception a handler let escape into an answer (e.g. a store's
// NotFound into 404); nullopt leaves it a logged 500.
using ExceptionMapper = std::function<std::optional<Response>(const std::exception& error, const Request& request)>;

class HttpServer {
 public:
  // The registry must outlive the server.
  HttpServer(ServerOptions options, prometheus::Registry& registry);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Set up before start(); std::logic_error afterwards. route() throws
  // std::invalid_argument for a bad pattern (see Router::add).
  void route(std::string method, std::string pattern, Handler handler, Access access = {});
  // GET url_prefix/... serves the files of directory (see StaticDirectory).
  // Checked after the routes, longest prefix first.
  void serve_static(std::string url_prefix, const std::filesystem::path& directory, Access access = Access::anyone());
  // A WebSocket endpoint at path, fed by hub. The token may also come as the
  // access_token query parameter or as "Sec-WebSocket-Protocol: bearer, TOKEN"
  // (then "bearer" is echoed), as browsers cannot set headers on a WebSocket.
  void websocket(std::string path, WebSocketHub& hub, Access access = {});
  // Without one, only public routes can be reached.
  void set_authenticator(Authenticator authenticator);
  void set_exception_mapper(ExceptionMapper mapper);

  // Binds and serves; std::runtime_error naming the address (or the TLS file) on failure.
  void start();
  // Stops accepting, closes idle connections, lets answers in progress finish
  // (up to stop_timeout), closes WebSockets (1001), and joins every thread.
  // Not restartable.
  void stop();

  unsigned short port() const;
  std::string url() const;  // http(s)://host:port
  // Connections open now (HTTP and WebSocket).
  std::size_t connections() const;
  // Streamed answers being produced now.
  std::size_t streams() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::event_manager::web
