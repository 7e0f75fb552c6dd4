// Alerts in PostgreSQL as the operators see them: the list with its filters and
// keyset pages, one alert with its decisions, the decisions themselves, and the
// evidence pictures. A decision is one transaction: the alert's new state and
// revision, its alert_decisions row, its audit row and its event for the events
// topic. Errors as the other stores: ValidationError, NotFound, Conflict.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alert.h"
#include "vigie/storage/database.h"

namespace vigie::event_manager {

// The map's bounding box in degrees; west may not exceed east (no box across
// the antimeridian).
struct GeoBox {
  double min_longitude = 0;
  double min_latitude = 0;
  double max_longitude = 0;
  double max_latitude = 0;
};

// Unset members do not filter.
struct AlertFilter {
  std::optional<std::string> camera_id = {};
  std::optional<v1::AlertType> type = {};
  std::optional<AlertState> state = {};
  std::optional<TimePoint> from = {};      // raised (first_seen) at or after
  std::optional<TimePoint> to = {};        // raised before
  std::optional<GeoBox> bbox = {};         // the camera's position inside, edges included
  int limit = 50;                          // 1 to 500
  std::optional<std::string> cursor = {};  // next_cursor of the page before
};

struct AlertPage {
  std::vector<AlertRecord> alerts;         // newest raised first (first_seen DESC, id DESC)
  std::optional<std::string> next_cursor;  // absent on the last page
  int64_t total = 0;                       // alerts matching the filter, on every page
};

struct EvidenceImage {
  std::string alert_id;
  std::string jpeg;
};

class AlertStore {
 public:
  explicit AlertStore(storage::Database& database);

  // ValidationError naming "limit", "cursor", "to" or "bbox" for a bad filter.
  AlertPage list(const AlertFilter& filter) const;
  // With its decisions, oldest first.
  std::optional<AlertRecord> get(const std::string& id) const;
  // pending → confirmed | rejected | resolved (resolved: it was real but is over
  // by the time an operator looks), confirmed → resolved. Closing it (rejected,
  // resolved) starts the cool-down of its camera and analysis, from its last_seen. Conflict naming
  // both states for any other change; ValidationError for decision "pending"
  // ("state") or a note over 2000 characters ("note"); NotFound. actor is
  // "user:NAME". Returns the alert as decided, with its decisions.
  AlertRecord decide(const std::string& id, AlertState decision, const std::string& actor,
                     const std::string& note = "");
  std::optional<EvidenceImage> evidence(const std::string& image_id) const;
  // When something was last detected: the capture time of the newest positive
  // the rules counted (detection_clock), none before the first.
  std::optional<TimePoint> last_detection_time() const;

 private:
  storage::Database& database_;
};

}  // namespace vigie::event_manager
