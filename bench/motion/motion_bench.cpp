// vigie-bench-motion: how long the motion service spends on one frame, JPEG
// decoding included, on one thread. The frames are vtest.avi resized to the
// analysis size and encoded as JPEGs in memory first, so only the service's own
// work is timed. Prints figures; never passes or fails on time.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <prometheus/registry.h>

#include "foreground_regions.h"
#include "jpeg_scaled_decoder.h"
#include "motion_detector.h"
#include "motion_service.h"
#include "motion_tracker.h"
#include "vigie/app/logging.h"
#include "vigie/config/settings.h"

namespace {

using namespace vigie;
// CPU time of this thread, not wall time: on a machine shared with other work
// (builds, other services) it still measures what one frame costs one core.
double thread_cpu_us() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

struct Timing {
  double best_us = 0;    // per frame, fastest pass
  double median_us = 0;  // per frame, median pass
};

// Runs `pass` (one pass over every frame) `rounds` times; the fastest pass is the
// figure least disturbed by other work on a shared machine.
Timing time_passes(int rounds, size_t frames, const std::function<void()>& pass) {
  std::vector<double> per_frame;
  pass();  // warm-up: caches, first allocations
  for (int r = 0; r < rounds; ++r) {
    double start = thread_cpu_us();
    pass();
    per_frame.push_back((thread_cpu_us() - start) / static_cast<double>(frames));
  }
  std::sort(per_frame.begin(), per_frame.end());
  return {per_frame.front(), per_frame[per_frame.size() / 2]};
}

void print(const char* what, const Timing& t, const Timing* decode = nullptr) {
  std::printf("  %-34s %9.1f %9.1f %10.0f", what, t.best_us, t.median_us, 1e6 / t.best_us);
  if (decode) std::printf("   %3.0f%%", 100 * decode->best_us / t.best_us);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  config::Spec spec("vigie-bench-motion",
                    "Benchmark of vigie-motion's per-frame work on one thread: JPEG scaled decode\n"
                    "alone, decode + detection for each detector, and the whole service's handling\n"
                    "of a frame. Prints microseconds per frame and frames per second.");
  vigie::app::add_log_level(spec, "warn")
      .text("VIGIE_BENCH_VIDEO", "/usr/share/doc/opencv-doc/examples/data/vtest.avi",
            "video the frames are taken from")
      .integer("VIGIE_BENCH_FRAMES", 300, 10, 5000, "frames encoded and timed")
      .integer("VIGIE_BENCH_WIDTH", 640, 64, 4096, "width of the published frames")
      .integer("VIGIE_BENCH_HEIGHT", 360, 48, 4096, "height of the published frames")
      .integer("VIGIE_BENCH_QUALITY", 80, 10, 100, "JPEG quality of the published frames")
      .integer("VIGIE_BENCH_WORK_HEIGHT", motion::ServiceOptions{}.work_height, 60, 480,
               "as VIGIE_MOTION_WORK_HEIGHT")
      .integer("VIGIE_BENCH_ROUNDS", 7, 1, 100, "timed passes over the frames");
  auto settings = spec.load(argc, argv);
  vigie::app::init_logging("vigie-bench-motion", settings);
  cv::setNumThreads(1);

  const auto count = static_cast<size_t>(settings.integer("VIGIE_BENCH_FRAMES"));
  const cv::Size size(static_cast<int>(settings.integer("VIGIE_BENCH_WIDTH")),
                      static_cast<int>(settings.integer("VIGIE_BENCH_HEIGHT")));
  const int quality = static_cast<int>(settings.integer("VIGIE_BENCH_QUALITY"));
  const int work_height = static_cast<int>(settings.integer("VIGIE_BENCH_WORK_HEIGHT"));
  const int rounds = static_cast<int>(settings.integer("VIGIE_BENCH_ROUNDS"));

  cv::VideoCapture video(settings.text("VIGIE_BENCH_VIDEO"));
  if (!video.isOpened()) {
    std::fprintf(stderr, "vigie-bench-motion: cannot open VIGIE_BENCH_VIDEO %s\n",
                 settings.text("VIGIE_BENCH_VIDEO").c_str());
    return 1;
  }
  std::vector<std::string> jpegs;
  size_t bytes = 0;
  for (cv::Mat picture, resized; jpegs.size() < count;) {
    if (!video.read(picture)) {
      // Shorter than asked: loop, as ingest does with a file.
      video.set(cv::CAP_PROP_POS_FRAMES, 0);
      if (!video.read(picture)) return 1;
    }
    cv::resize(picture, resized, size, 0, 0, cv::INTER_AREA);
    std::vector<uchar> encoded;
    cv::imencode(".jpg", resized, encoded, {cv::IMWRITE_JPEG_QUALITY, quality});
    bytes += encoded.size();
    jpegs.emplace_back(encoded.begin(), encoded.end());
  }

  motion::JpegScaledDecoder decoder;
  const cv::Size work = motion::JpegScaledDecoder::working_size(size, work_height);
  const cv::Size scaled = decoder.scaled_size(size, work);
  std::printf("vigie-bench-motion: %zu frames of %s at %dx%d, JPEG quality %d (%.1f KB on average)\n", count,
              settings.text("VIGIE_BENCH_VIDEO").c_str(), size.width, size.height, quality,
              static_cast<double>(bytes) / static_cast<double>(count) / 1024);
  std::printf("  TurboJPEG decodes at %dx%d, resized to the %dx%d working picture; CPU time of 1\n"
              "  thread per frame, best and median of %d passes\n\n",
              scaled.width, scaled.height, work.width, work.height, rounds);
  std::printf("  %-34s %9s %9s %10s  %s\n", "", "best us", "median us", "frames/s", "decode share");

  cv::Mat gray, foreground, full;
  auto naive = time_passes(rounds, count, [&] {
    for (const auto& j : jpegs) {
      full = cv::imdecode(cv::Mat(1, static_cast<int>(j.size()), CV_8UC1, const_cast<char*>(j.data())),
                          cv::IMREAD_GRAYSCALE);
      cv::resize(full, gray, work, 0, 0, cv::INTER_AREA);
    }
  });
  print("full-size decode + resize (OpenCV)", naive);
  auto decode = time_passes(rounds, count, [&] {
    for (const auto& j : jpegs) decoder.decode_gray(j, work_height, gray);
  });
  print("scaled grey decode", decode);

  motion::MotionSettings defaults;
  for (auto kind : {motion::DetectorKind::frame_diff, motion::DetectorKind::mog2}) {
    auto detector = motion::make_detector(kind, defaults.sensitivity);
    motion::ForegroundRegions regions(defaults, work, size);
    motion::MotionTracker tracker(defaults);
    motion::Observation observation;
    uint64_t sequence = 0;
    auto t = time_passes(rounds, count, [&] {
      for (const auto& j : jpegs) {
        decoder.decode_gray(j, work_height, gray);
        detector->apply(gray, foreground);
        regions.find(foreground, observation);
        ++sequence;
        tracker.observe(observation, sequence, motion::TimePoint(std::chrono::milliseconds(200 * sequence)));
      }
    });
    std::string what = std::string(motion::to_string(kind)) + ": decode + detect";
    print(what.c_str(), t, &decode);
  }

  for (auto kind : {motion::DetectorKind::frame_diff, motion::DetectorKind::mog2}) {
    prometheus::Registry registry;
    motion::ServiceOptions options;
    options.defaults.detector = kind;
    options.work_height = work_height;
    size_t published = 0;
    motion::MotionService service(
        options, [&](const v1::MotionEvent& event, std::string_view) { published += event.ByteSizeLong(); },
        registry);
    std::vector<v1::Frame> frames(jpegs.size());
    for (size_t i = 0; i < jpegs.size(); ++i) {
      frames[i].set_schema_version(1);
      frames[i].set_camera_id("bench");
      frames[i].set_jpeg(jpegs[i]);
      frames[i].set_width(static_cast<uint32_t>(size.width));
      frames[i].set_height(static_cast<uint32_t>(size.height));
    }
    uint64_t sequence = 0;
    auto t = time_passes(rounds, count, [&] {
      // Every pass is a new stream, so no frame is skipped as already handled.
      std::string stream = "pass-" + std::to_string(sequence);
      for (auto& f : frames) {
        ++sequence;
        f.set_stream_id(stream);
        f.set_sequence(sequence);
        f.mutable_capture_time()->set_seconds(static_cast<int64_t>(sequence / 5));
        f.mutable_capture_time()->set_nanos(static_cast<int32_t>(sequence % 5) * 200'000'000);
        service.handle(f, {"", 0, std::chrono::system_clock::now()});
      }
    });
    std::string what = "service, " + std::string(motion::to_string(kind)) + " (events built)";
    print(what.c_str(), t, &decode);
  }
  return 0;
}
