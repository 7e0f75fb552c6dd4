// The wait between two tries of a loop that rides out an outage (the database's
// retries, the outbox publishers'), cut short when the loop is asked to stop.
#pragma once

#include <chrono>
#include <stop_token>

namespace vigie::storage {

// Sleeps for duration, or returns as soon as stop is requested.
void pause(std::chrono::milliseconds duration, const std::stop_token& stop);

}  // namespace vigie::storage
