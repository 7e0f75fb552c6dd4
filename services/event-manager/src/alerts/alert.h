// An alert as the event manager keeps it (a row of table alerts), the
// operators' decisions on it, and the message the events topic carries for it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/v1/common.pb.h"
#include "vigie/v1/event.pb.h"

namespace vigie::event_manager {

// pending → confirmed | rejected | resolved, confirmed → resolved; rejected and
// resolved are final. Pending and confirmed alerts are open: new positives
// update them.
enum class AlertState { pending, confirmed, rejected, resolved };

// "pending", "confirmed" ... as in the schema and the API.
std::string_view alert_state_name(AlertState state);
std::optional<AlertState> parse_alert_state(std::string_view name);
bool is_open(AlertState state);

using TimePoint = std::chrono::system_clock::time_point;  // microseconds are kept

struct AlertDecision {
  AlertState state = AlertState::confirmed;
  std::string decided_by;  // "user:NAME"
  TimePoint decided_at;
  std::string note;
};

struct AlertRecord {
  std::string id;  // UUID
  std::string camera_id;
  std::string camera_name;  // the camera's, its position and the analysis's settings as they were when raised
  std::string analysis;
  v1::AlertType type = v1::ALERT_TYPE_UNSPECIFIED;
  AlertState state = AlertState::pending;
  double latitude = 0;
  double longitude = 0;
  float perimeter_m = 0;
  std::vector<std::string> actions;
  std::string label;  // of the best positive
  float max_score = 0;
  int64_t positives = 0;
  TimePoint first_seen;  // capture times
  TimePoint last_seen;
  std::optional<std::string> evidence_image_id;
  int64_t revision = 0;
  TimePoint created_at;
  TimePoint updated_at;
  // The latest decision, if any.
  std::optional<std::string> decided_by;
  std::optional<TimePoint> decided_at;
  // Every decision, oldest first: filled by AlertStore::get only.
  std::vector<AlertDecision> decisions;
};

// The alert as published on the events topic. evidence_url stays empty: the
// REST layer's evidence URLs are signed and expire, which a stored message must
// not carry; a consumer asks the API for the alert's evidence by its id.
v1::Event to_event(const AlertRecord& alert);

}  // namespace vigie::event_manager
