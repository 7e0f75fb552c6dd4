// librdkafka's mock cluster (rdkafka_mock.h) hosted in this process: N brokers
// speaking the real Kafka protocol over TCP on loopback, with Vigie's topics
// created. Data lives in memory only.
#pragma once

#include <string>

#include "vigie/bus/bus_config.h"

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace vigie::broker {

class MockCluster {
 public:
  // Throws std::runtime_error naming the step that failed.
  MockCluster(int brokers, const bus::BusConfig& topics);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // host:port,host:port... of every broker.
  const std::string& bootstrap() const { return bootstrap_; }
  int brokers() const { return brokers_; }
  // Fault injection: a broker that is down closes its connections and refuses new
  // ones, as a crashed Kafka broker would.
  void set_all_down();
  void set_all_up();
  bool down() const { return down_; }

 private:
  int brokers_;
  bool down_ = false;
  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
};

}  // namespace vigie::broker
