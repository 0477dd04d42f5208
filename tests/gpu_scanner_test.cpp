// Every GPU scanner against the same contract, one instance per backend (tests/gpu_backends.h):
// OpenCL on its first device (PoCL on the CPU in CI, where a missing device fails), CUDA on
// cuda#0 (skipped where there is none, which includes every build without CUDA). Every hit is
// checked against the portable reference: real block nonces at their exact hash and one below,
// the top word's boundary, random headers and targets, launch sizes around the granule and the
// end of the nonce range, several versions per launch, double-buffered launches of different
// work, overflow, misuse, and two scanners on one device.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gpu_backends.h"
#include "gpu_test_support.h"

namespace hashrig {
namespace {

using kernels::gpu::GpuError;
using kernels::gpu::GpuScanner;
using kernels::gpu::GpuWork;
using kernels::gpu::Hit;
using kernels::gpu::make_work;
using kernels::gpu::scan_all;
using test::reference_hits;

struct Backend {
  const char* name;  // as test::open_first_device takes it
  // Nonces the longer checks scan per header. The host's reference hashes every one of them too
  // (about a million a second), and PoCL on CI's CPU about as fast: OpenCL's checks stay small,
  // a GPU's go further.
  std::uint32_t span;
};

void PrintTo(const Backend& b, std::ostream* os) {
  *os << b.name;
}

core::Uint256 minus_one(core::Uint256 v) {
  for (int i = 0; i < 8; ++i) {
    v.set_word(i, v.word(i) - 1);
    if (v.word(i) != 0xffffffffu) break;  // no borrow out of this word
  }
  return v;
}

// The hits that are real after the host's exact check of equal top words.
std::vector<Hit> confirmed(const GpuWork& work, const std::vector<Hit>& hits) {
  std::vector<Hit> out;
  for (const Hit& h : hits) {
    if (!work.needs_exact_check(h.top) ||
        kernels::gpu::reference_meets(work.headers[h.version_index], h.nonce, work.target)) {
      out.push_back(h);
    }
  }
  return out;
}

// One launch's hits, in the reference's order (one version).
std::vector<Hit> by_nonce(std::vector<Hit> v) {
  std::sort(v.begin(), v.end(), [](const Hit& x, const Hit& y) { return x.nonce < y.nonce; });
  return v;
}

class GpuScannerTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string why;
    m_scanner = test::open_first_device(GetParam().name, &why);
    if (!m_scanner) return test::no_device(GetParam().name, why);
  }

  GpuScanner& scanner() { return *m_scanner; }
  std::uint32_t span() const { return GetParam().span; }

  std::unique_ptr<GpuScanner> m_scanner;
};

TEST_P(GpuScannerTest, DescribesTheDevice) {
  const auto& info = scanner().info();
  const std::string backend = GetParam().name;
  EXPECT_EQ(info.id, backend + "#0");
  EXPECT_EQ(info.kernel, backend);
  EXPECT_FALSE(info.name.empty());
  EXPECT_FALSE(info.platform.empty());
  EXPECT_FALSE(info.version.empty());
  EXPECT_GT(info.compute_units, 0u);
  EXPECT_GT(info.memory_bytes, 0u);
  EXPECT_GT(scanner().granule(), 0u);
  EXPECT_LE(scanner().granule(), 1u << 31);  // the most one launch takes
}

TEST_P(GpuScannerTest, FindsEveryRealBlockNonceAtItsExactHashAndNotOneBelow) {
  const std::uint32_t window = span() / 8;  // nonces around each block's
  for (const test::MainnetBlock& b : test::kMainnet) {
    SCOPED_TRACE(b.height);
    const core::HeaderBytes header = test::mainnet_header(b);
    const core::Uint256 exact = core::hash_value(core::header_hash_with_nonce(header, b.nonce));
    const GpuWork work = make_work(std::span(&header, 1), exact);
    const std::uint32_t first = b.nonce - window / 2;
    const std::vector<Hit> hits = scan_all(scanner(), work, first, window);
    EXPECT_EQ(hits, reference_hits(work, first, window));
    // Other nonces may share the top word; only the block's meets its own hash.
    EXPECT_EQ(confirmed(work, hits), (std::vector<Hit>{{b.nonce, 0, exact.word(7)}}));

    // At the exact hash the kernel reports the nonce and the host's exact check takes it. One
    // below: the top word still matches, so the kernel reports it again, and the host rejects it.
    const auto at_hits = scan_all(scanner(), work, b.nonce, 1);
    ASSERT_EQ(at_hits.size(), 1u);
    EXPECT_TRUE(work.needs_exact_check(at_hits[0].top));
    EXPECT_EQ(confirmed(work, at_hits).size(), 1u);
    const GpuWork below = make_work(std::span(&header, 1), minus_one(exact));
    const auto below_hits = scan_all(scanner(), below, b.nonce, 1);
    ASSERT_EQ(below_hits.size(), 1u);
    EXPECT_TRUE(below.needs_exact_check(below_hits[0].top));
    EXPECT_TRUE(confirmed(below, below_hits).empty());
  }
}

TEST_P(GpuScannerTest, TopWordBoundaryOnRandomHeaders) {
  // A target at a hash's top word finds it; one below it does not.
  std::mt19937 rng(7);
  for (int i = 0; i < 16; ++i) {
    const core::HeaderBytes h = test::random_header(rng);
    const std::uint32_t nonce = std::uint32_t(rng());
    const std::uint32_t top = kernels::gpu::reference_top(h, nonce);
    if (top == 0) continue;
    const GpuWork hit = make_work(std::span(&h, 1), test::target_with_top(top));
    const GpuWork miss = make_work(std::span(&h, 1), test::target_with_top(top - 1));
    const auto got = scan_all(scanner(), hit, nonce, 1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], (Hit{nonce, 0, top}));
    EXPECT_TRUE(scan_all(scanner(), miss, nonce, 1).empty());
  }
}

TEST_P(GpuScannerTest, RandomHeadersAndTargetsMatchTheReference) {
  std::mt19937 rng(2026);
  for (int i = 0; i < 4; ++i) {
    const core::HeaderBytes h = test::random_header(rng);
    const std::uint32_t top = 0x00ffffffu << i;  // 1 in 256 .. 1 in 32 nonces
    const GpuWork work = make_work(std::span(&h, 1), test::target_with_top(top));
    const std::uint32_t first = std::uint32_t(rng());
    const std::uint32_t count = std::uint32_t(std::min<std::uint64_t>(span(), ~first + 1ull));
    EXPECT_EQ(scan_all(scanner(), work, first, count), reference_hits(work, first, count));
  }
}

TEST_P(GpuScannerTest, EveryLaunchSizeAndTheEndOfTheNonceRange) {
  std::mt19937 rng(5);
  const core::HeaderBytes h = test::random_header(rng);
  const GpuWork work = make_work(std::span(&h, 1), test::target_with_top(0x07ffffff));
  const std::uint32_t g = scanner().granule();
  for (const std::uint32_t count : {1u, 2u, 7u, 8u, 9u, 63u, 64u, 65u, 255u, 1000u, 2047u, 2048u,
                                    2049u, 100003u, g - 1, g, g + 1, g + 12345}) {
    SCOPED_TRACE(count);
    EXPECT_EQ(scan_all(scanner(), work, 12345, count), reference_hits(work, 12345, count));
  }
  const std::uint32_t tail = 4097;  // the last nonces, up to 0xffffffff, without wrapping
  EXPECT_EQ(scan_all(scanner(), work, std::uint32_t(0) - tail, tail),
            reference_hits(work, std::uint32_t(0) - tail, tail));
}

TEST_P(GpuScannerTest, SeveralVersionsInOneLaunch) {
  const test::MainnetBlock& block = test::kMainnet[6];  // mined with a rolled version
  const core::HeaderBytes base = test::mainnet_header(block);
  std::vector<core::HeaderBytes> headers;
  for (const std::uint32_t v : {block.version, 0x20000000u, 0x3fffe000u, 0x2abcd000u, 0x20000004u})
    headers.push_back(test::with_version(base, v));
  // The real block's version is index 0: its real nonce must be there.
  const GpuWork work = make_work(headers, test::target_with_top(0x03ffffff));
  const std::uint32_t count = span() / 4, first = block.nonce - count / 2;
  const auto hits = scan_all(scanner(), work, first, count);
  EXPECT_EQ(hits, reference_hits(work, first, count));
  std::set<std::uint32_t> versions;
  for (const Hit& h : hits)
    versions.insert(h.version_index);
  EXPECT_EQ(versions.size(), headers.size());  // 1 in 64 nonces hits: every version has some
  EXPECT_TRUE(std::find(hits.begin(), hits.end(), Hit{block.nonce, 0, 0}) != hits.end());

  // The most versions a launch takes.
  std::vector<core::HeaderBytes> many;
  for (std::uint32_t v = 0; v < kernels::gpu::kMaxVersions; ++v)
    many.push_back(test::with_version(base, 0x20000000u | (v << 13)));
  const GpuWork wide = make_work(many, test::target_with_top(0x00ffffff));
  EXPECT_EQ(scan_all(scanner(), wide, 0, span() / 16), reference_hits(wide, 0, span() / 16));
}

TEST_P(GpuScannerTest, DoubleBufferedLaunchesKeepTheirOwnWork) {
  std::mt19937 rng(11);
  const core::HeaderBytes a = test::random_header(rng), b = test::random_header(rng);
  const GpuWork work_a = make_work(std::span(&a, 1), test::target_with_top(0x00ffffff));
  const GpuWork work_b = make_work(std::span(&b, 1), test::target_with_top(0x00ffffff));
  const std::uint32_t step = span() / 8;  // 1 in 256 nonces hits: well under kHitCapacity
  // A job switch while a launch is in flight: slot 0 hashes A, slot 1 already B, then each slot
  // in turn B's next range; each result belongs to the work it was launched with.
  scanner().launch(0, work_a, 0, step);
  scanner().launch(1, work_b, 0, step);
  auto r0 = scanner().wait(0);
  EXPECT_FALSE(r0.overflow);
  const std::vector<Hit> got_a(r0.hits.begin(), r0.hits.end());
  std::vector<Hit> got_b;
  scanner().launch(0, work_b, step, step);
  int next = 1;  // the slot to wait for
  for (std::uint32_t start = 2 * step; start < 8 * step; start += step) {
    auto r = scanner().wait(next);
    EXPECT_FALSE(r.overflow);
    got_b.insert(got_b.end(), r.hits.begin(), r.hits.end());
    scanner().launch(next, work_b, start, step);
    next = 1 - next;
  }
  for (int i = 0; i < 2; ++i, next = 1 - next) {
    auto r = scanner().wait(next);
    got_b.insert(got_b.end(), r.hits.begin(), r.hits.end());
  }
  EXPECT_EQ(by_nonce(got_a), reference_hits(work_a, 0, step));
  EXPECT_EQ(by_nonce(got_b), reference_hits(work_b, 0, 8 * step));
}

TEST_P(GpuScannerTest, OverflowIsReportedAndScanAllLosesNothing) {
  std::mt19937 rng(3);
  const core::HeaderBytes h = test::random_header(rng);
  const GpuWork work = make_work(std::span(&h, 1), core::Uint256::max());  // every nonce hits
  scanner().launch(0, work, 100, 5000);
  const auto r = scanner().wait(0);
  EXPECT_TRUE(r.overflow);
  EXPECT_EQ(r.hits.size(), kernels::gpu::kHitCapacity);
  const auto all = scan_all(scanner(), work, 100, 5000);
  ASSERT_EQ(all.size(), 5000u);
  for (std::uint32_t i = 0; i < 5000; ++i) {
    EXPECT_EQ(all[i].nonce, 100 + i);
    EXPECT_EQ(all[i].top, kernels::gpu::reference_top(h, 100 + i));
  }
}

TEST_P(GpuScannerTest, MisuseIsAnErrorNotACrash) {
  std::mt19937 rng(1);
  const core::HeaderBytes h = test::random_header(rng);
  const GpuWork work = make_work(std::span(&h, 1), test::target_with_top(0));
  EXPECT_THROW(scanner().wait(1), GpuError);
  scanner().launch(1, work, 0, 10);
  EXPECT_THROW(scanner().launch(1, work, 0, 10), GpuError);
  scanner().wait(1);
  EXPECT_THROW(scanner().launch(0, work, 0, 0), GpuError);
  EXPECT_THROW(scanner().launch(0, work, 0, (1u << 31) + 1), GpuError);
  GpuWork empty = work;
  empty.versions.clear();
  EXPECT_THROW(scanner().launch(0, empty, 0, 10), GpuError);
  // The scanner still works after refusing those.
  const core::HeaderBytes g = test::mainnet_header(test::kMainnet[0]);
  const GpuWork genesis = make_work(std::span(&g, 1), test::target_with_top(0));
  const auto hits = scan_all(scanner(), genesis, test::kMainnet[0].nonce - 10, 20);
  EXPECT_EQ(hits, reference_hits(genesis, test::kMainnet[0].nonce - 10, 20));
}

TEST_P(GpuScannerTest, TwoScannersOnOneDevice) {
  std::string why;
  const auto second = test::open_first_device(GetParam().name, &why);
  ASSERT_TRUE(second) << why;
  const core::HeaderBytes h = test::mainnet_header(test::kMainnet[3]);
  const GpuWork work = make_work(std::span(&h, 1), test::target_with_top(0x00ffffff));
  EXPECT_EQ(scan_all(*second, work, 0, span()), scan_all(scanner(), work, 0, span()));

  // Both in flight at once, each with work of its own.
  const core::HeaderBytes other_header = test::mainnet_header(test::kMainnet[4]);
  const GpuWork other = make_work(std::span(&other_header, 1), test::target_with_top(0x00ffffff));
  const std::uint32_t count = span() / 8;  // 1 in 256 nonces hits: well under kHitCapacity
  second->launch(0, other, 0, count);
  scanner().launch(0, work, 0, count);
  const auto mine = scanner().wait(0);
  const auto theirs = second->wait(0);
  EXPECT_FALSE(mine.overflow);
  EXPECT_FALSE(theirs.overflow);
  EXPECT_EQ(by_nonce(std::vector<Hit>(mine.hits.begin(), mine.hits.end())),
            reference_hits(work, 0, count));
  EXPECT_EQ(by_nonce(std::vector<Hit>(theirs.hits.begin(), theirs.hits.end())),
            reference_hits(other, 0, count));
}

INSTANTIATE_TEST_SUITE_P(EveryBackend, GpuScannerTest,
                         ::testing::Values(Backend{"opencl", 1u << 15}, Backend{"cuda", 1u << 20}),
                         [](const ::testing::TestParamInfo<Backend>& p) {
                           return std::string(p.param.name);
                         });

}  // namespace
}  // namespace hashrig
