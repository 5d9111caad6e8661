#include "cli/plot.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>

#include <fmt/format.h>

#include "cli/interrupt.hpp"
#include "scenario/message_text.hpp"

extern char** environ;

namespace statesim::cli {
namespace {

constexpr const char* kPython = "/usr/bin/python3";
constexpr int kGraceMilliseconds = 2000;  // after SIGTERM, before SIGKILL

// The plotter's last line of output, for a note when it fails.
std::string last_line(const std::string& output) {
  std::size_t end = output.find_last_not_of("\n ");
  if (end == std::string::npos) return "";
  const std::size_t start = output.rfind('\n', end);
  return output.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start == std::string::npos ? 0 : start + 1));
}

// Stops the plotter's whole process group, then reaps it.
void stop(pid_t group) {
  ::kill(-group, SIGTERM);
  for (int waited = 0; waited < kGraceMilliseconds; waited += 50) {
    if (::waitpid(group, nullptr, WNOHANG) == group) return;
    ::usleep(50 * 1000);
  }
  ::kill(-group, SIGKILL);
  while (::waitpid(group, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

void draw_charts(const std::string& folder, const std::string& shown_as) {
  const std::string script = std::string(STATESIM_SOURCE_DIR) + "/analysis/plot.py";
  if (::access(kPython, X_OK) != 0 || ::access(script.c_str(), R_OK) != 0) {
    std::cerr << terminal_text(fmt::format("note: --plot needs {} and {}; no charts drawn\n", kPython, script));
    return;
  }
  int output[2];
  if (::pipe2(output, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&files, output[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&files, output[1], STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t defaults, none;
  sigemptyset(&defaults);
  for (const int signal_number : {SIGINT, SIGTERM, SIGXFSZ, SIGPIPE}) sigaddset(&defaults, signal_number);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  std::string python = kPython, script_arg = script, folder_arg = folder;
  char* argv[] = {python.data(), script_arg.data(), folder_arg.data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, kPython, &files, &attributes, argv, environ);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attributes);
  ::close(output[1]);
  if (spawned != 0) {
    ::close(output[0]);
    std::cerr << terminal_text(fmt::format("note: cannot start {}: {}; no charts drawn\n", kPython,
                                           std::strerror(spawned)));
    return;
  }
  std::string said;
  pollfd reading{output[0], POLLIN, 0};
  while (true) {
    if (InterruptScope::received() != 0) {
      ::close(output[0]);
      stop(pid);
      InterruptScope::throw_if_received();
    }
    const int ready = ::poll(&reading, 1, 200);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(output[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (said.size() < (1 << 16)) said.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(output[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) break;
    if (InterruptScope::received() != 0) {
      stop(pid);
      InterruptScope::throw_if_received();
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    std::cerr << terminal_text(fmt::format("charts drawn in {}/plots\n", shown_as));
    return;
  }
  const std::string why = WIFSIGNALED(status) ? fmt::format("killed by signal {}", WTERMSIG(status))
                                              : fmt::format("exit status {}", WEXITSTATUS(status));
  std::cerr << terminal_text(fmt::format("note: the plotting tool failed ({}{}{}); the CSV files are complete\n", why,
                                         said.empty() ? "" : ": ", last_line(said)));
}

}  // namespace statesim::cli
