// Clients for the web server tests, written with Beast over real loopback
// sockets: one HTTP exchange, a raw connection for malformed or slow requests,
// and a WebSocket client. Every wait has a timeout, so a server that hangs
// fails the test instead of blocking it.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/websocket/rfc6455.hpp>
#include <nlohmann/json.hpp>

namespace vigie::testing::web {

using namespace std::chrono_literals;

// How a TLS client trusts the server: the test's self-signed certificate.
struct TlsTrust {
  std::string ca_file;
  int max_version = 0;  // e.g. TLS1_1_VERSION to try an old client; 0: any
};

struct HttpAnswer {
  unsigned status = 0;  // 0: no answer (connection failed or closed)
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names

  std::string header(const std::string& name) const;
  nlohmann::json json() const;
};

using HeaderMap = std::map<std::string, std::string>;

// One request on a fresh connection.
HttpAnswer http_call(unsigned short port, const std::string& method, const std::string& target,
                     const std::string& body = {}, const HeaderMap& headers = {}, const TlsTrust* tls = nullptr);

// A plain TCP connection that sends whatever bytes the test wants.
class RawConnection {
 public:
  explicit RawConnection(unsigned short port);
  ~RawConnection();
  // false when the server closed the connection meanwhile.
  bool send(const std::string& bytes);
  // The next answer on this connection; status 0 when it closed first.
  HttpAnswer read_answer(std::chrono::milliseconds timeout = 5s);
  // Whether the server closes the connection within the timeout.
  bool closed_within(std::chrono::milliseconds timeout);
  // Raw bytes (a streamed answer): reads until `wanted` appears in what came,
  // the connection closes or the timeout passes; returns everything read.
  std::string read_until(const std::string& wanted, std::chrono::milliseconds timeout = 5s);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

struct WsOptions {
  std::string target = "/api/ws";
  std::optional<std::string> protocol_token;  // sends Sec-WebSocket-Protocol: bearer, TOKEN
  HeaderMap headers;
  const TlsTrust* tls = nullptr;
  int receive_buffer = 0;  // SO_RCVBUF before connecting; 0: the system's
};

class WsClient {
 public:
  WsClient(unsigned short port, WsOptions options);
  ~WsClient();

  bool connected() const { return connected_; }
  // When the upgrade was refused: the HTTP answer.
  const HttpAnswer& refusal() const { return refusal_; }
  const std::string& accepted_protocol() const { return accepted_protocol_; }

  void send(const std::string& text);
  // The next message; nullopt when the connection closed (see close_reason)
  // or nothing came within the timeout (see timed_out).
  std::optional<std::string> read(std::chrono::milliseconds timeout = 5s);
  // The next message, parsed as JSON (discarded value when it is not JSON).
  std::optional<nlohmann::json> read_json(std::chrono::milliseconds timeout = 5s);
  bool timed_out() const { return timed_out_; }
  bool closed() const { return closed_; }
  boost::beast::websocket::close_reason close_reason() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
  bool connected_ = false;
  bool closed_ = false;
  bool timed_out_ = false;
  HttpAnswer refusal_;
  std::string accepted_protocol_;
};

}  // namespace vigie::testing::web
