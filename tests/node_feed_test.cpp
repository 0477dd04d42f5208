// The template feed and the block submitter against the test node over real sockets: longpoll
// and tip poll bring a new tip; a node that answers garbage, an HTML page or a template with a
// rule hashrig does not know is reported and asked again while the last template stays current;
// a block submitted while the node is down lands once it is back, from the journal, also when a
// new submitter (a restarted hashrig) takes it over. A ZMQ hashblock notification brings a new
// tip without longpoll or tip poll.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zmq.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/header.h"
#include "core/job_work.h"
#include "node-bridge/block.h"
#include "node-bridge/block_submitter.h"
#include "node-bridge/template_feed.h"
#include "node/test_node.h"
#include "node_rpc_support.h"

namespace hashrig::node {
namespace {

using namespace std::chrono_literals;
using testnode::TestNode;
using testnode::TestNodeOptions;

// What the feed reported, for the test thread to wait on.
struct FeedRecord {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::shared_ptr<const BlockTemplate>> templates;
  std::vector<std::string> warnings;

  FeedEvents events() {
    FeedEvents e;
    e.updated = [this](std::shared_ptr<const BlockTemplate> t) {
      std::lock_guard lock(mutex);
      templates.push_back(std::move(t));
      changed.notify_all();
    };
    e.log = [this](bool warning, const std::string& text) {
      if (!warning) return;
      std::lock_guard lock(mutex);
      warnings.push_back(text);
      changed.notify_all();
    };
    return e;
  }
  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return pred(*this); });
  }
  std::string all_warnings() {
    std::lock_guard lock(mutex);
    std::string out;
    for (const auto& w : warnings)
      out += w + "\n";
    return out;
  }
};

FeedOptions quick_feed(std::chrono::milliseconds tip_poll) {
  FeedOptions o;
  o.tip_poll = tip_poll;
  o.retry_initial = 20ms;
  o.retry_max = 100ms;
  o.refresh = 60s;
  return o;
}

TEST(NodeFeed, LongpollBringsANewTipWithoutTipPolling) {
  TestNode node;
  const std::uint16_t port = node.start();
  FeedRecord record;
  TemplateFeed feed({"127.0.0.1", port, "/"}, test::password_of(node), quick_feed(0ms),
                    record.events());
  feed.start();
  ASSERT_TRUE(record.wait([](FeedRecord& r) { return r.templates.size() == 1; }));
  EXPECT_EQ(record.templates[0]->height, 1);
  ASSERT_TRUE(node.wait_for([](const auto& s) { return s.longpolls_started >= 1; }, 5s));
  node.generate(1);
  ASSERT_TRUE(record.wait([](FeedRecord& r) { return r.templates.size() == 2; }));
  EXPECT_EQ(record.templates[1]->height, 2);
  EXPECT_EQ(core::to_hex_reversed(record.templates[1]->prev_hash), node.best_hash());
  node.add_transactions(3);  // the mempool changed: the longpoll answers too
  ASSERT_TRUE(record.wait([](FeedRecord& r) { return r.templates.size() == 3; }));
  EXPECT_EQ(record.templates[2]->transactions.size(), 3u);
  feed.stop();
  EXPECT_TRUE(record.warnings.empty()) << record.all_warnings();
}

TEST(NodeFeed, WithoutLongpollTheTipPollFindsTheNewTip) {
  TestNodeOptions options;
  options.omit_longpollid = true;
  TestNode node(options);
  const std::uint16_t port = node.start();
  FeedRecord record;
  TemplateFeed feed({"127.0.0.1", port, "/"}, test::password_of(node), quick_feed(50ms),
                    record.events());
  feed.start();
  ASSERT_TRUE(record.wait([](FeedRecord& r) { return r.templates.size() == 1; }));
  node.generate(2);
  ASSERT_TRUE(record.wait([](FeedRecord& r) { return r.templates.size() == 2; }));
  EXPECT_EQ(record.templates[1]->height, 3);
  EXPECT_EQ(node.stats().longpolls_started, 0u);
  EXPECT_GT(node.stats().requests_by_method["getbestblockhash"], 0u);
  feed.stop();
}

TEST(NodeFeed, BadAnswersAreReportedAndAskedAgainWhileTheLastTemplateStays) {
  TestNode node;
  const std::uint16_t port = node.start();
  FeedRecord record;
  TemplateFeed feed({"127.0.0.1", port, "/"}, test::password_of(node), quick_feed(0ms),
                    record.events());
  feed.start();
  ASSERT_TRUE(record.wait([](FeedRecord& r) { return r.templates.size() == 1; }));
  ASSERT_TRUE(node.wait_for([](const auto& s) { return s.longpolls_started >= 1; }, 5s));
  node.garbage(1, "getblocktemplate");
  node.fail_http(1, "getblocktemplate");
  node.generate(1);  // the longpoll answers; the next two asks get garbage, then an HTML page
  ASSERT_TRUE(record.wait([](FeedRecord& r) { return r.warnings.size() >= 2; }));
  EXPECT_EQ(record.templates.size(), 2u);
  const std::string warnings = record.all_warnings();
  EXPECT_NE(warnings.find("not a JSON-RPC reply"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("Internal Server Error"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("the current work goes on"), std::string::npos) << warnings;
  EXPECT_EQ(feed.current()->height, 2);
  node.generate(1);  // and the feed is back on its feet
  ASSERT_TRUE(record.wait([](FeedRecord& r) { return r.templates.size() == 3; }));
  EXPECT_EQ(feed.current()->height, 3);
  feed.stop();
}

TEST(NodeFeed, ATemplateWithARuleHashrigDoesNotKnowIsRefusedNamingIt) {
  TestNodeOptions options;
  options.extra_rules = {"!unknownrule"};
  TestNode node(options);
  const std::uint16_t port = node.start();
  FeedRecord record;
  TemplateFeed feed({"127.0.0.1", port, "/"}, test::password_of(node), quick_feed(0ms),
                    record.events());
  feed.start();
  ASSERT_TRUE(record.wait([](FeedRecord& r) { return r.warnings.size() >= 2; }));
  feed.stop();
  EXPECT_TRUE(record.templates.empty());
  EXPECT_NE(record.warnings[0].find("unknownrule"), std::string::npos) << record.warnings[0];
}

// A ZMQ publisher standing in for the node's -zmqpubhashblock: topic, 32-byte hash (display
// order), 4-byte sequence, as Bitcoin Core sends them.
class HashblockPublisher {
 public:
  HashblockPublisher() : m_context(zmq_ctx_new()), m_socket(zmq_socket(m_context, ZMQ_PUB)) {
    const int linger = 0;
    zmq_setsockopt(m_socket, ZMQ_LINGER, &linger, sizeof linger);
    EXPECT_EQ(zmq_bind(m_socket, "tcp://127.0.0.1:*"), 0);
    char endpoint[256];
    std::size_t size = sizeof endpoint;
    zmq_getsockopt(m_socket, ZMQ_LAST_ENDPOINT, endpoint, &size);
    m_endpoint = endpoint;
  }
  ~HashblockPublisher() {
    zmq_close(m_socket);
    zmq_ctx_term(m_context);
  }
  const std::string& endpoint() const { return m_endpoint; }
  void publish(const core::Bytes& body) {
    zmq_send(m_socket, "hashblock", 9, ZMQ_SNDMORE);
    zmq_send(m_socket, body.data(), body.size(), ZMQ_SNDMORE);
    const unsigned char sequence[4] = {std::uint8_t(m_sequence++), 0, 0, 0};
    zmq_send(m_socket, sequence, 4, 0);
  }

 private:
  void* m_context;
  void* m_socket;
  std::string m_endpoint;
  unsigned m_sequence = 0;
};

TEST(NodeFeed, AZmqHashblockNotificationBringsTheNewTipAtOnce) {
  TestNodeOptions options;
  options.omit_longpollid = true;
  TestNode node(options);
  const std::uint16_t port = node.start();
  HashblockPublisher publisher;
  FeedRecord record;
  FeedOptions feed_options = quick_feed(0ms);  // no tip poll, no longpoll: only ZMQ
  feed_options.zmq_endpoint = publisher.endpoint();
  TemplateFeed feed({"127.0.0.1", port, "/"}, test::password_of(node), feed_options,
                    record.events());
  feed.start();
  ASSERT_TRUE(record.wait([](FeedRecord& r) { return r.templates.size() == 1; }));
  node.generate(1);
  EXPECT_FALSE(record.wait([](FeedRecord& r) { return r.templates.size() == 2; }, 300ms))
      << "nothing but the notification can bring the new tip";
  const core::Bytes hash = core::from_hex(node.best_hash());
  // ZMQ subscriptions take a moment to reach the publisher: publish until it is heard. A
  // message of the wrong shape goes first and is ignored.
  for (int i = 0;
       i < 100 && !record.wait([](FeedRecord& r) { return r.templates.size() == 2; }, 50ms); ++i) {
    publisher.publish(core::Bytes(5, 0xab));
    publisher.publish(hash);
  }
  ASSERT_EQ(record.templates.size(), 2u);
  EXPECT_EQ(record.templates[1]->height, 2);
  feed.stop();
  EXPECT_EQ(node.stats().longpolls_started, 0u);
}

// A block for the node's current template: coinbase paying OP_TRUE, nonce searched here.
std::string solve_block(TestNode& node) {
  const BlockTemplate tmpl = parse_template(node.block_template());
  CoinbaseSpec spec;
  spec.payout_script = {0x51};
  const core::Bytes extranonce(8, 0x07);
  const core::Job job = job_from_template(tmpl, spec, "node");
  core::HeaderBytes header =
      core::build_header(job, core::job_merkle_root(job, extranonce), job.version, job.ntime);
  for (std::uint32_t nonce = 0;; ++nonce) {
    if (core::hash_value(core::header_hash_with_nonce(header, nonce)) <= job.network_target) {
      for (int i = 0; i < 4; ++i)
        header[76 + i] = std::uint8_t(nonce >> (8 * i));
      break;
    }
  }
  return assemble_block(tmpl, spec, extranonce, header);
}

class NodeSubmitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = std::filesystem::temp_directory_path() /
            ("hashrig-submitter-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(m_dir);
    std::filesystem::create_directories(m_dir / "node");
  }
  void TearDown() override { std::filesystem::remove_all(m_dir); }

  std::filesystem::path m_dir;
};

SubmitterOptions quick_submitter() {
  SubmitterOptions o;
  o.retry_initial = 20ms;
  o.retry_max = 200ms;
  o.deadline = 2s;
  return o;
}

TEST_F(NodeSubmitterTest, ABlockFoundWhileTheNodeIsDownLandsWhenItIsBack) {
  TestNodeOptions options;
  options.datadir = (m_dir / "node").string();
  TestNode node(options);
  const std::uint16_t port = node.start();
  const std::string block = solve_block(node);
  node.stop();

  BlockJournal journal(m_dir / "blocks.sqlite3");
  const auto id = journal.record("h", 1, block, "n", 1);
  std::mutex mutex;
  std::vector<nlohmann::json> answers;
  SubmitterEvents events;
  events.answered = [&](const JournalBlock&, const nlohmann::json& a) {
    std::lock_guard lock(mutex);
    answers.push_back(a);
  };
  BlockSubmitter submitter(&journal,
                           std::make_unique<RpcClient>(NodeEndpoint{"127.0.0.1", port, "/"},
                                                       RpcCredentials{"", "", node.cookie_path()}),
                           "n", quick_submitter(), events);
  submitter.start();
  submitter.submit(id);
  for (int i = 0; i < 200 && journal.find(id)->attempts < 3; ++i)
    std::this_thread::sleep_for(10ms);
  ASSERT_GE(journal.find(id)->attempts, 3);
  EXPECT_NE(journal.find(id)->last_error.find("cannot"), std::string::npos)
      << journal.find(id)->last_error;
  EXPECT_TRUE(journal.find(id)->pending());

  node.start();  // a new cookie too
  ASSERT_TRUE(node.wait_for([](const auto& s) { return s.accepted.size() == 1; }, 10s));
  EXPECT_EQ(submitter.stop(5s), 0u);
  EXPECT_TRUE(journal.find(id)->accepted());
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_TRUE(answers[0].is_null());
}

TEST_F(NodeSubmitterTest, ANewSubmitterTakesOverWhatTheLastOneLeftPending) {
  TestNode node;
  const std::uint16_t port = node.start();
  const std::string block = solve_block(node);
  BlockJournal journal(m_dir / "blocks.sqlite3");
  const auto id = journal.record("h", 1, block, "127.0.0.1", 1);
  node.fail_http(1000, "submitblock");
  const auto [user, password] = node.credentials();
  {
    BlockSubmitter first(&journal,
                         std::make_unique<RpcClient>(NodeEndpoint{"127.0.0.1", port, "/"},
                                                     RpcCredentials{user, password, {}}),
                         "127.0.0.1", quick_submitter(), {});
    first.start();
    first.submit(id);
    for (int i = 0; i < 200 && journal.find(id)->attempts < 2; ++i)
      std::this_thread::sleep_for(10ms);
    EXPECT_EQ(first.stop(0ms), 1u) << "still pending when stopped";
  }
  ASSERT_TRUE(journal.find(id)->pending());
  node.clear_faults();
  BlockSubmitter second(&journal,
                        std::make_unique<RpcClient>(NodeEndpoint{"127.0.0.1", port, "/"},
                                                    RpcCredentials{user, password, {}}),
                        "127.0.0.1", quick_submitter(), {});
  second.start();  // nothing submitted by hand: the journal's pending block
  ASSERT_TRUE(node.wait_for([](const auto& s) { return s.accepted.size() == 1; }, 10s));
  second.stop(5s);
  EXPECT_TRUE(journal.find(id)->accepted());
}

TEST_F(NodeSubmitterTest, ABlockTheJournalCouldNotTakeIsStillSubmittedFromMemory) {
  TestNode node;
  const std::uint16_t port = node.start();
  BlockJournal journal(m_dir / "blocks.sqlite3");
  JournalBlock block;
  block.hash = "unjournaled";
  block.height = 1;
  block.block_hex = solve_block(node);
  node.fail_http(2, "submitblock");  // and it needs retries too
  std::mutex mutex;
  std::vector<int> attempts;
  SubmitterEvents events;
  events.answered = [&](const JournalBlock& b, const nlohmann::json& a) {
    std::lock_guard lock(mutex);
    if (a.is_null()) attempts.push_back(b.attempts);
  };
  const auto [user, password] = node.credentials();
  BlockSubmitter submitter(&journal,
                           std::make_unique<RpcClient>(NodeEndpoint{"127.0.0.1", port, "/"},
                                                       RpcCredentials{user, password, {}}),
                           "n", quick_submitter(), events);
  submitter.start();
  submitter.submit_unjournaled(block);
  ASSERT_TRUE(node.wait_for([](const auto& s) { return s.accepted.size() == 1; }, 10s));
  EXPECT_EQ(submitter.stop(5s), 0u);
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0], 3) << "two HTML pages, then the answer";
  EXPECT_TRUE(journal.all().empty());
}

TEST_F(NodeSubmitterTest, EveryAnswerIsFinalAndKeptAsGiven) {
  TestNode node;
  const std::uint16_t port = node.start();
  BlockJournal journal(m_dir / "blocks.sqlite3");
  const std::string block = solve_block(node);
  const auto rejected = journal.record("a", 1, block, "n", 1);
  const auto accepted = journal.record("b", 1, block + "", "n", 2);  // same bytes, another row
  const auto duplicate = journal.record("c", 1, block, "n", 3);
  const auto undecodable = journal.record("d", 1, "00", "n", 4);
  node.answer_submitblock(1, "rejected: something");
  const auto [user, password] = node.credentials();
  BlockSubmitter submitter(&journal,
                           std::make_unique<RpcClient>(NodeEndpoint{"127.0.0.1", port, "/"},
                                                       RpcCredentials{user, password, {}}),
                           "n", quick_submitter(), {});
  submitter.start();
  ASSERT_EQ(submitter.stop(10s), 0u);
  EXPECT_EQ(*journal.find(rejected)->answer, R"("rejected: something")");
  EXPECT_EQ(*journal.find(accepted)->answer, "null");
  EXPECT_EQ(*journal.find(duplicate)->answer, R"("duplicate")");
  const std::string decode = *journal.find(undecodable)->answer;
  EXPECT_NE(decode.find("-22"), std::string::npos) << decode;
  EXPECT_EQ(describe_answer(nlohmann::json::parse(decode)).rfind("error -22: ", 0), 0u);
}

}  // namespace
}  // namespace hashrig::node
