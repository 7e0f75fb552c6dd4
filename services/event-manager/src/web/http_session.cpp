#include "web/http_session.h"

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "vigie/log/log.h"
#include "web/websocket_session.h"

namespace vigie::event_manager::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// How long a closing connection waits for its peer (TLS close_notify, or the
// rest of a body the server will not read) before cutting it.
constexpr auto kLingerTime = std::chrono::seconds(2);

template <class Stream>
constexpr bool kIsTls = !std::is_same_v<Stream, beast::tcp_stream>;

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_method).category();
}

template <class Stream>
class HttpSession final : public Session, public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(Stream stream, beast::flat_buffer buffer, std::shared_ptr<ServerContext> context,
              std::string client_address)
      : stream_(std::move(stream)),
        buffer_(std::move(buffer)),
        context_(std::move(context)),
        client_address_(std::move(client_address)) {}

  ~HttpSession() override { context_->tracker->remove(this); }

  void run() {
    context_->tracker->add(this->shared_from_this());
    if constexpr (kIsTls<Stream>) {
      lowest().expires_after(context_->options.request_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server, buffer_.data(),
                              beast::bind_front_handler(&HttpSession::on_handshake, this->shared_from_this()));
    } else {
      read_request();
    }
  }

  void shut_down() override {
    asio::post(executor_, [self = this->shared_from_this()] {
      if (!self->busy_ || self->streaming_) self->close_now();
    });
  }

 private:
  // The producer's side of a streamed answer. Each write is started on the
  // session's strand; the producer's thread waits for it, so a slow client
  // slows its own producer only.
  class Writer final : public StreamWriter {
   public:
    explicit Writer(std::shared_ptr<HttpSession> session) : session_(std::move(session)) {}

    bool send_head(std::shared_ptr<http::message_generator> head) {
      return run([head](const std::shared_ptr<HttpSession>& s, std::function<void(bool)> done) {
        beast::async_write(s->stream_, std::move(*head), [s, done](beast::error_code ec, std::size_t) {
          s->context_->metrics.observe(s->route_, s->method_, s->status_,
                                       std::chrono::duration<double>(Clock::now() - s->started_).count());
          if (!ec) s->watch_peer();
          done(!ec);
        });
      });
    }

    bool write(std::string_view bytes) override {
      auto data = std::make_shared<std::string>(bytes);
      return run([data](const std::shared_ptr<HttpSession>& s, std::function<void(bool)> done) {
        asio::async_write(s->stream_, asio::buffer(*data),
                          [s, data, done](beast::error_code ec, std::size_t) { done(!ec); });
      });
    }

    bool open() const override { return !session_->peer_gone_ && !session_->context_->stopping; }

    // The answer is over: the connection closes.
    void finish() {
      asio::post(session_->executor_, [self = session_] {
        self->streaming_ = false;
        self->busy_ = false;
        self->close_now();
      });
    }

   private:
    using Start = std::function<void(const std::shared_ptr<HttpSession>&, std::function<void(bool)>)>;

    bool run(Start start) {
      if (!open()) return false;
      auto result = std::make_shared<std::promise<bool>>();
      auto finished = result->get_future();
      asio::post(session_->executor_, [self = session_, start = std::move(start), result] {
        start(self, [result](bool ok) { result->set_value(ok); });
      });
      // The client has request_timeout to take the bytes; the server's stop
      // does not wait for it.
      const auto deadline = Clock::now() + session_->context_->options.request_timeout;
      while (finished.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
        if (session_->context_->stopping || Clock::now() >= deadline) {
          session_->peer_gone_ = true;
          asio::post(session_->executor_, [self = session_] { self->close_now(); });
          return false;
        }
      }
      return finished.get();
    }

    std::shared_ptr<HttpSession> session_;
  };

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void on_handshake(beast::error_code ec, std::size_t used) {
    if (ec) return close_now();
    buffer_.consume(used);
    read_request();
  }

  void read_request() {
    if (context_->stopping) return close_gracefully();
    method_ = "other";
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(kHeaderLimit));
    parser_->body_limit(context_->options.body_limit);
    lowest().expires_after(context_->options.request_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, this->shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    method_ = std::string(method_label(parser_->get().method_string()));
    auto expect = parser_->get().find(http::field::expect);
    if (expect != parser_->get().end() && beast::iequals(expect->value(), "100-continue") && !parser_->is_done()) {
      auto go_on =
          std::make_shared<http::response<http::empty_body>>(http::status::continue_, parser_->get().version());
      http::async_write(stream_, *go_on, [self = this->shared_from_this(), go_on](beast::error_code wec, std::size_t) {
        if (wec) return self->close_now();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_body, this->shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    lowest().expires_never();
    busy_ = true;
    started_ = Clock::now();
    request_ = parser_->release();
    if (beast::websocket::is_upgrade(request_)) {
      asio::post(context_->workers, [self = this->shared_from_this()] {
        auto decision = self->context_->dispatcher.authorize_upgrade(self->request_, self->client_address_);
        asio::post(self->executor_,
                   [self, decision = std::move(decision)]() mutable { self->on_upgrade(std::move(decision)); });
      });
      return;
    }
    bool keep_alive = request_.keep_alive();
    asio::post(context_->workers, [self = this->shared_from_this(), keep_alive] {
      auto outcome = self->context_->dispatcher.handle(self->request_, self->client_address_, keep_alive);
      asio::post(self->executor_, [self, outcome = std::move(outcome)]() mutable { self->write(std::move(outcome)); });
    });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return answer_error(413, "the body is larger than " + std::to_string(context_->options.body_limit) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return answer_error(431, "the request head is larger than " + std::to_string(kHeaderLimit) + " bytes");
    }
    if (is_http_error(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return answer_error(400, "malformed HTTP request: " + ec.message());
    }
    // End of stream, timeout (slowloris), reset, TLS failure: nothing to answer.
    close_now();
  }

  void answer_error(unsigned status, const std::string& message) {
    busy_ = true;
    started_ = Clock::now();
    Outcome outcome;
    outcome.status = status;
    outcome.keep_alive = false;
    outcome.message.emplace(error_answer(status, message, 11, false));
    write(std::move(outcome));
  }

  void write(Outcome outcome) {
    if (outcome.stream) return start_stream(std::move(outcome));
    status_ = outcome.status;
    route_ = std::move(outcome.route);
    keep_alive_ = outcome.keep_alive;
    lowest().expires_after(context_->options.request_timeout);
    beast::async_write(stream_, std::move(*outcome.message),
                       beast::bind_front_handler(&HttpSession::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    context_->metrics.observe(route_, method_, status_, std::chrono::duration<double>(Clock::now() - started_).count());
    busy_ = false;
    if (ec) return close_now();
    if (!keep_alive_ || context_->stopping) return close_gracefully();
    read_request();
  }

  void start_stream(Outcome outcome) {
    status_ = outcome.status;
    route_ = std::move(outcome.route);
    keep_alive_ = false;
    lowest().expires_never();
    auto writer = std::make_shared<Writer>(this->shared_from_this());
    auto head = std::make_shared<http::message_generator>(std::move(*outcome.message));
    bool started = context_->streams.start([writer, head, producer = std::move(outcome.stream), route = route_] {
      if (writer->send_head(head)) {
        try {
          producer(*writer);
        } catch (const std::exception& e) {
          log::error("streamed answer failed", {{"route", route}, {"error", e.what()}});
        }
      }
      writer->finish();
    });
    if (started) {
      streaming_ = true;
      return;
    }
    Outcome refusal;
    refusal.status = 503;
    refusal.route = route_;
    refusal.message.emplace(error_answer(
        503, "the server is already streaming " + std::to_string(context_->options.stream_limit) + " answers",
        request_.version(), false));
    write(std::move(refusal));
  }

  // While streaming, a read that ends tells that the client has gone (what it
  // sends otherwise is of no use).
  void watch_peer() {
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) {
                                self->peer_gone_ = true;
                                return self->close_now();
                              }
                              self->watch_peer();
                            });
  }

  void on_upgrade(UpgradeDecision decision) {
    if (decision.refusal) return write(std::move(*decision.refusal));
    context_->metrics.observe(decision.route, "GET", 101,
                              std::chrono::duration<double>(Clock::now() - started_).count());
    lowest().expires_never();
    upgraded_ = true;
    busy_ = false;
    start_websocket_session(std::move(stream_), std::move(request_),
                            WebSocketStart{std::move(decision.hub), context_->tracker, std::move(decision.caller),
                                           std::move(decision.subprotocol), client_address_, context_.get()});
  }

  // Lets the peer read the last answer: half-close (or TLS close_notify), then
  // wait a little for its end before closing, as closing with unread input
  // would reset the connection and could lose the answer.
  void close_gracefully() {
    lowest().expires_after(kLingerTime);
    if constexpr (kIsTls<Stream>) {
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close_now(); });
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      drain();
    }
  }

  void drain() {
    lowest().async_read_some(asio::buffer(drain_buffer_),
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) return self->close_now();
                               self->drain();
                             });
  }

  void close_now() {
    if (upgraded_) return;
    lowest().close();
  }

  Stream stream_;
  asio::any_io_executor executor_ = stream_.get_executor();
  beast::flat_buffer buffer_;
  std::shared_ptr<ServerContext> context_;
  std::string client_address_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  std::string method_ = "other";
  std::string route_ = "unmatched";
  unsigned status_ = 0;
  bool keep_alive_ = false;
  bool busy_ = false;  // from a request's last byte until its answer is written
  bool upgraded_ = false;
  bool streaming_ = false;  // a producer writes the answer
  std::atomic<bool> peer_gone_{false};
  Clock::time_point started_;
  char drain_buffer_[4096];
};

// On a TLS server: TLS goes on; plain HTTP is told to use HTTPS.
class TlsDetector : public std::enable_shared_from_this<TlsDetector> {
 public:
  TlsDetector(tcp::socket socket, std::shared_ptr<ServerContext> context, std::string client_address)
      : stream_(std::move(socket)), context_(std::move(context)), client_address_(std::move(client_address)) {}

  void run() {
    stream_.expires_after(context_->options.request_timeout);
    beast::async_detect_ssl(stream_, buffer_, beast::bind_front_handler(&TlsDetector::on_detect, shared_from_this()));
  }

 private:
  void on_detect(beast::error_code ec, bool tls) {
    if (ec) return stream_.close();
    if (tls) {
      std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(
          beast::ssl_stream<beast::tcp_stream>(std::move(stream_), *context_->tls), std::move(buffer_), context_,
          std::move(client_address_))
          ->run();
      return;
    }
    answer_ = error_answer(400, "this server speaks HTTPS only", 11, false);
    http::async_write(stream_, answer_, [self = shared_from_this()](beast::error_code, std::size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      self->stream_.close();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<ServerContext> context_;
  std::string client_address_;
  HttpResponse answer_;
};

}  // namespace

void serve_connection(std::shared_ptr<ServerContext> context, tcp::socket socket) {
  beast::error_code ec;
  auto peer = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  std::string client_address = peer.address().to_string();
  if (context->tls) {
    std::make_shared<TlsDetector>(std::move(socket), std::move(context), std::move(client_address))->run();
  } else {
    std::make_shared<HttpSession<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), beast::flat_buffer(),
                                                     std::move(context), std::move(client_address))
        ->run();
  }
}

}  // namespace vigie::event_manager::web
