#include "vigie/admin/admin_server.h"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include "vigie/log/log.h"
#include "vigie/metrics/metrics.h"

namespace vigie::admin {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// One connection: read a request, answer it, repeat while keep-alive holds.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::function<Response(const Request&)> dispatch)
      : stream_(std::move(socket)), dispatch_(std::move(dispatch)) {}

  void start() { read(); }

 private:
  void read() {
    request_ = {};
    parser_.emplace();
    parser_->body_limit(1 << 20);
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec) return close();
    auto& req = parser_->get();
    Request r;
    r.method = std::string(req.method_string());
    std::string target(req.target());
    auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    r.body = req.body();
    Response out;
    try {
      out = dispatch_(r);
    } catch (const std::exception& e) {
      out = {500, "text/plain; charset=utf-8", std::string("internal error: ") + e.what() + "\n"};
    }
    response_.emplace(static_cast<http::status>(out.status), req.version());
    response_->set(http::field::server, "vigie");
    response_->set(http::field::content_type, out.content_type);
    response_->set(http::field::cache_control, "no-store");
    response_->keep_alive(req.keep_alive());
    response_->body() = std::move(out.body);
    response_->prepare_payload();
    http::async_write(stream_, *response_,
                      [self = shared_from_this()](beast::error_code wec, std::size_t) {
                        if (wec || !self->response_->keep_alive()) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::function<Response(const Request&)> dispatch_;
  http::request<http::string_body> request_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
};

}  // namespace

class AdminServer::Impl {
 public:
  explicit Impl(std::function<Response(const Request&)> dispatch)
      : acceptor_(io_), dispatch_(std::move(dispatch)) {}

  unsigned short bind(const std::string& address) {
    auto colon = address.rfind(':');
    std::string host = address.substr(0, colon);
    if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
    auto port = static_cast<unsigned short>(std::stoi(address.substr(colon + 1)));
    tcp::resolver resolver(io_);
    auto endpoint = resolver.resolve(host, std::to_string(port))->endpoint();
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    accept();
    thread_ = std::thread([this] { io_.run(); });
    return acceptor_.local_endpoint().port();
  }

  void stop() {
    asio::post(io_, [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
      io_.stop();
    });
    if (thread_.joinable()) thread_.join();
  }

  ~Impl() { stop(); }

 private:
  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) std::make_shared<Session>(std::move(socket), dispatch_)->start();
      accept();
    });
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::function<Response(const Request&)> dispatch_;
  std::thread thread_;
};

AdminServer::AdminServer(std::string address, metrics::Metrics& metrics)
    : address_(std::move(address)), metrics_(metrics) {}

AdminServer::~AdminServer() { stop(); }

void AdminServer::add_readiness_check(std::string name, Check check) {
  std::lock_guard lock(mutex_);
  checks_.emplace_back(std::move(name), std::move(check));
}

void AdminServer::route(std::string method, std::string path, Handler handler) {
  std::lock_guard lock(mutex_);
  routes_[{std::move(method), std::move(path)}] = std::move(handler);
}

void AdminServer::start() {
  impl_ = std::make_unique<Impl>([this](const Request& r) { return dispatch(r); });
  try {
    port_ = impl_->bind(address_);
  } catch (const std::exception& e) {
    impl_.reset();
    throw std::runtime_error("admin endpoint cannot listen on " + address_ + ": " + e.what());
  }
  log::info("admin endpoint listening", {{"url", url()}});
}

void AdminServer::stop() {
  if (impl_) impl_->stop();
  impl_.reset();
}

std::string AdminServer::url() const {
  std::string host = address_.substr(0, address_.rfind(':'));
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  return "http://" + host + ":" + std::to_string(port_.load());
}

Response AdminServer::dispatch(const Request& request) {
  if (request.path == "/healthz" && request.method == "GET") return {200, "text/plain; charset=utf-8", "ok\n"};
  if (request.path == "/metrics" && request.method == "GET")
    return {200, "text/plain; version=0.0.4; charset=utf-8", metrics_.render()};

  std::lock_guard lock(mutex_);
  if (request.path == "/readyz" && request.method == "GET") {
    std::string failing;
    for (auto& [name, check] : checks_) {
      if (!check()) failing += name + " not ready\n";
    }
    if (failing.empty()) return {200, "text/plain; charset=utf-8", "ready\n"};
    return {503, "text/plain; charset=utf-8", failing};
  }
  auto it = routes_.find({request.method, request.path});
  if (it != routes_.end()) return it->second(request);
  bool path_known = request.path == "/healthz" || request.path == "/metrics" ||
                    request.path == "/readyz";
  for (auto& [key, _] : routes_) path_known = path_known || key.second == request.path;
  if (path_known) return {405, "text/plain; charset=utf-8", "method " + request.method + " not allowed on " + request.path + "\n"};
  return {404, "text/plain; charset=utf-8", "no such admin endpoint: " + request.path + "\n"};
}

}  // namespace vigie::admin
