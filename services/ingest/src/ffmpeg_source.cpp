#include "ffmpeg_source.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string_view>
#include <thread>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
}

#include "vigie/log/log.h"

namespace vigie::ingest {
namespace {

using namespace std::chrono_literals;
using std::chrono::microseconds;
using std::chrono::system_clock;

// A picture's computed time further than this from the local clock is not
// believed (a camera whose clock is wrong, a timestamp jump): it gets the local time.
constexpr auto kMaxClockSkew = 5s;
// Behind a file's own rate by more than this (a busy machine, a stopped process),
// pacing starts again from now rather than catching up in a burst.
constexpr auto kMaxPaceLag = 1s;
// V4L2 is read without blocking, because a blocking read never looks at the
// interrupt callback: how long to wait before asking the device again.
constexpr auto kDevicePoll = 5ms;
// Pacing sleeps in slices this long so that it notices stop.
constexpr auto kSleepSlice = 50ms;
// Closing an RTSP stream sends TEARDOWN; it gets this long before the close is cut short.
constexpr auto kCloseGrace = 1s;

struct DictFreer {
  void operator()(AVDictionary* dict) const { av_dict_free(&dict); }
};
using Dict = std::unique_ptr<AVDictionary, DictFreer>;

std::string av_error(int error) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(error, text, sizeof text);
  return text;
}

int64_t to_us(int64_t value, AVRational time_base) {
  return av_rescale_q(value, time_base, AV_TIME_BASE_Q);
}

// RFC 3986 userinfo: everything but the unreserved characters is escaped, so that
// a password holding '@', ':' or '/' cannot end the userinfo early. FFmpeg decodes
// it before authenticating.
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

bool is_network(const SourceOptions& options) {
  return options.source.kind() == v1::Source::KIND_RTSP ||
         options.source.kind() == v1::Source::KIND_MJPEG;
}

// The URL FFmpeg opens: the camera's URL with the credentials as its userinfo.
// It exists only for the call that opens the stream and is never logged.
std::string url_with_credentials(const SourceOptions& options) {
  const std::string& url = options.source.url();
  if (!is_network(options) || (options.username.empty() && options.password.empty())) return url;
  const size_t separator = url.find("://");
  if (separator == std::string::npos) return url;
  size_t host = separator + 3;
  size_t authority_end = url.find_first_of("/?#", host);
  if (authority_end == std::string::npos) authority_end = url.size();
  const size_t at = std::string_view(url).substr(host, authority_end - host).rfind('@');
  if (at != std::string_view::npos) host += at + 1;  // the configured credentials win
  return url.substr(0, separator + 3) + percent_encode(options.username) + ":" +
         percent_encode(options.password) + "@" + url.substr(host);
}

Dict open_options(const SourceOptions& options) {
  AVDictionary* dict = nullptr;
  const std::string timeout_us =
      std::to_string(std::chrono::duration_cast<microseconds>(options.timeout).count());
  switch (options.source.kind()) {
    case v1::Source::KIND_RTSP:
      av_dict_set(&dict, "rtsp_transport",
                  options.source.rtsp_transport() == v1::Source::RTSP_TRANSPORT_UDP ? "udp" : "tcp",
                  0);
      av_dict_set(&dict, "timeout", timeout_us.c_str(), 0);   // socket I/O
      av_dict_set(&dict, "allowed_media_types", "video", 0);  // no audio SETUP
      // Stream parameters come from the first decoded frames; not waiting for enough
      // frames to estimate the frame rate (unused: pictures carry their timestamps)
      // makes the probe end right after the first keyframe has been decoded.
      av_dict_set(&dict, "fpsprobesize", "0", 0);
      av_dict_set(&dict, "probesize", "1000000", 0);
      av_dict_set(&dict, "analyzeduration", "2000000", 0);
      break;
    case v1::Source::KIND_MJPEG:
      av_dict_set(&dict, "timeout", timeout_us.c_str(), 0);     // HTTP: connect and socket I/O
      av_dict_set(&dict, "rw_timeout", timeout_us.c_str(), 0);  // any protocol read
      break;
    default: break;
  }
  return Dict(dict);
}

const AVInputFormat* input_format(v1::Source::Kind kind) {
  switch (kind) {
    case v1::Source::KIND_MJPEG:
      // multipart/x-mixed-replace would not be recognised by probing.
      return av_find_input_format("mpjpeg");
    case v1::Source::KIND_V4L2: {
      static std::once_flag devices;
      std::call_once(devices, [] { avdevice_register_all(); });
      return av_find_input_format("video4linux2");
    }
    default: return nullptr;
  }
}

// Full range is part of the pixel format's name for the planar YUV formats that
// FFmpeg has a "J" variant of, which is all Picture can carry.
int picture_format(const AVFrame& frame) {
  if (frame.color_range != AVCOL_RANGE_JPEG) return frame.format;
  switch (frame.format) {
    case AV_PIX_FMT_YUV420P: return AV_PIX_FMT_YUVJ420P;
    case AV_PIX_FMT_YUV422P: return AV_PIX_FMT_YUVJ422P;
    case AV_PIX_FMT_YUV444P: return AV_PIX_FMT_YUVJ444P;
    case AV_PIX_FMT_YUV440P: return AV_PIX_FMT_YUVJ440P;
    case AV_PIX_FMT_YUV411P: return AV_PIX_FMT_YUVJ411P;
    default: return frame.format;
  }
}

}  // namespace

void FfmpegSource::FormatCloser::operator()(AVFormatContext* context) const {
  avformat_close_input(&context);
}
void FfmpegSource::CodecFreer::operator()(AVCodecContext* context) const {
  avcodec_free_context(&context);
}
void FfmpegSource::FrameFreer::operator()(AVFrame* frame) const { av_frame_free(&frame); }
void FfmpegSource::PacketFreer::operator()(AVPacket* packet) const { av_packet_free(&packet); }

FfmpegSource::FfmpegSource(SourceOptions options, bool pace)
    : options_(std::move(options)),
      pace_(pace),
      redacted_url_(log::redact_url(options_.source.url())) {}

FfmpegSource::~FfmpegSource() { close(); }

int FfmpegSource::interrupted(void* self) {
  const auto* source = static_cast<const FfmpegSource*>(self);
  if (source->stop_ != nullptr && source->stop_->load(std::memory_order_relaxed)) return 1;
  const auto now = Clock::now();
  return now >= source->io_deadline_ || now >= source->picture_deadline_ ? 1 : 0;
}

void FfmpegSource::close() {
  stop_ = nullptr;
  io_deadline_ = picture_deadline_ =
      Clock::now() + std::min<Clock::duration>(options_.timeout, kCloseGrace);
  codec_tag_.reset();
  format_tag_.reset();
  packet_.reset();
  frame_.reset();
  codec_.reset();
  format_.reset();
  stream_index_ = -1;
  start_us_ = loop_end_us_ = loop_offset_us_ = 0;
  draining_ = false;
  last_stream_us_.reset();
  first_stream_us_.reset();
  last_capture_ = {};
}

void FfmpegSource::open(const std::atomic<bool>& stop) {
  install_av_log_bridge();
  close();
  // The interrupt callback reads stop_ during the blocking connect too.
  stop_ = &stop;
  struct Leave {
    FfmpegSource& source;
    ~Leave() { source.stop_ = nullptr; }
  } leave{*this};
  io_deadline_ = picture_deadline_ = Clock::now() + options_.timeout;

  format_.reset(avformat_alloc_context());
  if (!format_) throw std::bad_alloc();
  format_tag_.emplace(format_.get(), redacted_url_);
  format_->interrupt_callback = {&FfmpegSource::interrupted, this};
  if (options_.source.kind() == v1::Source::KIND_V4L2) format_->flags |= AVFMT_FLAG_NONBLOCK;

  Dict options = open_options(options_);
  AVDictionary* raw_options = options.release();
  AVFormatContext* raw_format = format_.release();
  int rc = avformat_open_input(&raw_format, url_with_credentials(options_).c_str(),
                               input_format(options_.source.kind()), &raw_options);
  options.reset(raw_options);
  format_.reset(raw_format);  // null after a failure: FFmpeg freed it
  if (rc < 0) {
    format_tag_.reset();
    fail("cannot open", rc);
  }
  wall_anchor_ = system_clock::now();
  steady_anchor_ = Clock::now();

  rc = avformat_find_stream_info(format_.get(), nullptr);
  if (rc < 0) fail("cannot read the stream parameters", rc);
  const AVCodec* decoder = nullptr;
  rc = av_find_best_stream(format_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
  if (rc < 0) fail("no video stream to decode", rc);
  stream_index_ = rc;
  for (unsigned i = 0; i < format_->nb_streams; ++i) {
    if (static_cast<int>(i) != stream_index_) format_->streams[i]->discard = AVDISCARD_ALL;
  }
  const AVStream& stream = *format_->streams[stream_index_];

  codec_.reset(avcodec_alloc_context3(decoder));
  if (!codec_) throw std::bad_alloc();
  codec_tag_.emplace(codec_.get(), redacted_url_);
  rc = avcodec_parameters_to_context(codec_.get(), stream.codecpar);
  if (rc < 0) fail("cannot set up the decoder", rc);
  codec_->thread_count = 1;  // capacity is planned in cameras per core
  codec_->pkt_timebase = stream.time_base;
  if (options_.keyframes_only) codec_->skip_frame = AVDISCARD_NONKEY;
  rc = avcodec_open2(codec_.get(), decoder, nullptr);
  if (rc < 0) fail(std::string("cannot open the ") + decoder->name + " decoder", rc);

  frame_.reset(av_frame_alloc());
  packet_.reset(av_packet_alloc());
  if (!frame_ || !packet_) throw std::bad_alloc();

  const AVRational rate =
      av_guess_frame_rate(format_.get(), format_->streams[stream_index_], nullptr);
  frame_us_ = rate.num > 0 && rate.den > 0 ? to_us(1, av_inv_q(rate)) : 40'000;
  start_us_ = stream.start_time != AV_NOPTS_VALUE ? to_us(stream.start_time, stream.time_base) : 0;
  loop_end_us_ = start_us_;
  left_at_ = Clock::now();
  io_deadline_ = left_at_ + options_.timeout;
}

bool FfmpegSource::next(Picture& out, const std::atomic<bool>& stop) {
  if (!codec_) throw std::logic_error("FfmpegSource::next before a successful open");
  // The stall clock runs only while this waits: the time the caller spends with a
  // picture is not the camera's silence.
  const auto entered = Clock::now();
  io_deadline_ += entered - left_at_;
  picture_deadline_ = entered + options_.timeout;
  stop_ = &stop;
  struct Leave {
    FfmpegSource& source;
    ~Leave() {
      source.stop_ = nullptr;
      source.left_at_ = Clock::now();
    }
  } leave{*this};

  while (!stop.load(std::memory_order_relaxed)) {
    int rc = avcodec_receive_frame(codec_.get(), frame_.get());
    if (rc == 0) {
      const int64_t stream_us = stream_time(*frame_);
      if (pace_ && options_.source.kind() == v1::Source::KIND_FILE &&
          !wait_for_pace(stream_us, stop)) {
        return false;
      }
      fill(out, stream_us);
      return true;
    }
    if (rc == AVERROR_EOF) {  // a file, drained to its last picture
      restart_file();
      continue;
    }
    // A damaged packet (lost UDP datagrams) costs pictures, not the stream.
    if (rc != AVERROR(EAGAIN) && rc != AVERROR_INVALIDDATA) fail("cannot decode", rc);
    if (Clock::now() >= picture_deadline_) fail("cannot read", AVERROR_EXIT);

    switch (read_packet()) {
      case Read::again: continue;
      case Read::end:
        if (options_.source.kind() != v1::Source::KIND_FILE) {
          throw SourceError(redacted_url_ + ": the camera ended the stream");
        }
        // Pictures still inside the decoder come out before it reports the end.
        draining_ = true;
        avcodec_send_packet(codec_.get(), nullptr);
        continue;
      case Read::packet: break;
    }
    rc = avcodec_send_packet(codec_.get(), packet_.get());
    av_packet_unref(packet_.get());
    if (rc < 0 && rc != AVERROR_INVALIDDATA) fail("cannot decode", rc);
  }
  return false;
}

FfmpegSource::Read FfmpegSource::read_packet() {
  if (draining_) return Read::again;
  const int rc = av_read_frame(format_.get(), packet_.get());
  if (rc == AVERROR(EAGAIN)) {  // a device opened without blocking, between two frames
    if (Clock::now() >= io_deadline_) fail("cannot read", rc);
    std::this_thread::sleep_for(kDevicePoll);
    return Read::again;
  }
  if (rc < 0) {
    if (stop_->load(std::memory_order_relaxed)) return Read::again;
    const auto now = Clock::now();
    // An interrupted read can surface as any error, the end of the stream included.
    if (now >= io_deadline_ || now >= picture_deadline_) fail("cannot read", rc);
    if (rc == AVERROR_EOF) return Read::end;
    fail("cannot read", rc);
  }
  if (packet_->stream_index != stream_index_) {
    av_packet_unref(packet_.get());
    return Read::again;
  }
  // After an interrupted read FFmpeg still hands out the picture its parser held
  // back; that one must not count as data arriving.
  const auto now = Clock::now();
  if (now < io_deadline_) io_deadline_ = now + options_.timeout;
  return Read::packet;
}

void FfmpegSource::restart_file() {
  const AVStream& stream = *format_->streams[stream_index_];
  const int64_t start = stream.start_time != AV_NOPTS_VALUE ? stream.start_time : 0;
  const int rc = av_seek_frame(format_.get(), stream_index_, start, AVSEEK_FLAG_BACKWARD);
  if (rc < 0) fail("cannot go back to the start of the file", rc);
  avcodec_flush_buffers(codec_.get());
  draining_ = false;
  loop_offset_us_ += std::max(loop_end_us_ - start_us_, frame_us_);
  loop_end_us_ = start_us_;
}

int64_t FfmpegSource::stream_time(const AVFrame& frame) {
  int64_t stream_us = 0;
  if (frame.best_effort_timestamp != AV_NOPTS_VALUE) {
    const int64_t pts_us =
        to_us(frame.best_effort_timestamp, format_->streams[stream_index_]->time_base);
    loop_end_us_ = std::max(loop_end_us_, pts_us + frame_us_);
    stream_us = pts_us + loop_offset_us_;
  } else if (last_stream_us_) {
    stream_us = *last_stream_us_ + frame_us_;
  } else {
    stream_us = start_us_;
  }
  last_stream_us_ = stream_us;
  if (!first_stream_us_) first_stream_us_ = stream_us;
  return stream_us;
}

bool FfmpegSource::wait_for_pace(int64_t stream_us, const std::atomic<bool>& stop) {
  const auto target = steady_anchor_ + microseconds(stream_us - *first_stream_us_);
  const auto now = Clock::now();
  if (now - target > kMaxPaceLag) {
    const auto lag = now - target;
    steady_anchor_ += lag;
    wall_anchor_ += std::chrono::duration_cast<system_clock::duration>(lag);
    return true;
  }
  for (auto left = target - Clock::now(); left > Clock::duration::zero();
       left = target - Clock::now()) {
    if (stop.load(std::memory_order_relaxed)) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(left, kSleepSlice));
  }
  return !stop.load(std::memory_order_relaxed);
}

system_clock::time_point FfmpegSource::capture_time(int64_t stream_us) {
  const auto now = system_clock::now();
  system_clock::time_point time = now;
  // An MJPEG stream has no clock: its timestamps count pictures at a guessed rate.
  if (options_.source.kind() != v1::Source::KIND_MJPEG) {
    if (options_.source.kind() == v1::Source::KIND_RTSP &&
        format_->start_time_realtime != AV_NOPTS_VALUE && format_->start_time_realtime > 0) {
      // The camera's wall clock at the stream's first timestamp, from its RTCP
      // sender reports.
      time = system_clock::time_point(
          microseconds(format_->start_time_realtime + stream_us - start_us_));
    } else {
      time = wall_anchor_ + microseconds(stream_us - *first_stream_us_);
    }
    if (time > now + kMaxClockSkew || time < now - kMaxClockSkew) time = now;
  }
  // Never backwards, even when RTCP's clock replaces the local one mid-stream.
  if (time <= last_capture_) time = last_capture_ + microseconds(1);
  last_capture_ = time;
  return time;
}

void FfmpegSource::fill(Picture& out, int64_t stream_us) {
  const AVFrame& frame = *frame_;
  out.width = frame.width;
  out.height = frame.height;
  out.pixel_format = picture_format(frame);
  for (int i = 0; i < 4; ++i) {
    out.planes[i] = frame.data[i];
    out.strides[i] = frame.linesize[i];
  }
  out.keyframe = frame.key_frame != 0;
  out.capture_time = capture_time(stream_us);
}

void FfmpegSource::fail(const std::string& what, int error) const {
  const auto now = Clock::now();
  const auto timeout_ms = std::to_string(options_.timeout.count());
  std::string reason;
  if (now >= io_deadline_) {
    reason = "no data from the camera for " + timeout_ms + " ms";
  } else if (now >= picture_deadline_) {
    reason = "no picture for " + timeout_ms + " ms although data arrives";
  } else {
    reason = av_error(error);
  }
  throw SourceError(redacted_url_ + ": " + what + ": " + reason);
}

}  // namespace vigie::ingest
