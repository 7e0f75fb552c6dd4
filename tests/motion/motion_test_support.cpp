#include "motion_test_support.h"

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace vigie::testing {

std::string vtest_path() {
  const char* env = std::getenv("VIGIE_VTEST_AVI");
  return env && *env ? env : "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
}

const std::vector<cv::Mat>& vtest_frames(int count) {
  static std::mutex mutex;
  static std::vector<cv::Mat> frames;
  std::lock_guard lock(mutex);
  if (static_cast<int>(frames.size()) >= count) return frames;
  cv::VideoCapture video(vtest_path());
  if (!video.isOpened()) throw std::runtime_error("cannot open " + vtest_path() + " (install opencv-doc)");
  frames.clear();
  cv::Mat picture;
  while (static_cast<int>(frames.size()) < count && video.read(picture)) {
    cv::Mat resized;
    cv::resize(picture, resized, {640, 480}, 0, 0, cv::INTER_AREA);
    frames.push_back(resized);
  }
  if (static_cast<int>(frames.size()) < count)
    throw std::runtime_error(vtest_path() + " has only " + std::to_string(frames.size()) + " frames");
  return frames;
}

std::string encode_jpeg(const cv::Mat& picture, int quality) {
  std::vector<uchar> bytes;
  cv::imencode(".jpg", picture, bytes, {cv::IMWRITE_JPEG_QUALITY, quality});
  return std::string(bytes.begin(), bytes.end());
}

v1::Frame make_frame(const std::string& camera, const std::string& stream, uint64_t sequence,
                     const cv::Mat& picture, double fps) {
  v1::Frame f;
  f.set_schema_version(1);
  f.set_camera_id(camera);
  f.set_stream_id(stream);
  f.set_sequence(sequence);
  auto ns = static_cast<int64_t>(static_cast<double>(sequence) * 1e9 / fps);
  // An arbitrary stream clock origin, as a camera's would be.
  f.mutable_capture_time()->set_seconds(1'700'000'000 + ns / 1'000'000'000);
  f.mutable_capture_time()->set_nanos(static_cast<int32_t>(ns % 1'000'000'000));
  f.set_width(static_cast<uint32_t>(picture.cols));
  f.set_height(static_cast<uint32_t>(picture.rows));
  f.set_jpeg(encode_jpeg(picture));
  return f;
}

std::map<int, std::vector<Person>> vtest_people() {
  const std::string path = std::string(VIGIE_MOTION_TEST_DATA) + "/vtest_people.txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::map<int, std::vector<Person>> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    int frame = 0, moving = 0;
    float x = 0, y = 0, w = 0, h = 0;
    if (!(words >> frame >> x >> y >> w >> h >> moving))
      throw std::runtime_error(path + ": malformed line '" + line + "'");
    out[frame].push_back({{x, y, w, h}, moving != 0});
  }
  return out;
}

cv::Mat textured_scene(cv::Size size, int seed) {
  cv::Mat grey(size, CV_8UC1);
  cv::RNG rng(static_cast<uint64_t>(seed));
  rng.fill(grey, cv::RNG::UNIFORM, 60, 190);
  // Large soft shapes, as walls and pavements: pure noise is not a scene.
  cv::GaussianBlur(grey, grey, {0, 0}, 6);
  cv::normalize(grey, grey, 50, 200, cv::NORM_MINMAX);
  cv::Mat bgr;
  cv::cvtColor(grey, bgr, cv::COLOR_GRAY2BGR);
  return bgr;
}

cv::Mat with_noise(const cv::Mat& picture, double sigma, int seed) {
  cv::Mat noise(picture.size(), CV_16SC3);
  cv::RNG rng(static_cast<uint64_t>(seed));
  rng.fill(noise, cv::RNG::NORMAL, 0, sigma);
  cv::Mat out;
  cv::add(picture, noise, out, cv::noArray(), CV_8UC3);
  return out;
}

ServiceUnderTest::ServiceUnderTest(motion::ServiceOptions options) {
  service = std::make_unique<motion::MotionService>(
      std::move(options),
      [this](const v1::MotionEvent& event, std::string_view trace_id) {
        events.push_back({event, std::string(trace_id)});
      },
      metrics.registry());
}

void ServiceUnderTest::feed(const v1::Frame& frame, int32_t partition, std::chrono::milliseconds age) {
  std::string trace = "trace-" + std::to_string(frame.sequence());
  service->handle(frame, {trace, partition, std::chrono::system_clock::now() - age});
}

std::vector<Published> ServiceUnderTest::of_phase(v1::MotionEvent::Phase phase) const {
  std::vector<Published> out;
  for (const auto& p : events) {
    if (p.event.phase() == phase) out.push_back(p);
  }
  return out;
}

v1::Camera camera_with(const std::string& id, const v1::MotionSettings& motion) {
  v1::Camera c;
  c.set_schema_version(1);
  c.set_id(id);
  c.set_enabled(true);
  c.set_revision(1);
  *c.mutable_motion() = motion;
  return c;
}

v1::Polygon rectangle(float x0, float y0, float x1, float y1) {
  v1::Polygon p;
  for (auto [x, y] : {std::pair{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}) {
    auto* point = p.add_points();
    point->set_x(x);
    point->set_y(y);
  }
  return p;
}

}  // namespace vigie::testing
