// Which analyses a camera runs, with what detector, labels, score and rate: the
// camera's own, and those of the seed's HF_MODELS JSON.
#include <gtest/gtest.h>

#include "analyses.h"
#include "inference_test_support.h"

namespace vigie::inference {
namespace {

using testing::analysis;
using testing::camera_with;

TEST(HfModels, ReadsModelsAndTheirRates) {
  std::string error;
  auto models = parse_hf_models(R"({"fire":"user/fire-model","fire:fps":0.2,"smoke":"org/smoke"})", error);
  ASSERT_TRUE(models) << error;
  ASSERT_EQ(models->size(), 2u);
  EXPECT_EQ((*models)[0].analysis, "fire");
  EXPECT_EQ((*models)[0].model, "user/fire-model");
  EXPECT_DOUBLE_EQ((*models)[0].fps, 0.2);
  EXPECT_EQ((*models)[1].analysis, "smoke");
  EXPECT_DOUBLE_EQ((*models)[1].fps, 0);
  EXPECT_TRUE(parse_hf_models("", error)->empty());
}

TEST(HfModels, RefusesWhatIsNotOfThatFormSayingWhy) {
  std::string error;
  EXPECT_FALSE(parse_hf_models("[1,2]", error));
  EXPECT_NE(error.find("JSON object"), std::string::npos);
  EXPECT_FALSE(parse_hf_models(R"({"fire":3})", error));
  EXPECT_NE(error.find("\"fire\""), std::string::npos);
  EXPECT_FALSE(parse_hf_models(R"({"fire":"a/b","fire:fps":0})", error));
  EXPECT_NE(error.find("above 0"), std::string::npos);
  EXPECT_FALSE(parse_hf_models(R"({"smoke:fps":1})", error));
  EXPECT_NE(error.find("no model \"smoke\""), std::string::npos);
}

TEST(PlanAnalyses, TakesTheCamerasAnalysesAndLeavesMotionOnesToTheEventManager) {
  AnalysisDefaults defaults;
  auto camera = camera_with("c1", {analysis("people", "opencv-dnn:centernet-coco", {"person"}, 0.4f, 2),
                                   analysis("intrusion", "motion", {}, 0, 0),
                                   analysis("faces", "cascade:haarcascade_frontalface_default", {}, 0, 0),
                                   analysis("default", "", {}, 0, 0)});
  std::vector<std::string> problems;
  auto plans = plan_analyses(&camera, defaults, problems);
  EXPECT_TRUE(problems.empty());
  ASSERT_EQ(plans.size(), 3u);
  EXPECT_EQ(plans[0].name, "people");
  EXPECT_EQ(plans[0].detector.text(), "opencv-dnn:centernet-coco");
  EXPECT_EQ(plans[0].labels, std::vector<std::string>{"person"});
  EXPECT_FLOAT_EQ(plans[0].min_score, 0.4f);
  EXPECT_DOUBLE_EQ(plans[0].fps, 2);
  EXPECT_EQ(plans[1].detector.text(), "cascade:haarcascade_frontalface_default");
  EXPECT_FLOAT_EQ(plans[1].min_score, defaults.min_score);
  EXPECT_DOUBLE_EQ(plans[1].fps, defaults.fps);
  EXPECT_EQ(plans[2].detector.text(), defaults.detector);
}

TEST(PlanAnalyses, HfModelsRunOnEveryCameraAndLendTheirModelToAnAnalysisNamingNone) {
  AnalysisDefaults defaults;
  std::string error;
  defaults.hf_models = *parse_hf_models(R"({"fire":"user/fire","fire:fps":0.2,"smoke":"org/smoke"})", error);
  auto camera = camera_with("c1", {analysis("fire", "hf", {"fire"}, 0.7f, 0)});
  std::vector<std::string> problems;
  auto plans = plan_analyses(&camera, defaults, problems);
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[0].name, "fire");
  EXPECT_EQ(plans[0].detector.text(), "hf:user/fire");
  EXPECT_DOUBLE_EQ(plans[0].fps, 0.2);
  EXPECT_FLOAT_EQ(plans[0].min_score, 0.7f);
  EXPECT_EQ(plans[1].name, "smoke");
  EXPECT_EQ(plans[1].detector.text(), "hf:org/smoke");

  auto unknown = plan_analyses(nullptr, defaults, problems);
  EXPECT_EQ(unknown.size(), 2u);
}

TEST(PlanAnalyses, RefusesAnUnknownDetectorNamingTheAnalysis) {
  auto camera = camera_with("c1", {analysis("weird", "tensorflow:x", {}, 0, 0),
                                   analysis("sneaky", "opencv-dnn:../../etc/passwd", {}, 0, 0),
                                   analysis("ok", "hog:people", {}, 0, 0)});
  std::vector<std::string> problems;
  auto plans = plan_analyses(&camera, {}, problems);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].name, "ok");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("'weird'"), std::string::npos);
  EXPECT_NE(problems[0].find("unknown back-end"), std::string::npos);
  EXPECT_NE(problems[1].find("'sneaky'"), std::string::npos);
}

TEST(DetectorSpec, ABareModelTakesTheDefaultBackEnd) {
  std::string error;
  EXPECT_EQ(parse_detector_spec("centernet-coco", "onnxruntime", error)->text(),
            "onnxruntime:centernet-coco");
  EXPECT_EQ(parse_detector_spec("hf:org/model", "opencv-dnn", error)->model, "org/model");
  EXPECT_FALSE(parse_detector_spec("hog:cars", "opencv-dnn", error));
  EXPECT_FALSE(parse_detector_spec("cascade:", "opencv-dnn", error));
}

}  // namespace
}  // namespace vigie::inference
