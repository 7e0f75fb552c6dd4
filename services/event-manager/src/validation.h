// The rules a camera or an analysis must follow before it is stored: what the
// schema's constraints enforce, said first with the field's name, plus what only
// the services reading the cameras topic would otherwise notice (a URL scheme
// that does not fit the stream kind, credentials written into a URL).
#pragma once

#include "camera.h"
#include "vigie/v1/camera.pb.h"

namespace vigie::event_manager {

// Throw ValidationError naming the first field at fault. Whether the named
// analyses exist is the store's check, against the database.
void validate_camera(const CameraInput& camera);
void validate_analysis(const v1::Analysis& analysis);

}  // namespace vigie::event_manager
