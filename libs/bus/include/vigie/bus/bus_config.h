// How a service reaches Kafka: the same settings for the embedded broker and a
// real cluster; only the bootstrap servers (and maybe security properties) differ.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "vigie/bus/topics.h"
#include "vigie/config/settings.h"

namespace vigie::bus {

struct BusConfig {
  std::string bootstrap_servers;
  std::string topic_prefix = "vigie.";
  int default_partitions = 6;
  std::map<Topic, int> partitions;  // per-topic overrides
  int replication_factor = 1;
  std::chrono::milliseconds session_timeout{10'000};
  // Extra librdkafka properties (security.protocol, sasl.* ...). May hold secrets:
  // never logged.
  std::map<std::string, std::string> properties;

  int partitions_of(Topic topic) const;
  TopicNames topic_names() const { return TopicNames(topic_prefix); }
};

// Declares VIGIE_KAFKA_BOOTSTRAP, VIGIE_TOPIC_PREFIX, VIGIE_TOPIC_PARTITIONS,
// VIGIE_TOPIC_PARTITIONS_PER_TOPIC, VIGIE_TOPIC_REPLICATION,
// VIGIE_KAFKA_SESSION_TIMEOUT and VIGIE_KAFKA_PROPERTIES.
void declare_settings(config::Spec& spec, bool with_bootstrap = true);
BusConfig from_settings(const config::Settings& settings, bool with_bootstrap = true);

// Parses "frames=12,motion=6"; throws std::invalid_argument naming the bad part.
std::map<Topic, int> parse_partition_overrides(const std::string& text);
// Parses "key=value;key=value"; throws std::invalid_argument on a malformed part.
std::map<std::string, std::string> parse_properties(const std::string& text);

}  // namespace vigie::bus
