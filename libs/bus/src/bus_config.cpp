#include "vigie/bus/bus_config.h"

#include <sstream>
#include <stdexcept>

namespace vigie::bus {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, sep);) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

std::string check_bootstrap(const std::string& text) {
  const std::string expected = "host:port[,host:port...]";
  auto parts = split(text, ',');
  if (parts.empty()) return expected;
  for (auto& p : parts) {
    auto colon = p.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == p.size()) return expected;
    for (char c : p.substr(colon + 1)) {
      if (c < '0' || c > '9') return expected;
    }
  }
  return "";
}

}  // namespace

int BusConfig::partitions_of(Topic topic) const {
  auto it = partitions.find(topic);
  return it == partitions.end() ? default_partitions : it->second;
}

std::map<Topic, int> parse_partition_overrides(const std::string& text) {
  std::map<Topic, int> out;
  TopicNames bare("");
  for (auto& part : split(text, ',')) {
    auto eq = part.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("'" + part + "' is not topic=count");
    auto topic = bare.parse(part.substr(0, eq));
    if (!topic) throw std::invalid_argument("'" + part.substr(0, eq) + "' is not a Vigie topic");
    int count = 0;
    try {
      size_t used = 0;
      count = std::stoi(part.substr(eq + 1), &used);
      if (used != part.size() - eq - 1) throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
      throw std::invalid_argument("'" + part + "' has no integer count");
    }
    if (count < 1 || count > 1000) throw std::invalid_argument("'" + part + "': count not in 1..1000");
    out[*topic] = count;
  }
  return out;
}

std::map<std::string, std::string> parse_properties(const std::string& text) {
  std::map<std::string, std::string> out;
  int index = 0;
  for (auto& part : split(text, ';')) {
    ++index;
    auto eq = part.find('=');
    // A malformed part may be a secret: name its position, never its text.
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("part " + std::to_string(index) + " is not key=value");
    out[part.substr(0, eq)] = part.substr(eq + 1);
  }
  return out;
}

void declare_settings(config::Spec& spec, bool with_bootstrap) {
  if (with_bootstrap) {
    spec.text("VIGIE_KAFKA_BOOTSTRAP", std::nullopt,
              "Kafka bootstrap servers: the embedded broker's address (see vigie-broker) or "
              "a real cluster's",
              check_bootstrap);
  }
  spec.text("VIGIE_TOPIC_PREFIX", "vigie.", "prefix of every topic name", check_topic_prefix)
      .integer("VIGIE_TOPIC_PARTITIONS", 6, 1, 1000,
               "partitions of each topic created at start (the unit of scale-out)")
      .text("VIGIE_TOPIC_PARTITIONS_PER_TOPIC", "",
            "per-topic partition counts overriding VIGIE_TOPIC_PARTITIONS, e.g. frames=12,motion=12",
            [](const std::string& v) -> std::string {
              try {
                parse_partition_overrides(v);
                return "";
              } catch (const std::exception& e) {
                return std::string("topic=count[,topic=count...] (") + e.what() + ")";
              }
            })
      .integer("VIGIE_TOPIC_REPLICATION", 1, 1, 16, "replication factor of topics created at start")
      .duration("VIGIE_KAFKA_SESSION_TIMEOUT", std::chrono::seconds(10),
                "consumer group session timeout: how long before a dead instance's partitions "
                "move to another")
      .secret("VIGIE_KAFKA_PROPERTIES",
              "extra librdkafka properties as key=value;key=value (security.protocol, sasl.*); "
              "never logged",
              false, [](const std::string& v) -> std::string {
                try {
                  parse_properties(v);
                  return "";
                } catch (const std::exception& e) {
                  return std::string("key=value;key=value (") + e.what() + ")";
                }
              });
}

BusConfig from_settings(const config::Settings& settings, bool with_bootstrap) {
  BusConfig c;
  if (with_bootstrap) c.bootstrap_servers = settings.text("VIGIE_KAFKA_BOOTSTRAP");
  c.topic_prefix = settings.text("VIGIE_TOPIC_PREFIX");
  c.default_partitions = static_cast<int>(settings.integer("VIGIE_TOPIC_PARTITIONS"));
  c.partitions = parse_partition_overrides(settings.text("VIGIE_TOPIC_PARTITIONS_PER_TOPIC"));
  c.replication_factor = static_cast<int>(settings.integer("VIGIE_TOPIC_REPLICATION"));
  c.session_timeout = settings.duration("VIGIE_KAFKA_SESSION_TIMEOUT");
  c.properties = parse_properties(settings.text("VIGIE_KAFKA_PROPERTIES"));
  return c;
}

}  // namespace vigie::bus
