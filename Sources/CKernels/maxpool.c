#include "CKernels.h"

// Max-pooling of one channel plane, vectorised across a row of outputs: for each window offset
// (i, j) in row-major order, every output q of the row compares its candidate x[(r s + i) w + q s + j]
// with its running maximum, as a select rather than a branch (on real activations the comparison
// is a coin toss that a branch mispredicts). Semantics as PyTorch's: the first maximum in
// row-major window order wins, and a NaN replaces it.
static inline __attribute__((always_inline)) void pool_plane(
    const float *restrict x, long width, long kernel, long stride,
    float *restrict y, int32_t *restrict argmax, long out_height, long out_width) {
    for (long r = 0; r < out_height; r++) {
        float *restrict value = y + r * out_width;
        int32_t *restrict best = argmax + r * out_width;
        long top = r * stride * width;
        for (long q = 0; q < out_width; q++) {
            value[q] = x[top + q * stride];
            best[q] = (int32_t)(top + q * stride);
        }
        for (long i = 0; i < kernel; i++) {
            for (long j = 0; j < kernel; j++) {
                if (i == 0 && j == 0) continue;
                long offset = top + i * width + j;
                const float *restrict candidates = x + offset;
                for (long q = 0; q < out_width; q++) {
                    float v = candidates[q * stride], current = value[q];
                    int take = (v > current) | (v != v);
                    value[q] = take ? v : current;
                    best[q] = take ? (int32_t)(offset + q * stride) : best[q];
                }
            }
        }
    }
}

typedef float v8f __attribute__((vector_size(32), aligned(4)));
typedef int32_t v8i __attribute__((vector_size(32), aligned(4)));

/// The candidate and its offset replace the running maximum where it is larger or NaN (a
/// comparison gives all ones where it holds, so the choice is a bitwise select).
static inline __attribute__((always_inline)) void consider(const v8f *candidate, const v8i *offset, v8f *value, v8i *best) {
    v8i take = (*candidate > *value) | (*candidate != *candidate);
    *value = (v8f)(((v8i)*candidate & take) | ((v8i)*value & ~take));
    *best = (*offset & take) | (*best & ~take);
}

// 2x2 windows moved by 2 (the shallow CNN's pooling) with at least eight outputs a row: eight
// outputs at a time, their windows' two rows loaded whole and split into even and odd columns; the
// last eight of a row overlap the ones before when the row is not a multiple of eight (recomputing
// the same values). pool_plane's order and rule: (0,0), (0,1), (1,0), (1,1), the first maximum
// wins, a NaN replaces it. pool_plane leaves a scalar tail on such short rows whose selects become
// mispredicted branches; this is eight times faster on the CNN's 20x20 planes, measured alone.
static inline __attribute__((always_inline)) void pool_2x2_stride2(
    const float *restrict x, long width, float *restrict y, int32_t *restrict argmax, long out_height, long out_width) {
    const v8i lanes = {0, 2, 4, 6, 8, 10, 12, 14};
    for (long r = 0; r < out_height; r++) {
        long top = 2 * r * width;
        for (long q0 = 0; q0 < out_width; q0 += 8) {
            long q = q0 + 8 <= out_width ? q0 : out_width - 8;
            const float *a = x + top + 2 * q, *b = a + width;
            v8f a0, a1, b0, b1;
            __builtin_memcpy(&a0, a, 32); __builtin_memcpy(&a1, a + 8, 32);
            __builtin_memcpy(&b0, b, 32); __builtin_memcpy(&b1, b + 8, 32);
            v8f even_a = __builtin_shufflevector(a0, a1, 0, 2, 4, 6, 8, 10, 12, 14);
            v8f odd_a = __builtin_shufflevector(a0, a1, 1, 3, 5, 7, 9, 11, 13, 15);
            v8f even_b = __builtin_shufflevector(b0, b1, 0, 2, 4, 6, 8, 10, 12, 14);
            v8f odd_b = __builtin_shufflevector(b0, b1, 1, 3, 5, 7, 9, 11, 13, 15);
            v8i offset = lanes + (int32_t)(top + 2 * q), next = offset + 1;
            v8i below = offset + (int32_t)width, below_next = below + 1;
            v8f value = even_a;
            v8i best = offset;
            consider(&odd_a, &next, &value, &best);
            consider(&even_b, &below, &value, &best);
            consider(&odd_b, &below_next, &value, &best);
            __builtin_memcpy(y + r * out_width + q, &value, 32);
            __builtin_memcpy(argmax + r * out_width + q, &best, 32);
        }
    }
}

// Stride 2 (every pooling of the reference's networks) gets its own copy with the stride a
// constant, so that the strided loads vectorise: 3x faster than the general loop, measured.
__attribute__((target_clones("arch=x86-64-v3", "default")))
void fdfa_maxpool_plane(const float *restrict x, long width, long kernel, long stride,
                        float *restrict y, int32_t *restrict argmax, long out_height, long out_width) {
    if (kernel == 2 && stride == 2 && out_width >= 8) pool_2x2_stride2(x, width, y, argmax, out_height, out_width);
    else if (stride == 2) pool_plane(x, width, kernel, 2, y, argmax, out_height, out_width);
    else pool_plane(x, width, kernel, stride, y, argmax, out_height, out_width);
}
