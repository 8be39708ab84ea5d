#include "CKernels.h"
#include <immintrin.h>

// The machine's arithmetic peak, measured: a loop of fused multiply-adds on registers only (no
// memory traffic), with enough independent accumulators to cover the FMA units' latency (two
// units, four cycles: eight chains in flight; twelve leave headroom). Its rate times the threads
// is the floor that `fdfa bench` sets a step's FLOPs against. One version per vector width, chosen
// at run time from what the CPU reports, so the same binary measures each machine's own peak.

enum { CHAINS = 12 };

int fdfa_cpu_vector_bits(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 256;
    return 128;
}

// Each version returns a value that depends on every chain, so the compiler keeps the work.
__attribute__((target("avx512f")))
static float peak512(long iterations) {
    __m512 acc[CHAINS], x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_set1_ps((float)c);
    for (long i = 0; i < iterations; i++)
        for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_fmadd_ps(acc[c], x, y);
    float s = 0;
    for (int c = 0; c < CHAINS; c++) s += _mm512_reduce_add_ps(acc[c]);
    return s;
}

__attribute__((target("avx2,fma")))
static float peak256(long iterations) {
    __m256 acc[CHAINS], x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_set1_ps((float)c);
    for (long i = 0; i < iterations; i++)
        for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_fmadd_ps(acc[c], x, y);
    float lanes[8], s = 0;
    for (int c = 0; c < CHAINS; c++) {
        _mm256_storeu_ps(lanes, acc[c]);
        for (int l = 0; l < 8; l++) s += lanes[l];
    }
    return s;
}

static float peak128(long iterations) {
    __m128 acc[CHAINS], x = _mm_set1_ps(0.999999f), y = _mm_set1_ps(1e-7f);
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm_set1_ps((float)c);
    for (long i = 0; i < iterations; i++)
        for (int c = 0; c < CHAINS; c++) acc[c] = _mm_add_ps(_mm_mul_ps(acc[c], x), y);
    float lanes[4], s = 0;
    for (int c = 0; c < CHAINS; c++) {
        _mm_storeu_ps(lanes, acc[c]);
        for (int l = 0; l < 4; l++) s += lanes[l];
    }
    return s;
}

double fdfa_fma_loop(long iterations, float *sink) {
    int bits = fdfa_cpu_vector_bits();
    float s = bits == 512 ? peak512(iterations) : bits == 256 ? peak256(iterations) : peak128(iterations);
    if (sink) *sink = s;
    return 2.0 * (double)CHAINS * (double)(bits / 32) * (double)iterations;
}
