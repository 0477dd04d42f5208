// The test node's RPC user and password as the node bridge's credentials.
#pragma once

#include "node-bridge/rpc_client.h"
#include "node/test_node.h"

namespace hashrig::test {

inline node::RpcCredentials password_of(const testnode::TestNode& node) {
  const auto [user, password] = node.credentials();
  return {user, password, {}};
}

}  // namespace hashrig::test
