// NonceSpace: version bits roll first, then extranonce2, then nTime (only within the job's
// window); claims never cross a header; concurrent claims are disjoint and cover the space.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include "core/job.h"
#include "core/target.h"
#include "host/nonce_space.h"

namespace hashrig {
namespace {

using host::NoncePiece;
using host::NonceSpace;

std::shared_ptr<const core::Job> make_job(std::uint32_t en2_size, std::uint32_t mask,
                                          std::uint32_t ntime_roll) {
  auto job = std::make_shared<core::Job>();
  job->job_id = "j";
  job->version = 0x20000000u;
  job->version_mask = mask;
  job->coinbase_prefix = {1};
  job->coinbase_suffix = {2};
  job->extranonce2_size = en2_size;
  job->ntime = 1700000000u;
  job->ntime_roll = ntime_roll;
  job->share_target = core::diff1_target();
  job->network_target = core::diff1_target();
  core::validate(*job);
  return job;
}

constexpr std::uint64_t kHalf = std::uint64_t(1) << 31;

TEST(NonceSpace, RollsVersionThenExtranonce2ThenNtimeAndEnds) {
  const auto job = make_job(1, 0x00006000u, 2);  // 4 versions x 256 extranonce2 x 3 ntimes
  NonceSpace space(job);
  ASSERT_EQ(space.header_count(), 4u * 256u * 3u);
  std::set<std::tuple<std::uint32_t, std::uint64_t, std::uint32_t>> headers;
  std::uint64_t claims = 0;
  while (auto p = space.claim(kHalf)) {
    ASSERT_EQ(p->count, kHalf);
    ASSERT_EQ(p->first_nonce, (claims % 2) * kHalf);
    const std::uint64_t h = claims / 2;
    ASSERT_EQ(p->header_index, h);
    EXPECT_EQ(p->version & ~job->version_mask, job->version & ~job->version_mask);
    EXPECT_EQ(p->extranonce2, (h / 4) % 256) << h;
    EXPECT_EQ(p->ntime, job->ntime + h / 1024) << h;
    headers.insert({p->version, p->extranonce2, p->ntime});
    ++claims;
  }
  EXPECT_EQ(claims, 2 * space.header_count());
  EXPECT_EQ(headers.size(), space.header_count());  // every header distinct
  EXPECT_FALSE(space.claim(1));                     // stays spent
}

TEST(NonceSpace, NtimeIsNeverRolledWithoutPermission) {
  NonceSpace space(make_job(1, 0, 0));
  std::uint32_t max_ntime = 0;
  std::uint64_t headers = 0;
  while (auto p = space.claim(std::uint64_t(1) << 32)) {
    max_ntime = std::max(max_ntime, p->ntime);
    ++headers;
  }
  EXPECT_EQ(headers, 256u);
  EXPECT_EQ(max_ntime, 1700000000u);
}

TEST(NonceSpace, AClaimNeverCrossesAHeader) {
  NonceSpace space(make_job(4, 0x1fffe000u, 0));
  auto a = space.claim(0xffffff00u);
  ASSERT_TRUE(a);
  auto b = space.claim(0x1000);  // only 0x100 left in header 0
  ASSERT_TRUE(b);
  EXPECT_EQ(b->header_index, 0u);
  EXPECT_EQ(b->first_nonce, 0xffffff00u);
  EXPECT_EQ(b->count, 0x100u);
  auto c = space.claim(0x1000);
  EXPECT_EQ(c->header_index, 1u);
  EXPECT_EQ(c->first_nonce, 0u);
  EXPECT_NE(c->version, b->version);
  EXPECT_EQ(c->extranonce2, b->extranonce2);  // version bits roll first
  EXPECT_THROW(space.claim(0), std::invalid_argument);
}

TEST(NonceSpace, HeaderRunsShareTheirRootAndStopAtTheNextExtranonce2) {
  const auto job = make_job(1, 0x0001e000u, 0);  // 16 versions x 256 extranonce2
  NonceSpace space(job);
  auto a = space.claim_headers(6);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->header_index, 0u);
  EXPECT_EQ(a->headers, 6u);
  EXPECT_EQ(a->first_nonce, 0u);
  EXPECT_EQ(a->count, std::uint64_t(1) << 32);
  std::set<std::uint32_t> versions;
  for (std::uint32_t i = 0; i < a->headers; ++i)
    versions.insert(space.version_at(a->header_index + i));
  EXPECT_EQ(versions.size(), 6u);
  EXPECT_EQ(space.version_at(0), a->version);
  auto b = space.claim_headers(64);  // only 10 versions left with this extranonce2
  EXPECT_EQ(b->header_index, 6u);
  EXPECT_EQ(b->headers, 10u);
  EXPECT_EQ(b->extranonce2, 0u);
  auto c = space.claim(100);  // a CPU worker takes the start of header 16
  EXPECT_EQ(c->header_index, 16u);
  EXPECT_EQ(c->extranonce2, 1u);
  auto d = space.claim_headers(64);  // mid-header: the rest of header 16 only
  EXPECT_EQ(d->header_index, 16u);
  EXPECT_EQ(d->headers, 1u);
  EXPECT_EQ(d->first_nonce, 100u);
  EXPECT_EQ(d->count, (std::uint64_t(1) << 32) - 100);
  auto e = space.claim_headers(64);
  EXPECT_EQ(e->header_index, 17u);
  EXPECT_EQ(e->headers, 15u);
  auto f = space.claim(1);  // the run ended with extranonce2 1's last version
  EXPECT_EQ(f->header_index, 32u);
  EXPECT_EQ(f->extranonce2, 2u);
  EXPECT_EQ(f->version, a->version);
  EXPECT_THROW(space.claim_headers(0), std::invalid_argument);
}

TEST(NonceSpace, HeaderRunsAndSmallClaimsTogetherAreDisjoint) {
  // A GPU taking header runs and CPU workers taking small pieces from the same space at once.
  NonceSpace space(make_job(1, 0x00006000u, 0));  // 4 versions x 256 extranonce2 = 1024 headers
  std::vector<NoncePiece> runs, pieces;
  {
    std::jthread gpu([&] {
      while (auto p = space.claim_headers(3))
        runs.push_back(*p);
    });
    std::jthread cpu([&] {
      std::mt19937_64 rng(9);
      while (auto p = space.claim(1 + rng() % (std::uint64_t(1) << 31)))
        pieces.push_back(*p);
    });
  }
  std::vector<NoncePiece> all = pieces;
  for (const NoncePiece& r : runs) {
    ASSERT_LE(r.headers, 3u);
    ASSERT_TRUE(r.headers == 1 || r.first_nonce == 0);
    for (std::uint32_t i = 0; i < r.headers; ++i) {
      NoncePiece one = r;
      one.header_index = r.header_index + i;
      one.headers = 1;
      ASSERT_EQ(one.header_index / 4, r.header_index / 4) << "a run crossed an extranonce2";
      all.push_back(one);
    }
  }
  std::sort(all.begin(), all.end(), [](const NoncePiece& a, const NoncePiece& b) {
    return std::tie(a.header_index, a.first_nonce) < std::tie(b.header_index, b.first_nonce);
  });
  std::uint64_t expected = 0;
  for (const NoncePiece& p : all) {
    ASSERT_EQ((p.header_index << 32) + p.first_nonce, expected) << "gap or overlap";
    expected += p.count;
  }
  EXPECT_EQ(expected, std::uint64_t(1024) << 32);
}

class NonceSpaceConcurrency : public ::testing::TestWithParam<unsigned> {};

TEST_P(NonceSpaceConcurrency, ClaimsAreDisjointAndCoverTheSpace) {
  // 256 headers x 2^32 nonces = 2^40, claimed in random sizes up to 2^23 (~260k claims) by N
  // threads at once.
  NonceSpace space(make_job(1, 0, 0));
  const unsigned threads = GetParam();
  std::vector<std::vector<NoncePiece>> claimed(threads);
  {
    std::vector<std::jthread> workers;
    for (unsigned t = 0; t < threads; ++t) {
      workers.emplace_back([&space, &mine = claimed[t], t] {
        std::mt19937_64 rng(t + 1);
        while (auto p = space.claim(1 + rng() % (std::uint64_t(1) << 23)))
          mine.push_back(*p);
      });
    }
  }
  std::vector<NoncePiece> all;
  for (const auto& v : claimed)
    all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end(), [](const NoncePiece& a, const NoncePiece& b) {
    return std::tie(a.header_index, a.first_nonce) < std::tie(b.header_index, b.first_nonce);
  });
  std::uint64_t expected = 0;  // next (header, nonce) as header * 2^32 + nonce
  for (const NoncePiece& p : all) {
    ASSERT_GE(p.count, 1u);
    ASSERT_LE(std::uint64_t(p.first_nonce) + p.count, std::uint64_t(1) << 32);
    ASSERT_EQ((p.header_index << 32) + p.first_nonce, expected) << "gap or overlap";
    expected += p.count;
  }
  EXPECT_EQ(expected, std::uint64_t(256) << 32);
}

INSTANTIATE_TEST_SUITE_P(Threads, NonceSpaceConcurrency, ::testing::Values(2u, 4u, 8u, 16u));

}  // namespace
}  // namespace hashrig
