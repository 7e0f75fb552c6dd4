// What a WebSocket client asked to receive: alert types and a map area. A
// message without a type or a position (a camera's status) passes that part of
// the filter, so every client gets it.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace vigie::event_manager::web {

struct GeoPoint {
  double latitude = 0;
  double longitude = 0;
};

// [min_longitude, min_latitude, max_longitude, max_latitude], as GeoJSON
// orders a bbox. min_longitude > max_longitude crosses the antimeridian.
struct BoundingBox {
  double min_longitude = -180;
  double min_latitude = -90;
  double max_longitude = 180;
  double max_latitude = 90;

  bool contains(const GeoPoint& point) const;
};

struct Subscription {
  std::optional<std::set<std::string>> types;  // nullopt: every type
  std::optional<BoundingBox> bbox;             // nullopt: everywhere

  bool accepts(const std::optional<std::string>& type, const std::optional<GeoPoint>& position) const;
  // {"types": [...] or null, "bbox": [...] or null}
  nlohmann::json to_json() const;
};

// Reads {"subscribe": {"types": ["police", ...], "bbox": [minLon, minLat, maxLon,
// maxLat]}}; either may be left out or null for "all". BadRequest naming the
// field ("subscribe.bbox[2]") for anything else: unknown fields, an empty or
// oversized type list, coordinates out of range, min latitude above max.
Subscription parse_subscribe(std::string_view text);

}  // namespace vigie::event_manager::web
