// The live view (GET /api/cameras/{id}/live.mjpeg: the camera's frames as they
// arrive; GET /api/cameras/{id}/overlay: its latest motion and detection boxes)
// and the web interface's settings (GET /config.json: where map tiles come
// from, where the map opens).
#include <chrono>
#include <memory>

#include "access.h"
#include "live/mjpeg.h"
#include "routes.h"
#include "web/bad_request.h"
#include "web/json_body.h"

namespace vigie::event_manager::api {

void add_live_routes(web::HttpServer& server, ApiServices& services) {
  // An <img> cannot send headers: the token may come in the query string.
  web::Access viewer_by_image = needs(auth::Role::viewer);
  viewer_by_image.token_in_query = true;
  server.route(
      "GET", "/api/cameras/{id}/live.mjpeg",
      [&services](web::Request& request) {
        const std::string& id = request.param("id");
        if (!services.cameras.get(id)) throw web::BadRequest("id", "no camera '" + id + "'", 404);
        std::shared_ptr<live::LiveFeed::Viewer> viewer = services.live.watch(id);
        web::Response response;
        response.content_type = std::string(live::kMjpegContentType);
        response.stream = [viewer](web::StreamWriter& out) {
          while (!viewer->ended() && out.open()) {
            auto frame = viewer->next(std::chrono::seconds(1));
            if (frame && !out.write(live::mjpeg_part(frame->jpeg))) return;
          }
        };
        return response;
      },
      viewer_by_image);

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
