// /api/analyses: what counts as a positive and what an alert asks for.
#include "access.h"
#include "camera_json.h"
#include "routes.h"
#include "web/bad_request.h"
#include "web/json_body.h"

namespace vigie::event_manager::api {

void add_analysis_routes(web::HttpServer& server, ApiServices& services) {
  server.route(
      "GET", "/api/analyses",
      [&services](web::Request&) {
        nlohmann::json analyses = nlohmann::json::array();
        for (const auto& record : services.analyses.list()) analyses.push_back(analysis_to_json(record));
        return web::json_response(200, {{"analyses", std::move(analyses)}});
      },
      needs(auth::Role::viewer));

  server.route(
      "GET", "/api/analyses/{name}",
      [&services](web::Request& request) {
        const auto record = services.analyses.get(request.param("name"));
        if (!record) throw web::BadRequest("name", "no analysis '" + request.param("name") + "'", 404);
        return web::json_response(200, analysis_to_json(*record));
      },
      needs(auth::Role::viewer));

  server.route(
      "POST", "/api/analyses",
      [&services](web::Request& request) {
        const auto record =
            services.analyses.create(analysis_from_json(web::parse_json_object(request)), actor(request));
        return web::json_response(201, analysis_to_json(record))
            .with_header("Location", "/api/analyses/" + record.analysis.name());
      },
      needs(auth::Role::admin));

  server.route(
      "PUT", "/api/analyses/{name}",
      [&services](web::Request& request) {
        const auto record = services.analyses.update(
            request.param("name"), analysis_from_json(web::parse_json_object(request)), actor(request));
        return web::json_response(200, analysis_to_json(record));
      },
      needs(auth::Role::admin));

  server.route(
      "DELETE", "/api/analyses/{name}",
      [&services](web::Request& request) {
        services.analyses.remove(request.param("name"), actor(request));
        return web::Response::no_content();
      },
      needs(auth::Role::admin));
}

}  // namespace vigie::event_manager::api
