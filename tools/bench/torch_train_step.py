"""PyTorch peer for //tools/bench:train_bench: SGD training steps of the seed network (batch
8, 3x224x224) or LeNet (batch 64, 1x28x28), the same layers as Tessera's.

Usage: torch_train_step.py MODEL THREADS REPS [cpu|cuda]. Prints "samples_per_sec <v>" and
"peak_bytes <bytes>" (growth of the process's peak RSS across setup and steps; on cuda the
peak of device bytes allocated, torch.cuda.max_memory_allocated, with TF32 off and each step
ending with a device synchronize).
"""
import resource
import sys

import torch
import torch.nn as nn

from torch_layers import median_time


def model(name):
    if name == "seed":
        net = nn.Sequential(
            nn.Conv2d(3, 128, 3, padding=1), nn.BatchNorm2d(128, eps=1e-3, momentum=0.1),
            nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(128 * 112 * 112, 2))
        return net, (8, 3, 224, 224), 2
    net = nn.Sequential(
        nn.Conv2d(1, 20, 5), nn.Tanh(), nn.MaxPool2d(2, 2), nn.Conv2d(20, 50, 5), nn.Tanh(),
        nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(800, 500), nn.Tanh(), nn.Linear(500, 10))
    return net, (64, 1, 28, 28), 10


def main():
    name, threads, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    device = sys.argv[4] if len(sys.argv) > 4 else "cpu"
    torch.set_num_threads(threads)
    if device == "cuda":
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    net, shape, classes = model(name)
    net.to(device)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    x = torch.rand(shape)
    y = torch.randint(0, classes, (shape[0],))
    loss_fn = nn.CrossEntropyLoss()

    def step():
        # The batch comes from host memory every step on both sides (Tessera's Module copies it).
        opt.zero_grad(set_to_none=False)
        loss_fn(net(x.to(device)), y.to(device)).backward()
        opt.step()
        if device == "cuda":
            torch.cuda.synchronize()

    median = median_time(step, reps)
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("samples_per_sec", shape[0] / median, flush=True)
    memory = torch.cuda.max_memory_allocated() if device == "cuda" else (rss1 - rss0) * 1024
    print("peak_bytes", memory, flush=True)


if __name__ == "__main__":
    main()
