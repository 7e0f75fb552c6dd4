// What a handler throws to refuse a request: the server answers it as JSON
// {"error": code, "message": message, "field": field}. A 400 by default; any
// 4xx (403, 404, 409, 429 ...) or a 503 when the refusal is something else.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace vigie::event_manager::web {

// The error code an answer with this status carries: "bad_request",
// "unauthorized", "not_found", "payload_too_large" ... ("error" if unlisted).
std::string error_code_for(unsigned status);

class BadRequest : public std::runtime_error {
 public:
  // field names the input at fault as the API spells it ("latitude",
  // "analysis_stream.url", a path parameter or query key), or "" for the
  // request as a whole. message is for a human and must not repeat a secret.
  BadRequest(std::string field, const std::string& message, unsigned status = 400);

  unsigned status() const { return status_; }
  const std::string& field() const { return field_; }
  const std::string& message() const { return message_; }
  // "bad_request", "not_found", "conflict" ... from the status unless set.
  const std::string& code() const { return code_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

  BadRequest& with_code(std::string code);
  BadRequest& with_header(std::string name, std::string value);
  // Retry-After, in seconds (for 429 and 503).
  BadRequest& with_retry_after(std::chrono::seconds delay);

 private:
  std::string field_;
  std::string message_;
  unsigned status_;
  std::string code_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace vigie::event_manager::web
