"""For test_interrupt.py: fit for a long time; the test sends SIGINT. The KeyboardInterrupt is
caught here, then the same module trains and scores again to show the process is usable."""
import sys
import time

import numpy as np

import mxnet as mx

x = np.random.RandomState(0).randn(64, 8).astype(np.float32)
y = (x[:, 0] > 0).astype(np.float32)
it = mx.io.NDArrayIter(x, y, batch_size=16)
net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=2,
                                                 name="fc"), name="softmax")
mod = mx.mod.Module(net)


def started(param):
    if param.nbatch == 0 and param.epoch == 0:
        print("training", flush=True)


t = time.time()
try:
    mod.fit(mx.io.ResizeIter(it, 10 ** 7), num_epoch=1, batch_end_callback=started)
    print("not interrupted", flush=True)
except KeyboardInterrupt:
    print("interrupted after %.2f s" % (time.time() - t), flush=True)
mx.nd.waitall()
it.reset()  # the interrupt may have come with `it` part-way through, or at its end
mod.fit(it, num_epoch=2, force_init=False)
print("usable acc=%.3f" % mod.score(it, "acc")[0][1], flush=True)
