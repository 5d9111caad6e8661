#include "cli/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "report/report.hpp"
#include "scenario/loader.hpp"

namespace statesim::cli {
namespace {

namespace fs = std::filesystem;

// The files of a run's set, in the order they are written.
const std::vector<std::string> kSetFiles = {"scenario.yaml",   "summary.csv",    "summary_ci.csv", "comparisons.csv",
                                            "timeseries.csv", "servers.csv", "events.csv"};
const char* const kPlotsFolder = "plots";

// Paths go into messages as they are; main() escapes what a terminal would act on.
std::string shown(const fs::path& path) { return path.string(); }

[[noreturn]] void refuse(const std::string& message) { throw UsageError("--out: " + message); }

bool is_set_file(const std::string& name) {
  for (const std::string& file : kSetFiles)
    if (name == file) return true;
  return false;
}

// "summary.csv.tmp1234": a temporary file an earlier version of statesim left behind.
bool is_leftover(const std::string& name) {
  const std::size_t at = name.rfind(".tmp");
  if (at == std::string::npos || at + 4 == name.size() || !is_set_file(name.substr(0, at))) return false;
  return name.find_first_not_of("0123456789", at + 4) == std::string::npos;
}

// Refuses a folder that holds anything but a run's set: replacing it would delete it.
void check_previous_set(const fs::path& folder) {
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    const fs::file_status status = it->symlink_status();
    if (is_set_file(name) || is_leftover(name)) {
      if (!fs::is_regular_file(status))
        refuse(fmt::format("{} is not a file: statesim writes a file of that name; move it away",
                           shown(it->path())));
      continue;
    }
    if (name == kPlotsFolder && fs::is_directory(status)) {
      for (fs::directory_iterator plot(it->path(), error), last; !error && plot != last; plot.increment(error))
        if (plot->path().extension() != ".png" || !fs::is_regular_file(plot->symlink_status()))
          refuse(fmt::format("{} holds {}, which statesim did not write: give a new folder or an earlier --out "
                             "folder",
                             shown(folder), shown(plot->path())));
      continue;
    }
    refuse(fmt::format("{} holds {}, which statesim did not write: give a new folder or an earlier --out folder "
                       "(it is replaced as a whole)",
                       shown(folder), shown(it->path().filename())));
  }
  if (error) refuse(fmt::format("cannot read {}: {}", shown(folder), error.message()));
}

// The name of the folder a run writes before swapping it in: hidden, beside the target, with
// the writer's process id so that one left by a killed run can be recognised.
std::string staging_pattern(const fs::path& parent, const std::string& name) {
  return (parent / fmt::format(".{}.statesim-{}-XXXXXX", name, ::getpid())).string();
}

// Folders beside the target left by runs that were killed (their process is gone).
void remove_abandoned_staging(const fs::path& parent, const std::string& name) {
  const std::string prefix = "." + name + ".statesim-";
  std::error_code error;
  for (fs::directory_iterator it(parent, error), end; !error && it != end; it.increment(error)) {
    const std::string entry = it->path().filename().string();
    if (entry.rfind(prefix, 0) != 0 || !fs::is_directory(it->symlink_status())) continue;
    const long pid = std::strtol(entry.c_str() + prefix.size(), nullptr, 10);
    if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    try {
      check_previous_set(it->path());
    } catch (const UsageError&) {
      continue;  // not only a set: left as it is
    }
    fs::remove_all(it->path(), error);
  }
}

void write_whole_file(const std::string& path, const std::string& content, int flags) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
  if (fd < 0) throw std::runtime_error(std::strerror(errno));
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      throw std::runtime_error(std::strerror(saved));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) throw std::runtime_error(std::strerror(errno));
}

void sync_folder(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

RunOutputFolder::RunOutputFolder(const std::string& dir) {
  if (dir.empty()) refuse("expected a folder, got an empty text");
  std::error_code error;
  fs::path target = fs::absolute(dir, error).lexically_normal();
  if (error) refuse(fmt::format("{}: {}", shown(dir), error.message()));
  if (target.filename().empty()) target = target.parent_path();  // "out/"
  const fs::file_status link = fs::symlink_status(target, error);
  if (fs::is_symlink(link)) {
    const fs::file_status pointed = fs::status(target, error);
    if (error.value() == ELOOP)
      refuse(fmt::format("{} is a symbolic link that cannot be followed: {}", shown(target), error.message()));
    if (!fs::exists(pointed))
      refuse(fmt::format("{} is a symbolic link to {}, which does not exist", shown(target),
                         shown(fs::read_symlink(target, error))));
    target = fs::canonical(target, error);
  }
  const fs::file_status status = fs::status(target, error);
  if (fs::exists(status) && !fs::is_directory(status)) refuse(fmt::format("{} exists and is not a folder", shown(target)));
  if (target == target.root_path() || target.filename() == "..")
    refuse(fmt::format("{} cannot be replaced by an output folder", shown(target)));
  const fs::path cwd = fs::current_path(error);
  if (!error && fs::exists(status)) {
    const fs::path real = fs::canonical(target, error);
    const auto mismatch = std::mismatch(real.begin(), real.end(), cwd.begin(), cwd.end());
    if (!error && mismatch.first == real.end())
      refuse(fmt::format("{} is the current folder or holds it: give another folder", shown(target)));
  }
  if (fs::is_directory(status)) check_previous_set(target);

  target_ = target.string();
  parent_ = target.parent_path().string();
  name_ = target.filename().string();
  // A folder must be creatable beside the target (in its nearest existing ancestor).
  fs::path ancestor = target.parent_path();
  while (!fs::exists(fs::symlink_status(ancestor, error)) && ancestor != ancestor.root_path())
    ancestor = ancestor.parent_path();
  if (!fs::is_directory(fs::status(ancestor, error))) refuse(fmt::format("{} is not a folder", shown(ancestor)));
  std::string probe = staging_pattern(ancestor, name_);
  if (::mkdtemp(probe.data()) == nullptr)
    refuse(fmt::format("cannot create a folder in {}: {}", shown(ancestor), std::strerror(errno)));
  ::rmdir(probe.c_str());
  if (ancestor == target.parent_path()) remove_abandoned_staging(ancestor, name_);
}

RunOutputFolder::~RunOutputFolder() {
  if (committed_ || staging_.empty()) return;
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
}

void RunOutputFolder::write(const Scenario& scenario, const std::vector<RunResult>& runs) {
  std::error_code error;
  fs::create_directories(parent_, error);
  if (error) throw std::runtime_error(fmt::format("cannot create {}: {}", shown(parent_), error.message()));
  std::string staging = staging_pattern(parent_, name_);
  if (::mkdtemp(staging.data()) == nullptr)
    throw std::runtime_error(fmt::format("cannot create a folder in {}: {}", shown(parent_), std::strerror(errno)));
  staging_ = staging;
  // mkdtemp makes the folder private; the set gets the permissions any new folder would.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::chmod(staging_.c_str(), 0777 & ~mask);
  const std::string contents[] = {resolved_yaml(scenario), summary_csv(runs),   summary_ci_csv(runs),
                                  comparisons_csv(runs),   timeseries_csv(runs), servers_csv(runs),
                                  events_csv(runs)};
  for (std::size_t i = 0; i < kSetFiles.size(); ++i) {
    try {
      write_whole_file(staging_ + "/" + kSetFiles[i], contents[i], O_EXCL);
    } catch (const std::runtime_error& failure) {
      throw std::runtime_error(fmt::format("cannot write {}: {}; no file of this run was written to {}",
                                           shown(target_ + "/" + kSetFiles[i]), failure.what(), shown(target_)));
    }
  }
  sync_folder(staging_);
}

void RunOutputFolder::commit() {
  sync_folder(staging_);
  auto cannot_move = [this] {
    return std::runtime_error(fmt::format("cannot move the new set to {}: {}", shown(target_), std::strerror(errno)));
  };
  bool swapped = false;  // the previous set is at the staging name
  if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE) != 0) {
    std::error_code error;
    const bool unsupported = errno == EINVAL;
    if (!unsupported && errno != EEXIST && errno != ENOTEMPTY) throw cannot_move();
    if (unsupported && !fs::exists(fs::symlink_status(target_, error))) {
      if (::rename(staging_.c_str(), target_.c_str()) != 0) throw cannot_move();
    } else {
      check_previous_set(target_);  // still only a set (another run may have written it meanwhile)
      if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
        swapped = true;
      } else {
        // No atomic exchange on this file system: move the old set aside first.
        const std::string old = staging_ + "-old";
        if (::rename(target_.c_str(), old.c_str()) != 0) throw cannot_move();
        if (::rename(staging_.c_str(), target_.c_str()) != 0) {
          const std::runtime_error failure = cannot_move();
          ::rename(old.c_str(), target_.c_str());
          throw failure;
        }
        fs::remove_all(old, error);
      }
    }
  }
  committed_ = true;
  if (swapped) {
    std::error_code ignored;
    fs::remove_all(staging_, ignored);
  }
  sync_folder(parent_);
}

void check_output_dir(const std::string& dir) {
  std::error_code error;
  const auto status = std::filesystem::status(dir, error);
  if (std::filesystem::exists(status) && !std::filesystem::is_directory(status))
    throw UsageError("--out: " + dir + " exists and is not a folder");
}

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".tmp" + std::to_string(::getpid());
  try {
    write_whole_file(temporary, content, O_TRUNC);
  } catch (const std::runtime_error& failure) {
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot write " + path + ": " + failure.what());
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  }
}

}  // namespace statesim::cli
