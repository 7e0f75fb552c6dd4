// Alerts in the API's JSON and WebSocket messages, with their evidence image's
// signed URL: the URL is its own credential (an <img> sends no header), made of
// the image id and an expiry under the server's key.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "alerts/alert.h"
#include "auth/token_signer.h"
#include "web/websocket_hub.h"

namespace vigie::event_manager::api {

class EvidenceUrls {
 public:
  EvidenceUrls(const auth::TokenSigner& signer, std::chrono::seconds lifetime);

  // "/api/evidence/<id>?expires=<unix>&signature=<sig>". The expiry is rounded
  // up to half a lifetime, so the same image keeps one URL for a while and
  // browsers can cache it.
  std::string url(const std::string& image_id,
                  std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;
  // Whether the query's expiry is in the future and its signature is this
  // server's for this image and expiry.
  bool valid(const std::string& image_id, const std::string& expires, const std::string& signature,
             std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

 private:
  const auth::TokenSigner& signer_;
  std::chrono::seconds lifetime_;
};

nlohmann::json alert_to_json(const AlertRecord& alert, const EvidenceUrls& evidence);
// {"kind":"alert","alert":...}, filtered by the alert's type and position.
web::Message alert_message(const AlertRecord& alert, const EvidenceUrls& evidence);

}  // namespace vigie::event_manager::api
