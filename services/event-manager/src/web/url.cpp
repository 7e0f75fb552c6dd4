#include "web/url.h"

#include <cstdint>

#include <boost/locale/utf.hpp>

#include "web/bad_request.h"

namespace vigie::event_manager::web {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool has_control(std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

// The checks every decoded piece of a target passes; "" when it does.
std::string text_problem(std::string_view decoded) {
  if (decoded.find('\0') != std::string_view::npos) return "holds a NUL character";
  if (has_control(decoded)) return "holds a control character";
  if (!is_valid_utf8(decoded)) return "is not UTF-8";
  return "";
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hex_value(text[i + 1]);
      int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool is_valid_utf8(std::string_view text) {
  namespace utf = boost::locale::utf;
  // decode refuses overlong forms, surrogates and values past U+10FFFF.
  for (auto at = text.begin(); at != text.end();) {
    const utf::code_point code = utf::utf_traits<char>::decode(at, text.end());
    if (code == utf::illegal || code == utf::incomplete) return false;
  }
  return true;
}

std::string unsafe_segment_reason(std::string_view decoded) {
  if (decoded.find('/') != std::string_view::npos) return "holds '/'";
  if (decoded.find('\\') != std::string_view::npos) return "holds '\\'";
  if (decoded.find("..") != std::string_view::npos) return "holds '..'";
  return text_problem(decoded);
}

std::vector<std::string> path_segments(std::string_view path) {
  if (path.empty() || path.front() != '/') throw BadRequest("", "the path must start with '/'");
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (true) {
    std::size_t end = path.find('/', start);
    std::string_view raw = path.substr(start, end == std::string_view::npos ? path.npos : end - start);
    bool last = end == std::string_view::npos;
    if (raw.empty() && !last) throw BadRequest("", "the path holds an empty segment ('//')");
    if (raw.find('\\') != std::string_view::npos) throw BadRequest("", "the path holds '\\'");
    auto decoded = percent_decode(raw, false);
    if (!decoded) throw BadRequest("", "the path holds a malformed %-escape");
    if (*decoded == "." || *decoded == "..") {
      throw BadRequest("", "the path holds a '.' or '..' segment");
    }
    if (auto problem = text_problem(*decoded); !problem.empty()) {
      throw BadRequest("", "the path " + problem);
    }
    segments.push_back(std::move(*decoded));
    if (last) break;
    start = end + 1;
  }
  return segments;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    std::size_t equals = pair.find('=');
    auto key = percent_decode(pair.substr(0, equals), true);
    if (!key) throw BadRequest("", "the query holds a malformed %-escape");
    if (key->empty()) throw BadRequest("", "the query holds a parameter without a name");
    if (auto problem = text_problem(*key); !problem.empty()) {
      throw BadRequest("", "a query parameter's name " + problem);
    }
    auto value = equals == std::string_view::npos ? std::optional<std::string>("")
                                                  : percent_decode(pair.substr(equals + 1), true);
    if (!value) throw BadRequest(*key, "malformed %-escape");
    if (auto problem = text_problem(*value); !problem.empty()) throw BadRequest(*key, problem);
    if (!out.emplace(*key, std::move(*value)).second) {
      throw BadRequest(*key, "query parameter given more than once");
    }
  }
  return out;
}

}  // namespace vigie::event_manager::web
