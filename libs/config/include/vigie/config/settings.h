// Service configuration: every variable is declared with its type, default and
// meaning, read from the environment and an optional NAME=VALUE file, and checked
// at start. One bad value stops the service with a message naming the variable;
// the same declarations print the --help text.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vigie::config {

struct Variable {
  enum class Kind { text, secret, integer, number, boolean, duration, choice, address };
  std::string name;
  Kind kind = Kind::text;
  std::string help;
  std::optional<std::string> default_value;  // none = required
  double min = 0;
  double max = 0;
  std::vector<std::string> choices;
  // For text and secret: returns "" when the value is acceptable, else what was expected.
  std::function<std::string(const std::string&)> validate;
};

class Settings;

class Spec {
 public:
  Spec(std::string program, std::string summary);

  // An empty default makes the variable optional and empty when unset.
  Spec& text(std::string name, std::optional<std::string> default_value, std::string help,
             std::function<std::string(const std::string&)> validate = {});
  // Like text, but its value is never printed (not in --help, not in errors).
  Spec& secret(std::string name, std::string help, bool required = false,
               std::function<std::string(const std::string&)> validate = {});
  Spec& integer(std::string name, std::optional<int64_t> default_value, int64_t min, int64_t max,
                std::string help);
  Spec& number(std::string name, std::optional<double> default_value, double min, double max,
               std::string help);
  Spec& boolean(std::string name, bool default_value, std::string help);
  // Accepts 250ms, 5s, 2m, 1h or a bare number of milliseconds.
  Spec& duration(std::string name, std::optional<std::chrono::milliseconds> default_value,
                 std::string help);
  Spec& choice(std::string name, std::optional<std::string> default_value,
               std::vector<std::string> choices, std::string help);
  // host:port; port 0 asks the system for a free port.
  Spec& address(std::string name, std::optional<std::string> default_value, std::string help);
  // A command-line switch such as --scan-v4l2 (not read from the environment).
  Spec& flag(std::string name, std::string help);
  // Extra text for --help (examples, notes).
  Spec& note(std::string text);

  // Reads argv (--help, --config FILE), VIGIE_CONFIG_FILE and the environment.
  // --help prints usage and exits 0; any bad value prints every problem, each
  // naming its variable, and exits 2.
  Settings load(int argc, char** argv) const;

  struct Result;
  // The testable core of load(): no printing, no exit.
  Result parse(const std::vector<std::string>& args,
               const std::map<std::string, std::string>& environment) const;

  std::string help_text() const;
  const std::string& program() const { return program_; }

 private:
  Spec& add(Variable v);
  std::string program_;
  std::string summary_;
  std::vector<Variable> variables_;
  std::vector<std::pair<std::string, std::string>> flags_;
  std::vector<std::string> notes_;
};

class Settings {
 public:
  const std::string& text(const std::string& name) const;
  int64_t integer(const std::string& name) const;
  double number(const std::string& name) const;
  bool boolean(const std::string& name) const;
  std::chrono::milliseconds duration(const std::string& name) const;
  bool flag(const std::string& name) const;
  // Where the value came from: "environment", "file PATH" or "default".
  const std::string& source(const std::string& name) const;

 private:
  friend class Spec;
  const std::string& raw(const std::string& name) const;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> sources_;
  std::vector<std::string> flags_;
};

struct Spec::Result {
  Settings settings;
  std::vector<std::string> errors;  // each starts with the variable's name
  bool help = false;
};

// Parses a duration as accepted by Spec::duration; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);

// Reads a NAME=VALUE file (# comments, blank lines, optional quotes); throws
// std::runtime_error naming the file and line on a malformed line.
std::map<std::string, std::string> read_env_file(const std::string& path);

}  // namespace vigie::config
