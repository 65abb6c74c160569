// cv2midi-config: its arguments, and the whole tool against a fake amidi that answers as
// the firmware does.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "tools/config_args.h"

namespace cv2midi {
namespace tools {
namespace {

TEST(ConfigTool, ArgumentsBecomeRequestsInOrder) {
  ConfigCommand c;
  std::string error;
  ASSERT_TRUE(ParseConfigArgs({"--print", "--ppqn", "4", "--reset-mode", "gate", "--glitch-ms",
                               "2.5", "--thru", "off", "--get"},
                              &c, &error))
      << error;
  ASSERT_EQ(c.requests.size(), 5u);
  EXPECT_EQ(Hex(c.requests[0]), "F0 7D 63 32 02 01 04 F7");
  EXPECT_EQ(Hex(c.requests[1]), "F0 7D 63 32 02 02 01 F7");
  EXPECT_EQ(Hex(c.requests[2]), "F0 7D 63 32 02 07 44 13 F7");  // 2500 us
  EXPECT_EQ(Hex(c.requests[3]), "F0 7D 63 32 02 06 00 F7");
  EXPECT_EQ(Hex(c.requests[4]), "F0 7D 63 32 01 F7");
}

TEST(ConfigTool, EveryInputPpqnIsASetRequest) {
  for (int p : {1, 2, 3, 4, 6, 8, 12, 24, 48, 96}) {
    ConfigCommand c;
    std::string error;
    ASSERT_TRUE(ParseConfigArgs({"--print", "--ppqn", std::to_string(p)}, &c, &error)) << error;
    ASSERT_EQ(c.requests.size(), 1u);
    char want[40];
    std::snprintf(want, sizeof(want), "F0 7D 63 32 02 01 %02X F7", p);
    EXPECT_EQ(Hex(c.requests[0]), want);
  }
}

TEST(ConfigTool, BadArgumentsSayWhatIsWrong) {
  ConfigCommand c;
  std::string error;
  for (const char* bad : {"0", "5", "7", "25", "47", "97", "256", "-4", "4.0", "96x"}) {
    EXPECT_FALSE(ParseConfigArgs({"--print", "--ppqn", bad}, &c, &error)) << bad;
    EXPECT_EQ(error, std::string("--ppqn is 1, 2, 3, 4, 6, 8, 12, 24, 48 or 96: '") + bad + "'");
  }
  EXPECT_FALSE(ParseConfigArgs({"--print", "--glitch-ms", "9"}, &c, &error));
  EXPECT_EQ(error, "--glitch-ms is 0.25 to 4: '9'");
  EXPECT_FALSE(ParseConfigArgs({"--ppqn", "4"}, &c, &error));
  EXPECT_EQ(error, "give --port PORT (see amidi -l), or --print");
  EXPECT_FALSE(ParseConfigArgs({"--port", "hw:1"}, &c, &error));
  EXPECT_EQ(error, "nothing to ask: give a request such as --get or --ppqn 4");
  EXPECT_FALSE(ParseConfigArgs({"--print", "--colour"}, &c, &error));
  EXPECT_EQ(error, "unknown argument '--colour'");
  EXPECT_FALSE(ParseConfigArgs({"--print", "--tempo", "300.1"}, &c, &error));
  EXPECT_EQ(error, "--tempo is 20.0 to 300.0 BPM in steps of 0.1: '300.1'");
  EXPECT_FALSE(ParseConfigArgs({"--print", "--tempo", "128.55"}, &c, &error));
  EXPECT_FALSE(ParseConfigArgs({"--print", "--on-stop", "pause"}, &c, &error));
  EXPECT_EQ(error, "--on-stop is stop or hold: 'pause'");
  ASSERT_TRUE(ParseConfigArgs({"--print", "--tempo", "128.5", "--on-stop", "hold"}, &c, &error));
  EXPECT_EQ(Hex(c.requests[0]), "F0 7D 63 32 02 08 05 0A F7");  // 1285 = 0x505
  EXPECT_EQ(Hex(c.requests[1]), "F0 7D 63 32 02 09 01 F7");
}

// Shifts in ms as people write them, sent as 14-bit two's complement of 10 us steps.
TEST(ConfigTool, ShiftsAreTakenInMillisecondsWithOrWithoutTheUnit) {
  const struct {
    const char* text;
    const char* bytes;  // the value's two bytes
  } good[] = {
      {"-8", "60 79"},      {"-8ms", "60 79"},    {"2.5", "7A 01"},  {"+0.01 ms", "01 00"},
      {"-8000us", "60 79"},  {"20", "50 0F"},      {"-20.00", "30 70"}, {"0", "00 00"},
      {"-0.01", "7F 7F"},   {"2.50MS", "7A 01"},  {"20.000ms", "50 0F"},
  };
  for (const auto& g : good) {
    ConfigCommand c;
    std::string error;
    ASSERT_TRUE(ParseConfigArgs({"--print", "--din-shift", g.text, "--usb-shift", g.text}, &c,
                                &error))
        << g.text << ": " << error;
    ASSERT_EQ(c.requests.size(), 2u);
    EXPECT_EQ(Hex(c.requests[0]), std::string("F0 7D 63 32 02 0A ") + g.bytes + " F7") << g.text;
    EXPECT_EQ(Hex(c.requests[1]), std::string("F0 7D 63 32 02 0B ") + g.bytes + " F7") << g.text;
  }
  ConfigCommand c;
  std::string error;
  ASSERT_TRUE(ParseConfigArgs({"--print", "--smooth", "off", "--smooth", "3"}, &c, &error));
  EXPECT_EQ(Hex(c.requests[0]), "F0 7D 63 32 02 0C 00 F7");
  EXPECT_EQ(Hex(c.requests[1]), "F0 7D 63 32 02 0C 03 F7");
}

TEST(ConfigTool, ShiftsOutOfRangeOrBetweenStepsAreRefused) {
  const struct {
    const char* text;
    const char* error;
  } bad[] = {
      {"20.01", "--din-shift is -20 to +20 ms: '20.01'"},
      {"-20.001", "--din-shift is -20 to +20 ms: '-20.001'"},
      {"-25ms", "--din-shift is -20 to +20 ms: '-25ms'"},
      {"99999999999", "--din-shift is -20 to +20 ms: '99999999999'"},
      {"2.505", "--din-shift goes in steps of 0.01 ms (10 us): '2.505'"},
      {"-8005us", "--din-shift goes in steps of 0.01 ms (10 us): '-8005us'"},
      {"abc", "--din-shift takes milliseconds, e.g. -8 or 2.5ms: 'abc'"},
      {"8s", "--din-shift takes milliseconds, e.g. -8 or 2.5ms: '8s'"},
      {"", "--din-shift takes milliseconds, e.g. -8 or 2.5ms: ''"},
      {"--", "--din-shift takes milliseconds, e.g. -8 or 2.5ms: '--'"},
      {"1e1", "--din-shift takes milliseconds, e.g. -8 or 2.5ms: '1e1'"},
  };
  for (const auto& b : bad) {
    ConfigCommand c;
    std::string error;
    EXPECT_FALSE(ParseConfigArgs({"--print", "--din-shift", b.text}, &c, &error)) << b.text;
    EXPECT_EQ(error, b.error);
  }
  ConfigCommand c;
  std::string error;
  EXPECT_FALSE(ParseConfigArgs({"--print", "--usb-shift", "21"}, &c, &error));
  EXPECT_EQ(error, "--usb-shift is -20 to +20 ms: '21'");
  EXPECT_FALSE(ParseConfigArgs({"--print", "--smooth", "4"}, &c, &error));
  EXPECT_EQ(error, "--smooth is off, 1, 2 or 3: '4'");
  EXPECT_FALSE(ParseConfigArgs({"--print", "--smooth", "on"}, &c, &error));
  EXPECT_EQ(error, "--smooth is off, 1, 2 or 3: 'on'");
  EXPECT_FALSE(ParseConfigArgs({"--print", "--smooth"}, &c, &error));
  EXPECT_EQ(error, "--smooth needs a value");
}

// A file in the test directory that belongs to the running test alone: ctest runs each
// test in its own process, in parallel, so shared names would mix their outputs.
std::string TestFile(const std::string& suffix) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(CV2MIDI_TEST_TMP) + "/" + info->test_suite_name() + "." + info->name() +
         suffix;
}

// Runs the tool with the fake amidi first on PATH; returns its exit status and output.
int RunTool(const std::string& args, std::string* output, const std::string& env = "") {
  const std::string out_path = TestFile(".out");
  const std::string cmd = "PATH='" + std::string(CV2MIDI_FAKE_AMIDI_DIR) + ":'\"$PATH\" " + env +
                          " FAKE_AMIDI_STATE='" + TestFile(".state") + "' '" +
                          CV2MIDI_CONFIG_TOOL + "' " + args + " > '" + out_path + "' 2>&1";
  const int status = std::system(cmd.c_str());
  output->clear();
  if (FILE* f = std::fopen(out_path.c_str(), "r")) {
    char buf[512];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) output->append(buf, n);
    std::fclose(f);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ConfigTool, SetsAndReadsBackThroughAmidi) {
  std::remove(TestFile(".state").c_str());
  std::string out;
  EXPECT_EQ(RunTool("--port hw:9,0,0 --get", &out), 0);
  EXPECT_EQ(out, "ppqn 1, reset-mode trigger, timeout 2, clocks-while-stopped on, auto-start on, "
                 "thru on, glitch-ms 1.00, tempo 120.0, on-stop stop, din-shift 0.00 ms, "
                 "usb-shift 0.00 ms, smooth off (EEPROM was blank at power-up)\n");
  EXPECT_EQ(RunTool("--port hw:9,0,0 --din-shift -8ms --usb-shift 2.5 --smooth 2", &out), 0);
  EXPECT_NE(out.find("din-shift -8.00 ms, usb-shift 0.00 ms, smooth off"), std::string::npos)
      << out;
  EXPECT_NE(out.find("din-shift -8.00 ms, usb-shift +2.50 ms, smooth 2 (stored settings)"),
            std::string::npos)
      << out;
  // A bad value is refused before anything is sent, with the usage and exit status 2.
  EXPECT_EQ(RunTool("--port hw:9,0,0 --din-shift -20.01", &out), 2);
  EXPECT_EQ(out.rfind("cv2midi-config: --din-shift is -20 to +20 ms: '-20.01'\n", 0), 0u) << out;
  EXPECT_EQ(RunTool("--port hw:9,0,0 --get", &out), 0);
  EXPECT_NE(out.find("din-shift -8.00 ms, usb-shift +2.50 ms, smooth 2"), std::string::npos)
      << out;
  EXPECT_EQ(RunTool("--port hw:9,0,0 --tempo 128.5 --on-stop hold", &out), 0);
  EXPECT_NE(out.find("tempo 128.5, on-stop hold"), std::string::npos) << out;
  EXPECT_EQ(RunTool("--port hw:9,0,0 --ppqn 4 --timeout 5", &out), 0);
  EXPECT_NE(out.find("ppqn 4, reset-mode trigger, timeout 5"), std::string::npos) << out;
  EXPECT_EQ(RunTool("--port hw:9,0,0 --ppqn 96", &out), 0);
  EXPECT_NE(out.find("ppqn 96, reset-mode trigger"), std::string::npos) << out;
  EXPECT_EQ(RunTool("--port hw:9,0,0 --help", &out), 0);
  EXPECT_NE(out.find("--ppqn N                       input pulses per quarter note: 1 2 3 4 6 8 12 24 48 96"),
            std::string::npos) << out;
  EXPECT_EQ(RunTool("--port hw:9,0,0 --identity", &out), 0);
  EXPECT_EQ(out, "cv2midi firmware 0.8.0\n");
  EXPECT_EQ(RunTool("--port hw:9,0,0 --defaults --get", &out), 0);
  EXPECT_NE(out.find("ppqn 1,"), std::string::npos) << out;
}

TEST(ConfigTool, StatusIsOneReadableLine) {
  std::remove(TestFile(".state").c_str());
  std::string out;
  EXPECT_EQ(RunTool("--port hw:9,0,0 --tempo 133.3", &out), 0);
  EXPECT_EQ(RunTool("--port hw:9,0,0 --status", &out), 0);
  EXPECT_EQ(out, "internal clock, running, 133.30 BPM, ppqn 1, position 4242 beats; edges 300000, "
                 "glitches 2, catch-up bursts 3, timeouts 4, merged dropped 5, "
                 "USB dropped 268435455, unearned clocks 6, filter re-locks 7\n");
  ConfigCommand c;
  std::string error;
  ASSERT_TRUE(ParseConfigArgs({"--print", "--status"}, &c, &error)) << error;
  EXPECT_EQ(Hex(c.requests[0]), "F0 7D 63 32 05 F7");
  EXPECT_FALSE(ParseConfigArgs({"--port", "hw:1", "--watch", "--get"}, &c, &error));
  EXPECT_EQ(error, "--watch takes no other request");
}

TEST(ConfigTool, WatchRepeatsTheStatusUntilInterrupted) {
  std::string out;
  // SIGINT after 2.5 s: two or three lines, then a clean exit.
  const std::string cmd = "PATH='" + std::string(CV2MIDI_FAKE_AMIDI_DIR) + ":'\"$PATH\" " +
                          "FAKE_AMIDI_STATE='" + TestFile(".state") + "' timeout --preserve-status -s INT 2.5 '" +
                          CV2MIDI_CONFIG_TOOL + "' --port hw:9,0,0 --wait 0.05 --watch > '" +
                          TestFile(".out") + "' 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream in(TestFile(".out"));
  int lines = 0;
  for (std::string line; std::getline(in, line);) {
    EXPECT_EQ(line.rfind("internal clock, running, 120.00 BPM", 0), 0u) << line;
    ++lines;
  }
  EXPECT_GE(lines, 2);
  EXPECT_LE(lines, 3);
}

TEST(ConfigTool, HelpExitsZeroAndListPortsFindsTheModule) {
  std::string out;
  EXPECT_EQ(RunTool("--help", &out), 0);
  EXPECT_NE(out.find("--status"), std::string::npos);
  for (const char* option : {"--din-shift MS", "--usb-shift MS", "--smooth off|1|2|3"}) {
    EXPECT_NE(out.find(option), std::string::npos) << option;
  }
  EXPECT_EQ(RunTool("--port hw:1 --get --help", &out), 0);
  EXPECT_EQ(RunTool("", &out), 2);
  EXPECT_EQ(RunTool("--list-ports", &out), 0);
  EXPECT_EQ(out, "IO  hw:2,0,0  cv2midi MIDI 1\n");
  EXPECT_EQ(Cv2midiPorts("Dir Device    Name\nIO  hw:0,0,0  Midi Through Port-0\n").size(), 0u);
}

TEST(ConfigTool, NoAnswerIsAnErrorNamingTheRequest) {
  std::string out;
  EXPECT_EQ(RunTool("--port hw:9,0,0 --wait 0.1 --get", &out, "FAKE_AMIDI_SILENT=1"), 1);
  EXPECT_EQ(out, "F0 7D 63 32 01 F7: no answer from cv2midi within 0.1 s\n");
}

}  // namespace
}  // namespace tools
}  // namespace cv2midi
