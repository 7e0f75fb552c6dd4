// /api/users: administrators manage accounts; anyone may change their own password.
#include "access.h"
#include "routes.h"
#include "time_json.h"
#include "web/bad_request.h"
#include "web/json_body.h"

namespace vigie::event_manager::api {
namespace {

nlohmann::json user_to_json(const auth::User& user) {
  return {{"name", user.name},
          {"role", std::string(auth::to_text(user.role))},
          {"disabled", user.disabled},
          {"created_at", rfc3339(user.created_at)}};
}

auth::Role role_field(const web::FieldReader& in) {
  const auto role = auth::role_from_text(in.string("role"));
  if (!role) throw web::BadRequest(in.path("role"), "must be viewer, operator or admin");
  return *role;
}

}  // namespace

void add_user_routes(web::HttpServer& server, ApiServices& services) {
  server.route(
      "GET", "/api/users",
      [&services](web::Request&) {
        nlohmann::json users = nlohmann::json::array();
        for (const auto& user : services.users.list()) users.push_back(user_to_json(user));
        return web::json_response(200, {{"users", std::move(users)}});
      },
      needs(auth::Role::admin));

  server.route(
      "POST", "/api/users",
      [&services](web::Request& request) {
        const auto body = web::parse_json_object(request);
        web::FieldReader in(body);
        in.only({"name", "password", "role"});
        const auto user = services.users.create(in.string("name"), in.string("password"), role_field(in), actor(request));
        return web::json_response(201, user_to_json(user)).with_header("Location", "/api/users/" + user.name);
      },
      needs(auth::Role::admin));

  server.route(
      "PATCH", "/api/users/{name}",
      [&services](web::Request& request) {
        const auto body = web::parse_json_object(request);
        web::FieldReader in(body);
        in.only({"role", "password", "disabled"});
        auth::UserChange change;
        if (in.has("role")) change.role = role_field(in);
        change.password = in.optional_string("password");
        change.disabled = in.optional_boolean("disabled");
        const auto& caller = request.principal.value();
        const bool admin = auth::allows(static_cast<auth::Role>(caller.role), auth::Role::admin);
        const bool own_password_only = !change.role && !change.disabled &&
                                       services.users.get(request.param("name")).value_or(auth::User{}).name == caller.name;
        if (!admin && !own_password_only)
          throw web::BadRequest("", "only an administrator may change another user, or a role", 403);
        return web::json_response(200, user_to_json(services.users.update(request.param("name"), change, actor(request))));
      },
      needs(auth::Role::viewer));
}

}  // namespace vigie::event_manager::api
