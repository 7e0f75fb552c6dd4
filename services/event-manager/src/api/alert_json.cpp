#include "alert_json.h"

#include <charconv>

#include "schema_enums.h"
#include "time_json.h"

namespace vigie::event_manager::api {
namespace {

std::string message_for(const std::string& image_id, int64_t expires) {
  return "evidence/" + image_id + "/" + std::to_string(expires);
}

int64_t unix_seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace

EvidenceUrls::EvidenceUrls(const auth::TokenSigner& signer, std::chrono::seconds lifetime)
    : signer_(signer), lifetime_(std::max(lifetime, std::chrono::seconds(2))) {}

std::string EvidenceUrls::url(const std::string& image_id, std::chrono::system_clock::time_point now) const {
  const int64_t step = lifetime_.count() / 2;
  const int64_t earliest = unix_seconds(now) + lifetime_.count();
  const int64_t expires = (earliest + step - 1) / step * step;
  return "/api/evidence/" + image_id + "?expires=" + std::to_string(expires) +
         "&signature=" + signer_.sign(message_for(image_id, expires));
}

bool EvidenceUrls::valid(const std::string& image_id, const std::string& expires, const std::string& signature,
                         std::chrono::system_clock::time_point now) const {
  int64_t when = 0;
  const auto [end, error] = std::from_chars(expires.data(), expires.data() + expires.size(), when);
  if (error != std::errc() || end != expires.data() + expires.size()) return false;
  if (when <= unix_seconds(now)) return false;
  return signer_.verify_signature(message_for(image_id, when), signature);
}

nlohmann::json alert_to_json(const AlertRecord& a, const EvidenceUrls& evidence) {
  nlohmann::json decisions = nlohmann::json::array();
  for (const auto& d : a.decisions) {
    decisions.push_back({{"state", alert_state_name(d.state)},
                         {"decided_by", d.decided_by},
                         {"decided_at", rfc3339(d.decided_at)},
                         {"note", d.note}});
  }
  nlohmann::json out = {
      {"id", a.id},
      {"camera_id", a.camera_id},
      {"camera_name", a.camera_name},
      {"analysis", a.analysis},
      {"type", to_db(a.type)},
      {"state", alert_state_name(a.state)},
      {"latitude", a.latitude},
      {"longitude", a.longitude},
      {"perimeter_m", a.perimeter_m},
      {"actions", a.actions},
      {"label", a.label},
      {"max_score", a.max_score},
      {"positives", a.positives},
      {"first_seen", rfc3339(a.first_seen)},
      {"last_seen", rfc3339(a.last_seen)},
      {"evidence_url", a.evidence_image_id ? nlohmann::json(evidence.url(*a.evidence_image_id)) : nullptr},
      {"revision", a.revision},
      {"decided_by", a.decided_by ? nlohmann::json(*a.decided_by) : nullptr},
      {"decided_at", a.decided_at ? nlohmann::json(rfc3339(*a.decided_at)) : nullptr},
  };
  if (!a.decisions.empty()) out["decisions"] = std::move(decisions);
  return out;
}

web::Message alert_message(const AlertRecord& alert, const EvidenceUrls& evidence) {
  return web::Message{nlohmann::json{{"kind", "alert"}, {"alert", alert_to_json(alert, evidence)}}.dump(),
                      to_db(alert.type), web::GeoPoint{alert.latitude, alert.longitude}};
}

}  // namespace vigie::event_manager::api
