// The perceptual hash on the sample street video: the same picture re-encoded,
// noised or brightened stays within a few bits; the street a few seconds later
// (people moved) is far; the plane's stride and size do not matter.
#include "perceptual_hash.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>
#include <vector>

namespace vigie::ingest {
namespace {

constexpr const char* kVideo = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
constexpr int kSameMax = 5;
constexpr int kDifferentMin = 8;

uint64_t hash_of(const cv::Mat& grey) {
  return perceptual_hash(grey.data, grey.cols, grey.rows, static_cast<int>(grey.step[0]));
}

cv::Mat jpeg_round_trip(const cv::Mat& grey, int quality) {
  std::vector<uchar> bytes;
  cv::imencode(".jpg", grey, bytes, {cv::IMWRITE_JPEG_QUALITY, quality});
  return cv::imdecode(bytes, cv::IMREAD_GRAYSCALE);
}

class PerceptualHashTest : public ::testing::Test {
 protected:
  // Frames 0, 50, 100 ... 750 in grey, each as the server would send it (JPEG q80).
  static void SetUpTestSuite() {
    ASSERT_TRUE(std::filesystem::is_regular_file(kVideo))
        << kVideo << " is missing: install opencv-doc (deploy/install-deps.sh)";
    cv::VideoCapture capture(kVideo, cv::CAP_FFMPEG);
    ASSERT_TRUE(capture.isOpened()) << kVideo;
    cv::Mat frame;
    for (int index = 0; capture.read(frame); ++index) {
      if (index % 50 != 0) continue;
      cv::Mat grey;
      cv::cvtColor(frame, grey, cv::COLOR_BGR2GRAY);
      frames_.push_back(jpeg_round_trip(grey, 80));
    }
    ASSERT_GE(frames_.size(), 10u);
  }
  static void TearDownTestSuite() { frames_.clear(); }
  void SetUp() override { ASSERT_GE(frames_.size(), 10u) << "the video did not decode"; }
  static std::vector<cv::Mat> frames_;
};
std::vector<cv::Mat> PerceptualHashTest::frames_;

TEST_F(PerceptualHashTest, ReencodedAtAnotherQualityStaysClose) {
  for (size_t i = 0; i < frames_.size(); ++i) {
    for (int quality : {30, 50, 95}) {
      EXPECT_LE(hamming(hash_of(frames_[i]), hash_of(jpeg_round_trip(frames_[i], quality))),
                kSameMax)
          << "frame " << i * 50 << " at quality " << quality;
    }
  }
}

TEST_F(PerceptualHashTest, SlightNoiseStaysClose) {
  cv::RNG random(42);
  for (size_t i = 0; i < frames_.size(); ++i) {
    cv::Mat noise(frames_[i].size(), CV_16S);
    random.fill(noise, cv::RNG::NORMAL, 0, 4);
    cv::Mat noisy;
    frames_[i].convertTo(noisy, CV_16S);
    noisy += noise;
    noisy.convertTo(noisy, CV_8U);
    EXPECT_LE(hamming(hash_of(frames_[i]), hash_of(noisy)), kSameMax) << "frame " << i * 50;
  }
}

TEST_F(PerceptualHashTest, UniformlyBrighterStaysClose) {
  for (size_t i = 0; i < frames_.size(); ++i) {
    cv::Mat brighter;
    frames_[i].convertTo(brighter, -1, 1, 10);
    EXPECT_LE(hamming(hash_of(frames_[i]), hash_of(brighter)), 2) << "frame " << i * 50;
  }
}

TEST_F(PerceptualHashTest, FiftyFramesLaterIsFar) {
  for (size_t i = 0; i + 1 < frames_.size(); ++i) {
    EXPECT_GE(hamming(hash_of(frames_[i]), hash_of(frames_[i + 1])), kDifferentMin)
        << "frames " << i * 50 << " and " << (i + 1) * 50;
  }
}

TEST_F(PerceptualHashTest, StrideDoesNotChangeTheHash) {
  const cv::Mat& frame = frames_.front();
  cv::Mat wider(frame.rows, frame.cols + 40, CV_8U, cv::Scalar(255));
  frame.copyTo(wider(cv::Rect(0, 0, frame.cols, frame.rows)));
  const cv::Mat view = wider(cv::Rect(0, 0, frame.cols, frame.rows));
  ASSERT_NE(view.step[0], frame.step[0]);
  EXPECT_EQ(hash_of(view), hash_of(frame));
}

TEST_F(PerceptualHashTest, AnySizeWorksAndScaledCopiesAgree) {
  const cv::Mat& frame = frames_.front();
  for (cv::Size size : {cv::Size(640, 480), cv::Size(333, 251), cv::Size(1920, 1440)}) {
    cv::Mat scaled;
    cv::resize(frame, scaled, size, 0, 0, cv::INTER_AREA);
    EXPECT_LE(hamming(hash_of(frame), hash_of(scaled)), kSameMax) << size;
  }
  // Smaller than the hash's own 32x32 grid: pixels repeat, nothing is read outside.
  cv::Mat tiny;
  cv::resize(frame, tiny, cv::Size(7, 5), 0, 0, cv::INTER_AREA);
  EXPECT_EQ(hash_of(tiny), hash_of(tiny.clone()));
  const uint8_t one_pixel = 128;
  EXPECT_NO_THROW(perceptual_hash(&one_pixel, 1, 1, 1));
}

TEST(PerceptualHashArgumentsTest, EmptyOrInconsistentPlanesAreRefused) {
  const std::vector<uint8_t> plane(64 * 64, 0);
  EXPECT_THROW(perceptual_hash(nullptr, 64, 64, 64), std::invalid_argument);
  EXPECT_THROW(perceptual_hash(plane.data(), 0, 64, 64), std::invalid_argument);
  EXPECT_THROW(perceptual_hash(plane.data(), 64, 0, 64), std::invalid_argument);
  EXPECT_THROW(perceptual_hash(plane.data(), 64, 64, 63), std::invalid_argument);
}

TEST(HammingTest, CountsDifferingBits) {
  EXPECT_EQ(hamming(0, 0), 0);
  EXPECT_EQ(hamming(0, ~uint64_t{0}), 64);
  EXPECT_EQ(hamming(0b1011, 0b0001), 2);
}

}  // namespace
}  // namespace vigie::ingest
