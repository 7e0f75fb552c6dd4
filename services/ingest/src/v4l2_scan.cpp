#include "v4l2_scan.h"

#include <fcntl.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

namespace vigie::ingest {
namespace {

// A driver that never ends a list would otherwise keep the scan going forever.
constexpr uint32_t kMaxListEntries = 1024;
// The bit v4l2_fourcc_be() adds to a fourcc for a big-endian variant.
constexpr uint32_t kBigEndianFourcc = 1U << 31;

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

bool query(int fd, unsigned long request, void* argument) {
  int result = 0;
  do {
    result = ::ioctl(fd, request, argument);
  } while (result == -1 && errno == EINTR);
  return result == 0;
}

std::string errno_text(const char* what) {
  const int error = errno;
  std::string text = std::string(what) + ": " + std::strerror(error);
  if (error == ENOTTY) text += " (not a V4L2 device)";
  if (error == EACCES) text += " (is this user in the video group?)";
  return text;
}

template <size_t N>
std::string field_text(const __u8 (&field)[N]) {
  const auto* begin = reinterpret_cast<const char*>(field);
  return std::string(begin, strnlen(begin, N));
}

std::string fourcc_text(uint32_t fourcc) {
  const bool big_endian = (fourcc & kBigEndianFourcc) != 0;
  fourcc &= ~kBigEndianFourcc;
  std::string text;
  for (int i = 0; i < 4; ++i) text += static_cast<char>((fourcc >> (8 * i)) & 0xff);
  // Short codes are padded with spaces ("Y10 ").
  text.erase(text.find_last_not_of(' ') + 1);
  return big_endian ? text + "-BE" : text;
}

// N for a name "videoN", else nullopt (video-foo, videoX and other nodes are not devices we read).
std::optional<unsigned long> video_number(const std::string& name) {
  constexpr std::string_view kPrefix = "video";
  if (name.size() <= kPrefix.size() || name.compare(0, kPrefix.size(), kPrefix) != 0) {
    return std::nullopt;
  }
  const std::string digits = name.substr(kPrefix.size());
  if (digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoul(digits);
}

void list_sizes(int fd, V4l2Format& format, uint32_t pixel_format) {
  for (uint32_t index = 0; index < kMaxListEntries; ++index) {
    v4l2_frmsizeenum size{};
    size.index = index;
    size.pixel_format = pixel_format;
    if (!query(fd, VIDIOC_ENUM_FRAMESIZES, &size)) return;
    if (size.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
      format.sizes.push_back({size.discrete.width, size.discrete.height});
    } else {
      // Stepwise and continuous ranges are a single entry.
      format.min_size = V4l2FrameSize{size.stepwise.min_width, size.stepwise.min_height};
      format.max_size = V4l2FrameSize{size.stepwise.max_width, size.stepwise.max_height};
      return;
    }
  }
}

// nullopt for a device that is not a streaming single-planar capture device.
std::optional<V4l2Device> describe(const std::string& path) {
  V4l2Device device;
  device.path = path;
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    device.error = errno_text("stat");
    return device;
  }
  if (!S_ISCHR(status.st_mode)) {
    device.error = "not a character device";
    return device;
  }
  // Non-blocking: a device busy with another reader must not hang the scan.
  FileDescriptor fd(::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) {
    device.error = errno_text("open");
    return device;
  }
  v4l2_capability capability{};
  if (!query(fd.get(), VIDIOC_QUERYCAP, &capability)) {
    device.error = errno_text("VIDIOC_QUERYCAP");
    return device;
  }
  // capabilities covers the whole physical device; device_caps this node alone.
  const uint32_t caps = (capability.capabilities & V4L2_CAP_DEVICE_CAPS) != 0
                            ? capability.device_caps
                            : capability.capabilities;
  if ((caps & V4L2_CAP_VIDEO_CAPTURE) == 0 || (caps & V4L2_CAP_STREAMING) == 0) return std::nullopt;
  device.card = field_text(capability.card);
  device.driver = field_text(capability.driver);
  device.bus = field_text(capability.bus_info);
  device.capabilities = caps;

  for (uint32_t index = 0; index < kMaxListEntries; ++index) {
    v4l2_fmtdesc description{};
    description.index = index;
    description.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
    if (!query(fd.get(), VIDIOC_ENUM_FMT, &description)) {
      // EINVAL ends the list; anything else is the device failing.
      if (errno != EINVAL) device.error = errno_text("VIDIOC_ENUM_FMT");
      break;
    }
    V4l2Format format;
    format.fourcc = fourcc_text(description.pixelformat);
    format.description = field_text(description.description);
    list_sizes(fd.get(), format, description.pixelformat);
    device.formats.push_back(std::move(format));
  }
  return device;
}

nlohmann::json size_json(const V4l2FrameSize& size) {
  return {{"width", size.width}, {"height", size.height}};
}

nlohmann::json capability_names(uint32_t caps) {
  static constexpr std::pair<uint32_t, const char*> kNames[] = {
      {V4L2_CAP_VIDEO_CAPTURE, "video_capture"},
      {V4L2_CAP_VIDEO_CAPTURE_MPLANE, "video_capture_mplane"},
      {V4L2_CAP_VIDEO_OUTPUT, "video_output"},
      {V4L2_CAP_VIDEO_M2M, "video_m2m"},
      {V4L2_CAP_META_CAPTURE, "meta_capture"},
      {V4L2_CAP_TUNER, "tuner"},
      {V4L2_CAP_AUDIO, "audio"},
      {V4L2_CAP_READWRITE, "readwrite"},
      {V4L2_CAP_STREAMING, "streaming"},
  };
  nlohmann::json names = nlohmann::json::array();
  for (const auto& [bit, name] : kNames) {
    if ((caps & bit) != 0) names.push_back(name);
  }
  return names;
}

}  // namespace

std::vector<V4l2Device> scan_v4l2(const std::string& dev_dir) {
  std::error_code error;
  std::filesystem::directory_iterator entries(dev_dir, error);
  if (error) throw std::runtime_error("cannot list " + dev_dir + ": " + error.message());
  std::vector<std::pair<unsigned long, std::string>> paths;
  for (const std::filesystem::directory_iterator end; entries != end;) {
    if (auto number = video_number(entries->path().filename().string())) {
      paths.emplace_back(*number, entries->path().string());
    }
    entries.increment(error);
    if (error) throw std::runtime_error("cannot list " + dev_dir + ": " + error.message());
  }
  std::sort(paths.begin(), paths.end());

  std::vector<V4l2Device> devices;
  for (const auto& [number, path] : paths) {
    if (std::optional<V4l2Device> device = describe(path)) devices.push_back(std::move(*device));
  }
  return devices;
}

nlohmann::json to_json(const std::vector<V4l2Device>& devices) {
  nlohmann::json out = nlohmann::json::array();
  for (const V4l2Device& device : devices) {
    nlohmann::json entry = {{"path", device.path}};
    if (!device.error.empty()) entry["error"] = device.error;
    if (device.capabilities == 0) {
      out.push_back(std::move(entry));
      continue;
    }
    entry["card"] = device.card;
    entry["driver"] = device.driver;
    entry["bus"] = device.bus;
    entry["capabilities"] = capability_names(device.capabilities);
    nlohmann::json formats = nlohmann::json::array();
    for (const V4l2Format& format : device.formats) {
      nlohmann::json sizes = nlohmann::json::array();
      for (const V4l2FrameSize& size : format.sizes) sizes.push_back(size_json(size));
      nlohmann::json item = {
          {"fourcc", format.fourcc}, {"description", format.description}, {"sizes", sizes}};
      if (format.min_size) item["min_size"] = size_json(*format.min_size);
      if (format.max_size) item["max_size"] = size_json(*format.max_size);
      formats.push_back(std::move(item));
    }
    entry["formats"] = std::move(formats);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace vigie::ingest
