// vigie-event-manager: the only writer of PostgreSQL and the operators' entry
// point (docs/event-manager.md): schema, cameras topic from the database,
// alerts from detections and motion, REST API, WebSocket pushes, users.
#include <filesystem>
#include <fstream>
#include <optional>

#include <sys/stat.h>

#include "alerts/alert_ingestor.h"
#include "alerts/alert_store.h"
#include "alerts/event_outbox.h"
#include "analysis_store.h"
#include "api/alert_json.h"
#include "api/routes.h"
#include "api/status_json.h"
#include "api/store_errors_http.h"
#include "auth/rate_limiter.h"
#include "auth/token_signer.h"
#include "auth/user_store.h"
#include "camera_publisher.h"
#include "camera_status_board.h"
#include "camera_store.h"
#include "live/live_feed.h"
#include "migrations.h"
#include "outbox_publisher.h"
#include "vigie/app/runtime.h"
#include "vigie/bus/bus_config.h"
#include "vigie/bus/producer.h"
#include "vigie/bus/topic_admin.h"
#include "vigie/crypto/fernet.h"
#include "vigie/log/log.h"
#include "vigie/storage/connection_target.h"
#include "vigie/storage/database.h"
#include "vigie/storage/migrations.h"
#include "web/http_server.h"
#include "web/websocket_hub.h"

namespace {

using namespace vigie;
namespace web = vigie::event_manager::web;

void declare_settings(config::Spec& spec) {
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
      .integer("VIGIE_DATABASE_POOL_SIZE", 8, 1, 64, "database connections held open at most")
      .secret("VIGIE_FERNET_KEY",
              "Fernet key (base64url, 32 bytes) that seals cameras' credentials; without it a camera "
              "cannot be given credentials",
              false, crypto::Fernet::check_key)
      .address("VIGIE_HTTP_ADDR", "127.0.0.1:8080", "where the REST API, the WebSocket and the web interface listen")
      .text("VIGIE_HTTP_URL_FILE", "", "write the API's base URL to this file once listening (for scripts and tests)")
      .text("VIGIE_TLS_CERT", "", "PEM certificate chain: with VIGIE_TLS_KEY, HTTPS and WSS only")
      .text("VIGIE_TLS_KEY", "", "PEM private key of VIGIE_TLS_CERT")
      .text("VIGIE_WEB_DIR", "", "folder of the built web interface served at / (none: the API only)")
      .text("VIGIE_FIRST_ADMIN_PASSWORD_FILE", "admin-password.txt",
            "on the first start (no user yet) the generated password of user \"admin\" is written here, "
            "readable by this user only; it is never logged")
      .duration("VIGIE_TOKEN_LIFETIME", std::chrono::hours(8), "how long a login lasts")
      .duration("VIGIE_EVIDENCE_URL_LIFETIME", std::chrono::hours(1), "how long a signed evidence image URL works")
      .duration("VIGIE_ALERT_COOLDOWN", std::chrono::seconds(60),
                "after an alert is rejected or resolved, no new alert for its camera and analysis for this long")
      .integer("VIGIE_WEBSOCKET_QUEUE", 256, 8, 100'000,
               "messages waiting for one WebSocket client; a client that lets it fill is disconnected")
      .text("VIGIE_MAP_TILE_URL", "",
            "raster tile server for the web map (https://tiles.example/{z}/{x}/{y}.png); none: the offline "
            "vector base layer served with the interface")
      .text("VIGIE_MAP_TILE_ATTRIBUTION", "", "attribution shown for VIGIE_MAP_TILE_URL's tiles")
      .number("VIGIE_MAP_LATITUDE", 48.8566, -90, 90, "where the web map opens: latitude")
      .number("VIGIE_MAP_LONGITUDE", 2.3522, -180, 180, "where the web map opens: longitude")
      .integer("VIGIE_MAP_ZOOM", 13, 1, 19, "where the web map opens: zoom level")
      .text("VIGIE_INGEST_ADMIN_URLS", "",
            "comma-separated admin URLs of the ingest instances asked for their V4L2 devices "
            "(http://host:9401,...)");
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

nlohmann::json web_config(const config::Settings& settings) {
  nlohmann::json config = {
      {"map_center", {settings.number("VIGIE_MAP_LATITUDE"), settings.number("VIGIE_MAP_LONGITUDE")}},
      {"map_zoom", settings.integer("VIGIE_MAP_ZOOM")}};
  if (const auto& tiles = settings.text("VIGIE_MAP_TILE_URL"); !tiles.empty()) {
    config["tile_url"] = tiles;
    config["tile_attribution"] = settings.text("VIGIE_MAP_TILE_ATTRIBUTION");
    config["tile_max_zoom"] = 19;
  }
  return config;
}

web::ServerOptions server_options(const config::Settings& settings) {
  web::ServerOptions options;
  const std::string address = settings.text("VIGIE_HTTP_ADDR");
  const auto colon = address.rfind(':');
  options.host = address.substr(0, colon);
  options.port = static_cast<unsigned short>(std::stoi(address.substr(colon + 1)));
  const std::string cert = settings.text("VIGIE_TLS_CERT");
  const std::string key = settings.text("VIGIE_TLS_KEY");
  if (cert.empty() != key.empty()) {
    throw std::invalid_argument("VIGIE_TLS_CERT and VIGIE_TLS_KEY go together: set both for TLS, or neither");
  }
  if (!cert.empty()) options.tls = web::TlsFiles{cert, key};
  return options;
}

// Shown once: written to a file only its owner can read, never to the log.
void hand_over_first_admin_password(const std::string& password, const std::string& file) {
  const auto old_mask = ::umask(077);
  std::filesystem::remove(file);
  std::ofstream out(file);
  out << password << "\n";
  out.close();
  ::umask(old_mask);
  if (!out) throw std::runtime_error("cannot write the first admin's password to " + file);
  log::warn("first start: user \"admin\" was created; its generated password is in the file named here, "
            "readable by this user only: log in and change it",
            {{"file", std::filesystem::absolute(file).string()}});
}

}  // namespace

int main(int argc, char** argv) try {
  auto spec = app::base_spec(
      "vigie-event-manager",
      "Owns Vigie's PostgreSQL database and serves the operators: applies the schema at\n"
      "start (numbered migrations); publishes every camera on the compacted cameras topic;\n"
      "turns detections (and motion, for analyses whose detector is \"motion\") into alerts\n"
      "by each analysis's rule, exactly once, and publishes them on the events topic; serves\n"
      "the REST API (docs/openapi.yaml), the WebSocket of alerts and camera status, and the\n"
      "web interface. On the first start it creates user \"admin\" with a generated password.",
      9406);
  declare_settings(spec);
  auto settings = spec.load(argc, argv);
  app::Runtime runtime("vigie-event-manager", settings);
  const auto config = bus::from_settings(settings);
  const auto options = server_options(settings);
  if (settings.text("VIGIE_FERNET_KEY").empty())
    log::warn("VIGIE_FERNET_KEY is not set: cameras cannot be given credentials");

  storage::DatabaseOptions database_options;
  database_options.url = settings.text("VIGIE_DATABASE_URL");
  database_options.pool_size = static_cast<std::size_t>(settings.integer("VIGIE_DATABASE_POOL_SIZE"));
  storage::Database database(database_options, runtime.metrics().registry());
  // One producer per outbox: a failed send waits for its own producer to drain.
  bus::Producer camera_producer(config, "vigie-event-manager", runtime.metrics());
  bus::Producer event_producer(config, "vigie-event-manager", runtime.metrics());
  bus::Producer dead_letters(config, "vigie-event-manager", runtime.metrics());
  event_manager::CameraPublisher camera_publisher(database, camera_producer, {}, runtime.metrics().registry());
  event_manager::OutboxPublisher event_publisher(database, event_producer, event_manager::event_outbox_table(), {},
                                                 runtime.metrics().registry());
  event_manager::CameraStatusBoard status_board(config, runtime.metrics(), dead_letters);
  event_manager::live::LiveFeed live_feed(config, runtime.metrics(), dead_letters);
  web::WebSocketHub hub(runtime.metrics().registry(),
                        {.queue_limit = static_cast<std::size_t>(settings.integer("VIGIE_WEBSOCKET_QUEUE"))});

  std::optional<crypto::Fernet> fernet;
  if (!settings.text("VIGIE_FERNET_KEY").empty()) fernet = crypto::Fernet::from_key(settings.text("VIGIE_FERNET_KEY"));
  event_manager::CameraStore cameras(database, fernet);
  event_manager::AnalysisStore analyses(database);
  event_manager::AlertStore alerts(database);

  runtime.admin().add_readiness_check("database", [&] { return database.connected(); });
  runtime.admin().add_readiness_check("kafka", [&] { return camera_producer.connected(); });
  runtime.admin().add_readiness_check("cameras", [&] { return camera_publisher.caught_up(); });
  // Gone before the objects the checks read, on every way out of main (one guard
  // after each object a check reads).
  struct StopAdminFirst {
    admin::AdminServer& admin;
    ~StopAdminFirst() { admin.stop(); }
  } stop_admin_first{runtime.admin()};

  log::info("waiting for the database", {{"database", database.target().describe()}});
  if (!database.wait_until_connected(runtime.stop_token())) return 0;
  storage::migrate(database, event_manager::migrations());
  bus::ensure_topics(config, {bus::Topic::cameras, bus::Topic::frames, bus::Topic::detections, bus::Topic::motion,
                              bus::Topic::status, bus::Topic::events, bus::Topic::dlq});

  event_manager::auth::UserStore users(database);
  if (const auto password = users.ensure_first_admin())
    hand_over_first_admin_password(*password, settings.text("VIGIE_FIRST_ADMIN_PASSWORD_FILE"));
  const auto signer = event_manager::auth::TokenSigner::from_database(database);
  const event_manager::api::EvidenceUrls evidence(signer, std::chrono::duration_cast<std::chrono::seconds>(
                                                              settings.duration("VIGIE_EVIDENCE_URL_LIFETIME")));
  // Five attempts at once, then one every 12 s, per address and per user name.
  event_manager::auth::RateLimiter login_limiter({.burst = 5, .interval = std::chrono::seconds(12)});
  // An operator clears a burst of alerts quickly, a runaway script does not.
  event_manager::auth::RateLimiter decision_limiter({.burst = 30, .interval = std::chrono::milliseconds(200)});

  event_manager::AlertIngestorOptions ingestor_options;
  ingestor_options.writer.cooldown = settings.duration("VIGIE_ALERT_COOLDOWN");
  event_manager::AlertIngestor ingestor(
      database, config, runtime.metrics(), dead_letters, ingestor_options,
      [&](const std::vector<event_manager::AlertRecord>& changed) {
        for (const auto& alert : changed) hub.publish(event_manager::api::alert_message(alert, evidence));
      });
  runtime.admin().add_readiness_check("alerts", [&] { return ingestor.connected(); });
  StopAdminFirst stop_admin_before_ingestor{runtime.admin()};
  status_board.on_state_change([&](const v1::CameraStatus& status) {
    const auto record = cameras.get(status.camera_id());
    if (!record) return;
    hub.publish(event_manager::api::camera_status_message(
        event_manager::api::status_to_json(status.camera_id(), record->camera.enabled(), status)));
  });

  web::HttpServer server(options, runtime.metrics().registry());
  event_manager::api::ApiServices services{
      .database = database,
      .cameras = cameras,
      .analyses = analyses,
      .alerts = alerts,
      .users = users,
      .signer = signer,
      .status = status_board,
      .hub = hub,
      .login_limiter = login_limiter,
      .decision_limiter = decision_limiter,
      .token_lifetime = std::chrono::duration_cast<std::chrono::seconds>(settings.duration("VIGIE_TOKEN_LIFETIME")),
      .evidence = evidence,
      .ingest_admin_urls = split_list(settings.text("VIGIE_INGEST_ADMIN_URLS")),
      .kafka_connected = [&] { return camera_producer.connected(); },
      .live = live_feed,
      .web_config = web_config(settings)};
  event_manager::api::add_api_routes(server, services);
  server.websocket("/api/ws", hub);
  server.set_authenticator([&](std::string_view token, const web::Request&) {
    return event_manager::api::caller_for_token(token, signer, users);
  });
  server.set_exception_mapper(event_manager::api::store_error_response);
  if (const auto& web_dir = settings.text("VIGIE_WEB_DIR"); !web_dir.empty()) server.serve_static("/", web_dir);

  camera_publisher.start();
  event_publisher.start();
  status_board.start();
  ingestor.start();
  server.start();
  if (const auto& file = settings.text("VIGIE_HTTP_URL_FILE"); !file.empty())
    app::write_file_atomically(file, server.url() + "\n");
  log::info("serving the API", {{"url", server.url()}});

  runtime.wait_for_stop();
  // Browsers first (live views end with the feed), then what feeds them, then
  // what publishes.
  live_feed.stop();
  server.stop();
  ingestor.stop();
  status_board.stop();
  event_publisher.stop();
  camera_publisher.stop();
  return 0;
} catch (const std::exception& e) {
  vigie::log::error("vigie-event-manager stopped on an error", {{"error", e.what()}});
  return 1;
}
