// The live view's data (GET /api/cameras/{id}/overlay: the latest motion and
// detection boxes) and the web interface's settings (GET /config.json: where
// map tiles come from, where the map opens).
#include "access.h"
#include "routes.h"
#include "web/bad_request.h"
#include "web/json_body.h"

namespace vigie::event_manager::api {

void add_live_routes(web::HttpServer& server, ApiServices& services) {
  server.route(
      "GET", "/api/cameras/{id}/overlay",
      [&services](web::Request& request) {
        const std::string& id = request.param("id");
        if (!services.cameras.get(id)) throw web::BadRequest("id", "no camera '" + id + "'", 404);
        return web::json_response(200, services.live.overlay(id));
      },
      needs(auth::Role::viewer));

  server.route(
      "GET", "/config.json",
      [&services](web::Request&) { return web::json_response(200, services.web_config); },
      web::Access::anyone());
}

}  // namespace vigie::event_manager::api
