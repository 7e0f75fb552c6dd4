// Decodes a JPEG frame straight to the small grey picture the detectors work on.
// TurboJPEG's DCT scaling does most of the shrinking inside the decoder: asked
// for grey at 1/2, 1/4 or 1/8 scale, it skips the colour planes, the colour
// conversion and most of the inverse DCT, leaving mostly the entropy decoding.
// Only those power-of-two scales are used: libjpeg-turbo has fast reduced inverse
// DCTs for them, while the scales in between (3/8, 5/8 ...) cost more than 1/2.
// A final resize, when needed, gives the exact working size.
#pragma once

#include <stdexcept>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

namespace vigie::motion {

class JpegError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class JpegScaledDecoder {
 public:
  JpegScaledDecoder();
  ~JpegScaledDecoder();
  JpegScaledDecoder(const JpegScaledDecoder&) = delete;
  JpegScaledDecoder& operator=(const JpegScaledDecoder&) = delete;

  // The picture's size from its header; throws JpegError when it is not a JPEG.
  cv::Size read_size(std::string_view jpeg);

  // Decodes to 8-bit grey of working_size(picture, work_height) into out, which
  // keeps its buffer from one call to the next. Returns the picture's own size.
  // Throws JpegError on a corrupt or truncated picture: a half-decoded frame would
  // look like motion.
  cv::Size decode_gray(std::string_view jpeg, int work_height, cv::Mat& out);

  // work_height (or the picture's height when smaller), width in proportion.
  static cv::Size working_size(cv::Size picture, int work_height);
  // The size TurboJPEG decodes to: the smallest power-of-two scale not below `work`.
  cv::Size scaled_size(cv::Size picture, cv::Size work) const;

 private:
  void* handle_;
  std::vector<std::pair<int, int>> factors_;  // 1/1, 1/2, 1/4, 1/8 as the library offers them
  cv::Mat scaled_;
};

}  // namespace vigie::motion
