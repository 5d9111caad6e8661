// The platform file before SimGrid reads it: reading without blocking, the XML pre-check with
// lines, the size estimate, and the hash recorded in the resolved scenario.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "loader_helpers.hpp"
#include "scenario/input_file.hpp"
#include "scenario/platform_xml.hpp"
#include "scenario/sha256.hpp"

using namespace statesim;
using namespace statesim::test;

namespace {

const std::string kProlog =
    "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n<platform version=\"4.1\">\n"
    "<zone id=\"z\" routing=\"Full\">\n";  // lines 1-4
const std::string kEpilog = "</zone>\n</platform>\n";

// The pre-check's message for a zone body, "line N: what: message", or "accepted".
std::string precheck(const std::string& body, const std::string& prolog = kProlog) {
  try {
    check_platform_xml(scan_platform_xml(prolog + body + kEpilog));
  } catch (const PlatformXmlError& error) {
    return "line " + std::to_string(error.line) + ": " + error.what_element + ": " + error.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("the scanner finds elements, attributes and lines") {
  const PlatformXml xml = scan_platform_xml(kProlog + "<!-- a <host id=\"fake\"/> in a comment -->\n"
                                            "<host id=\"a&amp;b\"\n  speed='1Gf'/>\n<link id=\"l\" bandwidth=\"1GBps\"/>\n" +
                                            kEpilog);
  CHECK(xml.has_doctype);
  CHECK(xml.doctype_root == "platform");
  REQUIRE(xml.elements.size() == 4);
  CHECK(xml.elements[0].name == "platform");
  CHECK(xml.elements[1].depth == 1);
  CHECK(*xml.elements[2].attribute("id") == "a&b");
  CHECK(xml.elements[2].line == 6);
  CHECK(*xml.elements[2].attribute("speed") == "1Gf");
  CHECK(xml.line_of_host("a&b") == 6);
  CHECK(xml.line_of_link("l") == 8);
  CHECK(xml.line_of_host("fake") == 0);
  CHECK(xml.host_count() == 1);
}

TEST_CASE("the pre-check refuses what SimGrid aborts on or statesim does not model, with the line") {
  CHECK(precheck("<host id=\"a\" speed=\"1Gf\"/>\n") == "accepted");
  CHECK(precheck("<host id=\"a\" speed=\"1Gf\"/>\n", "<platform version=\"4.1\">\n<zone id=\"z\">\n")
            .find("line 1: : no <!DOCTYPE platform") == 0);
  CHECK(precheck("<host id=\"app-1\" speed=\"1Gf\" speed_file=\"x.trace\"/>\n") ==
        "line 5: host \"app-1\": speed_file is not supported: it changes the host's speed during the run, "
        "behind the scenario's back; remove it");
  CHECK(precheck("<host id=\"a\" speed=\"1Gf\"/>\n<host id=\"b\" speed=\"1Gf\" state_file=\"s\"/>\n")
            .find("line 6: host \"b\": state_file is not supported") == 0);
  CHECK(precheck("<link id=\"l\" bandwidth=\"1GBps\" latency_file=\"x\"/>\n").find("line 5: link \"l\": latency_file") ==
        0);
  CHECK(precheck("<link id=\"l\" bandwidth=\"1GBps\" bandwidth_file=\"x\"/>\n").find("bandwidth_file") != std::string::npos);
  CHECK(precheck("<host id=\"a\" speed=\"1Gf\" availability_file=\"x\"/>\n").find("availability_file") !=
        std::string::npos);
  CHECK(precheck("<trace id=\"t\" periodicity=\"1\">\ngarbage\n</trace>\n").find("line 5: trace \"t\": <trace> is not") ==
        0);
  CHECK(precheck("<trace_connect kind=\"SPEED\" trace=\"t\" element=\"a\"/>\n").find("<trace_connect> is not") !=
        std::string::npos);
  CHECK(precheck("<include file=\"other.xml\"/>\n").find("<include> is not supported") != std::string::npos);
  CHECK(precheck("<config><prop id=\"network/model\" value=\"LV08\"/></config>\n").find("<config> is not") !=
        std::string::npos);
  CHECK(precheck("<actor host=\"a\" function=\"f\"/>\n").find("deployment file") != std::string::npos);
  CHECK(precheck("<host id=\"a\" speed=\"1Gf\"/>\n<host id=\"a\" speed=\"2Gf\"/>\n") ==
        "line 6: host \"a\": a second host named \"a\": each host needs its own name");
  CHECK(precheck("<link id=\"l\" bandwidth=\"1Bps\"/>\n<link id=\"l\" bandwidth=\"1Bps\"/>\n").find("line 6: link \"l\"") ==
        0);
  CHECK(precheck("<host id=\"a\" speed=\"1Gf\"/><host id=\"b\" speed=\"1Gf\"/>\n"
                 "<route src=\"a\" dst=\"b\"><link_ctn id=\"nope\"/></route>\n") ==
        "line 6: link \"nope\": the route goes through link \"nope\", which no <link> declares");
  CHECK(precheck("<host id=\"a\" speed=\"1Gf\"/>\n<route src=\"a\" dst=\"ghost\"></route>\n")
            .find("line 6: route \"a\" -> \"ghost\": the route's dst is \"ghost\"") == 0);
  // Clusters name their members themselves: their links are not second-guessed.
  CHECK(precheck("<cluster id=\"c\" prefix=\"app-\" suffix=\"\" radical=\"1-4\" speed=\"1Gf\" bw=\"1GBps\" "
                 "lat=\"1us\"/>\n<route src=\"app-1\" dst=\"x\"><link_ctn id=\"c_link_1\"/></route>\n") == "accepted");
}

TEST_CASE("text that is not XML enough is refused with a line, never read past its end") {
  for (const std::string& broken : {std::string("<!-- never closed"), std::string("<host id=\"a"),
                                    std::string("<host id=a/>"), std::string("<host"), std::string("<"),
                                    std::string("<!DOCTYPE platform ["), std::string("<![CDATA[ x")}) {
    CAPTURE(broken);
    CHECK_THROWS_AS(scan_platform_xml(kProlog + broken), PlatformXmlError);
  }
  try {
    scan_platform_xml("<?xml version='1.0'?>\n<!DOCTYPE platform [\n<!ENTITY a \"aaaa\">\n]>\n<platform/>\n");
    FAIL("an internal subset was accepted");
  } catch (const PlatformXmlError& error) {
    CHECK(error.line == 2);
    CHECK(std::string(error.what()).find("internal subset") != std::string::npos);
  }
}

TEST_CASE("cluster members and the size estimate") {
  std::vector<std::uint64_t> members;
  CHECK(radical_members("0-3,7", &members, 100) == 5);
  CHECK(members == std::vector<std::uint64_t>{0, 1, 2, 3, 7});
  CHECK(radical_members("0-99999", nullptr, 0) == 100000);
  CHECK_THROWS_AS(radical_members("5-1", nullptr, 0), std::invalid_argument);
  CHECK_THROWS_AS(radical_members("a", nullptr, 0), std::invalid_argument);
  CHECK_THROWS_AS(radical_members("0-18446744073709551615", nullptr, 0), std::invalid_argument);

  const PlatformXml cluster = scan_platform_xml(
      kProlog + "<cluster id=\"c\" prefix=\"app-\" suffix=\".x\" radical=\"1-30000\" speed=\"1Gf\"/>\n" + kEpilog);
  CHECK(cluster.host_count() == 30000);
  CHECK(cluster.line_of_host("app-17.x") == 5);
  CHECK(cluster.line_of_host("app-30001.x") == 0);
  // 30,000 hosts in one full zone: a route pointer per pair, about 7.2 GB.
  std::string hosts;
  for (int i = 0; i < 30000; ++i) hosts += "<host id=\"h" + std::to_string(i) + "\" speed=\"1Gf\"/>\n";
  const double bytes = scan_platform_xml(kProlog + hosts + kEpilog).estimated_bytes();
  CHECK(bytes > 7.2e9);
  CHECK(bytes < 8e9);
}

TEST_CASE("input files are read without blocking and refused with the reason") {
  TemporaryDirectory directory;
  const std::string fifo = (directory.path / "fifo.yaml").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_THROWS_WITH_AS(read_input_file(fifo, 1 << 20), "it is a named pipe (FIFO), not a file", InputFileError);
  CHECK_THROWS_WITH_AS(load_scenario_file(fifo), (fifo + ": cannot read: it is a named pipe (FIFO), not a file").c_str(),
                       ScenarioError);
  const std::string loop = (directory.path / "loop.yaml").string();
  std::filesystem::create_symlink(loop, loop);
  CHECK_THROWS_WITH_AS(load_scenario_file(loop), (loop + ": cannot read: Too many levels of symbolic links").c_str(),
                       ScenarioError);
  CHECK_THROWS_WITH_AS(read_input_file(directory.write("big", std::string(2000, 'x')), 1000), "larger than 0 MiB",
                       InputFileError);

  // The same for a platform file, named by the scenario's key.
  const std::string looping = directory.write("s.yaml", kHeader + "platform: {file: loop.yaml}\n");
  CHECK_THROWS_WITH_AS(load_scenario_file(looping), doctest::Contains("Too many levels of symbolic links"), ScenarioError);
  const std::string piped = directory.write("p.yaml", kHeader + "platform: {file: fifo.yaml}\n");
  CHECK_THROWS_WITH_AS(load_scenario_file(piped), doctest::Contains("platform.file: cannot read the platform file"),
                       ScenarioError);
}

TEST_CASE("a platform file's problem names the scenario's key and the XML file's line") {
  TemporaryDirectory directory;
  const std::string platform =
      directory.write("p.xml", kProlog + "<host id=\"app-1\" speed=\"1Gf\" state_file=\"s.txt\"/>\n" + kEpilog);
  const std::string scenario = directory.write("s.yaml", kHeader + "platform: {file: p.xml}\n");
  CHECK_THROWS_WITH_AS(
      load_scenario_file(scenario),
      doctest::Contains((scenario + ":4:18: platform.file: " + platform + ":5: host \"app-1\": state_file is not supported").c_str()),
      ScenarioError);
}

TEST_CASE("the resolved scenario records the platform's hash, and a changed file is noticed") {
  TemporaryDirectory directory;
  const std::string platform = directory.write("p.xml", kMinimalPlatform);
  const Scenario scenario = load_scenario_file(directory.write("s.yaml", kHeader + "platform: {file: p.xml}\n"));
  CHECK(scenario.designs[0].platform_sha256 == sha256_hex(kMinimalPlatform));
  CHECK(scenario.warnings.empty());
  const std::string resolved = resolved_yaml(scenario);
  CHECK(contains(resolved, "sha256: \"" + sha256_hex(kMinimalPlatform) + "\""));
  const std::string resolved_file = directory.write("resolved.yaml", resolved);
  const Scenario again = load_scenario_file(resolved_file);
  CHECK(again.warnings.empty());
  CHECK(resolved_yaml(again) == resolved);

  directory.write("p.xml", kMinimalPlatform + "<!-- edited -->\n");
  const Scenario changed = load_scenario_file(resolved_file);
  REQUIRE(changed.warnings.size() == 1);
  CHECK(contains(changed.warnings[0], "designs[0].platform.sha256: " + platform + " has changed since this scenario "
                                      "was written"));
  CHECK(changed.designs[0].platform_sha256 == sha256_hex(kMinimalPlatform + "<!-- edited -->\n"));

  CHECK(contains(error_of(kHeader + "platform: {sha256: \"" + sha256_hex("") + "\"}\n"),
                 "platform.sha256: needs platform.file"));
  const std::string bad_hash = directory.write("b.yaml", kHeader + "platform: {file: p.xml, sha256: abc}\n");
  CHECK_THROWS_WITH_AS(load_scenario_file(bad_hash),
                       doctest::Contains("platform.sha256: expected the SHA-256 of the platform file: 64 hex digits"),
                       ScenarioError);
}
