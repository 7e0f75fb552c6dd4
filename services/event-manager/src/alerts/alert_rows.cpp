#include "alerts/alert_rows.h"

#include <stdexcept>
#include <string>

#include "schema_enums.h"
#include "vigie/storage/text_array.h"

namespace vigie::event_manager {

int64_t to_micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

TimePoint from_micros(int64_t us) { return TimePoint(std::chrono::microseconds(us)); }

AlertRecord alert_from_row(const pqxx::row& row) {
  AlertRecord a;
  a.id = row[0].as<std::string>();
  a.camera_id = row[1].as<std::string>();
  a.camera_name = row[2].as<std::string>();
  a.analysis = row[3].as<std::string>();
  a.type = alert_type_from_db(row[4].as<std::string>());
  const auto state = parse_alert_state(row[5].as<std::string>());
  if (!state) throw std::invalid_argument("alert " + a.id + ": unknown state '" + row[5].as<std::string>() + "'");
  a.state = *state;
  a.latitude = row[6].as<double>();
  a.longitude = row[7].as<double>();
  a.perimeter_m = row[8].as<float>();
  a.actions = storage::read_text_array(row[9]);
  a.label = row[10].as<std::string>();
  a.max_score = row[11].as<float>();
  a.positives = row[12].as<int64_t>();
  a.first_seen = from_micros(row[13].as<int64_t>());
  a.last_seen = from_micros(row[14].as<int64_t>());
  if (!row[15].is_null()) a.evidence_image_id = row[15].as<std::string>();
  a.revision = row[16].as<int64_t>();
  a.created_at = from_micros(row[17].as<int64_t>());
  a.updated_at = from_micros(row[18].as<int64_t>());
  if (!row[19].is_null()) a.decided_by = row[19].as<std::string>();
  if (!row[20].is_null()) a.decided_at = from_micros(row[20].as<int64_t>());
  return a;
}

}  // namespace vigie::event_manager
