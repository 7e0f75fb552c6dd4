#include "vigie/storage/sql_script.h"

#include <algorithm>
#include <cctype>

namespace vigie::storage {
namespace {

bool identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

class Scanner {
 public:
  explicit Scanner(std::string_view script) : s_(script) {}

  std::vector<SqlStatement> split() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\n') {
        ++line_;
        ++i_;
      } else if (starts_with("--")) {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (starts_with("/*")) {
        skip_block_comment();
      } else if (c == ';') {
        finish(i_);
        ++i_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++i_;
      } else {
        begin_token();
        if (c == '\'') {
          skip_string(escape_string_prefix());
        } else if (c == '"') {
          skip_quoted('"');
        } else if (c == '$' && dollar_tag_length() > 0) {
          skip_dollar_quoted(dollar_tag_length());
        } else {
          ++i_;
        }
      }
    }
    finish(s_.size());
    return std::move(out_);
  }

 private:
  bool starts_with(std::string_view token) const { return s_.substr(i_).starts_with(token); }

  void begin_token() {
    if (in_statement_) return;
    in_statement_ = true;
    begin_ = i_;
    begin_line_ = line_;
  }

  void finish(size_t end) {
    if (!in_statement_) return;
    size_t last = end;
    while (last > begin_ && std::isspace(static_cast<unsigned char>(s_[last - 1]))) --last;
    out_.push_back({std::string(s_.substr(begin_, last - begin_)), begin_line_});
    in_statement_ = false;
  }

  // Advances over s_[i_..i_+n), counting the lines it crosses.
  void advance(size_t n) {
    for (size_t end = std::min(i_ + n, s_.size()); i_ < end; ++i_)
      if (s_[i_] == '\n') ++line_;
  }

  // Block comments nest in PostgreSQL, unlike in the SQL standard.
  void skip_block_comment() {
    int depth = 0;
    while (i_ < s_.size()) {
      if (starts_with("/*")) {
        ++depth;
        i_ += 2;
      } else if (starts_with("*/")) {
        i_ += 2;
        if (--depth == 0) return;
      } else {
        advance(1);
      }
    }
  }

  // E'...' (or e'...') takes backslash escapes; the E must stand alone, not end a word.
  bool escape_string_prefix() const {
    return i_ >= 1 && (s_[i_ - 1] == 'E' || s_[i_ - 1] == 'e') &&
           (i_ < 2 || !identifier_char(s_[i_ - 2]));
  }

  void skip_string(bool backslash_escapes) {
    ++i_;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (backslash_escapes && c == '\\') {
        advance(2);
      } else if (c == '\'') {
        ++i_;
        if (i_ < s_.size() && s_[i_] == '\'') ++i_;  // '' is a quote inside the string
        else return;
      } else {
        advance(1);
      }
    }
  }

  void skip_quoted(char quote) {
    ++i_;
    while (i_ < s_.size()) {
      if (s_[i_] == quote) {
        ++i_;
        if (i_ < s_.size() && s_[i_] == quote) ++i_;
        else return;
      } else {
        advance(1);
      }
    }
  }

  // Length of a $tag$ opening at i_ (0 if none). $1 is a parameter, and a $
  // inside an identifier (a$b) opens nothing.
  size_t dollar_tag_length() const {
    if (i_ > 0 && identifier_char(s_[i_ - 1])) return 0;
    size_t j = i_ + 1;
    if (j < s_.size() && std::isdigit(static_cast<unsigned char>(s_[j]))) return 0;
    while (j < s_.size() && s_[j] != '$') {
      if (!identifier_char(s_[j])) return 0;
      ++j;
    }
    return j < s_.size() ? j - i_ + 1 : 0;
  }

  void skip_dollar_quoted(size_t tag_length) {
    const std::string_view tag = s_.substr(i_, tag_length);
    i_ += tag_length;
    const size_t close = s_.find(tag, i_);
    advance(close == std::string_view::npos ? s_.size() - i_ : close - i_ + tag_length);
  }

  std::string_view s_;
  size_t i_ = 0;
  int line_ = 1;
  bool in_statement_ = false;
  size_t begin_ = 0;
  int begin_line_ = 0;
  std::vector<SqlStatement> out_;
};

}  // namespace

std::vector<SqlStatement> split_sql(std::string_view script) { return Scanner(script).split(); }

}  // namespace vigie::storage
