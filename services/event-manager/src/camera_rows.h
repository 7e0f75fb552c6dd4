// Reading cameras, with the analyses they run, into the message the cameras topic
// carries.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "vigie/v1/camera.pb.h"

namespace vigie::event_manager {

struct StoredCamera {
  v1::Camera camera;  // complete, credentials_token included
  std::chrono::system_clock::time_point created_at;
};

// Which cameras to read; unset members do not filter.
struct CameraFilter {
  std::optional<std::string> id;
  std::optional<int64_t> runs_analysis;  // analyses.id
};

// In id order, each camera's analyses in name order. The two statements see one
// state only when the caller's transaction holds it still (repeatable read, or
// locks on the rows).
std::vector<StoredCamera> load_cameras(pqxx::transaction_base& tx, const CameraFilter& filter = {});

}  // namespace vigie::event_manager
