// Structured logs: one JSON object per line on stderr, with the time, level,
// service and message first, then the fields of the event (camera id, topic ...).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vigie::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

using Value = std::variant<std::string, std::string_view, const char*, int64_t, uint64_t, int,
                           unsigned, double, bool>;
using Field = std::pair<std::string_view, Value>;
using Fields = std::initializer_list<Field>;

// Sets the service name written on every line and the lowest level written.
void init(std::string service, Level min_level);
// Parses debug|info|warn|error.
bool parse_level(std::string_view text, Level& out);

void write(Level level, std::string_view message, Fields fields = {});
inline void debug(std::string_view m, Fields f = {}) { write(Level::debug, m, f); }
inline void info(std::string_view m, Fields f = {}) { write(Level::info, m, f); }
inline void warn(std::string_view m, Fields f = {}) { write(Level::warn, m, f); }
inline void error(std::string_view m, Fields f = {}) { write(Level::error, m, f); }

// The line write() would print, without the time stamp (for tests).
std::string format(Level level, std::string_view message, Fields fields);

// Removes credentials from a URL (user:password@ → ***@, password= and token=
// query values → ***), so a URL can be logged or reported.
std::string redact_url(std::string_view url);

}  // namespace vigie::log
