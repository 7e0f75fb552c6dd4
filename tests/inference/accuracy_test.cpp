// The default people detector's precision and recall at IoU 0.5 on 25 hand-labelled
// frames of vtest.avi (tests/data/inference/vtest_people, 155 people), through
// the service as it runs: frames as ingest publishes them (640x480 JPEG, quality
// 80), an analysis "people" of label person. The floors sit a little under the
// measured figures (docs/inference.md) so that a regression shows.
#include <gtest/gtest.h>

#include "inference_service.h"
#include "inference_test_support.h"
#include "precision_recall.h"
#include "vigie/metrics/metrics.h"

namespace vigie::inference {
namespace {

TEST(Accuracy, TheDefaultPeopleDetectorFindsThePeopleOfVtest) {
  metrics::Metrics metrics;
  FactoryOptions factory;
  factory.models_dir = testing::models_dir();
  DetectorPool pool(factory);
  std::vector<v1::Detection> out;
  ServiceOptions options;
  InferenceService service(
      options, pool, [&](const v1::Detection& d, std::string_view) { out.push_back(d); }, metrics.registry());
  // Positive at 0.5; the objects down to the probable threshold (0.25) come along.
  auto camera = testing::camera_with(
      "vtest", {testing::analysis("people", options.defaults.detector, {"person"}, 0.5f, 100)});
  service.camera_changed("vtest", &camera);

  const auto truth = eval::read_yolo_directory(testing::inference_data_dir() + "/vtest_people", {640, 480});
  ASSERT_GE(truth.size(), 20u);
  std::map<double, eval::Counts> by_threshold;
  int people = 0;
  for (const auto& [frame, boxes] : truth) {
    out.clear();
    service.handle(testing::motion_event("vtest", "s", static_cast<uint64_t>(frame),
                                         testing::encode_jpeg(testing::vtest_frame(frame))),
                   {"", {}});
    ASSERT_EQ(out.size(), 1u);
    std::vector<eval::Scored> found;
    for (const auto& o : out[0].objects())
      found.push_back({{o.box().x(), o.box().y(), o.box().width(), o.box().height()}, o.score()});
    std::vector<cv::Rect2f> people_here;
    for (const auto& b : boxes) people_here.push_back(b.box);
    people += static_cast<int>(people_here.size());
    for (double t : {0.3, 0.35, 0.4, 0.5})
      by_threshold[t] += eval::match(found, people_here, static_cast<float>(t));
  }
  for (const auto& [t, c] : by_threshold)
    std::printf("score >= %.2f: precision %.3f recall %.3f (%d found, %d false, %d missed of %d)\n", t,
                c.precision(), c.recall(), c.true_positives, c.false_positives, c.false_negatives, people);
  EXPECT_GE(by_threshold[0.5].precision(), 0.9);
  EXPECT_GE(by_threshold[0.5].recall(), 0.6);
  EXPECT_GE(by_threshold[0.35].precision(), 0.8);
  EXPECT_GE(by_threshold[0.35].recall(), 0.8);
}

}  // namespace
}  // namespace vigie::inference
