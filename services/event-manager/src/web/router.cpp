#include "web/router.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include "web/bad_request.h"
#include "web/url.h"

namespace vigie::event_manager::web {
namespace {

bool is_parameter(const std::string& part) { return part.size() > 2 && part.front() == '{' && part.back() == '}'; }

bool valid_name(std::string_view name) {
  if (name.empty() || !(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool shape_matches(const std::vector<std::string>& parts, const std::vector<std::string>& segments) {
  if (parts.size() != segments.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!is_parameter(parts[i]) && parts[i] != segments[i]) return false;
    if (is_parameter(parts[i]) && segments[i].empty()) return false;
  }
  return true;
}

// Literal segments beat parameters, earliest first.
std::vector<bool> specificity(const std::vector<std::string>& parts) {
  std::vector<bool> key;
  for (const auto& part : parts) key.push_back(!is_parameter(part));
  return key;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, Access access) {
  static const std::set<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  if (!kMethods.count(method)) {
    throw std::invalid_argument("route " + pattern + ": unsupported method '" + method + "'");
  }
  if (access.token_in_query && method != "GET") {
    throw std::invalid_argument("route " + method + " " + pattern + ": a token in the query is for GET routes only");
  }
  if (!handler) throw std::invalid_argument("route " + method + " " + pattern + ": no handler");
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern '" + pattern + "' must start with '/'");
  }
  Route route{method, pattern, {}, std::move(handler), access};
  std::set<std::string> names;
  std::size_t start = 1;
  while (true) {
    std::size_t end = pattern.find('/', start);
    std::string part = pattern.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (is_parameter(part)) {
      std::string name = part.substr(1, part.size() - 2);
      if (!valid_name(name)) {
        throw std::invalid_argument("route pattern '" + pattern + "': bad parameter name '" + name + "'");
      }
      if (!names.insert(name).second) {
        throw std::invalid_argument("route pattern '" + pattern + "' repeats parameter " + name);
      }
    } else if (part.find_first_of("{}%") != std::string::npos || (part.empty() && end != std::string::npos) ||
               part == "." || part == "..") {
      throw std::invalid_argument("route pattern '" + pattern + "': bad segment '" + part + "'");
    }
    route.parts.push_back(std::move(part));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  for (const Route& other : routes_) {
    if (other.method != route.method || other.parts.size() != route.parts.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < route.parts.size() && same; ++i) {
      bool both_parameters = is_parameter(other.parts[i]) && is_parameter(route.parts[i]);
      same = both_parameters || other.parts[i] == route.parts[i];
    }
    if (same) {
      throw std::invalid_argument("route " + method + " " + pattern + " collides with " + other.pattern);
    }
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::match(std::string_view method, const std::vector<std::string>& segments) const {
  Match match;
  std::vector<bool> best;
  for (const Route& route : routes_) {
    if (!shape_matches(route.parts, segments)) continue;
    if (route.method != method) {
      if (std::find(match.allowed.begin(), match.allowed.end(), route.method) == match.allowed.end()) {
        match.allowed.push_back(route.method);
      }
      continue;
    }
    auto key = specificity(route.parts);
    if (!match.route || key > best) {
      match.route = &route;
      best = std::move(key);
    }
  }
  if (!match.route) return match;
  match.allowed.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& part = match.route->parts[i];
    if (!is_parameter(part)) continue;
    std::string name = part.substr(1, part.size() - 2);
    if (auto reason = unsafe_segment_reason(segments[i]); !reason.empty()) {
      throw BadRequest(name, "path parameter " + reason);
    }
    match.params[name] = segments[i];
  }
  return match;
}

bool Router::knows_path(const std::vector<std::string>& segments) const {
  return std::any_of(routes_.begin(), routes_.end(),
                     [&](const Route& route) { return shape_matches(route.parts, segments); });
}

}  // namespace vigie::event_manager::web
