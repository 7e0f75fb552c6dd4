// GET /api/v4l2: the V4L2 capture devices each ingest instance sees on its own
// machine (ingest's admin endpoint /v4l2), so an administrator can pick one
// when adding a camera. An instance that does not answer is named with why.
#include <curl/curl.h>

#include "access.h"
#include "routes.h"
#include "web/json_body.h"

namespace vigie::event_manager::api {
namespace {

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};

size_t append(char* data, size_t size, size_t count, void* out) {
  auto& body = *static_cast<std::string*>(out);
  // A device list is a few kilobytes: more is not an ingest answering.
  if (body.size() + size * count > 1 << 20) return 0;
  body.append(data, size * count);
  return size * count;
}

nlohmann::json ask(const std::string& admin_url) {
  nlohmann::json out = {{"ingest", admin_url}, {"devices", nlohmann::json::array()}};
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  std::string body;
  const std::string url = admin_url + "/v4l2";
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 3000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  const CURLcode code = curl_easy_perform(curl.get());
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (code != CURLE_OK) {
    out["error"] = curl_easy_strerror(code);
  } else if (status != 200) {
    out["error"] = "answered HTTP " + std::to_string(status);
  } else {
    auto devices = nlohmann::json::parse(body, nullptr, false);
    if (devices.is_array())
      out["devices"] = std::move(devices);
    else
      out["error"] = "answered something that is not a list of devices";
  }
  return out;
}

}  // namespace

void add_v4l2_routes(web::HttpServer& server, ApiServices& services) {
  server.route(
      "GET", "/api/v4l2",
      [&services](web::Request&) {
        nlohmann::json instances = nlohmann::json::array();
        for (const auto& url : services.ingest_admin_urls) instances.push_back(ask(url));
        return web::json_response(200, {{"instances", std::move(instances)}});
      },
      needs(auth::Role::admin));
}

}  // namespace vigie::event_manager::api
