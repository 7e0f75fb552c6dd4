#include "vigie/bus/consumer.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/util/time_util.h>
#include <librdkafka/rdkafkacpp.h>

#include "client_events.h"
#include "kafka_conf.h"
#include "vigie/bus/headers.h"
#include "vigie/bus/producer.h"
#include "vigie/log/log.h"
#include "vigie/metrics/metrics.h"
#include "vigie/v1/dead_letter.pb.h"

namespace vigie::bus {
namespace {

using Clock = std::chrono::steady_clock;
using PartitionKey = std::pair<std::string, int32_t>;

std::string header(RdKafka::Message& m, const char* name) {
  RdKafka::Headers* headers = m.headers();
  if (!headers) return {};
  auto h = headers->get_last(name);
  if (h.err() != RdKafka::ERR_NO_ERROR || !h.value()) return {};
  return std::string(static_cast<const char*>(h.value()), h.value_size());
}

std::vector<PartitionRef> refs(const std::vector<RdKafka::TopicPartition*>& partitions) {
  std::vector<PartitionRef> out;
  for (auto* p : partitions) out.push_back({p->topic(), p->partition()});
  return out;
}

// Everything that decides if a raw message is a valid message of its topic.
std::string decode(RdKafka::Message& m, Topic topic, Record& record) {
  const auto* descriptor = topic_message(topic);
  if (m.len() == 0) {
    if (topic_compacted(topic)) return "";  // a tombstone: the key was deleted
    return "empty message";
  }
  std::string type = header(m, kHeaderType);
  if (!type.empty() && type != descriptor->full_name())
    return "message type " + type + " does not belong on this topic (expected " +
           descriptor->full_name() + ")";
  std::unique_ptr<google::protobuf::Message> message(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor)->New());
  if (!message->ParseFromArray(m.payload(), static_cast<int>(m.len())))
    return "cannot decode as " + descriptor->full_name() + " (protobuf parse error)";
  // Garbage often parses as unknown fields: the schema version tells it apart.
  const auto* version_field = descriptor->FindFieldByName("schema_version");
  uint32_t version = message->GetReflection()->GetUInt32(*message, version_field);
  if (version != kSchemaVersion)
    return "schema_version " + std::to_string(version) + " of " + descriptor->full_name() +
           " is not supported (this build reads " + std::to_string(kSchemaVersion) + ")";
  record.message = std::move(message);
  return "";
}

}  // namespace

class Consumer::Impl : public RdKafka::RebalanceCb {
 public:
  Impl(const BusConfig& config, std::string service, ConsumerOptions options,
       metrics::Metrics& metrics, Producer& dead_letters)
      : service_(std::move(service)),
        options_(std::move(options)),
        names_(config.topic_names()),
        dead_letters_(dead_letters),
        events_(service_ + "-" + options_.group_id, metrics),
        consumed_(prometheus::BuildCounter()
                      .Name("vigie_bus_messages_consumed_total")
                      .Help("Messages handled successfully, per topic")
                      .Register(metrics.registry())),
        dead_lettered_(prometheus::BuildCounter()
                           .Name("vigie_bus_dead_letters_total")
                           .Help("Messages sent to the dead-letter topic, per source topic")
                           .Register(metrics.registry())),
        handler_failures_(prometheus::BuildCounter()
                              .Name("vigie_bus_handler_failures_total")
                              .Help("Batches whose handler failed and that will be retried")
                              .Register(metrics.registry())),
        backoff_(options_.initial_backoff) {
    if (options_.group_id.empty()) throw std::invalid_argument("consumer of " + service_ + ": no group id");
    auto conf = make_conf(config, service_ + "-" + options_.group_id);
    set(*conf, "group.id", options_.group_id);
    set(*conf, "enable.auto.commit", "true");
    // Offsets are stored by hand once the handler succeeded; auto commit only
    // sends what was stored.
    set(*conf, "enable.auto.offset.store", "false");
    set(*conf, "auto.commit.interval.ms", "1000");
    set(*conf, "auto.offset.reset", "earliest");
    set(*conf, "session.timeout.ms", std::to_string(config.session_timeout.count()));
    set(*conf, "heartbeat.interval.ms", std::to_string(std::max<int64_t>(100, config.session_timeout.count() / 5)));
    std::string error;
    if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(&events_), error) != RdKafka::Conf::CONF_OK ||
        conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(this), error) != RdKafka::Conf::CONF_OK)
      throw std::runtime_error("Kafka consumer callbacks refused: " + error);
    consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
    if (!consumer_) throw std::runtime_error("cannot create Kafka consumer for group " + options_.group_id + ": " + error);
    std::vector<std::string> topics;
    for (Topic t : options_.topics) {
      topics.push_back(names_(t));
      // Series at 0 from the start, so Prometheus sees their first increase.
      consumed_.Add({{"topic", names_(t)}});
      dead_lettered_.Add({{"topic", names_(t)}});
    }
    handler_failures_.Add({{"group", options_.group_id}});
    auto err = consumer_->subscribe(topics);
    if (err != RdKafka::ERR_NO_ERROR)
      throw std::runtime_error("cannot subscribe group " + options_.group_id + ": " + RdKafka::err2str(err));
  }

  ~Impl() override {
    if (!closed_) consumer_->close();
  }

  bool connected() const { return events_.connected(); }

  bool caught_up() {
    std::lock_guard lock(progress_mutex_);
    if (!has_assignment_) return false;
    if (!ends_known_) {
      for (auto& [key, end] : assigned_) {
        int64_t low = 0, high = 0;
        if (consumer_->query_watermark_offsets(key.first, key.second, &low, &high, 2000) != RdKafka::ERR_NO_ERROR)
          return false;
        end = high == low ? -1 : high;  // -1: empty, nothing to wait for
      }
      ends_known_ = true;
    }
    for (auto& [key, end] : assigned_) {
      if (end < 0) continue;
      auto it = handled_.find(key);
      if (it == handled_.end() || it->second < end) return false;
    }
    return true;
  }

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      if (options_.from_beginning_on_assign) {
        for (auto* p : partitions) p->set_offset(RdKafka::Topic::OFFSET_BEGINNING);
      } else if (options_.from_end_on_assign) {
        for (auto* p : partitions) p->set_offset(RdKafka::Topic::OFFSET_END);
      }
      consumer->assign(partitions);
      events_.set_connected(true);
      {
        std::lock_guard lock(progress_mutex_);
        for (auto* p : partitions) assigned_[{p->topic(), p->partition()}] = -1;
        ends_known_ = false;
        has_assignment_ = true;
      }
      log::info("partitions assigned", {{"group", options_.group_id}, {"count", partitions.size()}});
      if (options_.on_assigned) options_.on_assigned(refs(partitions));
    } else {
      if (options_.on_revoked) options_.on_revoked(refs(partitions));
      // Hand over exactly what was handled, so the next owner starts there.
      consumer->commitSync();
      for (auto* p : partitions) retry_at_.erase({p->topic(), p->partition()});
      {
        std::lock_guard lock(progress_mutex_);
        for (auto* p : partitions) {
          assigned_.erase({p->topic(), p->partition()});
          handled_.erase({p->topic(), p->partition()});
        }
      }
      consumer->unassign();
      log::info("partitions revoked", {{"group", options_.group_id}, {"count", partitions.size()}});
    }
  }

  void run(std::stop_token stop, const Handler& handler) {
    while (!stop.stop_requested()) {
      resume_due();
      auto batch = collect();
      if (batch.empty()) continue;
      handle(batch, handler);
    }
    consumer_->commitSync();
    consumer_->close();
    closed_ = true;
    log::info("consumer stopped", {{"group", options_.group_id}});
  }

 private:
  std::vector<std::unique_ptr<RdKafka::Message>> collect() {
    std::vector<std::unique_ptr<RdKafka::Message>> batch;
    auto deadline = Clock::now() + options_.max_wait;
    while (batch.size() < options_.max_batch) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) break;
      std::unique_ptr<RdKafka::Message> m(consumer_->consume(static_cast<int>(left.count())));
      if (m->err() == RdKafka::ERR__TIMED_OUT) break;
      if (m->err() == RdKafka::ERR_NO_ERROR) {
        batch.push_back(std::move(m));
        continue;
      }
      if (m->err() != RdKafka::ERR__PARTITION_EOF)
        log::warn("consume error", {{"group", options_.group_id}, {"error", m->errstr()}});
    }
    return batch;
  }

  void handle(std::vector<std::unique_ptr<RdKafka::Message>>& raw, const Handler& handler) {
    std::vector<Record> records;
    records.reserve(raw.size());
    try {
      for (auto& m : raw) {
        Record r;
        r.topic_name = m->topic_name();
        auto topic = names_.parse(r.topic_name);
        r.topic = topic.value_or(Topic::dlq);
        r.partition = m->partition();
        r.offset = m->offset();
        if (m->key()) r.key = *m->key();
        r.trace_id = header(*m, kHeaderTraceId);
        r.producer = header(*m, kHeaderProducer);
        auto ts = m->timestamp();
        r.timestamp = std::chrono::system_clock::time_point(std::chrono::milliseconds(ts.timestamp));
        std::string reason = topic ? decode(*m, *topic, r) : "not a topic of this consumer";
        if (reason.empty() && options_.validate && r.message) reason = options_.validate(r);
        if (!reason.empty()) {
          dead_letter(*m, reason);
          continue;
        }
        records.push_back(std::move(r));
      }
      if (!records.empty()) handler(records);
    } catch (const std::exception& e) {
      handler_failures_.Add({{"group", options_.group_id}}).Increment();
      log::error("batch failed, will retry",
                 {{"group", options_.group_id}, {"messages", raw.size()},
                  {"first_topic", raw.front()->topic_name()},
                  {"first_partition", raw.front()->partition()},
                  {"first_offset", raw.front()->offset()},
                  {"retry_in_ms", backoff_.count()},
                  {"error", e.what()}});
      rewind(raw);
      backoff_ = std::min(backoff_ * 2, options_.max_backoff);
      return;
    }
    backoff_ = options_.initial_backoff;
    store_offsets(raw);
    for (auto& r : records) consumed_.Add({{"topic", r.topic_name}}).Increment();
  }

  void dead_letter(RdKafka::Message& m, const std::string& reason) {
    v1::DeadLetter d;
    d.set_schema_version(kSchemaVersion);
    d.set_source_topic(m.topic_name());
    d.set_partition(m.partition());
    d.set_offset(m.offset());
    if (m.key()) d.set_key(*m.key());
    d.set_payload(static_cast<const char*>(m.payload()), m.len());
    if (RdKafka::Headers* hs = m.headers()) {
      for (auto& h : hs->get_all()) {
        auto* out = d.add_headers();
        out->set_key(h.key());
        if (h.value()) out->set_value(static_cast<const char*>(h.value()), h.value_size());
      }
    }
    d.set_reason(reason);
    d.set_consumer_group(options_.group_id);
    d.set_service(service_);
    *d.mutable_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
    if (auto topic = names_.parse(m.topic_name())) d.set_expected_type(topic_message(*topic)->full_name());
    // Acknowledged before the offset moves on: a dead letter is never lost.
    dead_letters_.send_and_wait(Topic::dlq, m.key() ? *m.key() : std::string(), d,
                                header(m, kHeaderTraceId));
    dead_lettered_.Add({{"topic", m.topic_name()}}).Increment();
    log::warn("message sent to the dead-letter topic",
              {{"topic", m.topic_name()}, {"partition", m.partition()}, {"offset", m.offset()},
               {"reason", reason}});
  }

  // The next message to read on each partition of the batch.
  std::map<PartitionKey, int64_t> next_offsets(const std::vector<std::unique_ptr<RdKafka::Message>>& raw) {
    std::map<PartitionKey, int64_t> next;
    for (auto& m : raw) {
      auto& n = next[{m->topic_name(), m->partition()}];
      n = std::max(n, m->offset() + 1);
    }
    return next;
  }

  void store_offsets(const std::vector<std::unique_ptr<RdKafka::Message>>& raw) {
    std::vector<RdKafka::TopicPartition*> offsets;
    for (auto& [key, offset] : next_offsets(raw))
      offsets.push_back(RdKafka::TopicPartition::create(key.first, key.second, offset));
    {
      std::lock_guard lock(progress_mutex_);
      for (auto* p : offsets) handled_[{p->topic(), p->partition()}] = p->offset();
    }
    auto err = consumer_->offsets_store(offsets);
    // A partition revoked meanwhile cannot be stored: its next owner reads it again.
    if (err != RdKafka::ERR_NO_ERROR)
      log::warn("cannot store offsets", {{"group", options_.group_id}, {"error", RdKafka::err2str(err)}});
    RdKafka::TopicPartition::destroy(offsets);
  }

  // Pauses every partition of a failed batch and moves it back to the batch's
  // first message, to be read again once the backoff has passed.
  void rewind(const std::vector<std::unique_ptr<RdKafka::Message>>& raw) {
    std::map<PartitionKey, int64_t> first;
    for (auto& m : raw) {
      auto key = PartitionKey{m->topic_name(), m->partition()};
      auto it = first.find(key);
      if (it == first.end() || m->offset() < it->second) first[key] = m->offset();
    }
    auto due = Clock::now() + backoff_;
    std::vector<RdKafka::TopicPartition*> parts;
    for (auto& [key, offset] : first) parts.push_back(RdKafka::TopicPartition::create(key.first, key.second, offset));
    consumer_->pause(parts);
    for (auto* p : parts) {
      auto err = consumer_->seek(*p, 5000);
      if (err != RdKafka::ERR_NO_ERROR)
        log::warn("cannot rewind partition", {{"topic", p->topic()}, {"partition", p->partition()},
                                              {"error", RdKafka::err2str(err)}});
      retry_at_[{p->topic(), p->partition()}] = due;
    }
    RdKafka::TopicPartition::destroy(parts);
  }

  void resume_due() {
    if (retry_at_.empty()) return;
    std::vector<RdKafka::TopicPartition*> parts;
    auto now = Clock::now();
    for (auto it = retry_at_.begin(); it != retry_at_.end();) {
      if (it->second <= now) {
        parts.push_back(RdKafka::TopicPartition::create(it->first.first, it->first.second));
        it = retry_at_.erase(it);
      } else {
        ++it;
      }
    }
    if (parts.empty()) return;
    consumer_->resume(parts);
    RdKafka::TopicPartition::destroy(parts);
  }

  std::string service_;
  ConsumerOptions options_;
  TopicNames names_;
  Producer& dead_letters_;
  ClientEvents events_;
  prometheus::Family<prometheus::Counter>& consumed_;
  prometheus::Family<prometheus::Counter>& dead_lettered_;
  prometheus::Family<prometheus::Counter>& handler_failures_;
  std::chrono::milliseconds backoff_;
  std::map<PartitionKey, Clock::time_point> retry_at_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  bool closed_ = false;
  std::mutex progress_mutex_;
  bool has_assignment_ = false;
  bool ends_known_ = false;
  std::map<PartitionKey, int64_t> assigned_;  // partition -> its end when first asked
  std::map<PartitionKey, int64_t> handled_;   // partition -> next offset to handle
};

Consumer::Consumer(const BusConfig& config, std::string service, ConsumerOptions options,
                   metrics::Metrics& metrics, Producer& dead_letters)
    : impl_(std::make_unique<Impl>(config, std::move(service), std::move(options), metrics,
                                   dead_letters)) {}

Consumer::~Consumer() = default;

void Consumer::run(std::stop_token stop, const Handler& handler) { impl_->run(stop, handler); }

bool Consumer::connected() const { return impl_->connected(); }

bool Consumer::caught_up() { return impl_->caught_up(); }

std::string private_group_id(const std::string& prefix) {
  std::random_device rd;
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%08x%08x", rd(), rd());
  return prefix + suffix;
}

}  // namespace vigie::bus
