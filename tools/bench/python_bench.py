"""Python front-end benchmark (issue 23). Prints BENCH lines (DESIGN.md section 7), measured in
the same run:
- small imperative calls from Python: `c = a + b` on one-element arrays, mx.nd.dot of 64x64,
  relu of 1,000 elements; 10,000 calls each, waiting at the end; against PyTorch 1.13 eager
  (python3-torch) doing the same in its own process, tuned as docs/benchmarking.md says
  (jemalloc, OPENBLAS_NUM_THREADS=1, torch.set_num_threads(2)). ratio = peer time / ours.
- Module.fit from Python against the C++ Module::Fit: one epoch of LeNet on Fashion-MNIST
  (batch 64, SGD momentum 0.9), the "Epoch[0] Time cost" each reports. ratio = C++ time /
  Python time (1.0: the Python loop costs nothing).
- `import mxnet` wall time against PyTorch's `import torch` (ratio = torch / ours).
Medians of 5 runs (3 for fit). Run: tools/python tools/bench/python_bench.py [--quick]
"""
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
N = 10000
TORCH_ENV = dict(os.environ, LD_PRELOAD="libjemalloc.so.2", OPENBLAS_NUM_THREADS="1",
                 MALLOC_CONF="retain:true,dirty_decay_ms:-1,muzzy_decay_ms:-1")

OURS = r"""
import sys, time, statistics
import mxnet as mx
N = int(sys.argv[1]); reps = int(sys.argv[2])
one_a, one_b = mx.nd.ones((1,)), mx.nd.ones((1,))
m = mx.nd.ones((64, 64)) / 64
v = mx.nd.ones((1000,))
cases = {
    "add_1": lambda: one_a + one_b,
    "dot_64": lambda: mx.nd.dot(m, m),
    "relu_1000": lambda: mx.nd.relu(v),
}
for name, fn in cases.items():
    times = []
    for r in range(reps + 1):
        mx.nd.waitall()
        t = time.perf_counter()
        for _ in range(N):
            c = fn()
        mx.nd.waitall()
        times.append(time.perf_counter() - t)
    print(name, statistics.median(times[1:]) / N)
"""

PEER = r"""
import sys, time, statistics
import torch
torch.set_num_threads(2)
N = int(sys.argv[1]); reps = int(sys.argv[2])
one_a, one_b = torch.ones(1), torch.ones(1)
m = torch.ones(64, 64) / 64
v = torch.ones(1000)
cases = {
    "add_1": lambda: one_a + one_b,
    "dot_64": lambda: torch.mm(m, m),
    "relu_1000": lambda: torch.relu(v),
}
for name, fn in cases.items():
    times = []
    for r in range(reps + 1):
        t = time.perf_counter()
        for _ in range(N):
            c = fn()
        times.append(time.perf_counter() - t)
    print(name, statistics.median(times[1:]) / N)
"""


def run_lines(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (cmd[:3], out.stderr[-2000:]))
    return out


def parse(text):
    return {line.split()[0]: float(line.split()[1]) for line in text.splitlines() if line}


def bench(name, ours, peer, unit, ratio, peer_name):
    print("BENCH %s ours=%.4g peer=%.4g unit=%s ratio=%.3f peer_name=%s" %
          (name, ours, peer, unit, ratio, peer_name))
    sys.stdout.flush()


def have_torch():
    return subprocess.run([sys.executable, "-c", "import torch"], capture_output=True).returncode == 0


def small_ops(reps):
    ours = parse(run_lines([sys.executable, "-c", OURS, str(N), str(reps)]).stdout)
    if not have_torch():
        print("python_bench: python3-torch is not installed; apt-get install python3-torch "
              "libjemalloc2 for the PyTorch peer")
        return
    peer = parse(run_lines([sys.executable, "-c", PEER, str(N), str(reps)], TORCH_ENV).stdout)
    for name in ours:
        bench("python_%s" % name, ours[name] * 1e6, peer[name] * 1e6, "us_per_call",
              peer[name] / ours[name], "pytorch-1.13-eager")


def import_time(reps):
    def t(code, env=None):
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            run_lines([sys.executable, "-c", code], env)
            times.append(time.perf_counter() - start)
        return statistics.median(times)
    empty = t("pass")
    ours = t("import mxnet") - empty
    if have_torch():
        peer = t("import torch", TORCH_ENV) - empty
        bench("python_import", ours, peer, "s", peer / ours, "pytorch-1.13-import")
    else:
        print("python_import ours=%.3f s" % ours)


def fit_epoch(reps):
    cxx = os.path.join(ROOT, "bazel-bin", "examples", "fashion_mnist", "train")
    script = os.path.join(ROOT, "examples", "python", "fashion_mnist_train.py")
    if not os.path.exists(cxx) or not os.path.exists("/usr/share/datasets/fashion-mnist"):
        print("python_bench: fit needs bazel-bin/examples/fashion_mnist/train and "
              "dataset-fashion-mnist")
        return
    pat = re.compile(r"Epoch\[0\] Time cost=([0-9.]+)")
    py, cc = [], []
    for _ in range(reps):
        cc.append(float(pat.search(run_lines([cxx, "--epochs", "1"]).stderr).group(1)))
        py.append(float(pat.search(run_lines([sys.executable, script, "--epochs", "1"]).stderr)
                        .group(1)))
    ours, peer = statistics.median(py), statistics.median(cc)
    bench("python_module_fit_lenet_epoch", 60000 / ours, 60000 / peer, "samples_per_s",
          peer / ours, "tessera-cxx-Module::Fit")


def main():
    quick = "--quick" in sys.argv
    small_ops(3 if quick else 5)
    import_time(3 if quick else 5)
    fit_epoch(1 if quick else 3)


if __name__ == "__main__":
    main()
