#include "web/websocket_session.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <mutex>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "vigie/log/log.h"
#include "web/bad_request.h"
#include "web/hub_state.h"
#include "web/subscription.h"

namespace vigie::event_manager::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

template <class Stream>
class WebSocketSession final : public HubClient,
                               public Session,
                               public std::enable_shared_from_this<WebSocketSession<Stream>> {
 public:
  WebSocketSession(Stream stream, WebSocketStart start)
      : ws_(std::move(stream)),
        start_(std::move(start)),
        options_(start_.hub->options()),
        executor_(ws_.get_executor()),
        expiry_timer_(executor_),
        close_timer_(executor_) {}

  ~WebSocketSession() override { start_.tracker->remove(this); }

  void run(UpgradeRequest request) {
    auto self = this->shared_from_this();
    start_.tracker->add(self);
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = options_.close_timeout;
    timeout.idle_timeout = options_.keepalive_timeout;
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator([protocol = start_.subprotocol](websocket::response_type& answer) {
      answer.set(http::field::server, "vigie");
      if (!protocol.empty()) answer.set(http::field::sec_websocket_protocol, protocol);
    }));
    ws_.read_message_max(options_.max_incoming_message);
    ws_.text(true);
    // Registered before the handshake answer goes out, so that a client that
    // sees it connected also receives whatever is published from then on.
    id_ = start_.hub->add(self, start_.owner, who());
    request_ = std::move(request);
    ws_.async_accept(request_, beast::bind_front_handler(&WebSocketSession::on_accept, self));
  }

  bool offer(const std::shared_ptr<const std::string>& text) override {
    std::lock_guard lock(mutex_);
    if (closing_) return true;
    if (queue_.size() >= options_.queue_limit) {
      closing_ = true;
      queue_.clear();
      asio::post(executor_, [self = this->shared_from_this(), limit = options_.queue_limit] {
        self->begin_close(websocket::close_code::policy_error,
                          "too slow: more than " + std::to_string(limit) + " messages waiting");
      });
      return false;
    }
    queue_.push_back(text);
    schedule_write_locked();
    return true;
  }

  void close(std::uint16_t code, std::string reason) override {
    asio::post(executor_, [self = this->shared_from_this(), code, reason = std::move(reason)] {
      self->begin_close(code, reason);
    });
  }

  void shut_down() override { close(websocket::close_code::going_away, "server stopping"); }

 private:
  std::string who() const {
    return (start_.caller ? start_.caller->name : std::string("anonymous")) + "@" + start_.client_address;
  }

  void on_accept(beast::error_code ec) {
    if (ec) return terminate();
    accepted_ = true;
    {
      std::lock_guard lock(mutex_);
      ready_ = true;
      schedule_write_locked();
    }
    read();
    if (close_reason_) return send_close();  // asked to close during the handshake
    if (start_.caller && start_.caller->expires_at) {
      auto left = *start_.caller->expires_at - std::chrono::system_clock::now();
      expiry_timer_.expires_after(std::max<std::chrono::steady_clock::duration>(
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(left), {}));
      expiry_timer_.async_wait([self = this->shared_from_this()](beast::error_code wait_ec) {
        if (!wait_ec) self->begin_close(websocket::close_code::policy_error, "token expired");
      });
    }
  }

  void read() {
    ws_.async_read(read_buffer_, beast::bind_front_handler(&WebSocketSession::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return terminate();
    std::string text = beast::buffers_to_string(read_buffer_.data());
    read_buffer_.consume(read_buffer_.size());
    nlohmann::json answer;
    if (!ws_.got_text()) {
      answer = {{"error", "bad_request"}, {"message", "send JSON text messages"}};
    } else {
      try {
        Subscription subscription = parse_subscribe(text);
        answer = {{"subscribed", subscription.to_json()}};
        start_.hub->subscribe(id_, std::move(subscription));
      } catch (const BadRequest& e) {
        answer = {{"error", e.code()}, {"message", e.message()}};
        if (!e.field().empty()) answer["field"] = e.field();
      }
    }
    offer(std::make_shared<const std::string>(answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    read();
  }

  // With mutex_ held.
  void schedule_write_locked() {
    if (!ready_ || writing_ || queue_.empty()) return;
    writing_ = true;
    asio::post(executor_, [self = this->shared_from_this()] { self->write_next(); });
  }

  void write_next() {
    {
      std::lock_guard lock(mutex_);
      if (closing_ || queue_.empty() || terminated_) {
        writing_ = false;
      } else {
        in_flight_ = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (!in_flight_) {
      if (close_reason_) send_close();
      return;
    }
    ws_.async_write(asio::buffer(*in_flight_),
                    beast::bind_front_handler(&WebSocketSession::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    in_flight_.reset();
    if (ec) return terminate();
    start_.hub->count_sent();
    write_next();
  }

  // A frame being written finishes first (one write at a time); what waits in
  // the queue is dropped.
  void begin_close(std::uint16_t code, const std::string& reason) {
    if (close_reason_ || terminated_) return;
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      queue_.clear();
    }
    // A close reason holds at most 123 bytes.
    close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason.substr(0, 123));
    expiry_timer_.cancel();
    // A peer that does not read never lets the frame being written finish, nor
    // the close frame out: cut it then.
    close_timer_.expires_after(options_.close_timeout);
    close_timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec) beast::get_lowest_layer(self->ws_).close();
    });
    if (code == websocket::close_code::policy_error) {
      log::info("closing WebSocket client", {{"client", who()}, {"reason", reason}});
    }
    if (!in_flight_) send_close();
  }

  // Only once the handshake is done: a close started during it would fail and
  // cut the connection without a close frame.
  void send_close() {
    if (close_sent_ || terminated_ || !accepted_) return;
    close_sent_ = true;
    ws_.async_close(*close_reason_, [self = this->shared_from_this()](beast::error_code) { self->terminate(); });
  }

  void terminate() {
    if (terminated_) return;
    terminated_ = true;
    start_.hub->remove(id_);
    expiry_timer_.cancel();
    close_timer_.cancel();
    beast::get_lowest_layer(ws_).close();
  }

  websocket::stream<Stream> ws_;
  WebSocketStart start_;
  HubOptions options_;
  asio::any_io_executor executor_;
  asio::steady_timer expiry_timer_;
  asio::steady_timer close_timer_;
  UpgradeRequest request_;
  beast::flat_buffer read_buffer_;
  std::uint64_t id_ = 0;

  // Shared with publishers (offer), under mutex_.
  std::mutex mutex_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool ready_ = false;    // handshake done
  bool writing_ = false;  // a write_next is posted or a frame is being written
  bool closing_ = false;  // takes no more messages

  // On the strand only.
  std::shared_ptr<const std::string> in_flight_;
  std::optional<websocket::close_reason> close_reason_;
  bool accepted_ = false;
  bool close_sent_ = false;
  bool terminated_ = false;
};

template <class Stream>
void launch(Stream stream, UpgradeRequest request, WebSocketStart how) {
  std::make_shared<WebSocketSession<Stream>>(std::move(stream), std::move(how))->run(std::move(request));
}

}  // namespace

void start_websocket_session(beast::tcp_stream stream, UpgradeRequest request, WebSocketStart start) {
  launch(std::move(stream), std::move(request), std::move(start));
}

void start_websocket_session(beast::ssl_stream<beast::tcp_stream> stream, UpgradeRequest request,
                             WebSocketStart start) {
  launch(std::move(stream), std::move(request), std::move(start));
}

}  // namespace vigie::event_manager::web
