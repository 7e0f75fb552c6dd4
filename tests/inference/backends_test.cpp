// Each local back-end on real pictures: people in vtest.avi for the ONNX
// CenterNet (OpenCV DNN and ONNX Runtime) and HOG, a face for a cascade.
#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "detector_factory.h"
#include "inference_test_support.h"
#include "precision_recall.h"

namespace vigie::inference {
namespace {

using testing::vtest_frame;

FactoryOptions factory() {
  FactoryOptions o;
  o.models_dir = testing::models_dir();
  return o;
}

// The hand-labelled people of frame 120 (tests/data/inference).
std::vector<cv::Rect2f> people_of_frame_120() {
  std::vector<cv::Rect2f> out;
  for (const auto& b :
       eval::read_yolo_labels(testing::inference_data_dir() + "/vtest_people/frame_0120.txt", {640, 480}))
    out.push_back(b.box);
  return out;
}

std::vector<eval::Scored> scored(const std::vector<DetectedObject>& found, const std::string& label) {
  std::vector<eval::Scored> out;
  for (const auto& o : found)
    if (o.label == label) out.push_back({o.box, o.score});
  return out;
}

void expect_finds_the_people_of_frame_120(const std::string& spec_text) {
  std::string error;
  auto spec = parse_detector_spec(spec_text, "opencv-dnn", error);
  ASSERT_TRUE(spec) << error;
  auto detector = make_detector(*spec, factory());
  EXPECT_EQ(detector->input_size(), cv::Size(512, 512));
  const cv::Mat frame = vtest_frame(120);
  const auto found = detector->detect({frame, {}}, 0.4f);
  const auto counts = eval::match(scored(found, "person"), people_of_frame_120(), 0.4f);
  // 8 people; two are hard (one behind the sign, one small at the edge of the path).
  EXPECT_GE(counts.true_positives, 6) << spec_text;
  EXPECT_LE(counts.false_positives, 1) << spec_text;
  for (const auto& o : found) {
    EXPECT_GE(o.score, 0.4f);
    EXPECT_LE(o.score, 1.0f);
    EXPECT_GE(o.box.x, 0);
    EXPECT_LE(o.box.x + o.box.width, 640.5f);
  }
}

TEST(OpenCvDnnBackEnd, TheConvertedCenterNetFindsThePeopleOfVtest) {
  expect_finds_the_people_of_frame_120("opencv-dnn:centernet-coco");
}

TEST(OpenCvDnnBackEnd, AMissingModelIsRefusedNamingTheFileAndTheFetchScript) {
  std::string error;
  try {
    make_detector(*parse_detector_spec("opencv-dnn:no-such-model", "opencv-dnn", error), factory());
    FAIL() << "made a detector without a model";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-model.onnx"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("fetch-models.sh"), std::string::npos) << e.what();
  }
}

#ifdef VIGIE_HAVE_ONNXRUNTIME
TEST(OnnxRuntimeBackEnd, TheSameModelFindsTheSamePeopleAsOpenCv) {
  expect_finds_the_people_of_frame_120("onnxruntime:centernet-coco");
  std::string error;
  auto ort = make_detector(*parse_detector_spec("onnxruntime:centernet-coco", "", error), factory());
  auto cv_dnn = make_detector(*parse_detector_spec("opencv-dnn:centernet-coco", "", error), factory());
  const cv::Mat frame = vtest_frame(60);
  const auto a = ort->detect({frame, {}}, 0.3f);
  const auto b = cv_dnn->detect({frame, {}}, 0.3f);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].label, b[i].label);
    EXPECT_NEAR(a[i].score, b[i].score, 0.01f);
    EXPECT_GT(eval::iou(a[i].box, b[i].box), 0.95f);
  }
}
#else
TEST(OnnxRuntimeBackEnd, ABuildWithoutItSaysHowToGetIt) {
  std::string error;
  try {
    make_detector(*parse_detector_spec("onnxruntime:centernet-coco", "", error), factory());
    FAIL() << "made an ONNX Runtime detector in a build without it";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("fetch-models.sh"), std::string::npos) << e.what();
  }
}
#endif

TEST(HogBackEnd, FindsWalkingPeopleInVtest) {
  std::string error;
  auto hog = make_detector(*parse_detector_spec("hog:people", "", error), factory());
  const auto found = hog->detect({vtest_frame(120), {}}, 0.5f);
  const auto counts = eval::match(scored(found, "person"), people_of_frame_120(), 0.5f, 0.3f);
  EXPECT_GE(counts.true_positives, 2);
  EXPECT_GT(counts.precision(), 0.5);
}

TEST(CascadeBackEnd, FindsTheFaceInOpenCvsSamplePortrait) {
  std::string error;
  auto cascade =
      make_detector(*parse_detector_spec("cascade:haarcascade_frontalface_default", "", error), factory());
  const cv::Mat portrait = cv::imread("/usr/share/doc/opencv-doc/examples/data/messi5.jpg");
  ASSERT_FALSE(portrait.empty());
  const auto found = cascade->detect({portrait, {}}, 0.5f);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].label, "face");
  // The face is about 50 pixels wide, in the upper middle of the picture.
  EXPECT_GT(found[0].box.width, 25);
  EXPECT_LT(found[0].box.width, 120);
  EXPECT_TRUE(
      cv::Rect2f(150, 30, 250, 200)
          .contains({found[0].box.x + found[0].box.width / 2, found[0].box.y + found[0].box.height / 2}));
}

TEST(CascadeBackEnd, AnUnknownCascadeIsRefusedNamingTheFile) {
  std::string error;
  EXPECT_THROW(make_detector(*parse_detector_spec("cascade:no_such_cascade", "", error), factory()),
               std::runtime_error);
}

}  // namespace
}  // namespace vigie::inference
