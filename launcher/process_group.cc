#include "launcher/process_group.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <thread>

#include "core/base/error.h"

namespace mx {
namespace launcher {
namespace {

std::mutex g_mu;
std::vector<pid_t> g_pids;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

void TerminateAllChildren() {
  for (pid_t p : g_pids) kill(-p, SIGTERM);
}

ProcessGroup::~ProcessGroup() { StopAll(2); }

void ProcessGroup::Start(const std::string& name, const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env, bool essential,
                         bool tolerated) {
  MX_CHECK_AS(ValueError, !argv.empty()) << "launch: no command to run.";
  int fds[2];
  MX_CHECK_AS(Error, pipe(fds) == 0) << "launch: pipe failed: " << std::strerror(errno);
  pid_t pid = fork();
  MX_CHECK_AS(Error, pid >= 0) << "launch: fork failed: " << std::strerror(errno);
  if (pid == 0) {
    setpgid(0, 0);  // the child and everything it starts can be stopped together
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::fprintf(stderr, "launch: cannot run %s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  setpgid(pid, pid);
  close(fds[1]);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  Child c;
  c.name = name;
  c.pid = pid;
  c.fd = fds[0];
  c.essential = essential;
  c.tolerated = tolerated;
  children_.push_back(c);
  std::lock_guard<std::mutex> lock(g_mu);
  g_pids.push_back(pid);
}

void ProcessGroup::Forward(Child* c, bool flush) {
  char buf[65536];
  for (;;) {
    ssize_t n = c->fd >= 0 ? read(c->fd, buf, sizeof(buf)) : 0;
    if (n <= 0) {
      if (n == 0 && c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
      }
      break;
    }
    c->partial.append(buf, static_cast<size_t>(n));
  }
  size_t start = 0, nl;
  while ((nl = c->partial.find('\n', start)) != std::string::npos) {
    std::printf("[%s] %.*s\n", c->name.c_str(), static_cast<int>(nl - start),
                c->partial.data() + start);
    start = nl + 1;
  }
  c->partial.erase(0, start);
  if (flush && !c->partial.empty()) {
    std::printf("[%s] %s\n", c->name.c_str(), c->partial.c_str());
    c->partial.clear();
  }
  std::fflush(stdout);
}

bool ProcessGroup::Reap(Child* c, bool block) {
  if (!c->running) return true;
  int status = 0;
  pid_t r = waitpid(c->pid, &status, block ? 0 : WNOHANG);
  if (r != c->pid) return false;
  c->running = false;
  c->code = ExitCode(status);
  Forward(c, true);
  return true;
}

int ProcessGroup::Wait(double grace_s) {
  int result = -1;
  double done_at = -1;
  for (;;) {
    std::vector<pollfd> fds;
    for (Child& c : children_)
      if (c.fd >= 0) fds.push_back({c.fd, POLLIN, 0});
    if (!fds.empty())
      poll(fds.data(), fds.size(), 100);
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    bool essential_running = false, any_running = false;
    std::vector<std::string> failed;  // tolerated children that failed just now
    for (Child& c : children_) {
      Forward(&c, false);
      if (c.running && Reap(&c, false) && c.code != 0 && result < 0) {
        if (c.tolerated) {
          std::printf("launch: %s exited with code %d; the job goes on without it (--elastic)\n",
                      c.name.c_str(), c.code);
          failed.push_back(c.name);
        } else {
          std::printf("launch: %s exited with code %d; stopping the job\n", c.name.c_str(), c.code);
          result = c.code;
        }
        std::fflush(stdout);
      }
      essential_running = essential_running || (c.running && c.essential);
      any_running = any_running || c.running;
    }
    if (result > 0) {
      StopAll(grace_s);
      return result;
    }
    if (on_tolerated_failure_)
      for (const std::string& name : failed) on_tolerated_failure_(name);  // may Start children
    if (!failed.empty()) continue;
    if (!any_running) return EssentialResult();
    if (!essential_running) {
      if (done_at < 0) done_at = Now();
      if (Now() - done_at > grace_s) {
        StopAll(1);
        return EssentialResult();
      }
    }
  }
}

int ProcessGroup::EssentialResult() const {
  int first_failure = 0;
  for (const Child& c : children_) {
    if (!c.essential) continue;
    if (c.code == 0) return 0;  // at least one essential child succeeded
    if (!first_failure) first_failure = c.code;
  }
  return first_failure;
}

void ProcessGroup::StopAll(double grace_s) {
  for (Child& c : children_)
    if (c.running) kill(-c.pid, SIGTERM);
  double start = Now();
  for (;;) {
    bool running = false;
    for (Child& c : children_) {
      Forward(&c, false);
      running = (c.running && !Reap(&c, false)) || running;
    }
    if (!running) break;
    if (Now() - start > grace_s) {
      for (Child& c : children_)
        if (c.running) kill(-c.pid, SIGKILL);
      for (Child& c : children_) Reap(&c, true);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (Child& c : children_) {
    Forward(&c, true);
    if (c.fd >= 0) close(c.fd);
    c.fd = -1;
  }
}

}  // namespace launcher
}  // namespace mx
