// What the REST routes work with: the stores, the signer, the rate limiters, the
// live camera status and the WebSocket hub that hears of every change. Owned by
// main; the routes only borrow them.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "alert_json.h"
#include "alerts/alert_store.h"
#include "analysis_store.h"
#include "auth/rate_limiter.h"
#include "auth/token_signer.h"
#include "auth/user_store.h"
#include "camera_status_board.h"
#include "camera_store.h"
#include "live/live_feed.h"
#include "vigie/storage/database.h"
#include "web/websocket_hub.h"

namespace vigie::event_manager::api {

struct ApiServices {
  storage::Database& database;
  CameraStore& cameras;
  AnalysisStore& analyses;
  AlertStore& alerts;
  auth::UserStore& users;
  const auth::TokenSigner& signer;
  CameraStatusBoard& status;
  web::WebSocketHub& hub;
  // Per client address and per user name: slows password guessing.
  auth::RateLimiter& login_limiter;
  // Per user: a script gone wrong cannot flood the decisions.
  auth::RateLimiter& decision_limiter;
  std::chrono::seconds token_lifetime;
  const EvidenceUrls& evidence;
  // Admin URLs of the ingest instances asked for their V4L2 devices.
  std::vector<std::string> ingest_admin_urls;
  std::function<bool()> kafka_connected;
  live::LiveFeed& live;
  // What GET /config.json tells the web interface (map tiles, where the map opens).
  nlohmann::json web_config;
};

}  // namespace vigie::event_manager::api
