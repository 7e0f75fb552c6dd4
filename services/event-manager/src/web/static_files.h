// A directory served under a URL prefix (the web interface): files only, never
// a listing, never anything outside the directory, whatever the path or a
// symbolic link says.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::event_manager::web {

class StaticDirectory {
 public:
  struct File {
    std::filesystem::path path;  // canonical, inside the directory
    std::uint64_t size = 0;
    std::chrono::system_clock::time_point modified;
    std::string content_type;
    std::string etag;  // quoted
  };

  // std::invalid_argument when directory is not one, or url_prefix is not a
  // clean path ("/", "/ui").
  StaticDirectory(std::string url_prefix, const std::filesystem::path& directory);

  const std::string& url_prefix() const { return url_prefix_; }
  // The segments after the prefix, or nullopt when the path is not under it.
  std::optional<std::vector<std::string>> relative(const std::vector<std::string>& segments) const;
  // The file the relative segments name (index.html for a directory); nullopt
  // when there is none, or it is hidden (a segment starting with '.'), or it
  // resolves outside the directory. BadRequest for a segment that could
  // traverse (unsafe_segment_reason).
  std::optional<File> resolve(const std::vector<std::string>& relative) const;

 private:
  std::string url_prefix_;
  std::vector<std::string> prefix_segments_;
  std::filesystem::path root_;  // canonical
};

std::string content_type_for(const std::filesystem::path& file);
// RFC 9110 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::chrono::system_clock::time_point time);
// Whether an If-None-Match value ("*", or a list of possibly weak tags) names etag.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace vigie::event_manager::web
