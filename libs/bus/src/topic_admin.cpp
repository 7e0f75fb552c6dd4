#include "vigie/bus/topic_admin.h"

#include <memory>
#include <set>
#include <stdexcept>

#include <librdkafka/rdkafka.h>

#include "kafka_conf.h"
#include "vigie/log/log.h"

namespace vigie::bus {
namespace {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};

std::set<std::string> existing_topics(rd_kafka_t* rk, std::chrono::milliseconds timeout) {
  const struct rd_kafka_metadata* md = nullptr;
  auto err = rd_kafka_metadata(rk, 1, nullptr, &md, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw std::runtime_error(std::string("cannot read the Kafka cluster's metadata: ") + rd_kafka_err2str(err));
  std::set<std::string> out;
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) out.insert(md->topics[i].topic);
  }
  rd_kafka_metadata_destroy(md);
  return out;
}

}  // namespace

void ensure_topics(const BusConfig& config, const std::vector<Topic>& topics,
                   std::chrono::milliseconds timeout) {
  auto names = config.topic_names();
  // A plain C handle: the admin API has no C++ binding in librdkafka.
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (auto& [key, value] : base_properties(config, "vigie-topic-admin")) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::invalid_argument("Kafka property " + key + " refused: " + errstr);
    }
  }
  std::unique_ptr<rd_kafka_t, KafkaDeleter> rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr));
  if (!rk) throw std::runtime_error(std::string("cannot create Kafka admin client: ") + errstr);

  auto existing = existing_topics(rk.get(), timeout);
  std::vector<rd_kafka_NewTopic_t*> wanted;
  for (Topic t : topics) {
    std::string name = names(t);
    if (existing.count(name)) continue;
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(name.c_str(), config.partitions_of(t),
                                                    config.replication_factor, errstr, sizeof errstr);
    if (!nt) throw std::invalid_argument("topic " + name + ": " + errstr);
    if (topic_compacted(t)) rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
    if (auto retention = topic_retention(t))
      rd_kafka_NewTopic_set_config(nt, "retention.ms", std::to_string(retention->count()).c_str());
    wanted.push_back(nt);
  }
  if (wanted.empty()) return;

  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk.get());
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(options, static_cast<int>(timeout.count()), errstr, sizeof errstr);
  rd_kafka_CreateTopics(rk.get(), wanted.data(), wanted.size(), options, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 1000);
  std::string failure;
  if (!event) {
    failure = "no answer to CreateTopics within " + std::to_string(timeout.count()) + " ms";
  } else if (rd_kafka_event_error(event)) {
    failure = rd_kafka_event_error_string(event);
  } else {
    size_t count = 0;
    const auto* result = rd_kafka_event_CreateTopics_result(event);
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
    for (size_t i = 0; i < count; ++i) {
      auto err = rd_kafka_topic_result_error(results[i]);
      std::string name = rd_kafka_topic_result_name(results[i]);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        log::info("topic created", {{"topic", name}});
      } else if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        const char* msg = rd_kafka_topic_result_error_string(results[i]);
        failure += "topic " + name + ": " + (msg ? msg : rd_kafka_err2str(err)) + "; ";
      }
    }
  }
  if (event) rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy_array(wanted.data(), wanted.size());
  if (!failure.empty()) throw std::runtime_error("cannot create topics: " + failure);
}

}  // namespace vigie::bus
