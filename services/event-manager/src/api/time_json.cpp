#include "time_json.h"

#include <cstdio>
#include <ctime>

#include "store_errors.h"

namespace vigie::event_manager::api {

std::string rfc3339(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto millis = duration_cast<milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(millis >= 0 ? millis / 1000 : (millis - 999) / 1000);
  const long fraction = static_cast<long>(millis - static_cast<int64_t>(seconds) * 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  // Room for any int the compiler cannot rule out (-Wformat-truncation at -O3).
  char text[128];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, fraction);
  return text;
}

nlohmann::json rfc3339(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return nullptr;
  return rfc3339(std::chrono::system_clock::time_point(std::chrono::seconds(time.seconds()) +
                                                       std::chrono::nanoseconds(time.nanos())));
}

namespace {

// Reads count digits at text[at]; -1 when they are not all digits.
int digits(const std::string& text, size_t at, size_t count) {
  if (at + count > text.size()) return -1;
  int value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::chrono::system_clock::time_point parse_rfc3339(const std::string& field, const std::string& text) {
  const auto refuse = [&]() -> std::chrono::system_clock::time_point {
    throw ValidationError(field, "must be an RFC 3339 time such as 2026-11-21T14:05:00Z");
  };
  // YYYY-MM-DDTHH:MM:SS
  if (text.size() < 20 || text.size() > 64 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' || text[16] != ':') {
    return refuse();
  }
  std::tm parts{};
  const int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  const int hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 ||
      minute > 59 || second < 0 || second > 60) {
    return refuse();
  }
  parts.tm_year = year - 1900;
  parts.tm_mon = month - 1;
  parts.tm_mday = day;
  parts.tm_hour = hour;
  parts.tm_min = minute;
  parts.tm_sec = second;
  std::time_t seconds = timegm(&parts);
  // timegm normalises 31 February into March: a changed day means no such date.
  if (parts.tm_mday != day || parts.tm_mon != month - 1) return refuse();

  size_t at = 19;
  int64_t nanos = 0;
  if (text[at] == '.') {
    int64_t scale = 100'000'000;
    ++at;
    const size_t first = at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (at - first < 9) nanos += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == first) return refuse();
  }
  const bool utc = at + 1 == text.size() && (text[at] == 'Z' || text[at] == 'z');
  if (!utc) {
    if (at + 6 != text.size() || (text[at] != '+' && text[at] != '-') || text[at + 3] != ':') return refuse();
    const int offset_hours = digits(text, at + 1, 2), offset_minutes = digits(text, at + 4, 2);
    if (offset_hours < 0 || offset_hours > 23 || offset_minutes < 0 || offset_minutes > 59) return refuse();
    const long offset = offset_hours * 3600L + offset_minutes * 60L;
    seconds -= text[at] == '+' ? offset : -offset;
  }
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::seconds(seconds) + std::chrono::nanoseconds(nanos)));
}

}  // namespace vigie::event_manager::api
