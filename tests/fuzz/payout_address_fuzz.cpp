// Fuzz target: a payout address as a user types it (--payout, node.payout) -> node::decode_address
// on each network, and a chain name -> node::network_from_chain. Properties of an address it
// accepts: the script has the shape of its type (P2PKH 25 bytes, P2SH 23, P2WPKH 22, P2WSH and
// P2TR 34), the canonical text decodes to the same script and type, and the address is refused
// on every network that does not share its prefix.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "node-bridge/address.h"
#include "tests/fuzz/fuzz_check.h"

using namespace hashrig;

namespace {

std::size_t script_size(node::AddressType type) {
  switch (type) {
    case node::AddressType::p2pkh:
      return 25;
    case node::AddressType::p2sh:
      return 23;
    case node::AddressType::p2wpkh:
      return 22;
    case node::AddressType::p2wsh:
    case node::AddressType::p2tr:
      return 34;
  }
  return 0;
}

// Testnet and signet share every prefix; regtest shares their base58 version bytes (not their
// bech32 HRP); mainnet shares nothing.
bool same_prefixes(node::AddressType type, node::Network a, node::Network b) {
  const bool base58 = type == node::AddressType::p2pkh || type == node::AddressType::p2sh;
  const auto group = [base58](node::Network n) {
    if (n == node::Network::signet || (base58 && n == node::Network::regtest))
      return node::Network::testnet;
    return n;
  };
  return group(a) == group(b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  try {
    (void)node::network_from_chain(text);
  } catch (const std::invalid_argument&) {
  }
  constexpr node::Network kNetworks[] = {node::Network::mainnet, node::Network::testnet,
                                         node::Network::signet, node::Network::regtest};
  for (const node::Network network : kNetworks) {
    node::PayoutAddress a;
    try {
      a = node::decode_address(text, network);
    } catch (const std::invalid_argument&) {  // core::ParseError: "address '...': ..."
      continue;
    }
    FUZZ_CHECK(a.network == network);
    FUZZ_CHECK(a.script_pubkey.size() == script_size(a.type));
    const node::PayoutAddress again = node::decode_address(a.text, network);
    FUZZ_CHECK(again.script_pubkey == a.script_pubkey && again.type == a.type);
    FUZZ_CHECK(again.text == a.text);
    for (const node::Network other : kNetworks) {
      if (same_prefixes(a.type, network, other)) continue;
      bool refused = false;
      try {
        (void)node::decode_address(text, other);
      } catch (const std::invalid_argument&) {
        refused = true;
      }
      FUZZ_CHECK(refused);
    }
  }
  return 0;
}
