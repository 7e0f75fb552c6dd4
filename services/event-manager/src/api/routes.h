// The REST API's routes (docs/openapi.yaml), each group in its own file, all
// added to the server by add_api_routes.
#pragma once

#include <optional>
#include <string_view>

#include "api_services.h"
#include "web/http_server.h"

namespace vigie::event_manager::api {

void add_auth_routes(web::HttpServer& server, ApiServices& services);
void add_user_routes(web::HttpServer& server, ApiServices& services);
void add_camera_routes(web::HttpServer& server, ApiServices& services);
void add_analysis_routes(web::HttpServer& server, ApiServices& services);
void add_alert_routes(web::HttpServer& server, ApiServices& services);
void add_status_routes(web::HttpServer& server, ApiServices& services);
void add_v4l2_routes(web::HttpServer& server, ApiServices& services);
void add_live_routes(web::HttpServer& server, ApiServices& services);

inline void add_api_routes(web::HttpServer& server, ApiServices& services) {
  add_auth_routes(server, services);
  add_user_routes(server, services);
  add_camera_routes(server, services);
  add_analysis_routes(server, services);
  add_alert_routes(server, services);
  add_status_routes(server, services);
  add_v4l2_routes(server, services);
  add_live_routes(server, services);
}

// Who holds the bearer token now: its signature and expiry checked, then the
// user's current row (a disabled user or a lowered role counts at once).
std::optional<web::Caller> caller_for_token(std::string_view token, const auth::TokenSigner& signer,
                                            const auth::UserStore& users);

}  // namespace vigie::event_manager::api
