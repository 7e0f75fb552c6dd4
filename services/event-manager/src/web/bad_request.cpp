#include "web/bad_request.h"

namespace vigie::event_manager::web {

std::string error_code_for(unsigned status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 408:
      return "request_timeout";
    case 409:
      return "conflict";
    case 410:
      return "gone";
    case 412:
      return "precondition_failed";
    case 413:
      return "payload_too_large";
    case 415:
      return "unsupported_media_type";
    case 422:
      return "unprocessable";
    case 426:
      return "upgrade_required";
    case 429:
      return "too_many_requests";
    case 431:
      return "headers_too_large";
    case 500:
      return "internal";
    case 503:
      return "unavailable";
    default:
      return "error";
  }
}

BadRequest::BadRequest(std::string field, const std::string& message, unsigned status)
    : std::runtime_error(field.empty() ? message : field + ": " + message),
      field_(std::move(field)),
      message_(message),
      status_(status),
      code_(error_code_for(status)) {}

BadRequest& BadRequest::with_code(std::string code) {
  code_ = std::move(code);
  return *this;
}

BadRequest& BadRequest::with_header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

BadRequest& BadRequest::with_retry_after(std::chrono::seconds delay) {
  return with_header("Retry-After", std::to_string(delay.count() < 0 ? 0 : delay.count()));
}

}  // namespace vigie::event_manager::web
