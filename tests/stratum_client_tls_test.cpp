// The pool client over TLS against the test pool with a certificate made for the test: verified
// against a given CA file and the host name; pinned by fingerprint; refused when the pin or the
// chain is wrong; never downgraded or upgraded: the URL's scheme decides.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "stratum/tls.h"
#include "stratum_client_support.h"

namespace hashrig {
namespace {

using namespace std::chrono_literals;
using testpool::PoolStats;
using testpool::TestPool;

class StratumTls : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "the openssl program is not installed";
    }
    m_dir = std::filesystem::temp_directory_path() /
            ("hashrig-client-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(m_dir);
    const std::string make = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key() +
                             " -out " + cert() +
                             " -days 1 -subj /CN=localhost"
                             " -addext subjectAltName=DNS:localhost >/dev/null 2>&1";
    ASSERT_EQ(std::system(make.c_str()), 0);
    const std::string fp = (m_dir / "fp.txt").string();
    const std::string digest =
        "openssl x509 -in " + cert() + " -noout -fingerprint -sha256 > " + fp + " 2>/dev/null";
    ASSERT_EQ(std::system(digest.c_str()), 0);
    std::ifstream in(fp);
    std::string line;
    std::getline(in, line);
    m_fingerprint = stratum::parse_fingerprint(line.substr(line.find('=') + 1));
    testpool::TestPoolOptions options = test::easy_pool();
    options.tls_cert_pem = cert();
    options.tls_key_pem = key();
    m_pool = std::make_unique<TestPool>(options);
    m_port = m_pool->start();
  }
  void TearDown() override {
    m_pool.reset();
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
  }
  std::string cert() const { return (m_dir / "cert.pem").string(); }
  std::string key() const { return (m_dir / "key.pem").string(); }
  std::string url(const char* scheme, const char* host) const {
    return std::string(scheme) + "://" + host + ":" + std::to_string(m_port);
  }
  stratum::ClientOptions options(const std::string& pool_url, const stratum::TlsOptions& tls) {
    stratum::ClientOptions o = test::quick_options();
    o.pools.push_back(test::pool_settings(pool_url, "pool1"));
    o.pools.back().tls = tls;
    return o;
  }
  // Runs a rig for `wait`; returns how many shares the pool accepted and the log.
  std::pair<std::uint64_t, std::string> mine(const stratum::ClientOptions& o, bool expect_shares) {
    test::Rig rig(o);
    if (expect_shares) {
      EXPECT_TRUE(test::accepted_more(*m_pool, 0, 2)) << rig.log_text();
    } else {
      std::this_thread::sleep_for(1500ms);
    }
    rig.stop();
    return {m_pool->stats().accepted, rig.log_text()};
  }

  std::filesystem::path m_dir;
  std::array<std::uint8_t, 32> m_fingerprint{};
  std::unique_ptr<TestPool> m_pool;
  std::uint16_t m_port = 0;
};

TEST_F(StratumTls, VerifiesTheChainAndTheHostName) {
  stratum::TlsOptions tls;
  tls.ca_file = cert();  // the test's self-signed certificate as a trust anchor
  const auto [accepted, log] = mine(options(url("stratum+ssl", "localhost"), tls), true);
  EXPECT_GE(accepted, 2u) << log;
  EXPECT_GE(m_pool->stats().tls_handshakes, 1u);
}

TEST_F(StratumTls, RefusesACertificateNoTrustedAuthoritySigned) {
  const auto [accepted, log] = mine(options(url("stratum+tls", "localhost"), {}), false);
  EXPECT_EQ(accepted, 0u);
  EXPECT_NE(log.find("TLS handshake with localhost failed"), std::string::npos) << log;
}

TEST_F(StratumTls, APinnedFingerprintAcceptsTheSelfSignedPool) {
  stratum::TlsOptions tls;
  tls.fingerprint = m_fingerprint;
  const auto [accepted, log] = mine(options(url("stratum+tls", "127.0.0.1"), tls), true);
  EXPECT_GE(accepted, 2u) << log;
}

TEST_F(StratumTls, AWrongFingerprintIsRefused) {
  stratum::TlsOptions tls;
  tls.fingerprint = m_fingerprint;
  (*tls.fingerprint)[0] ^= 1;
  const auto [accepted, log] = mine(options(url("stratum+ssl", "127.0.0.1"), tls), false);
  EXPECT_EQ(accepted, 0u);
  EXPECT_EQ(m_pool->stats().authorizes, 0u);  // nothing was sent over the unverified channel
  EXPECT_NE(log.find("is not the pinned"), std::string::npos) << log;
}

TEST_F(StratumTls, InsecureIsAnExplicitOptOut) {
  stratum::TlsOptions tls;
  tls.insecure = true;
  const auto [accepted, log] = mine(options(url("stratum+ssl", "127.0.0.1"), tls), true);
  EXPECT_GE(accepted, 2u) << log;
}

TEST_F(StratumTls, TheSchemeDecidesPlainTcpIsNeverUpgraded) {
  const auto [accepted, log] = mine(options(url("stratum+tcp", "127.0.0.1"), {}), false);
  EXPECT_EQ(accepted, 0u);
  EXPECT_EQ(m_pool->stats().tls_handshakes, 0u);
}

}  // namespace
}  // namespace hashrig
