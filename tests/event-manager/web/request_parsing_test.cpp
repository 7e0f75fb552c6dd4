// The pieces of a request the server checks before any handler sees it: the
// path (never normalised, refused when not in normal form), path parameters
// (refused when they could traverse a file system), the query string, routing
// with 404/405, and JSON bodies read strictly.
#include <gtest/gtest.h>

#include "web/bad_request.h"
#include "web/json_body.h"
#include "web/router.h"
#include "web/subscription.h"
#include "web/url.h"

namespace vigie::event_manager::web {
namespace {

// The BadRequest fn throws (status, field, message), or status 0 when none.
struct Refusal {
  unsigned status = 0;
  std::string field;
  std::string message;
};

template <class F>
Refusal refusal_of(F&& fn) {
  try {
    fn();
  } catch (const BadRequest& e) {
    return {e.status(), e.field(), e.message()};
  }
  return {};
}

Response ok(Request&) { return json_response(200, {{"ok", true}}); }

TEST(WebPathTest, SplitsAndDecodesSegments) {
  EXPECT_EQ(path_segments("/"), std::vector<std::string>{""});
  EXPECT_EQ(path_segments("/api/cameras"), (std::vector<std::string>{"api", "cameras"}));
  EXPECT_EQ(path_segments("/api/cameras/"), (std::vector<std::string>{"api", "cameras", ""}));
  EXPECT_EQ(path_segments("/a/b%20c/d+e"), (std::vector<std::string>{"a", "b c", "d+e"}));
  EXPECT_EQ(path_segments("/caf%C3%A9"), std::vector<std::string>{"caf\xc3\xa9"});
}

TEST(WebPathTest, RefusesPathsNotInNormalForm) {
  for (const char* path :
       {"/ui/../../etc/passwd", "/ui/./index.html", "/ui/%2e%2e/secret", "/ui/%2E/x", "/api//cameras", "relative", "",
        "/a\\b", "/a/%zz", "/a/%4", "/a/%00", "/a/b%0d%0aSet-Cookie:x", "/a/%ff%fe"}) {
    EXPECT_EQ(refusal_of([&] { path_segments(path); }).status, 400u) << path;
  }
}

TEST(WebPathTest, UnsafeSegmentsAreNamed) {
  EXPECT_EQ(unsafe_segment_reason("cam-1"), "");
  EXPECT_EQ(unsafe_segment_reason("caf\xc3\xa9 1"), "");
  EXPECT_NE(unsafe_segment_reason("../../etc/passwd"), "");
  EXPECT_NE(unsafe_segment_reason(".."), "");
  EXPECT_NE(unsafe_segment_reason("a..b"), "");
  EXPECT_NE(unsafe_segment_reason("a\\b"), "");
  EXPECT_NE(unsafe_segment_reason(std::string("a\0b", 3)), "");
  EXPECT_NE(unsafe_segment_reason("a\tb"), "");
  EXPECT_NE(unsafe_segment_reason("\xc0\xaf"), "");  // overlong '/'
}

TEST(WebQueryTest, DecodesPairs) {
  auto query = parse_query("camera=cam%201&type=fire+brigade&empty=&flag&&");
  EXPECT_EQ(query.at("camera"), "cam 1");
  EXPECT_EQ(query.at("type"), "fire brigade");
  EXPECT_EQ(query.at("empty"), "");
  EXPECT_EQ(query.at("flag"), "");
  EXPECT_EQ(query.size(), 4u);
  EXPECT_TRUE(parse_query("").empty());
}

TEST(WebQueryTest, RefusesRepeatedKeysAndBadText) {
  auto repeated = refusal_of([] { parse_query("state=pending&state=confirmed"); });
  EXPECT_EQ(repeated.status, 400u);
  EXPECT_EQ(repeated.field, "state");
  EXPECT_EQ(refusal_of([] { parse_query("a=%zz"); }).field, "a");
  EXPECT_EQ(refusal_of([] { parse_query("a=x%00y"); }).field, "a");
  EXPECT_EQ(refusal_of([] { parse_query("a=%ff"); }).field, "a");
  EXPECT_EQ(refusal_of([] { parse_query("=x"); }).status, 400u);
}

TEST(WebRouterTest, MatchesLiteralsBeforeParameters) {
  Router router;
  router.add("GET", "/api/cameras", ok, {});
  router.add("GET", "/api/cameras/{id}", ok, {});
  router.add("GET", "/api/cameras/scan", ok, {});
  router.add("POST", "/api/cameras/{id}/enable", ok, {});
  router.add("DELETE", "/api/cameras/{id}", ok, {});

  auto scan = router.match("GET", {"api", "cameras", "scan"});
  ASSERT_TRUE(scan.route);
  EXPECT_EQ(scan.route->pattern, "/api/cameras/scan");

  auto one = router.match("GET", {"api", "cameras", "cam 7"});
  ASSERT_TRUE(one.route);
  EXPECT_EQ(one.route->pattern, "/api/cameras/{id}");
  EXPECT_EQ(one.params.at("id"), "cam 7");

  auto enable = router.match("POST", {"api", "cameras", "cam-7", "enable"});
  ASSERT_TRUE(enable.route);
  EXPECT_EQ(enable.params.at("id"), "cam-7");
}

TEST(WebRouterTest, TellsUnknownPathsFromWrongMethods) {
  Router router;
  router.add("GET", "/api/cameras/{id}", ok, {});
  router.add("DELETE", "/api/cameras/{id}", ok, {});

  auto unknown = router.match("GET", {"api", "nothing"});
  EXPECT_FALSE(unknown.route);
  EXPECT_TRUE(unknown.allowed.empty());

  auto wrong = router.match("PUT", {"api", "cameras", "cam-1"});
  EXPECT_FALSE(wrong.route);
  EXPECT_EQ(wrong.allowed, (std::vector<std::string>{"GET", "DELETE"}));

  EXPECT_FALSE(router.match("GET", {"api", "cameras", ""}).route);  // trailing slash, no id
  EXPECT_FALSE(router.match("GET", {"api", "cameras"}).route);
}

TEST(WebRouterTest, RefusesTraversingParameters) {
  Router router;
  router.add("GET", "/api/cameras/{id}", ok, {});
  for (const std::string& id : {std::string("../../etc/passwd"), std::string(".."), std::string("a\\b"),
                                std::string("x\0y", 3), std::string("a\x01")}) {
    auto refused = refusal_of([&] { router.match("GET", {"api", "cameras", id}); });
    EXPECT_EQ(refused.status, 400u) << id;
    EXPECT_EQ(refused.field, "id") << id;
  }
}

TEST(WebRouterTest, RefusesBadOrCollidingRoutes) {
  Router router;
  router.add("GET", "/api/cameras/{id}", ok, {});
  EXPECT_THROW(router.add("GET", "/api/cameras/{name}", ok, {}), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "api/x", ok, {}), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/a/{id}/{id}", ok, {}), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/a/{Bad-Name}", ok, {}), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/a//b", ok, {}), std::invalid_argument);
  EXPECT_THROW(router.add("get", "/a", ok, {}), std::invalid_argument);
  EXPECT_THROW(router.add("POST", "/a", ok, {.token_in_query = true}), std::invalid_argument);
  EXPECT_NO_THROW(router.add("POST", "/api/cameras/{id}", ok, {}));
}

TEST(WebJsonTest, MalformedJsonGivesItsPositionNotItsText) {
  auto refused = refusal_of([] { parse_json_object("{\n  \"name\": \"secret-value\",\n  oops\n}"); });
  EXPECT_EQ(refused.status, 400u);
  EXPECT_NE(refused.message.find("byte 31 (line 3, column 3)"), std::string::npos) << refused.message;
  EXPECT_EQ(refused.message.find("secret-value"), std::string::npos) << refused.message;
  EXPECT_EQ(refused.message.find("oops"), std::string::npos) << refused.message;
}

TEST(WebJsonTest, RefusesWhatIsNotOneObject) {
  EXPECT_NE(refusal_of([] { parse_json_object("[1, 2]"); }).message.find("object"), std::string::npos);
  EXPECT_NE(refusal_of([] { parse_json_object("  "); }).message.find("empty"), std::string::npos);
  EXPECT_EQ(refusal_of([] { parse_json_object("{} {}"); }).status, 400u);
  auto twice = refusal_of([] { parse_json_object(R"({"role": "viewer", "role": "admin"})"); });
  EXPECT_EQ(twice.field, "role");
  std::string deep(100, '[');
  EXPECT_NE(refusal_of([&] { parse_json_object("{\"a\":" + deep); }).message.find("deeper"), std::string::npos);
  EXPECT_EQ(refusal_of([] { parse_json_object("{\"a\": \"\xff\"}"); }).status, 400u);
}

TEST(WebJsonTest, ContentTypeMustBeJson) {
  Request request;
  request.body = "{}";
  EXPECT_EQ(refusal_of([&] { parse_json_object(request); }).status, 415u);
  request.headers.add("content-type", "text/plain");
  EXPECT_EQ(refusal_of([&] { parse_json_object(request); }).status, 415u);
  Request json_request;
  json_request.body = "{}";
  json_request.headers.add("Content-Type", "Application/JSON; charset=utf-8");
  EXPECT_NO_THROW(parse_json_object(json_request));
}

TEST(WebJsonTest, UnknownFieldsAreNamed) {
  auto body = nlohmann::json::parse(R"({"name": "x", "stream": {"url": "rtsp://a", "usr": "b"}})");
  EXPECT_EQ(refusal_of([&] { FieldReader(body).only({"name"}); }).field, "stream");
  FieldReader reader(body);
  reader.only({"name", "stream"});
  auto nested = refusal_of([&] { reader.object("stream").only({"url", "user"}); });
  EXPECT_EQ(nested.field, "stream.usr");
  EXPECT_NE(nested.message.find("url, user"), std::string::npos);
}

TEST(WebJsonTest, FinishRefusesEveryFieldNobodyAskedAbout) {
  auto body = nlohmann::json::parse(
      R"({"name": "x", "note": null, "zones": [{"name": "door"}, {"name": "gate", "colour": "red"}], "extra": 1})");
  FieldReader reader(body);
  reader.string("name");
  EXPECT_FALSE(reader.optional_string("note")) << "null is absent, and asked about";
  EXPECT_FALSE(reader.optional_strings("labels"));
  std::vector<std::string> zones;
  auto in_zone = refusal_of([&] {
    reader.each_object("zones", [&](const FieldReader& zone) {
      zones.push_back(zone.string("name"));
      zone.finish();
    });
  });
  EXPECT_EQ(in_zone.field, "zones[1].colour");
  EXPECT_EQ(zones, (std::vector<std::string>{"door", "gate"}));
  auto extra = refusal_of([&] { reader.finish(); });
  EXPECT_EQ(extra.field, "extra");
  EXPECT_EQ(extra.message, "unknown field; expected one of: labels, name, note, zones");
  EXPECT_EQ(refusal_of([&] { FieldReader(body["zones"][0], "zones[0].").finish(); }).field, "zones[0].name");
}

TEST(WebJsonTest, FieldReaderChecksTypesAndRanges) {
  auto body = nlohmann::json::parse(
      R"({"name": "Pont Neuf", "lat": 48.85, "fps": 5, "big": 18446744073709551615,
          "enabled": true, "labels": ["fire", 3], "note": null, "half": 2.5, "whole": 5.0, "nul": "a\u0000b"})");
  FieldReader reader(body);
  EXPECT_EQ(reader.string("name"), "Pont Neuf");
  EXPECT_DOUBLE_EQ(reader.number("lat"), 48.85);
  EXPECT_EQ(reader.integer("fps", 1, 30), 5);
  EXPECT_EQ(reader.integer("whole", 1, 30), 5) << "5.0 is the number 5";
  EXPECT_TRUE(reader.boolean("enabled"));
  EXPECT_FALSE(reader.optional_string("note"));
  EXPECT_FALSE(reader.has("missing"));
  EXPECT_EQ(refusal_of([&] { reader.string("missing"); }).message, "required");
  EXPECT_EQ(refusal_of([&] { reader.string("lat"); }).field, "lat");
  EXPECT_EQ(refusal_of([&] { reader.integer("fps", 10, 30); }).field, "fps");
  EXPECT_EQ(refusal_of([&] { reader.integer("big"); }).field, "big");
  EXPECT_EQ(refusal_of([&] { reader.integer("half"); }).field, "half");
  EXPECT_EQ(refusal_of([&] { reader.strings("labels"); }).field, "labels[1]");
  EXPECT_EQ(refusal_of([&] { reader.string("nul"); }).field, "nul");
  EXPECT_EQ(refusal_of([&] { reader.object("name"); }).field, "name");
}

TEST(WebJsonTest, ErrorResponsesAreJson) {
  auto response = error_response(409, "conflict", "camera cam-1 exists", "id");
  EXPECT_EQ(response.status, 409u);
  EXPECT_EQ(response.content_type, "application/json");
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body, (nlohmann::json{{"error", "conflict"}, {"message", "camera cam-1 exists"}, {"field", "id"}}));
  EXPECT_FALSE(nlohmann::json::parse(error_response(404, "not_found", "x").body).contains("field"));
  EXPECT_EQ(BadRequest("", "slow down", 429).code(), "too_many_requests");
}

TEST(WebSubscriptionTest, FiltersByTypeAndArea) {
  auto subscription =
      parse_subscribe(R"({"subscribe": {"types": ["police", "fire_brigade"], "bbox": [2.2, 48.8, 2.5, 48.9]}})");
  GeoPoint paris{48.85, 2.35};
  GeoPoint lyon{45.76, 4.84};
  EXPECT_TRUE(subscription.accepts(std::string("police"), paris));
  EXPECT_FALSE(subscription.accepts(std::string("ambulance"), paris));
  EXPECT_FALSE(subscription.accepts(std::string("police"), lyon));
  EXPECT_TRUE(subscription.accepts(std::nullopt, std::nullopt));  // camera status goes to all
  EXPECT_TRUE(subscription.accepts(std::string("police"), std::nullopt));

  auto everything = parse_subscribe(R"({"subscribe": {}})");
  EXPECT_TRUE(everything.accepts(std::string("ambulance"), lyon));
  EXPECT_EQ(everything.to_json(), (nlohmann::json{{"types", nullptr}, {"bbox", nullptr}}));

  auto pacific = parse_subscribe(R"({"subscribe": {"bbox": [170, -20, -170, 20]}})");
  EXPECT_TRUE(pacific.accepts(std::nullopt, GeoPoint{0, 179}));
  EXPECT_TRUE(pacific.accepts(std::nullopt, GeoPoint{0, -175}));
  EXPECT_FALSE(pacific.accepts(std::nullopt, GeoPoint{0, 0}));
}

TEST(WebSubscriptionTest, BadSubscriptionsNameTheField) {
  EXPECT_EQ(refusal_of([] { parse_subscribe(R"({"subscribe": {"types": []}})"); }).field, "subscribe.types");
  EXPECT_EQ(refusal_of([] { parse_subscribe(R"({"subscribe": {"bbox": [1, 2, 3]}})"); }).field, "subscribe.bbox");
  EXPECT_EQ(refusal_of([] { parse_subscribe(R"({"subscribe": {"bbox": [0, 95, 1, 96]}})"); }).field,
            "subscribe.bbox[1]");
  EXPECT_EQ(refusal_of([] { parse_subscribe(R"({"subscribe": {"bbox": [0, 10, 1, 5]}})"); }).field, "subscribe.bbox");
  EXPECT_EQ(refusal_of([] { parse_subscribe(R"({"subscribe": {"kinds": ["x"]}})"); }).field, "subscribe.kinds");
  EXPECT_EQ(refusal_of([] { parse_subscribe(R"({"unsubscribe": true})"); }).field, "unsubscribe");
  EXPECT_EQ(refusal_of([] { parse_subscribe("not json"); }).status, 400u);
}

}  // namespace
}  // namespace vigie::event_manager::web
