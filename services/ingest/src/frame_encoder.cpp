#include "frame_encoder.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

extern "C" {
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <turbojpeg.h>

namespace vigie::ingest {
namespace {

// SWS_AREA averages every source pixel into the smaller picture, so sensor noise,
// which motion detection would take for change, is averaged out instead of
// aliased. Measured per picture: 1280x720→640x360 0.81 ms (SWS_FAST_BILINEAR
// 0.82), 768x576→640x480 1.0 ms (0.66): at 5 published fps, under 0.2% of a core
// more in the worst case (docs/ingest-decoding.md).
constexpr int kScaleFlags = SWS_AREA;
// Row alignment of the scaled planes, for swscale's vector code.
constexpr int kRowAlignment = 64;

int aligned(int bytes) { return (bytes + kRowAlignment - 1) / kRowAlignment * kRowAlignment; }

// FFmpeg's "J" formats are the YUV formats at full range. swscale wants the plain
// format with the range set apart (it warns at every set-up otherwise).
AVPixelFormat split_range(AVPixelFormat format, bool& full_range) {
  full_range = true;
  switch (format) {
    case AV_PIX_FMT_YUVJ420P: return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P: return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P: return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P: return AV_PIX_FMT_YUV440P;
    case AV_PIX_FMT_YUVJ411P: return AV_PIX_FMT_YUV411P;
    default: full_range = false; return format;
  }
}

}  // namespace

void FrameEncoder::SwsFreer::operator()(SwsContext* context) const { sws_freeContext(context); }
void FrameEncoder::TjDestroyer::operator()(void* handle) const { tjDestroy(handle); }
void FrameEncoder::AvFreer::operator()(uint8_t* buffer) const { av_free(buffer); }

FrameEncoder::FrameEncoder(int width, int quality)
    : width_(width), quality_(quality), jpeg_(tjInitCompress()) {
  if (width < 2) {
    throw std::invalid_argument("analysis width must be at least 2, got " + std::to_string(width));
  }
  if (quality < 1 || quality > 100) {
    throw std::invalid_argument("JPEG quality must be within 1..100, got " +
                                std::to_string(quality));
  }
  if (!jpeg_) {
    throw std::runtime_error(std::string("cannot start the JPEG encoder: ") +
                             tjGetErrorStr2(nullptr));
  }
}

FrameEncoder::~FrameEncoder() = default;

void FrameEncoder::prepare(const Picture& picture) {
  if (picture.width == source_width_ && picture.height == source_height_ &&
      picture.pixel_format == source_format_) {
    return;
  }
  const auto format = static_cast<AVPixelFormat>(picture.pixel_format);
  if (picture.width < 2 || picture.height < 2 || av_pix_fmt_desc_get(format) == nullptr ||
      picture.planes[0] == nullptr) {
    throw std::invalid_argument("cannot encode a " + std::to_string(picture.width) + "x" +
                                std::to_string(picture.height) + " picture of pixel format " +
                                std::to_string(picture.pixel_format));
  }

  // 4:2:0 wants even sides; the aspect is kept to the nearest even line.
  const int width = std::min(width_, picture.width) & ~1;
  const int height =
      std::max(2, 2 * static_cast<int>(std::lround(static_cast<double>(picture.height) * width /
                                                   picture.width / 2)));
  convert_ = !(format == AV_PIX_FMT_YUVJ420P && width == picture.width && height == picture.height);

  if (width != width_out_ || height != height_out_) {
    strides_[0] = aligned(width);
    strides_[1] = strides_[2] = aligned(width / 2);
    const size_t luma = static_cast<size_t>(strides_[0]) * height;
    const size_t chroma = static_cast<size_t>(strides_[1]) * (height / 2);
    yuv_.reset(static_cast<uint8_t*>(av_malloc(luma + 2 * chroma)));
    const unsigned long capacity = tjBufSize(width, height, TJSAMP_420);
    jpeg_buffer_.reset(static_cast<uint8_t*>(av_malloc(capacity)));
    if (!yuv_ || !jpeg_buffer_) throw std::bad_alloc();
    jpeg_capacity_ = capacity;
    planes_[0] = yuv_.get();
    planes_[1] = planes_[0] + luma;
    planes_[2] = planes_[1] + chroma;
    width_out_ = width;
    height_out_ = height;
  }

  if (convert_) {
    bool full_range = false;
    const AVPixelFormat plain = split_range(format, full_range);
    // The ranges must be set before the context is initialised: for a picture
    // already at the output size, initialisation otherwise settles on a plain copy
    // that a later sws_setColorspaceDetails does not undo, and sws_getCachedContext
    // offers no way in. Both sides keep swscale's BT.601 matrix, so no detour
    // through RGB; BT.709 video comes out slightly tinted, which analysis ignores.
    scaler_.reset(sws_alloc_context());
    if (!scaler_) throw std::bad_alloc();
    const std::pair<const char*, int64_t> settings[] = {{"srcw", picture.width},
                                                        {"srch", picture.height},
                                                        {"src_format", plain},
                                                        {"src_range", full_range ? 1 : 0},
                                                        {"dstw", width},
                                                        {"dsth", height},
                                                        {"dst_format", AV_PIX_FMT_YUV420P},
                                                        {"dst_range", 1},
                                                        {"sws_flags", kScaleFlags}};
    bool set = true;
    for (const auto& [name, value] : settings) {
      set = set && av_opt_set_int(scaler_.get(), name, value, 0) >= 0;
    }
    if (!set || sws_init_context(scaler_.get(), nullptr, nullptr) < 0) {
      scaler_.reset();
      throw std::runtime_error(std::string("cannot scale ") + av_get_pix_fmt_name(format) + " " +
                               std::to_string(picture.width) + "x" +
                               std::to_string(picture.height) + " to " + std::to_string(width) +
                               "x" + std::to_string(height));
    }
  }

  source_width_ = picture.width;
  source_height_ = picture.height;
  source_format_ = picture.pixel_format;
}

EncodedFrame FrameEncoder::encode(const Picture& picture) {
  prepare(picture);
  const unsigned char* planes[3] = {picture.planes[0], picture.planes[1], picture.planes[2]};
  int strides[3] = {picture.strides[0], picture.strides[1], picture.strides[2]};
  if (convert_) {
    const int rows = sws_scale(scaler_.get(), picture.planes, picture.strides, 0, picture.height,
                               planes_, strides_);
    if (rows != height_out_) {
      throw std::runtime_error("scaling a " + std::to_string(picture.width) + "x" +
                               std::to_string(picture.height) + " picture gave " +
                               std::to_string(rows) + " rows instead of " +
                               std::to_string(height_out_));
    }
    for (int i = 0; i < 3; ++i) {
      planes[i] = planes_[i];
      strides[i] = strides_[i];
    }
  }

  unsigned char* output = jpeg_buffer_.get();
  unsigned long size = jpeg_capacity_;
  if (tjCompressFromYUVPlanes(jpeg_.get(), planes, width_out_, strides, height_out_, TJSAMP_420,
                              &output, &size, quality_, TJFLAG_NOREALLOC) != 0) {
    throw std::runtime_error(std::string("JPEG encoding failed: ") + tjGetErrorStr2(jpeg_.get()));
  }
  return {std::string(reinterpret_cast<const char*>(output), size), width_out_, height_out_};
}

}  // namespace vigie::ingest
