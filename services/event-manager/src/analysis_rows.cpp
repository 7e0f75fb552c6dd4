#include "analysis_rows.h"

#include "schema_enums.h"
#include "vigie/storage/text_array.h"

namespace vigie::event_manager {

v1::Analysis analysis_from_row(const pqxx::row& row, int first) {
  auto at = [&](int i) { return row[first + i]; };
  v1::Analysis a;
  a.set_name(at(0).as<std::string>());
  a.set_type(alert_type_from_db(at(1).as<std::string>()));
  a.set_detector(at(2).as<std::string>());
  for (auto& label : storage::read_text_array(at(3))) a.add_labels(std::move(label));
  a.set_min_score(at(4).as<float>());
  a.set_positives_needed(at(5).as<uint32_t>());
  a.set_window_ms(at(6).as<uint32_t>());
  a.set_fps(at(7).as<float>());
  a.set_perimeter_m(at(8).as<float>());
  for (auto& action : storage::read_text_array(at(9))) a.add_actions(std::move(action));
  return a;
}

}  // namespace vigie::event_manager
