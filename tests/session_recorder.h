// What a sans-IO stratum::Session hands its owner, recorded for the session suites: every line
// it sends (each checked to end in '\n' and parsed), jobs, share outcomes, reconnects, notes.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/job.h"
#include "stratum/session.h"

namespace hashrig::test {

struct SessionRecorder : stratum::SessionEvents {
  std::vector<nlohmann::json> sent;
  std::vector<core::Job> jobs;
  std::vector<stratum::ShareOutcome> outcomes;
  std::vector<stratum::ReconnectRequest> reconnects;
  std::vector<std::string> notes;

  void send(std::string line) override {
    EXPECT_EQ(line.back(), '\n');
    sent.push_back(nlohmann::json::parse(line));
  }
  void job(core::Job job) override { jobs.push_back(std::move(job)); }
  void share_result(const stratum::ShareOutcome& o) override { outcomes.push_back(o); }
  void reconnect(const stratum::ReconnectRequest& r) override { reconnects.push_back(r); }
  void note(Level, std::string text) override { notes.push_back(std::move(text)); }

  const nlohmann::json& last_sent() const { return sent.back(); }
};

// The sessions' clock starts here in every test.
inline constexpr stratum::Clock::time_point t0{};

}  // namespace hashrig::test
