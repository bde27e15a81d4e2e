"""LeNet on Fashion-MNIST (Debian's dataset-fashion-mnist) with MXNet's Module API, the Python
twin of examples/fashion_mnist/train.cc: SGD with momentum 0.9 and wd 1e-4, the rate halved
every two epochs, Xavier initialization, a Speedometer, validation on the test set after each
epoch, and a final "Test-accuracy=" line.

    tools/python examples/python/fashion_mnist_train.py [--data DIR] [--epochs N]
        [--batch-size B] [--lr R] [--num-parts P] [--kvstore local|dist_sync|dist_async]
(--num-parts: train on 1/P of the set.) As a dist job, every role runs this script:
    bazel-bin/launcher/launch -n 2 -s 1 -- tools/python examples/python/fashion_mnist_train.py \
        --kvstore dist_sync
each worker trains on its 1/WORKERS of the set (mx.kv.create runs the scheduler and server
roles and exits in those processes).
"""
import argparse
import logging

import mxnet as mx


def lenet():
    data = mx.sym.Variable("data")
    x = mx.sym.Convolution(data, kernel=(5, 5), num_filter=20, name="conv1")
    x = mx.sym.Activation(x, act_type="relu", name="relu1")
    x = mx.sym.Pooling(x, pool_type="max", kernel=(2, 2), stride=(2, 2), name="pool1")
    x = mx.sym.Convolution(x, kernel=(5, 5), num_filter=50, name="conv2")
    x = mx.sym.Activation(x, act_type="relu", name="relu2")
    x = mx.sym.Pooling(x, pool_type="max", kernel=(2, 2), stride=(2, 2), name="pool2")
    x = mx.sym.FullyConnected(mx.sym.Flatten(x, name="flatten"), num_hidden=500, name="fc1")
    x = mx.sym.Activation(x, act_type="relu", name="relu3")
    x = mx.sym.FullyConnected(x, num_hidden=10, name="fc2")
    return mx.sym.SoftmaxOutput(x, name="softmax")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--num-parts", type=int, default=1)
    ap.add_argument("--kvstore", default="local")
    args = ap.parse_args()
    kv = mx.kv.create(args.kvstore) if args.kvstore.startswith("dist") else args.kvstore
    rank, workers = (kv.rank, kv.num_workers) if not isinstance(kv, str) else (0, 1)
    logging.basicConfig(level=logging.INFO)
    train = mx.io.MNISTIter(image=args.data + "/train-images-idx3-ubyte.gz",
                            label=args.data + "/train-labels-idx1-ubyte.gz",
                            batch_size=args.batch_size, seed=1,
                            num_parts=args.num_parts * workers, part_index=rank)
    test = mx.io.MNISTIter(image=args.data + "/t10k-images-idx3-ubyte.gz",
                           label=args.data + "/t10k-labels-idx1-ubyte.gz", batch_size=100,
                           shuffle=False)
    epoch_batches = 60000 // (args.num_parts * workers) // args.batch_size
    sched = mx.lr_scheduler.FactorScheduler(step=2 * epoch_batches, factor=0.5,
                                            base_lr=args.lr)
    mod = mx.mod.Module(lenet(), context=mx.cpu())
    mod.fit(train, eval_data=test, num_epoch=args.epochs, initializer=mx.init.Xavier(),
            kvstore=kv,
            optimizer="sgd", optimizer_params={"learning_rate": args.lr, "momentum": 0.9,
                                               "wd": 1e-4, "lr_scheduler": sched},
            batch_end_callback=mx.callback.Speedometer(args.batch_size, 200))
    (_, acc), = mod.score(test, mx.metric.Accuracy())
    print("Test-accuracy=%.4f" % acc)


if __name__ == "__main__":
    main()
