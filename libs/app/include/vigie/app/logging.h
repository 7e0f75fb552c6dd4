// The log level setting every vigie-* executable takes (services and benches
// alike), and logging set up from it.
#pragma once

#include <string>

#include "vigie/config/settings.h"

namespace vigie::app {

// Adds VIGIE_LOG_LEVEL (debug, info, warn or error) to spec.
config::Spec& add_log_level(config::Spec& spec, const std::string& default_level);
// JSON log lines to stderr as `program`, from the level VIGIE_LOG_LEVEL chose.
void init_logging(const std::string& program, const config::Settings& settings);

}  // namespace vigie::app
