#include "camera_outbox.h"

#include <pqxx/pqxx>

namespace vigie::event_manager {

int64_t enqueue_camera(pqxx::transaction_base& tx, const v1::Camera& camera) {
  return tx
      .exec_params1("INSERT INTO camera_outbox (camera_id, payload) VALUES ($1, $2) RETURNING id", camera.id(),
                    pqxx::binarystring(camera.SerializeAsString()))[0]
      .as<int64_t>();
}

void enqueue_tombstone(pqxx::transaction_base& tx, const std::string& camera_id) {
  tx.exec_params0("INSERT INTO camera_outbox (camera_id, payload) VALUES ($1, NULL)", camera_id);
}

}  // namespace vigie::event_manager
