// The live board: latest frame per camera, waiting for the next one, the boxes
// the overlay draws, and the MJPEG part a browser reads.
#include <gtest/gtest.h>

#include <thread>

#include "live/live_board.h"
#include "live/mjpeg.h"

namespace vigie::event_manager::live {
namespace {

using namespace std::chrono_literals;

v1::Frame frame(const std::string& camera, uint64_t sequence, const std::string& stream = "s1") {
  v1::Frame f;
  f.set_schema_version(1);
  f.set_camera_id(camera);
  f.set_stream_id(stream);
  f.set_sequence(sequence);
  f.set_width(640);
  f.set_height(360);
  f.set_jpeg("jpeg-" + camera + "-" + std::to_string(sequence));
  f.mutable_capture_time()->set_seconds(1'800'000'000);
  return f;
}

v1::Box box(float x, float y, float w, float h) {
  v1::Box b;
  b.set_x(x);
  b.set_y(y);
  b.set_width(w);
  b.set_height(h);
  return b;
}

TEST(LiveBoard, KeepsEachCamerasLatestFrame) {
  LiveBoard board;
  EXPECT_EQ(board.latest("cam-a"), nullptr);
  board.apply(frame("cam-a", 1));
  board.apply(frame("cam-b", 7));
  board.apply(frame("cam-a", 2));
  ASSERT_NE(board.latest("cam-a"), nullptr);
  EXPECT_EQ(board.latest("cam-a")->jpeg, "jpeg-cam-a-2");
  EXPECT_EQ(board.latest("cam-a")->capture_time, "2027-01-15T08:00:00Z");
  EXPECT_EQ(board.latest("cam-b")->sequence, 7u);
}

TEST(LiveBoard, IgnoresAnOlderFrameOfTheSameStreamButFollowsANewStream) {
  LiveBoard board;
  board.apply(frame("cam-a", 5));
  board.apply(frame("cam-a", 4));  // a batch read again
  EXPECT_EQ(board.latest("cam-a")->sequence, 5u);
  board.apply(frame("cam-a", 1, "s2"));  // the camera reconnected
  EXPECT_EQ(board.latest("cam-a")->sequence, 1u);
  EXPECT_EQ(board.latest("cam-a")->stream_id, "s2");
  auto empty = frame("cam-a", 9, "s2");
  empty.clear_jpeg();
  board.apply(empty);
  EXPECT_EQ(board.latest("cam-a")->sequence, 1u);
}

TEST(LiveBoard, AViewerGetsTheLatestFrameAtOnceThenWaitsForTheNext) {
  LiveBoard board;
  board.apply(frame("cam-a", 1));
  auto first = board.wait_newer("cam-a", 0, 10ms);
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->sequence, 1u);
  EXPECT_EQ(board.wait_newer("cam-a", first->version, 50ms), nullptr);  // nothing newer yet

  std::jthread publisher([&] {
    std::this_thread::sleep_for(50ms);
    board.apply(frame("cam-b", 1));  // another camera does not wake it with its frame
    board.apply(frame("cam-a", 2));
  });
  auto second = board.wait_newer("cam-a", first->version, 10s);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->sequence, 2u);
}

TEST(LiveBoard, CloseEndsEveryWait) {
  LiveBoard board;
  std::jthread closer([&] {
    std::this_thread::sleep_for(50ms);
    board.close();
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(board.wait_newer("cam-a", 0, 30s), nullptr);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(LiveBoard, ClearForgetsFramesButAViewerStillSeesTheNextOne) {
  LiveBoard board;
  board.apply(frame("cam-a", 3));
  auto shown = board.wait_newer("cam-a", 0, 10ms);
  board.clear();
  EXPECT_EQ(board.latest("cam-a"), nullptr);
  board.apply(frame("cam-a", 1));  // same sequence numbers again after a pause
  auto next = board.wait_newer("cam-a", shown->version, 10ms);
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->sequence, 1u);
}

TEST(LiveBoard, OverlayHoldsTheLatestMotionAndDetectionBoxes) {
  LiveBoard board;
  auto empty = board.overlay("cam-a");
  EXPECT_EQ(empty["camera_id"], "cam-a");
  EXPECT_TRUE(empty["frame"].is_null());
  EXPECT_TRUE(empty["motion"].is_null());
  EXPECT_TRUE(empty["detections"].empty());

  board.apply(frame("cam-a", 12));
  v1::MotionEvent motion;
  motion.set_camera_id("cam-a");
  motion.set_phase(v1::MotionEvent::PHASE_START);
  motion.set_frame_width(640);
  motion.set_frame_height(360);
  motion.set_score(0.12f);
  *motion.add_boxes() = box(10, 20, 30, 40);
  motion.mutable_capture_time()->set_seconds(1'800'000'000);
  board.apply(motion);

  v1::Detection detection;
  detection.set_camera_id("cam-a");
  detection.set_analysis("fire");
  detection.set_level(v1::Detection::LEVEL_POSITIVE);
  detection.set_frame_width(640);
  detection.set_frame_height(360);
  auto* object = detection.add_objects();
  object->set_label("fire");
  object->set_score(0.9f);
  *object->mutable_box() = box(100, 50, 60, 70);
  board.apply(detection);

  auto o = board.overlay("cam-a");
  EXPECT_EQ(o["frame"]["sequence"], 12);
  EXPECT_EQ(o["frame"]["width"], 640);
  EXPECT_EQ(o["motion"]["phase"], "start");
  EXPECT_EQ(o["motion"]["frame_width"], 640);
  ASSERT_EQ(o["motion"]["boxes"].size(), 1u);
  EXPECT_EQ(o["motion"]["boxes"][0], (nlohmann::json{{"x", 10.0}, {"y", 20.0}, {"width", 30.0}, {"height", 40.0}}));
  ASSERT_EQ(o["detections"].size(), 1u);
  EXPECT_EQ(o["detections"][0]["analysis"], "fire");
  EXPECT_EQ(o["detections"][0]["level"], "positive");
  EXPECT_EQ(o["detections"][0]["objects"][0]["label"], "fire");
  EXPECT_EQ(o["detections"][0]["objects"][0]["box"]["x"], 100.0);
  EXPECT_TRUE(board.overlay("cam-b")["motion"].is_null());

  // The episode ends and the analysis finds nothing any more: no box is left.
  motion.set_phase(v1::MotionEvent::PHASE_END);
  board.apply(motion);
  detection.set_level(v1::Detection::LEVEL_NONE);
  detection.clear_objects();
  board.apply(detection);
  o = board.overlay("cam-a");
  EXPECT_TRUE(o["motion"].is_null());
  EXPECT_EQ(o["detections"][0]["level"], "none");
  EXPECT_TRUE(o["detections"][0]["objects"].empty());
}

TEST(Mjpeg, PartCarriesTheBoundaryTheTypeTheLengthAndThePicture) {
  EXPECT_EQ(kMjpegContentType, "multipart/x-mixed-replace; boundary=" + std::string(kMjpegBoundary));
  EXPECT_EQ(mjpeg_part("\xff\xd8pic\xff\xd9"),
            "--vigie-frame\r\nContent-Type: image/jpeg\r\nContent-Length: 7\r\n\r\n\xff\xd8pic\xff\xd9\r\n");
}

}  // namespace
}  // namespace vigie::event_manager::live
