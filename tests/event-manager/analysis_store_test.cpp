// The analysis store: the camera store's pattern, plus a change of an analysis
// re-queuing every camera that runs it with a higher revision.
#include "analysis_store.h"

#include <gtest/gtest.h>

#include "camera_store.h"
#include "event_manager_test_support.h"
#include "store_errors.h"

namespace vigie::event_manager {
namespace {

using testing::EventManagerDatabase;
using testing::example_analysis;
using testing::example_camera;

class AnalysisStoreTest : public ::testing::Test {
 protected:
  EventManagerDatabase em_;
  AnalysisStore store_{em_.db};
  CameraStore cameras_{em_.db, std::nullopt};
};

TEST_F(AnalysisStoreTest, CreateGetListAndAudit) {
  const AnalysisRecord created = store_.create(example_analysis("fire"), "user:admin");
  EXPECT_EQ(created.revision, 1);
  EXPECT_EQ(created.analysis.SerializeAsString(), example_analysis("fire").SerializeAsString());
  EXPECT_TRUE(created.cameras.empty());
  store_.create(example_analysis("arson"), "user:admin");
  const auto all = store_.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].analysis.name(), "arson");  // by name
  EXPECT_FALSE(store_.get("flood"));
  EXPECT_THROW(store_.create(example_analysis("fire"), "user:admin"), Conflict);
  EXPECT_EQ(em_.scalar<std::string>("SELECT string_agg(action || ' ' || target_id, ',' ORDER BY id) FROM audit_log"),
            "analysis.create fire,analysis.create arson");
  EXPECT_EQ(em_.scalar<std::string>("SELECT details->'analysis'->>'type' FROM audit_log LIMIT 1"),
            "ALERT_TYPE_FIRE_BRIGADE");
}

TEST_F(AnalysisStoreTest, AChangeRepublishesEveryCameraThatRunsIt) {
  store_.create(example_analysis("fire"), "user:admin");
  store_.create(example_analysis("crowd"), "user:admin");
  cameras_.create(example_camera("cam-a", {"fire"}), "user:admin");
  cameras_.create(example_camera("cam-b", {"fire", "crowd"}), "user:admin");
  cameras_.create(example_camera("cam-c", {"crowd"}), "user:admin");
  em_.exec("DELETE FROM camera_outbox");

  v1::Analysis stricter = example_analysis("fire");
  stricter.set_min_score(0.9f);
  const AnalysisRecord updated = store_.update("fire", stricter, "user:admin");
  EXPECT_EQ(updated.revision, 2);
  EXPECT_EQ(updated.cameras, (std::vector<std::string>{"cam-a", "cam-b"}));

  auto outbox = em_.outbox();
  ASSERT_EQ(outbox.size(), 2u);
  for (const auto& [id, camera] : outbox) {
    SCOPED_TRACE(id);
    ASSERT_TRUE(camera);
    EXPECT_EQ(camera->revision(), 2u);
    bool found = false;
    for (const auto& a : camera->analyses()) {
      if (a.name() == "fire") {
        found = true;
        EXPECT_FLOAT_EQ(a.min_score(), 0.9f);
      }
    }
    EXPECT_TRUE(found);
  }
  EXPECT_EQ(cameras_.get("cam-c")->camera.revision(), 1u);
  EXPECT_EQ(em_.scalar<std::string>("SELECT details->>'cameras' FROM audit_log WHERE action = 'analysis.update'"),
            R"(["cam-a", "cam-b"])");
}

TEST_F(AnalysisStoreTest, ARenameFollowsOnTheCameras) {
  store_.create(example_analysis("fire"), "user:admin");
  cameras_.create(example_camera("cam-a", {"fire"}), "user:admin");
  store_.create(example_analysis("smoke"), "user:admin");
  EXPECT_THROW(store_.update("fire", example_analysis("smoke"), "user:admin"), Conflict);
  EXPECT_THROW(store_.update("flood", example_analysis("flood"), "user:admin"), NotFound);

  store_.update("fire", example_analysis("blaze"), "user:admin");
  EXPECT_EQ(cameras_.get("cam-a")->camera.analyses(0).name(), "blaze");
  EXPECT_FALSE(store_.get("fire"));
  EXPECT_EQ(em_.scalar<std::string>("SELECT details->>'renamed_from' FROM audit_log WHERE action = 'analysis.update'"),
            "fire");
}

TEST_F(AnalysisStoreTest, AnAnalysisACameraRunsCannotBeDeleted) {
  store_.create(example_analysis("fire"), "user:admin");
  cameras_.create(example_camera("cam-a", {"fire"}), "user:admin");
  try {
    store_.remove("fire", "user:admin");
    ADD_FAILURE() << "deleted";
  } catch (const Conflict& e) {
    EXPECT_NE(std::string(e.what()).find("cam-a"), std::string::npos) << e.what();
  }
  cameras_.update(example_camera("cam-a"), "user:admin");
  store_.remove("fire", "user:admin");
  EXPECT_FALSE(store_.get("fire"));
  EXPECT_THROW(store_.remove("fire", "user:admin"), NotFound);
  EXPECT_EQ(em_.scalar<int>("SELECT count(*) FROM audit_log WHERE action = 'analysis.delete'"), 1);
}

TEST_F(AnalysisStoreTest, BadValuesAreRefusedByFieldAndSqlLookingLabelsKeptVerbatim) {
  v1::Analysis bad = example_analysis("fire");
  bad.set_min_score(2);
  try {
    store_.create(bad, "user:admin");
    ADD_FAILURE() << "stored";
  } catch (const ValidationError& e) {
    EXPECT_EQ(e.field(), "min_score");
  }
  v1::Analysis odd = example_analysis("odd");
  odd.add_labels("x'); DELETE FROM analyses; --");
  odd.add_actions("Call \"the\" chief, then {regroup}\\");
  store_.create(odd, "user:admin");
  EXPECT_EQ(store_.get("odd")->analysis.SerializeAsString(), odd.SerializeAsString());
}

}  // namespace
}  // namespace vigie::event_manager
