// The events topic's transactional outbox (table event_outbox): every change of
// an alert writes its vigie.v1.Event there in the transaction that makes the
// change, and an OutboxPublisher over event_outbox_table() sends the rows,
// keyed by camera id so that one camera's events (and so each alert's
// revisions) stay in order on one partition.
#pragma once

#include <pqxx/pqxx>

#include "alerts/alert.h"
#include "outbox_publisher.h"

namespace vigie::event_manager {

// For an OutboxPublisher with a producer of its own.
OutboxTable event_outbox_table();

void enqueue_event(pqxx::transaction_base& tx, const AlertRecord& alert);

}  // namespace vigie::event_manager
