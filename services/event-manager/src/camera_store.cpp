#include "camera_store.h"

#include <algorithm>

#include <pqxx/pqxx>

#include "audit.h"
#include "camera_outbox.h"
#include "camera_rows.h"
#include "proto_json.h"
#include "schema_enums.h"
#include "store_errors.h"
#include "validation.h"
#include "vigie/storage/text_array.h"

namespace vigie::event_manager {
namespace {

template <class T>
std::optional<T> unless_zero(T value) {
  return value == 0 ? std::nullopt : std::optional<T>(value);
}

// A camera's columns but its credentials and revision, as statement parameters
// $1 (id) to $18, in the order kInsert and kUpdate name them.
struct Columns {
  explicit Columns(const CameraInput& c)
      : id(c.id),
        name(c.name),
        enabled(c.enabled),
        analysis_kind(to_db(c.analysis_stream.kind())),
        analysis_url(c.analysis_stream.url()),
        analysis_transport(to_db(c.analysis_stream.rtsp_transport())),
        snapshot_interval_ms(unless_zero(c.analysis_stream.snapshot_interval_ms())),
        snapshot_min_hash_distance(unless_zero(c.analysis_stream.snapshot_min_hash_distance())),
        recording_kind(c.recording_stream ? std::optional(to_db(c.recording_stream->kind())) : std::nullopt),
        recording_url(c.recording_stream ? std::optional(c.recording_stream->url()) : std::nullopt),
        recording_transport(to_db(c.recording_stream ? c.recording_stream->rtsp_transport()
                                                     : v1::Source::RTSP_TRANSPORT_UNSPECIFIED)),
        latitude(c.latitude),
        longitude(c.longitude),
        fps(unless_zero(c.frames.fps())),
        width(unless_zero(c.frames.width())),
        decode_mode(to_db(c.frames.decode_mode())),
        frozen_after_ms(unless_zero(c.frames.frozen_after_ms())),
        motion(to_json_text(c.motion)) {}

  std::string id;
  std::string name;
  bool enabled;
  std::string analysis_kind;
  std::string analysis_url;
  std::string analysis_transport;
  std::optional<uint32_t> snapshot_interval_ms;
  std::optional<uint32_t> snapshot_min_hash_distance;
  std::optional<std::string> recording_kind;
  std::optional<std::string> recording_url;
  std::string recording_transport;
  double latitude;
  double longitude;
  std::optional<float> fps;
  std::optional<uint32_t> width;
  std::string decode_mode;
  std::optional<uint32_t> frozen_after_ms;
  std::string motion;
};

// The parameters of Columns, then the statement's own.
template <class... Extra>
pqxx::result exec_with_columns(pqxx::work& tx, const std::string& sql, const Columns& c, Extra&&... extra) {
  return tx.exec_params(sql, c.id, c.name, c.enabled, c.analysis_kind, c.analysis_url, c.analysis_transport,
                        c.snapshot_interval_ms, c.snapshot_min_hash_distance, c.recording_kind, c.recording_url,
                        c.recording_transport, c.latitude, c.longitude, c.fps, c.width, c.decode_mode,
                        c.frozen_after_ms, c.motion, std::forward<Extra>(extra)...);
}

constexpr const char* kInsert =
    "INSERT INTO cameras (id, name, enabled, analysis_kind, analysis_url, analysis_rtsp_transport, "
    "snapshot_interval_ms, snapshot_min_hash_distance, recording_kind, recording_url, "
    "recording_rtsp_transport, latitude, longitude, frames_fps, frames_width, frames_decode_mode, "
    "frames_frozen_after_ms, motion, credentials_token) "
    "VALUES ($1, $2, $3, $4::source_kind, $5, $6::rtsp_transport, $7, $8, $9::source_kind, $10, "
    "$11::rtsp_transport, $12, $13, $14, $15, $16::decode_mode, $17, $18::jsonb, $19)";

// $19: whether to replace the credentials, $20: the new token (NULL removes them).
constexpr const char* kUpdate =
    "UPDATE cameras SET name = $2, enabled = $3, analysis_kind = $4::source_kind, analysis_url = $5, "
    "analysis_rtsp_transport = $6::rtsp_transport, snapshot_interval_ms = $7, "
    "snapshot_min_hash_distance = $8, recording_kind = $9::source_kind, recording_url = $10, "
    "recording_rtsp_transport = $11::rtsp_transport, latitude = $12, longitude = $13, frames_fps = $14, "
    "frames_width = $15, frames_decode_mode = $16::decode_mode, frames_frozen_after_ms = $17, "
    "motion = $18::jsonb, "
    "credentials_token = CASE WHEN $19::boolean THEN $20::text ELSE credentials_token END, "
    "revision = revision + 1, updated_at = now() "
    "WHERE id = $1 RETURNING id";

// Replaces the camera's analyses by those named. They are locked until the
// transaction ends, so that none is deleted before the camera refers to it.
// The rule engine's pending positives and cool-downs of analyses the camera no
// longer runs (all of them once it is deleted): a camera or analysis added back
// later starts afresh instead of inheriting counts from before.
void forget_rule_state(pqxx::work& tx, const std::string& camera_id, const std::vector<std::string>& kept) {
  const std::string names = storage::text_array_literal(kept);
  tx.exec_params0("DELETE FROM rule_positives WHERE camera_id = $1 AND analysis <> ALL($2::text[])", camera_id,
                  names);
  tx.exec_params0("DELETE FROM rule_cooldowns WHERE camera_id = $1 AND analysis <> ALL($2::text[])", camera_id,
                  names);
}

void attach_analyses(pqxx::work& tx, const std::string& camera_id, const std::vector<std::string>& names) {
  const pqxx::result found = tx.exec_params(
      "SELECT id, name FROM analyses WHERE name = ANY($1::text[]) FOR KEY SHARE",
      storage::text_array_literal(names));
  std::vector<std::string> ids;
  for (const auto& row : found) ids.push_back(row[0].as<std::string>());
  if (found.size() != names.size()) {
    for (const auto& name : names) {
      if (std::none_of(found.begin(), found.end(), [&](const pqxx::row& r) { return r[1].as<std::string>() == name; }))
        throw ValidationError("analyses", "there is no analysis named '" + name + "'");
    }
  }
  tx.exec_params0("DELETE FROM camera_analyses WHERE camera_id = $1", camera_id);
  tx.exec_params0("INSERT INTO camera_analyses (camera_id, analysis_id) SELECT $1, unnest($2::bigint[])",
                  camera_id, storage::text_array_literal(ids));
  forget_rule_state(tx, camera_id, names);
}

CameraRecord record_of(StoredCamera stored) {
  CameraRecord record;
  record.has_credentials = !stored.camera.credentials_token().empty();
  stored.camera.clear_credentials_token();
  record.camera = std::move(stored.camera);
  record.created_at = stored.created_at;
  return record;
}

// What the audit log keeps of a camera: its settings and analyses, never its
// credentials, only what happened to them.
nlohmann::json audit_details(const v1::Camera& camera, const char* credentials) {
  v1::Camera shown = camera;
  shown.clear_credentials_token();
  shown.clear_analyses();
  nlohmann::json analyses = nlohmann::json::array();
  for (const auto& a : camera.analyses()) analyses.push_back(a.name());
  return {{"revision", camera.revision()},
          {"camera", nlohmann::json::parse(to_json_text(shown))},
          {"analyses", std::move(analyses)},
          {"credentials", credentials}};
}

// After a change of the camera's row: queues its message for the cameras topic and writes its audit row.
CameraRecord record_change(pqxx::work& tx, const std::string& id, const std::string& actor,
                            const std::string& action, const char* credentials) {
  std::vector<StoredCamera> stored = load_cameras(tx, {id, std::nullopt});
  if (stored.empty()) throw std::logic_error("camera " + id + " vanished inside its own transaction");
  enqueue_camera(tx, stored.front().camera);
  record_audit(tx, {actor, action, "camera", id, audit_details(stored.front().camera, credentials)});
  return record_of(std::move(stored.front()));
}

std::string not_found(const std::string& id) { return "there is no camera '" + id + "'"; }

// Reads that see one state of the database across their statements.
void read_one_snapshot(pqxx::work& tx) { tx.exec0("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"); }

}  // namespace

CameraStore::CameraStore(storage::Database& database, std::optional<crypto::Fernet> fernet)
    : database_(database), fernet_(std::move(fernet)) {}

std::optional<std::string> CameraStore::seal(const CameraInput& camera) const {
  const auto* credentials = std::get_if<crypto::Credentials>(&camera.credentials);
  if (!credentials) return std::nullopt;
  if (!fernet_)
    throw ValidationError("credentials", "cannot be stored: this event manager runs without VIGIE_FERNET_KEY");
  return crypto::seal_credentials(*fernet_, *credentials);
}

CameraRecord CameraStore::create(const CameraInput& camera, const std::string& actor) {
  validate_camera(camera);
  const std::optional<std::string> token = seal(camera);
  const Columns columns(camera);
  return database_.with_transaction([&](pqxx::work& tx) {
    try {
      exec_with_columns(tx, kInsert, columns, token);
    } catch (const pqxx::unique_violation&) {
      throw Conflict("there is already a camera '" + camera.id + "'");
    }
    attach_analyses(tx, camera.id, camera.analyses);
    return record_change(tx, camera.id, actor, "camera.create", token ? "set" : "none");
  });
}

CameraRecord CameraStore::update(const CameraInput& camera, const std::string& actor) {
  validate_camera(camera);
  const std::optional<std::string> token = seal(camera);
  const bool replace = !std::holds_alternative<KeepCredentials>(camera.credentials);
  const char* credentials = !replace ? "kept" : token ? "replaced" : "removed";
  const Columns columns(camera);
  return database_.with_transaction([&](pqxx::work& tx) {
    if (exec_with_columns(tx, kUpdate, columns, replace, token).empty()) throw NotFound(not_found(camera.id));
    attach_analyses(tx, camera.id, camera.analyses);
    return record_change(tx, camera.id, actor, "camera.update", credentials);
  });
}

CameraRecord CameraStore::set_enabled(const std::string& id, bool enabled, const std::string& actor) {
  return database_.with_transaction([&](pqxx::work& tx) {
    const pqxx::result changed = tx.exec_params(
        "UPDATE cameras SET enabled = $2, revision = revision + 1, updated_at = now() WHERE id = $1 RETURNING id",
        id, enabled);
    if (changed.empty()) throw NotFound(not_found(id));
    return record_change(tx, id, actor, enabled ? "camera.enable" : "camera.disable", "kept");
  });
}

void CameraStore::remove(const std::string& id, const std::string& actor) {
  database_.with_transaction([&](pqxx::work& tx) {
    const pqxx::result gone = tx.exec_params("DELETE FROM cameras WHERE id = $1 RETURNING revision, name", id);
    if (gone.empty()) throw NotFound(not_found(id));
    forget_rule_state(tx, id, {});
    enqueue_tombstone(tx, id);
    record_audit(tx, {actor, "camera.delete", "camera", id,
                      {{"revision", gone[0][0].as<int64_t>()}, {"name", gone[0][1].as<std::string>()}}});
  });
}

std::optional<CameraRecord> CameraStore::get(const std::string& id) const {
  return database_.with_transaction([&](pqxx::work& tx) -> std::optional<CameraRecord> {
    read_one_snapshot(tx);
    std::vector<StoredCamera> stored = load_cameras(tx, {id, std::nullopt});
    if (stored.empty()) return std::nullopt;
    return record_of(std::move(stored.front()));
  });
}

std::vector<CameraRecord> CameraStore::list() const {
  return database_.with_transaction([&](pqxx::work& tx) {
    read_one_snapshot(tx);
    std::vector<CameraRecord> out;
    for (auto& stored : load_cameras(tx)) out.push_back(record_of(std::move(stored)));
    return out;
  });
}

}  // namespace vigie::event_manager
