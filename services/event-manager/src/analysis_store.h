// Analyses in PostgreSQL, with the camera store's pattern: every change is one
// transaction with its audit row. An analysis is copied whole onto every camera
// that runs it (so inference needs no database), hence a change of one raises
// the revision of each of those cameras and queues them for the cameras topic in
// the same transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigie/storage/database.h"
#include "vigie/v1/camera.pb.h"

namespace vigie::event_manager {

struct AnalysisRecord {
  v1::Analysis analysis;
  int64_t revision = 0;
  std::vector<std::string> cameras;  // ids of the cameras that run it
  std::chrono::system_clock::time_point created_at;
  std::chrono::system_clock::time_point updated_at;
};

class AnalysisStore {
 public:
  explicit AnalysisStore(storage::Database& database);

  // ValidationError for a bad value; Conflict when the name is taken.
  AnalysisRecord create(const v1::Analysis& analysis, const std::string& actor);
  // Replaces the analysis called name (a new name renames it). NotFound, Conflict
  // (new name taken), ValidationError.
  AnalysisRecord update(const std::string& name, const v1::Analysis& analysis, const std::string& actor);
  // Conflict while a camera runs it; NotFound.
  void remove(const std::string& name, const std::string& actor);

  std::optional<AnalysisRecord> get(const std::string& name) const;
  std::vector<AnalysisRecord> list() const;

 private:
  storage::Database& database_;
};

}  // namespace vigie::event_manager
