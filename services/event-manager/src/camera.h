// A camera as the camera store takes it from a caller and gives it back.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "vigie/crypto/credentials.h"
#include "vigie/v1/camera.pb.h"

namespace vigie::event_manager {

// What an update does to the stored credentials: they are write-only, so "keep"
// is how a caller that never saw them leaves them alone.
struct KeepCredentials {};
struct RemoveCredentials {};
using CredentialsChange = std::variant<KeepCredentials, RemoveCredentials, crypto::Credentials>;

struct CameraInput {
  std::string id;
  std::string name;
  bool enabled = true;
  v1::Source analysis_stream;
  std::optional<v1::Source> recording_stream;
  double latitude = 0;
  double longitude = 0;
  v1::FrameSettings frames;  // 0 = the service's default
  v1::MotionSettings motion;
  std::vector<std::string> analyses;  // names
  CredentialsChange credentials = KeepCredentials{};
};

struct CameraRecord {
  // As published on the cameras topic (analyses in full, revision, updated_at),
  // except credentials_token, which is always empty here.
  v1::Camera camera;
  bool has_credentials = false;
  std::chrono::system_clock::time_point created_at;
};

}  // namespace vigie::event_manager
