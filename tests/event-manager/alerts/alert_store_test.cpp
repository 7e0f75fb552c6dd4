// The alert store against a real PostgreSQL: decisions with their audit and
// events, the list's filters, and keyset pages that miss and repeat nothing.
#include "alerts/alert_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "alerts/alert_rows.h"
#include "alerts/alert_writer.h"
#include "alerts_test_support.h"
#include "store_errors.h"
#include "vigie/metrics/metrics.h"
#include "vigie/v1/event.pb.h"

namespace vigie::event_manager {
namespace {

using testing::AlertsDatabase;
using testing::fire_detection;
using testing::fire_rule;
using testing::record_of;
using testing::test_jpeg;

constexpr int64_t kT0us = testing::kT0Seconds * 1'000'000;

// An alert row as the list test needs it, written straight into the table.
struct Row {
  std::string camera = "cam-1";
  std::string analysis = "fire";
  std::string type = "fire_brigade";
  std::string state = "rejected";
  double latitude = 48.85;
  double longitude = 2.35;
  int64_t first_seen_s = 0;
};

class AlertStoreTest : public ::testing::Test {
 protected:
  // Raises an alert on camera through the rule path, with a picture.
  AlertRecord raise(const std::string& camera = "cam-1") {
    std::vector<bus::Record> batch;
    batch.push_back(record_of(fire_detection(camera, 1, 0, 0.9f, test_jpeg(camera))));
    return writer_.write(batch).at(0);
  }

  std::string insert(const Row& r) {
    return em_.scalar<std::string>(
        "INSERT INTO alerts (id, camera_id, camera_name, analysis, type, state, latitude, longitude, perimeter_m, "
        "label, max_score, positives, first_seen, last_seen) VALUES (gen_random_uuid(), $1, $1, $2, "
        "$3::alert_type, $4::alert_state, $5, $6, 100, 'fire', 0.9, 1, "
        "'epoch'::timestamptz + $7::bigint * interval '1 second', "
        "'epoch'::timestamptz + $7::bigint * interval '1 second') RETURNING id::text",
        r.camera, r.analysis, r.type, r.state, r.latitude, r.longitude, testing::kT0Seconds + r.first_seen_s);
  }

  std::vector<std::string> ids(const AlertFilter& filter) {
    std::vector<std::string> out;
    for (const auto& a : store_.list(filter).alerts) out.push_back(a.id);
    return out;
  }

  AlertsDatabase em_;
  metrics::Metrics metrics_;
  AlertWriter writer_{em_.db, AlertWriterOptions{}, metrics_.registry()};
  AlertStore store_{em_.db};
};

class AlertDecisionTest : public AlertStoreTest {
 protected:
  void SetUp() override {
    em_.add_analysis(fire_rule(1));
    em_.add_camera("cam-1", {"fire"});
  }
};

TEST_F(AlertDecisionTest, ConfirmThenResolveKeepsWhoAndWhenWithAnAuditRowAndAnEventEach) {
  const AlertRecord raised = raise();
  const AlertRecord confirmed = store_.decide(raised.id, AlertState::confirmed, "user:olga", "engine sent");
  EXPECT_EQ(confirmed.state, AlertState::confirmed);
  EXPECT_EQ(confirmed.revision, 2);
  EXPECT_EQ(confirmed.decided_by, "user:olga");
  const AlertRecord resolved = store_.decide(raised.id, AlertState::resolved, "user:marc");
  EXPECT_EQ(resolved.state, AlertState::resolved);
  EXPECT_EQ(resolved.revision, 3);

  const auto got = store_.get(raised.id);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->decisions.size(), 2u);
  EXPECT_EQ(got->decisions[0].state, AlertState::confirmed);
  EXPECT_EQ(got->decisions[0].decided_by, "user:olga");
  EXPECT_EQ(got->decisions[0].note, "engine sent");
  EXPECT_EQ(got->decisions[1].state, AlertState::resolved);
  EXPECT_EQ(got->decisions[1].decided_by, "user:marc");
  EXPECT_LE(got->decisions[0].decided_at, got->decisions[1].decided_at);
  EXPECT_EQ(got->decided_by, "user:marc");

  EXPECT_EQ(em_.count("SELECT count(*) FROM audit_log WHERE action = 'alert.confirm' AND actor = 'user:olga' "
                      "AND target_type = 'alert' AND target_id = $1",
                      raised.id),
            1);
  EXPECT_EQ(em_.count("SELECT count(*) FROM audit_log WHERE action = 'alert.resolve' AND actor = 'user:marc' "
                      "AND target_id = $1",
                      raised.id),
            1);
  const auto events = em_.queued_events(raised.id);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].state(), v1::Event::STATE_CONFIRMED);
  EXPECT_EQ(events[1].decided_by(), "user:olga");
  EXPECT_EQ(events[2].state(), v1::Event::STATE_RESOLVED);
  EXPECT_EQ(events[2].revision(), 3u);
}

TEST_F(AlertDecisionTest, AnOperatorMayRejectOrResolveAPendingAlertButNotUndoADecision) {
  const AlertRecord rejected = raise();
  store_.decide(rejected.id, AlertState::rejected, "user:olga");
  try {
    store_.decide(rejected.id, AlertState::confirmed, "user:olga");
    FAIL() << "a rejected alert was confirmed";
  } catch (const Conflict& e) {
    EXPECT_NE(std::string(e.what()).find("is rejected: it cannot become confirmed"), std::string::npos) << e.what();
  }
  EXPECT_THROW(store_.decide(rejected.id, AlertState::resolved, "user:olga"), Conflict);

  // Closed, so the next positive raises a new alert (no cool-down with the camera's clock this far on).
  std::vector<bus::Record> later;
  later.push_back(record_of(fire_detection("cam-1", 2, 3600)));
  const AlertRecord second = writer_.write(later).at(0);
  ASSERT_NE(second.id, rejected.id);
  store_.decide(second.id, AlertState::confirmed, "user:olga");
  EXPECT_THROW(store_.decide(second.id, AlertState::confirmed, "user:olga"), Conflict);
  EXPECT_THROW(store_.decide(second.id, AlertState::rejected, "user:olga"), Conflict);
  EXPECT_EQ(store_.decide(second.id, AlertState::resolved, "user:olga").state, AlertState::resolved);

  later.clear();
  later.push_back(record_of(fire_detection("cam-1", 3, 7200)));
  const AlertRecord third = writer_.write(later).at(0);
  EXPECT_EQ(store_.decide(third.id, AlertState::resolved, "user:olga").state, AlertState::resolved)
      << "real, but over by the time anyone looked";
  EXPECT_EQ(em_.count("SELECT count(*) FROM alert_decisions"), 4);
}

TEST_F(AlertDecisionTest, BadDecisionsAreRefusedNamingTheField) {
  const AlertRecord a = raise();
  try {
    store_.decide(a.id, AlertState::pending, "user:olga");
    FAIL();
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.field(), "state");
  }
  try {
    store_.decide(a.id, AlertState::confirmed, "user:olga", std::string(2001, 'x'));
    FAIL();
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.field(), "note");
  }
  EXPECT_THROW(store_.decide("00000000-0000-4000-8000-000000000000", AlertState::confirmed, "user:olga"), NotFound);
  EXPECT_THROW(store_.decide("'; DROP TABLE alerts; --", AlertState::confirmed, "user:olga"), NotFound);
  EXPECT_FALSE(store_.get("../../etc/passwd"));
  EXPECT_EQ(store_.get(a.id)->state, AlertState::pending) << "nothing was decided";
  EXPECT_EQ(em_.count("SELECT count(*) FROM alert_decisions"), 0);
}

TEST_F(AlertDecisionTest, EvidenceAndTheLastDetectionTime) {
  EXPECT_FALSE(store_.last_detection_time());
  const AlertRecord a = raise();
  const auto image = store_.evidence(*a.evidence_image_id);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->alert_id, a.id);
  EXPECT_EQ(image->jpeg, test_jpeg("cam-1"));
  EXPECT_FALSE(store_.evidence("00000000-0000-4000-8000-000000000000"));
  EXPECT_FALSE(store_.evidence("not-an-id"));
  EXPECT_EQ(store_.last_detection_time(), from_micros(kT0us));
}

TEST_F(AlertStoreTest, TheListFiltersByCameraTypeStateTimeAndArea) {
  const std::string paris = insert({.camera = "cam-paris", .first_seen_s = 10});
  const std::string lyon = insert({.camera = "cam-lyon",
                                   .type = "police",
                                   .state = "pending",
                                   .latitude = 45.76,
                                   .longitude = 4.83,
                                   .first_seen_s = 20});
  const std::string marseille = insert({.camera = "cam-marseille",
                                        .type = "ambulance",
                                        .state = "confirmed",
                                        .latitude = 43.30,
                                        .longitude = 5.37,
                                        .first_seen_s = 30});
  const std::string paris_later = insert({.camera = "cam-paris", .state = "pending", .first_seen_s = 40});

  EXPECT_EQ(ids({}), (std::vector<std::string>{paris_later, marseille, lyon, paris})) << "newest first";
  EXPECT_EQ(ids({.camera_id = "cam-paris"}), (std::vector<std::string>{paris_later, paris}));
  EXPECT_EQ(ids({.type = v1::ALERT_TYPE_POLICE}), (std::vector<std::string>{lyon}));
  EXPECT_EQ(ids({.state = AlertState::pending}), (std::vector<std::string>{paris_later, lyon}));
  const auto at = [](int64_t s) { return from_micros(kT0us + s * 1'000'000); };
  EXPECT_EQ(ids({.from = at(20), .to = at(40)}), (std::vector<std::string>{marseille, lyon})) << "from in, to out";
  // The south of France.
  EXPECT_EQ(ids({.bbox = GeoBox{3.0, 42.0, 8.0, 46.0}}), (std::vector<std::string>{marseille, lyon}));
  EXPECT_EQ(ids({.state = AlertState::confirmed, .bbox = GeoBox{3.0, 42.0, 8.0, 46.0}}),
            (std::vector<std::string>{marseille}));
  const AlertPage page = store_.list({.camera_id = "cam-paris", .limit = 1});
  EXPECT_EQ(page.total, 2);
  EXPECT_EQ(page.alerts.size(), 1u);
  EXPECT_TRUE(page.next_cursor);
  EXPECT_EQ(store_.list({.camera_id = "nobody"}).total, 0);
}

TEST_F(AlertStoreTest, PagesCoverEveryAlertOnceInOrderEvenWithTiedTimes) {
  std::set<std::string> inserted;
  // 130 alerts over 40 distinct times: many share their first_seen.
  for (int i = 0; i < 130; ++i)
    inserted.insert(insert({.camera = "cam-" + std::to_string(i % 3), .first_seen_s = i % 40}));
  for (const std::optional<std::string>& camera : {std::optional<std::string>(), std::optional<std::string>("cam-1")}) {
    SCOPED_TRACE(camera.value_or("all cameras"));
    std::vector<AlertRecord> seen;
    std::optional<std::string> cursor;
    int pages = 0;
    do {
      const AlertPage page = store_.list({.camera_id = camera, .limit = 50, .cursor = cursor});
      EXPECT_EQ(page.total, camera ? 43 : 130);
      seen.insert(seen.end(), page.alerts.begin(), page.alerts.end());
      cursor = page.next_cursor;
      ASSERT_LT(++pages, 10);
    } while (cursor);
    EXPECT_EQ(pages, camera ? 1 : 3);
    ASSERT_EQ(seen.size(), camera ? 43u : 130u);
    std::set<std::string> unique;
    for (const auto& a : seen) unique.insert(a.id);
    EXPECT_EQ(unique.size(), seen.size()) << "an alert came twice";
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end(), [](const AlertRecord& a, const AlertRecord& b) {
      return std::tie(a.first_seen, a.id) > std::tie(b.first_seen, b.id);
    }));
    if (!camera) {
      EXPECT_EQ(unique, inserted);
    }
  }
}

TEST_F(AlertStoreTest, BadFiltersAreRefusedNamingTheField) {
  const auto field_of = [&](const AlertFilter& filter) -> std::string {
    try {
      store_.list(filter);
    } catch (const ValidationError& e) {
      return e.field();
    }
    return "accepted";
  };
  EXPECT_EQ(field_of({.limit = 0}), "limit");
  EXPECT_EQ(field_of({.limit = 501}), "limit");
  EXPECT_EQ(field_of({.cursor = "not a cursor"}), "cursor");
  EXPECT_EQ(field_of({.cursor = "AAAA"}), "cursor");
  EXPECT_EQ(field_of({.bbox = GeoBox{10, 40, 5, 45}}), "bbox");
  EXPECT_EQ(field_of({.bbox = GeoBox{0, -91, 5, 45}}), "bbox");
  EXPECT_EQ(field_of({.from = from_micros(kT0us), .to = from_micros(kT0us)}), "to");
  EXPECT_EQ(field_of({.limit = 500}), "accepted");
}

}  // namespace
}  // namespace vigie::event_manager
