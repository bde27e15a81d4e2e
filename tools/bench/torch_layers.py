"""PyTorch peer for //tools/bench:layer_bench: the same layers, shapes and measurement.

Prints one line per layer: "<name> <median seconds for forward + backward>". Run by layer_bench
in its tuned configuration (jemalloc, OPENBLAS_NUM_THREADS=1, torch.set_num_threads(threads)).
Arguments: batch size lenet_batch threads min_reps [cpu|cuda] [min_seconds]; on cuda each step ends with a device
synchronize and TF32 is off (Tessera's cuDNN convolutions use FMA math for float32).
"""
import sys
import time

import torch
import torch.nn as nn


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_time(fn, min_reps, min_seconds=0.0):
    """The rule of layer_bench's bench::MedianSecondsFor: after a warm-up, enough runs to fill
    about min_seconds (at most 2000, never fewer than min_reps), judged by the first timed run; the
    warm-up runs for min_seconds / 2 (at least once). min_seconds 0 (train_bench's and the
    seed's peers): one warm-up run and min_reps timed runs, as bench::MedianSeconds."""
    warm = timed(fn)
    while warm < min_seconds / 2:
        warm += timed(fn)
    times = [timed(fn)]
    reps = min_reps
    if times[0] > 0:
        reps = max(min_reps, int(min(2000.0, min_seconds / times[0])))
    while len(times) < reps:
        times.append(timed(fn))
    times.sort()
    return times[len(times) // 2]


class OutputOnly(nn.Module):
    """An nn.LSTM's output sequence without its final states (what layer_bench's RNN gives)."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0]


def layer_cases(batch, size, lenet_batch):
    h = size
    cases = [
        ("seed_conv3x3_128", nn.Conv2d(3, 128, 3, padding=1), (batch, 3, h, h)),
        ("seed_batchnorm", nn.BatchNorm2d(128, eps=1e-3, momentum=0.1), (batch, 128, h, h)),
        ("seed_relu", nn.ReLU(), (batch, 128, h, h)),
        ("seed_maxpool2x2", nn.MaxPool2d(2, 2), (batch, 128, h, h)),
        ("seed_fc2", nn.Linear(128 * (h // 2) * (h // 2), 2), (batch, 128 * (h // 2) * (h // 2))),
    ]
    if lenet_batch:
        b = lenet_batch
        cases += [
            ("lenet_conv20", nn.Conv2d(1, 20, 5), (b, 1, 28, 28)),
            ("lenet_tanh1", nn.Tanh(), (b, 20, 24, 24)),
            ("lenet_pool1", nn.MaxPool2d(2, 2), (b, 20, 24, 24)),
            ("lenet_conv50", nn.Conv2d(20, 50, 5), (b, 20, 12, 12)),
            ("lenet_pool2", nn.MaxPool2d(2, 2), (b, 50, 8, 8)),
            ("lenet_fc500", nn.Linear(800, 500), (b, 800)),
            ("lenet_fc10", nn.Linear(500, 10), (b, 500)),
            ("lstm_2x512_t35", OutputOnly(nn.LSTM(512, 512, 2)), (35, 32, 512)),
        ]
    return cases


def main():
    batch, size, lenet_batch, threads, reps = (int(a) for a in sys.argv[1:6])
    device = sys.argv[6] if len(sys.argv) > 6 else "cpu"
    min_seconds = float(sys.argv[7]) if len(sys.argv) > 7 else 0.0
    torch.set_num_threads(threads)
    if device == "cuda":
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
    for name, layer, shape in layer_cases(batch, size, lenet_batch):
        layer.train()
        layer.to(device)
        x = torch.rand(shape, device=device, requires_grad=True)

        def step():
            y = layer(x)
            y.backward(torch.ones_like(y))
            if device == "cuda":
                torch.cuda.synchronize()

        print(name, median_time(step, reps, min_seconds), flush=True)


if __name__ == "__main__":
    main()
