#include "vigie/app/logging.h"

#include "vigie/log/log.h"

namespace vigie::app {

config::Spec& add_log_level(config::Spec& spec, const std::string& default_level) {
  return spec.choice("VIGIE_LOG_LEVEL", default_level, {"debug", "info", "warn", "error"},
                     "lowest level of the JSON log lines written to stderr");
}

void init_logging(const std::string& program, const config::Settings& settings) {
  // The Spec already refused any other value.
  log::Level level = log::Level::info;
  log::parse_level(settings.text("VIGIE_LOG_LEVEL"), level);
  log::init(program, level);
}

}  // namespace vigie::app
