#include "engine/platform_check.hpp"

#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <csignal>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "engine/platform.hpp"
#include "model/effect_ledger.hpp"
#include "model/run_estimate.hpp"
#include "model/session_store.hpp"
#include "scenario/input_file.hpp"
#include "scenario/loader.hpp"
#include "scenario/message_text.hpp"
#include "scenario/platform_xml.hpp"

namespace sg4 = simgrid::s4u;

namespace statesim::engine {
namespace {

// Host speeds SimGrid simulates soundly: the built-in platform's 1e9 flops per second times
// the servers.speed bounds of the loader.
constexpr double kLowestHostFlops = 1e3;
constexpr double kHighestHostFlops = 1e15;
constexpr int kMaxProblemsShown = 5;

// What one platform file must provide: the hosts of a pool of `servers` and, if `store_routes`,
// the routes between the servers and the store.
struct PlatformNeeds {
  std::string file;
  int servers = 0;
  bool store_routes = false;
  bool uploader = false;  // uploads: the uploaders' host, its routes to the balancer and the servers
  bool objects = false;   // resumable and presigned uploads: the object store and its routes
  bool operator<(const PlatformNeeds& other) const {
    return std::tie(file, servers, store_routes, uploader, objects) <
           std::tie(other.file, other.servers, other.store_routes, other.uploader, other.objects);
  }
};

// One server's routes to and from the client: latency and the slowest link each way.
struct ServerRoutes {
  double latency_to_s = 0, bandwidth_to_Bps = 0, latency_back_s = 0, bandwidth_back_Bps = 0;
};

// What the child found, as the parent reads it back.
struct ChildReport {
  std::vector<std::string> problems;  // "kind\tname\tmessage"
  std::string last_step;              // what the child was doing when it stopped
  std::vector<ServerRoutes> routes;
  double fastest_server_flops = 0;
  double memory_bytes = 0;
  bool done = false;
};

double peak_resident_bytes() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024.0;
}

// ---------------------------------------------------------------------------------------------
// The child: loads the platform and reports, one line per fact, through `out`.

class ChildChecker {
 public:
  ChildChecker(const PlatformNeeds& needs, int fd) : needs_(needs), fd_(fd) {}

  void run() {
    const double before = peak_resident_bytes();
    int argc = 2;
    char program[] = "statesim";
    char quiet[] = "--log=root.thres:critical";
    char* argv[] = {program, quiet, nullptr};
    sg4::Engine engine(&argc, argv);
    Design design;
    design.platform_file = needs_.file;
    design.servers.max = needs_.servers;
    design.uploads.enabled = needs_.uploader;
    if (needs_.objects) design.uploads.mode = UploadMode::resumable;
    step("loading the platform");
    Platform platform;
    try {
      platform = build_platform(engine, design);
    } catch (const std::exception& error) {
      problem("file", {}, error.what());
      finish(before);
      return;
    }
    std::vector<sg4::Host*> hosts = {platform.client, platform.balancer, platform.store};
    for (sg4::Host* part2 : {platform.uploader, platform.objects})
      if (part2 != nullptr) hosts.push_back(part2);
    hosts.insert(hosts.end(), platform.servers.begin(), platform.servers.end());
    for (sg4::Host* host : hosts) check_host(host);
    for (sg4::Link* link : engine.get_all_links()) check_link(link);
    if (problems_ == 0) check_routes(platform);
    finish(before);
  }

 private:
  void send(const std::string& line) {
    const std::string text = line + "\n";
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) _exit(3);
      done += static_cast<std::size_t>(n);
    }
  }
  // Tabs and line feeds would break the line format; SimGrid's messages have none that matter.
  static std::string field(std::string text) {
    for (char& c : text)
      if (c == '\t' || c == '\n') c = ' ';
    return text;
  }
  void step(const std::string& what) { send("S\t" + field(what)); }
  // `names`: the host or link, or the two ends of a route.
  void problem(const std::string& kind, const std::vector<std::string>& names, const std::string& message) {
    if (problems_++ >= kMaxProblemsShown) return;
    std::string line = "P\t" + kind;
    for (const std::string& name : names) line += "\t" + field(name);
    send(line + "\t" + field(message));
  }

  void check_host(sg4::Host* host) {
    step("checking host " + host->get_name());
    const int cores = host->get_core_count();
    if (cores < 1) problem("host", {host->get_name()}, fmt::format("{} cores: a host needs at least 1 core", cores));
    for (unsigned long pstate = 0; pstate < host->get_pstate_count(); ++pstate) {
      const double speed = host->get_pstate_speed(pstate);
      if (!(speed >= kLowestHostFlops && speed <= kHighestHostFlops)) {
        problem("host", {host->get_name()},
                fmt::format("speed {:g} flops/s{}: expected a speed between {:g} and {:g} flops/s (1kf .. 1Pf)",
                            speed, host->get_pstate_count() > 1 ? fmt::format(" (pstate {})", pstate) : "",
                            kLowestHostFlops, kHighestHostFlops));
        break;
      }
    }
  }

  void check_link(sg4::Link* link) {
    const double bandwidth = link->get_bandwidth();
    const double latency = link->get_latency();
    if (!(bandwidth > 0) || !std::isfinite(bandwidth))
      problem("link", {link->get_name()},
              fmt::format("bandwidth {:g} B/s: a link needs a finite bandwidth above 0", bandwidth));
    if (!(latency >= 0) || !std::isfinite(latency))
      problem("link", {link->get_name()}, fmt::format("latency {:g}s: a link needs a finite latency of 0 or more", latency));
  }

  // Latency and slowest link of the route from `from` to `to`; reports a missing route.
  std::optional<std::pair<double, double>> route(sg4::Host* from, sg4::Host* to) {
    step(fmt::format("finding the route {} -> {}", from->get_name(), to->get_name()));
    std::vector<sg4::Link*> links;
    double latency = 0;
    from->route_to(to, links, &latency);
    if (links.empty()) {
      problem("route", {from->get_name(), to->get_name()},
              "no route: requests between these hosts would have no path (SimGrid aborts on the first one)");
      return std::nullopt;
    }
    double slowest = INFINITY;
    for (const sg4::Link* link : links) slowest = std::min(slowest, link->get_bandwidth());
    return std::make_pair(latency, slowest);
  }

  void check_routes(const Platform& platform) {
    route(platform.client, platform.balancer);
    route(platform.balancer, platform.client);
    if (platform.uploader != nullptr) {
      route(platform.uploader, platform.balancer);
      route(platform.balancer, platform.uploader);
    }
    if (platform.uploader != nullptr && platform.objects != nullptr) {
      route(platform.uploader, platform.objects);
      route(platform.objects, platform.uploader);
    }
    double fastest = 0;
    for (std::size_t i = 0; i < platform.servers.size(); ++i) {
      sg4::Host* server = platform.servers[i];
      fastest = std::max(fastest, server->get_speed());
      const auto to = route(platform.client, server);
      const auto back = route(server, platform.client);
      route(platform.balancer, server);
      route(server, platform.balancer);
      if (needs_.store_routes) {
        route(server, platform.store);
        route(platform.store, server);
      }
      if (platform.uploader != nullptr) {
        route(platform.uploader, server);
        route(server, platform.uploader);
      }
      if (platform.objects != nullptr) {
        route(server, platform.objects);
        route(platform.objects, server);
      }
      if (to && back)
        send(fmt::format("R\t{}\t{}\t{}\t{}\t{}", i, to->first, to->second, back->first, back->second));
      if (problems_ >= kMaxProblemsShown) return;
    }
    send(fmt::format("F\t{}", fastest));
  }

  void finish(double before) {
    send(fmt::format("M\t{}", std::max(0.0, peak_resident_bytes() - before)));
    send("D");
  }

  const PlatformNeeds& needs_;
  int fd_;
  int problems_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The parent: runs a child per platform and turns its report into facts or a message.

ChildReport parse_report(const std::string& text) {
  ChildReport report;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() < 1) continue;
    const std::string body = line.size() > 2 ? line.substr(2) : "";
    switch (line[0]) {
      case 'S': report.last_step = body; break;
      case 'P': report.problems.push_back(body); break;
      case 'F': report.fastest_server_flops = std::stod(body); break;
      case 'M': report.memory_bytes = std::stod(body); break;
      case 'D': report.done = true; break;
      case 'R': {
        std::istringstream fields(body);
        std::size_t index = 0;
        ServerRoutes routes;
        fields >> index >> routes.latency_to_s >> routes.bandwidth_to_Bps >> routes.latency_back_s >>
            routes.bandwidth_back_Bps;
        if (index >= report.routes.size()) report.routes.resize(index + 1);
        report.routes[index] = routes;
        break;
      }
      default: break;
    }
  }
  return report;
}

// SimGrid's own words from what the child printed before it died: the CRITICAL log line.
std::string simgrid_message(const std::string& errors) {
  std::istringstream lines(errors);
  std::string line, first;
  while (std::getline(lines, line)) {
    const std::size_t tag = line.find("/CRITICAL] ");
    if (tag != std::string::npos) return line.substr(tag + 11);
    if (first.empty() && !line.empty() && line.rfind("Backtrace", 0) != 0 && line.rfind("  ->", 0) != 0) first = line;
  }
  return first;
}

// Runs the check of one platform in a child and collects its report and stderr.
ChildReport run_child(const PlatformNeeds& needs, std::string& child_errors, int& status) {
  int report_pipe[2], error_pipe[2];
  if (::pipe(report_pipe) != 0 || ::pipe(error_pipe) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(report_pipe[0]);
    ::close(error_pipe[0]);
    ::dup2(error_pipe[1], STDERR_FILENO);
    ::close(error_pipe[1]);
    ChildChecker(needs, report_pipe[1]).run();
    ::close(report_pipe[1]);
    _exit(0);  // no static destructors: SimGrid's teardown is not needed
  }
  ::close(report_pipe[1]);
  ::close(error_pipe[1]);
  std::string report_text;
  pollfd polls[2] = {{report_pipe[0], POLLIN, 0}, {error_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&report_text, &child_errors};
  int open_pipes = 2;
  while (open_pipes > 0) {
    if (::poll(polls, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (polls[i].fd < 0 || polls[i].revents == 0) continue;
      char buffer[8192];
      const ssize_t n = ::read(polls[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n > 0) {
        if (sinks[i]->size() < (1 << 20)) sinks[i]->append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      ::close(polls[i].fd);
      polls[i].fd = -1;
      --open_pipes;
    }
  }
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return parse_report(report_text);
}

// "file:12: host \"app-2\": message" for a problem line "kind[\tname[\tname2]]\tmessage".
std::string locate(const std::string& file, const PlatformXml* xml, const std::string& problem) {
  std::vector<std::string> fields;
  std::istringstream parts(problem);
  for (std::string part; std::getline(parts, part, '\t');) fields.push_back(part);
  if (fields.size() < 2) fields.resize(2);
  const std::string& kind = fields.front();
  std::string message = fields.back();
  int line = 0;
  std::string what;
  if (kind == "host" && fields.size() == 3) {
    what = "host " + quote_value(fields[1]);
    if (xml) line = xml->line_of_host(fields[1]);
  } else if (kind == "link" && fields.size() == 3) {
    what = "link " + quote_value(fields[1]);
    if (xml) line = xml->line_of_link(fields[1]);
  } else if (kind == "route" && fields.size() == 4) {
    what = fmt::format("route {} -> {}", quote_value(fields[1]), quote_value(fields[2]));
    if (xml) line = xml->line_of_host(fields[1]);
  } else {
    // SimGrid's parser says "Parse error at FILE:LINE: what": keep the line, drop the rest.
    if (message.rfind(file + ": ", 0) == 0) message = message.substr(file.size() + 2);
    const std::string prefix = "Parse error at " + file + ":";
    if (message.rfind(prefix, 0) == 0) {
      const std::size_t colon = message.find(": ", prefix.size());
      if (colon != std::string::npos) {
        line = std::atoi(message.c_str() + prefix.size());
        message = message.substr(colon + 2);
      }
    }
  }
  message = terminal_text(message, false);
  const std::string where = line > 0 ? fmt::format("{}:{}", file, line) : file;
  return what.empty() ? fmt::format("{}: {}", where, message) : fmt::format("{}: {}: {}", where, what, message);
}

struct CheckedPlatform {
  ChildReport report;
};

CheckedPlatform check_file(const PlatformNeeds& needs, double memory_limit_bytes) {
  std::optional<PlatformXml> xml;
  try {
    xml = scan_platform_xml(read_input_file(needs.file, 64 << 20));
  } catch (const std::exception&) {
    // changed since it was loaded: the messages go without lines
  }
  // A platform too large for this machine is refused before SimGrid tries to load it.
  if (xml && xml->estimated_bytes() > memory_limit_bytes)
    throw ScenarioError(fmt::format(
        "{}: SimGrid would need about {} to load this platform of {} hosts (its routing tables grow with the "
        "square of a zone's hosts), more than this machine's {}",
        needs.file, format_bytes(xml->estimated_bytes()), xml->host_count(), format_bytes(memory_limit_bytes)));
  std::string child_errors;
  int status = 0;
  ChildReport report = run_child(needs, child_errors, status);
  const PlatformXml* scanned = xml ? &*xml : nullptr;
  std::vector<std::string> messages;
  for (const std::string& problem : report.problems) messages.push_back(locate(needs.file, scanned, problem));
  if (!report.done && messages.empty()) {
    // SimGrid aborted: say what was being checked and what SimGrid said.
    const std::string said = terminal_text(simgrid_message(child_errors), false);
    const std::string how = WIFSIGNALED(status) ? fmt::format("aborted (signal {})", WTERMSIG(status))
                                                : fmt::format("stopped (exit status {})", WEXITSTATUS(status));
    std::string problem = "file\t\tSimGrid " + how + " while " + report.last_step + (said.empty() ? "" : ": " + said);
    const std::string prefix = "finding the route ";
    if (report.last_step.rfind(prefix, 0) == 0) {
      const std::string pair = report.last_step.substr(prefix.size());
      const std::size_t arrow = pair.find(" -> ");
      problem = "route\t" + pair.substr(0, arrow) + "\t" + pair.substr(arrow + 4) + "\tSimGrid " + how +
                " while finding it" + (said.empty() ? "" : ": " + said);
    }
    messages.push_back(locate(needs.file, scanned, problem));
  }
  if (!messages.empty()) {
    std::string text;
    for (const std::string& message : messages) text += (text.empty() ? "" : "\n") + message;
    throw ScenarioError(text);
  }
  return CheckedPlatform{std::move(report)};
}

}  // namespace

std::vector<PlatformCost> check_platforms(const Scenario& scenario, double memory_limit_bytes) {
  std::map<PlatformNeeds, CheckedPlatform> checked;
  std::vector<PlatformCost> facts;
  for (const Design& design : scenario.designs) {
    if (design.platform_file.empty()) {
      facts.push_back(builtin_platform_cost(design));
      continue;
    }
    PlatformCost fact;
    const ClientSpec& clients = design.clients;
    const PlatformNeeds needs{design.platform_file, design.servers.max,
                              uses_store_host(design) || effects_use_store_host(design), design.uploads.enabled,
                              needs_object_store(design)};
    auto found = checked.find(needs);
    if (found == checked.end()) found = checked.emplace(needs, check_file(needs, memory_limit_bytes)).first;
    const ChildReport& report = found->second.report;
    fact.memory_bytes = report.memory_bytes;
    fact.fastest_server_flops = report.fastest_server_flops;
    fact.min_request_time_s = INFINITY;
    for (const ServerRoutes& routes : report.routes)
      fact.min_request_time_s =
          std::min(fact.min_request_time_s, routes.latency_to_s + routes.latency_back_s +
                                                clients.request_bytes / routes.bandwidth_to_Bps +
                                                clients.response_bytes / routes.bandwidth_back_Bps);
    if (!std::isfinite(fact.min_request_time_s)) fact.min_request_time_s = 0;
    facts.push_back(fact);
  }
  return facts;
}

}  // namespace statesim::engine
