// The batch path of the alert rules against a real PostgreSQL: what a batch of
// detections or motion events leaves in the database (alerts, pending
// positives, evidence, events waiting in the outbox), and that neither a
// redelivery nor a restart changes what the messages add up to.
#include "alerts/alert_writer.h"

#include <gtest/gtest.h>

#include <google/protobuf/util/time_util.h>

#include "alerts/alert_rows.h"
#include "alerts/alert_store.h"
#include "alerts_test_support.h"
#include "vigie/metrics/metrics.h"
#include "vigie/v1/event.pb.h"

namespace vigie::event_manager {
namespace {

using testing::AlertsDatabase;
using testing::fire_detection;
using testing::fire_rule;
using testing::motion_update;
using testing::record_of;
using testing::test_jpeg;

std::vector<bus::Record> batch_of(const std::vector<v1::Detection>& detections) {
  std::vector<bus::Record> out;
  for (const auto& d : detections) out.push_back(record_of(d));
  return out;
}

class AlertWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    em_.add_analysis(fire_rule(3));
    em_.add_camera("cam-1", {"fire"});
  }

  std::vector<AlertRecord> write(const std::vector<v1::Detection>& detections) {
    return writer_->write(batch_of(detections));
  }

  std::vector<AlertRecord> alerts() { return store_.list({.limit = 500}).alerts; }

  AlertsDatabase em_;
  metrics::Metrics metrics_;
  std::unique_ptr<AlertWriter> writer_ =
      std::make_unique<AlertWriter>(em_.db, AlertWriterOptions{}, metrics_.registry());
  AlertStore store_{em_.db};
};

TEST_F(AlertWriterTest, FewerPositivesThanNeededRaiseNothingYet) {
  EXPECT_TRUE(write({fire_detection("cam-1", 1, 0), fire_detection("cam-1", 2, 1)}).empty());
  EXPECT_TRUE(alerts().empty());
  EXPECT_EQ(em_.count("SELECT count(*) FROM rule_positives WHERE camera_id = 'cam-1'"), 2);
  EXPECT_TRUE(em_.queued_events().empty());
}

TEST_F(AlertWriterTest, TheLastDetectionTimeIsTheNewestPositiveCountedAndNeverGoesBack) {
  EXPECT_FALSE(store_.last_detection_time());
  const auto at = [](int64_t s) { return from_micros((testing::kT0Seconds + s) * 1'000'000); };
  write({fire_detection("cam-1", 1, 5)});
  EXPECT_EQ(store_.last_detection_time(), at(5)) << "a positive waiting for more counts";
  write({fire_detection("cam-1", 2, 6), fire_detection("cam-1", 3, 7)});
  ASSERT_EQ(alerts().size(), 1u);
  EXPECT_EQ(store_.last_detection_time(), at(7));
  write({fire_detection("cam-1", 9, 2)});
  EXPECT_EQ(store_.last_detection_time(), at(7)) << "a late, older positive moved it back";
  v1::Detection nothing = fire_detection("cam-1", 4, 8, 0.1f);
  nothing.set_level(v1::Detection::LEVEL_NONE);
  write({nothing});
  EXPECT_EQ(store_.last_detection_time(), at(7)) << "a detector's 'none' below the analysis's score counted";
}

TEST_F(AlertWriterTest, EnoughPositivesRaiseOneAlertWithTheCamerasPlaceAndTheAnalysissOrders) {
  const auto changed = write({fire_detection("cam-1", 1, 0, 0.7f), fire_detection("cam-1", 2, 1, 0.95f, test_jpeg("2")),
                              fire_detection("cam-1", 3, 2, 0.8f)});
  ASSERT_EQ(changed.size(), 1u);
  const auto all = alerts();
  ASSERT_EQ(all.size(), 1u);
  const AlertRecord& a = all.front();
  EXPECT_EQ(a.id, changed.front().id);
  EXPECT_EQ(a.camera_id, "cam-1");
  EXPECT_EQ(a.camera_name, "Hôtel de Ville cam-1");
  EXPECT_EQ(a.analysis, "fire");
  EXPECT_EQ(a.type, v1::ALERT_TYPE_FIRE_BRIGADE);
  EXPECT_EQ(a.state, AlertState::pending);
  EXPECT_DOUBLE_EQ(a.latitude, 48.856613);
  EXPECT_DOUBLE_EQ(a.longitude, 2.352222);
  EXPECT_FLOAT_EQ(a.perimeter_m, 150);
  EXPECT_EQ(a.actions, (std::vector<std::string>{"Send the nearest fire engine", "Close the street"}));
  EXPECT_EQ(a.label, "fire");
  EXPECT_FLOAT_EQ(a.max_score, 0.95f);
  EXPECT_EQ(a.positives, 3);
  EXPECT_EQ(a.first_seen, from_micros(testing::kT0Seconds * 1'000'000));
  EXPECT_EQ(a.last_seen, from_micros((testing::kT0Seconds + 2) * 1'000'000));
  EXPECT_EQ(a.revision, 1);
  // What the batch handed back is what is stored.
  EXPECT_EQ(to_event(changed.front()).SerializeAsString(), to_event(a).SerializeAsString());
  EXPECT_EQ(changed.front().created_at, a.created_at);

  ASSERT_TRUE(a.evidence_image_id);
  const auto evidence = store_.evidence(*a.evidence_image_id);
  ASSERT_TRUE(evidence);
  EXPECT_EQ(evidence->jpeg, test_jpeg("2"));
  EXPECT_EQ(evidence->alert_id, a.id);

  // Its event waits in the outbox, written by the same transaction.
  const auto queued = em_.queued_events();
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued.front().event_id(), a.id);
  EXPECT_EQ(queued.front().revision(), 1u);
  EXPECT_DOUBLE_EQ(queued.front().position().latitude(), 48.856613);
  EXPECT_FLOAT_EQ(queued.front().perimeter_m(), 150);
  EXPECT_EQ(queued.front().actions_size(), 2);
  EXPECT_EQ(queued.front().state(), v1::Event::STATE_PENDING);
  EXPECT_EQ(em_.count("SELECT count(*) FROM rule_positives"), 0) << "counted into the alert";
}

TEST_F(AlertWriterTest, LaterPositivesUpdateTheOpenAlertAndABetterPictureReplacesTheOld) {
  write({fire_detection("cam-1", 1, 0, 0.7f, test_jpeg("1")), fire_detection("cam-1", 2, 1),
         fire_detection("cam-1", 3, 2)});
  const AlertRecord raised = alerts().front();
  const auto changed =
      write({fire_detection("cam-1", 4, 30, 0.85f), fire_detection("cam-1", 5, 31, 0.99f, test_jpeg("5"))});
  ASSERT_EQ(changed.size(), 1u);
  const auto all = alerts();
  ASSERT_EQ(all.size(), 1u) << "updated, not raised again";
  const AlertRecord& a = all.front();
  EXPECT_EQ(a.id, raised.id);
  EXPECT_EQ(a.positives, 5);
  EXPECT_EQ(a.revision, 2);
  EXPECT_FLOAT_EQ(a.max_score, 0.99f);
  EXPECT_EQ(a.first_seen, raised.first_seen);
  EXPECT_EQ(a.last_seen, from_micros((testing::kT0Seconds + 31) * 1'000'000));
  EXPECT_EQ(store_.evidence(*a.evidence_image_id)->jpeg, test_jpeg("5"));
  EXPECT_FALSE(store_.evidence(*raised.evidence_image_id)) << "the replaced picture is gone";
  EXPECT_EQ(em_.count("SELECT count(*) FROM evidence_images"), 1);
  const auto queued = em_.queued_events();
  ASSERT_EQ(queued.size(), 2u);
  EXPECT_EQ(queued.back().revision(), 2u);
  EXPECT_EQ(queued.back().positives(), 5u);
}

TEST_F(AlertWriterTest, PendingPositivesSurviveARestart) {
  write({fire_detection("cam-1", 1, 0), fire_detection("cam-1", 2, 1)});
  // A new process: nothing of the first writer is left but the database.
  writer_ = std::make_unique<AlertWriter>(em_.db, AlertWriterOptions{}, metrics_.registry());
  ASSERT_EQ(write({fire_detection("cam-1", 3, 2)}).size(), 1u);
  const auto all = alerts();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all.front().positives, 3);
  EXPECT_EQ(all.front().first_seen, from_micros(testing::kT0Seconds * 1'000'000));
}

TEST_F(AlertWriterTest, ARedeliveredMessageChangesNothing) {
  const std::vector<v1::Detection> batch{fire_detection("cam-1", 1, 0), fire_detection("cam-1", 2, 1),
                                         fire_detection("cam-1", 3, 2), fire_detection("cam-1", 4, 3)};
  write(batch);
  const AlertRecord before = alerts().front();
  EXPECT_TRUE(write(batch).empty());
  // And within one batch, the same message twice counts once.
  EXPECT_EQ(write({fire_detection("cam-1", 5, 4), fire_detection("cam-1", 5, 4)}).front().positives, 5);
  // A batch of old and new messages: only the new count.
  EXPECT_EQ(write({fire_detection("cam-1", 2, 1), fire_detection("cam-1", 6, 5), fire_detection("cam-1", 5, 4)})
                .front()
                .positives,
            6);
  const auto all = alerts();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all.front().id, before.id);
  EXPECT_EQ(all.front().positives, 6);
  EXPECT_EQ(all.front().revision, 3);
  EXPECT_EQ(em_.count("SELECT count(*) FROM processed_messages WHERE topic = 'detections'"), 6);
  EXPECT_EQ(em_.queued_events().size(), 3u);
  EXPECT_NE(
      metrics_.render().find("vigie_event_manager_alert_messages_total{outcome=\"duplicate\",topic=\"detections\"} 7"),
      std::string::npos)
      << metrics_.render();
}

TEST_F(AlertWriterTest, AfterAClosingTheCoolDownPassesOnTheCamerasClockBeforeANewAlert) {
  write({fire_detection("cam-1", 1, 0), fire_detection("cam-1", 2, 1), fire_detection("cam-1", 3, 2)});
  store_.decide(alerts().front().id, AlertState::rejected, "user:olga", "a barbecue");

  // Closed at its last positive, 2 s on the camera's clock: until 62 s, positives raise nothing.
  EXPECT_TRUE(
      write({fire_detection("cam-1", 5, 20), fire_detection("cam-1", 6, 40), fire_detection("cam-1", 7, 61)}).empty());
  EXPECT_EQ(alerts().size(), 1u);
  EXPECT_EQ(em_.count("SELECT count(*) FROM rule_positives"), 0) << "nothing kept for after the cool-down";
  const auto raised =
      write({fire_detection("cam-1", 8, 62), fire_detection("cam-1", 9, 63), fire_detection("cam-1", 10, 64)});
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised.front().positives, 3);
  EXPECT_EQ(raised.front().first_seen, from_micros((testing::kT0Seconds + 62) * 1'000'000));
  EXPECT_EQ(alerts().size(), 2u);
}

TEST_F(AlertWriterTest, MessagesOfUnknownCamerasOrAnalysesTheCameraDoesNotRunAreSkipped) {
  em_.add_analysis(testing::example_analysis("violence"));
  v1::Detection other = fire_detection("cam-1", 1, 0);
  other.set_analysis("violence");
  EXPECT_TRUE(
      write({fire_detection("cam-9", 1, 0), fire_detection("cam-9", 2, 1), fire_detection("cam-9", 3, 2), other})
          .empty());
  EXPECT_TRUE(alerts().empty());
  const std::string text = metrics_.render();
  EXPECT_NE(text.find("vigie_event_manager_alert_messages_total{outcome=\"unknown_camera\",topic=\"detections\"} 3"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("vigie_event_manager_alert_messages_total{outcome=\"analysis_not_run\",topic=\"detections\"} 1"),
            std::string::npos)
      << text;
}

TEST_F(AlertWriterTest, AMotionAnalysisTakesMotionEventsAsPositives) {
  v1::Analysis motion = fire_rule(2);
  motion.set_name("intrusion");
  motion.set_type(v1::ALERT_TYPE_POLICE);
  motion.set_detector("motion");
  em_.add_analysis(motion);
  em_.add_camera("cam-2", {"intrusion", "fire"});
  v1::MotionEvent end = motion_update("cam-2", "ev-1", 2, 1);
  end.set_phase(v1::MotionEvent::PHASE_END);
  std::vector<bus::Record> batch;
  batch.push_back(record_of(motion_update("cam-2", "ev-1", 0, 0, 0.02f)));
  batch.push_back(record_of(end));
  EXPECT_TRUE(writer_->write(batch).empty()) << "an end is no positive";
  batch.clear();
  batch.push_back(record_of(motion_update("cam-2", "ev-2", 0, 5, 0.07f)));
  const auto changed = writer_->write(batch);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed.front().analysis, "intrusion");
  EXPECT_EQ(changed.front().type, v1::ALERT_TYPE_POLICE);
  EXPECT_EQ(changed.front().label, "motion");
  EXPECT_FLOAT_EQ(changed.front().max_score, 0.07f);
  EXPECT_EQ(changed.front().positives, 2);
  EXPECT_EQ(em_.count("SELECT count(*) FROM processed_messages WHERE topic = 'motion' AND message_id = 'ev-1/2'"), 1);
}

}  // namespace
}  // namespace vigie::event_manager
