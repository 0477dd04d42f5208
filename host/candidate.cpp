#include "host/candidate.h"

namespace hashrig::host {

CandidateQueue::CandidateQueue(std::size_t capacity) : m_capacity(capacity) {
  if (capacity == 0) throw std::invalid_argument("CandidateQueue: capacity 0");
}

void CandidateQueue::push(Candidate c) {
  {
    std::unique_lock lock(m_mutex);
    m_room.wait(lock, [this] { return m_items.size() < m_capacity || m_closed; });
    m_items.push_back(std::move(c));
  }
  m_ready.notify_one();
}

std::optional<Candidate> CandidateQueue::pop() {
  std::unique_lock lock(m_mutex);
  m_ready.wait(lock, [this] { return !m_items.empty() || m_closed; });
  if (m_items.empty()) return std::nullopt;
  Candidate c = std::move(m_items.front());
  m_items.pop_front();
  lock.unlock();
  m_room.notify_one();
  return c;
}

void CandidateQueue::close() {
  {
    std::lock_guard lock(m_mutex);
    m_closed = true;
  }
  m_ready.notify_all();
  m_room.notify_all();
}

std::size_t CandidateQueue::size() const {
  std::lock_guard lock(m_mutex);
  return m_items.size();
}

}  // namespace hashrig::host
