// vigie-event-manager as a process for the tests: against a given database and
// broker, with its admin and API endpoints on free ports, its first admin's
// password written to a file, and its log kept.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "broker_fixture.h"
#include "process.h"

namespace vigie::testing {

class EventManagerProcess {
 public:
  EventManagerProcess(const BrokerFixture& broker, const std::string& database_url,
                      std::map<std::string, std::string> extra = {});

  // The admin and API base URLs, once the process listens ("" if it did not within 30 s).
  std::string admin_url();
  std::string api_url();
  // The generated password of user "admin" ("" when this start did not create it).
  std::string first_admin_password() const;
  std::string log() const;
  Process& process() { return *process_; }
  // Starts the process again with the same settings (after it stopped or was killed).
  void restart();

 private:
  TempDir dir_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<Process> process_;
};

}  // namespace vigie::testing
