#include "CKernels.h"

// im2col of one sample (the layout is described at `im2col` in Layers/Im2col.swift). The row
// copies are plain loops so that the compiler vectorises them: a stride-1 row of the shallow CNN is
// 20 or 24 floats, and Swift's version paid a memmove call for each.
static inline __attribute__((always_inline)) void gather(
    const float *restrict x, long channels, long height, long width, long kernel, long stride,
    long padding, long out_height, long out_width, const long *restrict valid, float *restrict cols) {
    long area = out_height * out_width;
    for (long c = 0; c < channels; c++) {
        const float *restrict plane = x + c * height * width;
        for (long i = 0; i < kernel; i++) {
            for (long j = 0; j < kernel; j++) {
                float *restrict row = cols + ((c * kernel + i) * kernel + j) * area;
                long lo = valid[2 * j], hi = valid[2 * j + 1];
                for (long r = 0; r < out_height; r++) {
                    float *restrict dst = row + r * out_width;
                    long ih = r * stride - padding + i;
                    if (ih < 0 || ih >= height) {
                        for (long q = 0; q < out_width; q++) dst[q] = 0;
                        continue;
                    }
                    const float *restrict src = plane + ih * width + j - padding;
                    for (long q = 0; q < lo; q++) dst[q] = 0;
                    for (long q = lo; q < hi; q++) dst[q] = src[q * stride];
                    for (long q = hi; q < out_width; q++) dst[q] = 0;
                }
            }
        }
    }
}

// Stride 1 (the shallow CNN, most of AlexNet) gets its own copy with the stride a constant, so
// that the row copy is a contiguous, vectorised loop.
__attribute__((target_clones("arch=x86-64-v3", "default")))
void fdfa_im2col(const float *restrict x, long channels, long height, long width, long kernel,
                 long stride, long padding, long out_height, long out_width, const long *restrict valid,
                 float *restrict cols) {
    if (stride == 1) gather(x, channels, height, width, kernel, 1, padding, out_height, out_width, valid, cols);
    else gather(x, channels, height, width, kernel, stride, padding, out_height, out_width, valid, cols);
}
