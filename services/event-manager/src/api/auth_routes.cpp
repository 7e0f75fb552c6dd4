// POST /api/auth/login and GET /api/auth/me.
#include <algorithm>
#include <cctype>

#include "access.h"
#include "routes.h"
#include "time_json.h"
#include "vigie/log/log.h"
#include "web/bad_request.h"
#include "web/json_body.h"

namespace vigie::event_manager::api {
namespace {

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Both the address and the name must have a token left: guessing one account's
// password from many addresses, or many accounts' from one, is slowed alike.
void limit_login(ApiServices& services, const web::Request& request, const std::string& name) {
  for (const std::string& key : {"login-address:" + request.client_address, "login-user:" + lowercase(name)}) {
    const auto decision = services.login_limiter.allow(key);
    if (!decision.allowed) {
      log::warn("login refused: too many attempts", {{"user", name}, {"address", request.client_address}});
      throw web::BadRequest("", "too many login attempts; try again later", 429)
          .with_retry_after(std::chrono::ceil<std::chrono::seconds>(decision.retry_after));
    }
  }
}

}  // namespace

std::optional<web::Caller> caller_for_token(std::string_view token, const auth::TokenSigner& signer,
                                            const auth::UserStore& users) {
  const auto verified = signer.verify(token);
  const auto* ok = std::get_if<auth::VerifiedToken>(&verified);
  if (!ok) return std::nullopt;
  const auto principal = users.current(*ok);
  if (!principal) return std::nullopt;
  return web::Caller{principal->name, static_cast<int>(principal->role), ok->expires_at};
}

void add_auth_routes(web::HttpServer& server, ApiServices& services) {
  server.route(
      "POST", "/api/auth/login",
      [&services](web::Request& request) {
        const auto body = web::parse_json_object(request);
        web::FieldReader in(body);
        in.only({"username", "password"});
        const std::string name = in.string("username");
        const std::string password = in.string("password");
        limit_login(services, request, name);
        const auto principal = services.users.authenticate(name, password);
        if (!principal) {
          log::warn("login refused: wrong user name or password",
                    {{"user", name}, {"address", request.client_address}});
          throw web::BadRequest("", "wrong user name or password", 401).with_code("invalid_credentials");
        }
        const auto issued = services.signer.issue(*principal, services.token_lifetime);
        log::info("login", {{"user", principal->name}, {"address", request.client_address}});
        return web::json_response(
            200, {{"token", issued.token},
                  {"expires_at", rfc3339(issued.expires_at)},
                  {"user", {{"name", principal->name}, {"role", std::string(auth::to_text(principal->role))}}}});
      },
      web::Access::anyone());

  server.route(
      "GET", "/api/auth/me",
      [](web::Request& request) {
        const auto& caller = request.principal.value();
        return web::json_response(
            200, {{"name", caller.name}, {"role", std::string(auth::to_text(static_cast<auth::Role>(caller.role)))}});
      },
      needs(auth::Role::viewer));
}

}  // namespace vigie::event_manager::api
