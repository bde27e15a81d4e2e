// The processes of one job, started and watched by `launch`: each child runs a command with
// extra environment variables, its stdout and stderr are forwarded line by line with a prefix
// ("[worker 0] ..."), and Wait() returns the job's exit code: the first non-zero exit (a
// signal counts as 128 + its number), after which every other child is stopped (SIGTERM, then
// SIGKILL after a grace period); or 0 when every child marked `essential` exited 0, after which
// the others get the grace period to finish before they are stopped.
#ifndef TESSERA_LAUNCHER_PROCESS_GROUP_H_
#define TESSERA_LAUNCHER_PROCESS_GROUP_H_

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mx {
namespace launcher {

class ProcessGroup {
 public:
  ~ProcessGroup();
  // Starts `argv` with `env` added to this process's environment. Throws mx::Error when the
  // command cannot be started.
  // A `tolerated` child's failure is reported but does not stop the job (elastic workers);
  // the job then fails only if every essential child failed.
  void Start(const std::string& name, const std::vector<std::string>& argv,
             const std::map<std::string, std::string>& env, bool essential, bool tolerated = false);
  // Called with a tolerated child's name after it failed (the launcher may Start a replacement).
  void OnToleratedFailure(std::function<void(const std::string& name)> f) {
    on_tolerated_failure_ = std::move(f);
  }
  // Forwards output until the job ends; returns its exit code.
  int Wait(double grace_s = 10);
  // Stops every child still running (SIGTERM, then SIGKILL after `grace_s`).
  void StopAll(double grace_s);

 private:
  struct Child {
    std::string name;
    pid_t pid = -1;
    int fd = -1;
    std::string partial;
    bool essential = false, tolerated = false, running = true;
    int code = 0;
  };
  void Forward(Child* c, bool flush);
  bool Reap(Child* c, bool block);
  // 0 when an essential child exited 0, else the first essential failure.
  int EssentialResult() const;
  std::vector<Child> children_;
  std::function<void(const std::string&)> on_tolerated_failure_;
};

// Sends SIGTERM to every child of every live ProcessGroup (for the launcher's signal handler).
void TerminateAllChildren();

}  // namespace launcher
}  // namespace mx

#endif  // TESSERA_LAUNCHER_PROCESS_GROUP_H_
