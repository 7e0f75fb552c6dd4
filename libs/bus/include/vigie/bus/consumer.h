// Typed Kafka consumer in a consumer group. Messages arrive decoded, in batches;
// offsets are stored (and so committed) only after the handler returned for the
// whole batch. A handler that throws gets the same messages again after a
// backoff. A message that does not decode goes to the dead-letter topic with the
// reason, and consumption goes on.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "vigie/bus/bus_config.h"
#include "vigie/bus/topics.h"

namespace google::protobuf {
class Message;
}
namespace RdKafka {
class KafkaConsumer;
}
namespace vigie::metrics {
class Metrics;
}

namespace vigie::bus {

class Producer;
class ClientEvents;

struct Record {
  Topic topic;
  std::string topic_name;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string trace_id;
  std::string producer;  // the service that produced it
  std::chrono::system_clock::time_point timestamp;
  // Null for a tombstone (a deleted key of a compacted topic).
  std::unique_ptr<google::protobuf::Message> message;

  template <class T>
  const T* as() const {
    return message ? dynamic_cast<const T*>(message.get()) : nullptr;
  }
};

struct PartitionRef {
  std::string topic;
  int32_t partition = 0;
  bool operator==(const PartitionRef&) const = default;
};

struct ConsumerOptions {
  std::string group_id;
  std::vector<Topic> topics;
  size_t max_batch = 500;
  std::chrono::milliseconds max_wait{100};  // longest a partial batch waits
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{30'000};
  // Read every assigned partition from its beginning on each assignment, whatever
  // was committed (for a compacted topic read whole, such as cameras).
  bool from_beginning_on_assign = false;
  // Read every assigned partition from its end on each assignment: only what is
  // published from then on (a live view that wants the latest, not the past).
  bool from_end_on_assign = false;
  // Checks a decoded record; a non-empty reason sends it to the dead-letter topic.
  std::function<std::string(const Record&)> validate;
  // Called from inside the consumer's thread when the group moves partitions.
  std::function<void(const std::vector<PartitionRef>&)> on_assigned;
  std::function<void(const std::vector<PartitionRef>&)> on_revoked;
};

// A group id no other consumer shares (prefix + random suffix), for a reader
// that needs every partition of its topics rather than a share of them.
std::string private_group_id(const std::string& prefix);

class Consumer {
 public:
  using Handler = std::function<void(std::vector<Record>& batch)>;

  // dead_letters is the producer used for the dead-letter topic.
  Consumer(const BusConfig& config, std::string service, ConsumerOptions options,
           metrics::Metrics& metrics, Producer& dead_letters);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Consumes until stop is requested, then commits what was handled and leaves
  // the group.
  void run(std::stop_token stop, const Handler& handler);
  bool connected() const;
  // True once this member has handled every partition it was assigned up to the
  // end each partition had when first asked (e.g. a compacted topic read whole).
  // Thread-safe; asks the broker for the ends at the first call after an assignment.
  bool caught_up();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::bus
