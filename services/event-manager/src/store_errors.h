// What the camera and analysis stores refuse, in terms the REST layer maps to
// status codes: ValidationError 400, NotFound 404, Conflict 409.
#pragma once

#include <stdexcept>
#include <string>

namespace vigie::event_manager {

// A value the caller gave is wrong. field names it as the API spells it
// ("latitude", "analysis_stream.url", "motion.masks[2]"); message says what is
// expected, without repeating a secret.
class ValidationError : public std::invalid_argument {
 public:
  ValidationError(std::string field, const std::string& message)
      : std::invalid_argument(field + ": " + message), field_(std::move(field)), message_(message) {}
  const std::string& field() const { return field_; }
  const std::string& message() const { return message_; }

 private:
  std::string field_;
  std::string message_;
};

// The camera or analysis named does not exist.
class NotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The change contradicts what is stored: a name already taken, an analysis still in use.
class Conflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace vigie::event_manager
