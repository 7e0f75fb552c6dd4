#include "kafka_conf.h"

#include <stdexcept>

namespace vigie::bus {

void set(RdKafka::Conf& conf, const std::string& name, const std::string& value) {
  std::string error;
  if (conf.set(name, value, error) != RdKafka::Conf::CONF_OK)
    throw std::invalid_argument("Kafka property " + name + " refused: " + error);
}

std::map<std::string, std::string> base_properties(const BusConfig& config,
                                                   const std::string& client_id) {
  std::map<std::string, std::string> p{
      {"bootstrap.servers", config.bootstrap_servers},
      {"client.id", client_id},
      // Reconnect quickly after a broker outage, without hammering a dead broker.
      {"reconnect.backoff.ms", "100"},
      {"reconnect.backoff.max.ms", "2000"},
      {"log.connection.close", "false"},
  };
  for (auto& [k, v] : config.properties) p[k] = v;
  return p;
}

std::unique_ptr<RdKafka::Conf> make_conf(const BusConfig& config, const std::string& client_id) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  set(*conf, "statistics.interval.ms", "2000");
  for (auto& [k, v] : base_properties(config, client_id)) set(*conf, k, v);
  return conf;
}

}  // namespace vigie::bus
