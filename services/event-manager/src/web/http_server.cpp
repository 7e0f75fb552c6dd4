#include "web/http_server.h"

#include <pthread.h>

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "vigie/log/log.h"
#include "web/bad_request.h"
#include "web/http_session.h"
#include "web/hub_state.h"
#include "web/server_context.h"
#include "web/tls_context.h"
#include "web/url.h"
#include "web/websocket_hub.h"

namespace vigie::event_manager::web {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, prometheus::Registry& registry)
      : context(std::make_shared<ServerContext>(std::move(options), registry)),
        acceptor(asio::make_strand(io)),
        accept_retry(acceptor.get_executor()) {}

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        // Out of file descriptors, most likely: wait rather than spin.
        log::warn("cannot accept a connection", {{"error", ec.message()}});
        accept_retry.expires_after(std::chrono::milliseconds(100));
        accept_retry.async_wait([this](boost::system::error_code wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);  // small WebSocket frames go out at once
      serve_connection(context, std::move(socket));
      accept();
    });
  }

  // Members in this order: the workers' pending tasks and the I/O handlers hold
  // connections, which must be destroyed before the io_context and after the
  // context they use.
  std::shared_ptr<ServerContext> context;
  asio::io_context io;
  asio::io_context workers;  // run by the worker threads: the handlers' queue
  tcp::acceptor acceptor;
  asio::steady_timer accept_retry;
  // While a handler runs on a worker, its connection has no I/O pending: this
  // keeps the I/O threads running for its answer.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> keep_working;
  std::vector<std::thread> threads;
  std::vector<std::thread> worker_threads;
  std::vector<std::shared_ptr<detail::HubState>> hubs;
  bool started = false;  // set up is over
  bool listening = false;
  bool stopped = false;
  unsigned short port = 0;
};

HttpServer::HttpServer(ServerOptions options, prometheus::Registry& registry)
    : impl_(std::make_unique<Impl>(std::move(options), registry)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::route(std::string method, std::string pattern, Handler handler, Access access) {
  if (impl_->started) throw std::logic_error("route " + pattern + " added after the server started");
  impl_->context->dispatcher.router.add(std::move(method), std::move(pattern), std::move(handler), access);
}

void HttpServer::serve_static(std::string url_prefix, const std::filesystem::path& directory, Access access) {
  if (impl_->started) throw std::logic_error("static files " + url_prefix + " added after the server started");
  if (access.token_in_query) throw std::invalid_argument("static files take no token in the query");
  if (!access.is_public) {
    throw std::invalid_argument("static files " + url_prefix +
                                " must be public: a browser loads the page before anyone signs in");
  }
  auto& statics = impl_->context->dispatcher.statics;
  statics.emplace_back(std::move(url_prefix), directory);
  std::stable_sort(statics.begin(), statics.end(), [](const StaticDirectory& a, const StaticDirectory& b) {
    return a.url_prefix().size() > b.url_prefix().size();
  });
}

void HttpServer::websocket(std::string path, WebSocketHub& hub, Access access) {
  if (impl_->started) throw std::logic_error("WebSocket " + path + " added after the server started");
  std::vector<std::string> segments;
  try {
    segments = path_segments(path);
  } catch (const BadRequest& e) {
    throw std::invalid_argument("WebSocket path '" + path + "': " + e.message());
  }
  impl_->context->dispatcher.websockets.push_back({std::move(segments), std::move(path), hub.state(), access});
  impl_->hubs.push_back(hub.state());
}

void HttpServer::set_authenticator(Authenticator authenticator) {
  if (impl_->started) throw std::logic_error("authenticator set after the server started");
  impl_->context->dispatcher.authenticator = std::move(authenticator);
}

void HttpServer::set_exception_mapper(ExceptionMapper mapper) {
  if (impl_->started) throw std::logic_error("exception mapper set after the server started");
  impl_->context->dispatcher.exception_mapper = std::move(mapper);
}

void HttpServer::start() {
  Impl& impl = *impl_;
  if (impl.started) throw std::logic_error("the HTTP server is already started");
  impl.started = true;
  const ServerOptions& options = impl.context->options;
  std::string address = options.host + ":" + std::to_string(options.port);
  if (options.tls) {
    impl.context->tls = make_tls_context(options.tls->certificate_chain_file, options.tls->private_key_file);
  }
  impl.context->workers = impl.workers.get_executor();
  try {
    tcp::resolver resolver(impl.io);
    auto endpoint = resolver.resolve(options.host, std::to_string(options.port))->endpoint();
    impl.acceptor.open(endpoint.protocol());
    impl.acceptor.set_option(asio::socket_base::reuse_address(true));
    impl.acceptor.bind(endpoint);
    impl.acceptor.listen(asio::socket_base::max_listen_connections);
    impl.port = impl.acceptor.local_endpoint().port();
  } catch (const std::exception& e) {
    throw std::runtime_error("HTTP server cannot listen on " + address + ": " + e.what());
  }
  impl.accept();
  impl.keep_running.emplace(impl.io.get_executor());
  impl.keep_working.emplace(impl.workers.get_executor());
  // Named, so that top -H and perf tell network I/O from handlers.
  for (unsigned i = 0; i < std::max(1u, options.io_threads); ++i) {
    impl.threads.emplace_back([&impl] {
      pthread_setname_np(pthread_self(), "vigie-http-io");
      impl.io.run();
    });
  }
  for (unsigned i = 0; i < std::max(1u, options.worker_threads); ++i) {
    impl.worker_threads.emplace_back([&impl] {
      pthread_setname_np(pthread_self(), "vigie-http-work");
      impl.workers.run();
    });
  }
  impl.listening = true;
  log::info("HTTP server listening", {{"url", url()}, {"tls", options.tls.has_value()}});
}

void HttpServer::stop() {
  Impl& impl = *impl_;
  if (!impl.listening || impl.stopped) return;
  impl.stopped = true;
  impl.context->stopping = true;
  asio::post(impl.acceptor.get_executor(), [&impl] {
    boost::system::error_code ignored;
    impl.acceptor.close(ignored);
    impl.accept_retry.cancel();
  });
  impl.context->tracker->shut_down_all();
  if (!impl.context->tracker->wait_until_empty(impl.context->options.stop_timeout)) {
    log::warn("HTTP server stopping with connections still open",
              {{"connections", static_cast<uint64_t>(impl.context->tracker->size())}});
  }
  impl.keep_running.reset();
  impl.io.stop();
  for (auto& thread : impl.threads) thread.join();
  // Handlers still running finish; the I/O they would answer on has stopped.
  impl.keep_working.reset();
  for (auto& thread : impl.worker_threads) thread.join();
  // Producers see the server stopping at their next write or open().
  impl.context->streams.join_all();
  for (auto& hub : impl.hubs) hub->forget_owner(impl.context.get());
  log::info("HTTP server stopped", {{"url", url()}});
}

unsigned short HttpServer::port() const { return impl_->port; }

std::string HttpServer::url() const {
  std::string host = impl_->context->options.host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(impl_->context->options.tls ? "https" : "http") + "://" + host + ":" + std::to_string(impl_->port);
}

std::size_t HttpServer::connections() const { return impl_->context->tracker->size(); }

std::size_t HttpServer::streams() const { return impl_->context->streams.running(); }

}  // namespace vigie::event_manager::web
