#include "api/config.h"

#include <gtest/gtest.h>

namespace konvert::api {
namespace {

std::vector<std::string> Required() {
  return {"--imap", "imap://127.0.0.1:1143", "--tls-cert", "c.pem", "--tls-key", "k.pem"};
}

Result<Config> Parse(std::vector<std::string> extra) {
  std::vector<std::string> args = Required();
  args.insert(args.end(), extra.begin(), extra.end());
  bool help = false;
  return ParseConfig(args, &help);
}

TEST(ParseConfig, DefaultsFollowTheListener) {
  Result<Config> config = Parse({});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->listen_host, "127.0.0.1");
  EXPECT_EQ(config->listen_port, 8443);
  EXPECT_EQ(config->base_path, "/webmail");
  EXPECT_EQ(config->public_url, "https://127.0.0.1:8443/webmail");
  EXPECT_FALSE(config->allow_plain_loopback);
}

TEST(ParseConfig, FlagsInBothFormsAndTrailingSlashes) {
  Result<Config> config =
      Parse({"--listen=0.0.0.0:9443", "--base-path", "/mail/",
             "--public-url=https://mail.example.org/mail/", "--allow-plain-loopback"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->listen_port, 9443);
  EXPECT_EQ(config->base_path, "/mail");
  EXPECT_EQ(config->public_url, "https://mail.example.org/mail");
  EXPECT_TRUE(config->allow_plain_loopback);
}

TEST(ParseConfig, FileIsOverriddenByFlags) {
  Config config;
  ASSERT_TRUE(ApplyConfigText("# comment\nbase-path = /x\nlog-level = debug\n", &config).ok());
  EXPECT_EQ(config.base_path, "/x");
  EXPECT_EQ(config.log_level, "debug");
}

TEST(ParseConfig, NamesTheSettingAtFault) {
  struct Case {
    std::vector<std::string> args;
    std::string fragment;
  };
  const Case cases[] = {
      {{"--listen", "nohost"}, "'listen'"},
      {{"--listen", "h:99999"}, "'listen'"},
      {{"--base-path", "webmail"}, "'base-path'"},
      {{"--public-url", "http://plain.example/"}, "'public-url'"},
      {{"--imap", "smtp://127.0.0.1:25"}, "'imap'"},
      {{"--log-level", "loud"}, "'log-level'"},
      {{"--frobnicate", "1"}, "'frobnicate'"},
      {{"--worker-threads", "0"}, "'worker-threads'"},
      {{"--listen"}, "missing value"},
  };
  for (const Case& c : cases) {
    Result<Config> config = Parse(c.args);
    ASSERT_FALSE(config.ok()) << c.args[0];
    EXPECT_NE(config.status().message().find(c.fragment), std::string::npos)
        << config.status().message();
  }
}

TEST(ParseConfig, RequiresTlsAndImap) {
  bool help = false;
  EXPECT_FALSE(ParseConfig({"--imap", "imap://h:1"}, &help).ok());
  EXPECT_FALSE(ParseConfig({"--tls-cert", "c", "--tls-key", "k"}, &help).ok());
}

TEST(ParseConfig, HelpListsEverySetting) {
  bool help = false;
  ParseConfig({"--help"}, &help).ok();
  EXPECT_TRUE(help);
  std::string text = ConfigHelp();
  for (const char* name : {"--listen", "--base-path", "--public-url", "--imap", "--smtp",
                           "--data-dir", "--tls-cert", "--tls-key", "--log-level"}) {
    EXPECT_NE(text.find(name), std::string::npos) << name;
  }
}

TEST(ParseConfig, AllowPlainLoopbackTakesAnOptionalBooleanValue) {
  // Found by a tester: `--allow-plain-loopback true` was refused.
  for (const auto& [args, expected] : std::vector<std::pair<std::vector<std::string>, bool>>{
           {{"--allow-plain-loopback", "true"}, true},
           {{"--allow-plain-loopback", "false"}, false},
           {{"--allow-plain-loopback", "--log-level", "debug"}, true},
           {{"--allow-plain-loopback=false"}, false}}) {
    std::vector<std::string> all = {
        "--imap", "imap://127.0.0.1:143", "--tls-cert", "c.pem", "--tls-key", "k.pem"};
    all.insert(all.end(), args.begin(), args.end());
    bool help = false;
    Result<Config> config = ParseConfig(all, &help);
    ASSERT_TRUE(config.ok()) << config.status().message();
    EXPECT_EQ(config->allow_plain_loopback, expected) << args.size();
  }
}

}  // namespace
}  // namespace konvert::api
