#include "analysis_store.h"

#include <pqxx/pqxx>

#include "analysis_rows.h"
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

std::vector<std::string> strings(const google::protobuf::RepeatedPtrField<std::string>& values) {
  return {values.begin(), values.end()};
}

// The analysis's columns as parameters $1 (name) to $10, then the statement's own.
template <class... Extra>
pqxx::result exec_with_columns(pqxx::work& tx, const std::string& sql, const v1::Analysis& a, Extra&&... extra) {
  return tx.exec_params(sql, a.name(), to_db(a.type()), a.detector(),
                        storage::text_array_literal(strings(a.labels())), a.min_score(), a.positives_needed(),
                        a.window_ms(), a.fps(), a.perimeter_m(), storage::text_array_literal(strings(a.actions())),
                        std::forward<Extra>(extra)...);
}

std::vector<AnalysisRecord> load(pqxx::work& tx, const std::optional<std::string>& name) {
  using std::chrono::microseconds;
  using std::chrono::system_clock;
  std::vector<AnalysisRecord> out;
  const pqxx::result rows = tx.exec_params(
      std::string("SELECT ") + kAnalysisColumns +
          ", a.revision, (extract(epoch FROM a.created_at) * 1000000)::bigint, "
          "(extract(epoch FROM a.updated_at) * 1000000)::bigint, "
          "ARRAY(SELECT camera_id FROM camera_analyses WHERE analysis_id = a.id ORDER BY camera_id) "
          "FROM analyses a WHERE ($1::text IS NULL OR a.name = $1) ORDER BY a.name",
      name);
  for (const auto& row : rows) {
    constexpr int n = kAnalysisColumnCount;
    AnalysisRecord r;
    r.analysis = analysis_from_row(row);
    r.revision = row[n].as<int64_t>();
    r.created_at = system_clock::time_point(microseconds(row[n + 1].as<int64_t>()));
    r.updated_at = system_clock::time_point(microseconds(row[n + 2].as<int64_t>()));
    r.cameras = storage::read_text_array(row[n + 3]);
    out.push_back(std::move(r));
  }
  return out;
}

AnalysisRecord load_one(pqxx::work& tx, const std::string& name) {
  std::vector<AnalysisRecord> found = load(tx, name);
  if (found.empty()) throw std::logic_error("analysis " + name + " vanished inside its own transaction");
  return std::move(found.front());
}

nlohmann::json as_json(const v1::Analysis& analysis) { return nlohmann::json::parse(to_json_text(analysis)); }

std::string not_found(const std::string& name) { return "there is no analysis '" + name + "'"; }
std::string taken(const std::string& name) { return "there is already an analysis '" + name + "'"; }

}  // namespace

AnalysisStore::AnalysisStore(storage::Database& database) : database_(database) {}

AnalysisRecord AnalysisStore::create(const v1::Analysis& analysis, const std::string& actor) {
  validate_analysis(analysis);
  return database_.with_transaction([&](pqxx::work& tx) {
    try {
      exec_with_columns(tx,
                        "INSERT INTO analyses (name, type, detector, labels, min_score, positives_needed, "
                        "window_ms, fps, perimeter_m, actions) VALUES ($1, $2::alert_type, $3, $4::text[], $5, "
                        "$6, $7, $8, $9, $10::text[])",
                        analysis);
    } catch (const pqxx::unique_violation&) {
      throw Conflict(taken(analysis.name()));
    }
    AnalysisRecord record = load_one(tx, analysis.name());
    record_audit(tx, {actor, "analysis.create", "analysis", analysis.name(),
                      {{"revision", record.revision}, {"analysis", as_json(analysis)}}});
    return record;
  });
}

AnalysisRecord AnalysisStore::update(const std::string& name, const v1::Analysis& analysis, const std::string& actor) {
  validate_analysis(analysis);
  return database_.with_transaction([&](pqxx::work& tx) {
    pqxx::result changed;
    try {
      changed = exec_with_columns(
          tx,
          "UPDATE analyses SET name = $1, type = $2::alert_type, detector = $3, labels = $4::text[], "
          "min_score = $5, positives_needed = $6, window_ms = $7, fps = $8, perimeter_m = $9, "
          "actions = $10::text[], revision = revision + 1, updated_at = now() WHERE name = $11 RETURNING id",
          analysis, name);
    } catch (const pqxx::unique_violation&) {
      throw Conflict(taken(analysis.name()));
    }
    if (changed.empty()) throw NotFound(not_found(name));
    const auto id = changed[0][0].as<int64_t>();
    // What the cameras topic says of each camera that runs it changes too.
    tx.exec_params0(
        "UPDATE cameras SET revision = revision + 1, updated_at = now() "
        "WHERE id IN (SELECT camera_id FROM camera_analyses WHERE analysis_id = $1)",
        id);
    for (const auto& camera : load_cameras(tx, {std::nullopt, id})) enqueue_camera(tx, camera.camera);
    AnalysisRecord record = load_one(tx, analysis.name());
    nlohmann::json details{{"revision", record.revision}, {"analysis", as_json(analysis)}, {"cameras", record.cameras}};
    if (name != analysis.name()) details["renamed_from"] = name;
    record_audit(tx, {actor, "analysis.update", "analysis", analysis.name(), std::move(details)});
    return record;
  });
}

void AnalysisStore::remove(const std::string& name, const std::string& actor) {
  database_.with_transaction([&](pqxx::work& tx) {
    // Locked, so that no camera takes it up between the check and the delete.
    const pqxx::result found =
        tx.exec_params("SELECT id, revision FROM analyses WHERE name = $1 FOR UPDATE", name);
    if (found.empty()) throw NotFound(not_found(name));
    const pqxx::result users = tx.exec_params(
        "SELECT camera_id FROM camera_analyses WHERE analysis_id = $1 ORDER BY camera_id", found[0][0].as<int64_t>());
    if (!users.empty()) {
      std::string ids;
      for (const auto& row : users) ids += (ids.empty() ? "" : ", ") + row[0].as<std::string>();
      throw Conflict("analysis '" + name + "' is run by camera(s) " + ids + ": take it off them first");
    }
    tx.exec_params0("DELETE FROM analyses WHERE id = $1", found[0][0].as<int64_t>());
    record_audit(tx, {actor, "analysis.delete", "analysis", name, {{"revision", found[0][1].as<int64_t>()}}});
  });
}

std::optional<AnalysisRecord> AnalysisStore::get(const std::string& name) const {
  return database_.with_transaction([&](pqxx::work& tx) -> std::optional<AnalysisRecord> {
    std::vector<AnalysisRecord> found = load(tx, name);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  });
}

std::vector<AnalysisRecord> AnalysisStore::list() const {
  return database_.with_transaction([&](pqxx::work& tx) { return load(tx, std::nullopt); });
}

}  // namespace vigie::event_manager
