// launch: starts a distributed Tessera job (scheduler, servers, workers).
//
//   launch -n WORKERS [-s SERVERS] [--launcher local|mpi|ssh] [-H HOSTFILE] [--ssh CMD]
//          [--env K=V]...
//          [--port P] [--resume] [--max-restarts K] [--elastic [--replace K]] -- CMD ARGS...
//
// Every process runs CMD ARGS; the role comes from DMLC_ROLE (and the DMLC_* variables of
// MXNet's launcher), so the program's kv::Create("dist_sync") runs the scheduler or a server
// in those processes and returns a worker store in the others. Output is forwarded with a
// "[worker 0]" style prefix; the exit code is the first non-zero exit of any process, after
// which the rest of the job is stopped; 0 when every worker exited 0.
//   --resume          every process gets TESSERA_RESUME=1: Module::Fit continues from the newest
//                     intact checkpoint (core/module/dist_checkpoint.h).
//   --max-restarts K  when the job fails, start it again with --resume, up to K times, saying so.
//   --elastic         (local launcher) a worker that dies is dropped: the others go on
//                     (TESSERA_PS_ELASTIC=1; see dist/ps/server.cc for the gradient scaling);
//                     from the next epoch on the live workers share the training data.
//   --replace K       (with --elastic) start a new worker in place of one that died, up to K
//                     in all; it joins at the start of the next epoch with the current weights.
//   --launcher local  (default) forks every process on this machine (DMLC_PS_ROOT_URI 127.0.0.1).
//   --launcher mpi    runs ONE mpirun for all 1 + S + W ranks (rank 0 the scheduler, then the
//                     servers, then the workers); -H passes a hostfile, whose first host runs
//                     the scheduler. As root it adds --allow-run-as-root; it always allows
//                     oversubscription. A plain `mpirun -np N CMD` works too (see
//                     dist/ps/config.h).
//   --launcher ssh    runs every process through `ssh HOST 'cd DIR && env K=V... CMD'` (the
//                     same directory and program on every host: a shared file system), the
//                     scheduler on the hostfile's first host, servers then workers round-robin
//                     over the hosts. --ssh CMD replaces "ssh -o BatchMode=yes". Stopping the
//                     job stops the ssh clients; remote processes notice the scheduler's
//                     silence and exit (TESSERA_PS_HEARTBEAT_TIMEOUT_S).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "dist/ps/shm_names.h"
#include "launcher/free_port.h"
#include "launcher/process_group.h"

namespace {

using mx::launcher::FreePort;
using mx::launcher::ProcessGroup;

struct Options {
  int workers = 0, servers = 1, port = 0;
  std::string launcher = "local", hostfile;
  std::string ssh = "ssh -o BatchMode=yes";
  bool resume = false, elastic = false;
  int max_restarts = 0, replace = 0;
  std::map<std::string, std::string> env;
  std::vector<std::string> command;
  bool mpi_child = false;
};

[[noreturn]] void Usage(const std::string& why) {
  std::fprintf(stderr,
               "launch: %s\nusage: launch -n WORKERS [-s SERVERS] [--launcher local|mpi|ssh] "
               "[-H HOSTFILE] [--ssh CMD] [--env K=V]... [--port P] [--resume] "
               "[--max-restarts K] [--elastic [--replace K]] -- CMD ARGS...\n",
               why.c_str());
  std::exit(2);
}

int PositiveInt(const std::string& flag, const std::string& v, long max = 10000) {
  char* end = nullptr;
  long x = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end || x <= 0 || x > max)
    Usage(flag + " needs a positive number, got '" + v + "'");
  return static_cast<int>(x);
}

Options Parse(int argc, char** argv) {
  Options o;
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "-n" || a == "--num-workers")
      o.workers = PositiveInt(a, value());
    else if (a == "-s" || a == "--num-servers")
      o.servers = PositiveInt(a, value());
    else if (a == "--launcher")
      o.launcher = value();
    else if (a == "-H" || a == "--hostfile")
      o.hostfile = value();
    else if (a == "--port")
      o.port = PositiveInt(a, value(), 65535);
    else if (a == "--resume")
      o.resume = true;
    else if (a == "--elastic")
      o.elastic = true;
    else if (a == "--replace")
      o.replace = PositiveInt(a, value());
    else if (a == "--ssh")
      o.ssh = value();
    else if (a == "--max-restarts")
      o.max_restarts = PositiveInt(a, value());
    else if (a == "--mpi-child")
      o.mpi_child = true;
    else if (a == "--env") {
      std::string kv = value();
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) Usage("--env needs K=V, got '" + kv + "'");
      o.env[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else {
      Usage("unknown option '" + a + "' (put the command after --)");
    }
  }
  for (; i < argc; ++i) o.command.push_back(argv[i]);
  if (o.command.empty()) Usage("no command given after --");
  if (!o.mpi_child && o.workers <= 0) Usage("-n WORKERS is required");
  if (o.replace > 0 && (!o.elastic || o.launcher != "local"))
    Usage("--replace needs --elastic and the local launcher");
  if (o.launcher != "local" && o.launcher != "mpi" && o.launcher != "ssh")
    Usage("--launcher " + o.launcher + " is not supported; use local, mpi or ssh");
  if (o.launcher == "ssh" && o.hostfile.empty())
    Usage("--launcher ssh needs -H HOSTFILE (one host a line; the first runs the scheduler)");
  return o;
}

std::string RandomToken() {
  std::random_device rd;
  std::ostringstream s;
  s << std::hex << rd() << rd() << rd();
  return s.str();
}

// The hosts of a hostfile (first word of each line; Open MPI's "slots=N" and comments ignored).
std::vector<std::string> Hosts(const std::string& hostfile) {
  std::ifstream in(hostfile);
  if (!in) Usage("cannot read hostfile " + hostfile);
  std::vector<std::string> hosts;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string host;
    if (l >> host && host[0] != '#') hosts.push_back(host);
  }
  if (hosts.empty()) Usage("hostfile " + hostfile + " lists no host");
  return hosts;
}

std::string FirstHost(const std::string& hostfile) { return Hosts(hostfile)[0]; }

// `s` quoted for a POSIX shell.
std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

void OnSignal(int) { mx::launcher::TerminateAllChildren(); }

// The variables every process of the job gets: the user's --env, the scheduler's address, the
// job's size and token, and OMP_WAIT_POLICY=passive unless the user set it (here or with
// --env): a job's processes share machines, and OpenMP threads that spin while they wait steal
// the cores the other processes need (2 workers and a server on 2 cores, 200 LeNet batches:
// 31.4 s with libgomp's default spinning, 11.6 s passive).
std::map<std::string, std::string> JobEnv(const Options& o, const std::string& root_uri) {
  std::map<std::string, std::string> env = o.env;
  env["DMLC_PS_ROOT_URI"] = root_uri;
  env["DMLC_PS_ROOT_PORT"] = std::to_string(o.port ? o.port : FreePort());
  env["DMLC_NUM_WORKER"] = std::to_string(o.workers);
  env["DMLC_NUM_SERVER"] = std::to_string(o.servers);
  if (!env.count("TESSERA_PS_TOKEN")) env["TESSERA_PS_TOKEN"] = RandomToken();
  if (!env.count("OMP_WAIT_POLICY") && !std::getenv("OMP_WAIT_POLICY"))
    env["OMP_WAIT_POLICY"] = "passive";
  return env;
}

int RunLocal(const Options& o) {
  std::map<std::string, std::string> env = JobEnv(o, "127.0.0.1");
  if (o.elastic) env["TESSERA_PS_ELASTIC"] = "1";
  ProcessGroup group;
  auto role_env = [&](const char* role) {
    std::map<std::string, std::string> e = env;
    e["DMLC_ROLE"] = role;
    return e;
  };
  group.Start("scheduler", o.command, role_env("scheduler"), false);
  for (int s = 0; s < o.servers; ++s)
    group.Start("server " + std::to_string(s), o.command, role_env("server"), false);
  auto start_worker = [&](int rank, const std::string& name) {
    std::map<std::string, std::string> e = role_env("worker");
    e["TESSERA_RANK"] = std::to_string(rank);
    group.Start(name, o.command, e, true, o.elastic);
  };
  for (int w = 0; w < o.workers; ++w) start_worker(w, "worker " + std::to_string(w));
  int replaced = 0;
  group.OnToleratedFailure([&](const std::string& name) {
    if (replaced >= o.replace) return;
    int rank = std::atoi(name.c_str() + std::strlen("worker "));
    ++replaced;
    std::printf("launch: starting a replacement for worker %d (%d of %d allowed by --replace)\n",
                rank, replaced, o.replace);
    std::fflush(stdout);
    start_worker(rank,
                 "worker " + std::to_string(rank) + " replacement " + std::to_string(replaced));
  });
  return group.Wait();
}

// Every process through ssh: the scheduler on the first host, servers and workers round-robin
// over the hosts (workers after the servers). Each runs `cd <this directory> && env K=V... CMD`
// on its host; a node finds its own address as dist/ps/config.h says (DMLC_INTERFACE through
// --env picks the interface).
int RunSsh(const Options& o) {
  std::vector<std::string> hosts = Hosts(o.hostfile);
  std::map<std::string, std::string> env = JobEnv(o, hosts[0]);
  char cwd[4096] = ".";
  if (!getcwd(cwd, sizeof(cwd))) Usage("cannot read the current directory");
  std::vector<std::string> ssh;
  std::istringstream words(o.ssh);
  for (std::string w; words >> w;) ssh.push_back(w);
  if (ssh.empty()) Usage("--ssh needs a command");
  ProcessGroup group;
  int next_host = 0;
  auto start = [&](const std::string& name, const std::string& host,
                   std::map<std::string, std::string> e, bool essential) {
    std::string remote = "cd " + ShellQuote(cwd) + " && env";
    for (const auto& [k, v] : e) remote += " " + ShellQuote(k + "=" + v);
    for (const std::string& a : o.command) remote += " " + ShellQuote(a);
    std::vector<std::string> argv = ssh;
    argv.push_back(host);
    argv.push_back(remote);
    group.Start(name, argv, {}, essential);
  };
  auto role_env = [&](const char* role) {
    std::map<std::string, std::string> e = env;
    e["DMLC_ROLE"] = role;
    return e;
  };
  start("scheduler", hosts[0], role_env("scheduler"), false);
  for (int s = 0; s < o.servers; ++s)
    start("server " + std::to_string(s), hosts[next_host++ % hosts.size()], role_env("server"),
          false);
  for (int w = 0; w < o.workers; ++w) {
    std::map<std::string, std::string> e = role_env("worker");
    e["TESSERA_RANK"] = std::to_string(w);
    start("worker " + std::to_string(w), hosts[next_host++ % hosts.size()], e, true);
  }
  return group.Wait();
}

int RunMpi(const Options& o, const char* self) {
  std::vector<std::string> cmd = {"mpirun"};
  if (geteuid() == 0) cmd.push_back("--allow-run-as-root");
  cmd.insert(cmd.end(), {"--oversubscribe", "-np", std::to_string(1 + o.servers + o.workers)});
  if (!o.hostfile.empty()) cmd.insert(cmd.end(), {"--hostfile", o.hostfile});
  std::map<std::string, std::string> env =
      JobEnv(o, o.hostfile.empty() ? "127.0.0.1" : FirstHost(o.hostfile));
  for (const auto& [k, v] : env) cmd.insert(cmd.end(), {"-x", k + "=" + v});
  cmd.insert(cmd.end(), {self, "--mpi-child", "-s", std::to_string(o.servers), "--"});
  cmd.insert(cmd.end(), o.command.begin(), o.command.end());
  ProcessGroup group;
  group.Start("mpirun", cmd, {}, true);
  return group.Wait();
}

// One rank of `launch --launcher mpi`: its role from OMPI_COMM_WORLD_RANK, then CMD with the
// output prefixed by role and rank.
int RunMpiChild(const Options& o) {
  const char* r = std::getenv("OMPI_COMM_WORLD_RANK");
  if (!r) Usage("--mpi-child runs under mpirun only (OMPI_COMM_WORLD_RANK is not set)");
  int rank = std::atoi(r);
  std::map<std::string, std::string> env;
  std::string name;
  if (rank == 0) {
    env["DMLC_ROLE"] = "scheduler";
    name = "scheduler";
  } else if (rank <= o.servers) {
    env["DMLC_ROLE"] = "server";
    name = "server " + std::to_string(rank - 1);
  } else {
    env["DMLC_ROLE"] = "worker";
    env["TESSERA_RANK"] = std::to_string(rank - 1 - o.servers);
    name = "worker " + std::to_string(rank - 1 - o.servers);
  }
  ProcessGroup group;
  group.Start(name, o.command, env, true);
  int code = group.Wait();
  mx::ps::RemoveOrphanSegments();  // what this rank left if it was killed
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  try {
    if (o.mpi_child) return RunMpiChild(o);
    for (int attempt = 0;; ++attempt) {
      Options run = o;
      if (o.resume || attempt > 0) run.env["TESSERA_RESUME"] = "1";
      int code = o.launcher == "mpi"   ? RunMpi(run, argv[0])
                 : o.launcher == "ssh" ? RunSsh(run)
                                       : RunLocal(run);
      // The job's processes are gone: so must be the shared memory that killed ones left.
      mx::ps::RemoveOrphanSegments();
      if (code == 0 || attempt >= o.max_restarts) return code;
      std::printf(
          "launch: the job failed (exit code %d); restart %d of %d, resuming from the "
          "last checkpoint\n",
          code, attempt + 1, o.max_restarts);
      std::fflush(stdout);
    }
  } catch (const mx::Error& e) {
    std::fprintf(stderr, "launch: %s\n", e.what());
    return 1;
  }
}
