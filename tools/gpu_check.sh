#!/usr/bin/env bash
# GPU check, in two halves (../shared/docs/gpu-checks.md):
#   tools/gpu_check.sh build   here: builds the GPU-relevant test and benchmark binaries,
#                              statically linked where it matters, into .gpu_carry/
#   tools/gpu_check.sh run     on the GPU machine (carry .gpu_carry): runs them, output to $OUT
set -uo pipefail
cd "$(dirname "$0")/.."
TESTS=(tests/core/storage:storage_test tests/core/engine:engine_test
       tests/core/ndarray:ndarray_test tests/core/ops:ops_test tests/core/ops:gpu_test
       tests/core/ops/nn:nn_test tests/core/train:kvstore_gpu_test)
BINS=(examples/seed:ndarray_basics tools/bench:layer_bench tools/bench:train_bench
      examples/fashion_mnist:train launcher:launch)

if [ "${1:-}" = "build" ]; then
  labels=()
  for t in "${TESTS[@]}" "${BINS[@]}"; do labels+=("//$t"); done
  bazel build --dynamic_mode=off --define=static_blas=1 --define=static_cudart=1 --define=dnnl=off --strip=always "${labels[@]}" || exit 1
  rm -rf .gpu_carry /tmp/gpu_bins && mkdir -p .gpu_carry /tmp/gpu_bins
  for t in "${TESTS[@]}" "${BINS[@]}"; do cp "bazel-bin/${t/://}" /tmp/gpu_bins/; done
  # Shared libraries the GPU machine may lack (ZeroMQ and its dependencies, gfortran, ...):
  # all but the C/C++ runtime and the CUDA libraries, which come from the machine.
  mkdir -p /tmp/gpu_bins/lib
  for b in /tmp/gpu_bins/*; do [ -f "$b" ] && ldd "$b"; done | awk '$3 ~ /^\// {print $3}' |
    sort -u | grep -vE '/(libc|libm|libstdc\+\+|libgcc_s|libpthread|libdl|librt|libresolv|ld-linux[^/]*)\.so|/libcu|/libnccl|/libcudnn' |
    xargs -r -I{} cp -L {} /tmp/gpu_bins/lib/
  # The binaries share most of their bytes (OpenBLAS, kernels): one solid xz archive is small.
  tar -C /tmp/gpu_bins -cf - . | xz -9 -T2 > .gpu_carry/bins.tar.xz || exit 1
  # Fashion-MNIST (already gzip-compressed) for a GPU training run; torch peer scripts.
  cp -r /usr/share/datasets/fashion-mnist .gpu_carry/ &&
    cp tools/bench/torch_layers.py tools/bench/torch_train_step.py .gpu_carry/
  grep -qx '/.gpu_carry/' .git/info/exclude 2>/dev/null || echo '/.gpu_carry/' >> .git/info/exclude
  ls -la /tmp/gpu_bins .gpu_carry
  exit 0
fi

OUT=${OUT:-/tmp/gpu_out}
mkdir -p "$OUT" /tmp/gpu_bins
tar -C /tmp/gpu_bins -xJf .gpu_carry/bins.tar.xz || exit 1
BIN=/tmp/gpu_bins
# cuBLAS and cuDNN come from the machine (CUDA toolkit or PyTorch's wheels).
libdirs=$(find / -xdev \( -name 'libcublas.so.13*' -o -name 'libcublasLt.so.13*' \
          -o -name 'libcudnn.so.9*' -o -name 'libnccl.so.2*' \) 2>/dev/null | xargs -r -n1 dirname | sort -u | tr '\n' ':')
PY=""
for p in $(find / -xdev -path '*/bin/python3' 2>/dev/null); do
  "$p" -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null && PY=$p && break
done
export TESSERA_PEER_PYTHON=$PY
export LD_LIBRARY_PATH="${libdirs}$BIN/lib:${LD_LIBRARY_PATH:-}"
{
  date -u; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  ls $BIN/lib
  echo "peer python: $PY $($PY -c 'import torch; print(torch.__version__, torch.backends.cudnn.version())' 2>&1)"
  for b in $BIN/*; do echo "== ldd $b"; ldd "$b" | grep -E 'not found|cublas|cudnn' ; done
} > "$OUT/env.txt" 2>&1
status=0
for t in "${TESTS[@]}"; do
  name=${t##*:}
  SECONDS=0
  timeout 150 "$BIN/$name" --gtest_brief=1 > "$OUT/$name.txt" 2>&1 || status=1
  echo "== $name (${SECONDS} s)"; tail -3 "$OUT/$name.txt"
done
# Each step's output goes to the file at once: what ran before a time limit comes back.
step() { echo "== $* ($(date -u +%T))"; }
{
  timeout 60 $BIN/ndarray_basics > /dev/null || { echo "ndarray_basics failed"; status=1; }
  mkdir -p tools/bench && cp .gpu_carry/torch_layers.py .gpu_carry/torch_train_step.py tools/bench/
  step train_bench --gpu
  timeout 150 $BIN/train_bench --gpu || status=1
  # LeNet on Fashion-MNIST on one GPU context, then two contexts of the same GPU through the
  # device and the nccl KVStores.
  for ctxs in "gpu(0)" "gpu(0),gpu(0) --kvstore device" "gpu(0),gpu(0) --kvstore nccl"; do
    step train --contexts $ctxs
    timeout 90 $BIN/train --data .gpu_carry/fashion-mnist --epochs 1 --contexts $ctxs || status=1
  done
  # dist_sync_device: 2 workers (each two contexts of the GPU, reduced through NCCL), 1 server.
  step launch -n 2 -s 1 -- train --kvstore dist_sync_device --contexts "gpu(0),gpu(0)"
  timeout 90 $BIN/launch -n 2 -s 1 -- $BIN/train --data .gpu_carry/fashion-mnist --epochs 1 \
    --kvstore dist_sync_device --contexts "gpu(0),gpu(0)" || status=1
  step layer_bench --gpu
  timeout 200 $BIN/layer_bench --gpu || status=1
  step end
} > "$OUT/examples_and_bench.txt" 2>&1
tail -60 "$OUT/examples_and_bench.txt"
exit $status
