#include "vigie/log/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <cctype>

#include <nlohmann/json.hpp>

namespace vigie::log {
namespace {

struct State {
  std::mutex mutex;
  std::string service = "vigie";
  Level min_level = Level::info;
};

State& state() {
  static State s;
  return s;
}

const char* level_name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

nlohmann::ordered_json to_json(const Value& v) {
  return std::visit(
      [](auto&& x) -> nlohmann::ordered_json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string_view>) return std::string(x);
        else if constexpr (std::is_same_v<T, const char*>) return std::string(x ? x : "");
        else return x;
      },
      v);
}

std::string now_iso8601() {
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms.count()));
  return buf;
}

std::string render(const std::string* ts, Level level, std::string_view message, Fields fields,
                   const std::string& service) {
  nlohmann::ordered_json j;
  if (ts) j["ts"] = *ts;
  j["level"] = level_name(level);
  j["service"] = service;
  j["msg"] = std::string(message);
  for (auto& [k, v] : fields) j[std::string(k)] = to_json(v);
  // Replace invalid UTF-8 rather than throw: a log line must never take a service down.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void init(std::string service, Level min_level) {
  std::lock_guard lock(state().mutex);
  state().service = std::move(service);
  state().min_level = min_level;
}

bool parse_level(std::string_view text, Level& out) {
  for (Level l : {Level::debug, Level::info, Level::warn, Level::error}) {
    if (text == level_name(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

std::string format(Level level, std::string_view message, Fields fields) {
  std::lock_guard lock(state().mutex);
  return render(nullptr, level, message, fields, state().service);
}

void write(Level level, std::string_view message, Fields fields) {
  auto& s = state();
  if (level < s.min_level) return;
  std::string ts = now_iso8601();
  std::lock_guard lock(s.mutex);
  std::string line = render(&ts, level, message, fields, s.service);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

std::string redact_url(std::string_view url) {
  std::string s(url);
  auto scheme = s.find("://");
  if (scheme != std::string::npos) {
    auto host_start = scheme + 3;
    auto authority_end = s.find_first_of("/?#", host_start);
    if (authority_end == std::string::npos) authority_end = s.size();
    auto at = s.rfind('@', authority_end - 1);
    if (at != std::string::npos && at >= host_start) s.replace(host_start, at - host_start, "***");
  }
  static const char* const secret_keys[] = {"password", "passwd", "pwd", "token", "key", "secret", "auth"};
  auto query = s.find('?');
  if (query == std::string::npos) return s;
  auto pos = query + 1;
  while (pos < s.size()) {
    auto end = s.find_first_of("&;#", pos);
    if (end == std::string::npos) end = s.size();
    auto eq = s.find('=', pos);
    if (eq != std::string::npos && eq < end) {
      std::string key = s.substr(pos, eq - pos);
      for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (const char* secret : secret_keys) {
        if (key == secret) {
          s.replace(eq + 1, end - eq - 1, "***");
          end = eq + 4;
          break;
        }
      }
    }
    if (end < s.size() && s[end] == '#') break;
    pos = end + 1;
  }
  return s;
}

}  // namespace vigie::log
