// PostgreSQL through libpqxx: a small pool of connections and transactions that
// ride out a database outage. A transaction that loses its connection (server
// restarted, network cut, too many clients) is run again on a fresh connection
// after a backoff, for as long as its caller is willing to wait; any other error
// reaches the caller unchanged.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <type_traits>

#include <pqxx/pqxx>

#include "vigie/storage/connection_target.h"

namespace prometheus {
class Registry;
}

namespace vigie::storage {

// A failure of the storage layer, saying what was being done.
class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The database stayed unreachable for longer than the caller would wait, or the
// caller asked to stop while waiting.
class DatabaseUnavailable : public StorageError {
 public:
  using StorageError::StorageError;
};

struct DatabaseOptions {
  // libpq key=value string or postgresql:// URI. It may hold a password: it is
  // never logged nor put in an error message; target() says where it points.
  std::string url;
  std::size_t pool_size = 4;
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5'000};
  // How long a transaction waits for the database when its caller names no bound.
  std::chrono::milliseconds patience{30'000};
};

class ConnectionPool;

class Database {
 public:
  // Checks the connection string (std::invalid_argument, without quoting it) and
  // registers vigie_database_* metrics; connects lazily, on first use.
  Database(DatabaseOptions options, prometheus::Registry& metrics);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs fn(pqxx::work&) in a transaction and commits it when fn returns, giving
  // back what fn returns. fn is run again from the start when the connection is
  // lost or the server cancels the transaction as a serialization failure or
  // deadlock, so it must not have effects outside the transaction that cannot be
  // repeated. Throws DatabaseUnavailable after patience without a working
  // connection, or as soon as stop is requested while waiting for one.
  template <class F>
  auto with_transaction(F&& fn, std::optional<std::chrono::milliseconds> patience = std::nullopt,
                        std::stop_token stop = {}) -> std::invoke_result_t<F&, pqxx::work&> {
    using Result = std::invoke_result_t<F&, pqxx::work&>;
    if constexpr (std::is_void_v<Result>) {
      run([&](pqxx::connection& c) {
        pqxx::work tx(c);
        fn(tx);
        tx.commit();
      }, patience, stop);
    } else {
      std::optional<Result> result;
      run([&](pqxx::connection& c) {
        pqxx::work tx(c);
        result.emplace(fn(tx));
        tx.commit();
      }, patience, stop);
      return std::move(*result);
    }
  }

  // Blocks until a connection can be opened (true), or stop is requested (false).
  bool wait_until_connected(std::stop_token stop);

  // Whether the latest attempt to reach the server succeeded: for /readyz.
  bool connected() const { return state_ == State::up; }
  const ConnectionTarget& target() const { return target_; }

 private:
  void run(const std::function<void(pqxx::connection&)>& fn,
           std::optional<std::chrono::milliseconds> patience, std::stop_token stop);
  void mark(bool connected, const std::string& error);

  DatabaseOptions options_;
  ConnectionTarget target_;
  std::unique_ptr<ConnectionPool> pool_;
  enum class State { unknown, up, down };
  std::atomic<State> state_{State::unknown};
  struct Metrics;
  std::unique_ptr<Metrics> metrics_;
};

}  // namespace vigie::storage
