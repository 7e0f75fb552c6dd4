#include "av_log_bridge.h"

#include <cctype>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <utility>

extern "C" {
#include <libavutil/log.h>
}

#include "vigie/log/log.h"

namespace vigie::ingest {
namespace {

using Clock = std::chrono::steady_clock;

struct Tags {
  std::mutex mutex;
  std::unordered_map<const void*, std::string> sources;
};

Tags& tags() {
  static Tags t;
  return t;
}

// One source's (or untagged component's) share of the limit.
struct Budget {
  Clock::time_point window_start;
  int lines = 0;
  uint64_t held_back = 0;
  std::string component;  // of the latest line held back, for the report
};

struct Limiter {
  std::mutex mutex;
  AvLogLimit limit;
  std::unordered_map<std::string, Budget> budgets;
};

Limiter& limiter() {
  static Limiter l;
  return l;
}

void report_held_back(const std::string& key, bool tagged, const Budget& budget, const AvLogLimit& limit) {
  const std::string window =
      std::to_string(limit.lines) + " lines per " + std::to_string(limit.window.count()) + " ms";
  if (tagged) {
    log::warn("ffmpeg lines held back by the log limit", {{"component", budget.component},
                                                           {"source", key},
                                                           {"held_back", budget.held_back},
                                                           {"limit", window}});
  } else {
    log::warn("ffmpeg lines held back by the log limit",
              {{"component", key}, {"held_back", budget.held_back}, {"limit", window}});
  }
}

// Whether a line of key may be logged now; reports what an ended window held back.
bool admit(const std::string& key, bool tagged, const char* component) {
  Budget ended;
  AvLogLimit limit;
  bool admitted = false;
  {
    std::lock_guard lock(limiter().mutex);
    limit = limiter().limit;
    const Clock::time_point now = Clock::now();
    auto [it, fresh] = limiter().budgets.try_emplace(key);
    Budget& budget = it->second;
    if (fresh) budget.window_start = now;
    if (now - budget.window_start >= limit.window) {
      ended = std::exchange(budget, Budget{});
      budget.window_start = now;
    }
    admitted = budget.lines < limit.lines;
    if (admitted) {
      ++budget.lines;
    } else {
      ++budget.held_back;
      budget.component = component;
    }
  }
  if (ended.held_back > 0) report_held_back(key, tagged, ended, limit);
  return admitted;
}

bool is_scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

// Where a URL written inside a log line stops.
bool ends_url(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '<' ||
         c == '>';
}

// Every URL in text with its credentials removed.
std::string redact_urls_in(std::string_view text) {
  std::string out;
  size_t copied = 0;
  size_t separator = text.find("://");
  while (separator != std::string_view::npos) {
    size_t start = separator;
    while (start > copied && is_scheme_char(text[start - 1])) --start;
    size_t end = separator + 3;
    while (end < text.size() && !ends_url(text[end])) ++end;
    out.append(text.substr(copied, start - copied));
    out += log::redact_url(text.substr(start, end - start));
    copied = end;
    separator = text.find("://", end);
  }
  out.append(text.substr(copied));
  return out;
}

void forward(void* context, int level, const char* format, va_list args) {
  // Called for every level, trace included: filter before paying for formatting.
  // The bits above the level are a colour hint for terminals.
  level &= 0xff;
  if (level > AV_LOG_WARNING) return;

  // Every FFmpeg object that logs starts with its AVClass, which names it (the
  // demuxer "rtsp", the decoder "h264" ...).
  const char* component = "ffmpeg";
  if (context != nullptr) {
    const AVClass* av_class = *static_cast<const AVClass* const*>(context);
    if (av_class != nullptr && av_class->item_name != nullptr) {
      component = av_class->item_name(context);
    }
  }
  std::string source;
  {
    std::lock_guard lock(tags().mutex);
    auto found = tags().sources.find(context);
    if (found != tags().sources.end()) source = found->second;
  }
  if (!admit(source.empty() ? component : source, !source.empty(), component)) return;

  // Formatted whole: a line cut short could end inside a URL's credentials, before
  // the '@' that redaction looks for.
  va_list again;
  va_copy(again, args);
  char small[512];
  const int length = std::vsnprintf(small, sizeof small, format, args);
  std::string whole;
  if (length >= static_cast<int>(sizeof small)) {
    whole.resize(static_cast<size_t>(length) + 1);
    std::vsnprintf(whole.data(), whole.size(), format, again);
    whole.resize(static_cast<size_t>(length));
  }
  va_end(again);
  if (length <= 0) return;
  std::string_view text =
      whole.empty() ? std::string_view(small, static_cast<size_t>(length)) : whole;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  if (text.empty()) return;

  const log::Level mapped = level <= AV_LOG_ERROR ? log::Level::error : log::Level::warn;
  const std::string message = redact_urls_in(text);
  if (source.empty()) {
    log::write(mapped, message, {{"component", component}});
  } else {
    log::write(mapped, message, {{"component", component}, {"source", source}});
  }
}

}  // namespace

void install_av_log_bridge() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(forward); });
}

AvLogTag::AvLogTag(const void* context, std::string source) : context_(context) {
  std::lock_guard lock(tags().mutex);
  tags().sources[context_] = std::move(source);
}

void set_av_log_limit(AvLogLimit limit) {
  std::lock_guard lock(limiter().mutex);
  limiter().limit = limit;
}

AvLogTag::~AvLogTag() {
  std::string source;
  {
    std::lock_guard lock(tags().mutex);
    auto found = tags().sources.find(context_);
    if (found == tags().sources.end()) return;
    source = std::move(found->second);
    tags().sources.erase(found);
  }
  Budget budget;
  AvLogLimit limit;
  {
    std::lock_guard lock(limiter().mutex);
    limit = limiter().limit;
    auto found = limiter().budgets.find(source);
    if (found == limiter().budgets.end()) return;
    budget = std::move(found->second);
    limiter().budgets.erase(found);
  }
  if (budget.held_back > 0) report_held_back(source, true, budget, limit);
}

}  // namespace vigie::ingest
