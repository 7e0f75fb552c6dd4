// What the server answers to one request: the path checked and split, the
// route or static file found, the caller authenticated and its role checked,
// the handler run and its exceptions turned into JSON errors. Runs on a worker
// thread (handlers block); knows nothing of connections.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/message_generator.hpp>
#include <boost/beast/http/string_body.hpp>

#include "web/http_server.h"
#include "web/router.h"
#include "web/static_files.h"

namespace vigie::event_manager::web {

namespace detail {
class HubState;
}

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// An answer ready to write, and what the metrics record of it.
struct Outcome {
  std::optional<boost::beast::http::message_generator> message;
  unsigned status = 500;
  std::string route = "unmatched";
  bool keep_alive = false;
  // Set for a streamed answer: message is then its head alone.
  StreamProducer stream;
};

// Whether a WebSocket upgrade may go ahead: either a refusal to write, or the
// hub and caller the connection continues with.
struct UpgradeDecision {
  std::optional<Outcome> refusal;
  std::shared_ptr<detail::HubState> hub;
  std::optional<Caller> caller;
  std::string subprotocol;  // to echo ("bearer" when the token came that way)
  std::string route;
};

class Dispatcher {
 public:
  Router router;
  std::vector<StaticDirectory> statics;
  struct WebSocketEndpoint {
    std::vector<std::string> segments;
    std::string path;
    std::shared_ptr<detail::HubState> hub;
    Access access;
  };
  std::vector<WebSocketEndpoint> websockets;
  Authenticator authenticator;
  ExceptionMapper exception_mapper;
  // Set while the server stops: answers finished from then on close their connection.
  const std::atomic<bool>* stopping = nullptr;

  // keep_alive: what the request asked for.
  Outcome handle(HttpRequest& request, const std::string& client_address, bool keep_alive) const;
  UpgradeDecision authorize_upgrade(const HttpRequest& request, const std::string& client_address) const;

 private:
  Response call_handler(const Router::Route& route, Request& request) const;
  // The refusal (401, 403) when the caller may not go on; fills the principal.
  std::optional<Response> authorize(const Access& access, const std::optional<std::string>& token,
                                    Request& request) const;
  Outcome serve_file(const StaticDirectory& statics, const std::vector<std::string>& relative,
                     const HttpRequest& request, Request& view, bool keep_alive) const;
  bool still_alive(bool keep_alive) const { return keep_alive && !(stopping && *stopping); }
};

// The answer as written: the handler's Response plus the headers every answer
// carries (Server, nosniff, no-referrer, Cache-Control: no-store unless set);
// for a streamed answer, its head alone, without a length, closing the connection.
// std::invalid_argument for a status outside 200-599 or a header with CR, LF or NUL.
HttpResponse to_http(Response response, unsigned version, bool keep_alive);
// An error answer the connection makes itself (malformed request, 413, 431).
HttpResponse error_answer(unsigned status, std::string_view message, unsigned version, bool keep_alive);

}  // namespace vigie::event_manager::web
