// Malformed pool messages, one field or one framing rule broken in each, with the text the
// error must name. Shared by the session suite (each must raise a core::ParseError) and the
// client suite (each must drop the connection, which then comes back, while mining goes on).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.h"

namespace hashrig::test {

// The recorded pool's notify params with another job id and clean flag.
inline nlohmann::json notify(const std::string& id, bool clean) {
  static const nlohmann::json job =
      test::load_gbt_fixture("stratum-ckpool-shares-5tx.json").at("job");
  nlohmann::json params = job;
  params[0] = id;
  params[8] = clean;
  return {{"id", nullptr}, {"method", "mining.notify"}, {"params", params}};
}

struct Malformed {
  const char* name;
  std::string line;
  const char* expect;
};

inline std::string with_param(std::size_t i, const nlohmann::json& value) {
  nlohmann::json n = notify("x", false);
  n["params"][i] = value;
  return n.dump();
}

inline std::vector<Malformed> malformed_messages() {
  const std::string long_line =
      "{\"id\":1,\"method\":\"mining.ping\",\"params\":[\"" + std::string(70000, 'a') + "\"]}";
  nlohmann::json short_notify = notify("x", false);
  short_notify["params"].erase(3);
  return {
      {"not_json", "{\"id\": 1, \"result\": tru", "not JSON"},
      {"binary_garbage", std::string("\x01\x02\xff\xfe", 4), "not JSON"},
      // Found by the stratum_message fuzz target: nlohmann reports it as out_of_range, not as
      // a parse_error.
      {"number_overflow", R"({"id":1e400,"result":true,"error":null})", "not JSON"},
      {"json_array", "[1,2,3]", "not a JSON object"},
      {"json_number", "42", "not a JSON object"},
      {"no_method_no_result", "{\"id\":1}", "neither a method nor a result"},
      {"method_number", "{\"id\":null,\"method\":7,\"params\":[]}", "method"},
      {"params_string", "{\"id\":null,\"method\":\"mining.notify\",\"params\":\"x\"}", "params"},
      {"too_long", long_line, "65536 bytes allowed"},
      {"notify_short", short_notify.dump(), "params"},
      {"notify_prevhash_short", with_param(1, std::string(62, 'a')), "prevhash"},
      {"notify_prevhash_nonhex", with_param(1, std::string(63, 'a') + "z"), "prevhash"},
      {"notify_prevhash_number", with_param(1, 5), "prevhash"},
      {"notify_coinb1_odd", with_param(2, "abc"), "coinb1"},
      {"notify_coinb2_object", with_param(3, nlohmann::json::object()), "coinb2"},
      {"notify_branch_not_array", with_param(4, "ab"), "merkle_branch"},
      {"notify_branch_short_entry", with_param(4, {std::string(62, 'a')}), "merkle_branch[0]"},
      {"notify_branch_long_entry", with_param(4, {std::string(64, 'a'), std::string(66, 'b')}),
       "merkle_branch[1]"},
      {"notify_version_short", with_param(5, "2000000"), "version"},
      {"notify_nbits_zero", with_param(6, "00000000"), "nbits"},
      {"notify_nbits_negative", with_param(6, "20ffffff"), "nbits"},
      {"notify_ntime_nonhex", with_param(7, "6b0255eg"), "ntime"},
      {"notify_clean_string", with_param(8, "true"), "clean_jobs"},
      {"notify_job_id_empty", with_param(0, ""), "job_id"},
      {"notify_job_id_number", with_param(0, 12), "job_id"},
      {"difficulty_zero", R"({"id":null,"method":"mining.set_difficulty","params":[0]})",
       "mining.set_difficulty: difficulty"},
      {"difficulty_negative", R"({"id":null,"method":"mining.set_difficulty","params":[-1]})",
       "mining.set_difficulty: difficulty"},
      {"difficulty_string", R"({"id":null,"method":"mining.set_difficulty","params":["NaN"]})",
       "mining.set_difficulty: difficulty"},
      {"difficulty_missing", R"({"id":null,"method":"mining.set_difficulty","params":[]})",
       "mining.set_difficulty: params"},
      {"extranonce1_too_long",
       R"({"id":null,"method":"mining.set_extranonce","params":[")" + std::string(66, 'a') +
           R"(",4]})",
       "mining.set_extranonce: extranonce1"},
      {"extranonce1_nonhex", R"({"id":null,"method":"mining.set_extranonce","params":["zz",4]})",
       "mining.set_extranonce: extranonce1"},
      {"extranonce2_size_zero", R"({"id":null,"method":"mining.set_extranonce","params":["ab",0]})",
       "mining.set_extranonce: extranonce2_size"},
      {"extranonce2_size_33", R"({"id":null,"method":"mining.set_extranonce","params":["ab",33]})",
       "mining.set_extranonce: extranonce2_size"},
      {"version_mask_top_bits",
       R"({"id":null,"method":"mining.set_version_mask","params":["e0000000"]})",
       "mining.set_version_mask: mask"},
      {"version_mask_short", R"({"id":null,"method":"mining.set_version_mask","params":["1fffe"]})",
       "mining.set_version_mask: mask"},
      {"reconnect_bad_port", R"({"id":null,"method":"client.reconnect","params":["h",70000,0]})",
       "client.reconnect: port"},
      {"reconnect_bad_wait", R"({"id":null,"method":"client.reconnect","params":["h",3333,-5]})",
       "client.reconnect: wait"},
  };
}

}  // namespace hashrig::test
