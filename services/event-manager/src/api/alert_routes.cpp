// /api/alerts: the list with its filters and pages, one alert with its
// decisions, the operators' decisions, and the evidence images.
#include <charconv>

#include "access.h"
#include "alert_json.h"
#include "routes.h"
#include "schema_enums.h"
#include "time_json.h"
#include "vigie/log/log.h"
#include "web/bad_request.h"
#include "web/json_body.h"

namespace vigie::event_manager::api {
namespace {

double coordinate(const std::string& text, double low, double high) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !(value >= low && value <= high))
    throw web::BadRequest("bbox", "must be min_lon,min_lat,max_lon,max_lat in degrees");
  return value;
}

GeoBox bbox_from_query(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1)
    parts.push_back(text.substr(start, comma - start));
  parts.push_back(text.substr(start));
  if (parts.size() != 4) throw web::BadRequest("bbox", "must be min_lon,min_lat,max_lon,max_lat in degrees");
  GeoBox box{coordinate(parts[0], -180, 180), coordinate(parts[1], -90, 90), coordinate(parts[2], -180, 180),
                  coordinate(parts[3], -90, 90)};
  if (box.min_longitude > box.max_longitude || box.min_latitude > box.max_latitude)
    throw web::BadRequest("bbox", "its minimums must not exceed its maximums");
  return box;
}

AlertFilter filter_from_query(const web::Request& request) {
  static const std::set<std::string, std::less<>> known = {"camera", "type", "state", "from",
                                                          "to",     "bbox", "limit", "cursor"};
  for (const auto& [key, value] : request.query)
    if (!known.contains(key)) throw web::BadRequest(key, "is not a filter of the alerts list");
  AlertFilter filter;
  filter.camera_id = request.query_value("camera");
  if (const auto type = request.query_value("type")) {
    try {
      filter.type = alert_type_from_db(*type);
    } catch (const std::invalid_argument&) {
      throw web::BadRequest("type", "must be police, ambulance or fire_brigade");
    }
  }
  if (const auto state = request.query_value("state")) {
    filter.state = parse_alert_state(*state);
    if (!filter.state) throw web::BadRequest("state", "must be pending, confirmed, rejected or resolved");
  }
  if (const auto from = request.query_value("from")) filter.from = parse_rfc3339("from", *from);
  if (const auto to = request.query_value("to")) filter.to = parse_rfc3339("to", *to);
  if (const auto bbox = request.query_value("bbox")) filter.bbox = bbox_from_query(*bbox);
  if (const auto limit = request.query_value("limit")) {
    int value = 0;
    const auto [end, error] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (error != std::errc() || end != limit->data() + limit->size() || value < 1 || value > 500)
      throw web::BadRequest("limit", "must be a whole number from 1 to 500");
    filter.limit = value;
  }
  filter.cursor = request.query_value("cursor");
  return filter;
}

}  // namespace

void add_alert_routes(web::HttpServer& server, ApiServices& services) {
  server.route(
      "GET", "/api/alerts",
      [&services](web::Request& request) {
        const auto page = services.alerts.list(filter_from_query(request));
        nlohmann::json alerts = nlohmann::json::array();
        for (const auto& alert : page.alerts) alerts.push_back(alert_to_json(alert, services.evidence));
        return web::json_response(200, {{"alerts", std::move(alerts)},
                                        {"next_cursor", page.next_cursor ? nlohmann::json(*page.next_cursor) : nullptr},
                                        {"total", page.total}});
      },
      needs(auth::Role::viewer));

  server.route(
      "GET", "/api/alerts/{id}",
      [&services](web::Request& request) {
        const auto alert = services.alerts.get(request.param("id"));
        if (!alert) throw web::BadRequest("id", "no alert '" + request.param("id") + "'", 404);
        return web::json_response(200, alert_to_json(*alert, services.evidence));
      },
      needs(auth::Role::viewer));

  server.route(
      "POST", "/api/alerts/{id}/decisions",
      [&services](web::Request& request) {
        const auto decision = services.decision_limiter.allow("decisions:" + request.principal.value().name);
        if (!decision.allowed) {
          throw web::BadRequest("", "too many decisions in a short time; try again shortly", 429)
              .with_retry_after(std::chrono::ceil<std::chrono::seconds>(decision.retry_after));
        }
        const auto body = web::parse_json_object(request);
        web::FieldReader in(body);
        in.only({"state", "note"});
        const auto state = parse_alert_state(in.string("state"));
        if (!state || *state == AlertState::pending)
          throw web::BadRequest("state", "must be confirmed, rejected or resolved");
        const auto alert = services.alerts.decide(request.param("id"), *state, actor(request),
                                                  in.optional_string("note").value_or(""));
        services.hub.publish(alert_message(alert, services.evidence));
        log::info("alert decided", {{"alert", alert.id},
                                    {"state", std::string(alert_state_name(alert.state))},
                                    {"user", request.principal->name}});
        return web::json_response(200, alert_to_json(alert, services.evidence));
      },
      needs(auth::Role::operator_));

  server.route(
      "GET", "/api/evidence/{id}",
      [&services](web::Request& request) {
        const std::string& id = request.param("id");
        if (!services.evidence.valid(id, request.query_value("expires").value_or(""),
                                     request.query_value("signature").value_or(""))) {
          throw web::BadRequest("signature", "this evidence link is not valid or has expired", 403);
        }
        const auto image = services.alerts.evidence(id);
        if (!image) throw web::BadRequest("id", "no evidence image '" + id + "'", 404);
        // Immutable: an image id is never reused for another picture.
        web::Response response;
        response.content_type = "image/jpeg";
        response.body = image->jpeg;
        return response.with_header("Cache-Control", "private, max-age=3600, immutable");
      },
      web::Access::anyone());
}

}  // namespace vigie::event_manager::api
