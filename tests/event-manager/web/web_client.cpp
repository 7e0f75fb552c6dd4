#include "web_client.h"

#include <optional>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace vigie::testing::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

constexpr auto kConnectTimeout = 10s;

// Runs io until the operation initiate starts has completed.
template <class Initiate>
beast::error_code await(asio::io_context& io, Initiate&& initiate) {
  std::optional<beast::error_code> result;
  initiate([&result](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  while (!result && io.run_one() > 0) {
  }
  return result.value_or(asio::error::operation_aborted);
}

tcp::endpoint loopback(unsigned short port) { return {asio::ip::make_address("127.0.0.1"), port}; }

std::shared_ptr<ssl::context> client_context(const TlsTrust& trust) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->load_verify_file(trust.ca_file);
  context->set_verify_mode(ssl::verify_peer);
  if (trust.max_version) {
    // Really offer the old version: the system's defaults would refuse it here,
    // before the server had a say.
    SSL_CTX_set_security_level(context->native_handle(), 0);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(context->native_handle(), trust.max_version);
  }
  return context;
}

template <class Ssl>
beast::error_code tls_handshake(asio::io_context& io, Ssl& stream) {
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  stream.set_verify_callback(ssl::host_name_verification("localhost"));
  beast::get_lowest_layer(stream).expires_after(kConnectTimeout);
  return await(io, [&](auto handler) { stream.async_handshake(ssl::stream_base::client, handler); });
}

template <class Message>
HttpAnswer to_answer(const Message& message) {
  HttpAnswer answer;
  answer.status = message.result_int();
  answer.body = message.body();
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    answer.headers[name] = std::string(field.value());
  }
  return answer;
}

template <class Stream>
HttpAnswer exchange(asio::io_context& io, Stream& stream, http::request<http::string_body>& request) {
  beast::get_lowest_layer(stream).expires_after(10s);
  if (await(io, [&](auto handler) { http::async_write(stream, request, handler); })) return {};
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (await(io, [&](auto handler) { http::async_read(stream, buffer, parser, handler); })) return {};
  return to_answer(parser.get());
}

}  // namespace

std::string HttpAnswer::header(const std::string& name) const {
  std::string lower = name;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = headers.find(lower);
  return it == headers.end() ? "" : it->second;
}

nlohmann::json HttpAnswer::json() const { return nlohmann::json::parse(body, nullptr, false); }

HttpAnswer http_call(unsigned short port, const std::string& method, const std::string& target, const std::string& body,
                     const HeaderMap& headers, const TlsTrust* tls) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(kConnectTimeout);
  if (await(io, [&](auto handler) { stream.async_connect(loopback(port), handler); })) return {};

  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, "localhost");
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    request.body() = body;
    request.prepare_payload();
  }
  if (!tls) return exchange(io, stream, request);
  auto context = client_context(*tls);
  beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), *context);
  if (tls_handshake(io, secure)) return {};
  return exchange(io, secure, request);
}

struct RawConnection::State {
  asio::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;

  // Runs the operation initiate starts for at most timeout; on timeout it is
  // cancelled, not the connection (a beast::tcp_stream would close it).
  template <class Initiate>
  beast::error_code run_for(std::chrono::milliseconds timeout, Initiate&& initiate) {
    std::optional<beast::error_code> result;
    bool timed_out = false;
    asio::steady_timer timer(io);
    timer.expires_after(timeout);
    timer.async_wait([&](beast::error_code ec) {
      if (ec) return;
      timed_out = true;
      beast::error_code ignored;
      socket.cancel(ignored);
    });
    initiate([&](beast::error_code ec, auto&&...) {
      result = ec;
      timer.cancel();
    });
    io.restart();
    io.run();
    if (timed_out && (!result || *result == asio::error::operation_aborted)) return beast::error::timeout;
    return result.value_or(asio::error::operation_aborted);
  }
};

RawConnection::RawConnection(unsigned short port) : state_(std::make_unique<State>()) {
  auto ec =
      state_->run_for(kConnectTimeout, [&](auto handler) { state_->socket.async_connect(loopback(port), handler); });
  if (ec) throw std::runtime_error("cannot connect to port " + std::to_string(port) + ": " + ec.message());
}

RawConnection::~RawConnection() = default;

bool RawConnection::send(const std::string& bytes) {
  return !state_->run_for(10s, [&](auto handler) { asio::async_write(state_->socket, asio::buffer(bytes), handler); });
}

HttpAnswer RawConnection::read_answer(std::chrono::milliseconds timeout) {
  http::response_parser<http::string_body> parser;
  if (state_->run_for(timeout,
                      [&](auto handler) { http::async_read(state_->socket, state_->buffer, parser, handler); })) {
    return {};
  }
  return to_answer(parser.get());
}

bool RawConnection::closed_within(std::chrono::milliseconds timeout) {
  char scratch[4096];
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) return false;
    auto ec =
        state_->run_for(left, [&](auto handler) { state_->socket.async_read_some(asio::buffer(scratch), handler); });
    if (ec == beast::error::timeout) return false;
    if (ec) return true;
  }
}

std::string RawConnection::read_until(const std::string& wanted, std::chrono::milliseconds timeout) {
  std::string got = beast::buffers_to_string(state_->buffer.data());
  state_->buffer.consume(state_->buffer.size());
  char scratch[4096];
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (got.find(wanted) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) break;
    std::size_t n = 0;
    auto ec = state_->run_for(left, [&](auto handler) {
      state_->socket.async_read_some(asio::buffer(scratch), [&n, handler](beast::error_code e, std::size_t count) mutable {
        n = count;
        handler(e);
      });
    });
    got.append(scratch, n);
    if (ec) break;
  }
  return got;
}

struct WsClient::State {
  asio::io_context io;
  std::shared_ptr<ssl::context> context;
  std::optional<websocket::stream<beast::tcp_stream>> plain;
  std::optional<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> secure;
  beast::flat_buffer buffer;

  template <class F>
  auto with(F&& f) {
    return plain ? f(*plain) : f(*secure);
  }
};

WsClient::WsClient(unsigned short port, WsOptions options) : state_(std::make_unique<State>()) {
  tcp::socket socket(state_->io);
  if (options.receive_buffer > 0) {
    socket.open(tcp::v4());
    socket.set_option(asio::socket_base::receive_buffer_size(options.receive_buffer));
  }
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(kConnectTimeout);
  if (await(state_->io, [&](auto handler) { stream.async_connect(loopback(port), handler); })) return;
  if (options.tls) {
    state_->context = client_context(*options.tls);
    state_->secure.emplace(std::move(stream), *state_->context);
    if (tls_handshake(state_->io, state_->secure->next_layer())) return;
  } else {
    state_->plain.emplace(std::move(stream));
  }
  websocket::response_type response;
  auto ec = state_->with([&](auto& ws) {
    ws.set_option(websocket::stream_base::decorator([&options](websocket::request_type& request) {
      for (const auto& [name, value] : options.headers) request.set(name, value);
      if (options.protocol_token) {
        request.set(http::field::sec_websocket_protocol, "bearer, " + *options.protocol_token);
      }
    }));
    beast::get_lowest_layer(ws).expires_after(kConnectTimeout);
    return await(state_->io, [&](auto handler) { ws.async_handshake(response, "localhost", options.target, handler); });
  });
  if (ec) {
    refusal_ = to_answer(response);
    return;
  }
  state_->with([](auto& ws) {
    beast::get_lowest_layer(ws).expires_never();
    return 0;
  });
  connected_ = true;
  accepted_protocol_ = std::string(response[http::field::sec_websocket_protocol]);
}

WsClient::~WsClient() {
  if (!connected_ || closed_ || timed_out_) return;
  state_->with([&](auto& ws) {
    beast::get_lowest_layer(ws).expires_after(1s);
    return await(state_->io, [&](auto handler) { ws.async_close(websocket::close_code::normal, handler); });
  });
}

void WsClient::send(const std::string& text) {
  auto ec = state_->with([&](auto& ws) {
    ws.text(true);
    return await(state_->io, [&](auto handler) { ws.async_write(asio::buffer(text), handler); });
  });
  if (ec) throw std::runtime_error("WebSocket send failed: " + ec.message());
}

std::optional<std::string> WsClient::read(std::chrono::milliseconds timeout) {
  if (!connected_ || closed_ || timed_out_) return std::nullopt;
  auto ec = state_->with([&](auto& ws) {
    beast::get_lowest_layer(ws).expires_after(timeout);
    auto result = await(state_->io, [&](auto handler) { ws.async_read(state_->buffer, handler); });
    beast::get_lowest_layer(ws).expires_never();
    return result;
  });
  if (ec == beast::error::timeout) {
    timed_out_ = true;
    return std::nullopt;
  }
  if (ec) {
    closed_ = true;
    return std::nullopt;
  }
  std::string text = beast::buffers_to_string(state_->buffer.data());
  state_->buffer.consume(state_->buffer.size());
  return text;
}

std::optional<nlohmann::json> WsClient::read_json(std::chrono::milliseconds timeout) {
  auto text = read(timeout);
  if (!text) return std::nullopt;
  return nlohmann::json::parse(*text, nullptr, false);
}

websocket::close_reason WsClient::close_reason() const {
  return state_->with([](auto& ws) { return ws.reason(); });
}

}  // namespace vigie::testing::web
