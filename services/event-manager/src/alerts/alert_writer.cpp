#include "alerts/alert_writer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include <google/protobuf/util/time_util.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <pqxx/pqxx>

#include "alerts/alert_rows.h"
#include "alerts/alert_rule.h"
#include "alerts/uuid.h"
#include "analysis_rows.h"
#include "schema_enums.h"
#include "vigie/log/log.h"
#include "vigie/storage/text_array.h"
#include "vigie/v1/detection.pb.h"
#include "vigie/v1/motion.pb.h"

namespace vigie::event_manager {
namespace {

using google::protobuf::util::TimeUtil;
using storage::text_array_literal;
using PairKey = std::pair<std::string, std::string>;  // camera id, analysis name

// What became of a message; the metric's outcome label.
enum class Outcome { positive, negative, duplicate, unknown_camera, analysis_not_run, invalid };
constexpr std::array<std::pair<Outcome, const char*>, 6> kOutcomes{{
    {Outcome::positive, "positive"},
    {Outcome::negative, "negative"},
    {Outcome::duplicate, "duplicate"},
    {Outcome::unknown_camera, "unknown_camera"},
    {Outcome::analysis_not_run, "analysis_not_run"},
    {Outcome::invalid, "invalid"},
}};
constexpr std::array<bus::Topic, 2> kTopics{bus::Topic::detections, bus::Topic::motion};

struct Message {
  bus::Topic topic = bus::Topic::detections;
  std::string id;
  std::string camera_id;
  int64_t at_us = 0;
  const v1::Detection* detection = nullptr;
  const v1::MotionEvent* motion = nullptr;
};

// What the rules need of a camera.
struct CameraRules {
  std::string name;
  double latitude = 0;
  double longitude = 0;
  std::vector<v1::Analysis> analyses;
};

// Counts for the metrics, added once the batch is committed.
struct Tally {
  std::map<std::pair<bus::Topic, Outcome>, int64_t> messages;
  int64_t raised = 0;
  int64_t updated = 0;
  void count(bus::Topic topic, Outcome outcome) { ++messages[{topic, outcome}]; }
};

struct Committed {
  std::vector<AlertRecord> changed;
  Tally tally;
};

// {1,2.5,...}: an array literal of numbers, for a parameter cast to a numeric array.
template <class T>
std::string number_array_literal(const std::vector<T>& values) {
  std::string out = "{";
  std::array<char, 32> buf{};
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    const auto end = std::to_chars(buf.data(), buf.data() + buf.size(), values[i]).ptr;
    out.append(buf.data(), end);
  }
  return out + '}';
}

// Binary values (pictures, events) in one bytea parameter, cut apart in SQL
// with substring(data FROM offset FOR length): the statement's text stays the
// same whatever their number, so it is prepared once per connection.
struct Packed {
  void add(const std::string& value) {
    offsets.push_back(static_cast<int64_t>(data.size()) + 1);
    lengths.push_back(static_cast<int64_t>(value.size()));
    data += value;
  }
  std::vector<int64_t> offsets;
  std::vector<int64_t> lengths;
  std::string data;
};

// The batch's statements, prepared once per connection (pqxx prepares a name
// on its first use on a connection, and again on a new one).
pqxx::result exec_prepared_statement(pqxx::work& tx, const char* name, const std::string& sql, auto&&... args) {
  tx.conn().prepare(name, sql);
  return tx.exec_prepared(name, std::forward<decltype(args)>(args)...);
}

std::optional<Message> read(const bus::Record& record) {
  Message m;
  m.topic = record.topic;
  if (const auto* d = record.as<v1::Detection>()) {
    if (!d->has_capture_time()) return std::nullopt;
    m.id = d->detection_id();
    m.camera_id = d->camera_id();
    m.at_us = TimeUtil::TimestampToMicroseconds(d->capture_time());
    m.detection = d;
  } else if (const auto* e = record.as<v1::MotionEvent>()) {
    if (!e->has_capture_time() || e->event_id().empty()) return std::nullopt;
    m.id = motion_message_id(*e);
    m.camera_id = e->camera_id();
    m.at_us = TimeUtil::TimestampToMicroseconds(e->capture_time());
    m.motion = e;
  } else {
    return std::nullopt;
  }
  if (m.id.empty() || m.camera_id.empty()) return std::nullopt;
  return m;
}

std::map<std::string, CameraRules> load_cameras(pqxx::work& tx, const std::set<std::string>& ids) {
  std::map<std::string, CameraRules> out;
  if (ids.empty()) return out;
  static const std::string sql = std::string("SELECT c.id, c.name, c.latitude, c.longitude, ") + kAnalysisColumns +
                                 " FROM cameras c LEFT JOIN camera_analyses ca ON ca.camera_id = c.id "
                                 "LEFT JOIN analyses a ON a.id = ca.analysis_id WHERE c.id = ANY($1::text[])";
  const pqxx::result rows =
      exec_prepared_statement(tx, "vigie_alerts_cameras", sql, text_array_literal({ids.begin(), ids.end()}));
  for (const auto& row : rows) {
    CameraRules& camera = out[row[0].as<std::string>()];
    camera.name = row[1].as<std::string>();
    camera.latitude = row[2].as<double>();
    camera.longitude = row[3].as<double>();
    if (!row[4].is_null()) camera.analyses.push_back(analysis_from_row(row, 4));
  }
  return out;
}

const v1::Analysis* find_analysis(const CameraRules& camera, const std::string& name) {
  for (const auto& a : camera.analyses)
    if (a.name() == name) return &a;
  return nullptr;
}

// The columns of each table the batch writes, as statement parameters.
struct Rows {
  std::vector<std::string> gone_camera, gone_analysis, gone_message;
  std::vector<std::string> added_camera, added_analysis, added_message, added_label;
  std::vector<int64_t> added_at;
  std::vector<float> added_score;
  std::vector<AlertRecord> alerts;
  std::vector<std::string> image_id, image_alert, image_camera;
  Packed images;
  std::vector<std::string> replaced_images;
  bool empty() const { return gone_message.empty() && added_message.empty() && alerts.empty(); }
};

AlertRecord new_alert(const PairKey& key, const CameraRules& camera, const v1::Analysis& analysis) {
  AlertRecord a;
  a.id = random_uuid();
  a.camera_id = key.first;
  a.camera_name = camera.name;
  a.analysis = analysis.name();
  a.type = analysis.type();
  a.state = AlertState::pending;
  a.latitude = camera.latitude;
  a.longitude = camera.longitude;
  a.perimeter_m = analysis.perimeter_m();
  a.actions.assign(analysis.actions().begin(), analysis.actions().end());
  a.revision = 1;
  return a;
}

// Runs the rule for one camera and analysis and adds what it changes to rows.
void apply(const PairKey& key, const CameraRules& camera, const v1::Analysis& analysis, RuleState state,
           std::optional<AlertRecord> open, std::vector<Positive>& positives, int64_t cooldown_us, Rows& rows,
           Tally& tally) {
  std::sort(positives.begin(), positives.end(), [](const Positive& a, const Positive& b) {
    return std::tie(a.at_us, a.message_id) < std::tie(b.at_us, b.message_id);
  });
  RuleResult result = apply_rule(rule_params(analysis, cooldown_us), std::move(state), positives);
  for (auto& id : result.pending_removed) {
    rows.gone_camera.push_back(key.first);
    rows.gone_analysis.push_back(key.second);
    rows.gone_message.push_back(std::move(id));
  }
  for (auto& p : result.pending_added) {
    rows.added_camera.push_back(key.first);
    rows.added_analysis.push_back(key.second);
    rows.added_message.push_back(std::move(p.message_id));
    rows.added_at.push_back(p.at_us);
    rows.added_score.push_back(p.score);
    rows.added_label.push_back(std::move(p.label));
  }
  if (!result.updated) return;
  AlertRecord alert = result.raised ? new_alert(key, camera, analysis) : std::move(*open);
  if (!result.raised) ++alert.revision;
  const OpenAlert& now = *result.state.open;
  alert.positives = now.positives;
  alert.first_seen = from_micros(now.first_seen_us);
  alert.last_seen = from_micros(now.last_seen_us);
  alert.max_score = now.max_score;
  alert.label = now.label;
  if (result.evidence) {
    if (alert.evidence_image_id) rows.replaced_images.push_back(*alert.evidence_image_id);
    alert.evidence_image_id = random_uuid();
    rows.image_id.push_back(*alert.evidence_image_id);
    rows.image_alert.push_back(alert.id);
    rows.image_camera.push_back(alert.camera_id);
    rows.images.add(*result.evidence->jpeg);
  }
  ++(result.raised ? tally.raised : tally.updated);
  rows.alerts.push_back(std::move(alert));
}

// Loads the rule state of the cameras' analyses that have positives, runs the rules, and fills rows.
void run_rules(pqxx::work& tx, const std::map<std::string, CameraRules>& cameras,
               std::map<PairKey, std::vector<Positive>>& positives, int64_t cooldown_us, Rows& rows, Tally& tally) {
  std::set<std::string> ids;
  for (const auto& [key, list] : positives) ids.insert(key.first);
  const std::string camera_ids = text_array_literal({ids.begin(), ids.end()});

  // Locked, so that a decision on one of them waits for this batch, or this batch for it.
  static const std::string open_sql = std::string("SELECT ") + kAlertColumns + " FROM " + kAlertFrom +
                                      " WHERE a.camera_id = ANY($1::text[]) AND a.state IN "
                                      "('pending', 'confirmed') FOR UPDATE OF a";
  std::map<PairKey, AlertRecord> open;
  for (const auto& row : exec_prepared_statement(tx, "vigie_alerts_open", open_sql, camera_ids)) {
    AlertRecord a = alert_from_row(row);
    PairKey key{a.camera_id, a.analysis};
    open.emplace(std::move(key), std::move(a));
  }
  // Pending positives (with a message id) and cool-downs (without), in one go.
  std::map<PairKey, RuleState> states;
  for (const auto& row : exec_prepared_statement(
           tx, "vigie_alerts_state",
           "SELECT camera_id, analysis, message_id, (extract(epoch FROM seen_at) * 1000000)::bigint, score, label "
           "FROM rule_positives WHERE camera_id = ANY($1::text[]) UNION ALL "
           "SELECT camera_id, analysis, NULL, (extract(epoch FROM closed_at) * 1000000)::bigint, NULL, NULL "
           "FROM rule_cooldowns WHERE camera_id = ANY($1::text[])",
           camera_ids)) {
    RuleState& state = states[{row[0].as<std::string>(), row[1].as<std::string>()}];
    if (row[2].is_null()) {
      state.closed_at_us = row[3].as<int64_t>();
    } else {
      state.pending.push_back(
          {row[2].as<std::string>(), row[3].as<int64_t>(), row[4].as<float>(), row[5].as<std::string>()});
    }
  }

  for (auto& [key, list] : positives) {
    const CameraRules& camera = cameras.at(key.first);
    RuleState state = std::move(states[key]);
    std::optional<AlertRecord> alert;
    if (auto it = open.find(key); it != open.end()) {
      const AlertRecord& a = it->second;
      state.open = OpenAlert{a.positives, to_micros(a.first_seen),        to_micros(a.last_seen), a.max_score,
                             a.label,     a.evidence_image_id.has_value()};
      alert = std::move(it->second);
    }
    apply(key, camera, *find_analysis(camera, key.second), std::move(state), std::move(alert), list, cooldown_us, rows,
          tally);
  }
}

// One statement writes all of the batch's effect, and gives the alerts their
// created_at and updated_at. Both foreign keys between alerts and
// evidence_images are checked at its end, when both rows exist.
// Capture times travel as microseconds since the epoch, made timestamptz
// exactly by 'epoch'::timestamptz + t * interval '1 microsecond'.
constexpr const char* kWriteSql =
    "WITH gone AS (DELETE FROM rule_positives p USING unnest($1::text[], $2::text[], $3::text[]) AS g(c, a, m) "
    "WHERE p.camera_id = g.c AND p.analysis = g.a AND p.message_id = g.m), "
    "added AS (INSERT INTO rule_positives (camera_id, analysis, message_id, seen_at, score, label) "
    "SELECT c, a, m, 'epoch'::timestamptz + t * interval '1 microsecond', s, l "
    "FROM unnest($4::text[], $5::text[], $6::text[], $7::bigint[], $8::real[], $9::text[]) AS u(c, a, m, t, s, l)), "
    "up AS (INSERT INTO alerts (id, camera_id, camera_name, analysis, type, state, latitude, longitude, "
    "perimeter_m, actions, label, max_score, positives, first_seen, last_seen, evidence_image_id, revision) "
    "SELECT id, c, n, a, ty::alert_type, st::alert_state, lat, lon, per, act::text[], l, s, pos, "
    "'epoch'::timestamptz + f * interval '1 microsecond', 'epoch'::timestamptz + ls * interval '1 microsecond', "
    "NULLIF(ev, '')::uuid, rev "
    "FROM unnest($10::uuid[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::float8[], "
    "$17::float8[], $18::real[], $19::text[], $20::text[], $21::real[], $22::integer[], $23::bigint[], "
    "$24::bigint[], $25::text[], $26::bigint[]) AS u(id, c, n, a, ty, st, lat, lon, per, act, l, s, pos, f, ls, ev, "
    "rev) "
    "ON CONFLICT (id) DO UPDATE SET label = EXCLUDED.label, max_score = EXCLUDED.max_score, "
    "positives = EXCLUDED.positives, last_seen = EXCLUDED.last_seen, "
    "evidence_image_id = EXCLUDED.evidence_image_id, revision = EXCLUDED.revision, updated_at = now() "
    "RETURNING id::text, (extract(epoch FROM created_at) * 1000000)::bigint, "
    "(extract(epoch FROM updated_at) * 1000000)::bigint), "
    "images AS (INSERT INTO evidence_images (id, alert_id, camera_id, jpeg) "
    "SELECT i, a, c, substring($32::bytea FROM o::integer FOR l::integer) "
    "FROM unnest($27::uuid[], $28::uuid[], $29::text[], $30::bigint[], $31::bigint[]) AS u(i, a, c, o, l)), "
    "replaced AS (DELETE FROM evidence_images WHERE id = ANY($33::uuid[])), "
    "events AS (INSERT INTO event_outbox (camera_id, alert_id, payload) "
    "SELECT c, a, substring($38::bytea FROM o::integer FOR l::integer) "
    "FROM unnest($34::text[], $35::uuid[], $36::bigint[], $37::bigint[]) AS u(c, a, o, l)), "
    "clock AS (INSERT INTO detection_clock (last_seen) "
    "SELECT 'epoch'::timestamptz + t * interval '1 microsecond' "
    "FROM (SELECT max(t) FROM unnest($7::bigint[] || $24::bigint[]) AS u(t)) AS newest(t) WHERE t IS NOT NULL "
    "ON CONFLICT (id) DO UPDATE SET last_seen = GREATEST(detection_clock.last_seen, EXCLUDED.last_seen)) "
    "SELECT * FROM up";

void write_rows(pqxx::work& tx, Rows& rows) {
  std::vector<std::string> id, camera, name, analysis, type, state, actions, label, evidence;
  std::vector<double> latitude, longitude;
  std::vector<float> perimeter, score;
  std::vector<int64_t> positives, first_seen, last_seen, revision;
  Packed events;
  for (const AlertRecord& a : rows.alerts) {
    id.push_back(a.id);
    camera.push_back(a.camera_id);
    name.push_back(a.camera_name);
    analysis.push_back(a.analysis);
    type.push_back(to_db(a.type));
    state.push_back(std::string(alert_state_name(a.state)));
    latitude.push_back(a.latitude);
    longitude.push_back(a.longitude);
    perimeter.push_back(a.perimeter_m);
    actions.push_back(text_array_literal(a.actions));
    label.push_back(a.label);
    score.push_back(a.max_score);
    positives.push_back(a.positives);
    first_seen.push_back(to_micros(a.first_seen));
    last_seen.push_back(to_micros(a.last_seen));
    evidence.push_back(a.evidence_image_id.value_or(""));
    revision.push_back(a.revision);
    events.add(to_event(a).SerializeAsString());
  }
  const std::vector<std::string> params{text_array_literal(rows.gone_camera),
                                        text_array_literal(rows.gone_analysis),
                                        text_array_literal(rows.gone_message),
                                        text_array_literal(rows.added_camera),
                                        text_array_literal(rows.added_analysis),
                                        text_array_literal(rows.added_message),
                                        number_array_literal(rows.added_at),
                                        number_array_literal(rows.added_score),
                                        text_array_literal(rows.added_label),
                                        text_array_literal(id),
                                        text_array_literal(camera),
                                        text_array_literal(name),
                                        text_array_literal(analysis),
                                        text_array_literal(type),
                                        text_array_literal(state),
                                        number_array_literal(latitude),
                                        number_array_literal(longitude),
                                        number_array_literal(perimeter),
                                        text_array_literal(actions),
                                        text_array_literal(label),
                                        number_array_literal(score),
                                        number_array_literal(positives),
                                        number_array_literal(first_seen),
                                        number_array_literal(last_seen),
                                        text_array_literal(evidence),
                                        number_array_literal(revision),
                                        text_array_literal(rows.image_id),
                                        text_array_literal(rows.image_alert),
                                        text_array_literal(rows.image_camera),
                                        number_array_literal(rows.images.offsets),
                                        number_array_literal(rows.images.lengths)};
  const std::vector<std::string> event_params{text_array_literal(rows.replaced_images), text_array_literal(camera),
                                              text_array_literal(id), number_array_literal(events.offsets),
                                              number_array_literal(events.lengths)};
  const pqxx::result written =
      exec_prepared_statement(tx, "vigie_alerts_write", kWriteSql, pqxx::prepare::make_dynamic_params(params),
                              pqxx::binarystring(rows.images.data), pqxx::prepare::make_dynamic_params(event_params),
                              pqxx::binarystring(events.data));
  std::map<std::string, std::pair<int64_t, int64_t>> times;
  for (const auto& row : written) times[row[0].as<std::string>()] = {row[1].as<int64_t>(), row[2].as<int64_t>()};
  for (AlertRecord& a : rows.alerts) {
    const auto it = times.find(a.id);
    if (it == times.end()) throw std::logic_error("alert " + a.id + " of camera " + a.camera_id + " was not written");
    a.created_at = from_micros(it->second.first);
    a.updated_at = from_micros(it->second.second);
  }
}

// Records the messages' ids in processed_messages and returns those it held
// already (redeliveries, which change nothing). A batch is nearly always new:
// its ids go in by COPY, the cheapest way in, under a savepoint; only when the
// primary key refuses one (a redelivery, or another instance recording the
// same message meanwhile) do they go in again, asking which were there.
std::set<std::pair<std::string, std::string>> record_processed(pqxx::work& tx, const std::vector<Message>& messages) {
  std::vector<std::string> topics, ids;
  for (const Message& m : messages) {
    topics.emplace_back(bus::topic_suffix(m.topic));
    ids.push_back(m.id);
  }
  try {
    pqxx::subtransaction copying(tx, "processed_messages");
    pqxx::stream_to copy(copying, "processed_messages", std::vector<std::string>{"topic", "message_id"});
    for (std::size_t i = 0; i < messages.size(); ++i) copy << std::make_tuple(topics[i], ids[i]);
    copy.complete();
    copying.commit();
    return {};
  } catch (const pqxx::unique_violation&) {
    // Rolled back to the savepoint: the transaction goes on.
  }
  std::set<std::pair<std::string, std::string>> done;
  for (std::size_t i = 0; i < messages.size(); ++i) done.emplace(topics[i], ids[i]);
  for (const auto& row :
       tx.exec_params("INSERT INTO processed_messages (topic, message_id) SELECT * FROM unnest($1::text[], $2::text[]) "
                      "ON CONFLICT DO NOTHING RETURNING topic, message_id",
                      text_array_literal(topics), text_array_literal(ids)))
    done.erase({row[0].as<std::string>(), row[1].as<std::string>()});
  return done;
}

Committed persist(pqxx::work& tx, const std::vector<Message>& messages, int64_t cooldown_us) {
  Committed out;
  const std::set<std::pair<std::string, std::string>> done = record_processed(tx, messages);
  const auto fresh = [&](const Message& m) { return !done.contains({std::string(bus::topic_suffix(m.topic)), m.id}); };

  std::set<std::string> camera_ids;
  for (const Message& m : messages)
    if (fresh(m)) camera_ids.insert(m.camera_id);
  const std::map<std::string, CameraRules> cameras = load_cameras(tx, camera_ids);

  Rows rows;
  std::map<PairKey, std::vector<Positive>> positives;
  for (const Message& m : messages) {
    if (!fresh(m)) {
      out.tally.count(m.topic, Outcome::duplicate);
      continue;
    }
    const auto camera = cameras.find(m.camera_id);
    if (camera == cameras.end()) {
      log::debug("message of an unknown camera skipped", {{"camera", m.camera_id}, {"message", m.id}});
      out.tally.count(m.topic, Outcome::unknown_camera);
      continue;
    }
    bool runs = false;
    bool positive = false;
    for (const v1::Analysis& analysis : camera->second.analyses) {
      std::optional<Positive> p;
      if (m.detection && analysis.name() == m.detection->analysis()) {
        runs = true;
        p = detection_positive(*m.detection, analysis);
      } else if (m.motion && analysis.detector() == kMotionDetector) {
        runs = true;
        p = motion_positive(*m.motion);
      }
      if (!p) continue;
      positive = true;
      positives[{m.camera_id, analysis.name()}].push_back(std::move(*p));
    }
    if (!runs) {
      log::debug("message for an analysis its camera does not run skipped",
                 {{"camera", m.camera_id},
                  {"message", m.id},
                  {"analysis", m.detection ? m.detection->analysis() : std::string(kMotionDetector)}});
    }
    out.tally.count(m.topic, !runs ? Outcome::analysis_not_run : positive ? Outcome::positive : Outcome::negative);
  }
  if (!positives.empty()) run_rules(tx, cameras, positives, cooldown_us, rows, out.tally);
  if (!rows.empty()) write_rows(tx, rows);
  out.changed = std::move(rows.alerts);
  return out;
}

}  // namespace

struct AlertWriter::Metrics {
  explicit Metrics(prometheus::Registry& registry)
      : messages(prometheus::BuildCounter()
                     .Name("vigie_event_manager_alert_messages_total")
                     .Help("Detections and motion events persisted by the alert rules, by topic and outcome: "
                           "positive, negative, or skipped as duplicate (redelivered), unknown_camera, "
                           "analysis_not_run or invalid")
                     .Register(registry)),
        alerts(prometheus::BuildCounter()
                   .Name("vigie_event_manager_alerts_changed_total")
                   .Help("Alerts raised, and open alerts updated by new positives (once per batch)")
                   .Register(registry)),
        raised(alerts.Add({{"change", "raised"}})),
        updated(alerts.Add({{"change", "updated"}})),
        batch_size(prometheus::BuildHistogram()
                       .Name("vigie_event_manager_alert_batch_messages")
                       .Help("Messages per batch persisted in one transaction")
                       .Register(registry)
                       .Add({}, prometheus::Histogram::BucketBoundaries{1, 10, 50, 100, 250, 500, 1000})),
        batch_seconds(prometheus::BuildHistogram()
                          .Name("vigie_event_manager_alert_batch_seconds")
                          .Help("Time to persist a batch, first statement to commit, retries included")
                          .Register(registry)
                          .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                                           0.5, 1, 2.5, 5, 10, 30})) {
    for (bus::Topic topic : kTopics)
      for (const auto& [outcome, name] : kOutcomes)
        messages.Add({{"topic", std::string(bus::topic_suffix(topic))}, {"outcome", name}});
  }

  void add(const Tally& tally) {
    for (const auto& [key, n] : tally.messages) {
      const auto* name = std::find_if(kOutcomes.begin(), kOutcomes.end(), [&](const auto& o) {
                           return o.first == key.second;
                         })->second;
      messages.Add({{"topic", std::string(bus::topic_suffix(key.first))}, {"outcome", name}})
          .Increment(static_cast<double>(n));
    }
    raised.Increment(static_cast<double>(tally.raised));
    updated.Increment(static_cast<double>(tally.updated));
  }

  prometheus::Family<prometheus::Counter>& messages;
  prometheus::Family<prometheus::Counter>& alerts;
  prometheus::Counter& raised;
  prometheus::Counter& updated;
  prometheus::Histogram& batch_size;
  prometheus::Histogram& batch_seconds;
};

AlertWriter::AlertWriter(storage::Database& database, AlertWriterOptions options, prometheus::Registry& metrics)
    : database_(database), options_(options), metrics_(std::make_unique<Metrics>(metrics)) {}

AlertWriter::~AlertWriter() = default;

std::vector<AlertRecord> AlertWriter::write(const std::vector<bus::Record>& batch, std::stop_token stop) {
  Tally unread;
  std::vector<Message> messages;
  std::set<std::pair<bus::Topic, std::string>> seen;
  for (const bus::Record& record : batch) {
    std::optional<Message> m = read(record);
    if (!m) {
      log::warn("message without id, camera or capture time skipped",
                {{"topic", record.topic_name}, {"partition", record.partition}, {"offset", record.offset}});
      unread.count(record.topic, Outcome::invalid);
    } else if (!seen.emplace(m->topic, m->id).second) {
      unread.count(m->topic, Outcome::duplicate);
    } else {
      messages.push_back(std::move(*m));
    }
  }
  const auto started = std::chrono::steady_clock::now();
  Committed committed;
  if (!messages.empty()) {
    const int64_t cooldown_us = std::chrono::duration_cast<std::chrono::microseconds>(options_.cooldown).count();
    committed = database_.with_transaction([&](pqxx::work& tx) { return persist(tx, messages, cooldown_us); },
                                           options_.patience, stop);
  }
  metrics_->batch_seconds.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  metrics_->batch_size.Observe(static_cast<double>(batch.size()));
  metrics_->add(unread);
  metrics_->add(committed.tally);
  return std::move(committed.changed);
}

}  // namespace vigie::event_manager
