// FrameEncoder: pictures of the pixel formats cameras and decoders produce, turned
// into JPEGs at the analysis width that decode (with OpenCV, as consumers would) to
// the right size and the right colours.
#include "frame_encoder.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

extern "C" {
#include <libavutil/pixfmt.h>
}

#include "ffmpeg_source.h"
#include "media_fixtures.h"

namespace vigie::ingest {
namespace {

struct Rgb {
  int r = 0;
  int g = 0;
  int b = 0;
};

struct Yuv {
  int y = 0;
  int u = 0;
  int v = 0;
};

uint8_t to_byte(double value) {
  return static_cast<uint8_t>(std::clamp(std::lround(value), 0L, 255L));
}

// BT.601, as JPEG uses it: full range, or video's limited range (16..235, 16..240).
Yuv yuv_of(Rgb c, bool full_range) {
  const double y = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
  const double u = -0.168736 * c.r - 0.331264 * c.g + 0.5 * c.b;
  const double v = 0.5 * c.r - 0.418688 * c.g - 0.081312 * c.b;
  if (full_range) return {to_byte(y), to_byte(128 + u), to_byte(128 + v)};
  return {to_byte(16 + y * 219 / 255), to_byte(128 + u * 224 / 255), to_byte(128 + v * 224 / 255)};
}

// A uniform picture in one of the layouts decoders and devices hand out.
class SyntheticPicture {
 public:
  SyntheticPicture(AVPixelFormat format, int width, int height, Rgb colour) {
    picture_.width = width;
    picture_.height = height;
    picture_.pixel_format = format;
    const int half_width = (width + 1) / 2;
    const int half_height = (height + 1) / 2;
    const bool full = format == AV_PIX_FMT_YUVJ420P || format == AV_PIX_FMT_YUVJ422P;
    const Yuv yuv = yuv_of(colour, full);
    switch (format) {
      case AV_PIX_FMT_YUV420P:
      case AV_PIX_FMT_YUVJ420P:
        plane(0, width, height, {yuv.y});
        plane(1, half_width, half_height, {yuv.u});
        plane(2, half_width, half_height, {yuv.v});
        break;
      case AV_PIX_FMT_YUVJ422P:
        plane(0, width, height, {yuv.y});
        plane(1, half_width, height, {yuv.u});
        plane(2, half_width, height, {yuv.v});
        break;
      case AV_PIX_FMT_NV12:
        plane(0, width, height, {yuv.y});
        plane(1, 2 * half_width, half_height, {yuv.u, yuv.v});
        break;
      case AV_PIX_FMT_YUYV422:
        plane(0, 4 * half_width, height, {yuv.y, yuv.u, yuv.y, yuv.v});
        break;
      case AV_PIX_FMT_BGR24: plane(0, 3 * width, height, {colour.b, colour.g, colour.r}); break;
      default:
        throw std::invalid_argument("no synthetic picture for format " + std::to_string(format));
    }
  }

  const Picture& picture() const { return picture_; }

 private:
  // A plane `bytes` wide, its rows padded as a decoder's would be, repeating `pattern`.
  void plane(int index, int bytes, int rows, std::vector<int> pattern) {
    const int stride = (bytes + 63) / 64 * 64;
    std::vector<uint8_t>& data = planes_[index];
    data.assign(static_cast<size_t>(stride) * rows, 0);
    for (int row = 0; row < rows; ++row) {
      for (int x = 0; x < bytes; ++x) {
        data[static_cast<size_t>(row) * stride + x] =
            static_cast<uint8_t>(pattern[x % pattern.size()]);
      }
    }
    picture_.planes[index] = data.data();
    picture_.strides[index] = stride;
  }

  std::vector<uint8_t> planes_[3];
  Picture picture_;
};

cv::Mat decode(const EncodedFrame& frame, int flags = cv::IMREAD_COLOR) {
  std::vector<uchar> bytes(frame.jpeg.begin(), frame.jpeg.end());
  return cv::imdecode(bytes, flags);
}

struct ColourCase {
  std::string name;
  AVPixelFormat format;
  int width;
  int height;
  Rgb colour;
};

void PrintTo(const ColourCase& c, std::ostream* out) { *out << c.name; }

class ColourTest : public ::testing::TestWithParam<ColourCase> {};

TEST_P(ColourTest, MeanColourSurvives) {
  const ColourCase& c = GetParam();
  SyntheticPicture synthetic(c.format, c.width, c.height, c.colour);
  FrameEncoder encoder(640);
  EncodedFrame frame = encoder.encode(synthetic.picture());
  cv::Mat image = decode(frame);
  ASSERT_FALSE(image.empty());
  EXPECT_EQ(image.cols, frame.width);
  EXPECT_EQ(image.rows, frame.height);
  EXPECT_EQ(frame.width, 640);
  EXPECT_EQ(frame.height, 480);
  const cv::Scalar mean = cv::mean(image);
  EXPECT_NEAR(mean[2], c.colour.r, 3.0) << "red";
  EXPECT_NEAR(mean[1], c.colour.g, 3.0) << "green";
  EXPECT_NEAR(mean[0], c.colour.b, 3.0) << "blue";
}

constexpr Rgb kGrey{128, 128, 128};
constexpr Rgb kBrick{200, 70, 40};

INSTANTIATE_TEST_SUITE_P(
    Formats, ColourTest,
    ::testing::Values(
        // Scaled from 768x576.
        ColourCase{"yuv420p_grey", AV_PIX_FMT_YUV420P, 768, 576, kGrey},
        ColourCase{"yuv420p_brick", AV_PIX_FMT_YUV420P, 768, 576, kBrick},
        ColourCase{"yuvj420p_brick", AV_PIX_FMT_YUVJ420P, 768, 576, kBrick},
        ColourCase{"yuvj422p_brick", AV_PIX_FMT_YUVJ422P, 768, 576, kBrick},
        ColourCase{"nv12_brick", AV_PIX_FMT_NV12, 768, 576, kBrick},
        ColourCase{"yuyv422_brick", AV_PIX_FMT_YUYV422, 768, 576, kBrick},
        ColourCase{"bgr24_brick", AV_PIX_FMT_BGR24, 768, 576, kBrick},
        // Already at the analysis size: range conversion only, or nothing at all.
        ColourCase{"yuv420p_brick_same_size", AV_PIX_FMT_YUV420P, 640, 480, kBrick},
        ColourCase{"yuvj420p_brick_same_size", AV_PIX_FMT_YUVJ420P, 640, 480, kBrick}),
    [](const auto& test) { return test.param.name; });

struct SizeCase {
  std::string name;
  int width;
  int height;
  int expected_width;
  int expected_height;
};

void PrintTo(const SizeCase& c, std::ostream* out) { *out << c.name; }

class SizeTest : public ::testing::TestWithParam<SizeCase> {};

TEST_P(SizeTest, KeepsTheAspectAtEvenSidesWithoutUpscaling) {
  const SizeCase& c = GetParam();
  SyntheticPicture synthetic(AV_PIX_FMT_YUV420P, c.width, c.height, kGrey);
  FrameEncoder encoder(640);
  EncodedFrame frame = encoder.encode(synthetic.picture());
  EXPECT_EQ(frame.width, c.expected_width);
  EXPECT_EQ(frame.height, c.expected_height);
  cv::Mat image = decode(frame);
  ASSERT_FALSE(image.empty());
  EXPECT_EQ(image.cols, c.expected_width);
  EXPECT_EQ(image.rows, c.expected_height);
}

INSTANTIATE_TEST_SUITE_P(Sizes, SizeTest,
                         ::testing::Values(SizeCase{"hd720", 1280, 720, 640, 360},
                                           SizeCase{"pal", 768, 576, 640, 480},
                                           SizeCase{"full_hd", 1920, 1080, 640, 360},
                                           SizeCase{"narrower", 320, 240, 320, 240},
                                           SizeCase{"odd", 641, 361, 640, 360},
                                           SizeCase{"odd_narrower", 333, 201, 332, 200}),
                         [](const auto& test) { return test.param.name; });

// The first picture of the sample video, as the decoder hands it over.
class DecodedPicture : public ::testing::Test {
 protected:
  void SetUp() override {
    SourceOptions options;
    options.source.set_kind(v1::Source::KIND_FILE);
    options.source.set_url(vigie::testing::prepared_video(2));
    source_ = std::make_unique<FfmpegSource>(options, /*pace=*/false);
    source_->open();
    std::atomic<bool> stop{false};
    ASSERT_TRUE(source_->next(picture_, stop));
    ASSERT_EQ(picture_.width, 768);
    ASSERT_EQ(picture_.height, 576);
  }

  // Mean of the luma plane, from video range to JPEG's full range.
  double full_range_luma_mean() const {
    double sum = 0;
    for (int row = 0; row < picture_.height; ++row) {
      const uint8_t* line = picture_.planes[0] + static_cast<ptrdiff_t>(row) * picture_.strides[0];
      for (int x = 0; x < picture_.width; ++x) sum += line[x];
    }
    const double mean = sum / (static_cast<double>(picture_.width) * picture_.height);
    return (mean - 16) * 255 / 219;
  }

  std::unique_ptr<FfmpegSource> source_;
  Picture picture_;
};

TEST_F(DecodedPicture, EncodesToTheAnalysisSizeWithItsContent) {
  FrameEncoder encoder(640);
  EncodedFrame frame = encoder.encode(picture_);
  cv::Mat grey = decode(frame, cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(grey.empty());
  EXPECT_EQ(grey.cols, 640);
  EXPECT_EQ(grey.rows, 480);
  cv::Scalar mean;
  cv::Scalar deviation;
  cv::meanStdDev(grey, mean, deviation);
  EXPECT_NEAR(mean[0], full_range_luma_mean(), 2.0);
  EXPECT_GT(deviation[0], 20.0) << "a street scene, not a flat picture";
}

TEST_F(DecodedPicture, LowerQualityMakesSmallerFiles) {
  FrameEncoder low(640, 30);
  FrameEncoder high(640, 95);
  const size_t low_size = low.encode(picture_).jpeg.size();
  const size_t high_size = high.encode(picture_).jpeg.size();
  EXPECT_LT(low_size * 2, high_size);
}

TEST(FrameEncoder, FollowsPicturesThatChangeSizeAndFormat) {
  FrameEncoder encoder(640);
  SyntheticPicture hd(AV_PIX_FMT_YUV420P, 1280, 720, kBrick);
  SyntheticPicture pal(AV_PIX_FMT_YUVJ422P, 768, 576, kGrey);
  for (int round = 0; round < 2; ++round) {
    EncodedFrame first = encoder.encode(hd.picture());
    EXPECT_EQ(first.height, 360);
    EXPECT_NEAR(cv::mean(decode(first))[2], kBrick.r, 3.0);
    EncodedFrame second = encoder.encode(pal.picture());
    EXPECT_EQ(second.height, 480);
    EXPECT_NEAR(cv::mean(decode(second))[2], kGrey.r, 3.0);
  }
}

TEST(FrameEncoder, RefusesWhatItCannotDo) {
  EXPECT_THROW(FrameEncoder(640, 0), std::invalid_argument);
  EXPECT_THROW(FrameEncoder(640, 101), std::invalid_argument);
  EXPECT_THROW(FrameEncoder(0), std::invalid_argument);
  FrameEncoder encoder(640);
  Picture unknown;
  unknown.width = 640;
  unknown.height = 480;
  EXPECT_THROW(encoder.encode(unknown), std::invalid_argument);
}

}  // namespace
}  // namespace vigie::ingest
