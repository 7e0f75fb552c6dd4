#include "status_json.h"

#include "camera_json.h"
#include "time_json.h"

namespace vigie::event_manager::api {
namespace {

std::string state_name(v1::CameraStatus::State state) {
  switch (state) {
    case v1::CameraStatus::STATE_CONNECTING:
      return "connecting";
    case v1::CameraStatus::STATE_CONNECTED:
      return "connected";
    case v1::CameraStatus::STATE_RECONNECTING:
      return "reconnecting";
    case v1::CameraStatus::STATE_STREAM_LOST:
      return "stream_lost";
    case v1::CameraStatus::STATE_DISABLED:
      return "disabled";
    default:
      return "unknown";
  }
}

}  // namespace

nlohmann::json status_to_json(const std::string& camera_id, bool enabled,
                              const std::optional<v1::CameraStatus>& status) {
  nlohmann::json out = {{"camera_id", camera_id},  {"state", "unknown"},     {"fps", 0},
                        {"last_frame_time", nullptr}, {"last_error", ""},   {"reconnects", 0},
                        {"instance", ""},            {"updated_at", nullptr}};
  if (status) {
    out["state"] = state_name(status->state());
    out["fps"] = status->fps();
    out["last_frame_time"] = rfc3339(status->last_frame_time());
    out["last_error"] = status->last_error();
    out["reconnects"] = status->reconnects();
    out["instance"] = status->instance();
    out["updated_at"] = rfc3339(status->time());
  }
  // Ingest may not have seen the change yet; the operator's decision stands.
  if (!enabled) out["state"] = "disabled";
  return out;
}

nlohmann::json camera_with_status(const CameraRecord& record, const std::optional<v1::CameraStatus>& status) {
  auto json = camera_to_json(record);
  json["status"] = status_to_json(record.camera.id(), record.camera.enabled(), status);
  return json;
}

web::Message camera_status_message(const nlohmann::json& status) {
  return web::Message{nlohmann::json{{"kind", "camera_status"}, {"status", status}}.dump(), std::nullopt,
                      std::nullopt};
}

web::Message camera_message(const std::string& camera_id, const nlohmann::json& camera) {
  return web::Message{nlohmann::json{{"kind", "camera"}, {"camera_id", camera_id}, {"camera", camera}}.dump(),
                      std::nullopt, std::nullopt};
}

}  // namespace vigie::event_manager::api
