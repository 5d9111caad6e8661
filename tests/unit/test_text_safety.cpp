// Text that reaches a terminal or a YAML file: control and bidi characters escaped, SHA-256.
#include <doctest/doctest.h>

#include <string>

#include "loader_helpers.hpp"
#include "scenario/message_text.hpp"
#include "scenario/sha256.hpp"

using namespace statesim;

TEST_CASE("terminal_text escapes what a terminal would act on and keeps the rest") {
  CHECK(terminal_text("plain text, é ± 中") == "plain text, é ± 中");
  CHECK(terminal_text("a\x1b[2Jb") == "a\\x1b[2Jb");
  CHECK(terminal_text("bell\a tab\t del\x7f") == "bell\\x07 tab\\x09 del\\x7f");
  CHECK(terminal_text("two\nlines") == "two\nlines");
  CHECK(terminal_text("two\nlines", false) == "two\\x0alines");
  CHECK(terminal_text("\u202eevil\u202c") == "\\u202eevil\\u202c");
  CHECK(terminal_text("\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u2028\u2029") ==
        "\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c\\u2028\\u2029");
  CHECK(terminal_text("\xc2\x9b" "31m") == "\\u009b31m");  // the C1 control sequence introducer
  CHECK(terminal_text("latin1 \xe9!") == "latin1 \\xe9!");
  CHECK(terminal_text("cut \xe2\x80") == "cut \\xe2\\x80");
  CHECK(terminal_text("overlong \xc0\xaf") == "overlong \\xc0\\xaf");
  // Already-escaped text passes through unchanged.
  CHECK(terminal_text(terminal_text("\x1b\u202e")) == terminal_text("\x1b\u202e"));
}

TEST_CASE("YAML double quotes escape bidi and C1 characters so that they read back the same") {
  CHECK(yaml_double_quoted("a\u202eb") == "\"a\\u202eb\"");
  CHECK(yaml_double_quoted("\xc2\x85") == "\"\\u0085\"");
  CHECK(yaml_double_quoted("é \"q\" \\") == "\"é \\\"q\\\" \\\\\"");
  const std::string description = "x\u202ey\u2066z\x1b\xc2\x9b";
  const Scenario scenario =
      test::load(test::kHeader + "description: " + yaml_double_quoted(description) + "\n");
  CHECK(scenario.description == description);
  const std::string resolved = resolved_yaml(scenario);
  CHECK(resolved.find("\u202e") == std::string::npos);
  CHECK(load_scenario_text(resolved, "r.yaml", ".").description == description);
}

TEST_CASE("quote_value cuts a long value between characters") {
  const std::string text = std::string(59, 'a') + "é and more text after the cut";
  const std::string quoted = quote_value(text);
  CHECK(quoted == "\"" + std::string(59, 'a') + "...\"");
  CHECK(terminal_text(quoted) == quoted);
}

TEST_CASE("SHA-256 matches the FIPS 180-4 examples") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Lengths around the one-or-two-block padding boundary.
  CHECK(sha256_hex(std::string(55, 'a')) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  CHECK(sha256_hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  CHECK(sha256_hex(std::string(64, 'a')) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
