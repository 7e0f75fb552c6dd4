// A camera's stream status in the API's JSON, and the WebSocket messages that
// tell browsers of status changes and camera changes.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "camera.h"
#include "vigie/v1/status.pb.h"
#include "web/websocket_hub.h"

namespace vigie::event_manager::api {

// The database decides whether a camera is enabled; ingest says how its stream
// is. "unknown" until ingest has reported on it.
nlohmann::json status_to_json(const std::string& camera_id, bool enabled,
                              const std::optional<v1::CameraStatus>& status);

// The camera with its status, as GET /api/cameras/{id} answers.
nlohmann::json camera_with_status(const CameraRecord& record, const std::optional<v1::CameraStatus>& status);

web::Message camera_status_message(const nlohmann::json& status);
// A camera added or changed (camera is its JSON), or deleted (camera null).
web::Message camera_message(const std::string& camera_id, const nlohmann::json& camera);

}  // namespace vigie::event_manager::api
