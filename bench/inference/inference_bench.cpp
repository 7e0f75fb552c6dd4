// vigie-bench-inference: the inference service's frames per second against the
// bare runtime on the same model and frames, in the same run; the default people
// detector's precision and recall on the hand-labelled vtest.avi frames; and how
// much detector work motion gating and the analyses' frame rate save on
// vtest.avi. Prints figures; never passes or fails on time.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <prometheus/registry.h>
#include <opencv2/core/utility.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#ifdef VIGIE_HAVE_ONNXRUNTIME
#include <onnxruntime_cxx_api.h>
#endif

#include "centernet.h"
#include "inference_service.h"
#include "motion_service.h"
#include "precision_recall.h"
#include "vigie/app/logging.h"
#include "vigie/config/settings.h"

namespace {

using namespace vigie;

// CPU time of this thread: on a shared machine it still measures what a frame
// costs one core (every runtime here runs on the calling thread).
double thread_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Frames per second of the fastest of `rounds` passes (after one warm-up pass).
double best_fps(int rounds, size_t frames, const std::function<void()>& pass) {
  pass();
  double best = 1e30;
  for (int r = 0; r < rounds; ++r) {
    const double start = thread_cpu_s();
    pass();
    best = std::min(best, thread_cpu_s() - start);
  }
  return static_cast<double>(frames) / best;
}

std::string encode(const cv::Mat& picture) {
  std::vector<unsigned char> buffer;
  cv::imencode(".jpg", picture, buffer, {cv::IMWRITE_JPEG_QUALITY, 80});
  return {buffer.begin(), buffer.end()};
}

cv::Mat decode(const std::string& jpeg) {
  return cv::imdecode(cv::_InputArray(jpeg.data(), static_cast<int>(jpeg.size())), cv::IMREAD_COLOR);
}

// Every frame of the video at 640x480 (as ingest publishes it), as JPEG.
std::vector<std::string> vtest_jpegs(const std::string& path) {
  cv::VideoCapture video(path);
  if (!video.isOpened()) throw std::runtime_error("cannot open " + path);
  std::vector<std::string> out;
  cv::Mat frame, small;
  while (video.read(frame)) {
    cv::resize(frame, small, {640, 480}, 0, 0, cv::INTER_AREA);
    out.push_back(encode(small));
  }
  return out;
}

v1::MotionEvent motion_event(uint64_t sequence, const std::string& jpeg) {
  v1::MotionEvent e;
  e.set_schema_version(1);
  e.set_camera_id("bench");
  e.set_event_id("bench/s/0");
  e.set_stream_id("s");
  e.set_frame_sequence(sequence);
  e.mutable_capture_time()->set_seconds(static_cast<int64_t>(sequence));  // 1 fps: every frame due
  e.set_frame_width(640);
  e.set_frame_height(480);
  auto* box = e.add_boxes();
  box->set_width(640);
  box->set_height(480);
  e.set_frame_jpeg(jpeg);
  return e;
}

struct ServiceRun {
  prometheus::Registry registry;
  inference::DetectorPool pool;
  inference::InferenceService service;
  size_t detections = 0;
  ServiceRun(const std::string& models_dir, const std::string& detector)
      : pool([&] {
          inference::FactoryOptions f;
          f.models_dir = models_dir;
          f.threads = 1;
          return f;
        }()),
        service(
            {}, pool, [this](const v1::Detection&, std::string_view) { ++detections; }, registry) {
    v1::Camera camera;
    camera.set_id("bench");
    auto* a = camera.add_analyses();
    a->set_name("people");
    a->set_detector(detector);
    a->add_labels("person");
    a->set_min_score(0.5f);
    a->set_fps(1);
    service.camera_changed("bench", &camera);
  }
};

void speed(const std::vector<std::string>& jpegs, const std::string& models_dir, int rounds) {
  const auto model = inference::find_centernet_model(models_dir, "centernet-coco");
  std::printf("\nSpeed: %zu frames of vtest.avi, 640x480 JPEG q80, one thread, best of %d passes\n",
              jpegs.size(), rounds);
  std::printf("  %-58s %8s %8s\n", "path (per frame: JPEG decode, model, decoding its output)", "frames/s",
              "ratio");

  cv::dnn::Net net = cv::dnn::readNetFromONNX(model.onnx_path);
  cv::Mat blob;
  std::vector<cv::Mat> outputs;
  const std::vector<cv::String> names{"tower_0/keypoints", "tower_0/wh"};
  const double bare_cv = best_fps(rounds, jpegs.size(), [&] {
    for (const auto& j : jpegs) {
      cv::dnn::blobFromImage(decode(j), blob, 1.0, model.input, {}, true, false, CV_32F);
      net.setInput(blob);
      net.forward(outputs, names);
    }
  });
  std::printf("  %-58s %8.2f %8s\n", "bare OpenCV DNN: decode, blobFromImage, forward", bare_cv, "1.00");
  ServiceRun cv_service(models_dir, "opencv-dnn:centernet-coco");
  uint64_t seq = 0;
  const double service_cv = best_fps(rounds, jpegs.size(), [&] {
    for (const auto& j : jpegs) cv_service.service.handle(motion_event(seq++, j), {"", {}});
  });
  std::printf("  %-58s %8.2f %8.2f\n", "service, opencv-dnn:centernet-coco (InferenceService::handle)",
              service_cv, service_cv / bare_cv);

#ifdef VIGIE_HAVE_ONNXRUNTIME
  Ort::Env env(ORT_LOGGING_LEVEL_WARNING, "bench");
  Ort::SessionOptions options;
  options.SetIntraOpNumThreads(1);
  options.SetInterOpNumThreads(1);
  options.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
  Ort::Session session(env, model.onnx_path.c_str(), options);
  auto memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  const std::array<int64_t, 4> shape{1, 3, model.input.height, model.input.width};
  const char* input_name = "tower_0/images";
  const std::array<const char*, 2> output_names{"tower_0/keypoints", "tower_0/wh"};
  const double bare_ort = best_fps(rounds, jpegs.size(), [&] {
    for (const auto& j : jpegs) {
      cv::dnn::blobFromImage(decode(j), blob, 1.0, model.input, {}, true, false, CV_32F);
      auto input = Ort::Value::CreateTensor<float>(memory, blob.ptr<float>(), blob.total(), shape.data(), 4);
      session.Run(Ort::RunOptions{nullptr}, &input_name, &input, 1, output_names.data(), 2);
    }
  });
  std::printf("  %-58s %8.2f %8.2f\n", "bare ONNX Runtime: decode, blobFromImage, Run", bare_ort,
              bare_ort / bare_cv);
  ServiceRun ort_service(models_dir, "onnxruntime:centernet-coco");
  const double service_ort = best_fps(rounds, jpegs.size(), [&] {
    for (const auto& j : jpegs) ort_service.service.handle(motion_event(seq++, j), {"", {}});
  });
  std::printf("  %-58s %8.2f %8.2f   (%.2f of bare ONNX Runtime)\n", "service, onnxruntime:centernet-coco",
              service_ort, service_ort / bare_cv, service_ort / bare_ort);
#else
  std::printf("  (no ONNX Runtime in this build: deploy/models/fetch-models.sh, then configure again)\n");
#endif
  std::printf("  goal: the service at 0.9 or more of the bare runtime on the same model and frames\n");
}

void accuracy(const std::vector<std::string>& jpegs, const std::string& models_dir,
              const std::string& data_dir) {
  const auto truth = inference::eval::read_yolo_directory(data_dir + "/vtest_people", {640, 480});
  size_t people = 0;
  for (const auto& [f, boxes] : truth) people += boxes.size();
  std::printf("\nAccuracy: %zu hand-labelled frames, %zu people, IoU 0.5 (tests/data/inference)\n",
              truth.size(), people);
  std::printf("  %-28s %9s %9s %9s %7s %7s %7s\n", "detector", "min score", "precision", "recall", "found",
              "false", "missed");
  inference::FactoryOptions factory;
  factory.models_dir = models_dir;
  std::vector<std::string> detectors = {"opencv-dnn:centernet-coco", "hog:people"};
#ifdef VIGIE_HAVE_ONNXRUNTIME
  detectors.insert(detectors.begin() + 1, "onnxruntime:centernet-coco");
#endif
  for (const auto& name : detectors) {
    std::string error;
    auto detector = inference::make_detector(*inference::parse_detector_spec(name, "", error), factory);
    std::map<float, inference::eval::Counts> counts;
    for (const auto& [frame, boxes] : truth) {
      const auto found = detector->detect({decode(jpegs.at(static_cast<size_t>(frame))), {}}, 0.2f);
      std::vector<inference::eval::Scored> scored;
      for (const auto& o : found)
        if (o.label == "person") scored.push_back({o.box, o.score});
      std::vector<cv::Rect2f> truth_boxes;
      for (const auto& b : boxes) truth_boxes.push_back(b.box);
      for (float t : {0.3f, 0.35f, 0.4f, 0.5f, 0.6f})
        counts[t] += inference::eval::match(scored, truth_boxes, t);
    }
    for (const auto& [t, c] : counts)
      std::printf("  %-28s %9.2f %9.3f %9.3f %7d %7d %7d\n", name.c_str(), t, c.precision(), c.recall(),
                  c.true_positives, c.false_positives, c.false_negatives);
  }
}

// How many frames of a 5 fps sequence a detector would run on, without gating and
// behind motion (its default settings).
void gating(const char* scene, const std::vector<std::string>& frames_at_5fps) {
  size_t frames = 0, with_motion = 0, with_picture = 0;
  prometheus::Registry registry;
  motion::MotionService motion(
      {},
      [&](const v1::MotionEvent& e, std::string_view) {
        if (e.phase() == v1::MotionEvent::PHASE_END) return;
        ++with_motion;
        if (!e.frame_jpeg().empty()) ++with_picture;
      },
      registry);
  for (const auto& jpeg : frames_at_5fps) {
    v1::Frame f;
    f.set_schema_version(1);
    f.set_camera_id("bench");
    f.set_stream_id("s");
    f.set_sequence(frames);
    const double t = static_cast<double>(frames) / 5;
    f.mutable_capture_time()->set_seconds(static_cast<int64_t>(t));
    f.mutable_capture_time()->set_nanos(static_cast<int32_t>((t - static_cast<int64_t>(t)) * 1e9));
    f.set_width(640);
    f.set_height(480);
    f.set_jpeg(jpeg);
    // Published now: an old frame (a backlog) would get no picture attached.
    motion.handle(f, {"", 0, std::chrono::system_clock::now()});
    ++frames;
  }
  const double seconds = static_cast<double>(frames) / 5;
  std::printf("\nMotion gating, %s: %zu frames at 5 fps (%.0f s)\n", scene, frames, seconds);
  auto row = [&](const char* what, double n) {
    std::printf("  %-66s %6.0f %6.1f%%\n", what, n, 100 * n / static_cast<double>(frames));
  };
  row("every frame, no gating", static_cast<double>(frames));
  row("frames with motion (start or update)", static_cast<double>(with_motion));
  row("frames with motion carrying their picture (frame_publish_fps 1)", static_cast<double>(with_picture));
}

// A still scene: one picture with new sensor noise (sigma 3) in every frame.
std::vector<std::string> still_scene(const std::string& first_jpeg, int count) {
  const cv::Mat picture = decode(first_jpeg);
  std::vector<std::string> out;
  cv::RNG rng(7);
  cv::Mat noise(picture.size(), CV_16SC3), noisy;
  for (int i = 0; i < count; ++i) {
    rng.fill(noise, cv::RNG::NORMAL, 0, 3);
    cv::Mat wide;
    picture.convertTo(wide, CV_16SC3);
    cv::add(wide, noise, wide);
    wide.convertTo(noisy, CV_8UC3);
    out.push_back(encode(noisy));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  config::Spec spec(
      "vigie-bench-inference",
      "Frames per second of the inference service against the bare runtime on the same model and\n"
      "frames, the default people detector's precision and recall on hand-labelled vtest.avi\n"
      "frames, and the detector work motion gating saves. Prints figures; never fails on time.");
  vigie::app::add_log_level(spec, "warn")
      .text("VIGIE_BENCH_VIDEO", "/usr/share/doc/opencv-doc/examples/data/vtest.avi", "the video")
      .text("VIGIE_BENCH_MODELS_DIR", VIGIE_BENCH_MODELS_DIR,
            "models fetched by deploy/models/fetch-models.sh")
      .text("VIGIE_BENCH_DATA_DIR", VIGIE_BENCH_DATA_DIR, "the hand-labelled frames (tests/data/inference)")
      .integer("VIGIE_BENCH_FRAMES", 30, 1, 795, "frames timed in the speed figures")
      .integer("VIGIE_BENCH_ROUNDS", 3, 1, 20, "timed passes (the best is printed)");
  auto settings = spec.load(argc, argv);
  vigie::app::init_logging("vigie-bench-inference", settings);
  cv::setNumThreads(1);
  const auto jpegs = vtest_jpegs(settings.text("VIGIE_BENCH_VIDEO"));
  const auto count = static_cast<size_t>(settings.integer("VIGIE_BENCH_FRAMES"));
  std::vector<std::string> timed;
  for (size_t i = 0; i < count; ++i) timed.push_back(jpegs[(i * jpegs.size()) / count]);
  speed(timed, settings.text("VIGIE_BENCH_MODELS_DIR"),
        static_cast<int>(settings.integer("VIGIE_BENCH_ROUNDS")));
  accuracy(jpegs, settings.text("VIGIE_BENCH_MODELS_DIR"), settings.text("VIGIE_BENCH_DATA_DIR"));
  std::vector<std::string> at_5fps;
  for (size_t i = 0; i < jpegs.size(); i += 2) at_5fps.push_back(jpegs[i]);
  gating("vtest.avi (people walk through the whole video)", at_5fps);
  gating("a still scene (vtest's first picture, new sensor noise each frame)",
         still_scene(jpegs.front(), 300));
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "vigie-bench-inference: %s\n", e.what());
  return 1;
}
