#include "vigie/config/settings.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace vigie::config {
namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::optional<int64_t> parse_int(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> parse_double(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(const std::string& s) {
  std::string l = s;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
  if (l == "1" || l == "true" || l == "yes" || l == "on") return true;
  if (l == "0" || l == "false" || l == "no" || l == "off") return false;
  return std::nullopt;
}

bool valid_address(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  auto port = parse_int(s.substr(colon + 1));
  return port && *port >= 0 && *port <= 65535;
}

std::string format_number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

std::string expectation(const Variable& v) {
  using K = Variable::Kind;
  switch (v.kind) {
    case K::text:
    case K::secret:
      return v.default_value && v.default_value->empty() ? "any text" : "a non-empty value";
    case K::integer:
      return "an integer from " + format_number(v.min) + " to " + format_number(v.max);
    case K::number:
      return "a number from " + format_number(v.min) + " to " + format_number(v.max);
    case K::boolean:
      return "true or false";
    case K::duration:
      return "a duration such as 500ms, 5s, 2m or 1h";
    case K::address:
      return "host:port (port 0 to 65535)";
    case K::choice: {
      std::string s = "one of";
      for (auto& c : v.choices) s += " " + c;
      return s;
    }
  }
  return {};
}

// Checks a raw value; returns the normalised value or an error text.
std::optional<std::string> check(const Variable& v, const std::string& value, std::string& error) {
  using K = Variable::Kind;
  auto fail = [&]() -> std::optional<std::string> {
    error = v.name + ": expected " + expectation(v) +
            (v.kind == K::secret ? "" : ", got '" + value + "'");
    return std::nullopt;
  };
  switch (v.kind) {
    case K::text:
      if (v.validate) {
        std::string expected = v.validate(value);
        if (!expected.empty()) {
          error = v.name + ": expected " + expected + ", got '" + value + "'";
          return std::nullopt;
        }
      }
      if (value.empty() && v.default_value && !v.default_value->empty()) return fail();
      return value;
    case K::secret:
      if (value.empty()) return fail();
      if (v.validate) {
        std::string expected = v.validate(value);
        if (!expected.empty()) {
          error = v.name + ": expected " + expected;
          return std::nullopt;
        }
      }
      return value;
    case K::integer: {
      auto i = parse_int(value);
      if (!i || *i < v.min || *i > v.max) return fail();
      return std::to_string(*i);
    }
    case K::number: {
      auto d = parse_double(value);
      if (!d || *d < v.min || *d > v.max) return fail();
      return value;
    }
    case K::boolean: {
      auto b = parse_bool(value);
      if (!b) return fail();
      return *b ? "true" : "false";
    }
    case K::duration: {
      auto d = parse_duration(value);
      if (!d) return fail();
      return std::to_string(d->count());
    }
    case K::choice:
      if (std::find(v.choices.begin(), v.choices.end(), value) == v.choices.end()) return fail();
      return value;
    case K::address:
      if (!valid_address(value)) return fail();
      return value;
  }
  return fail();
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  std::string s = trim(text);
  size_t unit_at = s.find_first_not_of("0123456789");
  auto number = parse_int(s.substr(0, unit_at));
  if (!number || *number < 0) return std::nullopt;
  std::string unit = unit_at == std::string::npos ? "" : s.substr(unit_at);
  int64_t factor = 0;
  if (unit.empty() || unit == "ms") factor = 1;
  else if (unit == "s") factor = 1000;
  else if (unit == "m") factor = 60'000;
  else if (unit == "h") factor = 3'600'000;
  else return std::nullopt;
  return std::chrono::milliseconds(*number * factor);
}

std::map<std::string, std::string> read_env_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read configuration file " + path);
  std::map<std::string, std::string> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t.rfind("export ", 0) == 0) t = trim(t.substr(7));
    auto eq = t.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::runtime_error(path + ":" + std::to_string(number) + ": expected NAME=VALUE");
    std::string value = trim(t.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    out[trim(t.substr(0, eq))] = value;
  }
  return out;
}

Spec::Spec(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

Spec& Spec::add(Variable v) {
  auto same = [&](const Variable& o) { return o.name == v.name; };
  if (std::any_of(variables_.begin(), variables_.end(), same))
    throw std::logic_error("configuration variable declared twice: " + v.name);
  variables_.push_back(std::move(v));
  return *this;
}

Spec& Spec::text(std::string name, std::optional<std::string> def, std::string help,
                 std::function<std::string(const std::string&)> validate) {
  return add({std::move(name), Variable::Kind::text, std::move(help), std::move(def), 0, 0, {},
              std::move(validate)});
}

Spec& Spec::secret(std::string name, std::string help, bool required,
                   std::function<std::string(const std::string&)> validate) {
  return add({std::move(name), Variable::Kind::secret, std::move(help),
              required ? std::nullopt : std::optional<std::string>(""), 0, 0, {},
              std::move(validate)});
}

Spec& Spec::integer(std::string name, std::optional<int64_t> def, int64_t min, int64_t max,
                    std::string help) {
  return add({std::move(name), Variable::Kind::integer, std::move(help),
              def ? std::optional<std::string>(std::to_string(*def)) : std::nullopt,
              static_cast<double>(min), static_cast<double>(max), {}, {}});
}

Spec& Spec::number(std::string name, std::optional<double> def, double min, double max,
                   std::string help) {
  return add({std::move(name), Variable::Kind::number, std::move(help),
              def ? std::optional<std::string>(format_number(*def)) : std::nullopt, min, max, {}, {}});
}

Spec& Spec::boolean(std::string name, bool def, std::string help) {
  return add({std::move(name), Variable::Kind::boolean, std::move(help),
              std::string(def ? "true" : "false"), 0, 0, {}, {}});
}

Spec& Spec::duration(std::string name, std::optional<std::chrono::milliseconds> def,
                     std::string help) {
  return add({std::move(name), Variable::Kind::duration, std::move(help),
              def ? std::optional<std::string>(std::to_string(def->count()) + "ms") : std::nullopt,
              0, 0, {}, {}});
}

Spec& Spec::choice(std::string name, std::optional<std::string> def,
                   std::vector<std::string> choices, std::string help) {
  return add({std::move(name), Variable::Kind::choice, std::move(help), std::move(def), 0, 0,
              std::move(choices), {}});
}

Spec& Spec::address(std::string name, std::optional<std::string> def, std::string help) {
  return add({std::move(name), Variable::Kind::address, std::move(help), std::move(def), 0, 0, {}, {}});
}

Spec& Spec::flag(std::string name, std::string help) {
  flags_.emplace_back(std::move(name), std::move(help));
  return *this;
}

Spec& Spec::note(std::string text) {
  notes_.push_back(std::move(text));
  return *this;
}

std::string Spec::help_text() const {
  std::ostringstream os;
  os << "Usage: " << program_ << " [--help] [--config FILE]";
  for (auto& [f, _] : flags_) os << " [" << f << "]";
  os << "\n\n" << summary_ << "\n\nOptions:\n"
     << "  --help         print this text and exit\n"
     << "  --config FILE  read NAME=VALUE lines from FILE (the environment wins over it);\n"
     << "                 VIGIE_CONFIG_FILE names the same file\n";
  for (auto& [f, h] : flags_) os << "  " << f << "  " << h << "\n";
  os << "\nEnvironment variables:\n";
  for (auto& v : variables_) {
    os << "  " << v.name << "\n      " << v.help << "\n      expects " << expectation(v);
    if (!v.default_value) os << "; required";
    else if (v.kind == Variable::Kind::secret) os << "; optional, never printed";
    else os << "; default '" << *v.default_value << "'";
    os << "\n";
  }
  for (auto& n : notes_) os << "\n" << n << "\n";
  return os.str();
}

Spec::Result Spec::parse(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& environment) const {
  Result r;
  std::optional<std::string> file_path;
  if (auto it = environment.find("VIGIE_CONFIG_FILE"); it != environment.end() && !it->second.empty())
    file_path = it->second;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      r.help = true;
    } else if (a == "--config") {
      if (i + 1 >= args.size()) r.errors.push_back("--config: expected a file path");
      else file_path = args[++i];
    } else if (std::any_of(flags_.begin(), flags_.end(), [&](auto& f) { return f.first == a; })) {
      r.settings.flags_.push_back(a);
    } else {
      r.errors.push_back(a + ": unknown argument (see --help)");
    }
  }
  if (r.help) return r;

  std::map<std::string, std::string> file_values;
  if (file_path) {
    try {
      file_values = read_env_file(*file_path);
    } catch (const std::exception& e) {
      r.errors.push_back(std::string("VIGIE_CONFIG_FILE: ") + e.what());
    }
  }
  for (auto& v : variables_) {
    std::optional<std::string> value;
    std::string source;
    if (auto it = environment.find(v.name); it != environment.end()) {
      value = it->second;
      source = "environment";
    } else if (auto f = file_values.find(v.name); f != file_values.end()) {
      value = f->second;
      source = "file " + *file_path;
    }
    // An empty optional secret means "not set", which is its default.
    if (value && value->empty() && v.kind == Variable::Kind::secret && v.default_value) {
      value.reset();
    }
    if (!value) {
      if (!v.default_value) {
        r.errors.push_back(v.name + ": required, expected " + expectation(v));
        continue;
      }
      r.settings.values_[v.name] = *v.default_value;
      r.settings.sources_[v.name] = "default";
      if (v.kind == Variable::Kind::duration)
        r.settings.values_[v.name] = std::to_string(parse_duration(*v.default_value)->count());
      continue;
    }
    std::string error;
    if (auto normalised = check(v, *value, error)) {
      r.settings.values_[v.name] = *normalised;
      r.settings.sources_[v.name] = source;
    } else {
      r.errors.push_back(error + " (from " + source + ")");
    }
  }
  return r;
}

Settings Spec::load(int argc, char** argv) const {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  Result r = parse(args, env);
  if (r.help) {
    std::fputs(help_text().c_str(), stdout);
    std::exit(0);
  }
  if (!r.errors.empty()) {
    std::fprintf(stderr, "%s: refusing to start, bad configuration:\n", program_.c_str());
    for (auto& e : r.errors) std::fprintf(stderr, "  %s\n", e.c_str());
    std::fprintf(stderr, "See %s --help.\n", program_.c_str());
    std::exit(2);
  }
  return std::move(r.settings);
}

const std::string& Settings::raw(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("configuration variable not declared: " + name);
  return it->second;
}

const std::string& Settings::text(const std::string& name) const { return raw(name); }
int64_t Settings::integer(const std::string& name) const { return *parse_int(raw(name)); }
double Settings::number(const std::string& name) const { return *parse_double(raw(name)); }
bool Settings::boolean(const std::string& name) const { return raw(name) == "true"; }
std::chrono::milliseconds Settings::duration(const std::string& name) const {
  return std::chrono::milliseconds(*parse_int(raw(name)));
}
bool Settings::flag(const std::string& name) const {
  return std::find(flags_.begin(), flags_.end(), name) != flags_.end();
}
const std::string& Settings::source(const std::string& name) const {
  raw(name);
  return sources_.at(name);
}

}  // namespace vigie::config
