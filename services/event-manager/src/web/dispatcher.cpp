#include "web/dispatcher.h"

#include <algorithm>
#include <chrono>

#include <boost/algorithm/string/predicate.hpp>
#include <boost/algorithm/string/trim.hpp>
#include <boost/beast/http/file_body.hpp>

#include "vigie/log/log.h"
#include "web/bad_request.h"
#include "web/json_body.h"
#include "web/url.h"

namespace vigie::event_manager::web {
namespace {

namespace http = boost::beast::http;

constexpr std::string_view kAccessToken = "access_token";

Response from_bad_request(const BadRequest& e) {
  Response response = error_response(e.status(), e.code(), e.message(), e.field());
  for (const auto& [name, value] : e.headers()) response.with_header(name, value);
  return response;
}

Response internal_error() { return error_response(500, "internal", "internal error; the server logged it"); }

// The bearer token of an Authorization header: nullopt without one, "" for one
// that is not a bearer token (refused as invalid without asking the authenticator).
std::optional<std::string> bearer_from_header(const Headers& headers) {
  auto value = headers.get("Authorization");
  if (!value) return std::nullopt;
  std::string text = boost::algorithm::trim_copy(std::string(*value));
  if (text.size() < 7 || !boost::algorithm::iequals(text.substr(0, 7), "bearer ")) return "";
  return boost::algorithm::trim_copy(text.substr(7));
}

// Sec-WebSocket-Protocol: "bearer, TOKEN" is how a browser can send a token.
std::optional<std::string> bearer_from_subprotocol(const Headers& headers) {
  auto value = headers.get("Sec-WebSocket-Protocol");
  if (!value) return std::nullopt;
  std::vector<std::string> offered;
  std::size_t start = 0;
  std::string_view text = *value;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    offered.push_back(boost::algorithm::trim_copy(std::string(text.substr(start, end - start))));
    start = end + 1;
  }
  for (std::size_t i = 0; i < offered.size(); ++i) {
    if (boost::algorithm::iequals(offered[i], "bearer")) {
      return i + 1 < offered.size() ? offered[i + 1] : "";
    }
  }
  return std::nullopt;
}

Request view_of(const HttpRequest& request, const std::string& client_address) {
  Request view;
  view.method = std::string(request.method_string());
  std::string_view target = request.target();
  view.path = std::string(target.substr(0, target.find('?')));
  for (const auto& field : request) {
    view.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  view.client_address = client_address;
  return view;
}

std::string_view query_of(const HttpRequest& request) {
  std::string_view target = request.target();
  auto mark = target.find('?');
  return mark == std::string_view::npos ? std::string_view() : target.substr(mark + 1);
}

Outcome finish(Response response, const HttpRequest& request, std::string route, bool keep_alive) {
  Outcome outcome;
  outcome.route = std::move(route);
  outcome.keep_alive = keep_alive;
  HttpResponse answer;
  try {
    outcome.status = response.status;
    if (response.stream) outcome.keep_alive = false;
    StreamProducer stream = response.stream;
    answer = to_http(std::move(response), request.version(), outcome.keep_alive);
    outcome.stream = std::move(stream);
  } catch (const std::invalid_argument& e) {
    log::error("request handler gave an answer that cannot be sent",
               {{"method", std::string(request.method_string())}, {"route", outcome.route}, {"error", e.what()}});
    outcome.status = 500;
    answer = to_http(internal_error(), request.version(), keep_alive);
  }
  outcome.message.emplace(std::move(answer));
  return outcome;
}

bool header_safe(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

HttpResponse to_http(Response response, unsigned version, bool keep_alive) {
  if (response.status < 200 || response.status > 599) {
    throw std::invalid_argument("status " + std::to_string(response.status) + " is not an answer");
  }
  HttpResponse answer;
  answer.version(version);
  answer.result(response.status);
  answer.set(http::field::server, "vigie");
  answer.set("X-Content-Type-Options", "nosniff");
  // Tokens may travel in query strings (WebSocket, images): never let a page leak them.
  answer.set("Referrer-Policy", "no-referrer");
  bool cache_control = false;
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || !header_safe(name) || !header_safe(value)) {
      throw std::invalid_argument("header '" + name + "' holds CR, LF or NUL");
    }
    cache_control = cache_control || boost::algorithm::iequals(name, "Cache-Control");
    answer.insert(name, value);
  }
  if (!cache_control) answer.set(http::field::cache_control, "no-store");
  if (response.stream) {
    // No length: the body ends when the connection closes.
    answer.set(http::field::content_type, response.content_type);
    answer.keep_alive(false);
    return answer;
  }
  if (response.status != 204 && response.status != 304) {
    answer.set(http::field::content_type, response.content_type);
    answer.body() = std::move(response.body);
  }
  answer.keep_alive(keep_alive);
  answer.prepare_payload();
  return answer;
}

HttpResponse error_answer(unsigned status, std::string_view message, unsigned version, bool keep_alive) {
  return to_http(error_response(status, error_code_for(status), message), version, keep_alive);
}

Outcome Dispatcher::handle(HttpRequest& request, const std::string& client_address, bool keep_alive) const {
  Request view = view_of(request, client_address);
  try {
    if (request.target().empty() || request.target().front() != '/') {
      throw BadRequest("", "the request target must be a path starting with '/'");
    }
    auto segments = path_segments(view.path);
    auto match = router.match(view.method, segments);
    if (match.route) {
      const Router::Route& route = *match.route;
      view.route = route.pattern;
      view.params = std::move(match.params);
      view.query = parse_query(query_of(request));
      auto token = bearer_from_header(view.headers);
      auto in_query = view.query.find(std::string(kAccessToken));
      if (in_query != view.query.end()) {
        if (!token && route.access.token_in_query) token = in_query->second;
        view.query.erase(in_query);
      }
      if (auto refusal = authorize(route.access, token, view)) {
        return finish(std::move(*refusal), request, route.pattern, still_alive(keep_alive));
      }
      view.body = std::move(request.body());
      Response response = call_handler(route, view);
      return finish(std::move(response), request, route.pattern, still_alive(keep_alive));
    }
    if (!match.allowed.empty()) {
      std::string allow;
      for (const auto& method : match.allowed) allow += (allow.empty() ? "" : ", ") + method;
      Response refusal =
          error_response(405, "method_not_allowed", "this path answers " + allow + ", not " + view.method);
      refusal.with_header("Allow", allow);
      return finish(std::move(refusal), request, "unmatched", still_alive(keep_alive));
    }
    for (const StaticDirectory& directory : statics) {
      auto relative = directory.relative(segments);
      if (!relative) continue;
      return serve_file(directory, *relative, request, view, still_alive(keep_alive));
    }
    return finish(error_response(404, "not_found", "nothing at " + view.path), request, "unmatched",
                  still_alive(keep_alive));
  } catch (const BadRequest& e) {
    return finish(from_bad_request(e), request, view.route.empty() ? "unmatched" : view.route, still_alive(keep_alive));
  } catch (const std::exception& e) {
    log::error("request failed", {{"method", view.method}, {"path", view.path}, {"error", e.what()}});
    return finish(internal_error(), request, view.route.empty() ? "unmatched" : view.route, still_alive(keep_alive));
  } catch (...) {
    log::error("request failed with a non-standard exception", {{"method", view.method}, {"path", view.path}});
    return finish(internal_error(), request, view.route.empty() ? "unmatched" : view.route, still_alive(keep_alive));
  }
}

Response Dispatcher::call_handler(const Router::Route& route, Request& request) const {
  try {
    return route.handler(request);
  } catch (const BadRequest& e) {
    return from_bad_request(e);
  } catch (const std::exception& e) {
    if (exception_mapper) {
      try {
        if (auto mapped = exception_mapper(e, request)) return std::move(*mapped);
      } catch (const std::exception& mapper_error) {
        log::error("the exception mapper failed", {{"route", route.pattern}, {"error", mapper_error.what()}});
      }
    }
    log::error("request handler failed",
               {{"method", request.method}, {"route", route.pattern}, {"path", request.path}, {"error", e.what()}});
    return internal_error();
  } catch (...) {
    log::error("request handler failed with a non-standard exception",
               {{"method", request.method}, {"route", route.pattern}, {"path", request.path}});
    return internal_error();
  }
}

std::optional<Response> Dispatcher::authorize(const Access& access, const std::optional<std::string>& token,
                                              Request& request) const {
  if (token) {
    std::optional<Caller> caller;
    if (!token->empty() && authenticator) caller = authenticator(*token, request);
    if (caller && caller->expires_at && *caller->expires_at <= std::chrono::system_clock::now()) {
      caller.reset();
    }
    if (caller) {
      request.principal = std::move(caller);
    } else if (!access.is_public) {
      Response refusal = error_response(401, "unauthorized", "invalid or expired bearer token");
      refusal.with_header("WWW-Authenticate", "Bearer realm=\"vigie\", error=\"invalid_token\"");
      return refusal;
    }
  } else if (!access.is_public) {
    Response refusal = error_response(401, "unauthorized", "this needs a bearer token (Authorization: Bearer ...)");
    refusal.with_header("WWW-Authenticate", "Bearer realm=\"vigie\"");
    return refusal;
  }
  if (!access.is_public && request.principal->role < access.role) {
    return error_response(403, "forbidden", "your role does not allow this");
  }
  return std::nullopt;
}

Outcome Dispatcher::serve_file(const StaticDirectory& directory, const std::vector<std::string>& relative,
                               const HttpRequest& request, Request& view, bool keep_alive) const {
  std::string route = "static:" + directory.url_prefix();
  if (view.method != "GET") {
    Response refusal = error_response(405, "method_not_allowed", "static files answer GET only");
    refusal.with_header("Allow", "GET");
    return finish(std::move(refusal), request, route, keep_alive);
  }
  // "/ui" → "/ui/", so that the page's relative links resolve inside it.
  if (relative.empty() && !view.path.ends_with('/')) {
    Response redirect;
    redirect.status = 308;
    redirect.content_type = "text/plain; charset=utf-8";
    redirect.with_header("Location", view.path + "/");
    return finish(std::move(redirect), request, route, keep_alive);
  }
  auto file = directory.resolve(relative);
  if (!file) return finish(error_response(404, "not_found", "nothing at " + view.path), request, route, keep_alive);

  Outcome outcome;
  outcome.route = std::move(route);
  outcome.keep_alive = keep_alive;
  auto if_none_match = request.find(http::field::if_none_match);
  if (if_none_match != request.end() && etag_matches(if_none_match->value(), file->etag)) {
    Response not_modified;
    not_modified.status = 304;
    not_modified.with_header("ETag", file->etag).with_header("Cache-Control", "no-cache");
    outcome.status = 304;
    outcome.message.emplace(to_http(std::move(not_modified), request.version(), keep_alive));
    return outcome;
  }
  http::file_body::value_type body;
  boost::beast::error_code ec;
  body.open(file->path.c_str(), boost::beast::file_mode::scan, ec);
  if (ec) {
    return finish(error_response(404, "not_found", "nothing at " + view.path), request, outcome.route, keep_alive);
  }
  http::response<http::file_body> answer{http::status::ok, request.version()};
  answer.set(http::field::server, "vigie");
  answer.set("X-Content-Type-Options", "nosniff");
  answer.set("Referrer-Policy", "no-referrer");
  answer.set(http::field::content_type, file->content_type);
  answer.set(http::field::etag, file->etag);
  answer.set(http::field::last_modified, http_date(file->modified));
  // Revalidated each time (cheap with the ETag), so a new build shows at once.
  answer.set(http::field::cache_control, "no-cache");
  answer.body() = std::move(body);
  answer.keep_alive(keep_alive);
  answer.prepare_payload();
  outcome.status = 200;
  outcome.message.emplace(std::move(answer));
  return outcome;
}

UpgradeDecision Dispatcher::authorize_upgrade(const HttpRequest& request, const std::string& client_address) const {
  UpgradeDecision decision;
  Request view = view_of(request, client_address);
  auto refuse = [&](Response response) -> UpgradeDecision {
    decision.refusal =
        finish(std::move(response), request, decision.route.empty() ? "unmatched" : decision.route, false);
    return std::move(decision);
  };
  try {
    if (request.target().empty() || request.target().front() != '/') {
      throw BadRequest("", "the request target must be a path starting with '/'");
    }
    auto segments = path_segments(view.path);
    auto endpoint = std::find_if(websockets.begin(), websockets.end(),
                                 [&](const WebSocketEndpoint& e) { return e.segments == segments; });
    if (endpoint == websockets.end()) {
      return refuse(error_response(404, "not_found", "no WebSocket endpoint at " + view.path));
    }
    decision.route = "websocket:" + endpoint->path;
    view.route = endpoint->path;
    // Checked here so that the refusal is JSON like every other (Beast's own is text).
    if (view.headers.get("Sec-WebSocket-Version").value_or("") != "13") {
      Response refusal = error_response(426, "upgrade_required", "this server speaks WebSocket version 13");
      refusal.with_header("Sec-WebSocket-Version", "13");
      return refuse(std::move(refusal));
    }
    if (view.headers.get("Sec-WebSocket-Key").value_or("").empty()) {
      throw BadRequest("", "a WebSocket upgrade needs a Sec-WebSocket-Key");
    }
    view.query = parse_query(query_of(request));
    auto token = bearer_from_subprotocol(view.headers);
    if (token) decision.subprotocol = "bearer";
    auto in_query = view.query.find(std::string(kAccessToken));
    if (in_query != view.query.end()) {
      if (!token) token = in_query->second;
      view.query.erase(in_query);
    }
    if (!token) token = bearer_from_header(view.headers);
    if (auto refusal = authorize(endpoint->access, token, view)) return refuse(std::move(*refusal));
    decision.hub = endpoint->hub;
    decision.caller = std::move(view.principal);
    return decision;
  } catch (const BadRequest& e) {
    return refuse(from_bad_request(e));
  } catch (const std::exception& e) {
    log::error("WebSocket upgrade failed", {{"path", view.path}, {"error", e.what()}});
    return refuse(internal_error());
  } catch (...) {
    log::error("WebSocket upgrade failed with a non-standard exception", {{"path", view.path}});
    return refuse(internal_error());
  }
}

}  // namespace vigie::event_manager::web
