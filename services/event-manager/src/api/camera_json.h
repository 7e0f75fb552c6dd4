// Cameras and analyses in the REST API's JSON (docs/openapi.yaml): read
// strictly from request bodies, written for answers. Credentials are read, never
// written: an answer says only whether the camera has some.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "analysis_store.h"
#include "camera.h"
#include "vigie/v1/camera.pb.h"

namespace vigie::event_manager::api {

// web::BadRequest naming the field for a wrong type, an unknown field or an
// unknown enum name; the stores check the values themselves.
CameraInput camera_from_json(const nlohmann::json& body);
nlohmann::json camera_to_json(const CameraRecord& record);

v1::Analysis analysis_from_json(const nlohmann::json& body);
nlohmann::json analysis_to_json(const AnalysisRecord& record);

}  // namespace vigie::event_manager::api
