// Calls the event manager's REST API as a browser would: JSON in and out, a
// bearer token once logged in.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "http_client.h"

namespace vigie::testing {

struct ApiAnswer {
  long status = 0;
  nlohmann::json json;  // null when the body is not JSON
  HttpResult raw;
};

class ApiClient {
 public:
  explicit ApiClient(std::string base_url) : base_(std::move(base_url)) {}

  // Logs in and keeps the token; returns the login's answer.
  ApiAnswer login(const std::string& user, const std::string& password);
  void set_token(std::string token) { token_ = std::move(token); }
  const std::string& token() const { return token_; }

  ApiAnswer get(const std::string& path) const { return call("GET", path, ""); }
  ApiAnswer post(const std::string& path, const nlohmann::json& body) const { return call("POST", path, body.dump()); }
  ApiAnswer put(const std::string& path, const nlohmann::json& body) const { return call("PUT", path, body.dump()); }
  ApiAnswer patch(const std::string& path, const nlohmann::json& body) const {
    return call("PATCH", path, body.dump());
  }
  ApiAnswer del(const std::string& path) const { return call("DELETE", path, ""); }
  // A raw body and content type, for what a well-behaved client never sends.
  ApiAnswer call(const std::string& method, const std::string& path, const std::string& body,
                 const std::string& content_type = "application/json") const;

  const std::string& base_url() const { return base_; }

 private:
  std::string base_;
  std::string token_;
};

}  // namespace vigie::testing
