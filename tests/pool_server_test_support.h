// Shared by the test pool's suites: options that make shares cheap to find, and join(): a client
// connected, (optionally configured for version rolling,) subscribed and authorized, holding the
// session it agreed and its first job parsed by the project's own stratum::job_from_notify.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/bytes.h"
#include "core/job.h"
#include "stratum/notify.h"
#include "tests/pool/line_client.h"
#include "tests/pool/test_pool.h"
#include "tests/pool/test_pool_jobs.h"

namespace hashrig::testpool::test {

// Difficulty 1e-5: about 43,000 hashes per share, well under a second with the reference.
inline TestPoolOptions fast_options() {
  TestPoolOptions options;
  options.difficulty = 1e-5;
  options.seed = 12345;
  return options;
}

struct Joined {
  std::unique_ptr<LineClient> client;
  nlohmann::json subscribe_result;
  stratum::SessionParams session;
  core::Job job;  // the first job
};

// The next mining.notify on the client, parsed with the session as it stands.
inline core::Job next_job(Joined& joined) {
  const auto notify = joined.client->next("mining.notify");
  if (!notify) throw std::runtime_error("no mining.notify");
  return stratum::job_from_notify((*notify)["params"], joined.session);
}

inline Joined join(std::unique_ptr<LineClient> client,
                   std::optional<std::uint32_t> version_mask = std::nullopt,
                   const std::string& user_agent = "test-miner/1.0",
                   const std::string& resume = "") {
  using nlohmann::json;
  Joined j;
  j.client = std::move(client);
  if (version_mask) {
    const json answer = j.client->call(
        "mining.configure",
        {{"version-rolling"},
         {{"version-rolling.mask", hex32(*version_mask)}, {"version-rolling.min-bit-count", 2}}});
    const json& result = answer.at("result");
    if (result.value("version-rolling", false)) {
      j.session.version_mask = core::read_be32(
          core::from_hex(result.at("version-rolling.mask").get<std::string>()).data());
    }
  }
  json params = {user_agent};
  if (!resume.empty()) params.push_back(resume);
  j.subscribe_result = j.client->call("mining.subscribe", params).at("result");
  j.session.source_id = "testpool";
  j.session.extranonce1 = core::from_hex(j.subscribe_result.at(1).get<std::string>());
  j.session.extranonce2_size = j.subscribe_result.at(2).get<std::uint32_t>();
  if (j.client->call("mining.authorize", {"worker", "x"}).at("result") != true) {
    throw std::runtime_error("mining.authorize refused");
  }
  const auto difficulty = j.client->next("mining.set_difficulty");
  if (!difficulty) throw std::runtime_error("no mining.set_difficulty");
  j.session.difficulty = (*difficulty)["params"][0].get<double>();
  j.job = next_job(j);
  return j;
}

inline Joined join(std::uint16_t port, std::optional<std::uint32_t> version_mask = std::nullopt) {
  return join(std::make_unique<LineClient>(port), version_mask);
}

}  // namespace hashrig::testpool::test
