#include "websocket_client.h"

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace vigie::testing {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

// Connects synchronously, then reads on an I/O thread of its own into a queue,
// so that a read that times out leaves the connection as it was.
class WebSocketClient::Impl {
 public:
  explicit Impl(const std::string& url) : ws_(io_) {
    const std::string prefix = "ws://";
    if (url.rfind(prefix, 0) != 0) throw std::invalid_argument("not a ws:// URL: " + url);
    const std::string rest = url.substr(prefix.size());
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    const std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = authority.rfind(':');
    tcp::resolver resolver(io_);
    boost::asio::connect(ws_.next_layer(), resolver.resolve(authority.substr(0, colon), authority.substr(colon + 1)));
    websocket::response_type response;
    beast::error_code error;
    ws_.handshake(response, authority, target, error);
    if (error) {
      throw std::runtime_error("WebSocket upgrade refused: HTTP " + std::to_string(response.result_int()) + " " +
                               error.message());
    }
    read_next();
    thread_ = std::thread([this] { io_.run(); });
  }

  ~Impl() {
    boost::asio::post(io_, [this] {
      beast::error_code ignored;
      ws_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
      ws_.next_layer().close(ignored);
    });
    thread_.join();
  }

  void send(const std::string& text) {
    std::promise<beast::error_code> done;
    boost::asio::post(io_, [&] {
      ws_.text(true);
      ws_.async_write(boost::asio::buffer(text),
                      [&](beast::error_code error, std::size_t) { done.set_value(error); });
    });
    if (const auto error = done.get_future().get()) throw std::runtime_error("WebSocket send: " + error.message());
  }

  std::optional<std::string> read(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, timeout, [&] { return !messages_.empty() || closed_; });
    if (messages_.empty()) return std::nullopt;
    std::string message = std::move(messages_.front());
    messages_.pop_front();
    return message;
  }

  std::string close_reason() const {
    std::lock_guard lock(mutex_);
    return close_reason_;
  }

 private:
  void read_next() {
    ws_.async_read(buffer_, [this](beast::error_code error, std::size_t) {
      std::lock_guard lock(mutex_);
      if (error) {
        closed_ = true;
        close_reason_ = std::string(ws_.reason().reason.c_str()) + " (code " + std::to_string(ws_.reason().code) +
                        ", " + error.message() + ")";
        arrived_.notify_all();
        return;
      }
      messages_.push_back(beast::buffers_to_string(buffer_.data()));
      buffer_.consume(buffer_.size());
      arrived_.notify_all();
      read_next();
    });
  }

  boost::asio::io_context io_;
  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<std::string> messages_;
  bool closed_ = false;
  std::string close_reason_;
};

WebSocketClient::WebSocketClient(const std::string& url) : impl_(std::make_unique<Impl>(url)) {}
WebSocketClient::~WebSocketClient() = default;
void WebSocketClient::send(const std::string& text) { impl_->send(text); }
std::optional<std::string> WebSocketClient::read(std::chrono::milliseconds timeout) { return impl_->read(timeout); }
std::string WebSocketClient::close_reason() const { return impl_->close_reason(); }

}  // namespace vigie::testing
