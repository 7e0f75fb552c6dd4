#include "web/subscription.h"

#include "web/bad_request.h"
#include "web/json_body.h"

namespace vigie::event_manager::web {
namespace {

constexpr std::size_t kMaxTypes = 32;
constexpr std::size_t kMaxTypeLength = 64;

}  // namespace

bool BoundingBox::contains(const GeoPoint& point) const {
  if (point.latitude < min_latitude || point.latitude > max_latitude) return false;
  if (min_longitude <= max_longitude) {
    return point.longitude >= min_longitude && point.longitude <= max_longitude;
  }
  return point.longitude >= min_longitude || point.longitude <= max_longitude;
}

bool Subscription::accepts(const std::optional<std::string>& type, const std::optional<GeoPoint>& position) const {
  if (types && type && !types->count(*type)) return false;
  if (bbox && position && !bbox->contains(*position)) return false;
  return true;
}

nlohmann::json Subscription::to_json() const {
  nlohmann::json out;
  out["types"] = types ? nlohmann::json(*types) : nlohmann::json(nullptr);
  out["bbox"] =
      bbox ? nlohmann::json::array({bbox->min_longitude, bbox->min_latitude, bbox->max_longitude, bbox->max_latitude})
           : nlohmann::json(nullptr);
  return out;
}

Subscription parse_subscribe(std::string_view text) {
  nlohmann::json message = parse_json_object(text);
  FieldReader envelope(message);
  envelope.only({"subscribe"});
  FieldReader request = envelope.object("subscribe");
  request.only({"types", "bbox"});

  Subscription subscription;
  if (request.has("types")) {
    auto types = request.strings("types");
    if (types.empty()) {
      throw BadRequest("subscribe.types", "give at least one type, or leave it out for every type");
    }
    if (types.size() > kMaxTypes) {
      throw BadRequest("subscribe.types", "at most " + std::to_string(kMaxTypes) + " types");
    }
    for (std::size_t i = 0; i < types.size(); ++i) {
      if (types[i].empty() || types[i].size() > kMaxTypeLength) {
        throw BadRequest("subscribe.types[" + std::to_string(i) + "]",
                         "must be 1 to " + std::to_string(kMaxTypeLength) + " characters");
      }
    }
    subscription.types.emplace(types.begin(), types.end());
  }
  if (request.has("bbox")) {
    const auto& values = request.array("bbox");
    if (values.size() != 4) {
      throw BadRequest("subscribe.bbox", "must be [minLon, minLat, maxLon, maxLat]");
    }
    double corner[4];
    for (std::size_t i = 0; i < 4; ++i) {
      std::string field = "subscribe.bbox[" + std::to_string(i) + "]";
      if (!values[i].is_number()) throw BadRequest(field, "must be a number");
      corner[i] = values[i].get<double>();
      double limit = i % 2 == 0 ? 180 : 90;
      if (!(corner[i] >= -limit && corner[i] <= limit)) {
        throw BadRequest(field,
                         i % 2 == 0 ? "longitude must be between -180 and 180" : "latitude must be between -90 and 90");
      }
    }
    if (corner[1] > corner[3]) {
      throw BadRequest("subscribe.bbox", "min latitude is above max latitude");
    }
    subscription.bbox = BoundingBox{corner[0], corner[1], corner[2], corner[3]};
  }
  return subscription;
}

}  // namespace vigie::event_manager::web
