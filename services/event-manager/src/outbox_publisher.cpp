#include "outbox_publisher.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>
#include <pqxx/pqxx>

#include "vigie/log/log.h"
#include "vigie/storage/pause.h"
#include "vigie/storage/text_array.h"

namespace vigie::event_manager {
namespace {

using std::chrono::milliseconds;

// How long one database step may wait before the loop backs off and retries.
constexpr milliseconds kDatabasePatience{10'000};

}  // namespace

OutboxPublisher::OutboxPublisher(storage::Database& database, bus::Producer& producer, OutboxTable table,
                                 OutboxPublisherOptions options, prometheus::Registry& metrics)
    : database_(database),
      producer_(producer),
      table_(std::move(table)),
      options_(options),
      published_(
          prometheus::BuildCounter().Name(table_.published_metric).Help(table_.published_help).Register(metrics)),
      failures_(prometheus::BuildCounter().Name(table_.failures_metric).Help(table_.failures_help).Register(metrics)) {
  published_.Add({{"kind", table_.kind}});
  if (table_.tombstones) published_.Add({{"kind", "tombstone"}});
  failures_.Add({});
}

OutboxPublisher::~OutboxPublisher() { stop(); }

void OutboxPublisher::start(Prepare prepare) {
  thread_ = std::jthread([this, prepare = std::move(prepare)](std::stop_token stop) { run(stop, prepare); });
}

void OutboxPublisher::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

void OutboxPublisher::run(std::stop_token stop, const Prepare& prepare) {
  if (prepare) {
    retry(
        "cannot prepare the outbox",
        [&] {
          prepare(stop);
          return true;
        },
        stop);
  }
  retry(
      "outbox not published",
      [&] {
        // A full batch means more may wait: go on at once.
        if (publish_batch(stop) < options_.batch_size) storage::pause(options_.poll_interval, stop);
        return false;
      },
      stop);
}

void OutboxPublisher::retry(const char* what, const std::function<bool()>& step, std::stop_token stop) {
  milliseconds backoff = options_.initial_backoff;
  while (!stop.stop_requested()) {
    try {
      if (step()) return;
      backoff = options_.initial_backoff;
    } catch (const std::exception& e) {
      // The Database logs outages itself; anything else is worth an error line.
      if (!dynamic_cast<const storage::DatabaseUnavailable*>(&e))
        log::error(std::string(what) + ": retrying",
                   {{"table", table_.table}, {"error", e.what()}, {"retry_in_ms", backoff.count()}});
      storage::pause(backoff, stop);
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
}

std::size_t OutboxPublisher::publish_batch(std::stop_token stop) {
  struct Outcome {
    std::size_t published = 0;
    bool watched_published = false;
  };
  const int64_t watched = watched_;
  const Outcome outcome = database_.with_transaction(
      [&](pqxx::work& tx) -> Outcome {
        Outcome out;
        // Another instance may hold it: then it publishes, and this one only looks.
        if (tx.exec_params1("SELECT pg_try_advisory_xact_lock($1)", table_.lock_key)[0].as<bool>()) {
          const pqxx::result rows = tx.exec_params(
              "SELECT id, " + table_.key_column + ", payload FROM " + table_.table + " ORDER BY id LIMIT $1",
              options_.batch_size);
          std::vector<std::string> done;
          for (const auto& row : rows) {
            const std::string key = row[1].as<std::string>();
            std::optional<std::string> payload;
            if (!row[2].is_null()) payload = pqxx::binarystring(row[2]).str();
            if (!deliver(key, payload ? &*payload : nullptr, stop)) break;
            done.push_back(row[0].as<std::string>());
          }
          if (!done.empty())
            tx.exec_params0("DELETE FROM " + table_.table + " WHERE id = ANY($1::bigint[])",
                            storage::text_array_literal(done));
          out.published = done.size();
        }
        out.watched_published =
            tx.exec_params1("SELECT NOT EXISTS (SELECT 1 FROM " + table_.table + " WHERE id <= $1)", watched)[0]
                .as<bool>();
        return out;
      },
      kDatabasePatience, stop);
  if (outcome.watched_published && watched == watched_ && !watched_published_.exchange(true))
    log::info("outbox published through the row watched", {{"table", table_.table}, {"row", watched}});
  return outcome.published;
}

bool OutboxPublisher::deliver(const std::string& key, const std::string* payload, std::stop_token stop) {
  const auto* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(bus::topic_message(table_.topic));
  std::unique_ptr<google::protobuf::Message> message(prototype->New());
  if (payload && !message->ParseFromString(*payload))
    throw std::runtime_error(table_.table + ": the message for " + key + " does not parse as " +
                             message->GetTypeName());
  const std::string kind = payload ? table_.kind : "tombstone";
  milliseconds backoff = options_.initial_backoff;
  while (!stop.stop_requested()) {
    try {
      if (payload)
        producer_.send_and_wait(table_.topic, key, *message, {}, options_.send_timeout);
      else
        producer_.send_tombstone_and_wait(table_.topic, key, options_.send_timeout);
      published_.Add({{"kind", kind}}).Increment();
      log::debug("outbox message published", {{"table", table_.table}, {"key", key}, {"kind", kind}});
      return true;
    } catch (const bus::DeliveryError& e) {
      failures_.Add({}).Increment();
      log::warn("outbox message not published yet: retrying",
                {{"table", table_.table}, {"key", key}, {"error", e.what()}, {"retry_in_ms", backoff.count()}});
      storage::pause(backoff, stop);
      // The message stays queued in the producer and leaves once the broker is
      // back: waiting for that makes an outage cost one duplicate, not one per retry.
      while (!stop.stop_requested() && !producer_.flush(std::chrono::seconds(1))) {
      }
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
  return false;
}

}  // namespace vigie::event_manager
