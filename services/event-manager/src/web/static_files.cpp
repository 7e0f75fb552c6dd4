#include "web/static_files.h"

#include <cstdio>
#include <ctime>
#include <map>
#include <stdexcept>
#include <system_error>

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/trim.hpp>

#include "web/bad_request.h"
#include "web/url.h"

namespace vigie::event_manager::web {
namespace fs = std::filesystem;

namespace {

// Whether path is root or lies under it, component by component (a string
// prefix would let /srv/ui-secrets pass for /srv/ui).
bool is_within(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

}  // namespace

StaticDirectory::StaticDirectory(std::string url_prefix, const fs::path& directory)
    : url_prefix_(std::move(url_prefix)) {
  std::vector<std::string> segments;
  try {
    segments = path_segments(url_prefix_);
  } catch (const BadRequest& e) {
    throw std::invalid_argument("static files prefix '" + url_prefix_ + "': " + e.message());
  }
  if (!segments.empty() && segments.back().empty()) segments.pop_back();
  prefix_segments_ = std::move(segments);
  std::error_code ec;
  root_ = fs::canonical(directory, ec);
  if (ec || !fs::is_directory(root_)) {
    throw std::invalid_argument("static files directory " + directory.string() + " is not a readable directory");
  }
}

std::optional<std::vector<std::string>> StaticDirectory::relative(const std::vector<std::string>& segments) const {
  if (segments.size() < prefix_segments_.size()) return std::nullopt;
  for (std::size_t i = 0; i < prefix_segments_.size(); ++i) {
    if (segments[i] != prefix_segments_[i]) return std::nullopt;
  }
  return std::vector<std::string>(segments.begin() + static_cast<std::ptrdiff_t>(prefix_segments_.size()),
                                  segments.end());
}

std::optional<StaticDirectory::File> StaticDirectory::resolve(const std::vector<std::string>& relative) const {
  fs::path path = root_;
  for (std::size_t i = 0; i < relative.size(); ++i) {
    const std::string& segment = relative[i];
    if (segment.empty() && i + 1 == relative.size()) break;  // trailing slash: the directory
    if (auto reason = unsafe_segment_reason(segment); !reason.empty()) {
      throw BadRequest("", "the path " + reason);
    }
    if (segment.empty() || segment.front() == '.') return std::nullopt;
    path /= segment;
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) path /= "index.html";
  fs::path real = fs::canonical(path, ec);
  if (ec || !is_within(real, root_)) return std::nullopt;
  auto status = fs::status(real, ec);
  if (ec || !fs::is_regular_file(status)) return std::nullopt;
  File file;
  file.size = fs::file_size(real, ec);
  if (ec) return std::nullopt;
  auto written = fs::last_write_time(real, ec);
  if (ec) return std::nullopt;
  file.modified =
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(std::chrono::file_clock::to_sys(written));
  auto nanoseconds = std::chrono::duration_cast<std::chrono::nanoseconds>(written.time_since_epoch()).count();
  char etag[64];
  std::snprintf(etag, sizeof etag, "\"%llx-%llx\"", static_cast<unsigned long long>(file.size),
                static_cast<unsigned long long>(nanoseconds));
  file.etag = etag;
  file.content_type = content_type_for(real);
  file.path = std::move(real);
  return file;
}

std::string content_type_for(const fs::path& file) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".avif", "image/avif"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".otf", "font/otf"},
      {".wasm", "application/wasm"},
      {".pbf", "application/x-protobuf"},
  };
  auto it = kTypes.find(boost::algorithm::to_lower_copy(file.extension().string()));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

std::string http_date(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char out[40];
  std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return out;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  std::size_t start = 0;
  while (start <= if_none_match.size()) {
    std::size_t end = if_none_match.find(',', start);
    if (end == std::string_view::npos) end = if_none_match.size();
    std::string tag = boost::algorithm::trim_copy(std::string(if_none_match.substr(start, end - start)));
    if (tag == "*") return true;
    if (tag.rfind("W/", 0) == 0) tag.erase(0, 2);
    if (tag == etag) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace vigie::event_manager::web
