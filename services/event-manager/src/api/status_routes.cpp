// /api/status (every camera's stream and the service's own links) and
// /api/health/cameras (the fleet in one line, for dashboards and probes).
#include "access.h"
#include "routes.h"
#include "web/json_body.h"
#include "status_json.h"
#include "time_json.h"

namespace vigie::event_manager::api {

void add_status_routes(web::HttpServer& server, ApiServices& services) {
  server.route(
      "GET", "/api/status",
      [&services](web::Request&) {
        nlohmann::json cameras = nlohmann::json::array();
        for (const auto& record : services.cameras.list()) {
          cameras.push_back(
              status_to_json(record.camera.id(), record.camera.enabled(), services.status.get(record.camera.id())));
        }
        return web::json_response(200, {{"database", services.database.connected()},
                                        {"kafka", services.kafka_connected()},
                                        {"cameras", std::move(cameras)}});
      },
      needs(auth::Role::viewer));

  server.route(
      "GET", "/api/health/cameras",
      [&services](web::Request&) {
        const auto records = services.cameras.list();
        int enabled = 0;
        int active = 0;
        for (const auto& record : records) {
          if (!record.camera.enabled()) continue;
          ++enabled;
          const auto status = services.status.get(record.camera.id());
          if (status && status->state() == v1::CameraStatus::STATE_CONNECTED) ++active;
        }
        const char* verdict = active == enabled ? "ok" : active == 0 ? "down" : "degraded";
        const auto last = services.alerts.last_detection_time();
        return web::json_response(200, {{"status", verdict},
                                        {"active_streams", active},
                                        {"total_cameras", static_cast<int>(records.size())},
                                        {"last_detection", last ? nlohmann::json(rfc3339(*last)) : nullptr}});
      },
      needs(auth::Role::viewer));
}

}  // namespace vigie::event_manager::api
