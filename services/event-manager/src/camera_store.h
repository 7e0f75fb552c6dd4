// Cameras in PostgreSQL. Every change is one transaction that raises the camera's
// revision, writes its audit row and its cameras-topic message (camera_outbox),
// so the database, the audit log and what the other services are told never
// disagree. Credentials arrive in clear, are sealed with Fernet before any SQL
// sees them, and never come back out: readers learn only whether there are some.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "camera.h"
#include "vigie/crypto/fernet.h"
#include "vigie/storage/database.h"

namespace vigie::event_manager {

class CameraStore {
 public:
  // Without a Fernet key, a camera cannot be given credentials (ValidationError
  // on "credentials"); cameras stored with some keep them.
  CameraStore(storage::Database& database, std::optional<crypto::Fernet> fernet);

  // Every change names its actor ("user:alice") for the audit log, and throws
  // ValidationError for a bad value (an unknown analysis included).
  // Conflict when the id is taken.
  CameraRecord create(const CameraInput& camera, const std::string& actor);
  // Replaces everything but the id (and the credentials, as input.credentials
  // says). NotFound when there is no such camera.
  CameraRecord update(const CameraInput& camera, const std::string& actor);
  CameraRecord set_enabled(const std::string& id, bool enabled, const std::string& actor);
  // NotFound when there is no such camera.
  void remove(const std::string& id, const std::string& actor);

  std::optional<CameraRecord> get(const std::string& id) const;
  std::vector<CameraRecord> list() const;

 private:
  std::optional<std::string> seal(const CameraInput& camera) const;

  storage::Database& database_;
  std::optional<crypto::Fernet> fernet_;
};

}  // namespace vigie::event_manager
