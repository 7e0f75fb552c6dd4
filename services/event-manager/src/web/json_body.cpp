#include "web/json_body.h"

#include <cmath>
#include <set>

#include <boost/algorithm/string/join.hpp>
#include <boost/algorithm/string/predicate.hpp>
#include <boost/algorithm/string/trim.hpp>

#include "web/bad_request.h"

namespace vigie::event_manager::web {
namespace {

using nlohmann::json;

constexpr int kMaxDepth = 64;

// Thrown from the parser's callback to stop at the first duplicate or too deep a nesting.
struct Refused {
  std::string field;
  std::string message;
};

// "syntax error while parsing value - invalid literal" from nlohmann's message,
// without the excerpt of the input it quotes after "last read".
std::string parse_error_reason(const std::string& what) {
  auto start = what.find(": ", what.find("column"));
  if (start == std::string::npos) return "syntax error";
  start += 2;
  auto end = what.find("; last read", start);
  return what.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string position(std::string_view body, std::size_t byte) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i + 1 < byte && i < body.size(); ++i) {
    if (body[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "byte " + std::to_string(byte) + " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")";
}

}  // namespace

Response json_response(unsigned status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  // A string that is not UTF-8 is replaced rather than thrown: an answer never fails on it.
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

Response error_response(unsigned status, std::string_view code, std::string_view message, std::string_view field) {
  json body = {{"error", code}, {"message", message}};
  if (!field.empty()) body["field"] = field;
  return json_response(status, body);
}

nlohmann::json parse_json_object(std::string_view body) {
  if (boost::algorithm::trim_copy(std::string(body)).empty()) {
    throw BadRequest("", "the body is empty; a JSON object is expected");
  }
  // One set of keys per object being parsed, to refuse a field given twice
  // (parsers disagree on which one wins, so it must not pass).
  std::vector<std::set<std::string>> open_objects;
  auto check = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > kMaxDepth) {
      throw Refused{"", "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels"};
    }
    switch (event) {
      case json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case json::parse_event_t::key: {
        auto key = parsed.get<std::string>();
        if (!open_objects.empty() && !open_objects.back().insert(key).second) {
          throw Refused{key, "field given more than once"};
        }
        break;
      }
      default:
        break;
    }
    return true;
  };
  json value;
  try {
    value = json::parse(body.begin(), body.end(), check);
  } catch (const Refused& refused) {
    throw BadRequest(refused.field, refused.message);
  } catch (const json::parse_error& e) {
    throw BadRequest("", "malformed JSON at " + position(body, e.byte) + ": " + parse_error_reason(e.what()));
  }
  if (!value.is_object()) {
    throw BadRequest("", std::string("the body must be a JSON object, not ") + value.type_name());
  }
  return value;
}

nlohmann::json parse_json_object(const Request& request) {
  auto type = request.headers.get("Content-Type");
  std::string media(type.value_or(""));
  media = boost::algorithm::trim_copy(media.substr(0, media.find(';')));
  if (!boost::algorithm::iequals(media, "application/json")) {
    throw BadRequest("", "send the body as JSON with Content-Type: application/json", 415);
  }
  return parse_json_object(request.body);
}

FieldReader::FieldReader(const nlohmann::json& value, std::string prefix)
    : object_(&value), prefix_(std::move(prefix)) {
  if (!value.is_object()) {
    std::string field = prefix_;
    if (!field.empty() && field.back() == '.') field.pop_back();
    throw BadRequest(field, "must be a JSON object");
  }
}

std::string FieldReader::path(std::string_view name) const { return prefix_ + std::string(name); }

const nlohmann::json* FieldReader::find(std::string_view name) const {
  asked_.emplace(name);
  auto it = object_->find(std::string(name));
  if (it == object_->end() || it->is_null()) return nullptr;
  return &*it;
}

const nlohmann::json& FieldReader::required(std::string_view name) const {
  const json* value = find(name);
  if (!value) throw BadRequest(path(name), "required");
  return *value;
}

bool FieldReader::has(std::string_view name) const { return find(name) != nullptr; }

bool FieldReader::present(std::string_view name) const {
  asked_.emplace(name);
  return object_->contains(std::string(name));
}

std::string FieldReader::string(std::string_view name) const {
  const json& value = required(name);
  if (!value.is_string()) throw BadRequest(path(name), "must be a string");
  auto text = value.get<std::string>();
  if (text.find('\0') != std::string::npos) throw BadRequest(path(name), "must not contain NUL");
  return text;
}

std::optional<std::string> FieldReader::optional_string(std::string_view name) const {
  if (!has(name)) return std::nullopt;
  return string(name);
}

double FieldReader::number(std::string_view name) const {
  const json& value = required(name);
  if (!value.is_number()) throw BadRequest(path(name), "must be a number");
  double number = value.get<double>();
  if (!std::isfinite(number)) throw BadRequest(path(name), "must be a finite number");
  return number;
}

std::optional<double> FieldReader::optional_number(std::string_view name) const {
  if (!has(name)) return std::nullopt;
  return number(name);
}

std::int64_t FieldReader::integer(std::string_view name, std::int64_t min, std::int64_t max) const {
  const json& value = required(name);
  if (!value.is_number()) throw BadRequest(path(name), "must be a whole number");
  // nlohmann reads every non-negative integer as unsigned, and 5.0 as a float:
  // JSON itself makes no difference between 5 and 5.0.
  std::optional<std::int64_t> whole;
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      whole = static_cast<std::int64_t>(number);
    }
  } else if (value.is_number_integer()) {
    whole = value.get<std::int64_t>();
  } else {
    const double number = value.get<double>();
    // 2^63 is the first double past int64's range.
    if (std::trunc(number) == number && std::abs(number) < 9223372036854775808.0) {
      whole = static_cast<std::int64_t>(number);
    }
  }
  if (!whole || *whole < min || *whole > max) {
    throw BadRequest(path(name),
                     "must be a whole number between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return *whole;
}

std::optional<std::int64_t> FieldReader::optional_integer(std::string_view name, std::int64_t min,
                                                          std::int64_t max) const {
  if (!has(name)) return std::nullopt;
  return integer(name, min, max);
}

bool FieldReader::boolean(std::string_view name) const {
  const json& value = required(name);
  if (!value.is_boolean()) throw BadRequest(path(name), "must be true or false");
  return value.get<bool>();
}

std::optional<bool> FieldReader::optional_boolean(std::string_view name) const {
  if (!has(name)) return std::nullopt;
  return boolean(name);
}

const nlohmann::json& FieldReader::array(std::string_view name) const {
  const json& value = required(name);
  if (!value.is_array()) throw BadRequest(path(name), "must be an array");
  return value;
}

std::vector<std::string> FieldReader::strings(std::string_view name) const {
  std::vector<std::string> out;
  const json& values = array(name);
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::string at = path(name) + "[" + std::to_string(i) + "]";
    if (!values[i].is_string()) throw BadRequest(at, "must be a string");
    out.push_back(values[i].get<std::string>());
    if (out.back().find('\0') != std::string::npos) throw BadRequest(at, "must not contain NUL");
  }
  return out;
}

std::optional<std::vector<std::string>> FieldReader::optional_strings(std::string_view name) const {
  if (!has(name)) return std::nullopt;
  return strings(name);
}

FieldReader FieldReader::object(std::string_view name) const { return FieldReader(required(name), path(name) + "."); }

std::optional<FieldReader> FieldReader::optional_object(std::string_view name) const {
  if (!has(name)) return std::nullopt;
  return object(name);
}

void FieldReader::each_object(std::string_view name, const std::function<void(const FieldReader&)>& fn) const {
  if (!has(name)) return;
  const json& values = array(name);
  for (std::size_t i = 0; i < values.size(); ++i) {
    fn(FieldReader(values[i], path(name) + "[" + std::to_string(i) + "]."));
  }
}

void FieldReader::finish() const {
  for (const auto& [key, value] : object_->items()) {
    if (!asked_.contains(key)) {
      throw BadRequest(path(key), "unknown field; expected " +
                                      (asked_.empty() ? std::string("none") : "one of: " + boost::algorithm::join(asked_, ", ")));
    }
  }
}

const FieldReader& FieldReader::only(std::initializer_list<std::string_view> names) const {
  for (std::string_view name : names) asked_.emplace(name);
  finish();
  return *this;
}

}  // namespace vigie::event_manager::web
