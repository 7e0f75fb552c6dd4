#include "vigie/storage/text_array.h"

#include <stdexcept>

#include <pqxx/pqxx>

namespace vigie::storage {

std::string text_array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::vector<std::string> read_text_array(const pqxx::field& field) {
  const auto refuse = [&field](const char* what) {
    return std::invalid_argument(std::string("column ") + field.name() + ": " + what);
  };
  if (field.is_null()) throw refuse("NULL array");
  std::vector<std::string> out;
  pqxx::array_parser parser = field.as_array();
  int depth = 0;
  while (true) {
    auto [juncture, value] = parser.get_next();
    switch (juncture) {
      case pqxx::array_parser::done:
        return out;
      case pqxx::array_parser::row_start:
        if (++depth > 1) throw refuse("nested array");
        break;
      case pqxx::array_parser::row_end:
        --depth;
        break;
      case pqxx::array_parser::null_value:
        throw refuse("NULL array element");
      case pqxx::array_parser::string_value:
        out.push_back(std::move(value));
        break;
    }
  }
}

}  // namespace vigie::storage
