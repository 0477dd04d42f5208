// Candidate: a nonce a device reports for one header of a job, with everything the verifier needs
// to rebuild that header on its own (the job snapshot, extranonce2 counter, version, nTime).
// CandidateQueue: how candidates travel from device threads to the verifier. Workers never touch
// the network. The queue is bounded: when a device finds candidates faster than the verifier can
// check them (a share target absurdly easy, a device reporting garbage), push() waits for room, so
// hashing slows to the verifier's pace, memory stays bounded and nothing found is dropped.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "core/job.h"

namespace hashrig::host {

struct Candidate {
  std::size_t device = 0;        // index into the scheduler's devices
  std::uint64_t generation = 0;  // of the job snapshot it was found under
  std::shared_ptr<const core::Job> job;
  std::uint64_t extranonce2 = 0;  // counter (core::extranonce2_for)
  std::uint32_t version = 0;
  std::uint32_t ntime = 0;
  std::uint32_t nonce = 0;
};

class CandidateQueue {
 public:
  static constexpr std::size_t kDefaultCapacity = std::size_t(1) << 16;
  explicit CandidateQueue(std::size_t capacity = kDefaultCapacity);

  // Waits while the queue is full (never once it is closed: then the candidate is still queued).
  void push(Candidate c);
  // Waits for a candidate; nullopt once the queue is closed and empty.
  std::optional<Candidate> pop();
  // Wakes every waiter; later pops return what is left, then nullopt at once.
  void close();
  std::size_t size() const;

 private:
  const std::size_t m_capacity;
  mutable std::mutex m_mutex;
  std::condition_variable m_ready;
  std::condition_variable m_room;
  std::deque<Candidate> m_items;
  bool m_closed = false;
};

}  // namespace hashrig::host
