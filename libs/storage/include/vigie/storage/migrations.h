// Schema changes as numbered SQL scripts, applied at start in order, each in its
// own transaction, and recorded in schema_migrations with a checksum of its text.
// Instances starting together take turns on an advisory lock; a script already
// applied is skipped, and one whose text changed since it was applied stops the
// start, since the database no longer matches what the code expects.
#pragma once

#include <string>
#include <vector>

#include "vigie/storage/database.h"

namespace vigie::storage {

struct Migration {
  int version = 0;   // 1, 2 ... from the file name 0001_name.sql
  std::string name;  // the rest of the file name, e.g. "cameras"
  std::string sql;   // statements separated by semicolons

  // "0002_alerts", as the file was named.
  std::string label() const;
};

// A migration that cannot be applied, or that disagrees with what the database
// recorded. The message names the migration and, for a failed statement, its
// number, line and first words.
class MigrationError : public StorageError {
 public:
  using StorageError::StorageError;
};

// SHA-256 of the script's text, in hex: what schema_migrations records.
std::string migration_checksum(const Migration& migration);

// Applies the migrations the database has not recorded yet, in ascending version
// order, and returns how many it applied. Throws MigrationError when a recorded
// migration's checksum or name differs from the given one, when a new migration
// has a lower version than one already applied, or when a statement fails; the
// versions given must be unique (std::invalid_argument otherwise). Versions the
// database recorded but that are not given (a newer build ran) are logged and
// left alone. Waits for the database up to patience.
int migrate(Database& database, const std::vector<Migration>& migrations,
            std::optional<std::chrono::milliseconds> patience = std::nullopt);

}  // namespace vigie::storage
