// StratumSource: the Stratum client as a job source and share sink of the scheduler. Jobs of the
// active pool are published (a malformed one was already refused by the session); verified shares
// go back to the pool whose job they solve; the pools' answers become the accepted / rejected /
// stale counters (a block candidate the pool accepts counts as an accepted block).
#pragma once

#include <chrono>
#include <memory>

#include "host/log.h"
#include "host/scheduler.h"
#include "stratum/client.h"

namespace hashrig::host {

class StratumSource final : public stratum::ClientEvents, public ShareSink {
 public:
  StratumSource(Scheduler& scheduler, Logger& log, stratum::ClientOptions options);
  ~StratumSource() override;

  void start();  // registers as the sink of every pool and connects
  // Waits up to `flush` for the pools to answer the shares already submitted, then disconnects;
  // what is still unanswered is counted stale. Idempotent.
  void stop(std::chrono::milliseconds flush = std::chrono::milliseconds(0));

  // ShareSink (the scheduler's verification thread)
  void submit(const Share& share) override;

  // stratum::ClientEvents (the client's io thread)
  void job(std::size_t pool, core::Job job) override;
  void share_result(std::size_t pool, const stratum::ShareOutcome& outcome) override;
  void note(std::size_t pool, stratum::SessionEvents::Level level, std::string text) override;

 private:
  std::string tag(std::size_t pool) const;

  Scheduler& m_scheduler;
  Logger& m_log;
  std::vector<std::string> m_names;
  std::unique_ptr<stratum::Client> m_client;
  bool m_started = false;
};

}  // namespace hashrig::host
