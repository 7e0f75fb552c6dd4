#include "vigie/bus/producer.h"

#include <future>
#include <thread>

#include <google/protobuf/message.h>
#include <librdkafka/rdkafkacpp.h>

#include "client_events.h"
#include "kafka_conf.h"
#include "vigie/bus/headers.h"
#include "vigie/log/log.h"
#include "vigie/metrics/metrics.h"

namespace vigie::bus {

// A caller of send_and_wait waits on this; the delivery report fulfils it.
struct Producer::Waiter {
  std::promise<RdKafka::ErrorCode> result;
};

class DeliveryReports : public RdKafka::DeliveryReportCb {
 public:
  explicit DeliveryReports(metrics::Metrics& metrics)
      : produced_(prometheus::BuildCounter()
                      .Name("vigie_bus_messages_produced_total")
                      .Help("Messages acknowledged by the broker, per topic")
                      .Register(metrics.registry())),
        failed_(prometheus::BuildCounter()
                    .Name("vigie_bus_produce_errors_total")
                    .Help("Messages the broker did not acknowledge, per topic")
                    .Register(metrics.registry())) {}

  // Every topic's series exists from the start at 0, so a rate sees the first message.
  void start_at_zero(const TopicNames& names) {
    for (Topic t : kAllTopics) {
      produced_.Add({{"topic", names(t)}});
      failed_.Add({{"topic", names(t)}});
    }
  }

  void dr_cb(RdKafka::Message& message) override {
    // The report owns one reference, so a caller that stopped waiting is harmless.
    std::unique_ptr<std::shared_ptr<Producer::Waiter>> waiter(
        static_cast<std::shared_ptr<Producer::Waiter>*>(message.msg_opaque()));
    const std::string topic = message.topic_name();
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      produced_.Add({{"topic", topic}}).Increment();
    } else {
      failed_.Add({{"topic", topic}}).Increment();
      log::error("message not delivered",
                 {{"topic", topic}, {"error", RdKafka::err2str(message.err())}});
    }
    if (waiter) (*waiter)->result.set_value(message.err());
  }

 private:
  prometheus::Family<prometheus::Counter>& produced_;
  prometheus::Family<prometheus::Counter>& failed_;
};

Producer::Producer(const BusConfig& config, std::string service, metrics::Metrics& metrics)
    : service_(std::move(service)),
      topics_(config.topic_names()),
      events_(std::make_unique<ClientEvents>(service_ + "-producer", metrics)),
      reports_(std::make_unique<DeliveryReports>(metrics)) {
  reports_->start_at_zero(topics_);
  auto conf = make_conf(config, service_);
  set(*conf, "enable.idempotence", "true");
  set(*conf, "acks", "all");
  // 0 = retry until delivered: an outage of the broker must not lose messages.
  set(*conf, "message.timeout.ms", "0");
  set(*conf, "linger.ms", "5");
  std::string error;
  if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(events_.get()), error) != RdKafka::Conf::CONF_OK ||
      conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(reports_.get()), error) != RdKafka::Conf::CONF_OK)
    throw std::runtime_error("Kafka producer callbacks refused: " + error);
  producer_.reset(RdKafka::Producer::create(conf.get(), error));
  if (!producer_) throw std::runtime_error("cannot create Kafka producer for " + service_ + ": " + error);
  poller_ = std::jthread([this](std::stop_token stop) {
    while (!stop.stop_requested()) producer_->poll(100);
  });
}

Producer::~Producer() {
  if (!flush(std::chrono::seconds(10))) {
    log::error("stopping with undelivered messages", {{"count", producer_->outq_len()}});
  }
  poller_.request_stop();
  poller_.join();
}

bool Producer::flush(std::chrono::milliseconds timeout) {
  return producer_->flush(static_cast<int>(timeout.count())) == RdKafka::ERR_NO_ERROR;
}

bool Producer::connected() const { return events_->connected(); }

void Producer::produce(Topic topic, std::string_view key, const std::string* payload,
                       std::string_view type_name, std::string_view trace_id,
                       const std::shared_ptr<Waiter>& waiter) {
  const std::string topic_name = topics_(topic);
  auto started = std::chrono::steady_clock::now();
  std::string trace = trace_id.empty() ? new_trace_id() : std::string(trace_id);
  while (true) {
    // librdkafka takes ownership of the headers only when produce succeeds.
    std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
    headers->add(kHeaderTraceId, trace);
    headers->add(kHeaderProducer, service_);
    if (!type_name.empty()) headers->add(kHeaderType, std::string(type_name));
    auto* opaque = waiter ? new std::shared_ptr<Waiter>(waiter) : nullptr;
    auto err = producer_->produce(
        topic_name, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
        payload ? const_cast<char*>(payload->data()) : nullptr, payload ? payload->size() : 0,
        key.data(), key.size(), 0, headers.get(), opaque);
    if (err == RdKafka::ERR_NO_ERROR) {
      headers.release();
      return;
    }
    delete opaque;
    if (err != RdKafka::ERR__QUEUE_FULL)
      throw DeliveryError("cannot queue message for topic " + topic_name + ": " + RdKafka::err2str(err));
    if (std::chrono::steady_clock::now() - started > enqueue_timeout)
      throw DeliveryError("local queue for topic " + topic_name + " full for " +
                          std::to_string(enqueue_timeout.count()) + " ms: broker unreachable?");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void Producer::send(Topic topic, std::string_view key, const google::protobuf::Message& message,
                    std::string_view trace_id) {
  if (message.GetDescriptor() != topic_message(topic))
    throw std::logic_error("message " + message.GetTypeName() + " does not belong on topic " +
                           topics_(topic));
  std::string payload = message.SerializeAsString();
  produce(topic, key, &payload, message.GetTypeName(), trace_id, {});
}

namespace {

void wait_for(std::future<RdKafka::ErrorCode>& result, const std::string& topic,
              std::chrono::milliseconds timeout) {
  if (result.wait_for(timeout) != std::future_status::ready)
    throw DeliveryError("no acknowledgement from topic " + topic + " within " +
                        std::to_string(timeout.count()) + " ms");
  auto err = result.get();
  if (err != RdKafka::ERR_NO_ERROR)
    throw DeliveryError("topic " + topic + " refused the message: " + RdKafka::err2str(err));
}

}  // namespace

void Producer::send_and_wait(Topic topic, std::string_view key,
                             const google::protobuf::Message& message, std::string_view trace_id,
                             std::chrono::milliseconds timeout) {
  if (message.GetDescriptor() != topic_message(topic))
    throw std::logic_error("message " + message.GetTypeName() + " does not belong on topic " +
                           topics_(topic));
  std::string payload = message.SerializeAsString();
  auto waiter = std::make_shared<Waiter>();
  auto future = waiter->result.get_future();
  produce(topic, key, &payload, message.GetTypeName(), trace_id, waiter);
  wait_for(future, topics_(topic), timeout);
}

void Producer::send_tombstone_and_wait(Topic topic, std::string_view key,
                                       std::chrono::milliseconds timeout) {
  auto waiter = std::make_shared<Waiter>();
  auto future = waiter->result.get_future();
  produce(topic, key, nullptr, {}, {}, waiter);
  wait_for(future, topics_(topic), timeout);
}

}  // namespace vigie::bus
