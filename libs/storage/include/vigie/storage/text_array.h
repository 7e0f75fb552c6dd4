// text[] values in statement parameters and results. libpqxx 6 has no conversion
// for them, and building the array in SQL text would be string concatenation
// into a query; these build and read PostgreSQL's array literal instead, passed
// as a parameter and cast ($1::text[]).
#pragma once

#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace vigie::storage {

// {"a","b \"quoted\""}: every element quoted, quotes and backslashes escaped.
std::string text_array_literal(const std::vector<std::string>& values);

// The elements of a one-dimensional text[] field; throws std::invalid_argument on a
// NULL element or a nested array, which Vigie's columns never hold.
std::vector<std::string> read_text_array(const pqxx::field& field);

}  // namespace vigie::storage
