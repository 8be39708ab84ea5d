// oneDNN's C interface (Debian: libdnnl-dev, built on OpenMP). fdfa calls its sgemm here and its
// convolution primitives in CConvolution, from its own thread pool, so each calling thread asks
// OpenMP for a team of one: libgomp keeps that setting per thread, and oneDNN sizes its parallel
// regions by it.
#include <dnnl.h>

void omp_set_num_threads(int num_threads);

/// dnnl_sgemm on the calling thread alone (row-major, as oneDNN's sgemm always is).
static inline dnnl_status_t fdfa_dnnl_sgemm(char transa, char transb, dnnl_dim_t m, dnnl_dim_t n, dnnl_dim_t k,
                                            float alpha, const float *a, dnnl_dim_t lda, const float *b,
                                            dnnl_dim_t ldb, float beta, float *c, dnnl_dim_t ldc) {
    static __thread int single_threaded;
    if (!single_threaded) {
        omp_set_num_threads(1);
        single_threaded = 1;
    }
    return dnnl_sgemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
