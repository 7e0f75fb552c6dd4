// The camera store against the real schema: each change is one transaction with
// its revision, audit row and outbox message; credentials only ever stored as a
// Fernet token and never read back; bad values refused by field, nothing written.
#include "camera_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>
#include <nlohmann/json.hpp>

#include "analysis_store.h"
#include "event_manager_test_support.h"
#include "store_errors.h"
#include "vigie/crypto/credentials.h"

namespace vigie::event_manager {
namespace {

using google::protobuf::util::MessageDifferencer;
using testing::EventManagerDatabase;
using testing::example_analysis;
using testing::example_camera;

class CameraStoreTest : public ::testing::Test {
 protected:
  CameraStoreTest() { analyses_.create(example_analysis("fire"), "user:admin"); }

  int count(const std::string& table) { return em_.scalar<int>("SELECT count(*) FROM " + table); }

  const std::string key_ = crypto::Fernet::generate_key();
  EventManagerDatabase em_;
  AnalysisStore analyses_{em_.db};
  CameraStore store_{em_.db, crypto::Fernet::from_key(key_)};
};

TEST_F(CameraStoreTest, CreateStoresEverythingWithRevisionOneAnAuditRowAndAnOutboxMessage) {
  const CameraInput input = example_camera("cam-1", {"fire"});
  const CameraRecord created = store_.create(input, "user:alice");
  const v1::Camera& c = created.camera;
  EXPECT_EQ(c.schema_version(), 1u);
  EXPECT_EQ(c.id(), "cam-1");
  EXPECT_EQ(c.name(), input.name);
  EXPECT_TRUE(c.enabled());
  EXPECT_TRUE(MessageDifferencer::Equals(c.analysis_stream(), input.analysis_stream)) << c.analysis_stream().DebugString();
  EXPECT_EQ(c.recording_stream().url(), input.recording_stream->url());
  EXPECT_EQ(c.position().latitude(), input.latitude);
  EXPECT_EQ(c.position().longitude(), input.longitude);
  EXPECT_TRUE(MessageDifferencer::Equals(c.frames(), input.frames)) << c.frames().DebugString();
  EXPECT_TRUE(MessageDifferencer::Equals(c.motion(), input.motion)) << c.motion().DebugString();
  ASSERT_EQ(c.analyses_size(), 1);
  EXPECT_TRUE(MessageDifferencer::Equals(c.analyses(0), example_analysis("fire"))) << c.analyses(0).DebugString();
  EXPECT_EQ(c.revision(), 1u);
  EXPECT_GT(c.updated_at().seconds(), 0);
  EXPECT_FALSE(created.has_credentials);

  auto fetched = store_.get("cam-1");
  ASSERT_TRUE(fetched);
  EXPECT_TRUE(MessageDifferencer::Equals(fetched->camera, c));
  EXPECT_EQ(store_.list().size(), 1u);

  EXPECT_EQ(em_.scalar<std::string>("SELECT actor || ' ' || action || ' ' || target_type || ' ' || target_id "
                                    "FROM audit_log WHERE target_type = 'camera'"),
            "user:alice camera.create camera cam-1");
  EXPECT_EQ(em_.scalar<int>("SELECT (details->>'revision')::int FROM audit_log WHERE target_type = 'camera'"), 1);
  auto outbox = em_.outbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].first, "cam-1");
  ASSERT_TRUE(outbox[0].second);
  EXPECT_TRUE(MessageDifferencer::Equals(*outbox[0].second, c));
}

TEST_F(CameraStoreTest, EveryChangeRaisesTheRevisionAndIsAuditedAndQueued) {
  store_.create(example_camera("cam-1", {"fire"}), "user:alice");
  const auto first = store_.get("cam-1");

  CameraInput changed = example_camera("cam-1");
  changed.name = "Pont Neuf";
  changed.latitude = 48.8571;
  changed.recording_stream.reset();
  const CameraRecord updated = store_.update(changed, "user:bob");
  EXPECT_EQ(updated.camera.revision(), 2u);
  EXPECT_EQ(updated.camera.name(), "Pont Neuf");
  EXPECT_EQ(updated.camera.position().latitude(), 48.8571);
  EXPECT_FALSE(updated.camera.has_recording_stream());
  EXPECT_EQ(updated.camera.analyses_size(), 0);
  EXPECT_EQ(updated.created_at, first->created_at);
  EXPECT_GE(updated.camera.updated_at().seconds() * 1'000'000'000 + updated.camera.updated_at().nanos(),
            first->camera.updated_at().seconds() * 1'000'000'000 + first->camera.updated_at().nanos());
  EXPECT_EQ(count("camera_analyses"), 0);

  EXPECT_EQ(store_.set_enabled("cam-1", false, "user:carol").camera.revision(), 3u);
  EXPECT_FALSE(store_.get("cam-1")->camera.enabled());

  EXPECT_EQ(em_.scalar<std::string>("SELECT string_agg(actor || ':' || action || ':' || (details->>'revision'), ' ' "
                                    "ORDER BY id) FROM audit_log WHERE target_type = 'camera'"),
            "user:alice:camera.create:1 user:bob:camera.update:2 user:carol:camera.disable:3");
  auto outbox = em_.outbox();
  ASSERT_EQ(outbox.size(), 3u);
  for (size_t i = 0; i < outbox.size(); ++i) EXPECT_EQ(outbox[i].second->revision(), i + 1);
}

TEST_F(CameraStoreTest, DeleteQueuesATombstoneAndIsAudited) {
  store_.create(example_camera("cam-1", {"fire"}), "user:alice");
  store_.remove("cam-1", "user:bob");
  EXPECT_FALSE(store_.get("cam-1"));
  EXPECT_TRUE(store_.list().empty());
  EXPECT_EQ(count("camera_analyses"), 0);
  auto outbox = em_.outbox();
  ASSERT_EQ(outbox.size(), 2u);
  EXPECT_EQ(outbox[1].first, "cam-1");
  EXPECT_FALSE(outbox[1].second) << "no tombstone";
  EXPECT_EQ(em_.scalar<std::string>("SELECT action || ' ' || (details->>'name') FROM audit_log "
                                    "WHERE action = 'camera.delete'"),
            "camera.delete " + example_camera("cam-1").name);
}

TEST_F(CameraStoreTest, TheRuleStateOfAnalysesTakenOffOrOfADeletedCameraIsForgotten) {
  analyses_.create(example_analysis("smoke"), "user:admin");
  store_.create(example_camera("cam-1", {"fire", "smoke"}), "user:alice");
  store_.create(example_camera("cam-2", {"fire"}), "user:alice");
  em_.exec(
      "INSERT INTO rule_positives (camera_id, analysis, message_id, seen_at, score, label) VALUES "
      "('cam-1', 'fire', 'm1', now(), 0.9, 'fire'), ('cam-1', 'smoke', 'm2', now(), 0.8, 'smoke'), "
      "('cam-2', 'fire', 'm3', now(), 0.7, 'fire')");
  em_.exec(
      "INSERT INTO rule_cooldowns (camera_id, analysis, closed_at) VALUES "
      "('cam-1', 'fire', now()), ('cam-1', 'smoke', now()), ('cam-2', 'fire', now())");

  store_.update(example_camera("cam-1", {"fire"}), "user:bob");
  const std::string left =
      "SELECT string_agg(camera_id || '/' || analysis, ' ' ORDER BY camera_id, analysis) FROM ";
  EXPECT_EQ(em_.scalar<std::string>(left + "rule_positives"), "cam-1/fire cam-2/fire");
  EXPECT_EQ(em_.scalar<std::string>(left + "rule_cooldowns"), "cam-1/fire cam-2/fire");

  store_.remove("cam-1", "user:bob");
  EXPECT_EQ(em_.scalar<std::string>(left + "rule_positives"), "cam-2/fire");
  EXPECT_EQ(em_.scalar<std::string>(left + "rule_cooldowns"), "cam-2/fire");
}

TEST_F(CameraStoreTest, MissingAndDuplicateCamerasAreRefused) {
  EXPECT_THROW(store_.update(example_camera("nope"), "user:a"), NotFound);
  EXPECT_THROW(store_.set_enabled("nope", true, "user:a"), NotFound);
  EXPECT_THROW(store_.remove("nope", "user:a"), NotFound);
  store_.create(example_camera("cam-1"), "user:a");
  EXPECT_THROW(store_.create(example_camera("cam-1"), "user:a"), Conflict);
  EXPECT_THROW(store_.create(example_camera("cam-2"), ""), std::invalid_argument);  // no actor
  EXPECT_EQ(count("cameras"), 1);
  EXPECT_EQ(count("audit_log WHERE target_type = 'camera'"), 1);
  EXPECT_EQ(em_.outbox().size(), 1u);
}

TEST_F(CameraStoreTest, CredentialsAreStoredOnlyAsAFernetTokenAndNeverReadBack) {
  CameraInput input = example_camera("cam-1");
  input.credentials = crypto::Credentials{"operator-7", "s3cr3t-pässword"};
  const CameraRecord created = store_.create(input, "user:alice");
  EXPECT_TRUE(created.has_credentials);
  EXPECT_TRUE(created.camera.credentials_token().empty());
  EXPECT_TRUE(store_.get("cam-1")->has_credentials);
  EXPECT_TRUE(store_.get("cam-1")->camera.credentials_token().empty());
  EXPECT_TRUE(store_.list()[0].camera.credentials_token().empty());

  const auto token = em_.scalar<std::string>("SELECT credentials_token FROM cameras");
  const auto opened = crypto::open_credentials(crypto::Fernet::from_key(key_), token);
  EXPECT_EQ(opened.username, "operator-7");
  EXPECT_EQ(opened.password, "s3cr3t-pässword");
  // Nowhere in clear: not in any column of any table.
  for (const char* table : {"cameras", "audit_log", "camera_outbox"}) {
    SCOPED_TRACE(table);
    EXPECT_EQ(em_.scalar<int>(std::string("SELECT count(*) FROM ") + table + " t WHERE t::text LIKE '%s3cr3t%' "
                              "OR t::text LIKE '%operator-7%'"), 0);
  }
  EXPECT_EQ(em_.scalar<int>("SELECT count(*) FROM audit_log WHERE strpos(details::text, $1) > 0", token), 0);
  // The cameras topic carries the token, for the services that hold the key.
  EXPECT_EQ(em_.outbox()[0].second->credentials_token(), token);

  // Left alone by an update that keeps them, replaced, then removed.
  store_.update(example_camera("cam-1"), "user:alice");
  EXPECT_EQ(em_.scalar<std::string>("SELECT credentials_token FROM cameras"), token);
  CameraInput replaced = example_camera("cam-1");
  replaced.credentials = crypto::Credentials{"operator-8", "other"};
  store_.update(replaced, "user:alice");
  EXPECT_EQ(crypto::open_credentials(crypto::Fernet::from_key(key_),
                                     em_.scalar<std::string>("SELECT credentials_token FROM cameras"))
                .username,
            "operator-8");
  CameraInput removed = example_camera("cam-1");
  removed.credentials = RemoveCredentials{};
  EXPECT_FALSE(store_.update(removed, "user:alice").has_credentials);
  EXPECT_EQ(em_.scalar<int>("SELECT count(*) FROM cameras WHERE credentials_token IS NULL"), 1);
  EXPECT_EQ(em_.scalar<std::string>("SELECT string_agg(details->>'credentials', ',' ORDER BY id) FROM audit_log "
                                    "WHERE target_type = 'camera'"),
            "set,kept,replaced,removed");
}

TEST_F(CameraStoreTest, WithoutAFernetKeyCredentialsAreRefused) {
  CameraStore keyless(em_.db, std::nullopt);
  CameraInput input = example_camera("cam-1");
  input.credentials = crypto::Credentials{"u", "p"};
  try {
    keyless.create(input, "user:alice");
    ADD_FAILURE() << "stored";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.field(), "credentials");
    EXPECT_NE(e.message().find("VIGIE_FERNET_KEY"), std::string::npos) << e.message();
  }
  EXPECT_EQ(count("cameras"), 0);
}

TEST_F(CameraStoreTest, ABadValueIsRefusedByFieldAndNothingIsWritten) {
  auto field_of = [&](const CameraInput& input) -> std::string {
    try {
      store_.create(input, "user:alice");
    } catch (const ValidationError& e) {
      return e.field();
    }
    return "";
  };
  CameraInput far = example_camera("cam-1");
  far.latitude = 91;
  EXPECT_EQ(field_of(far), "latitude");
  CameraInput unnamed = example_camera("cam-1");
  unnamed.name = "";
  EXPECT_EQ(field_of(unnamed), "name");
  CameraInput wrong_scheme = example_camera("cam-1");
  wrong_scheme.analysis_stream.set_url("http://cam.example/stream");
  EXPECT_EQ(field_of(wrong_scheme), "analysis_stream.url");
  // Known only to the database.
  EXPECT_EQ(field_of(example_camera("cam-1", {"fire", "flood"})), "analyses");
  EXPECT_EQ(count("cameras") + count("camera_analyses") + count("camera_outbox") +
                count("audit_log WHERE target_type = 'camera'"),
            0);
}

TEST_F(CameraStoreTest, SqlLookingTextIsStoredVerbatim) {
  const std::string evil = "'; DROP TABLE cameras; --";
  CameraInput input = example_camera("cam-1");
  input.name = evil;
  input.analysis_stream.set_url("rtsp://cam.example/a');DELETE%20FROM%20audit_log;--");
  auto* zone = input.motion.add_zones();
  zone->set_name("Robert'); DROP TABLE audit_log;--");
  for (auto [x, y] : {std::pair{0.f, 0.f}, {1.f, 0.f}, {1.f, 1.f}}) {
    auto* p = zone->mutable_area()->add_points();
    p->set_x(x);
    p->set_y(y);
  }
  store_.create(input, "user:o'brien\"; --");
  const auto got = store_.get("cam-1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->camera.name(), evil);
  EXPECT_EQ(got->camera.analysis_stream().url(), input.analysis_stream.url());
  EXPECT_EQ(got->camera.motion().zones(0).name(), zone->name());
  EXPECT_EQ(count("cameras"), 1);
  EXPECT_EQ(em_.scalar<std::string>("SELECT actor FROM audit_log WHERE target_type = 'camera'"), "user:o'brien\"; --");
  EXPECT_EQ(em_.scalar<std::string>("SELECT details->'camera'->>'name' FROM audit_log WHERE target_type = 'camera'"),
            evil);
}

}  // namespace
}  // namespace vigie::event_manager
