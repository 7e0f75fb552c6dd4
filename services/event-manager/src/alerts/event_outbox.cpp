#include "alerts/event_outbox.h"

namespace vigie::event_manager {

OutboxTable event_outbox_table() {
  return {.table = "event_outbox",
          .key_column = "camera_id",
          .topic = bus::Topic::events,
          // "vigie.ev" in ASCII: held by the instance publishing a batch of the outbox.
          .lock_key = 0x7669676965'2e6576,
          .kind = "event",
          .tombstones = false,
          .published_metric = "vigie_event_manager_events_published_total",
          .published_help = "Alert changes of the event outbox acknowledged on the events topic",
          .failures_metric = "vigie_event_manager_event_publish_failures_total",
          .failures_help = "Sends to the events topic not acknowledged in time or refused, each retried"};
}

void enqueue_event(pqxx::transaction_base& tx, const AlertRecord& alert) {
  tx.exec_params0("INSERT INTO event_outbox (camera_id, alert_id, payload) VALUES ($1, $2::uuid, $3)", alert.camera_id,
                  alert.id, pqxx::binarystring(to_event(alert).SerializeAsString()));
}

}  // namespace vigie::event_manager
