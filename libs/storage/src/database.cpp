#include "vigie/storage/database.h"

#include <algorithm>

#include <pqxx/pqxx>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "connection_pool.h"
#include "session_errors.h"
#include "vigie/log/log.h"
#include "vigie/storage/pause.h"

namespace vigie::storage {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

}  // namespace

struct Database::Metrics {
  explicit Metrics(prometheus::Registry& registry)
      : connected(prometheus::BuildGauge()
                      .Name("vigie_database_connected")
                      .Help("1 while the latest attempt to use the database succeeded")
                      .Register(registry)
                      .Add({})),
        retries(prometheus::BuildCounter()
                    .Name("vigie_database_retries_total")
                    .Help("Transactions run again, by reason: the connection was lost, or the "
                          "server aborted them as a serialization failure or deadlock")
                    .Register(registry)),
        connection_retries(retries.Add({{"reason", "connection"}})),
        conflict_retries(retries.Add({{"reason", "conflict"}})) {}

  prometheus::Gauge& connected;
  prometheus::Family<prometheus::Counter>& retries;
  prometheus::Counter& connection_retries;
  prometheus::Counter& conflict_retries;
};

Database::Database(DatabaseOptions options, prometheus::Registry& metrics)
    : options_(std::move(options)),
      target_(parse_connection_target(options_.url)),
      pool_(std::make_unique<ConnectionPool>(options_.url, options_.pool_size)),
      metrics_(std::make_unique<Metrics>(metrics)) {}

Database::~Database() = default;

void Database::mark(bool connected, const std::string& error) {
  metrics_->connected.Set(connected ? 1 : 0);
  const State now = connected ? State::up : State::down;
  const State before = state_.exchange(now);
  if (before == now) return;
  if (connected) {
    log::info("database reachable", {{"database", target_.describe()}});
  } else {
    log::warn("database unreachable: waiting for it",
              {{"database", target_.describe()}, {"error", error}});
  }
}

void Database::run(const std::function<void(pqxx::connection&)>& fn,
                   std::optional<milliseconds> patience, std::stop_token stop) {
  const milliseconds wait = patience.value_or(options_.patience);
  const auto deadline = steady_clock::now() + wait;
  milliseconds backoff = options_.initial_backoff;
  while (true) {
    if (stop.stop_requested())
      throw DatabaseUnavailable("stopped while waiting for the database (" + target_.describe() + ")");
    std::optional<ConnectionPool::Lease> lease;
    std::string failure;
    bool lost = true;
    try {
      std::optional<ConnectionPool::Lease> acquired = pool_->acquire(deadline);
      if (!acquired)
        throw DatabaseUnavailable("no database connection free within " + std::to_string(wait.count()) +
                                  " ms (pool of " + std::to_string(options_.pool_size) + ")");
      lease.emplace(std::move(*acquired));
      fn(**lease);
      mark(true, "");
      return;
    } catch (const pqxx::in_doubt_error& e) {
      mark(false, e.what());
      throw StorageError("the connection to the database (" + target_.describe() +
                         ") was lost while committing: the transaction may or may not have been "
                         "applied: " + e.what());
    } catch (const pqxx::broken_connection& e) {
      failure = e.what();
    } catch (const pqxx::transaction_rollback& e) {
      failure = e.what();
      lost = lease && !(**lease).is_open();
    } catch (const pqxx::sql_error& e) {
      if (!session_lost(e.sqlstate()) && lease && (**lease).is_open()) throw;
      failure = e.what();
    } catch (const pqxx::failure& e) {
      // pqxx reports some losses (say, while reading a result) as a plain failure.
      if (!lease || (**lease).is_open()) throw;
      failure = e.what();
    }
    if (lost) {
      if (lease) lease->discard();
      mark(false, failure);
      metrics_->connection_retries.Increment();
    } else {
      metrics_->conflict_retries.Increment();
    }
    lease.reset();
    if (steady_clock::now() + backoff > deadline)
      throw DatabaseUnavailable("database (" + target_.describe() + ") unavailable for " +
                                std::to_string(wait.count()) + " ms: " + failure);
    pause(backoff, stop);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

bool Database::wait_until_connected(std::stop_token stop) {
  while (!stop.stop_requested()) {
    try {
      run([](pqxx::connection& c) { pqxx::nontransaction(c).exec("SELECT 1"); }, std::nullopt, stop);
      return true;
    } catch (const DatabaseUnavailable&) {
      // Keep waiting: the caller asked for the database, not for a bound.
    }
  }
  return false;
}

}  // namespace vigie::storage
