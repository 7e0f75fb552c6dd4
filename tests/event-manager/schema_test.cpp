// The event manager's schema as the binary carries it: every file compiled in,
// applied on an empty database and then a no-op, and constraints that hold the
// data to what the code expects even when written by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "event_manager_test_support.h"
#include "migrations.h"
#include "vigie/storage/migrations.h"

namespace vigie::event_manager {
namespace {

using testing::EventManagerDatabase;

TEST(Schema, TheBinaryCarriesEveryMigrationFileVerbatim) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(VIGIE_MIGRATIONS_DIR))
    if (entry.path().extension() == ".sql") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  const auto& embedded = migrations();
  ASSERT_EQ(embedded.size(), files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    SCOPED_TRACE(files[i]);
    std::ifstream in(files[i]);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(embedded[i].label() + ".sql", files[i].filename().string());
    EXPECT_EQ(embedded[i].sql, text.str());
  }
}

TEST(Schema, AppliesOnAnEmptyDatabaseThenIsANoOp) {
  EventManagerDatabase em;  // migrated once already
  EXPECT_EQ(em.scalar<int>("SELECT count(*) FROM schema_migrations"), static_cast<int>(migrations().size()));
  EXPECT_EQ(storage::migrate(em.db, migrations()), 0);
  for (const char* table : {"cameras", "analyses", "camera_analyses", "alerts", "alert_decisions", "evidence_images",
                            "users", "audit_log", "processed_messages", "camera_outbox"}) {
    EXPECT_TRUE(em.scalar<bool>("SELECT to_regclass($1) IS NOT NULL", table)) << table;
  }
}

class SchemaConstraints : public ::testing::Test {
 protected:
  // Runs sql and returns the SQLSTATE it failed with, or "" if it succeeded.
  std::string sqlstate_of(const std::string& sql) {
    try {
      em_.exec(sql);
      return "";
    } catch (const pqxx::sql_error& e) {
      return e.sqlstate();
    }
  }
  EventManagerDatabase em_;
};

constexpr const char* kCheck = "23514";
constexpr const char* kUnique = "23505";
constexpr const char* kForeignKey = "23503";

TEST_F(SchemaConstraints, CamerasHoldOnlyWhatTheCodeCanRead) {
  const std::string insert =
      "INSERT INTO cameras (id, name, analysis_kind, analysis_url, latitude, longitude";
  EXPECT_EQ(sqlstate_of(insert + ") VALUES ('cam-1', 'A', 'rtsp', 'rtsp://h/s', 48.8, 2.3)"), "");
  EXPECT_EQ(sqlstate_of(insert + ") VALUES ('cam-2', 'A', 'rtsp', 'rtsp://h/s', 91, 2.3)"), kCheck);
  EXPECT_EQ(sqlstate_of(insert + ") VALUES ('cam-2', 'A', 'rtsp', 'rtsp://h/s', 48, 181)"), kCheck);
  EXPECT_EQ(sqlstate_of(insert + ") VALUES ('cam 2', 'A', 'rtsp', 'rtsp://h/s', 48, 2)"), kCheck);
  EXPECT_EQ(sqlstate_of(insert + ") VALUES ('cam-2', ' ', 'rtsp', 'rtsp://h/s', 48, 2)"), kCheck);
  EXPECT_EQ(sqlstate_of(insert + ", snapshot_interval_ms) VALUES ('cam-2', 'A', 'rtsp', 'rtsp://h/s', 48, 2, 500)"),
            kCheck);
  EXPECT_EQ(sqlstate_of(insert + ", recording_url) VALUES ('cam-2', 'A', 'rtsp', 'rtsp://h/s', 48, 2, 'rtsp://h/hi')"),
            kCheck);
  EXPECT_EQ(sqlstate_of(insert + ", motion) VALUES ('cam-2', 'A', 'rtsp', 'rtsp://h/s', 48, 2, '[]')"), kCheck);
  EXPECT_EQ(sqlstate_of(insert + ") VALUES ('cam-1', 'B', 'rtsp', 'rtsp://h/s', 48, 2)"), kUnique);
}

TEST_F(SchemaConstraints, AnalysesInUseCannotBeDeletedButCamerasTakeTheirLinksAlong) {
  em_.exec("INSERT INTO analyses (name, type, detector, labels, min_score, positives_needed, window_ms, fps, "
           "perimeter_m) VALUES ('fire', 'fire_brigade', 'd', '{fire}', 0.5, 3, 1000, 2, 100)");
  em_.exec("INSERT INTO cameras (id, name, analysis_kind, analysis_url, latitude, longitude) "
           "VALUES ('cam-1', 'A', 'rtsp', 'rtsp://h/s', 48.8, 2.3)");
  em_.exec("INSERT INTO camera_analyses SELECT 'cam-1', id FROM analyses");
  EXPECT_EQ(sqlstate_of("DELETE FROM analyses"), kForeignKey);
  EXPECT_EQ(sqlstate_of("DELETE FROM cameras"), "");
  EXPECT_EQ(em_.scalar<int>("SELECT count(*) FROM camera_analyses"), 0);
  EXPECT_EQ(sqlstate_of("UPDATE analyses SET labels = '{}'"), kCheck);
  EXPECT_EQ(sqlstate_of("UPDATE analyses SET labels = '{fire,NULL}'"), kCheck);
  EXPECT_EQ(sqlstate_of("UPDATE analyses SET name = 'Fire!'"), kCheck);
}

TEST_F(SchemaConstraints, OneOpenAlertPerCameraAndAnalysisAndDecisionsFollowTheirAlert) {
  const std::string alert =
      "INSERT INTO alerts (id, camera_id, camera_name, analysis, type, state, latitude, longitude, perimeter_m, "
      "label, max_score, positives, first_seen, last_seen) VALUES ";
  const std::string rest = ", 'cam-1', 'A', 'fire', 'fire_brigade', ";
  EXPECT_EQ(sqlstate_of(alert + "('00000000-0000-0000-0000-000000000001'" + rest +
                        "'pending', 48.8, 2.3, 100, 'fire', 0.9, 3, now(), now())"),
            "");
  EXPECT_EQ(sqlstate_of(alert + "('00000000-0000-0000-0000-000000000002'" + rest +
                        "'confirmed', 48.8, 2.3, 100, 'fire', 0.9, 3, now(), now())"),
            kUnique);
  EXPECT_EQ(sqlstate_of(alert + "('00000000-0000-0000-0000-000000000003'" + rest +
                        "'resolved', 48.8, 2.3, 100, 'fire', 0.9, 3, now(), now())"),
            "");
  EXPECT_EQ(sqlstate_of(alert + "('00000000-0000-0000-0000-000000000004'" + rest +
                        "'resolved', 48.8, 2.3, 100, 'fire', 0.9, 3, now(), now() - interval '1 s')"),
            kCheck);
  EXPECT_EQ(sqlstate_of("INSERT INTO evidence_images (id, alert_id, camera_id, jpeg) VALUES "
                        "('00000000-0000-0000-0000-00000000000e', '00000000-0000-0000-0000-000000000001', 'cam-1', "
                        "'\\xffd8ffe0'::bytea)"),
            "");
  EXPECT_EQ(sqlstate_of("INSERT INTO evidence_images (id, alert_id, camera_id, jpeg) VALUES "
                        "('00000000-0000-0000-0000-00000000000f', '00000000-0000-0000-0000-000000000001', 'cam-1', "
                        "'\\x89504e47'::bytea)"),
            kCheck);  // a PNG
  EXPECT_EQ(sqlstate_of("UPDATE alerts SET evidence_image_id = '00000000-0000-0000-0000-00000000000e' "
                        "WHERE id = '00000000-0000-0000-0000-000000000001'"),
            "");
  EXPECT_EQ(sqlstate_of("INSERT INTO alert_decisions (alert_id, state, decided_by) VALUES "
                        "('00000000-0000-0000-0000-000000000001', 'pending', 'user:a')"),
            kCheck);
  EXPECT_EQ(sqlstate_of("INSERT INTO alert_decisions (alert_id, state, decided_by) VALUES "
                        "('00000000-0000-0000-0000-000000000001', 'confirmed', 'user:a')"),
            "");
  EXPECT_EQ(sqlstate_of("DELETE FROM alerts WHERE id = '00000000-0000-0000-0000-000000000001'"), "");
  EXPECT_EQ(em_.scalar<int>("SELECT (SELECT count(*) FROM alert_decisions) + (SELECT count(*) FROM evidence_images)"),
            0);
}

TEST_F(SchemaConstraints, UserNamesWhateverTheirCaseAndProcessedMessageIdsAreUnique) {
  EXPECT_EQ(sqlstate_of("INSERT INTO users (name, password_hash, role) VALUES ('Alice', 'h', 'admin')"), "");
  EXPECT_EQ(sqlstate_of("INSERT INTO users (name, password_hash, role) VALUES ('alice', 'h', 'viewer')"), kUnique);
  EXPECT_EQ(sqlstate_of("INSERT INTO users (name, password_hash, role) VALUES ('bob', 'h', 'root')"), "22P02");
  EXPECT_EQ(sqlstate_of("INSERT INTO processed_messages (topic, message_id) VALUES ('vigie.detections', 'd-1')"), "");
  EXPECT_EQ(sqlstate_of("INSERT INTO processed_messages (topic, message_id) VALUES ('vigie.detections', 'd-1')"),
            kUnique);
}

}  // namespace
}  // namespace vigie::event_manager
