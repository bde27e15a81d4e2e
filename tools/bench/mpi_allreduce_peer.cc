// MPI_Allreduce peer for //tools/bench:kvstore_bench, run by it as `mpirun -np 2 ...`:
//   mpi_allreduce_peer MB REPS
// sums a float32 buffer of MB megabytes over all ranks REPS times (after one warm-up) and
// prints, from rank 0, "allreduce_MB <median seconds>".
#define OMPI_SKIP_MPICXX 1  // the C API only (its C++ bindings include <mpi.h>)
#include <openmpi/mpi.h>  // Debian libopenmpi-dev

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int mb = argc > 1 ? std::atoi(argv[1]) : 1, reps = argc > 2 ? std::atoi(argv[2]) : 5;
  size_t n = static_cast<size_t>(mb) * (1 << 20) / sizeof(float);
  std::vector<float> send(n, 1.0f + rank), recv(n);
  std::vector<double> times;
  for (int r = 0; r <= reps; ++r) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    MPI_Allreduce(send.data(), recv.data(), static_cast<int>(n), MPI_FLOAT, MPI_SUM,
                  MPI_COMM_WORLD);
    double t = MPI_Wtime() - t0;
    if (r > 0) times.push_back(t);
  }
  std::sort(times.begin(), times.end());
  if (rank == 0) std::printf("allreduce_%d %.9f\n", mb, times[times.size() / 2]);
  MPI_Finalize();
  return 0;
}
