#include "inference_test_support.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <map>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace vigie::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

cv::Mat vtest_frame(int index) {
  static std::mutex mutex;
  static std::map<int, cv::Mat> frames;
  std::lock_guard lock(mutex);
  if (auto it = frames.find(index); it != frames.end()) return it->second;
  const char* env = std::getenv("VIGIE_VTEST_AVI");
  const std::string path = env ? env : "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
  cv::VideoCapture video(path);
  if (!video.isOpened()) throw std::runtime_error("cannot open " + path + " (Debian's opencv-doc)");
  cv::Mat frame;
  for (int i = 0; i <= index; ++i)
    if (!video.read(frame)) throw std::runtime_error(path + " has no frame " + std::to_string(index));
  cv::Mat out;
  cv::resize(frame, out, {640, 480}, 0, 0, cv::INTER_AREA);
  frames[index] = out;
  return out;
}

std::string encode_jpeg(const cv::Mat& picture, int quality) {
  std::vector<unsigned char> buffer;
  cv::imencode(".jpg", picture, buffer, {cv::IMWRITE_JPEG_QUALITY, quality});
  return {buffer.begin(), buffer.end()};
}

cv::Mat decode_jpeg(const std::string& jpeg) {
  return cv::imdecode(cv::_InputArray(jpeg.data(), static_cast<int>(jpeg.size())), cv::IMREAD_COLOR);
}

std::string models_dir() { return VIGIE_TEST_MODELS_DIR; }
std::string inference_data_dir() { return VIGIE_INFERENCE_TEST_DATA; }

v1::MotionEvent motion_event(const std::string& camera, const std::string& stream, uint64_t sequence,
                             const std::string& jpeg, double fps, std::vector<cv::Rect2f> boxes) {
  v1::MotionEvent e;
  e.set_schema_version(1);
  e.set_event_id(camera + "/" + stream + "/0");
  e.set_update(static_cast<uint32_t>(sequence));
  e.set_camera_id(camera);
  e.set_phase(sequence == 0 ? v1::MotionEvent::PHASE_START : v1::MotionEvent::PHASE_UPDATE);
  e.set_stream_id(stream);
  e.set_frame_sequence(sequence);
  const double t = static_cast<double>(sequence) / fps;
  e.mutable_capture_time()->set_seconds(static_cast<int64_t>(t));
  e.mutable_capture_time()->set_nanos(static_cast<int32_t>((t - static_cast<int64_t>(t)) * 1e9));
  const cv::Mat picture = decode_jpeg(jpeg);
  e.set_frame_width(static_cast<uint32_t>(picture.cols));
  e.set_frame_height(static_cast<uint32_t>(picture.rows));
  if (boxes.empty())
    boxes.emplace_back(0.f, 0.f, static_cast<float>(picture.cols), static_cast<float>(picture.rows));
  for (const auto& b : boxes) {
    auto* box = e.add_boxes();
    box->set_x(b.x);
    box->set_y(b.y);
    box->set_width(b.width);
    box->set_height(b.height);
  }
  e.set_score(0.1f);
  e.set_frame_jpeg(jpeg);
  return e;
}

v1::Analysis analysis(const std::string& name, const std::string& detector, std::vector<std::string> labels,
                      float min_score, float fps) {
  v1::Analysis a;
  a.set_name(name);
  a.set_detector(detector);
  for (auto& l : labels) a.add_labels(l);
  a.set_min_score(min_score);
  a.set_fps(fps);
  return a;
}

v1::Camera camera_with(const std::string& id, std::vector<v1::Analysis> analyses) {
  v1::Camera c;
  c.set_schema_version(1);
  c.set_id(id);
  c.set_enabled(true);
  c.set_revision(1);
  for (auto& a : analyses) *c.add_analyses() = a;
  return c;
}

struct HfStubServer::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
};

HfStubServer::HfStubServer() : impl_(std::make_unique<Impl>()) {
  impl_->acceptor.non_blocking(true);
  thread_ = std::thread([this] { serve(); });
}

HfStubServer::~HfStubServer() {
  stopping_ = true;
  thread_.join();
}

void HfStubServer::script(std::vector<Reply> replies) {
  std::lock_guard lock(mutex_);
  replies_.assign(replies.begin(), replies.end());
}

std::vector<HfStubServer::Request> HfStubServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::string HfStubServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port()) + "/models/";
}

// One connection at a time, keep-alive: the remote back-end reuses its connection.
void HfStubServer::serve() {
  while (!stopping_) {
    tcp::socket socket(impl_->io);
    beast::error_code ec;
    impl_->acceptor.accept(socket, ec);
    if (ec) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    socket.non_blocking(false);
    // Wakes up to notice a stop even while the client keeps the connection open.
    struct timeval tv {
      0, 200'000
    };
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    beast::flat_buffer buffer;
    while (!stopping_) {
      http::request<http::string_body> request;
      http::read(socket, buffer, request, ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
      if (ec) break;
      Reply reply;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back({std::string(request.target()), std::string(request[http::field::authorization]),
                             std::string(request[http::field::content_type]), request.body().size()});
        if (!replies_.empty()) {
          reply = replies_.front();
          replies_.pop_front();
        }
      }
      for (auto waited = std::chrono::milliseconds(0); waited < reply.delay && !stopping_;
           waited += std::chrono::milliseconds(20))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
      response.set(http::field::content_type, "application/json");
      response.body() = reply.body;
      response.prepare_payload();
      http::write(socket, response, ec);
      if (ec) break;
    }
  }
}

}  // namespace vigie::testing
