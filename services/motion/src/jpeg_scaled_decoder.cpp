#include "jpeg_scaled_decoder.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>
#include <turbojpeg.h>

namespace vigie::motion {
namespace {

int scaled(int dimension, const std::pair<int, int>& factor) {
  return (dimension * factor.first + factor.second - 1) / factor.second;  // TJSCALED
}

}  // namespace

JpegScaledDecoder::JpegScaledDecoder() : handle_(tjInitDecompress()) {
  if (!handle_) throw JpegError(std::string("cannot start a JPEG decoder: ") + tjGetErrorStr2(nullptr));
  int count = 0;
  const tjscalingfactor* all = tjGetScalingFactors(&count);
  for (int i = 0; i < count; ++i) {
    if (all[i].num == 1 && (all[i].denom == 1 || all[i].denom == 2 || all[i].denom == 4 || all[i].denom == 8))
      factors_.emplace_back(all[i].num, all[i].denom);
  }
  std::sort(factors_.begin(), factors_.end(), [](auto& a, auto& b) { return a.second < b.second; });
}

JpegScaledDecoder::~JpegScaledDecoder() { tjDestroy(handle_); }

cv::Size JpegScaledDecoder::read_size(std::string_view jpeg) {
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(handle_, reinterpret_cast<const unsigned char*>(jpeg.data()),
                          static_cast<unsigned long>(jpeg.size()), &width, &height, &subsampling,
                          &colorspace) != 0)
    throw JpegError(std::string("not a JPEG: ") + tjGetErrorStr2(handle_));
  if (width <= 0 || height <= 0) throw JpegError("JPEG of empty size");
  return {width, height};
}

cv::Size JpegScaledDecoder::working_size(cv::Size picture, int work_height) {
  int height = std::min(work_height, picture.height);
  int width = std::max(1, static_cast<int>(std::lround(static_cast<double>(picture.width) * height /
                                                       picture.height)));
  return {width, height};
}

cv::Size JpegScaledDecoder::scaled_size(cv::Size picture, cv::Size work) const {
  cv::Size best = picture;
  for (auto& f : factors_) {
    cv::Size s(scaled(picture.width, f), scaled(picture.height, f));
    if (s.width < work.width || s.height < work.height) break;
    best = s;
  }
  return best;
}

cv::Size JpegScaledDecoder::decode_gray(std::string_view jpeg, int work_height, cv::Mat& out) {
  const cv::Size picture = read_size(jpeg);
  const cv::Size work = working_size(picture, work_height);
  const cv::Size decoded = scaled_size(picture, work);
  // Decode straight into out when the scale lands on the working size exactly.
  cv::Mat& target = decoded == work ? out : scaled_;
  target.create(decoded, CV_8UC1);
  if (tjDecompress2(handle_, reinterpret_cast<const unsigned char*>(jpeg.data()),
                    static_cast<unsigned long>(jpeg.size()), target.data, decoded.width,
                    static_cast<int>(target.step[0]), decoded.height, TJPF_GRAY,
                    TJFLAG_FASTDCT | TJFLAG_STOPONWARNING) != 0)
    throw JpegError(std::string("corrupt JPEG: ") + tjGetErrorStr2(handle_));
  if (decoded != work) {
    // DCT scaling leaves less than a factor 2 to go, where bilinear does not alias;
    // pictures more than 16 times the working size need an area average.
    bool far = decoded.height >= 2 * work.height;
    cv::resize(scaled_, out, work, 0, 0, far ? cv::INTER_AREA : cv::INTER_LINEAR);
  }
  return picture;
}

}  // namespace vigie::motion
