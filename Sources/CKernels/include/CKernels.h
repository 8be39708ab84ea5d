// fdfa's C kernels: the hot loops that Swift on Linux does not vectorise, because its square root,
// logarithm, sine and cosine lower to scalar libm calls, its float sums stay in program order and
// its short row copies pay a call each: Adam's update, the finiteness check, Philox's draws,
// BatchNorm's plane sums, max-pooling and im2col. Each is a plain loop with one job, compiled with
// -O3 for AVX2+FMA where the CPU has it (target_clones) and for baseline x86-64 otherwise, and
// checked against a Swift reference in the tests. Beside them, the small thread pool that runs
// fdfa's parallel loops and split GEMMs (pool.c) and the FMA loop that measures the machine's peak
// for `fdfa bench` (peak.c).
#ifndef FDFA_CKERNELS_H
#define FDFA_CKERNELS_H

#include <stdint.h>

/// One Adam step with L2 weight decay (PyTorch's form) over n elements:
///   g' = g + wd p;  m = b1 m + (1-b1) g';  v = b2 v + (1-b2) g'^2;
///   p -= step_size * m / (sqrt(v) * (1 / root_correction2) + eps)
void fdfa_adam(float *p, const float *g, float *m, float *v, long n,
               float b1, float b2, float wd, float step_size, float root_correction2, float eps);

/// 1 when no element of x[0..n) is NaN or ±infinity (no exponent field all ones), else 0.
int fdfa_all_finite(const float *x, long n);

/// Philox-4x32-10 on a full 128-bit counter and 64-bit key (for known-answer tests).
void fdfa_philox4x32(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]);

/// fdfa's stream: block number `counter` under `key` (counter words lo, hi, 0, 0) into out[0..3].
void fdfa_philox(uint64_t key, uint64_t counter, uint32_t out[4]);

/// out[i] = low + (high - low) * U_i for i < n, U drawn from blocks counter, counter+1, ... (4 per block).
void fdfa_fill_uniform(float *out, long n, uint64_t key, uint64_t counter, float low, float high);

/// out[i] = standard normal draws for i < n, by Box-Muller on the same uniform stream
/// (each block's words (w0, w1) and (w2, w3) give two normals each).
void fdfa_fill_normal(float *out, long n, uint64_t key, uint64_t counter);

/// Natural logarithm for x > 0 and sin/cos(2 pi t): the polynomial approximations the normal
/// generator uses (exposed for tests; a few ulp from libm, and identical on every machine).
float fdfa_log(float x);
void fdfa_sincos_2pi(float t, float *s, float *c);

/// Σ x[i], Σ (x[i] − mean)², and (Σ v[i], Σ v[i] h[i]) over i < n: BatchNorm2d's per-plane sums,
/// with eight partial sums side by side (vectorised; a fixed order, the same on every run).
float fdfa_plane_sum(const float *x, long n);
float fdfa_plane_squared_deviation(const float *x, long n, float mean);
void fdfa_plane_sum_and_dot(const float *v, const float *h, long n, float *sum, float *dot);
/// The same sums of v ⊙ [mask > 0] (a ReLU's adjoint applied as the values are read; 0 where it masks).
void fdfa_plane_masked_sum_and_dot(const float *v, const float *mask, const float *h, long n, float *sum, float *dot);

/// Max-pooling of one plane (width `width`, no padding) into y and argmax (offsets into the plane),
/// both out_height × out_width; the first maximum in row-major window order wins, NaN propagates.
void fdfa_maxpool_plane(const float *x, long width, long kernel, long stride,
                        float *y, int32_t *argmax, long out_height, long out_width);

/// im2col of one C×H×W sample into a (C·k·k) × (out_height·out_width) matrix: row (c, i, j) holds
/// x[c, r·stride − padding + i, q·stride − padding + j] for every output pixel (r, q), zero outside.
/// valid[2j] ..< valid[2j + 1] are the output columns q that read inside the image for kernel column j.
void fdfa_im2col(const float *x, long channels, long height, long width, long kernel, long stride,
                 long padding, long out_height, long out_width, const long *valid, float *cols);

/// The widest vector registers the CPU offers for float arithmetic: 512 (AVX-512F), 256 (AVX2 with
/// FMA) or 128 (SSE), read from the CPU at run time.
int fdfa_cpu_vector_bits(void);

/// Runs `iterations` rounds of a register-only multiply-add loop at that width on the calling thread
/// and returns the floating-point operations it did (a multiply-add counts two); the loop's result
/// goes to *sink (if not NULL) so that it cannot be optimised away. Time it to get one core's peak.
double fdfa_fma_loop(long iterations, float *sink);

/// One part of a pool job: called as task(context, part, parts) for part in 0..<parts.
typedef void (*fdfa_task)(void *context, long part, long parts);

/// Runs task(context, p, parts) for every p < parts and returns when all have finished. The caller
/// and the pool's workers (CKernels/pool.c) each claim the next unclaimed part, so a part may run
/// on any of them. Runs them all inline on the caller when called from inside a part, or while
/// another thread's job is running.
void fdfa_pool_run(long parts, fdfa_task task, void *context);

/// The pool's size including the caller (default: the CPUs this process may run on).
int fdfa_pool_threads(void);

/// Resizes the pool (at least 1); the workers are restarted at the next job.
void fdfa_pool_set_threads(int threads);

/// Which of the pool's threads is calling: 0 for the thread that submits jobs (and any thread
/// outside the pool), 1 … threads − 1 for the workers. Lets a part use per-thread scratch memory.
int fdfa_pool_thread_index(void);

#endif
