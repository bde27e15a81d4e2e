"""Sizes for the seed's Module listings: --samples N (1000), --size S (224), --epochs E (5),
--lr R (0.01, MXNet's default), and the context: mx.gpu(0) as the seed writes, or mx.cpu()
without a GPU (said on stderr)."""
import argparse
import sys

import mxnet as mx


def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--lr", type=float, default=0.01)
    return ap.parse_args()


def context():
    if mx.context.num_gpus() > 0:
        return mx.gpu(0)
    print("[no GPU: mx.gpu(0) of the seed runs as mx.cpu()]", file=sys.stderr)
    return mx.cpu()
