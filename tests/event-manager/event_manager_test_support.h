// What the event manager's tests share: its schema migrated on a private
// PostgreSQL server, queries for checking rows, and example cameras and analyses.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <prometheus/registry.h>

#include "camera.h"
#include "postgres_fixture.h"
#include "vigie/storage/database.h"
#include "vigie/v1/camera.pb.h"

namespace vigie::testing {

class EventManagerDatabase {
 public:
  // Starts the server and applies the event manager's migrations.
  EventManagerDatabase();

  template <class T, class... Args>
  T scalar(const std::string& sql, Args&&... args) {
    return db.with_transaction(
        [&](pqxx::work& tx) { return tx.exec_params1(sql, std::forward<Args>(args)...)[0].template as<T>(); });
  }
  void exec(const std::string& sql) {
    db.with_transaction([&](pqxx::work& tx) { tx.exec(sql); });
  }
  // Every camera_outbox row, oldest first: camera id and message (nullopt for a tombstone).
  std::vector<std::pair<std::string, std::optional<v1::Camera>>> outbox();

  PostgresFixture pg;
  prometheus::Registry metrics;
  storage::Database db;
};

// "fire": fire brigade on the labels fire and smoke.
v1::Analysis example_analysis(const std::string& name = "fire");
// An RTSP camera near Paris's Hôtel de Ville running the analyses named.
event_manager::CameraInput example_camera(const std::string& id, std::vector<std::string> analyses = {});

}  // namespace vigie::testing
