#include "host/stratum_source.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "core/error.h"

namespace hashrig::host {
namespace {

using Clock = std::chrono::steady_clock;

// Each client numbers its sessions from generation << 32 (ClientOptions::session_number_base):
// a share's job says which client issued it.
constexpr int kGenerationShift = 32;

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::vector<std::string> missing_from(const std::vector<std::string>& names,
                                      const std::vector<std::string>& other) {
  std::vector<std::string> out;
  for (const std::string& n : names) {
    if (std::find(other.begin(), other.end(), n) == other.end()) out.push_back(n);
  }
  return out;
}

}  // namespace

// One client, its pool names, and the events it reports on its io thread, tagged with it.
struct StratumSource::Generation final : stratum::ClientEvents {
  Generation(StratumSource& s, std::uint64_t number, stratum::ClientOptions options)
      : source(s), id(number) {
    options.session_number_base = id << kGenerationShift;
    client = std::make_unique<stratum::Client>(std::move(options), *this);
    for (std::size_t i = 0; i < client->pool_count(); ++i)
      names.push_back(client->pool_name(i));
  }

  void job(std::size_t pool, core::Job job) override { source.on_job(*this, pool, std::move(job)); }
  void share_result(std::size_t pool, const stratum::ShareOutcome& outcome) override {
    source.on_share_result(*this, pool, outcome);
  }
  void note(std::size_t pool, stratum::SessionEvents::Level level, std::string text) override {
    source.on_note(*this, pool, level, std::move(text));
  }
  std::string tag(std::size_t pool) const {
    return "stratum " + (pool < names.size() ? names[pool] : std::string("?"));
  }

  StratumSource& source;
  const std::uint64_t id;
  std::vector<std::string> names;
  std::unique_ptr<stratum::Client> client;
  // Guarded by source.m_mutex:
  bool current = true;                            // its jobs are the ones published
  std::optional<Clock::time_point> published_at;  // its first job reached the scheduler
};

StratumSource::StratumSource(Scheduler& scheduler, Logger& log, stratum::ClientOptions options)
    : m_scheduler(scheduler), m_log(log) {
  m_current = std::make_shared<Generation>(*this, m_next_generation++, std::move(options));
}

StratumSource::~StratumSource() {
  stop();
}

void StratumSource::start() {
  std::lock_guard control(m_control);
  if (m_started) return;
  std::shared_ptr<Generation> g;
  {
    std::lock_guard lock(m_mutex);
    g = m_current;
  }
  register_sinks(g->names);
  {
    std::lock_guard lock(m_mutex);
    m_live.push_back(g);
  }
  m_started = true;
  g->client->start();
}

void StratumSource::stop(std::chrono::milliseconds flush) {
  std::lock_guard control(m_control);
  if (!m_started) return;
  m_started = false;
  std::vector<std::shared_ptr<Generation>> live;
  {
    std::lock_guard lock(m_mutex);
    live = m_live;  // the current client (a reload retires the old one before it returns)
  }
  for (const auto& g : live)
    retire(g, flush, false);
  std::lock_guard sinks(m_sinks_mutex);
  for (const std::string& name : m_registered)
    m_scheduler.set_sink(name, nullptr);
  m_registered.clear();
  m_gone_pending.store(false);
}

void StratumSource::retire(const std::shared_ptr<Generation>& g, std::chrono::milliseconds flush,
                           bool until_published) {
  const auto deadline = Clock::now() + flush;
  const auto done = [&] {
    if (g->client->unanswered() > 0) return false;
    if (!until_published) return true;
    std::lock_guard lock(m_mutex);
    return m_current->published_at.has_value();
  };
  while (!done() && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (const std::size_t left = g->client->unanswered(); left > 0) {
    m_log.warning("stratum", std::to_string(left) + " shares still unanswered after " +
                                 std::to_string(flush.count()) + " ms; counted stale");
  }
  {
    // From here on no share reaches its client: submit() counts them stale instead. (A submit()
    // that found it before has already posted its share, which stop() then answers.)
    std::lock_guard lock(m_mutex);
    std::erase(m_live, g);
  }
  g->client->stop();
}

void StratumSource::register_sinks(const std::vector<std::string>& names) {
  std::lock_guard sinks(m_sinks_mutex);
  for (const std::string& name : names) {
    m_scheduler.set_sink(name, this);
    m_registered.insert(name);
  }
}

void StratumSource::unregister_gone() {
  if (!m_gone_pending.load()) return;
  std::lock_guard sinks(m_sinks_mutex);
  std::set<std::string> keep;
  {
    std::lock_guard lock(m_mutex);
    // Until the current client's first job has been mined for a while, a device may still be
    // finishing a batch of an old client's job: its shares are counted stale, not unrouted.
    const auto& published = m_current->published_at;
    if (!published || Clock::now() - *published < kSinkGrace) return;
    keep.insert(m_current->names.begin(), m_current->names.end());
    for (const auto& g : m_live)
      keep.insert(g->names.begin(), g->names.end());
  }
  for (auto it = m_registered.begin(); it != m_registered.end();) {
    if (keep.count(*it)) {
      ++it;
      continue;
    }
    m_scheduler.set_sink(*it, nullptr);
    m_log.info("stratum", "no longer taking shares for " + *it + " (not in the pool list)");
    it = m_registered.erase(it);
  }
  m_gone_pending.store(false);
}

std::vector<stratum::PoolStatus> StratumSource::pools() const {
  std::shared_ptr<Generation> g;
  {
    std::lock_guard lock(m_mutex);
    g = m_current;
  }
  return g->client->status();
}

stratum::StrategyMode StratumSource::mode() const {
  std::lock_guard lock(m_mutex);
  return m_current->client->mode();
}

void StratumSource::switch_to(const std::string& name_or_index) {
  std::lock_guard control(m_control);
  std::shared_ptr<Generation> g;
  {
    std::lock_guard lock(m_mutex);
    g = m_current;
  }
  const std::vector<std::string>& names = g->names;
  std::optional<std::size_t> pool;
  if (const auto it = std::find(names.begin(), names.end(), name_or_index); it != names.end()) {
    pool = static_cast<std::size_t>(it - names.begin());
  } else if (!name_or_index.empty() && name_or_index.size() <= 6 &&
             std::all_of(name_or_index.begin(), name_or_index.end(),
                         [](char c) { return c >= '0' && c <= '9'; })) {
    const std::size_t n = std::stoul(name_or_index);
    if (n >= 1 && n <= names.size()) pool = n - 1;
  }
  if (!pool) {
    throw std::invalid_argument("no pool '" + name_or_index + "' to switch to; the pools are " +
                                joined(names) + " (or 1.." + std::to_string(names.size()) + ")");
  }
  g->client->switch_to(*pool);
}

void StratumSource::reload(stratum::ClientOptions options, std::chrono::milliseconds flush) {
  std::lock_guard control(m_control);
  auto fresh = std::make_shared<Generation>(*this, m_next_generation++, std::move(options));
  std::shared_ptr<Generation> old;
  if (m_started) register_sinks(fresh->names);  // before any of its jobs can be mined
  {
    std::lock_guard lock(m_mutex);
    old = m_current;
    old->current = false;  // its jobs are no longer published
    m_current = fresh;
    if (m_started) m_live.push_back(fresh);
  }
  if (m_started) {
    fresh->client->start();
    retire(old, flush, true);
    if (!missing_from(old->names, fresh->names).empty()) m_gone_pending.store(true);
    unregister_gone();  // or at one of the new client's next events, after kSinkGrace
  }
  std::string active = "none yet";
  for (const stratum::PoolStatus& p : fresh->client->status()) {
    if (p.active) active = p.name;
  }
  std::string what = "pools reloaded: " + std::to_string(old->names.size()) + " -> " +
                     std::to_string(fresh->names.size()) + " pools; active " + active;
  if (const auto added = missing_from(fresh->names, old->names); !added.empty())
    what += "; added " + joined(added);
  if (const auto removed = missing_from(old->names, fresh->names); !removed.empty())
    what += "; removed " + joined(removed);
  m_log.info("stratum", what + (m_started ? "" : " (not mining yet)"));
}

void StratumSource::count_stale(const Share& share, const std::string& why) {
  m_scheduler.stats().totals().stale.fetch_add(1);
  m_log.info("stratum " + share.source_id,
             "share " + share.job_id + "/" + core::to_hex(share.extranonce2) + " stale: " + why);
}

void StratumSource::submit(const Share& share) {
  stratum::SubmitRequest r;
  r.job_id = share.job_id;
  r.extranonce2 = share.extranonce2;
  r.ntime = share.ntime;
  r.nonce = share.nonce;
  r.version_bits = share.version_bits;
  r.block_candidate = share.block_candidate;
  r.session = share.job ? share.job->source_session : 0;
  {
    // Under the lock: a client found here is not stopped before its share is posted to it.
    std::lock_guard lock(m_mutex);
    const std::uint64_t generation = share.job ? r.session >> kGenerationShift : m_current->id;
    for (const auto& g : m_live) {
      if (g->id != generation) continue;
      const std::optional<std::size_t> pool = g->client->pool_of(share.source_id);
      if (!pool) break;
      g->client->submit(*pool, r);
      return;
    }
  }
  count_stale(share,
              "no running pool client issued its job (the pool list was reloaded, or the "
              "source is stopping)");
}

void StratumSource::on_job(Generation& from, std::size_t pool, core::Job job) {
  const std::string what = describe_job(job);
  {
    // Under the lock, so a reload's switch of the current client cannot fall between the check
    // and the publish (an old client's job must never replace the new client's).
    std::lock_guard lock(m_mutex);
    if (!from.current) {
      m_log.debug(from.tag(pool), "not mined (the pool list was reloaded): " + what);
      return;
    }
    try {
      m_scheduler.publish(std::move(job));
      if (!from.published_at) from.published_at = Clock::now();
      m_log.debug(from.tag(pool), "new " + what);
    } catch (const core::ParseError& e) {
      m_log.warning(from.tag(pool),
                    std::string("refused a job: ") + e.what() + "; the previous job goes on");
    }
  }
  unregister_gone();
}

void StratumSource::on_share_result(Generation& from, std::size_t pool,
                                    const stratum::ShareOutcome& outcome) {
  unregister_gone();
  Totals& totals = m_scheduler.stats().totals();
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.1f ms", double(outcome.latency.count()) / 1000);
  const std::string share =
      "share " + outcome.share.job_id + "/" + core::to_hex(outcome.share.extranonce2);
  switch (outcome.result) {
    case stratum::ShareOutcome::Result::accepted:
      totals.accepted.fetch_add(1);
      if (outcome.share.block_candidate) totals.blocks_accepted.fetch_add(1);
      m_log.debug(from.tag(pool), share + " accepted (" + latency + ")");
      break;
    case stratum::ShareOutcome::Result::rejected:
      totals.rejected.fetch_add(1);
      m_log.warning(from.tag(pool), share + " REJECTED: " + outcome.reason + " (" + latency + ")");
      break;
    case stratum::ShareOutcome::Result::stale:
      totals.stale.fetch_add(1);
      m_log.info(from.tag(pool), share + " stale: " + outcome.reason);
      break;
    case stratum::ShareOutcome::Result::duplicate:
      m_log.debug(from.tag(pool), share + " not sent: already submitted");
      break;
  }
  ShareRecord record;
  record.source = pool < from.names.size() ? from.names[pool] : "?";
  record.job_id = outcome.share.job_id;
  record.extranonce2 = core::to_hex(outcome.share.extranonce2);
  record.ntime = outcome.share.ntime;
  record.nonce = outcome.share.nonce;
  record.version_bits = outcome.share.version_bits;
  record.result = std::string(stratum::to_string(outcome.result));
  record.reason = outcome.reason;
  if (outcome.latency.count() > 0) record.latency_ms = double(outcome.latency.count()) / 1000;
  record.block = outcome.share.block_candidate;
  m_scheduler.stats().recent_shares().record(std::move(record));
}

void StratumSource::on_note(Generation& from, std::size_t pool, stratum::SessionEvents::Level level,
                            std::string text) {
  const LogLevel l = level == stratum::SessionEvents::Level::warning ? LogLevel::warning
                     : level == stratum::SessionEvents::Level::info  ? LogLevel::info
                                                                     : LogLevel::debug;
  m_log.log(l, from.tag(pool), text);
}

}  // namespace hashrig::host
