#include "json_reader.h"

#include <cmath>

#include "store_errors.h"

namespace vigie::event_manager::api {
namespace {

const char* kind_of(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "text";
    case nlohmann::json::value_t::boolean:
      return "true or false";
    default:
      return "a number";
  }
}

[[noreturn]] void wrong_type(const std::string& field, const char* expected, const nlohmann::json& value) {
  throw ValidationError(field, std::string("must be ") + expected + ", not " + kind_of(value));
}

}  // namespace

JsonReader::JsonReader(const nlohmann::json& json, std::string path) : json_(json), path_(std::move(path)) {
  if (!json_.is_object()) wrong_type(path_.empty() ? "body" : path_, "an object", json_);
}

bool JsonReader::present(std::string_view key) const { return json_.contains(key); }

bool JsonReader::has(std::string_view key) const {
  const auto it = json_.find(key);
  return it != json_.end() && !it->is_null();
}

std::string JsonReader::field(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const nlohmann::json& JsonReader::take(std::string_view key) {
  read_.emplace(key);
  const auto it = json_.find(key);
  if (it == json_.end() || it->is_null()) throw ValidationError(field(key), "is required");
  return *it;
}

const nlohmann::json& JsonReader::raw(std::string_view key) {
  read_.emplace(key);
  static const nlohmann::json null_value;
  const auto it = json_.find(key);
  return it == json_.end() ? null_value : *it;
}

std::string JsonReader::text(std::string_view key) {
  const auto& value = take(key);
  if (!value.is_string()) wrong_type(field(key), "text", value);
  return value.get<std::string>();
}

std::optional<std::string> JsonReader::optional_text(std::string_view key) {
  if (!has(key)) {
    read_.emplace(key);
    return std::nullopt;
  }
  return text(key);
}

double JsonReader::number(std::string_view key) {
  const auto& value = take(key);
  if (!value.is_number()) wrong_type(field(key), "a number", value);
  return value.get<double>();
}

std::optional<double> JsonReader::optional_number(std::string_view key) {
  if (!has(key)) {
    read_.emplace(key);
    return std::nullopt;
  }
  return number(key);
}

int64_t JsonReader::integer(std::string_view key, int64_t low, int64_t high) {
  const auto& value = take(key);
  const std::string name = field(key);
  if (!value.is_number()) wrong_type(name, "a whole number", value);
  const double as_double = value.get<double>();
  if (std::trunc(as_double) != as_double || as_double < static_cast<double>(low) ||
      as_double > static_cast<double>(high)) {
    throw ValidationError(name, "must be a whole number from " + std::to_string(low) + " to " + std::to_string(high));
  }
  return static_cast<int64_t>(as_double);
}

std::optional<int64_t> JsonReader::optional_integer(std::string_view key, int64_t low, int64_t high) {
  if (!has(key)) {
    read_.emplace(key);
    return std::nullopt;
  }
  return integer(key, low, high);
}

bool JsonReader::boolean(std::string_view key, bool fallback) {
  if (!has(key)) {
    read_.emplace(key);
    return fallback;
  }
  const auto& value = take(key);
  if (!value.is_boolean()) wrong_type(field(key), "true or false", value);
  return value.get<bool>();
}

std::vector<std::string> JsonReader::text_list(std::string_view key) {
  std::vector<std::string> list;
  if (!has(key)) {
    read_.emplace(key);
    return list;
  }
  const auto& value = take(key);
  if (!value.is_array()) wrong_type(field(key), "a list of text", value);
  for (size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) wrong_type(field(key) + "[" + std::to_string(i) + "]", "text", value[i]);
    list.push_back(value[i].get<std::string>());
  }
  return list;
}

JsonReader JsonReader::object(std::string_view key) { return JsonReader(take(key), field(key)); }

std::optional<JsonReader> JsonReader::optional_object(std::string_view key) {
  if (!has(key)) {
    read_.emplace(key);
    return std::nullopt;
  }
  return object(key);
}

void JsonReader::each_object(std::string_view key, const std::function<void(JsonReader)>& fn) {
  if (!has(key)) {
    read_.emplace(key);
    return;
  }
  const auto& list = array(key);
  for (size_t i = 0; i < list.size(); ++i) fn(JsonReader(list[i], field(key) + "[" + std::to_string(i) + "]"));
}

const nlohmann::json& JsonReader::array(std::string_view key) {
  const auto& value = take(key);
  if (!value.is_array()) wrong_type(field(key), "a list", value);
  return value;
}

void JsonReader::finish() const {
  for (const auto& [key, value] : json_.items()) {
    if (!read_.contains(key)) throw ValidationError(field(key), "is not a known field");
  }
}

}  // namespace vigie::event_manager::api
