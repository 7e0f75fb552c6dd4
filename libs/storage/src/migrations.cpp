#include "vigie/storage/migrations.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>

#include <pqxx/pqxx>

#include "session_errors.h"
#include "vigie/log/log.h"
#include "vigie/storage/sql_script.h"

namespace vigie::storage {
namespace {

// "vigie.mg" in ASCII: the advisory lock key instances take turns on while they
// migrate. No other Vigie lock uses it.
constexpr long long kMigrationLock = 0x7669676965'2e6d67;

constexpr const char* kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY CHECK (version > 0),
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";

struct Recorded {
  std::string name;
  std::string checksum;
};

void take_lock(pqxx::work& tx) { tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock); }

std::string label_of(int version, const std::string& name) {
  char number[16];
  std::snprintf(number, sizeof number, "%04d", version);
  return std::string(number) + "_" + name;
}

// Compares what the database recorded for a migration with the migration itself.
void check_recorded(const Migration& m, const Recorded& recorded) {
  if (recorded.name != m.name) {
    throw MigrationError("migration " + std::to_string(m.version) + " was applied as " +
                         label_of(m.version, recorded.name) + " but this build calls it " + m.label() +
                         ": an applied migration must never be renumbered or renamed");
  }
  const std::string checksum = migration_checksum(m);
  if (recorded.checksum != checksum) {
    throw MigrationError("migration " + m.label() +
                         " was changed after it was applied (recorded checksum " + recorded.checksum +
                         ", now " + checksum +
                         "): restore its applied text and put the change in a new migration");
  }
}

std::map<int, Recorded> read_recorded(pqxx::work& tx) {
  std::map<int, Recorded> out;
  for (const auto& row : tx.exec("SELECT version, name, checksum FROM schema_migrations"))
    out[row[0].as<int>()] = {row[1].as<std::string>(), row[2].as<std::string>()};
  return out;
}

// A statement's first words on one line, for an error message.
std::string excerpt(const std::string& statement) {
  std::string out;
  for (char c : statement) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
    if (out.size() >= 60) return out + "...";
  }
  return out;
}

void apply(pqxx::work& tx, const Migration& m) {
  const std::vector<SqlStatement> statements = split_sql(m.sql);
  for (size_t i = 0; i < statements.size(); ++i) {
    try {
      tx.exec(statements[i].text);
    } catch (const pqxx::sql_error& e) {
      if (session_lost(e.sqlstate()) || !tx.conn().is_open()) throw;  // for the Database to retry
      std::string reason = e.what();
      while (!reason.empty() && std::isspace(static_cast<unsigned char>(reason.back()))) reason.pop_back();
      throw MigrationError("migration " + m.label() + ": statement " + std::to_string(i + 1) + " of " +
                           std::to_string(statements.size()) + " (line " +
                           std::to_string(statements[i].line) + ": " + excerpt(statements[i].text) +
                           ") failed: " + reason);
    }
  }
}

}  // namespace

std::string Migration::label() const { return label_of(version, name); }

std::string migration_checksum(const Migration& migration) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(migration.sql.data(), migration.sql.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw StorageError("SHA-256 of migration " + migration.label() + " failed");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

int migrate(Database& database, const std::vector<Migration>& migrations,
            std::optional<std::chrono::milliseconds> patience) {
  std::vector<const Migration*> ordered;
  for (const auto& m : migrations) ordered.push_back(&m);
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  for (size_t i = 0; i < ordered.size(); ++i) {
    if (ordered[i]->version <= 0 || ordered[i]->name.empty())
      throw std::invalid_argument("migration " + ordered[i]->label() + ": needs a positive version and a name");
    if (i > 0 && ordered[i]->version == ordered[i - 1]->version)
      throw std::invalid_argument("migrations " + ordered[i - 1]->label() + " and " + ordered[i]->label() +
                                  " share a version");
  }

  database.with_transaction([&](pqxx::work& tx) {
    take_lock(tx);
    tx.exec0(kCreateTable);
    const std::map<int, Recorded> recorded = read_recorded(tx);
    std::set<int> known;
    for (const Migration* m : ordered) {
      known.insert(m->version);
      if (auto it = recorded.find(m->version); it != recorded.end()) {
        check_recorded(*m, it->second);
      } else if (!recorded.empty() && recorded.rbegin()->first > m->version) {
        throw MigrationError("migration " + m->label() + " is new but migration " +
                             label_of(recorded.rbegin()->first, recorded.rbegin()->second.name) +
                             " is applied already: new migrations must come after every applied one");
      }
    }
    for (const auto& [version, r] : recorded) {
      if (!known.contains(version)) {
        log::warn("the database has a migration this build does not know (a newer build ran against it)",
                  {{"migration", label_of(version, r.name)}});
      }
    }
  }, patience);

  int applied = 0;
  for (const Migration* m : ordered) {
    // Each in its own transaction, under the lock: another instance may have
    // applied it since the check above.
    const bool done = database.with_transaction([&](pqxx::work& tx) {
      take_lock(tx);
      auto row = tx.exec_params("SELECT name, checksum FROM schema_migrations WHERE version = $1", m->version);
      if (!row.empty()) {
        check_recorded(*m, {row[0][0].as<std::string>(), row[0][1].as<std::string>()});
        return false;
      }
      apply(tx, *m);
      tx.exec_params0("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                      m->version, m->name, migration_checksum(*m));
      return true;
    }, patience);
    if (done) {
      ++applied;
      log::info("migration applied", {{"migration", m->label()}});
    }
  }
  log::info("database schema up to date",
            {{"database", database.target().describe()},
             {"version", ordered.empty() ? 0 : ordered.back()->version},
             {"applied", applied}});
  return applied;
}

}  // namespace vigie::storage
