"""PyTorch peer for //tools/bench:executor_bench: one training step (forward, cross-entropy,
backward) of the seed network (conv 3x3x128 pad 1, batch norm, relu, 2x2 max pool, fc to 2).

Prints "seed_step <median seconds>" and "seed_peak_rss_delta <bytes>", then "seed_infer
<median seconds>" for the forward pass alone in eval mode under torch.no_grad(). Run in its tuned
configuration (jemalloc, OPENBLAS_NUM_THREADS=1, torch.set_num_threads(threads)).
"""
import resource
import sys

import torch
import torch.nn as nn

from torch_layers import median_time


def main():
    batch, size, threads, reps = (int(a) for a in sys.argv[1:5])
    torch.set_num_threads(threads)
    net = nn.Sequential(
        nn.Conv2d(3, 128, 3, padding=1), nn.BatchNorm2d(128, eps=1e-3, momentum=0.1), nn.ReLU(),
        nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(128 * (size // 2) ** 2, 2))
    net.train()
    x = torch.rand(batch, 3, size, size)
    label = torch.randint(0, 2, (batch,))
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def step():
        net.zero_grad(set_to_none=False)
        loss_fn(net(x), label).backward()

    median = median_time(step, reps)
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("seed_step", median, flush=True)
    print("seed_peak_rss_delta", (rss1 - rss0) * 1024, flush=True)
    net.eval()
    with torch.no_grad():
        print("seed_infer", median_time(lambda: net(x), reps), flush=True)


if __name__ == "__main__":
    main()
