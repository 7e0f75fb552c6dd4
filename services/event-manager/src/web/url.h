// The parts of a request target, decoded strictly. A path is never normalised:
// one that is not already in normal form is refused, so what a route or the
// static files see is exactly what the client sent.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::event_manager::web {

// Decodes %XX escapes (and '+' as a space when plus_as_space, for query
// strings); nullopt when an escape is malformed.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space);

bool is_valid_utf8(std::string_view text);

// Why a decoded path segment must not name anything (it holds '/', '\', "..",
// NUL or another control character, or is not UTF-8), or "" when it is safe.
std::string unsafe_segment_reason(std::string_view decoded);

// The decoded segments of a path: "/a/b%20c" → {"a", "b c"}; "/" → {""}; a
// trailing slash keeps an empty last segment. BadRequest (400) for a path that
// does not start with '/', holds an empty segment ("//"), a "." or ".."
// segment (encoded or not), a backslash, a malformed escape, NUL or a control
// character, or is not UTF-8.
std::vector<std::string> path_segments(std::string_view path);

// "a=1&b=x+y" → {a: "1", b: "x y"}. BadRequest naming the key for a malformed
// escape, an empty key, a control character, text that is not UTF-8, or a key
// given twice (refused rather than guessing which one was meant).
std::map<std::string, std::string> parse_query(std::string_view query);

}  // namespace vigie::event_manager::web
