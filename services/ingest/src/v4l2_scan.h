// The V4L2 capture devices of this machine and what they can deliver, for an
// operator choosing a camera's /dev/videoN, format and size (vigie-ingest
// --scan-v4l2).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace vigie::ingest {

struct V4l2FrameSize {
  uint32_t width = 0;
  uint32_t height = 0;
};

struct V4l2Format {
  std::string fourcc;  // e.g. "MJPG", "YUYV"; "-BE" appended for big-endian variants
  std::string description;
  std::vector<V4l2FrameSize> sizes;  // the discrete sizes the device lists
  // Devices that take any size in a range (stepwise or continuous) give it here.
  std::optional<V4l2FrameSize> min_size;
  std::optional<V4l2FrameSize> max_size;
};

struct V4l2Device {
  std::string path;  // /dev/videoN
  // Why it could not be opened or queried (then the fields below are empty), or
  // why its list of formats stops short.
  std::string error;
  std::string card;
  std::string driver;
  std::string bus;
  uint32_t capabilities = 0;  // V4L2_CAP_* of this device node
  std::vector<V4l2Format> formats;
};

// Every dev_dir/videoN, in N order, that is a single-planar video capture device
// with streaming I/O (what FFmpeg's v4l2 input reads); devices of another kind
// (metadata, output, codecs) are left out. A videoN that cannot be opened or
// queried is listed with its error rather than skipped. Throws std::runtime_error
// when dev_dir cannot be listed.
std::vector<V4l2Device> scan_v4l2(const std::string& dev_dir = "/dev");

// [{"path", "card", "driver", "bus", "capabilities": ["video_capture", ...],
//   "formats": [{"fourcc", "description", "sizes": [{"width", "height"}],
//                "min_size", "max_size"}]} or {"path", "error"}]
nlohmann::json to_json(const std::vector<V4l2Device>& devices);

}  // namespace vigie::ingest
