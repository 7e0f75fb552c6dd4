// /api/cameras: the cameras with their live status; administrators change
// them, operators enable and disable them. Each change reaches the cameras
// topic through the store's outbox, and the browsers through the hub.
#include "access.h"
#include "camera_json.h"
#include "routes.h"
#include "status_json.h"
#include "web/bad_request.h"
#include "web/json_body.h"

namespace vigie::event_manager::api {
namespace {

web::Response answer(ApiServices& services, unsigned status, const CameraRecord& record) {
  auto json = camera_with_status(record, services.status.get(record.camera.id()));
  services.hub.publish(camera_message(record.camera.id(), json));
  return web::json_response(status, json);
}

}  // namespace

void add_camera_routes(web::HttpServer& server, ApiServices& services) {
  server.route(
      "GET", "/api/cameras",
      [&services](web::Request&) {
        nlohmann::json cameras = nlohmann::json::array();
        for (const auto& record : services.cameras.list())
          cameras.push_back(camera_with_status(record, services.status.get(record.camera.id())));
        return web::json_response(200, {{"cameras", std::move(cameras)}});
      },
      needs(auth::Role::viewer));

  server.route(
      "GET", "/api/cameras/{id}",
      [&services](web::Request& request) {
        const auto record = services.cameras.get(request.param("id"));
        if (!record) throw web::BadRequest("id", "no camera '" + request.param("id") + "'", 404);
        return web::json_response(200, camera_with_status(*record, services.status.get(record->camera.id())));
      },
      needs(auth::Role::viewer));

  server.route(
      "POST", "/api/cameras",
      [&services](web::Request& request) {
        const auto record = services.cameras.create(camera_from_json(web::parse_json_object(request)), actor(request));
        return answer(services, 201, record).with_header("Location", "/api/cameras/" + record.camera.id());
      },
      needs(auth::Role::admin));

  server.route(
      "PUT", "/api/cameras/{id}",
      [&services](web::Request& request) {
        auto body = web::parse_json_object(request);
        const std::string& id = request.param("id");
        if (!body.contains("id")) body["id"] = id;
        if (body["id"] != id) throw web::BadRequest("id", "must be the camera's id, as in the path");
        return answer(services, 200, services.cameras.update(camera_from_json(body), actor(request)));
      },
      needs(auth::Role::admin));

  server.route(
      "DELETE", "/api/cameras/{id}",
      [&services](web::Request& request) {
        services.cameras.remove(request.param("id"), actor(request));
        services.hub.publish(camera_message(request.param("id"), nullptr));
        return web::Response::no_content();
      },
      needs(auth::Role::admin));

  for (const bool enable : {true, false}) {
    server.route(
        "POST", enable ? "/api/cameras/{id}/enable" : "/api/cameras/{id}/disable",
        [&services, enable](web::Request& request) {
          return answer(services, 200, services.cameras.set_enabled(request.param("id"), enable, actor(request)));
        },
        needs(auth::Role::operator_));
  }
}

}  // namespace vigie::event_manager::api
