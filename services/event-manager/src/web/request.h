// What a route handler sees of a request and gives back, and who is calling.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigie::event_manager::web {

// Who made a request, as the authenticator found it. role is opaque and ordered
// (the event manager uses 0 viewer, 1 operator, 2 admin), so this library does
// not depend on the auth code. expires_at: when the credentials stop being
// valid; a WebSocket is closed then.
struct Caller {
  std::string name;
  int role = 0;
  std::optional<std::chrono::system_clock::time_point> expires_at;
};

// What a route asks of its caller. By default a valid bearer token with any role.
struct Access {
  bool is_public = false;  // no credentials needed (a valid token still fills the principal)
  int role = 0;            // the lowest role allowed
  // Also accept the token as the access_token query parameter, for what a
  // browser fetches without headers (<img src>, downloads). GET routes only.
  bool token_in_query = false;

  static Access anyone() { return {.is_public = true}; }
  static Access role_at_least(int role) { return {.role = role}; }
};

// Header fields in arrival order, looked up whatever their case.
class Headers {
 public:
  void add(std::string name, std::string value);
  // The first value of the field, if present.
  std::optional<std::string_view> get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& all() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  std::string method;                         // GET, POST ...
  std::string path;                           // as received (still percent-encoded), without the query string
  std::string route;                          // the pattern that matched: "/api/cameras/{id}"
  std::map<std::string, std::string> params;  // path parameters, decoded and checked safe
  // Query parameters, decoded. Never holds access_token, which is a credential.
  std::map<std::string, std::string> query;
  Headers headers;
  std::string body;
  std::string client_address;       // the peer's IP address
  std::optional<Caller> principal;  // set by the server when credentials were given and valid

  // The path parameter; std::out_of_range naming it when the route has none.
  const std::string& param(std::string_view name) const;
  std::optional<std::string> query_value(std::string_view name) const;
};

// Where a streamed answer's body goes, as it is produced.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Sends the bytes; blocks until the client has taken them. false once the
  // client has gone, has not taken them within the server's request_timeout,
  // or the server stops: the producer should then return.
  virtual bool write(std::string_view bytes) = 0;
  // Whether writing can still succeed: the client is connected (its closing is
  // seen at once) and the server is not stopping. For producers that wait.
  virtual bool open() const = 0;
};

// Produces a streamed answer's body (an MJPEG feed) on a thread of its own,
// for as long as it likes; returning ends the answer and closes the connection.
using StreamProducer = std::function<void(StreamWriter&)>;

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra header fields. Without Cache-Control the server adds "no-store".
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the head is sent without a length (the body ends when the
  // connection closes) and this produces the body; `body` is ignored. Over
  // ServerOptions::stream_limit streams at once, the answer is a 503 instead.
  StreamProducer stream;

  Response& with_header(std::string name, std::string value);
  // 204, no body.
  static Response no_content();
};

// May block (database calls): handlers run on the server's worker threads.
using Handler = std::function<Response(Request&)>;

}  // namespace vigie::event_manager::web
