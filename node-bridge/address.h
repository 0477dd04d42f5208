// Payout addresses for solo mining: the text a user gives with --payout, checked against the
// network the node reports, turned into the scriptPubKey the coinbase pays to.
//
// Accepted (nothing else: hashrig never pays to a script it cannot check):
//   base58check  P2PKH  version 0x00 (mainnet) / 0x6f (testnet, signet, regtest)
//                        -> 76 a9 14 <20-byte hash> 88 ac
//                P2SH   version 0x05 (mainnet) / 0xc4 (testnet, signet, regtest)
//                        -> a9 14 <20-byte hash> 87
//   bech32       P2WPKH witness v0, 20-byte program -> 00 14 <20>
//                P2WSH  witness v0, 32-byte program -> 00 20 <32>
//   bech32m      P2TR   witness v1, 32-byte program -> 51 20 <32>
//   HRPs: "bc" mainnet, "tb" testnet and signet, "bcrt" regtest.
// Refused, each with a core::ParseError "address '<text>': <what is wrong>": bad checksum,
// unknown version byte or HRP, witness v2..v16 and v1 programs other than 32 bytes, bech32 for
// v1+ or bech32m for v0 (BIP 350), wrong program length or padding, mixed case, invalid
// characters, too long. An address of another network reads
//   address 'bcrt1q...' is for regtest, the node is on mainnet
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.h"

namespace hashrig::node {

enum class Network { mainnet, testnet, signet, regtest };  // testnet and signet share prefixes

// "mainnet", "testnet", "signet", "regtest".
std::string_view to_string(Network network);

// The chain names of Bitcoin Core's getblockchaininfo "chain": "main", "test", "testnet4",
// "signet", "regtest". Throws core::ParseError naming any other value.
Network network_from_chain(std::string_view chain);

enum class AddressType { p2pkh, p2sh, p2wpkh, p2wsh, p2tr };

// "p2pkh", "p2sh", "p2wpkh", "p2wsh", "p2tr".
std::string_view to_string(AddressType type);

struct PayoutAddress {
  AddressType type = AddressType::p2pkh;
  Network network = Network::mainnet;  // the network it was checked against
  core::Bytes script_pubkey;
  std::string text;  // canonical: base58 as given, bech32/bech32m in lower case
};

// Decodes a base58check or bech32/bech32m address and checks that it belongs to `network`.
PayoutAddress decode_address(std::string_view text, Network network);

}  // namespace hashrig::node
