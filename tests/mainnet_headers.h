// Real Bitcoin mainnet block headers with their known block hashes, and where each came from.
#pragma once

#include <cstdint>
#include <ostream>

namespace hashrig::test {

struct MainnetBlock {
  int height;
  const char* source;  // where the header and its hash were taken from
  const char* header_hex;
  std::uint32_t version;
  const char* prev_display;
  const char* merkle_display;
  std::uint32_t time;
  std::uint32_t bits;
  std::uint32_t nonce;
  const char* hash_display;
};

// GoogleTest prints parameters with this (instead of a byte dump).
inline void PrintTo(const MainnetBlock& b, std::ostream* os) {
  *os << "block " << b.height;
}

// Every header below hashes (sha256d) to the block hash its source gives; each also was checked
// against Python's hashlib when it was added.
inline constexpr MainnetBlock kMainnet[] = {
    {0, "the genesis block (DESIGN.md; bitcoin/bitcoin src/kernel/chainparams.cpp)",
     "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b2"
     "7ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c",
     1, "0000000000000000000000000000000000000000000000000000000000000000",
     "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", 1231006505, 0x1d00ffff,
     2083236893, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"},
    {1,
     "block 1: btcsuite/btcd wire/msgblock_test.go (blockOne, TestBlockHash) and "
     "wire/msgmerkleblock_test.go ('block one of the block chain')",
     "010000006fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000982051fd1e4ba744"
     "bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e61bc6649ffff001d01e36299",
     1, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
     "0e3e2357e806b6cdb1f70b54c3a3a17b6714ee1f0e68bebb44a74b1efd512098", 1231469665, 0x1d00ffff,
     2573394689, "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048"},
    {2,
     "block 2: a Rust SPV suite's mainnet_headers() (blocks 0, 1, 2 'as every explorer shows "
     "them'); its prev hash is block 1's hash",
     "010000004860eb18bf1b1620e37e9490fc8a427514416fd75159ab86688e9a8300000000d5fdcc541e25de1c"
     "7a5addedf24858b8bb665c9f36ef744ee42c316022c90f9bb0bc6649ffff001d08d2bd61",
     1, "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048",
     "9b0fc92260312ce44e74ef369f5c66bbb85848f2eddd5a7a1cde251e54ccfdd5", 1231469744, 0x1d00ffff,
     1639830024, "000000006a625f06636b8bb6ac7b960a8d03705d1ace08b1a19da3fdcc99ddbd"},
    {100000, "block 100,000: btcsuite/btcd btcutil/block_test.go (Block100000, TestBlock)",
     "0100000050120119172a610421a6c3011dd330d9df07b63616c2cc1f1cd00200000000006657a9252aacd5c0"
     "b2940996ecff952228c3067cc38d4885efb5a4ac4247e9f337221b4d4c86041b0f2b5710",
     1, "000000000002d01c1fccc21636b607dfd930d31d01c3a62104612a1719011250",
     "f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766", 1293623863, 0x1b04864c,
     274148111, "000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506"},
    {125552, "block 125,552: the Bitcoin wiki's 'Block hashing algorithm' example",
     "0100000081cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000e320b6c2fffc8d75"
     "0423db8b1eb942ae710e951ed797f7affc8892b0f1fc122bc7f5d74df2b9441a42a14695",
     1, "00000000000008a3a41b85b8b29ad444def299fee21793cd8b9e567eab02cd81",
     "2b12fcf1b09288fcaff797d71e950e71ae42b91e8bdb2304758dfcffc2b620e3", 1305998791, 0x1a44b9f2,
     2504433986, "00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d"},
    {794143, "block 794,143: gonative-cc/sui-bitcoin-spv tests/block_header_tests.move",
     "000080200e102b98a160f4416c8ff0198db9b177523525c9de8a000000000000000000003b9b941003024e1a"
     "fa90199732fdb1366a122ab0a5cacd3f7bcb8cb8815a811b560e8864697e051767c0c9fd",
     0x20800000, "000000000000000000008adec925355277b1b98d19f08f6c41f460a1982b100e",
     "1b815a81b88ccb7b3fcdcaa5b02a126a36b1fd32971990fa1a4e020310949b3b", 1686638166, 0x17057e69,
     4257857639, "0000000000000000000293bf6e86820d867cc4ca13cd98326af85bb3bebab9ac"},
    {881423,
     "block 881,423 (the 256 Foundation's Telehash block; version-rolled): 256foundation/mujina "
     "mujina-miner test_data.rs (block_881423)",
     "0060592ee3c96a8a70ca15fe215e99f84ab64c43e1b5d2c43b540100000000000000000076f63a35f1b8b501"
     "6d3eb0cce2eebbdf58bf8fbea4e870c8f770346bdfcf622d69c19a678a9a021702fb05ff",
     0x2e596000, "00000000000000000001543bc4d2b5e1434cb64af8995e21fe15ca708a6ac9e3",
     "2d62cfdf6b3470f7c870e8a4be8fbf58dfbbeee2ccb03e6d01b5b8f1353af676", 1738195305, 0x17029a8a,
     4278582018, "0000000000000000000269d52c24ea451225613aab095d90d771d4e29aa96cdd"},
};

}  // namespace hashrig::test
