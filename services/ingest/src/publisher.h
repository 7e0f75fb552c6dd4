// Where a camera worker's frames and status go: the bus in the service, a
// recorder in tests.
#pragma once

#include "vigie/v1/frame.pb.h"
#include "vigie/v1/status.pb.h"

namespace vigie::ingest {

class Publisher {
 public:
  virtual ~Publisher() = default;
  // Returns false when the frame could not be queued (broker away for long).
  virtual bool publish_frame(const v1::Frame& frame) = 0;
  virtual void publish_status(const v1::CameraStatus& status) = 0;
};

}  // namespace vigie::ingest
