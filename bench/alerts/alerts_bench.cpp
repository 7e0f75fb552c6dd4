// vigie-bench-alerts: detections persisted per second through the alert
// rules' batch path (AlertWriter: the very transactions the ingestor runs for
// each batch it consumes, from in-memory messages, no broker), beside a raw
// COPY of the rows that path left (processed_messages, rule_positives, alerts,
// evidence_images, event_outbox) into the same tables of
// the same private PostgreSQL server, in the same run. Prints both and their
// ratio, by wall time and by CPU time (the bench's thread plus every process of
// the server: what a machine shared with other work does not distort); never
// passes or fails on time.
#include <libpq-fe.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <google/protobuf/util/time_util.h>
#include <prometheus/registry.h>

#include "alerts/alert_ingestor.h"
#include "alerts/alert_writer.h"
#include "analysis_store.h"
#include "camera_store.h"
#include "migrations.h"
#include "vigie/app/logging.h"
#include "vigie/config/settings.h"
#include "vigie/storage/database.h"
#include "vigie/storage/migrations.h"
#include "vigie/v1/detection.pb.h"

namespace {

using namespace vigie;
using Clock = std::chrono::steady_clock;

// The tables the batch path writes, each with the columns it gives values to
// (the others take their defaults either way). alerts goes without its
// evidence_image_id, and gets it back once evidence_images is in: the two
// tables refer to each other, which only one statement writing both can do.
struct Table {
  const char* name;
  const char* columns;
};
constexpr Table kTables[] = {
    {"processed_messages", "topic, message_id"},
    {"rule_positives", "camera_id, analysis, message_id, seen_at, score, label"},
    {"alerts",
     "id, camera_id, camera_name, analysis, type, state, latitude, longitude, perimeter_m, actions, label, "
     "max_score, positives, first_seen, last_seen, revision"},
    {"evidence_images", "id, alert_id, camera_id, jpeg"},
    {"event_outbox", "camera_id, alert_id, payload"},
};

// A private PostgreSQL server run by deploy/local/postgres.sh, as the tests and
// the local run have theirs; stopped with the bench (or when it dies).
class PrivateServer {
 public:
  explicit PrivateServer(bool fast) {
    char pattern[] = "/tmp/vigie-bench-pg-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("cannot create a temporary directory");
    dir_ = pattern;
    const std::string env = "VIGIE_PG_OWNER_PID=" + std::to_string(getpid()) + (fast ? " VIGIE_PG_FAST=1" : "");
    const std::string command = env + " " + script() + " start " + dir_;
    std::unique_ptr<FILE, int (*)(FILE*)> out(popen(command.c_str(), "r"), pclose);
    if (!out) throw std::runtime_error("cannot run " + script());
    std::array<char, 512> line{};
    if (!fgets(line.data(), line.size(), out.get())) throw std::runtime_error(script() + " start printed nothing");
    url_ = line.data();
    if (!url_.empty() && url_.back() == '\n') url_.pop_back();
  }
  ~PrivateServer() {
    const std::string command = script() + " stop " + dir_ + " >/dev/null";
    if (std::system(command.c_str()) == 0) std::filesystem::remove_all(dir_);
  }
  const std::string& url() const { return url_; }
  // The postmaster's process id, parent of every server process.
  int postmaster_pid() const {
    std::ifstream pid_file(dir_ + "/data/postmaster.pid");
    int pid = 0;
    if (!(pid_file >> pid)) throw std::runtime_error("cannot read " + dir_ + "/data/postmaster.pid");
    return pid;
  }

 private:
  static std::string script() { return std::string(VIGIE_SOURCE_DIR) + "/deploy/local/postgres.sh"; }
  std::string dir_;
  std::string url_;
};

// A raw libpq connection: the reference path takes nothing of Vigie's code.
class RawConnection {
 public:
  explicit RawConnection(const std::string& url) : conn_(PQconnectdb(url.c_str()), PQfinish) {
    if (PQstatus(conn_.get()) != CONNECTION_OK)
      throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(conn_.get()));
  }
  void exec(const std::string& sql) {
    std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(conn_.get(), sql.c_str()), PQclear);
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
      throw std::runtime_error(sql + ": " + PQerrorMessage(conn_.get()));
  }
  // The rows of a query, in COPY's text format.
  std::string copy_out(const std::string& query) {
    start("COPY (" + query + ") TO STDOUT", PGRES_COPY_OUT);
    std::string data;
    char* buffer = nullptr;
    int n = 0;
    while ((n = PQgetCopyData(conn_.get(), &buffer, 0)) > 0) {
      data.append(buffer, static_cast<std::size_t>(n));
      PQfreemem(buffer);
    }
    finish();
    return data;
  }
  void copy_in(const std::string& table, const std::string& columns, const std::string& data) {
    start("COPY " + table + " (" + columns + ") FROM STDIN", PGRES_COPY_IN);
    if (PQputCopyData(conn_.get(), data.data(), static_cast<int>(data.size())) != 1 ||
        PQputCopyEnd(conn_.get(), nullptr) != 1)
      throw std::runtime_error("COPY " + table + ": " + PQerrorMessage(conn_.get()));
    finish();
  }

 private:
  void start(const std::string& sql, ExecStatusType expected) {
    std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(conn_.get(), sql.c_str()), PQclear);
    if (PQresultStatus(r.get()) != expected) throw std::runtime_error(sql + ": " + PQerrorMessage(conn_.get()));
  }
  void finish() {
    while (PGresult* r = PQgetResult(conn_.get())) {
      const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
      if (!ok) throw std::runtime_error(std::string("COPY: ") + PQerrorMessage(conn_.get()));
    }
  }
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn_;
};

struct Workload {
  std::vector<std::vector<bus::Record>> batches;
  std::size_t messages = 0;
  std::size_t positives = 0;
};

// Every camera runs "fire"; each analysed frame of each camera gives one
// detection, positive (with its picture) at the share asked, in capture order.
Workload make_workload(int cameras, int seconds, int fps, double positive_share, std::size_t batch_size,
                       std::size_t jpeg_bytes) {
  std::mt19937 random(42);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::string jpeg(jpeg_bytes, '\0');
  for (auto& c : jpeg) c = static_cast<char>(random());
  jpeg[0] = static_cast<char>(0xFF);
  jpeg[1] = static_cast<char>(0xD8);
  Workload w;
  std::vector<bus::Record> batch;
  const int64_t start_us = 1'700'000'000'000'000;
  for (int frame = 0; frame < seconds * fps; ++frame) {
    for (int c = 0; c < cameras; ++c) {
      auto d = std::make_unique<v1::Detection>();
      const std::string camera = "cam-" + std::to_string(c);
      d->set_schema_version(1);
      d->set_detection_id(camera + "/stream-1/" + std::to_string(frame) + "/fire");
      d->set_camera_id(camera);
      d->set_analysis("fire");
      d->set_stream_id("stream-1");
      d->set_frame_sequence(static_cast<uint64_t>(frame));
      *d->mutable_capture_time() =
          google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(start_us + frame * 1'000'000LL / fps);
      if (uniform(random) < positive_share) {
        d->set_level(v1::Detection::LEVEL_POSITIVE);
        auto* object = d->add_objects();
        object->set_label("fire");
        object->set_score(static_cast<float>(0.6 + 0.4 * uniform(random)));
        d->set_frame_jpeg(jpeg);
        ++w.positives;
      } else {
        d->set_level(v1::Detection::LEVEL_NONE);
      }
      bus::Record r;
      r.topic = bus::Topic::detections;
      r.topic_name = "vigie.detections";
      r.key = camera;
      r.message = std::move(d);
      batch.push_back(std::move(r));
      ++w.messages;
      if (batch.size() == batch_size) w.batches.push_back(std::move(batch)), batch.clear();
    }
  }
  if (!batch.empty()) w.batches.push_back(std::move(batch));
  return w;
}

void empty_tables(RawConnection& raw) {
  raw.exec(
      "TRUNCATE processed_messages, rule_positives, rule_cooldowns, alerts, evidence_images, event_outbox, "
      "alert_decisions");
  // Starts each timed step with nothing left to write back from the one before.
  raw.exec("CHECKPOINT");
}

// Wall and CPU time of one path: the CPU of this thread and of the server.
struct Cost {
  double wall = 1e30;
  double cpu = 1e30;
};

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Time on CPU of the server: the postmaster and every process it started (the
// backends, and the WAL writer and checkpointer, which do part of a commit's
// work for it), from /proc/PID/schedstat.
double server_cpu_seconds(int postmaster) {
  double ns = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;  // gone meanwhile
    // pid (comm) state ppid ...: comm may hold spaces, so read after its ')'.
    int parent = 0;
    char state = 0;
    std::istringstream after(line.substr(line.rfind(')') + 1));
    if (!(after >> state >> parent)) continue;
    if (std::stoi(name) != postmaster && parent != postmaster) continue;
    std::ifstream schedstat(entry.path() / "schedstat");
    double process_ns = 0;
    if (schedstat >> process_ns) ns += process_ns;
  }
  return ns / 1e9;
}

// Runs step once and keeps the lower wall and CPU times in best (the bench's
// own reading of /proc left out).
template <class Step>
void measure(int postmaster, Cost& best, Step step) {
  const double server = server_cpu_seconds(postmaster);
  const double thread = thread_cpu_seconds();
  const auto wall = Clock::now();
  step();
  best.wall = std::min(best.wall, std::chrono::duration<double>(Clock::now() - wall).count());
  const double thread_used = thread_cpu_seconds() - thread;
  best.cpu = std::min(best.cpu, thread_used + server_cpu_seconds(postmaster) - server);
}

}  // namespace

int main(int argc, char** argv) try {
  config::Spec spec("vigie-bench-alerts",
                    "Benchmark of the event manager's alert persistence: detections per second through\n"
                    "the rules' batch path (one transaction per batch, as the ingestor runs it) beside a\n"
                    "raw COPY of the same rows into the same tables of a private PostgreSQL server.");
  vigie::app::add_log_level(spec, "warn")
      .integer("VIGIE_BENCH_CAMERAS", 50, 1, 10'000, "cameras, each running the analysis")
      .integer("VIGIE_BENCH_SECONDS", 120, 1, 3600, "seconds of capture time")
      .integer("VIGIE_BENCH_FPS", 5, 1, 60, "analysed frames per second per camera, one detection each")
      .integer("VIGIE_BENCH_POSITIVE_PERCENT", 10, 0, 100, "share of positive detections")
      .integer("VIGIE_BENCH_BATCH", static_cast<int64_t>(event_manager::AlertIngestorOptions{}.max_batch), 1, 10'000,
               "messages per batch (the ingestor's max_batch: a backlog fills every batch)")
      .integer("VIGIE_BENCH_JPEG_BYTES", 30'000, 2, 1'000'000, "size of a positive's picture")
      .integer("VIGIE_BENCH_ROUNDS", 3, 1, 20, "timed rounds of each path (the best is kept)")
      .boolean("VIGIE_BENCH_PG_FAST", false,
               "run the server without fsync (VIGIE_PG_FAST): compares the work without the disk's flushes");
  auto settings = spec.load(argc, argv);
  vigie::app::init_logging("vigie-bench-alerts", settings);

  const Workload work = make_workload(static_cast<int>(settings.integer("VIGIE_BENCH_CAMERAS")),
                                      static_cast<int>(settings.integer("VIGIE_BENCH_SECONDS")),
                                      static_cast<int>(settings.integer("VIGIE_BENCH_FPS")),
                                      static_cast<double>(settings.integer("VIGIE_BENCH_POSITIVE_PERCENT")) / 100,
                                      static_cast<std::size_t>(settings.integer("VIGIE_BENCH_BATCH")),
                                      static_cast<std::size_t>(settings.integer("VIGIE_BENCH_JPEG_BYTES")));
  const int rounds = static_cast<int>(settings.integer("VIGIE_BENCH_ROUNDS"));

  PrivateServer server(settings.boolean("VIGIE_BENCH_PG_FAST"));
  prometheus::Registry metrics;
  storage::DatabaseOptions options;
  options.url = server.url();
  storage::Database database(options, metrics);
  storage::migrate(database, event_manager::migrations());
  v1::Analysis fire;
  fire.set_name("fire");
  fire.set_type(v1::ALERT_TYPE_FIRE_BRIGADE);
  fire.set_detector("bench");
  fire.add_labels("fire");
  fire.set_min_score(0.6f);
  fire.set_positives_needed(3);
  fire.set_window_ms(10'000);
  fire.set_fps(5);
  fire.set_perimeter_m(150);
  fire.add_actions("Send the nearest fire engine");
  event_manager::AnalysisStore(database).create(fire, "system:bench");
  event_manager::CameraStore cameras(database, std::nullopt);
  for (int c = 0; c < settings.integer("VIGIE_BENCH_CAMERAS"); ++c) {
    event_manager::CameraInput camera;
    camera.id = "cam-" + std::to_string(c);
    camera.name = "Camera " + std::to_string(c);
    camera.analysis_stream.set_kind(v1::Source::KIND_RTSP);
    camera.analysis_stream.set_url("rtsp://cam.example/" + camera.id);
    camera.latitude = 48.85 + c * 1e-4;
    camera.longitude = 2.35;
    camera.analyses = {"fire"};
    cameras.create(camera, "system:bench");
  }
  RawConnection raw(server.url());
  const int postmaster = server.postmaster_pid();

  std::printf(
      "vigie-bench-alerts: %zu detections (%zu positive, %lld-byte pictures) of %lld cameras, batches of %lld;"
      "\n  PostgreSQL %s; best of %d rounds\n\n",
      work.messages, work.positives, static_cast<long long>(settings.integer("VIGIE_BENCH_JPEG_BYTES")),
      static_cast<long long>(settings.integer("VIGIE_BENCH_CAMERAS")),
      static_cast<long long>(settings.integer("VIGIE_BENCH_BATCH")),
      settings.boolean("VIGIE_BENCH_PG_FAST") ? "without fsync" : "with fsync (its defaults)", rounds);

  Cost ingest;
  Cost copy;
  std::vector<std::string> snapshot;
  std::size_t alerts_changed = 0;
  for (int round = 0; round < rounds; ++round) {
    empty_tables(raw);
    event_manager::AlertWriter writer(database, {}, metrics);
    alerts_changed = 0;
    measure(postmaster, ingest, [&] {
      for (const auto& batch : work.batches) alerts_changed += writer.write(batch).size();
    });

    snapshot.clear();
    for (const Table& t : kTables)
      snapshot.push_back(raw.copy_out(std::string("SELECT ") + t.columns + " FROM " + t.name));
    const std::string evidence_of = raw.copy_out("SELECT id, evidence_image_id FROM alerts");

    empty_tables(raw);
    measure(postmaster, copy, [&] {
      raw.exec("BEGIN");
      for (std::size_t i = 0; i < std::size(kTables); ++i)
        raw.copy_in(kTables[i].name, kTables[i].columns, snapshot[i]);
      raw.exec("CREATE TEMPORARY TABLE alert_evidence (id uuid, image uuid) ON COMMIT DROP");
      raw.copy_in("alert_evidence", "id, image", evidence_of);
      raw.exec("UPDATE alerts a SET evidence_image_id = e.image FROM alert_evidence e WHERE a.id = e.id");
      raw.exec("COMMIT");
    });
  }

  std::printf("  rows left by the batch path:");
  for (std::size_t i = 0; i < std::size(kTables); ++i)
    std::printf(" %s %zu%s", kTables[i].name,
                static_cast<std::size_t>(std::count(snapshot[i].begin(), snapshot[i].end(), '\n')),
                i + 1 < std::size(kTables) ? "," : "\n");
  std::printf("  alert changes (raised or updated, one event each): %zu\n\n", alerts_changed);
  const double messages = static_cast<double>(work.messages);
  std::printf("  %-50s %8s %12s %8s %12s\n", "", "wall s", "detections/s", "CPU s", "detections/s");
  for (const auto& [what, cost] : {std::pair{"raw COPY of the same rows (one transaction)", copy},
                                   std::pair{"alert rules' batch path (a transaction a batch)", ingest}})
    std::printf("  %-50s %8.3f %12.0f %8.3f %12.0f\n", what, cost.wall, messages / cost.wall, cost.cpu,
                messages / cost.cpu);
  std::printf("\n  ratio batch path / COPY: %.2f by wall time, %.2f by CPU time\n", copy.wall / ingest.wall,
              copy.cpu / ingest.cpu);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "vigie-bench-alerts: %s\n", e.what());
  return 1;
}
