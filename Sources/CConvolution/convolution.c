#include "CConvolution.h"

#include <dnnl.h>
#include <stdlib.h>

void omp_set_num_threads(int num_threads);

#define TRY(call)                                                                                                     \
    do {                                                                                                              \
        dnnl_status_t status_ = (call);                                                                               \
        if (status_ != dnnl_success) return status_;                                                                  \
    } while (0)

/// One operand of a primitive as fdfa holds it (`plain`, whose buffer the caller names per call)
/// and as the primitive reads or writes it (`inner`: the same object when the layouts agree,
/// otherwise a buffer of its own with `reorder` between the two, in the operand's direction).
typedef struct {
    dnnl_memory_t plain, inner;
    dnnl_primitive_t reorder;
} port;

/// What each thread has to itself: a stream (oneDNN's are not shared) and the operands' ports.
typedef struct {
    dnnl_stream_t stream;
    port source, source_b, output;                   // forward
    port data_output_gradient, input_gradient;       // backward-data
    port weights_input, weights_output_gradient;     // backward-weights
    port weight_gradient;
    dnnl_memory_t bias, zero_bias, bias_gradient;    // plain (a vector has one layout)
    /// The primitives' scratch memory, in one buffer of this thread's (see `scratchpad_attr`).
    void *scratch;
    dnnl_memory_t forward_scratch, forward_sum_scratch, backward_data_scratch, backward_weights_scratch;
} thread_ports;

struct fdfa_conv {
    dnnl_engine_t engine;
    /// The algorithm the primitives run: Winograd's where oneDNN has it for the geometry, else direct.
    dnnl_alg_kind_t algorithm;
    /// The descriptions the primitives are made from (kept until `create` is done, or fails).
    dnnl_primitive_desc_t descriptions[4];
    dnnl_primitive_t forward, forward_sum, backward_data, backward_weights;
    /// The layer's weights and the direction, in the forward's layout and in backward-data's.
    dnnl_memory_t weights, direction, data_weights;
    port weights_in, direction_in, data_weights_in;  // OIHW → those layouts (calling thread)
    int threads;
    thread_ports *ports;
};

/// oneDNN's primitives run on OpenMP teams; fdfa runs one primitive per thread of its own pool,
/// so each calling thread asks for a team of one (libgomp keeps this setting per thread).
static void single_threaded(void) {
    static __thread int done;
    if (!done) {
        omp_set_num_threads(1);
        done = 1;
    }
}

/// Primitives whose scratch memory the caller passes: the library's own is shared between threads.
static dnnl_status_t scratchpad_attr(dnnl_primitive_attr_t *attr) {
    TRY(dnnl_primitive_attr_create(attr));
    return dnnl_primitive_attr_set_scratchpad_mode(*attr, dnnl_scratchpad_mode_user);
}

static const dnnl_memory_desc_t *query(const_dnnl_primitive_desc_t pd, dnnl_query_t what) {
    return dnnl_primitive_desc_query_md(pd, what, 0);
}

/// A port between the plain layout and the primitive's; `input` says which way data flows.
static dnnl_status_t port_create(port *p, dnnl_engine_t engine, const dnnl_memory_desc_t *plain,
                                 const dnnl_memory_desc_t *inner, int input) {
    TRY(dnnl_memory_create(&p->plain, plain, engine, DNNL_MEMORY_NONE));
    if (dnnl_memory_desc_equal(plain, inner)) {
        p->inner = p->plain;
        p->reorder = NULL;
        return dnnl_success;
    }
    TRY(dnnl_memory_create(&p->inner, inner, engine, DNNL_MEMORY_ALLOCATE));
    dnnl_primitive_desc_t pd;
    dnnl_primitive_attr_t attr;
    TRY(scratchpad_attr(&attr));
    dnnl_status_t status = input ? dnnl_reorder_primitive_desc_create(&pd, plain, engine, inner, engine, attr)
                                 : dnnl_reorder_primitive_desc_create(&pd, inner, engine, plain, engine, attr);
    dnnl_primitive_attr_destroy(attr);
    TRY(status);
    // A reorder between these layouts needs no scratch memory; one that did is not supported here.
    if (dnnl_memory_desc_get_size(query(pd, dnnl_query_scratchpad_md)) != 0) status = dnnl_unimplemented;
    if (status == dnnl_success) status = dnnl_primitive_create(&p->reorder, pd);
    dnnl_primitive_desc_destroy(pd);
    return status;
}

static void port_destroy(port *p) {
    if (p->reorder) {
        dnnl_primitive_destroy(p->reorder);
        dnnl_memory_destroy(p->inner);
    }
    if (p->plain) dnnl_memory_destroy(p->plain);
}

/// Points the port at the caller's buffer; for an input, brings it into the primitive's layout.
static dnnl_status_t port_in(port *p, dnnl_stream_t stream, const float *data) {
    TRY(dnnl_memory_set_data_handle_v2(p->plain, (void *)data, stream));
    if (!p->reorder) return dnnl_success;
    dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, p->plain}, {DNNL_ARG_TO, p->inner}};
    return dnnl_primitive_execute(p->reorder, stream, 2, args);
}

/// After the primitive wrote an output port: brings it into the caller's layout.
static dnnl_status_t port_out(port *p, dnnl_stream_t stream) {
    if (!p->reorder) return dnnl_success;
    dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, p->inner}, {DNNL_ARG_TO, p->plain}};
    return dnnl_primitive_execute(p->reorder, stream, 2, args);
}

static dnnl_status_t make_primitive(dnnl_primitive_t *primitive, const_dnnl_primitive_desc_t pd) {
    return dnnl_primitive_create(primitive, pd);
}

/// A primitive's description with caller-owned scratch memory, optionally adding onto its output
/// (a sum post-op); `hint` is the forward's description, for the backward primitives.
static dnnl_status_t describe(dnnl_primitive_desc_t *pd, const void *op, dnnl_engine_t engine,
                              const_dnnl_primitive_desc_t hint, int add_onto_output) {
    dnnl_primitive_attr_t attr;
    TRY(scratchpad_attr(&attr));
    dnnl_status_t status = dnnl_success;
    if (add_onto_output) {
        dnnl_post_ops_t sum;
        status = dnnl_post_ops_create(&sum);
        if (status == dnnl_success) {
            status = dnnl_post_ops_append_sum(sum, 1.0f);
            if (status == dnnl_success) status = dnnl_primitive_attr_set_post_ops(attr, sum);
            dnnl_post_ops_destroy(sum);
        }
    }
    if (status == dnnl_success) status = dnnl_primitive_desc_create(pd, op, attr, engine, hint);
    dnnl_primitive_attr_destroy(attr);
    return status;
}

static dnnl_status_t create(fdfa_conv *c, int channels, int height, int width, int outputs, int kernel, int stride,
                            int padding, int samples) {
    int out_h = (height + 2 * padding - kernel) / stride + 1, out_w = (width + 2 * padding - kernel) / stride + 1;
    dnnl_dims_t src_dims = {samples, channels, height, width}, dst_dims = {samples, outputs, out_h, out_w};
    dnnl_dims_t w_dims = {outputs, channels, kernel, kernel}, b_dims = {outputs};
    dnnl_dims_t strides = {stride, stride}, pads = {padding, padding};
    dnnl_memory_desc_t src, dst, w, b, src_any, dst_any, w_any;
    TRY(dnnl_memory_desc_init_by_tag(&src, 4, src_dims, dnnl_f32, dnnl_nchw));
    TRY(dnnl_memory_desc_init_by_tag(&dst, 4, dst_dims, dnnl_f32, dnnl_nchw));
    TRY(dnnl_memory_desc_init_by_tag(&w, 4, w_dims, dnnl_f32, dnnl_oihw));
    TRY(dnnl_memory_desc_init_by_tag(&b, 1, b_dims, dnnl_f32, dnnl_x));
    TRY(dnnl_memory_desc_init_by_tag(&src_any, 4, src_dims, dnnl_f32, dnnl_format_tag_any));
    TRY(dnnl_memory_desc_init_by_tag(&dst_any, 4, dst_dims, dnnl_f32, dnnl_format_tag_any));
    TRY(dnnl_memory_desc_init_by_tag(&w_any, 4, w_dims, dnnl_f32, dnnl_format_tag_any));

    // Forward, and forward adding onto its output (the sum post-op) for a second term.
    dnnl_alg_kind_t alg = c->algorithm;
    dnnl_primitive_desc_t *pds = c->descriptions;
    dnnl_convolution_desc_t fd, fsd, bdd, bwd;
    TRY(dnnl_convolution_forward_desc_init(&fd, dnnl_forward_training, alg, &src_any, &w_any, &b, &dst_any, strides,
                                           pads, pads));
    TRY(describe(&pds[0], &fd, c->engine, NULL, 0));
    const_dnnl_primitive_desc_t fpd = pds[0];
    // The second term reads the same layouts as the first, so that they share the output buffer.
    const dnnl_memory_desc_t *f_src = query(fpd, dnnl_query_src_md), *f_w = query(fpd, dnnl_query_weights_md),
                             *f_dst = query(fpd, dnnl_query_dst_md);
    TRY(dnnl_convolution_forward_desc_init(&fsd, dnnl_forward_training, alg, f_src, f_w, &b, f_dst, strides, pads,
                                           pads));
    TRY(describe(&pds[1], &fsd, c->engine, NULL, 1));
    TRY(dnnl_convolution_backward_data_desc_init(&bdd, alg, &src_any, &w_any, &dst_any, strides, pads, pads));
    TRY(describe(&pds[2], &bdd, c->engine, fpd, 0));
    TRY(dnnl_convolution_backward_weights_desc_init(&bwd, alg, &src_any, &w_any, &b, &dst_any, strides, pads, pads));
    TRY(describe(&pds[3], &bwd, c->engine, fpd, 0));
    const_dnnl_primitive_desc_t fspd = pds[1], bdpd = pds[2], bwpd = pds[3];
    TRY(make_primitive(&c->forward, fpd));
    TRY(make_primitive(&c->forward_sum, fspd));
    TRY(make_primitive(&c->backward_data, bdpd));
    TRY(make_primitive(&c->backward_weights, bwpd));

    TRY(port_create(&c->weights_in, c->engine, &w, f_w, 1));
    TRY(port_create(&c->direction_in, c->engine, &w, f_w, 1));
    TRY(port_create(&c->data_weights_in, c->engine, &w, query(bdpd, dnnl_query_weights_md), 1));
    // The layer-wide weights live in the ports' own buffers; with no reorder they are the caller's.
    c->weights = c->weights_in.inner;
    c->direction = c->direction_in.inner;
    c->data_weights = c->data_weights_in.inner;

    size_t scratch_size = 64;
    for (int i = 0; i < 4; i++) {
        size_t size = dnnl_memory_desc_get_size(query(pds[i], dnnl_query_scratchpad_md));
        if (size > scratch_size) scratch_size = size;
    }
    c->ports = calloc((size_t)c->threads, sizeof(thread_ports));
    if (!c->ports) return dnnl_out_of_memory;
    for (int t = 0; t < c->threads; t++) {
        thread_ports *p = &c->ports[t];
        TRY(dnnl_stream_create(&p->stream, c->engine, dnnl_stream_default_flags));
        TRY(port_create(&p->source, c->engine, &src, f_src, 1));
        TRY(port_create(&p->source_b, c->engine, &src, f_src, 1));
        TRY(port_create(&p->output, c->engine, &dst, f_dst, 0));
        TRY(port_create(&p->data_output_gradient, c->engine, &dst, query(bdpd, dnnl_query_diff_dst_md), 1));
        TRY(port_create(&p->input_gradient, c->engine, &src, query(bdpd, dnnl_query_diff_src_md), 0));
        TRY(port_create(&p->weights_input, c->engine, &src, query(bwpd, dnnl_query_src_md), 1));
        TRY(port_create(&p->weights_output_gradient, c->engine, &dst, query(bwpd, dnnl_query_diff_dst_md), 1));
        TRY(port_create(&p->weight_gradient, c->engine, &w, query(bwpd, dnnl_query_diff_weights_md), 0));
        TRY(dnnl_memory_create(&p->bias, &b, c->engine, DNNL_MEMORY_NONE));
        TRY(dnnl_memory_create(&p->zero_bias, &b, c->engine, DNNL_MEMORY_ALLOCATE));
        TRY(dnnl_memory_create(&p->bias_gradient, &b, c->engine, DNNL_MEMORY_NONE));
        p->scratch = aligned_alloc(64, (scratch_size + 63) / 64 * 64);
        if (!p->scratch) return dnnl_out_of_memory;
        TRY(dnnl_memory_create(&p->forward_scratch, query(fpd, dnnl_query_scratchpad_md), c->engine, p->scratch));
        TRY(dnnl_memory_create(&p->forward_sum_scratch, query(fspd, dnnl_query_scratchpad_md), c->engine, p->scratch));
        TRY(dnnl_memory_create(&p->backward_data_scratch, query(bdpd, dnnl_query_scratchpad_md), c->engine, p->scratch));
        TRY(dnnl_memory_create(&p->backward_weights_scratch, query(bwpd, dnnl_query_scratchpad_md), c->engine,
                               p->scratch));
        float *zeros;
        TRY(dnnl_memory_get_data_handle(p->zero_bias, (void **)&zeros));
        for (int i = 0; i < outputs; i++) zeros[i] = 0;
    }
    return dnnl_success;
}

/// The primitives on one algorithm, or NULL when oneDNN has not all of them for it.
static fdfa_conv *attempt(int channels, int height, int width, int outputs, int kernel, int stride, int padding,
                          int samples, int threads, dnnl_alg_kind_t algorithm) {
    fdfa_conv *c = calloc(1, sizeof(fdfa_conv));
    if (!c) return NULL;
    c->threads = threads;
    c->algorithm = algorithm;
    if (dnnl_engine_create(&c->engine, dnnl_cpu, 0) != dnnl_success
        || create(c, channels, height, width, outputs, kernel, stride, padding, samples) != dnnl_success) {
        fdfa_conv_destroy(c);
        return NULL;
    }
    for (int i = 0; i < 4; i++) {
        dnnl_primitive_desc_destroy(c->descriptions[i]);
        c->descriptions[i] = NULL;
    }
    return c;
}

fdfa_conv *fdfa_conv_create(int channels, int height, int width, int outputs, int kernel, int stride, int padding,
                            int samples, int threads) {
    single_threaded();
    // Winograd's F(4×4, 3×3) makes a 3×3 convolution of stride 1 in fewer multiplications (AlexNet's
    // last three, four samples a call: 1.5-1.9× faster than the direct kernels), rounding a little
    // differently. It transforms the weights on every call: with one sample a call it is slower.
    fdfa_conv *c = NULL;
    if (kernel == 3 && stride == 1)
        c = attempt(channels, height, width, outputs, kernel, stride, padding, samples, threads,
                    dnnl_convolution_winograd);
    if (!c)
        c = attempt(channels, height, width, outputs, kernel, stride, padding, samples, threads,
                    dnnl_convolution_direct);
    return c;
}

int fdfa_conv_is_winograd(const fdfa_conv *c) { return c->algorithm == dnnl_convolution_winograd; }

void fdfa_conv_destroy(fdfa_conv *c) {
    if (!c) return;
    if (c->ports) {
        for (int t = 0; t < c->threads; t++) {
            thread_ports *p = &c->ports[t];
            port *ports[] = {&p->source, &p->source_b, &p->output, &p->data_output_gradient, &p->input_gradient,
                             &p->weights_input, &p->weights_output_gradient, &p->weight_gradient};
            for (unsigned i = 0; i < sizeof ports / sizeof *ports; i++) port_destroy(ports[i]);
            dnnl_memory_t memories[] = {p->bias, p->zero_bias, p->bias_gradient, p->forward_scratch,
                                        p->forward_sum_scratch, p->backward_data_scratch, p->backward_weights_scratch};
            for (unsigned i = 0; i < sizeof memories / sizeof *memories; i++)
                if (memories[i]) dnnl_memory_destroy(memories[i]);
            free(p->scratch);
            if (p->stream) dnnl_stream_destroy(p->stream);
        }
        free(c->ports);
    }
    port_destroy(&c->weights_in);
    port_destroy(&c->direction_in);
    port_destroy(&c->data_weights_in);
    dnnl_primitive_t primitives[] = {c->forward, c->forward_sum, c->backward_data, c->backward_weights};
    for (unsigned i = 0; i < 4; i++) {
        if (primitives[i]) dnnl_primitive_destroy(primitives[i]);
        if (c->descriptions[i]) dnnl_primitive_desc_destroy(c->descriptions[i]);
    }
    if (c->engine) dnnl_engine_destroy(c->engine);
    free(c);
}

int fdfa_conv_set_weights(fdfa_conv *c, fdfa_conv_weights which, const float *weights) {
    single_threaded();
    dnnl_stream_t stream = c->ports[0].stream;
    if (which == FDFA_CONV_DIRECTION) return port_in(&c->direction_in, stream, weights);
    TRY(port_in(&c->weights_in, stream, weights));
    TRY(port_in(&c->data_weights_in, stream, weights));
    return dnnl_stream_wait(stream);
}

int fdfa_conv_forward(fdfa_conv *c, int thread, const float *a, fdfa_conv_weights a_uses, const float *b,
                      fdfa_conv_weights b_uses, const float *bias, float *y) {
    single_threaded();
    thread_ports *p = &c->ports[thread];
    dnnl_memory_t bias_memory = p->zero_bias;
    if (bias) {
        TRY(dnnl_memory_set_data_handle_v2(p->bias, (void *)bias, p->stream));
        bias_memory = p->bias;
    }
    TRY(dnnl_memory_set_data_handle_v2(p->output.plain, y, p->stream));
    TRY(port_in(&p->source, p->stream, a));
    dnnl_exec_arg_t first[] = {{DNNL_ARG_SRC, p->source.inner},
                               {DNNL_ARG_WEIGHTS, a_uses == FDFA_CONV_WEIGHTS ? c->weights : c->direction},
                               {DNNL_ARG_BIAS, bias_memory},
                               {DNNL_ARG_DST, p->output.inner},
                               {DNNL_ARG_SCRATCHPAD, p->forward_scratch}};
    TRY(dnnl_primitive_execute(c->forward, p->stream, 5, first));
    if (b) {
        TRY(port_in(&p->source_b, p->stream, b));
        dnnl_exec_arg_t second[] = {{DNNL_ARG_SRC, p->source_b.inner},
                                    {DNNL_ARG_WEIGHTS, b_uses == FDFA_CONV_WEIGHTS ? c->weights : c->direction},
                                    {DNNL_ARG_BIAS, p->zero_bias},
                                    {DNNL_ARG_DST, p->output.inner},
                                    {DNNL_ARG_SCRATCHPAD, p->forward_sum_scratch}};
        TRY(dnnl_primitive_execute(c->forward_sum, p->stream, 5, second));
    }
    TRY(port_out(&p->output, p->stream));
    return dnnl_stream_wait(p->stream);
}

int fdfa_conv_backward_data(fdfa_conv *c, int thread, const float *dy, float *dx) {
    single_threaded();
    thread_ports *p = &c->ports[thread];
    TRY(port_in(&p->data_output_gradient, p->stream, dy));
    TRY(dnnl_memory_set_data_handle_v2(p->input_gradient.plain, dx, p->stream));
    dnnl_exec_arg_t args[] = {{DNNL_ARG_DIFF_DST, p->data_output_gradient.inner},
                              {DNNL_ARG_WEIGHTS, c->data_weights},
                              {DNNL_ARG_DIFF_SRC, p->input_gradient.inner},
                              {DNNL_ARG_SCRATCHPAD, p->backward_data_scratch}};
    TRY(dnnl_primitive_execute(c->backward_data, p->stream, 4, args));
    TRY(port_out(&p->input_gradient, p->stream));
    return dnnl_stream_wait(p->stream);
}

int fdfa_conv_backward_weights(fdfa_conv *c, int thread, const float *x, const float *dy, float *dw, float *db) {
    single_threaded();
    thread_ports *p = &c->ports[thread];
    TRY(port_in(&p->weights_input, p->stream, x));
    TRY(port_in(&p->weights_output_gradient, p->stream, dy));
    TRY(dnnl_memory_set_data_handle_v2(p->weight_gradient.plain, dw, p->stream));
    TRY(dnnl_memory_set_data_handle_v2(p->bias_gradient, db, p->stream));
    dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, p->weights_input.inner},
                              {DNNL_ARG_DIFF_DST, p->weights_output_gradient.inner},
                              {DNNL_ARG_DIFF_WEIGHTS, p->weight_gradient.inner},
                              {DNNL_ARG_DIFF_BIAS, p->bias_gradient},
                              {DNNL_ARG_SCRATCHPAD, p->backward_weights_scratch}};
    TRY(dnnl_primitive_execute(c->backward_weights, p->stream, 5, args));
    TRY(port_out(&p->weight_gradient, p->stream));
    return dnnl_stream_wait(p->stream);
}
