// Which handler a method and path go to. Patterns are literal segments and
// {name} parameters ("/api/cameras/{id}/enable"); where two patterns match, the
// one with a literal earlier wins ("/api/cameras/scan" over "/api/cameras/{id}").
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "web/request.h"

namespace vigie::event_manager::web {

class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> parts;  // a literal, or "{name}"
    Handler handler;
    Access access;
  };

  struct Match {
    const Route* route = nullptr;  // set when found
    std::map<std::string, std::string> params;
    // When no route has this method but some match the path: their methods (405).
    std::vector<std::string> allowed;
  };

  // std::invalid_argument for a malformed pattern or method, a repeated
  // parameter name, a pattern that collides with another of the same method, or
  // token_in_query on a method other than GET.
  void add(std::string method, std::string pattern, Handler handler, Access access);

  // segments come from path_segments(). BadRequest (400, naming the parameter)
  // when the route found takes a parameter that is unsafe (unsafe_segment_reason).
  Match match(std::string_view method, const std::vector<std::string>& segments) const;

  // Whether any route's pattern matches these segments, whatever its method.
  bool knows_path(const std::vector<std::string>& segments) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace vigie::event_manager::web
