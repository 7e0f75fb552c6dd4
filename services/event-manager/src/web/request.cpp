#include "web/request.h"

#include <stdexcept>

#include <boost/algorithm/string/predicate.hpp>

namespace vigie::event_manager::web {

void Headers::add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [field, value] : fields_) {
    if (boost::algorithm::iequals(field, name)) return value;
  }
  return std::nullopt;
}

const std::string& Request::param(std::string_view name) const {
  auto it = params.find(std::string(name));
  if (it == params.end()) {
    throw std::out_of_range("route " + route + " has no path parameter " + std::string(name));
  }
  return it->second;
}

std::optional<std::string> Request::query_value(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

Response& Response::with_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

Response Response::no_content() {
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

}  // namespace vigie::event_manager::web
