#include "api_test_client.h"

namespace vigie::testing {

ApiAnswer ApiClient::call(const std::string& method, const std::string& path, const std::string& body,
                          const std::string& content_type) const {
  std::vector<std::string> headers = {"Content-Type: " + content_type};
  if (!token_.empty()) headers.push_back("Authorization: Bearer " + token_);
  ApiAnswer answer;
  answer.raw = http_request(method, base_ + path, body, 10'000, headers);
  answer.status = answer.raw.status;
  answer.json = nlohmann::json::parse(answer.raw.body, nullptr, false);
  if (answer.json.is_discarded()) answer.json = nullptr;
  return answer;
}

ApiAnswer ApiClient::login(const std::string& user, const std::string& password) {
  token_.clear();
  auto answer = post("/api/auth/login", {{"username", user}, {"password", password}});
  if (answer.status == 200) token_ = answer.json.at("token").get<std::string>();
  return answer;
}

}  // namespace vigie::testing
