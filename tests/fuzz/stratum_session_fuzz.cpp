// Fuzz target: a pool's side of a whole Stratum session. The input is what the pool sends, one
// message per '\n'-separated line, into the sans-IO stratum::Session that every pool connection
// runs; after each line a share is submitted for the newest job. A line the session refuses
// ends the connection, as the transport does: the session is abandoned and a new one (resuming
// the session id) starts, up to kMaxSessions per input: later sessions add no new behaviour,
// and starting one (subscribe, authorize, suggest_difficulty, each checked) costs far more than
// a line, so unbounded restarts held the target to a few hundred inputs a second.
// Properties: every job handed to the miner passes core::validate and belongs to the session
// that made it; every line hashrig sends is one JSON-RPC message; every share submitted gets
// exactly one outcome (accepted, rejected, stale or duplicate), however the pool misbehaves.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/job.h"
#include "core/job_work.h"
#include "stratum/json_rpc.h"
#include "stratum/session.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace hashrig;

class Recorder : public stratum::SessionEvents {
 public:
  std::uint64_t session_number = 1;
  std::optional<core::Job> newest;
  std::map<std::uint64_t, int> outcomes;  // share tag -> outcomes reported

  void send(std::string line) override {
    FUZZ_CHECK(!line.empty() && line.back() == '\n');
    line.pop_back();
    FUZZ_CHECK(line.find('\n') == std::string::npos);
    (void)stratum::parse_message(line);  // throws (and so aborts) when it is not one message
  }
  void job(core::Job job) override {
    core::validate(job);
    FUZZ_CHECK(job.source_id == "pool" && job.source_session == session_number);
    newest = std::move(job);
  }
  void share_result(const stratum::ShareOutcome& outcome) override {
    ++outcomes[outcome.share.tag];
  }
  void reconnect(const stratum::ReconnectRequest&) override {}
  void note(Level, std::string) override {}
};

constexpr std::uint64_t kMaxSessions = 3;

stratum::SessionConfig config_for(std::uint64_t session_number, std::optional<std::string> resume) {
  stratum::SessionConfig c;
  c.source_id = "pool";
  c.session_number = session_number;
  c.user = "bcrt1qcncxfvq90jmqh0epvrkzhp0p5ef0k6wpmrym38.rig";
  c.pass = "x";
  c.resume_session_id = std::move(resume);
  c.suggest_difficulty = 0.001;
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::text_of(data, size);
  Recorder events;
  auto now = stratum::Clock::time_point{} + std::chrono::hours(1);
  auto session = std::make_unique<stratum::Session>(config_for(1, std::nullopt), events);
  session->start(now);
  std::uint64_t tag = 0;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    now += std::chrono::milliseconds(250);
    try {
      session->receive(line, now);
    } catch (const std::invalid_argument&) {  // core::ParseError: the connection is dropped
      session->abandon("connection dropped");
      FUZZ_CHECK(!session->oldest_unanswered_submit() && session->pending_submits() == 0);
      if (events.session_number == kMaxSessions) break;
      const std::optional<std::string> resume = session->session_id();
      events.newest.reset();
      ++events.session_number;
      session =
          std::make_unique<stratum::Session>(config_for(events.session_number, resume), events);
      session->start(now);
      continue;
    }
    if (events.newest) {
      const core::Job& job = *events.newest;
      stratum::SubmitRequest share;
      share.job_id = job.job_id;
      share.extranonce2 = core::extranonce2_for(job, tag % 3);
      share.ntime = job.ntime;
      share.nonce = std::uint32_t(tag / 3);
      share.version_bits = job.version & job.version_mask;
      share.session = job.source_session;
      share.tag = ++tag;
      session->submit(share, now);
    }
  }
  session->abandon("end of input");
  for (std::uint64_t t = 1; t <= tag; ++t) {
    const auto it = events.outcomes.find(t);
    FUZZ_CHECK(it != events.outcomes.end() && it->second == 1);
  }
  return 0;
}
