#include "engine/runner.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>

#include "engine/simulation.hpp"

namespace statesim::engine {
namespace {

// A tiny binary writer/reader: fixed-width numbers and length-prefixed strings.
class Writer {
 public:
  template <typename T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void put(const std::string& text) {
    put(static_cast<std::uint64_t>(text.size()));
    out_.append(text);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  template <typename T>
  void get(T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    need(sizeof(T));
    std::memcpy(&value, in_.data() + position_, sizeof(T));
    position_ += sizeof(T);
  }
  void get(std::string& text) {
    std::uint64_t size = 0;
    get(size);
    need(size);
    text.assign(in_.data() + position_, size);
    position_ += size;
  }

 private:
  void need(std::size_t bytes) const {
    if (position_ + bytes > in_.size()) throw std::runtime_error("truncated result from a simulation process");
  }
  const std::string& in_;
  std::size_t position_ = 0;
};

// Every field of a result, once, for both directions.
template <typename Archive, typename R>
void visit_result(Archive& archive, R& result) {
  auto& s = result.summary;
  archive(s.design, s.replication, s.seed, s.littles_law_error, s.groups);
#define STATESIM_ARCHIVE_FIELD(name, type, label, unit, decimals, group) archive(s.name);
  STATESIM_SUMMARY_FIELDS(STATESIM_ARCHIVE_FIELD)
#undef STATESIM_ARCHIVE_FIELD
}

template <typename Archive, typename B>
void visit_bucket(Archive& archive, B& b) {
#define STATESIM_ARCHIVE_BUCKET(name, type, decimals, group) archive(b.name);
  STATESIM_BUCKET_FIELDS(STATESIM_ARCHIVE_BUCKET)
#undef STATESIM_ARCHIVE_BUCKET
}

template <typename Archive, typename E>
void visit_event(Archive& archive, E& e) {
  archive(e.time_s, e.event, e.target, e.sessions_held, e.sessions_lost, e.detail, e.forced_logouts_after, e.failed_after,
          e.window_s, e.part2.connections_held, e.part2.connections_dropped, e.part2.matches_held,
          e.part2.matches_lost);
}

template <typename Archive, typename S>
void visit_server(Archive& archive, S& row) {
  archive(row.up, row.in_rotation, row.sessions_held, row.connections, row.requests, row.cpu_utilization);
}

struct Put {
  Writer& writer;
  template <typename... T>
  void operator()(const T&... values) { (writer.put(values), ...); }
};
struct Get {
  Reader& reader;
  template <typename... T>
  void operator()(T&... values) { (reader.get(values), ...); }
};

void write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);
    done += static_cast<std::size_t>(n);
  }
}

// Child exit statuses: 0 result sent, 2 input error (message sent), 1 internal error (message sent).
[[noreturn]] void child_main(const Scenario& scenario, const RunTask& task, int fd) {
  int status = 0;
  std::string payload;
  try {
    payload = "R" + encode_result(simulate(scenario, scenario.designs[task.design], task.replication));
  } catch (const RunFailure& failure) {
    payload = std::string(failure.input_error ? "I" : "E") + failure.what();
    status = failure.input_error ? 2 : 1;
  } catch (const std::exception& error) {
    payload = std::string("E") + error.what();
    status = 1;
  }
  write_all(fd, payload);
  ::close(fd);
  std::fflush(nullptr);
  _exit(status);  // no static destructors: SimGrid's teardown is not needed in a child
}

volatile std::sig_atomic_t interrupted_by = 0;

extern "C" void on_interrupt(int signal_number) { interrupted_by = signal_number; }

// SIGINT and SIGTERM stop the parent's wait (no SA_RESTART) instead of killing it, so that it
// can stop its children and leave no half-written file; children get the default actions back.
class InterruptGuard {
 public:
  InterruptGuard() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~InterruptGuard() { restore(); }
  void restore() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

struct Child {
  std::size_t task;
  int fd;
  std::string received;
};

}  // namespace

std::string encode_result(const RunResult& result) {
  Writer writer;
  Put put{writer};
  visit_result(put, result);
  writer.put(static_cast<std::uint64_t>(result.buckets.size()));
  for (const auto& b : result.buckets) visit_bucket(put, b);
  writer.put(result.servers_per_bucket);
  writer.put(static_cast<std::uint64_t>(result.servers.size()));
  for (const auto& row : result.servers) visit_server(put, row);
  writer.put(static_cast<std::uint64_t>(result.events.size()));
  for (const auto& e : result.events) visit_event(put, e);
  writer.put(static_cast<std::uint64_t>(result.warnings.size()));
  for (const auto& w : result.warnings) writer.put(w);
  return writer.take();
}

RunResult decode_result(const std::string& bytes) {
  Reader reader(bytes);
  Get get{reader};
  RunResult result;
  visit_result(get, result);
  std::uint64_t count = 0;
  reader.get(count);
  result.buckets.resize(count);
  for (auto& b : result.buckets) visit_bucket(get, b);
  reader.get(result.servers_per_bucket);
  reader.get(count);
  result.servers.resize(count);
  for (auto& row : result.servers) visit_server(get, row);
  reader.get(count);
  result.events.resize(count);
  for (auto& e : result.events) visit_event(get, e);
  reader.get(count);
  result.warnings.resize(count);
  for (auto& w : result.warnings) reader.get(w);
  return result;
}

std::vector<RunResult> run_tasks(const Scenario& scenario, const std::vector<RunTask>& tasks, int jobs,
                                 const ProgressCallback& progress) {
  std::vector<RunResult> results(tasks.size());
  std::map<pid_t, Child> running;
  std::size_t next = 0, finished = 0;
  std::fflush(nullptr);
  InterruptGuard guard;
  auto stop_children = [&] {
    for (auto& [pid, child] : running) {
      ::kill(pid, SIGKILL);
      ::close(child.fd);
      ::waitpid(pid, nullptr, 0);
    }
    running.clear();
  };
  auto fail_all = [&](const RunFailure& failure) {
    stop_children();
    throw failure;
  };
  while (finished < tasks.size()) {
    if (interrupted_by != 0) {
      stop_children();
      const int signal_number = interrupted_by;
      interrupted_by = 0;
      throw Interrupted(signal_number);
    }
    while (next < tasks.size() && static_cast<int>(running.size()) < std::max(1, jobs)) {
      int fds[2];
      if (::pipe(fds) != 0) fail_all(RunFailure(std::string("pipe: ") + std::strerror(errno), false));
      const pid_t pid = ::fork();
      if (pid < 0) fail_all(RunFailure(std::string("fork: ") + std::strerror(errno), false));
      if (pid == 0) {
        guard.restore();
        ::close(fds[0]);
        child_main(scenario, tasks[next], fds[1]);
      }
      ::close(fds[1]);
      running.emplace(pid, Child{next, fds[0], {}});
      ++next;
    }
    // Read from every child until one closes its pipe, then reap it.
    std::vector<pollfd> polls;
    std::vector<pid_t> pids;
    for (auto& [pid, child] : running) {
      polls.push_back(pollfd{child.fd, POLLIN, 0});
      pids.push_back(pid);
    }
    const int ready = ::poll(polls.data(), polls.size(), 500);
    if (ready < 0) {
      if (errno == EINTR) continue;
      fail_all(RunFailure(std::string("poll: ") + std::strerror(errno), false));
    }
    if (ready == 0 && progress) progress(finished, tasks.size());  // keeps the elapsed time moving
    for (std::size_t i = 0; i < polls.size(); ++i) {
      if (polls[i].revents == 0) continue;
      Child& child = running.at(pids[i]);
      char buffer[65536];
      const ssize_t n = ::read(child.fd, buffer, sizeof buffer);
      if (n > 0) {
        child.received.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      ::close(child.fd);
      int status = 0;
      ::waitpid(pids[i], &status, 0);
      const Child done = std::move(child);
      running.erase(pids[i]);
      if (interrupted_by != 0) break;  // a child killed by the same Ctrl-C is not a failure
      const RunTask& task = tasks[done.task];
      const std::string who = scenario.designs[task.design].name + " #" + std::to_string(task.replication);
      if (WIFSIGNALED(status))
        fail_all(RunFailure("the simulation of " + who + " died (signal " + std::to_string(WTERMSIG(status)) + ")", false));
      if (done.received.empty())
        fail_all(RunFailure("the simulation of " + who + " ended without a result", false));
      const char kind = done.received[0];
      const std::string body = done.received.substr(1);
      if (kind == 'I') fail_all(RunFailure(body, true));
      if (kind != 'R') fail_all(RunFailure("the simulation of " + who + " failed: " + body, false));
      results[done.task] = decode_result(body);
      ++finished;
      if (progress) progress(finished, tasks.size());
    }
  }
  return results;
}

}  // namespace statesim::engine
