// A 2-d convolution on oneDNN's convolution primitives (forward, backward-data, backward-weights),
// a fixed number of consecutive samples per call on the calling thread, for Layers/Conv2d.swift.
// fdfa keeps its tensors in the plain layouts (samples NCHW, weights OIHW); oneDNN's fastest
// kernels want blocked layouts (16 channels side by side), so each operand is reordered to and
// from the primitive's layout where the two differ. Everything (primitives, blocked buffers, streams) is made once by
// `fdfa_conv_create`; the calls below allocate nothing.
#ifndef FDFA_CCONVOLUTION_H
#define FDFA_CCONVOLUTION_H

typedef struct fdfa_conv fdfa_conv;

/// The weights a forward call multiplies with: the layer's own, or a direction given for them.
typedef enum { FDFA_CONV_WEIGHTS = 0, FDFA_CONV_DIRECTION = 1 } fdfa_conv_weights;

/// The primitives for one convolution (input channels × height × width, `outputs` channels, a
/// kernel × kernel window moved by `stride` over the input padded by `padding`), each call on
/// `samples` consecutive samples (NCHW), usable from `threads` threads at once, each with its own
/// index. NULL when oneDNN cannot make them.
fdfa_conv *fdfa_conv_create(int channels, int height, int width, int outputs, int kernel, int stride, int padding,
                            int samples, int threads);
void fdfa_conv_destroy(fdfa_conv *conv);

/// Whether the primitives run Winograd's algorithm (3×3 kernels of stride 1, where oneDNN has it for
/// the CPU and the channel counts) rather than the direct one.
int fdfa_conv_is_winograd(const fdfa_conv *conv);

/// Copies weights (OIHW) into the primitives' layouts: `FDFA_CONV_WEIGHTS` for the forward and
/// backward-data primitives, `FDFA_CONV_DIRECTION` for the forward's second term. Call it before
/// the threads use them. Returns a dnnl_status_t (0 on success), as do the calls below.
int fdfa_conv_set_weights(fdfa_conv *conv, fdfa_conv_weights which, const float *weights);

/// y = conv(a, weights a_uses) [+ conv(b, weights b_uses) when b] + bias (zero when NULL), for the
/// call's samples (as are the calls below).
int fdfa_conv_forward(fdfa_conv *conv, int thread, const float *a, fdfa_conv_weights a_uses, const float *b,
                      fdfa_conv_weights b_uses, const float *bias, float *y);

/// dx = the input gradient of the output gradient dy (the transposed convolution).
int fdfa_conv_backward_data(fdfa_conv *conv, int thread, const float *dy, float *dx);

/// dw (OIHW) and db = the weight and bias gradients summed over the call's samples, from their inputs
/// x and output gradients dy (overwritten).
int fdfa_conv_backward_weights(fdfa_conv *conv, int thread, const float *x, const float *dy, float *dw, float *db);

#endif
