#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "jpeg_scaled_decoder.h"
#include "motion_test_support.h"

namespace vigie::testing {
namespace {

using motion::JpegError;
using motion::JpegScaledDecoder;

TEST(JpegScaledDecoder, TheWorkingSizeKeepsTheAspectAndNeverEnlarges) {
  EXPECT_EQ(JpegScaledDecoder::working_size({640, 360}, 90), cv::Size(160, 90));
  EXPECT_EQ(JpegScaledDecoder::working_size({640, 480}, 90), cv::Size(120, 90));
  EXPECT_EQ(JpegScaledDecoder::working_size({1920, 1080}, 120), cv::Size(213, 120));
  EXPECT_EQ(JpegScaledDecoder::working_size({100, 60}, 90), cv::Size(100, 60));
}

TEST(JpegScaledDecoder, DecodesAtTheSmallestPowerOfTwoScaleNotBelowTheWorkingSize) {
  JpegScaledDecoder d;
  EXPECT_EQ(d.scaled_size({640, 360}, {160, 90}), cv::Size(160, 90));     // 1/4
  EXPECT_EQ(d.scaled_size({640, 480}, {120, 90}), cv::Size(160, 120));    // 1/4
  EXPECT_EQ(d.scaled_size({640, 360}, {213, 120}), cv::Size(320, 180));   // 1/2, not 3/8
  EXPECT_EQ(d.scaled_size({1920, 1080}, {213, 120}), cv::Size(240, 135)); // 1/8
  EXPECT_EQ(d.scaled_size({100, 60}, {100, 60}), cv::Size(100, 60));     // 1/1
}

TEST(JpegScaledDecoder, GivesTheSamePictureAsAFullDecodeShrunk) {
  const cv::Mat picture = vtest_frames(1)[0];
  cv::Mat small;
  cv::resize(picture, small, {640, 360}, 0, 0, cv::INTER_AREA);
  const std::string jpeg = encode_jpeg(small);

  JpegScaledDecoder d;
  cv::Mat gray;
  EXPECT_EQ(d.decode_gray(jpeg, 90, gray), cv::Size(640, 360));
  ASSERT_EQ(gray.size(), cv::Size(160, 90));
  ASSERT_EQ(gray.type(), CV_8UC1);

  cv::Mat reference;
  cv::cvtColor(small, reference, cv::COLOR_BGR2GRAY);
  cv::resize(reference, reference, gray.size(), 0, 0, cv::INTER_AREA);
  cv::Mat difference;
  cv::absdiff(gray, reference, difference);
  EXPECT_LT(cv::mean(difference)[0], 3.0);

  // A resize after the DCT scaling: 1/2 scale, then to 213x120.
  EXPECT_EQ(d.decode_gray(jpeg, 120, gray), cv::Size(640, 360));
  EXPECT_EQ(gray.size(), cv::Size(213, 120));
}

TEST(JpegScaledDecoder, KeepsItsBufferFromOneFrameToTheNext) {
  const std::string jpeg = encode_jpeg(textured_scene({640, 360}));
  JpegScaledDecoder d;
  cv::Mat gray;
  d.decode_gray(jpeg, 90, gray);
  const uchar* buffer = gray.data;
  d.decode_gray(jpeg, 90, gray);
  EXPECT_EQ(gray.data, buffer);
}

TEST(JpegScaledDecoder, RefusesWhatIsNotAWholeJpeg) {
  JpegScaledDecoder d;
  cv::Mat gray;
  EXPECT_THROW(d.read_size("not a picture"), JpegError);
  EXPECT_THROW(d.decode_gray("", 90, gray), JpegError);
  const std::string jpeg = encode_jpeg(textured_scene({640, 360}));
  EXPECT_THROW(d.decode_gray(jpeg.substr(0, jpeg.size() / 2), 90, gray), JpegError);
  try {
    d.decode_gray(jpeg.substr(0, jpeg.size() / 2), 90, gray);
  } catch (const JpegError& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt JPEG"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vigie::testing
