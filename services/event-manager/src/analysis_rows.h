// Reading analyses rows into their protobuf message.
#pragma once

#include <pqxx/pqxx>

#include "vigie/v1/camera.pb.h"

namespace vigie::event_manager {

// The columns analysis_from_row reads, in order, from table alias "a".
inline constexpr const char* kAnalysisColumns =
    "a.name, a.type, a.detector, a.labels, a.min_score, a.positives_needed, a.window_ms, a.fps, "
    "a.perimeter_m, a.actions";
inline constexpr int kAnalysisColumnCount = 10;

// Reads kAnalysisColumns starting at column first.
v1::Analysis analysis_from_row(const pqxx::row& row, int first = 0);

}  // namespace vigie::event_manager
