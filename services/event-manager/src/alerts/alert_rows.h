// Reading alerts rows (with their latest decision) into AlertRecord, and the
// conversions of capture times between the code (microseconds since the epoch)
// and the database (timestamptz, which keeps microseconds).
#pragma once

#include <cstdint>

#include <pqxx/pqxx>

#include "alerts/alert.h"

namespace vigie::event_manager {

// kAlertColumns of table alias "a", with "d" its latest decision.
inline constexpr const char* kAlertFrom =
    "alerts a LEFT JOIN LATERAL (SELECT decided_by, decided_at FROM alert_decisions "
    "WHERE alert_id = a.id ORDER BY decided_at DESC, id DESC LIMIT 1) d ON true";
inline constexpr const char* kAlertColumns =
    "a.id::text, a.camera_id, a.camera_name, a.analysis, a.type::text, a.state::text, a.latitude, a.longitude, "
    "a.perimeter_m, a.actions, a.label, a.max_score, a.positives, "
    "(extract(epoch FROM a.first_seen) * 1000000)::bigint, (extract(epoch FROM a.last_seen) * 1000000)::bigint, "
    "a.evidence_image_id::text, a.revision, (extract(epoch FROM a.created_at) * 1000000)::bigint, "
    "(extract(epoch FROM a.updated_at) * 1000000)::bigint, d.decided_by, "
    "(extract(epoch FROM d.decided_at) * 1000000)::bigint";

AlertRecord alert_from_row(const pqxx::row& row);

// Microseconds since the epoch, as the rules count time.
int64_t to_micros(TimePoint t);
TimePoint from_micros(int64_t us);

}  // namespace vigie::event_manager
