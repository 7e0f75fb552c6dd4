// JSON in and out of handlers: answers, error answers, and a strict reader of
// request bodies that refuses what it does not expect, naming the field.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "web/request.h"

namespace vigie::event_manager::web {

Response json_response(unsigned status, const nlohmann::json& body);
// {"error": code, "message": message} plus "field" when one is named.
Response error_response(unsigned status, std::string_view code, std::string_view message, std::string_view field = {});

// The body as a JSON object. BadRequest (400) for an empty or malformed body
// (the message gives the byte, line and column, never the body), a body that
// is not an object, a field given twice in one object, nesting deeper than 64.
nlohmann::json parse_json_object(std::string_view body);
// The same after checking Content-Type is application/json (else 415): a
// browser form cannot send that type to another site without asking first.
nlohmann::json parse_json_object(const Request& request);

// Typed reads of an object's fields; a missing required field, a wrong type or
// a value out of range is a BadRequest naming the field by its full path
// ("analysis_stream.url", "motion.masks[2].points[0].x"). null is absent.
// The reader remembers every field it was asked about, present or not, so that
// finish() can refuse any other: a misspelt field is an error rather than a
// setting silently left at its default, and the list of known fields cannot
// drift from the fields actually read.
class FieldReader {
 public:
  // BadRequest naming prefix (or the body) when value is not an object.
  explicit FieldReader(const nlohmann::json& value, std::string prefix = {});

  // Present and not null.
  bool has(std::string_view name) const;
  // Present, whatever its value (null included).
  bool present(std::string_view name) const;
  // The field's name as errors give it: prefix + name.
  std::string path(std::string_view name) const;

  // Strings never hold NUL.
  std::string string(std::string_view name) const;
  std::optional<std::string> optional_string(std::string_view name) const;
  double number(std::string_view name) const;  // finite
  std::optional<double> optional_number(std::string_view name) const;
  // A whole number (5 or 5.0) within [min, max].
  std::int64_t integer(std::string_view name, std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                       std::int64_t max = std::numeric_limits<std::int64_t>::max()) const;
  std::optional<std::int64_t> optional_integer(std::string_view name,
                                               std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                                               std::int64_t max = std::numeric_limits<std::int64_t>::max()) const;
  bool boolean(std::string_view name) const;
  std::optional<bool> optional_boolean(std::string_view name) const;
  std::vector<std::string> strings(std::string_view name) const;  // an array of strings
  std::optional<std::vector<std::string>> optional_strings(std::string_view name) const;
  const nlohmann::json& array(std::string_view name) const;
  FieldReader object(std::string_view name) const;
  std::optional<FieldReader> optional_object(std::string_view name) const;
  // Calls fn with a reader of each object of the array (absent or null: none).
  void each_object(std::string_view name, const std::function<void(const FieldReader&)>& fn) const;

  // BadRequest naming the first field present that nobody asked about, with
  // the fields that were.
  void finish() const;
  // finish() as if every field named had been asked about already: a reader's
  // fields declared up front, so that a misspelt one is named before anything
  // else is checked.
  const FieldReader& only(std::initializer_list<std::string_view> names) const;

 private:
  const nlohmann::json* find(std::string_view name) const;
  const nlohmann::json& required(std::string_view name) const;

  const nlohmann::json* object_;
  std::string prefix_;
  mutable std::set<std::string, std::less<>> asked_;
};

}  // namespace vigie::event_manager::web
