// Typed, idempotent Kafka producer (acks=all, enable.idempotence): every message
// is a protobuf of the topic's type, keyed (camera id), with Vigie's headers.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "vigie/bus/bus_config.h"
#include "vigie/bus/topics.h"

namespace google::protobuf {
class Message;
}
namespace RdKafka {
class Producer;
}
namespace vigie::metrics {
class Metrics;
}

namespace vigie::bus {

class DeliveryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ClientEvents;
class DeliveryReports;

class Producer {
 public:
  Producer(const BusConfig& config, std::string service, metrics::Metrics& metrics);
  // Flushes what is queued (up to 10 s) and reports what could not be delivered.
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues the message; delivery is retried by librdkafka until it succeeds.
  // Blocks while the local queue is full (broker away for long), up to
  // enqueue_timeout, then throws DeliveryError. An empty trace_id starts a new trace.
  void send(Topic topic, std::string_view key, const google::protobuf::Message& message,
            std::string_view trace_id = {});
  // Like send, but returns only once the broker has acknowledged the message;
  // throws DeliveryError naming the topic when it is not acknowledged in time.
  void send_and_wait(Topic topic, std::string_view key, const google::protobuf::Message& message,
                     std::string_view trace_id = {},
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // A message with no value: on a compacted topic it deletes the key.
  void send_tombstone_and_wait(Topic topic, std::string_view key,
                               std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Waits until everything queued is delivered; false on timeout.
  bool flush(std::chrono::milliseconds timeout);
  // True while at least one broker connection is up.
  bool connected() const;
  const TopicNames& topics() const { return topics_; }
  const std::string& service() const { return service_; }

  std::chrono::milliseconds enqueue_timeout{60'000};

 private:
  friend class DeliveryReports;
  struct Waiter;
  void produce(Topic topic, std::string_view key, const std::string* payload,
               std::string_view type_name, std::string_view trace_id,
               const std::shared_ptr<Waiter>& waiter);

  std::string service_;
  TopicNames topics_;
  std::unique_ptr<ClientEvents> events_;
  std::unique_ptr<DeliveryReports> reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::jthread poller_;
};

}  // namespace vigie::bus
