#include "camera_rows.h"

#include <map>
#include <stdexcept>

#include <google/protobuf/util/time_util.h>
#include <pqxx/pqxx>

#include "analysis_rows.h"
#include "proto_json.h"
#include "schema_enums.h"
#include "vigie/bus/topics.h"

namespace vigie::event_manager {
namespace {

using google::protobuf::util::TimeUtil;

void read_source(const pqxx::row& row, int kind, int url, int transport, v1::Source& out) {
  out.set_kind(source_kind_from_db(row[kind].as<std::string>()));
  out.set_url(row[url].as<std::string>());
  out.set_rtsp_transport(rtsp_transport_from_db(row[transport].as<std::string>()));
}

v1::MotionSettings read_motion(const std::string& camera_id, const std::string& json) {
  v1::MotionSettings motion;
  try {
    from_json_text(json, motion);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("camera " + camera_id + ": motion settings in the database: " + e.what());
  }
  return motion;
}

}  // namespace

std::vector<StoredCamera> load_cameras(pqxx::transaction_base& tx, const CameraFilter& filter) {
  const pqxx::result rows = tx.exec_params(
      "SELECT c.id, c.name, c.enabled, c.analysis_kind, c.analysis_url, c.analysis_rtsp_transport, "
      "c.snapshot_interval_ms, c.snapshot_min_hash_distance, c.recording_kind, c.recording_url, "
      "c.recording_rtsp_transport, c.latitude, c.longitude, c.credentials_token, c.frames_fps, "
      "c.frames_width, c.frames_decode_mode, c.frames_frozen_after_ms, c.motion::text, c.revision, "
      "(extract(epoch FROM c.updated_at) * 1000000)::bigint, "
      "(extract(epoch FROM c.created_at) * 1000000)::bigint "
      "FROM cameras c "
      "WHERE ($1::text IS NULL OR c.id = $1) AND ($2::bigint IS NULL OR c.id IN "
      "(SELECT camera_id FROM camera_analyses WHERE analysis_id = $2)) "
      "ORDER BY c.id",
      filter.id, filter.runs_analysis);

  std::vector<StoredCamera> out;
  std::map<std::string, size_t> index;
  for (const auto& row : rows) {
    StoredCamera stored;
    v1::Camera& c = stored.camera;
    c.set_schema_version(bus::kSchemaVersion);
    c.set_id(row[0].as<std::string>());
    c.set_name(row[1].as<std::string>());
    c.set_enabled(row[2].as<bool>());
    read_source(row, 3, 4, 5, *c.mutable_analysis_stream());
    c.mutable_analysis_stream()->set_snapshot_interval_ms(row[6].as<uint32_t>(0));
    c.mutable_analysis_stream()->set_snapshot_min_hash_distance(row[7].as<uint32_t>(0));
    if (!row[8].is_null()) read_source(row, 8, 9, 10, *c.mutable_recording_stream());
    c.mutable_position()->set_latitude(row[11].as<double>());
    c.mutable_position()->set_longitude(row[12].as<double>());
    c.set_credentials_token(row[13].as<std::string>(""));
    c.mutable_frames()->set_fps(row[14].as<float>(0));
    c.mutable_frames()->set_width(row[15].as<uint32_t>(0));
    c.mutable_frames()->set_decode_mode(decode_mode_from_db(row[16].as<std::string>()));
    c.mutable_frames()->set_frozen_after_ms(row[17].as<uint32_t>(0));
    *c.mutable_motion() = read_motion(c.id(), row[18].as<std::string>());
    c.set_revision(row[19].as<uint64_t>());
    *c.mutable_updated_at() = TimeUtil::MicrosecondsToTimestamp(row[20].as<int64_t>());
    stored.created_at = std::chrono::system_clock::time_point(std::chrono::microseconds(row[21].as<int64_t>()));
    index[c.id()] = out.size();
    out.push_back(std::move(stored));
  }

  const pqxx::result analyses = tx.exec_params(
      std::string("SELECT ca.camera_id, ") + kAnalysisColumns +
          " FROM camera_analyses ca JOIN analyses a ON a.id = ca.analysis_id "
          "WHERE ($1::text IS NULL OR ca.camera_id = $1) AND ($2::bigint IS NULL OR ca.camera_id IN "
          "(SELECT camera_id FROM camera_analyses WHERE analysis_id = $2)) "
          "ORDER BY ca.camera_id, a.name",
      filter.id, filter.runs_analysis);
  for (const auto& row : analyses) {
    // A camera created between the two statements is not in the list: skip it.
    if (auto it = index.find(row[0].as<std::string>()); it != index.end())
      *out[it->second].camera.add_analyses() = analysis_from_row(row, 1);
  }
  return out;
}

}  // namespace vigie::event_manager
