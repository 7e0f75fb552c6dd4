// vigie-bench-ingest: what one camera costs the ingest service, measured against
// ffmpeg itself on the same file. Makes a 720p25 H.264 file from OpenCV's sample
// video (like a typical camera's analysis stream), then measures on one thread:
//   (a) ffmpeg -threads 1 decoding it to nothing: the reference;
//   (b) FfmpegSource decoding every picture, and with FrameEncoder publishing
//       5 fps at 640 px, as a camera worker does;
//   (c) the same in keyframes-only mode;
//   (d) resident memory per camera, with 4 cameras in threads in one process.
// Frames per second are per core: frames / CPU seconds, so that other work on the
// machine changes the figures little. Prints figures; never passes or fails.
//
// usage: vigie-bench-ingest [CACHE_DIR]   (default: a temporary directory, removed)
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ffmpeg_source.h"
#include "vigie/app/logging.h"
#include "vigie/config/settings.h"
#include "frame_encoder.h"

extern char** environ;

namespace {

using namespace std::chrono_literals;
using vigie::ingest::FfmpegSource;
using vigie::ingest::FrameEncoder;
using vigie::ingest::Picture;
using vigie::ingest::SourceOptions;
namespace fs = std::filesystem;

constexpr int kWidth = 1280;
constexpr int kHeight = 720;
constexpr int kFps = 25;
constexpr int kGop = 50;
constexpr int kFileFrames = 500;         // 20 s
constexpr int kMeasuredFrames = 1000;    // two passes over the file
constexpr int kPublishEvery = kFps / 5;  // 5 fps published
constexpr int kAnalysisWidth = 640;
constexpr int kRounds = 3;
constexpr int kMemoryCameras = 4;

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; }

double thread_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Run {
  double cpu_s = 0;
  double wall_s = 0;
};

// Runs a program to its end; its CPU time comes from the kernel's accounting of
// that child alone.
Run run_program(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot run " + args[0]);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(args[0] + " failed (status " + std::to_string(status) + ")");
  }
  return {seconds(usage.ru_utime) + seconds(usage.ru_stime),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

// 20 s of 1280x720 at 25 fps, every frame different: the 10 fps sample plays 2.5
// times faster rather than having frames repeated, which would make decoding
// unrealistically cheap. No B-frames and a keyframe every 2 s, as cameras send.
std::string make_test_file(const fs::path& dir) {
  const fs::path file = dir / "vtest-720p25.mp4";
  if (fs::exists(file)) return file;
  const char* sample = std::getenv("VIGIE_VTEST_AVI");
  const std::string source = sample ? sample : "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
  const fs::path partial = dir / "vtest-720p25.partial.mp4";
  std::printf("making %s from %s ...\n", file.c_str(), source.c_str());
  std::fflush(stdout);
  run_program({"ffmpeg",
               "-nostdin",
               "-hide_banner",
               "-loglevel",
               "error",
               "-y",
               "-i",
               source,
               "-an",
               "-vf",
               "setpts=PTS/2.5,scale=" + std::to_string(kWidth) + ":" + std::to_string(kHeight),
               "-r",
               std::to_string(kFps),
               "-frames:v",
               std::to_string(kFileFrames),
               "-c:v",
               "libx264",
               "-preset",
               "veryfast",
               "-profile:v",
               "main",
               "-bf",
               "0",
               "-g",
               std::to_string(kGop),
               "-keyint_min",
               std::to_string(kGop),
               "-sc_threshold",
               "0",
               "-pix_fmt",
               "yuv420p",
               "-movflags",
               "+faststart",
               partial});
  fs::rename(partial, file);
  return file;
}

SourceOptions file_options(const std::string& path, bool keyframes_only) {
  SourceOptions options;
  options.source.set_kind(vigie::v1::Source::KIND_FILE);
  options.source.set_url(path);
  options.keyframes_only = keyframes_only;
  return options;
}

// Best of kRounds: the pass least disturbed by other work on a shared machine.
double best_cpu(const std::function<double()>& pass) {
  double best = 1e300;
  for (int round = 0; round < kRounds; ++round) best = std::min(best, pass());
  return best;
}

// CPU seconds to hand out `pictures` pictures, encoding one in `publish_every`
// (0: none).
double our_pass(const std::string& path, bool keyframes_only, int pictures, int publish_every) {
  FfmpegSource source(file_options(path, keyframes_only), /*pace=*/false);
  FrameEncoder encoder(kAnalysisWidth);
  std::atomic<bool> stop{false};
  Picture picture;
  const double start = thread_cpu_seconds();
  source.open();
  for (int i = 0; i < pictures; ++i) {
    if (!source.next(picture, stop)) throw std::runtime_error("the file source stopped");
    if (publish_every > 0 && i % publish_every == 0) encoder.encode(picture);
  }
  return thread_cpu_seconds() - start;
}

double resident_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  }
  return 0;
}

// Cameras as the service runs them: one thread each, paced at the file's rate,
// publishing 5 fps. Resident memory once they are all past their first seconds.
double memory_per_camera_mb(const std::string& path) {
  const double baseline = resident_mb();
  std::atomic<bool> stop{false};
  std::vector<std::thread> cameras;
  for (int i = 0; i < kMemoryCameras; ++i) {
    cameras.emplace_back([&] {
      FfmpegSource source(file_options(path, false));
      FrameEncoder encoder(kAnalysisWidth);
      source.open();
      Picture picture;
      for (int n = 0; source.next(picture, stop); ++n) {
        if (n % kPublishEvery == 0) encoder.encode(picture);
      }
    });
  }
  std::this_thread::sleep_for(6s);
  const double loaded = resident_mb();
  stop = true;
  for (std::thread& camera : cameras) camera.join();
  return (loaded - baseline) / kMemoryCameras;
}

}  // namespace

int main(int argc, char** argv) {
  vigie::config::Spec spec(
      "vigie-bench-ingest",
      "Benchmark of vigie-ingest's decoding: makes a 720p25 H.264 file from vtest.avi, then\n"
      "compares, in one run, ffmpeg -threads 1 decoding it with ingest's own path (decode\n"
      "only, decode + publishing 640 px JPEGs at 5 fps, keyframes only), as frames per\n"
      "second per core and cameras per core, and measures resident memory per camera.");
  vigie::app::add_log_level(spec, "warn")
      .text("VIGIE_BENCH_DIR", "", "where the test file is made and kept (default: a temporary directory)");
  auto settings = spec.load(argc, argv);
  vigie::app::init_logging("vigie-bench-ingest", settings);
  try {
    fs::path dir;
    bool temporary = false;
    if (!settings.text("VIGIE_BENCH_DIR").empty()) {
      dir = settings.text("VIGIE_BENCH_DIR");
      fs::create_directories(dir);
    } else {
      std::string pattern = (fs::temp_directory_path() / "vigie-bench-ingest-XXXXXX").string();
      if (mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("cannot make a temporary directory");
      }
      dir = pattern;
      temporary = true;
    }
    const std::string path = make_test_file(dir);
    const double megabits =
        static_cast<double>(fs::file_size(path)) * 8 / 1e6 / (kFileFrames / kFps);

    // First, while nothing else has warmed the process up: FFmpeg's and the
    // encoders' one-time allocations count against the cameras.
    const double memory = memory_per_camera_mb(path);
    // Two passes over the file in every measurement, so that start-up costs weigh little.
    const double ffmpeg_cpu = best_cpu([&] {
      return run_program({"ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-threads",
                          "1", "-stream_loop", "1", "-i", path, "-f", "null", "-"})
          .cpu_s;
    });
    const double decode_cpu = best_cpu([&] { return our_pass(path, false, kMeasuredFrames, 0); });
    const double publish_cpu =
        best_cpu([&] { return our_pass(path, false, kMeasuredFrames, kPublishEvery); });
    const int keyframes = kMeasuredFrames / kGop + 1;  // the last one opens a third pass
    const double keyframe_cpu = best_cpu([&] { return our_pass(path, true, keyframes, 1); });

    const double reference = kMeasuredFrames / ffmpeg_cpu;
    const double stream_s = static_cast<double>(kMeasuredFrames) / kFps;
    auto row = [&](const char* what, double cpu) {
      const double fps = kMeasuredFrames / cpu;
      std::printf("%-44s %9.0f %7.2f %9.1f\n", what, fps, fps / reference, stream_s / cpu);
    };
    std::printf(
        "\n%dx%d %d fps H.264 (libx264 veryfast, GOP %d, no B-frames), %.1f Mbit/s; %d frames, "
        "best of %d\n",
        kWidth, kHeight, kFps, kGop, megabits, kMeasuredFrames, kRounds);
    std::printf("%-44s %9s %7s %9s\n", "", "frames/s", "ratio", "cameras");
    std::printf("%-44s %9s %7s %9s\n", "", "per core", "to (a)", "per core");
    row("(a) ffmpeg -threads 1 -i FILE -f null -", ffmpeg_cpu);
    row("(b) FfmpegSource, decode only", decode_cpu);
    row("(b) FfmpegSource + FrameEncoder 640 px 5 fps", publish_cpu);
    row("(c) keyframes only + FrameEncoder 640 px", keyframe_cpu);
    std::printf("(d) resident memory per camera (%d paced cameras, 640 px 5 fps): %.1f MB\n",
                kMemoryCameras, memory);
    std::printf("goals: (b) with encoding >= 0.8 x (a); (d) <= 30 MB\n");

    if (temporary) fs::remove_all(dir);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vigie-bench-ingest: %s\n", e.what());
    return 1;
  }
}
