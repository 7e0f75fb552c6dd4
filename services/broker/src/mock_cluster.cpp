#include "mock_cluster.h"

#include <stdexcept>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "vigie/log/log.h"

namespace vigie::broker {

MockCluster::MockCluster(int brokers, const bus::BusConfig& config) : brokers_(brokers) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The mock cluster needs a client handle to live in; it never connects anywhere.
  // log_level 4: the handle has no bootstrap.servers, which librdkafka notes at level 5.
  if (rd_kafka_conf_set(conf, "client.id", "vigie-broker", errstr, sizeof errstr) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("mock cluster configuration: ") + errstr);
  }
  handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!handle_) throw std::runtime_error(std::string("cannot create the mock cluster's handle: ") + errstr);
  cluster_ = rd_kafka_mock_cluster_new(handle_, brokers);
  if (!cluster_) {
    rd_kafka_destroy(handle_);
    throw std::runtime_error("cannot start a mock cluster of " + std::to_string(brokers) + " brokers");
  }
  bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
  auto names = config.topic_names();
  int replication = std::min(config.replication_factor, brokers);
  for (bus::Topic t : bus::kAllTopics) {
    auto err = rd_kafka_mock_topic_create(cluster_, names(t).c_str(), config.partitions_of(t), replication);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_mock_cluster_destroy(cluster_);
      rd_kafka_destroy(handle_);
      throw std::runtime_error("cannot create topic " + names(t) + ": " + rd_kafka_err2str(err));
    }
  }
}

MockCluster::~MockCluster() {
  rd_kafka_mock_cluster_destroy(cluster_);
  rd_kafka_destroy(handle_);
}

void MockCluster::set_all_down() {
  for (int id = 1; id <= brokers_; ++id) rd_kafka_mock_broker_set_down(cluster_, id);
  down_ = true;
}

void MockCluster::set_all_up() {
  for (int id = 1; id <= brokers_; ++id) rd_kafka_mock_broker_set_up(cluster_, id);
  down_ = false;
}

}  // namespace vigie::broker
