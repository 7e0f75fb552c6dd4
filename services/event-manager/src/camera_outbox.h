// Writing to the cameras topic's outbox (table camera_outbox), inside the
// transaction that makes the change, so the message exists exactly when the
// change does. CameraPublisher sends the rows.
#pragma once

#include <cstdint>
#include <string>

#include <pqxx/pqxx>

#include "vigie/v1/camera.pb.h"

namespace vigie::event_manager {

// The camera as it now is (credentials token included), to be published under
// its id. Returns the row's id.
int64_t enqueue_camera(pqxx::transaction_base& tx, const v1::Camera& camera);
// A tombstone: the camera is deleted.
void enqueue_tombstone(pqxx::transaction_base& tx, const std::string& camera_id);

}  // namespace vigie::event_manager
