#include "snapshot_source.h"

#include <curl/curl.h>
#include <turbojpeg.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>
extern "C" {
#include <libavutil/pixfmt.h>
}

#include "perceptual_hash.h"
#include "vigie/log/log.h"

namespace vigie::ingest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using WallClock = std::chrono::system_clock;

// Between polls the loop wakes this often to look at the stop flag.
constexpr auto kStopCheckStep = 50ms;
// No camera's snapshot comes near this; refusing more bounds the memory a
// misbehaving server can make us take.
constexpr size_t kMaxBodyBytes = 32 << 20;
// A server stamp (Last-Modified, Date) is believed only within these bounds: a
// camera's clock may run a little ahead of ours, or be set to 1970.
constexpr auto kMaxStampAhead = 60s;
constexpr auto kMaxStampAge = 24h;
// Rows padded to this suit the SIMD loops of the scaler and encoder downstream.
constexpr int kRowAlignment = 32;

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct TurboJpegDeleter {
  void operator()(void* handle) const { tjDestroy(handle); }
};

// curl_easy_init would run curl_global_init itself, unsafely if two cameras
// start at once; a function-local static runs it exactly once.
void init_curl_once() {
  static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (result != CURLE_OK) {
    throw SourceError(std::string("snapshot: libcurl cannot start: ") + curl_easy_strerror(result));
  }
}

// What one poll brought back.
struct Fetched {
  bool modified = false;  // false: 304 Not Modified
  std::string body;
  std::optional<WallClock::time_point> stamp;
  // The validators to send next time, once this image is known to be good.
  std::string etag;
  std::string last_modified;
};

// Conditional GETs of one URL on a kept-alive connection.
class HttpPoller {
 public:
  HttpPoller(const SourceOptions& options, std::string redacted_url)
      : url_(std::move(redacted_url)) {
    init_curl_once();
    curl_.reset(curl_easy_init());
    if (!curl_) throw SourceError("snapshot " + url_ + ": libcurl cannot create a handle");
    const long timeout_ms = static_cast<long>(options.timeout.count());
    set(CURLOPT_URL, options.source.url().c_str());
    set(CURLOPT_PROTOCOLS_STR, "http,https");
    set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    set(CURLOPT_FOLLOWLOCATION, 1L);
    set(CURLOPT_MAXREDIRS, 5L);
    set(CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: other threads run
    set(CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    set(CURLOPT_TIMEOUT_MS, timeout_ms);
    set(CURLOPT_USERAGENT, "vigie-ingest");
    set(CURLOPT_ERRORBUFFER, error_.data());
    set(CURLOPT_WRITEFUNCTION, &HttpPoller::on_body);
    set(CURLOPT_WRITEDATA, this);
    set(CURLOPT_NOPROGRESS, 0L);
    set(CURLOPT_XFERINFOFUNCTION, &HttpPoller::on_progress);
    if (!options.username.empty() || !options.password.empty()) {
      // Apart from the URL, so no URL that is logged or reported can hold them.
      // CURLAUTH_ANY lets the camera pick basic or digest; libcurl does not send
      // them on to another host when redirected.
      set(CURLOPT_USERNAME, options.username.c_str());
      set(CURLOPT_PASSWORD, options.password.c_str());
      set(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_ANY));
    }
  }

  // nullopt when stop became true during the transfer; throws SourceError naming
  // the redacted URL when the transfer fails or the status is neither 200 nor 304.
  std::optional<Fetched> get(const std::atomic<bool>* stop) {
    std::unique_ptr<curl_slist, HeaderListDeleter> headers;
    const auto add_header = [&headers, this](const std::string& line) {
      curl_slist* list = curl_slist_append(headers.get(), line.c_str());
      if (!list) throw SourceError("snapshot " + url_ + ": out of memory");
      static_cast<void>(headers.release());
      headers.reset(list);
    };
    if (!etag_.empty()) add_header("If-None-Match: " + etag_);
    if (!last_modified_.empty()) add_header("If-Modified-Since: " + last_modified_);
    set(CURLOPT_HTTPHEADER, headers.get());
    set(CURLOPT_XFERINFODATA, const_cast<void*>(static_cast<const void*>(stop)));
    body_.clear();
    too_large_ = false;
    error_[0] = '\0';

    const CURLcode code = curl_easy_perform(curl_.get());
    set(CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
    if (code == CURLE_ABORTED_BY_CALLBACK && stop && *stop) return std::nullopt;
    if (code != CURLE_OK) {
      std::string reason =
          too_large_ ? "snapshot larger than " + std::to_string(kMaxBodyBytes >> 20) + " MiB"
          : error_[0] != '\0' ? std::string(error_.data())
                              : std::string(curl_easy_strerror(code));
      throw SourceError("snapshot " + url_ + ": " + reason);
    }
    long status = 0;
    curl_easy_getinfo(curl_.get(), CURLINFO_RESPONSE_CODE, &status);
    if (status == 304) return Fetched{};
    if (status != 200) throw SourceError("snapshot " + url_ + ": HTTP " + std::to_string(status));
    return Fetched{.modified = true,
                   .body = std::move(body_),
                   .stamp = stamp(),
                   .etag = header("ETag"),
                   .last_modified = header("Last-Modified")};
  }

  // Sent from now on, so that an unchanged image costs a 304 and no body.
  void use_validators(std::string etag, std::string last_modified) {
    etag_ = std::move(etag);
    last_modified_ = std::move(last_modified);
  }

 private:
  template <class T>
  void set(CURLoption option, T value) {
    if (CURLcode code = curl_easy_setopt(curl_.get(), option, value); code != CURLE_OK) {
      throw SourceError("snapshot " + url_ + ": libcurl refused option " +
                        std::to_string(static_cast<int>(option)) + ": " + curl_easy_strerror(code));
    }
  }

  static size_t on_body(char* data, size_t size, size_t count, void* self_pointer) {
    auto* self = static_cast<HttpPoller*>(self_pointer);
    if (self->body_.size() + size * count > kMaxBodyBytes) {
      self->too_large_ = true;
      return 0;  // makes libcurl fail the transfer
    }
    self->body_.append(data, size * count);
    return size * count;
  }

  static int on_progress(void* stop, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return stop != nullptr && *static_cast<const std::atomic<bool>*>(stop) ? 1 : 0;
  }

  std::string header(const char* name) {
    curl_header* found = nullptr;
    if (curl_easy_header(curl_.get(), name, 0, CURLH_HEADER, -1, &found) != CURLHE_OK) return {};
    return found->value;
  }

  // When the picture was taken, as near as the server says: Last-Modified is when
  // the camera replaced the image, Date when the server answered.
  std::optional<WallClock::time_point> stamp() {
    const WallClock::time_point now = WallClock::now();
    for (const char* name : {"Last-Modified", "Date"}) {
      const std::string value = header(name);
      if (value.empty()) continue;
      const time_t seconds = curl_getdate(value.c_str(), nullptr);
      if (seconds == -1) continue;
      const WallClock::time_point stamp = WallClock::from_time_t(seconds);
      if (stamp > now + kMaxStampAhead || stamp < now - kMaxStampAge) continue;
      return std::min(stamp, now);
    }
    return std::nullopt;
  }

  std::string url_;
  std::unique_ptr<CURL, CurlDeleter> curl_;
  std::array<char, CURL_ERROR_SIZE> error_{};
  std::string body_;
  bool too_large_ = false;
  std::string etag_;
  std::string last_modified_;
};

// The AVPixelFormat of planes as TurboJPEG leaves them: the JPEG's own subsampling,
// full-range (JPEG) YUV. -1 for a subsampling FFmpeg has no format for.
int pixel_format(int subsampling) {
  switch (subsampling) {
    case TJSAMP_420:
      return AV_PIX_FMT_YUVJ420P;
    case TJSAMP_422:
      return AV_PIX_FMT_YUVJ422P;
    case TJSAMP_444:
      return AV_PIX_FMT_YUVJ444P;
    case TJSAMP_440:
      return AV_PIX_FMT_YUVJ440P;
    case TJSAMP_411:
      return AV_PIX_FMT_YUVJ411P;
    case TJSAMP_GRAY:
      return AV_PIX_FMT_GRAY8;
    default:
      return -1;
  }
}

// JPEG to YUV planes without colour conversion: the scaler downstream takes YUV,
// so converting to RGB here would be work undone there.
class YuvDecoder {
 public:
  YuvDecoder() : handle_(tjInitDecompress()) {
    if (!handle_) {
      throw SourceError(std::string("snapshot: cannot start a JPEG decoder: ") +
                        tjGetErrorStr2(nullptr));
    }
  }

  // Fills out with planes this decoder owns, valid until the next decode. Throws
  // SourceError saying what is wrong with the image.
  void decode(std::string_view jpeg, Picture& out) {
    const auto* data = reinterpret_cast<const unsigned char*>(jpeg.data());
    const auto size = static_cast<unsigned long>(jpeg.size());
    int width = 0;
    int height = 0;
    int subsampling = 0;
    int colorspace = 0;
    if (tjDecompressHeader3(handle_.get(), data, size, &width, &height, &subsampling,
                            &colorspace) != 0) {
      throw SourceError(std::string("not a JPEG: ") + tjGetErrorStr2(handle_.get()));
    }
    const int format = pixel_format(subsampling);
    if (format < 0 || colorspace == TJCS_CMYK || colorspace == TJCS_YCCK || width <= 0 ||
        height <= 0) {
      throw SourceError("unsupported JPEG (" + std::to_string(width) + "x" +
                        std::to_string(height) + ", subsampling " + std::to_string(subsampling) +
                        ", colour space " + std::to_string(colorspace) + ")");
    }
    const int count = subsampling == TJSAMP_GRAY ? 1 : 3;
    std::array<unsigned char*, 3> planes{};
    std::array<int, 3> strides{};
    for (int i = 0; i < count; ++i) {
      const int plane_width = tjPlaneWidth(i, width, subsampling);
      const int plane_height = tjPlaneHeight(i, height, subsampling);
      strides[i] = (plane_width + kRowAlignment - 1) / kRowAlignment * kRowAlignment;
      planes_[i].resize(static_cast<size_t>(strides[i]) * static_cast<size_t>(plane_height));
      planes[i] = planes_[i].data();
    }
    // Warnings (extraneous bytes, a missing marker) are common in cameras' JPEGs
    // and leave the picture whole; only fatal errors lose it.
    if (tjDecompressToYUVPlanes(handle_.get(), data, size, planes.data(), width, strides.data(),
                                height, 0) != 0 &&
        tjGetErrorCode(handle_.get()) != TJERR_WARNING) {
      throw SourceError(std::string("corrupt JPEG: ") + tjGetErrorStr2(handle_.get()));
    }
    out = Picture{};
    out.width = width;
    out.height = height;
    out.pixel_format = format;
    for (int i = 0; i < count; ++i) {
      out.planes[i] = planes[i];
      out.strides[i] = strides[i];
    }
    out.keyframe = true;  // every snapshot is a whole picture
  }

 private:
  std::unique_ptr<void, TurboJpegDeleter> handle_;
  std::array<std::vector<uint8_t>, 3> planes_;
};

// Sleeps in short steps; false as soon as stop is true.
bool sleep_until(Clock::time_point deadline, const std::atomic<bool>& stop) {
  while (!stop) {
    const Clock::time_point now = Clock::now();
    if (now >= deadline) return true;
    std::this_thread::sleep_for(std::min<Clock::duration>(deadline - now, kStopCheckStep));
  }
  return false;
}

}  // namespace

class SnapshotSource::Impl {
 public:
  explicit Impl(const SourceOptions& options)
      : url_(log::redact_url(options.source.url())),
        interval_(options.source.snapshot_interval_ms() > 0
                      ? std::chrono::milliseconds(options.source.snapshot_interval_ms())
                      : kDefaultInterval),
        min_hash_distance_(options.source.snapshot_min_hash_distance() > 0
                               ? static_cast<int>(options.source.snapshot_min_hash_distance())
                               : kDefaultMinHashDistance),
        timeout_(options.timeout),
        http_(options, url_) {}

  void open(const std::atomic<bool>& stop) {
    failures_ = 0;
    const Clock::time_point started = Clock::now();
    next_poll_ = started + interval_;
    pending_ = poll(&stop) == Poll::fresh;
  }

  bool next(Picture& out, const std::atomic<bool>& stop) {
    if (pending_ && !stop) {
      pending_ = false;
      out = picture_;
      return true;
    }
    while (sleep_until(next_poll_, stop)) {
      const Clock::time_point started = Clock::now();
      next_poll_ = started + interval_;
      try {
        const Poll result = poll(&stop);
        if (result == Poll::stopped) return false;
        note_success();
        if (result == Poll::fresh) {
          out = picture_;
          return true;
        }
      } catch (const SourceError& error) {
        note_failure(error, started);
      }
    }
    return false;
  }

 private:
  enum class Poll { fresh, unchanged, stopped };

  Poll poll(const std::atomic<bool>* stop) {
    std::optional<Fetched> fetched = http_.get(stop);
    if (!fetched) return Poll::stopped;
    // Byte-identical: a server that sends no validators still costs no decode.
    if (!fetched->modified || fetched->body == last_body_) return Poll::unchanged;
    try {
      decoder_.decode(fetched->body, picture_);
    } catch (const SourceError& error) {
      throw SourceError("snapshot " + url_ + ": " + error.what());
    }
    http_.use_validators(std::move(fetched->etag), std::move(fetched->last_modified));
    last_body_ = std::move(fetched->body);

    const uint64_t hash =
        perceptual_hash(picture_.planes[0], picture_.width, picture_.height, picture_.strides[0]);
    if (last_hash_) {
      const int distance = hamming(hash, *last_hash_);
      if (distance < min_hash_distance_) {
        log::debug("snapshot unchanged", {{"url", url_}, {"hash_distance", distance}});
        return Poll::unchanged;
      }
    }
    last_hash_ = hash;
    picture_.capture_time = fetched->stamp.value_or(WallClock::now());
    return Poll::fresh;
  }

  // One warning per run of failures; SourceError once they have lasted longer
  // than the timeout, but never on the first: a single failed poll is retried.
  void note_failure(const SourceError& error, Clock::time_point started) {
    if (failures_++ == 0) {
      failing_since_ = started;
      log::warn("snapshot poll failed, retrying",
                {{"url", url_},
                 {"error", error.what()},
                 {"retry_in_ms", static_cast<int64_t>(interval_.count())}});
    }
    const auto failing_for =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - failing_since_);
    if (failures_ > 1 && failing_for > timeout_) {
      throw SourceError(std::string(error.what()) + " (" + std::to_string(failures_) +
                        " polls failed over " + std::to_string(failing_for.count()) + " ms)");
    }
  }

  void note_success() {
    if (failures_ == 0) return;
    log::info("snapshot poll recovered", {{"url", url_}, {"failed_polls", failures_}});
    failures_ = 0;
  }

  const std::string url_;  // redacted: the only form that is logged or reported
  const std::chrono::milliseconds interval_;
  const int min_hash_distance_;
  const std::chrono::milliseconds timeout_;
  HttpPoller http_;
  YuvDecoder decoder_;
  Picture picture_;
  std::string last_body_;
  std::optional<uint64_t> last_hash_;  // of the last picture returned
  bool pending_ = false;               // picture_ came from open() and is not returned yet
  Clock::time_point next_poll_;
  int failures_ = 0;
  Clock::time_point failing_since_;
};

SnapshotSource::SnapshotSource(SourceOptions options) : impl_(std::make_unique<Impl>(options)) {}

SnapshotSource::~SnapshotSource() = default;

void SnapshotSource::open(const std::atomic<bool>& stop) { impl_->open(stop); }

bool SnapshotSource::next(Picture& out, const std::atomic<bool>& stop) {
  return impl_->next(out, stop);
}

}  // namespace vigie::ingest
