// Reads a request's JSON object strictly: every field is checked for its type
// as it is read, and finish() refuses whatever field nobody asked for, so a
// misspelt field is an error rather than a setting silently left at its
// default. Errors are ValidationError naming the field by its full path
// ("analysis_stream.url", "motion.masks[2].points[0].x").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace vigie::event_manager::api {

class JsonReader {
 public:
  // Throws ValidationError(path or "body") when json is not an object.
  JsonReader(const nlohmann::json& json, std::string path);

  // Present and not null.
  bool has(std::string_view key) const;
  // Present, whatever its value (null included).
  bool present(std::string_view key) const;

  std::string text(std::string_view key);
  std::optional<std::string> optional_text(std::string_view key);
  double number(std::string_view key);
  std::optional<double> optional_number(std::string_view key);
  int64_t integer(std::string_view key, int64_t low, int64_t high);
  std::optional<int64_t> optional_integer(std::string_view key, int64_t low, int64_t high);
  bool boolean(std::string_view key, bool fallback);
  std::vector<std::string> text_list(std::string_view key);
  JsonReader object(std::string_view key);
  // Absent or null: nullopt.
  std::optional<JsonReader> optional_object(std::string_view key);
  // Calls fn with a reader of each object of the list (absent or null: none).
  void each_object(std::string_view key, const std::function<void(JsonReader)>& fn);
  // The array's elements; each element's path is field(key) + "[i]".
  const nlohmann::json& array(std::string_view key);
  // Marks the key read, for a value the caller interprets itself (null allowed).
  const nlohmann::json& raw(std::string_view key);

  std::string field(std::string_view key) const;
  const std::string& path() const { return path_; }

  // Refuses every field that was not read.
  void finish() const;

 private:
  const nlohmann::json& take(std::string_view key);

  const nlohmann::json& json_;
  std::string path_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace vigie::event_manager::api
