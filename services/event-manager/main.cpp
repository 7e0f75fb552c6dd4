// vigie-event-manager: the only writer of PostgreSQL. For now it applies the
// schema and publishes the cameras topic from the database; the REST API,
// WebSocket alerts, rules and authentication come next (docs/event-manager.md).
#include <optional>

#include "camera_publisher.h"
#include "migrations.h"
#include "vigie/app/runtime.h"
#include "vigie/bus/bus_config.h"
#include "vigie/bus/producer.h"
#include "vigie/bus/topic_admin.h"
#include "vigie/crypto/fernet.h"
#include "vigie/log/log.h"
#include "vigie/storage/connection_target.h"
#include "vigie/storage/database.h"
#include "vigie/storage/migrations.h"

int main(int argc, char** argv) try {
  using namespace vigie;
  auto spec = app::base_spec(
      "vigie-event-manager",
      "Owns Vigie's PostgreSQL database: applies its schema at start (numbered migrations)\n"
      "and publishes every camera of the database on the compacted cameras topic, the\n"
      "whole set at start and each change once committed, so ingest and the other\n"
      "services follow the database without restart. Not yet: the REST API, WebSocket\n"
      "alerts, alert rules and users (nothing listens but the admin endpoint).",
      9406);
  bus::declare_settings(spec);
  spec.secret("VIGIE_DATABASE_URL",
              "PostgreSQL connection: libpq key=value string (host=... dbname=... user=... "
              "password=...) or postgresql:// URI",
              true,
              [](const std::string& v) -> std::string {
                try {
                  storage::parse_connection_target(v);
                  return "";
                } catch (const std::invalid_argument&) {
                  return "a libpq connection string (host=... dbname=...) or a postgresql:// URI";
                }
              })
      .integer("VIGIE_DATABASE_POOL_SIZE", 4, 1, 64, "database connections held open at most")
      .secret("VIGIE_FERNET_KEY",
              "Fernet key (base64url, 32 bytes) that seals cameras' credentials; without it a camera "
              "cannot be given credentials",
              false, crypto::Fernet::check_key);
  auto settings = spec.load(argc, argv);
  app::Runtime runtime("vigie-event-manager", settings);
  auto config = bus::from_settings(settings);
  if (settings.text("VIGIE_FERNET_KEY").empty())
    log::warn("VIGIE_FERNET_KEY is not set: cameras cannot be given credentials");

  storage::DatabaseOptions database_options;
  database_options.url = settings.text("VIGIE_DATABASE_URL");
  database_options.pool_size = static_cast<std::size_t>(settings.integer("VIGIE_DATABASE_POOL_SIZE"));
  storage::Database database(database_options, runtime.metrics().registry());
  bus::Producer producer(config, "vigie-event-manager", runtime.metrics());
  event_manager::CameraPublisher publisher(database, producer, {}, runtime.metrics().registry());
  // All checks from the start: not ready until the schema is applied and the
  // cameras topic caught up with the database.
  runtime.admin().add_readiness_check("database", [&] { return database.connected(); });
  runtime.admin().add_readiness_check("kafka", [&] { return producer.connected(); });
  runtime.admin().add_readiness_check("cameras", [&] { return publisher.caught_up(); });
  // Gone before the objects the checks read, on every way out of main.
  struct StopAdminFirst {
    admin::AdminServer& admin;
    ~StopAdminFirst() { admin.stop(); }
  } stop_admin_first{runtime.admin()};

  log::info("waiting for the database", {{"database", database.target().describe()}});
  if (!database.wait_until_connected(runtime.stop_token())) return 0;
  storage::migrate(database, event_manager::migrations());
  bus::ensure_topics(config, {bus::Topic::cameras});
  publisher.start();

  runtime.wait_for_stop();
  return 0;
} catch (const std::exception& e) {
  vigie::log::error("vigie-event-manager stopped on an error", {{"error", e.what()}});
  return 1;
}
