// hashrig-test-node: the test node (test_node.h) as a process of its own, for tests that run the
// miner as a separate program.
//
//   hashrig-test-node [--port N] [--datadir DIR] [--rpc-user U --rpc-password P]
//                     [--no-longpoll] [--no-coinbaseaux] [--rule R]... [--longpoll-timeout-ms MS]
//                     [--txs N] [--import-chain FILE [--import-height H]] [--seed N]
//                     [--ignore-stdin]
//
// Prints "port N" (flushed) once listening. Runs until SIGTERM/SIGINT or until stdin closes
// (unless --ignore-stdin), then prints one JSON line with the stats and exits 0. Lines on stdin
// are commands: "tx N", "generate N", "fail-http N [METHOD]", "garbage N [METHOD]",
// "truncate N [METHOD]", "hang N [METHOD]", "close N [METHOD]", "answer N STRING" (the rest of
// the line, spaces kept),
// "delay MS", "clear", "stats" (prints the JSON line now). Exit 2 on bad usage, 1 on a start-up
// failure (a port in use, an unreadable datadir or chain file).
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "tests/node/test_node.h"
#include "tests/server_program.h"

namespace {

using hashrig::testnode::TestNode;
using hashrig::testnode::TestNodeOptions;

struct Settings {
  TestNodeOptions node;
  bool ignore_stdin = false;
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr const char* kUsage =
    "usage: hashrig-test-node [--port N] [--datadir DIR] [--rpc-user U --rpc-password P]\n"
    "         [--no-longpoll] [--no-coinbaseaux] [--rule R]... [--longpoll-timeout-ms MS]\n"
    "         [--txs N] [--import-chain FILE [--import-height H]] [--seed N] [--ignore-stdin]\n"
    "A regtest JSON-RPC node for mining tests. Prints \"port N\" once listening on 127.0.0.1;\n"
    "runs until SIGTERM/SIGINT or the end of stdin, then prints a JSON summary. stdin commands:\n"
    "tx N, generate N, fail-http N [METHOD], garbage N [METHOD], truncate N [METHOD],\n"
    "hang N [METHOD], close N [METHOD], answer N STRING, delay MS, clear, stats.\n";

long long number_arg(const std::string& flag, const std::string& value, long long min,
                     long long max) {
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(value, &used, 10);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || value.empty() || n < min || n > max) {
    throw UsageError(flag + ": " + value + " is not a number in " + std::to_string(min) + ".." +
                     std::to_string(max));
  }
  return n;
}

Settings parse_args(int argc, char** argv) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (flag == "--ignore-stdin") {
      s.ignore_stdin = true;
      continue;
    }
    if (flag == "--no-longpoll") {
      s.node.omit_longpollid = true;
      continue;
    }
    if (flag == "--no-coinbaseaux") {
      s.node.omit_coinbaseaux = true;
      continue;
    }
    if (i + 1 >= argc) throw UsageError(flag + ": needs a value (or is unknown)");
    const std::string value = argv[++i];
    if (flag == "--port") {
      s.node.port = std::uint16_t(number_arg(flag, value, 0, 65535));
    } else if (flag == "--datadir") {
      s.node.datadir = value;
    } else if (flag == "--rpc-user") {
      s.node.rpc_user = value;
    } else if (flag == "--rpc-password") {
      s.node.rpc_password = value;
    } else if (flag == "--rule") {
      s.node.extra_rules.push_back(value);
    } else if (flag == "--longpoll-timeout-ms") {
      s.node.longpoll_timeout = std::chrono::milliseconds(number_arg(flag, value, 1, 86400000));
    } else if (flag == "--txs") {
      s.node.initial_txs = std::size_t(number_arg(flag, value, 0, 100000));
    } else if (flag == "--import-chain") {
      s.node.import_chain_file = value;
    } else if (flag == "--import-height") {
      s.node.import_height = number_arg(flag, value, 0, 1000000);
    } else if (flag == "--seed") {
      s.node.seed = std::uint64_t(number_arg(flag, value, 0, INT64_MAX));
    } else {
      throw UsageError("unknown option " + flag);
    }
  }
  if (s.node.rpc_user.empty() != s.node.rpc_password.empty()) {
    throw UsageError("--rpc-user and --rpc-password go together");
  }
  if (s.node.import_height >= 0 && s.node.import_chain_file.empty()) {
    throw UsageError("--import-height needs --import-chain");
  }
  return s;
}

// One stdin command; false when it is unknown or malformed.
bool run_command(TestNode& node, const std::string& line) {
  std::istringstream in(line);
  std::string command;
  in >> command;
  if (command.empty()) return true;
  if (command == "stats") {
    std::cout << to_json(node.stats()).dump() << std::endl;
    return true;
  }
  if (command == "clear") {
    node.clear_faults();
    return true;
  }
  long long n = 0;
  if (!(in >> n) || n < 0) return false;
  std::string rest;
  std::getline(in >> std::ws, rest);
  const auto count = std::uint64_t(n);
  if (command == "tx") {
    node.add_transactions(std::size_t(count));
  } else if (command == "generate") {
    for (const std::string& hash : node.generate(std::size_t(count)))
      std::cout << "block " << hash << "\n";
    std::cout.flush();
  } else if (command == "fail-http") {
    node.fail_http(count, rest);
  } else if (command == "garbage") {
    node.garbage(count, rest);
  } else if (command == "truncate") {
    node.truncate(count, rest);
  } else if (command == "hang") {
    node.hang(count, rest);
  } else if (command == "close") {
    node.close_unanswered(count, rest);
  } else if (command == "answer") {
    if (rest.empty()) return false;
    node.answer_submitblock(count, rest);
  } else if (command == "delay") {
    node.set_delay(std::chrono::milliseconds(n));
  } else {
    return false;
  }
  return true;
}

// Serves until a signal or the end of stdin.
void serve(TestNode& node, const Settings& settings, const sigset_t& signals) {
  hashrig::test::serve_commands({"hashrig-test-node",
                                 !settings.ignore_stdin,
                                 [&](const std::string& line) { return run_command(node, line); },
                                 {}},
                                signals);
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  try {
    settings = parse_args(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "hashrig-test-node: " << e.what() << "\n" << kUsage;
    return 2;
  }
  const sigset_t signals = hashrig::test::block_stop_signals();  // before the node thread starts

  try {
    TestNode node(settings.node);
    const std::uint16_t port = node.start();
    std::cout << "port " << port << std::endl;
    serve(node, settings, signals);
    node.stop();
    std::cout << to_json(node.stats()).dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "hashrig-test-node: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
