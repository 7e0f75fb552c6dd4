// A decoded picture → the JPEG published on the frames topic, at the analysis
// width. The picture is scaled in YUV and handed to the JPEG encoder as YUV
// planes: converting to RGB and back would cost more than the scaling itself.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "frame_source.h"

struct SwsContext;

namespace vigie::ingest {

struct EncodedFrame {
  std::string jpeg;
  int width = 0;
  int height = 0;
};

// One per camera: it keeps its scaler and buffers from one picture to the next
// (not thread-safe).
class FrameEncoder {
 public:
  // width: the analysis width; a narrower picture keeps its own. quality: JPEG 1..100.
  // Throws std::invalid_argument for values out of range.
  explicit FrameEncoder(int width, int quality = 80);
  ~FrameEncoder();
  FrameEncoder(const FrameEncoder&) = delete;
  FrameEncoder& operator=(const FrameEncoder&) = delete;

  // Throws std::invalid_argument for a picture it cannot read (unknown pixel
  // format, no planes), std::runtime_error when scaling or encoding fails.
  EncodedFrame encode(const Picture& picture);

 private:
  struct SwsFreer {
    void operator()(SwsContext* context) const;
  };
  struct TjDestroyer {
    void operator()(void* handle) const;
  };
  struct AvFreer {
    void operator()(uint8_t* buffer) const;
  };

  void prepare(const Picture& picture);

  int width_;
  int quality_;
  std::unique_ptr<void, TjDestroyer> jpeg_;
  std::unique_ptr<SwsContext, SwsFreer> scaler_;

  // What the scaler and buffers are set up for.
  int source_width_ = 0;
  int source_height_ = 0;
  int source_format_ = -1;
  int width_out_ = 0;
  int height_out_ = 0;
  bool convert_ = false;  // false: the picture is already full-range 4:2:0 at the output size

  // The scaled picture, full-range YUV 4:2:0.
  std::unique_ptr<uint8_t, AvFreer> yuv_;
  uint8_t* planes_[3] = {nullptr, nullptr, nullptr};
  int strides_[3] = {0, 0, 0};
  // TurboJPEG writes into this buffer, sized for the worst case once.
  std::unique_ptr<uint8_t, AvFreer> jpeg_buffer_;
  unsigned long jpeg_capacity_ = 0;
};

}  // namespace vigie::ingest
