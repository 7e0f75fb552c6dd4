#include "alerts/alert_store.h"

#include <cmath>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "alerts/alert_cursor.h"
#include "alerts/alert_rows.h"
#include "alerts/event_outbox.h"
#include "alerts/uuid.h"
#include "audit.h"
#include "schema_enums.h"
#include "store_errors.h"

namespace vigie::event_manager {
namespace {

constexpr int kMaxLimit = 500;
constexpr std::size_t kMaxNote = 2000;

// The filter's conditions on alias "a", parameters $1 to $9. Times travel as
// microseconds since the epoch, made timestamptz exactly by
// 'epoch'::timestamptz + t * interval '1 microsecond'.
constexpr const char* kFilterConditions =
    "($1::text IS NULL OR a.camera_id = $1) AND ($2::alert_type IS NULL OR a.type = $2::alert_type) "
    "AND ($3::alert_state IS NULL OR a.state = $3::alert_state) "
    "AND ($4::bigint IS NULL OR a.first_seen >= 'epoch'::timestamptz + $4::bigint * interval '1 microsecond') "
    "AND ($5::bigint IS NULL OR a.first_seen < 'epoch'::timestamptz + $5::bigint * interval '1 microsecond') "
    "AND ($6::float8 IS NULL OR point(a.longitude, a.latitude) <@ "
    "box(point($6::float8, $7::float8), point($8::float8, $9::float8)))";

// The filter's values, $1 to $9, checked.
struct FilterParams {
  explicit FilterParams(const AlertFilter& f) {
    if (f.limit < 1 || f.limit > kMaxLimit)
      throw ValidationError("limit", "must be from 1 to " + std::to_string(kMaxLimit));
    camera_id = f.camera_id;
    if (f.type) type = to_db(*f.type);
    if (f.state) state = std::string(alert_state_name(*f.state));
    if (f.from) from = to_micros(*f.from);
    if (f.to) to = to_micros(*f.to);
    if (from && to && *from >= *to) throw ValidationError("to", "must be later than from");
    if (f.bbox) {
      const GeoBox& b = *f.bbox;
      const auto in = [](double v, double limit) { return std::isfinite(v) && v >= -limit && v <= limit; };
      if (!in(b.min_longitude, 180) || !in(b.max_longitude, 180) || !in(b.min_latitude, 90) || !in(b.max_latitude, 90))
        throw ValidationError("bbox", "longitudes must lie within -180..180 and latitudes within -90..90");
      if (b.min_longitude > b.max_longitude || b.min_latitude > b.max_latitude)
        throw ValidationError("bbox", "must be min_lon,min_lat,max_lon,max_lat with min <= max");
      west = b.min_longitude;
      south = b.min_latitude;
      east = b.max_longitude;
      north = b.max_latitude;
    }
  }

  std::optional<std::string> camera_id, type, state;
  std::optional<int64_t> from, to;
  std::optional<double> west, south, east, north;
};

std::string not_found(const std::string& id) { return "there is no alert '" + id + "'"; }

bool allowed(AlertState from, AlertState to) {
  switch (from) {
    case AlertState::pending: return to != AlertState::pending;
    case AlertState::confirmed: return to == AlertState::resolved;
    case AlertState::rejected:
    case AlertState::resolved: return false;
  }
  return false;
}

std::string verb(AlertState decision) {
  switch (decision) {
    case AlertState::confirmed: return "confirm";
    case AlertState::rejected: return "reject";
    case AlertState::resolved: return "resolve";
    case AlertState::pending: break;
  }
  throw std::logic_error("no decision makes an alert pending");
}

std::optional<AlertRecord> load(pqxx::transaction_base& tx, const std::string& id, bool lock) {
  const pqxx::result rows = tx.exec_params(std::string("SELECT ") + kAlertColumns + " FROM " + kAlertFrom +
                                               " WHERE a.id = $1::uuid" + (lock ? " FOR UPDATE OF a" : ""),
                                           id);
  if (rows.empty()) return std::nullopt;
  AlertRecord alert = alert_from_row(rows[0]);
  for (const auto& row :
       tx.exec_params("SELECT state::text, decided_by, (extract(epoch FROM decided_at) * 1000000)::bigint, note "
                      "FROM alert_decisions WHERE alert_id = $1::uuid ORDER BY decided_at, id",
                      id)) {
    AlertDecision d;
    d.state = parse_alert_state(row[0].as<std::string>()).value_or(AlertState::confirmed);
    d.decided_by = row[1].as<std::string>();
    d.decided_at = from_micros(row[2].as<int64_t>());
    d.note = row[3].as<std::string>();
    alert.decisions.push_back(std::move(d));
  }
  return alert;
}

// Reads that see one state of the database across their statements.
void read_one_snapshot(pqxx::work& tx) { tx.exec0("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"); }

}  // namespace

AlertStore::AlertStore(storage::Database& database) : database_(database) {}

AlertPage AlertStore::list(const AlertFilter& filter) const {
  const FilterParams p(filter);
  std::optional<AlertCursor> cursor;
  if (filter.cursor) {
    cursor = decode_cursor(*filter.cursor);
    if (!cursor) throw ValidationError("cursor", "is not a cursor of this list (take next_cursor of a page)");
  }
  const std::optional<int64_t> after_time = cursor ? std::optional(cursor->first_seen_us) : std::nullopt;
  const std::optional<std::string> after_id = cursor ? std::optional(cursor->id) : std::nullopt;
  const std::string page_sql = std::string("SELECT ") + kAlertColumns + " FROM " + kAlertFrom + " WHERE " +
                               kFilterConditions +
                               " AND ($10::bigint IS NULL OR (a.first_seen, a.id) < "
                               "('epoch'::timestamptz + $10::bigint * interval '1 microsecond', $11::uuid)) "
                               "ORDER BY a.first_seen DESC, a.id DESC LIMIT $12";
  return database_.with_transaction([&](pqxx::work& tx) {
    read_one_snapshot(tx);
    AlertPage page;
    const pqxx::result rows = tx.exec_params(page_sql, p.camera_id, p.type, p.state, p.from, p.to, p.west, p.south,
                                             p.east, p.north, after_time, after_id, filter.limit + 1);
    for (const auto& row : rows) {
      if (static_cast<int>(page.alerts.size()) == filter.limit) {
        const AlertRecord& last = page.alerts.back();
        page.next_cursor = encode_cursor({to_micros(last.first_seen), last.id});
        break;
      }
      page.alerts.push_back(alert_from_row(row));
    }
    page.total = tx.exec_params1(std::string("SELECT count(*) FROM alerts a WHERE ") + kFilterConditions, p.camera_id,
                                 p.type, p.state, p.from, p.to, p.west, p.south, p.east, p.north)[0]
                     .as<int64_t>();
    return page;
  });
}

std::optional<AlertRecord> AlertStore::get(const std::string& id) const {
  if (!parse_uuid(id)) return std::nullopt;
  return database_.with_transaction([&](pqxx::work& tx) {
    read_one_snapshot(tx);
    return load(tx, id, false);
  });
}

AlertRecord AlertStore::decide(const std::string& id, AlertState decision, const std::string& actor,
                               const std::string& note) {
  if (decision == AlertState::pending) throw ValidationError("state", "must be confirmed, rejected or resolved");
  if (note.size() > kMaxNote)
    throw ValidationError("note", "must be at most " + std::to_string(kMaxNote) + " characters");
  if (!parse_uuid(id)) throw NotFound(not_found(id));
  const std::string to = std::string(alert_state_name(decision));
  return database_.with_transaction([&](pqxx::work& tx) {
    const std::optional<AlertRecord> before = load(tx, id, true);
    if (!before) throw NotFound(not_found(id));
    const std::string from = std::string(alert_state_name(before->state));
    if (!allowed(before->state, decision)) throw Conflict("alert " + id + " is " + from + ": it cannot become " + to);
    tx.exec_params0(
        "UPDATE alerts SET state = $2::alert_state, revision = revision + 1, updated_at = now() WHERE id = $1::uuid",
        id, to);
    tx.exec_params0("INSERT INTO alert_decisions (alert_id, state, decided_by, note) VALUES ($1::uuid, $2, $3, $4)", id,
                    to, actor, note);
    record_audit(
        tx,
        {actor,
         "alert." + verb(decision),
         "alert",
         id,
         {{"from", from}, {"to", to}, {"note", note}, {"camera", before->camera_id}, {"analysis", before->analysis}}});
    if (!is_open(decision)) {
      // The cool-down runs on the camera's clock, from the alert's newest
      // positive: while positives go on, that is the moment of the decision.
      tx.exec_params0(
          "INSERT INTO rule_cooldowns (camera_id, analysis, closed_at) "
          "SELECT camera_id, analysis, last_seen FROM alerts WHERE id = $1::uuid "
          "ON CONFLICT (camera_id, analysis) DO UPDATE "
          "SET closed_at = greatest(rule_cooldowns.closed_at, EXCLUDED.closed_at)",
          id);
    }
    AlertRecord after = *load(tx, id, false);
    enqueue_event(tx, after);
    return after;
  });
}

std::optional<EvidenceImage> AlertStore::evidence(const std::string& image_id) const {
  if (!parse_uuid(image_id)) return std::nullopt;
  return database_.with_transaction([&](pqxx::work& tx) -> std::optional<EvidenceImage> {
    const pqxx::result rows =
        tx.exec_params("SELECT alert_id::text, jpeg FROM evidence_images WHERE id = $1::uuid", image_id);
    if (rows.empty()) return std::nullopt;
    return EvidenceImage{rows[0][0].as<std::string>(), pqxx::binarystring(rows[0][1]).str()};
  });
}

std::optional<TimePoint> AlertStore::last_detection_time() const {
  return database_.with_transaction([&](pqxx::work& tx) -> std::optional<TimePoint> {
    const pqxx::result row =
        tx.exec("SELECT (extract(epoch FROM last_seen) * 1000000)::bigint FROM detection_clock");
    if (row.empty()) return std::nullopt;
    return from_micros(row[0][0].as<int64_t>());
  });
}

}  // namespace vigie::event_manager
