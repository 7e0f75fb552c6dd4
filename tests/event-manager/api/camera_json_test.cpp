#include "camera_json.h"

#include <gtest/gtest.h>

#include "web/bad_request.h"

namespace vigie::event_manager::api {
namespace {

nlohmann::json camera_body() {
  return {{"id", "cam-1"},
          {"name", "Place de la Gare"},
          {"analysis_stream", {{"kind", "rtsp"}, {"url", "rtsp://10.0.0.5/stream1"}, {"rtsp_transport", "udp"}}},
          {"recording_stream", {{"kind", "rtsp"}, {"url", "rtsp://10.0.0.5/stream0"}}},
          {"latitude", 48.8443},
          {"longitude", 2.3744},
          {"frames", {{"fps", 5}, {"width", 640}, {"decode_mode", "keyframes"}}},
          {"motion",
           {{"detector", "mog2"},
            {"sensitivity", 0.7},
            {"masks", {{{"points", {{{"x", 0}, {"y", 0}}, {{"x", 1}, {"y", 0}}, {{"x", 1}, {"y", 0.2}}}}}}},
            {"zones",
             {{{"name", "door"},
               {"area", {{"points", {{{"x", 0.1}, {"y", 0.1}}, {{"x", 0.3}, {"y", 0.1}}, {{"x", 0.3}, {"y", 0.4}}}}}}}}}}},
          {"analyses", {"fire"}},
          {"credentials", {{"username", "viewer"}, {"password", "s3cret-pass"}}}};
}

std::string field_of(const nlohmann::json& body) {
  try {
    camera_from_json(body);
  } catch (const web::BadRequest& e) {
    return e.field();
  }
  return "(accepted)";
}

TEST(CameraJson, ReadsEveryField) {
  const CameraInput c = camera_from_json(camera_body());
  EXPECT_EQ(c.id, "cam-1");
  EXPECT_EQ(c.analysis_stream.kind(), v1::Source::KIND_RTSP);
  EXPECT_EQ(c.analysis_stream.rtsp_transport(), v1::Source::RTSP_TRANSPORT_UDP);
  ASSERT_TRUE(c.recording_stream.has_value());
  EXPECT_EQ(c.recording_stream->url(), "rtsp://10.0.0.5/stream0");
  EXPECT_DOUBLE_EQ(c.latitude, 48.8443);
  EXPECT_EQ(c.frames.decode_mode(), v1::FrameSettings::DECODE_MODE_KEYFRAMES);
  EXPECT_EQ(c.motion.detector(), v1::MotionSettings::DETECTOR_MOG2);
  ASSERT_EQ(c.motion.masks_size(), 1);
  EXPECT_EQ(c.motion.masks(0).points_size(), 3);
  ASSERT_EQ(c.motion.zones_size(), 1);
  EXPECT_EQ(c.motion.zones(0).name(), "door");
  EXPECT_EQ(c.analyses, std::vector<std::string>{"fire"});
  const auto* credentials = std::get_if<crypto::Credentials>(&c.credentials);
  ASSERT_NE(credentials, nullptr);
  EXPECT_EQ(credentials->username, "viewer");
  EXPECT_TRUE(c.enabled);
}

TEST(CameraJson, CredentialsAbsentKeepNullRemove) {
  auto body = camera_body();
  body.erase("credentials");
  EXPECT_TRUE(std::holds_alternative<KeepCredentials>(camera_from_json(body).credentials));
  body["credentials"] = nullptr;
  EXPECT_TRUE(std::holds_alternative<RemoveCredentials>(camera_from_json(body).credentials));
}

TEST(CameraJson, NamesTheFieldAtFault) {
  auto body = camera_body();
  body["colour"] = "red";
  EXPECT_EQ(field_of(body), "colour");

  body = camera_body();
  body["analysis_stream"]["password"] = "x";
  EXPECT_EQ(field_of(body), "analysis_stream.password");

  body = camera_body();
  body["latitude"] = "48.8";
  EXPECT_EQ(field_of(body), "latitude");

  body = camera_body();
  body["analysis_stream"]["kind"] = "webrtc";
  EXPECT_EQ(field_of(body), "analysis_stream.kind");

  body = camera_body();
  body["motion"]["masks"][0]["points"][1]["y"] = "top";
  EXPECT_EQ(field_of(body), "motion.masks[0].points[1].y");

  body = camera_body();
  body["motion"]["zones"][0]["area"]["colour"] = 1;
  EXPECT_EQ(field_of(body), "motion.zones[0].area.colour");

  body = camera_body();
  body.erase("name");
  EXPECT_EQ(field_of(body), "name");

  body = camera_body();
  body["credentials"]["token"] = "abc";
  EXPECT_EQ(field_of(body), "credentials.token");

  body = camera_body();
  body["frames"]["width"] = 640.5;
  EXPECT_EQ(field_of(body), "frames.width");

  body = camera_body();
  body["analyses"] = {"fire", 3};
  EXPECT_EQ(field_of(body), "analyses[1]");

  body = camera_body();
  body["name"] = std::string("Gare\0Nord", 9);
  EXPECT_EQ(field_of(body), "name") << "PostgreSQL text cannot hold NUL";
}

TEST(CameraJson, AWholeNumberMayBeWrittenWithADecimalPoint) {
  auto body = camera_body();
  body["frames"]["width"] = 640.0;
  EXPECT_EQ(camera_from_json(body).frames.width(), 640u);
}

TEST(CameraJson, AnUnknownFieldIsNamedWithTheKnownOnes) {
  auto body = camera_body();
  body["frames"]["fsp"] = 5;
  try {
    camera_from_json(body);
    FAIL() << "accepted frames.fsp";
  } catch (const web::BadRequest& e) {
    EXPECT_EQ(e.field(), "frames.fsp");
    EXPECT_EQ(e.message(), "unknown field; expected one of: decode_mode, fps, frozen_after_ms, width");
  }
}

TEST(CameraJson, AnswerNeverHoldsCredentials) {
  CameraRecord record;
  record.camera.set_id("cam-1");
  record.camera.mutable_analysis_stream()->set_kind(v1::Source::KIND_RTSP);
  record.camera.set_credentials_token("gAAAAAB-token");
  record.has_credentials = true;
  const auto json = camera_to_json(record);
  EXPECT_TRUE(json.at("has_credentials").get<bool>());
  EXPECT_EQ(json.dump().find("gAAAAAB"), std::string::npos);
  EXPECT_FALSE(json.contains("credentials"));
}

TEST(CameraJson, WrittenFormReadsBack) {
  CameraRecord record;
  const CameraInput in = camera_from_json(camera_body());
  record.camera.set_id(in.id);
  record.camera.set_name(in.name);
  record.camera.set_enabled(true);
  *record.camera.mutable_analysis_stream() = in.analysis_stream;
  *record.camera.mutable_recording_stream() = *in.recording_stream;
  record.camera.mutable_position()->set_latitude(in.latitude);
  record.camera.mutable_position()->set_longitude(in.longitude);
  *record.camera.mutable_frames() = in.frames;
  *record.camera.mutable_motion() = in.motion;
  record.camera.add_analyses()->set_name("fire");
  auto json = camera_to_json(record);
  for (const char* read_only : {"has_credentials", "revision", "created_at", "updated_at"}) json.erase(read_only);
  const CameraInput again = camera_from_json(json);
  EXPECT_EQ(again.motion.SerializeAsString(), in.motion.SerializeAsString());
  EXPECT_EQ(again.frames.SerializeAsString(), in.frames.SerializeAsString());
  EXPECT_EQ(again.analysis_stream.SerializeAsString(), in.analysis_stream.SerializeAsString());
}

TEST(AnalysisJson, ReadsAndRefuses) {
  nlohmann::json body = {{"name", "fire"},        {"type", "fire_brigade"}, {"detector", "opencv-dnn:centernet-coco"},
                         {"labels", {"fire"}},    {"min_score", 0.6},       {"positives_needed", 3},
                         {"window_ms", 10000},    {"fps", 1},               {"perimeter_m", 150},
                         {"actions", {"call 18"}}};
  const v1::Analysis a = analysis_from_json(body);
  EXPECT_EQ(a.type(), v1::ALERT_TYPE_FIRE_BRIGADE);
  EXPECT_EQ(a.positives_needed(), 3u);
  body["type"] = "army";
  try {
    analysis_from_json(body);
    FAIL() << "accepted the type army";
  } catch (const web::BadRequest& e) {
    EXPECT_EQ(e.field(), "type");
    EXPECT_NE(e.message().find("police, ambulance, fire_brigade"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace vigie::event_manager::api
