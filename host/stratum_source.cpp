#include "host/stratum_source.h"

#include <cstdio>

#include "core/error.h"

namespace hashrig::host {

StratumSource::StratumSource(Scheduler& scheduler, Logger& log, stratum::ClientOptions options)
    : m_scheduler(scheduler), m_log(log) {
  m_client = std::make_unique<stratum::Client>(std::move(options), *this);
  for (std::size_t i = 0; i < m_client->pool_count(); ++i)
    m_names.push_back(m_client->pool_name(i));
}

StratumSource::~StratumSource() {
  stop();
}

std::string StratumSource::tag(std::size_t pool) const {
  return "stratum " + (pool < m_names.size() ? m_names[pool] : std::string("?"));
}

void StratumSource::start() {
  for (const std::string& name : m_names)
    m_scheduler.set_sink(name, this);
  m_started = true;
  m_client->start();
}

void StratumSource::stop(std::chrono::milliseconds flush) {
  if (!m_started) return;
  m_started = false;
  if (!m_client->drain(flush)) {
    m_log.warning("stratum", std::to_string(m_client->unanswered()) +
                                 " shares still unanswered after " + std::to_string(flush.count()) +
                                 " ms; counted stale");
  }
  m_client->stop();
  for (const std::string& name : m_names)
    m_scheduler.set_sink(name, nullptr);
}

void StratumSource::submit(const Share& share) {
  const std::optional<std::size_t> pool = m_client->pool_of(share.source_id);
  if (!pool) {
    m_log.error("stratum", "a share for unknown pool " + share.source_id);
    return;
  }
  stratum::SubmitRequest r;
  r.job_id = share.job_id;
  r.extranonce2 = share.extranonce2;
  r.ntime = share.ntime;
  r.nonce = share.nonce;
  r.version_bits = share.version_bits;
  r.block_candidate = share.block_candidate;
  r.session = share.job ? share.job->source_session : 0;
  m_client->submit(*pool, r);
}

void StratumSource::job(std::size_t pool, core::Job job) {
  const std::string what = describe_job(job);
  try {
    m_scheduler.publish(std::move(job));
    m_log.debug(tag(pool), "new " + what);
  } catch (const core::ParseError& e) {
    m_log.warning(tag(pool),
                  std::string("refused a job: ") + e.what() + "; the previous job goes on");
  }
}

void StratumSource::share_result(std::size_t pool, const stratum::ShareOutcome& outcome) {
  Totals& totals = m_scheduler.stats().totals();
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.1f ms", double(outcome.latency.count()) / 1000);
  const std::string share =
      "share " + outcome.share.job_id + "/" + core::to_hex(outcome.share.extranonce2);
  switch (outcome.result) {
    case stratum::ShareOutcome::Result::accepted:
      totals.accepted.fetch_add(1);
      if (outcome.share.block_candidate) totals.blocks_accepted.fetch_add(1);
      m_log.debug(tag(pool), share + " accepted (" + latency + ")");
      break;
    case stratum::ShareOutcome::Result::rejected:
      totals.rejected.fetch_add(1);
      m_log.warning(tag(pool), share + " REJECTED: " + outcome.reason + " (" + latency + ")");
      break;
    case stratum::ShareOutcome::Result::stale:
      totals.stale.fetch_add(1);
      m_log.info(tag(pool), share + " stale: " + outcome.reason);
      break;
    case stratum::ShareOutcome::Result::duplicate:
      m_log.debug(tag(pool), share + " not sent: already submitted");
      break;
  }
}

void StratumSource::note(std::size_t pool, stratum::SessionEvents::Level level, std::string text) {
  const LogLevel l = level == stratum::SessionEvents::Level::warning ? LogLevel::warning
                     : level == stratum::SessionEvents::Level::info  ? LogLevel::info
                                                                     : LogLevel::debug;
  m_log.log(l, tag(pool), text);
}

}  // namespace hashrig::host
