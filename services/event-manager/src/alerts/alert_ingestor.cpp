#include "alerts/alert_ingestor.h"

#include "alerts/alert_rule.h"
#include "vigie/log/log.h"
#include "vigie/metrics/metrics.h"
#include "vigie/v1/detection.pb.h"
#include "vigie/v1/motion.pb.h"

namespace vigie::event_manager {
namespace {

// Messages that cannot be made idempotent or placed in time go to the dead-letter topic.
std::string check(const bus::Record& record) {
  if (const auto* d = record.as<v1::Detection>()) {
    if (d->detection_id().empty()) return "detection without detection_id";
    if (d->camera_id().empty()) return "detection without camera_id";
    if (!d->has_capture_time()) return "detection without capture_time";
  } else if (const auto* m = record.as<v1::MotionEvent>()) {
    if (m->event_id().empty()) return "motion event without event_id";
    if (m->camera_id().empty()) return "motion event without camera_id";
    if (!m->has_capture_time()) return "motion event without capture_time";
  }
  return "";
}

bus::ConsumerOptions consumer_options(const AlertIngestorOptions& o) {
  bus::ConsumerOptions c;
  c.group_id = o.group_id;
  c.topics = {bus::Topic::detections, bus::Topic::motion};
  c.max_batch = o.max_batch;
  c.max_wait = o.max_wait;
  c.initial_backoff = o.initial_backoff;
  c.max_backoff = o.max_backoff;
  c.validate = check;
  return c;
}

}  // namespace

AlertIngestor::AlertIngestor(storage::Database& database, const bus::BusConfig& config, metrics::Metrics& metrics,
                             bus::Producer& dead_letters, AlertIngestorOptions options, OnChanged on_changed)
    : writer_(database, options.writer, metrics.registry()),
      consumer_(config, "vigie-event-manager", consumer_options(options), metrics, dead_letters),
      on_changed_(std::move(on_changed)) {}

AlertIngestor::~AlertIngestor() { stop(); }

void AlertIngestor::start() {
  thread_ = std::jthread([this](std::stop_token stop) {
    consumer_.run(stop, [this, stop](std::vector<bus::Record>& batch) { handle(batch, stop); });
  });
}

void AlertIngestor::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

void AlertIngestor::handle(std::vector<bus::Record>& batch, std::stop_token stop) {
  // Throws when the batch did not commit: the consumer reads it again.
  const std::vector<AlertRecord> changed = writer_.write(batch, stop);
  if (changed.empty() || !on_changed_) return;
  try {
    on_changed_(changed);
  } catch (const std::exception& e) {
    // Committed already: reading the batch again would only find its ids done.
    log::error("alert change listener failed", {{"alerts", changed.size()}, {"error", e.what()}});
  }
}

}  // namespace vigie::event_manager
