// librdkafka configuration built from a BusConfig, the same for every client.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <librdkafka/rdkafkacpp.h>

#include "vigie/bus/bus_config.h"

namespace vigie::bus {

// bootstrap.servers, client.id, reconnection and the user's extra properties
// (which win), for any client.
std::map<std::string, std::string> base_properties(const BusConfig& config, const std::string& client_id);

// base_properties plus statistics, as an RdKafka::Conf. Throws std::invalid_argument naming the property librdkafka refused
// (never its value: it may be a secret).
std::unique_ptr<RdKafka::Conf> make_conf(const BusConfig& config, const std::string& client_id);
void set(RdKafka::Conf& conf, const std::string& name, const std::string& value);

}  // namespace vigie::bus
