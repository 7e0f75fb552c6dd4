#include "event_manager_process.h"

#include <filesystem>

#include "service_process.h"
#include "vigie/crypto/fernet.h"

namespace vigie::testing {

using namespace std::chrono_literals;

EventManagerProcess::EventManagerProcess(const BrokerFixture& broker, const std::string& database_url,
                                         std::map<std::string, std::string> extra)
    : dir_("vigie-em") {
  env_ = {{"VIGIE_KAFKA_BOOTSTRAP", broker.bootstrap()},
          {"VIGIE_DATABASE_URL", database_url},
          {"VIGIE_FERNET_KEY", crypto::Fernet::generate_key()},
          {"VIGIE_ADMIN_ADDR", "127.0.0.1:0"},
          {"VIGIE_ADMIN_URL_FILE", dir_.path() + "/admin.url"},
          {"VIGIE_HTTP_ADDR", "127.0.0.1:0"},
          {"VIGIE_HTTP_URL_FILE", dir_.path() + "/http.url"},
          {"VIGIE_FIRST_ADMIN_PASSWORD_FILE", dir_.path() + "/admin-password"}};
  for (auto& [k, v] : extra) env_[k] = v;
  restart();
}

void EventManagerProcess::restart() {
  std::filesystem::remove(dir_.path() + "/admin.url");
  std::filesystem::remove(dir_.path() + "/http.url");
  process_.reset();
  process_ = std::make_unique<Process>(
      Process::Options{{binary_path("vigie-event-manager")}, env_, dir_.path() + "/log", {}});
}

std::string EventManagerProcess::admin_url() { return wait_for_url_file(dir_.path() + "/admin.url", 30s); }
std::string EventManagerProcess::api_url() { return wait_for_url_file(dir_.path() + "/http.url", 30s); }

std::string EventManagerProcess::first_admin_password() const {
  std::string password = read_file(dir_.path() + "/admin-password");
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  return password;
}

std::string EventManagerProcess::log() const { return read_file(dir_.path() + "/log"); }

}  // namespace vigie::testing
