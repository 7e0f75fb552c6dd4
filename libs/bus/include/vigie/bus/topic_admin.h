// Creates the topics a service uses, with the configured partition counts, when
// they do not exist yet (real Kafka). The embedded broker creates its topics
// itself, so there this only finds them in the metadata.
#pragma once

#include <chrono>
#include <vector>

#include "vigie/bus/bus_config.h"

namespace vigie::bus {

// Throws std::runtime_error naming the topic and the broker's answer when a topic
// cannot be created, or when the cluster cannot be reached within timeout.
void ensure_topics(const BusConfig& config, const std::vector<Topic>& topics,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace vigie::bus
