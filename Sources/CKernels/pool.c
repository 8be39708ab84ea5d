#define _GNU_SOURCE
#include "CKernels.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

// A fork-join pool for fdfa's parallel loops and split GEMMs: the calling thread runs part 0 and
// threads-1 workers run parts 1, 2, ...
//
// Why not libdispatch: a training step is a chain of jobs of 50 µs to 1 ms with short serial gaps,
// and a worker that must be woken through the kernel for each of them arrives late: on two cores
// dispatch's concurrentPerform gave a loop almost no speed-up. Here a worker spins for a while
// after each job (a step's next job is usually microseconds away), then sleeps on a condition
// variable so that an idle REPL costs nothing.
//
// Jobs come from one thread at a time: a job submitted while another runs, or from inside a task,
// runs all its parts inline on the caller. Results never depend on which thread runs a part.

enum { max_threads = 256 };
static const double spin_seconds = 0.002;

static pthread_mutex_t submit_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;

static atomic_int configured;           // threads asked for (0: not yet set, use the CPUs we may run on)
static int running;                     // threads the current workers serve (1 + workers)
static pthread_t workers[max_threads];

static atomic_ulong generation;         // bumped once per job (and once to stop the workers)
static unsigned long first_generation;  // the generation when the current workers were started
static atomic_int acknowledged;         // workers that have finished the current job
static atomic_int sleepers;             // workers waiting on `wake`
static atomic_int stopping;
static fdfa_task job_task;
static void *job_context;
static long job_parts;
static _Thread_local int inside_task;

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/// Waits until `generation` moves past `seen`: spinning first, then asleep.
static unsigned long await_job(unsigned long seen) {
    double deadline = 0;
    for (unsigned spins = 0;; spins++) {
        unsigned long g = atomic_load(&generation);
        if (g != seen) return g;
        if ((spins & 255) != 255) { relax(); continue; }
        double now = seconds();
        if (deadline == 0) deadline = now + spin_seconds;
        if (now < deadline) continue;
        pthread_mutex_lock(&sleep_lock);
        atomic_fetch_add(&sleepers, 1);
        while ((g = atomic_load(&generation)) == seen) pthread_cond_wait(&wake, &sleep_lock);
        atomic_fetch_sub(&sleepers, 1);
        pthread_mutex_unlock(&sleep_lock);
        return g;
    }
}

static void *worker_main(void *arg) {
    long index = (long)arg;
    unsigned long seen = first_generation;   // not the current value: the first job may be out already
    inside_task = 1;   // a worker's own parallel loops run inline
    for (;;) {
        seen = await_job(seen);
        if (atomic_load(&stopping)) return NULL;
        if (index < job_parts) job_task(job_context, index, job_parts);
        atomic_fetch_add(&acknowledged, 1);
    }
}

static void publish(void) {
    atomic_fetch_add(&generation, 1);
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&sleep_lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&sleep_lock);
    }
}

static int default_threads(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set) > 0 ? CPU_COUNT(&set) : 1;
    return 1;
}

static void stop_workers(void) {
    if (running <= 1) { running = 1; return; }
    atomic_store(&stopping, 1);
    publish();
    for (int i = 1; i < running; i++) pthread_join(workers[i], NULL);
    atomic_store(&stopping, 0);
    running = 1;
}

/// Brings the workers in line with `configured` (called with submit_lock held).
static void start_workers(void) {
    int wanted = fdfa_pool_threads();
    if (running == wanted) return;
    stop_workers();
    first_generation = atomic_load(&generation);
    int started = 1;
    for (long i = 1; i < wanted; i++) {
        if (pthread_create(&workers[i], NULL, worker_main, (void *)i) != 0) break;
        started++;
    }
    running = started;
}

int fdfa_pool_threads(void) {
    int n = atomic_load(&configured);
    if (n > 0) return n;
    int zero = 0;
    atomic_compare_exchange_strong(&configured, &zero, default_threads());
    return atomic_load(&configured);
}

void fdfa_pool_set_threads(int threads) {
    if (threads < 1) threads = 1;
    if (threads > max_threads) threads = max_threads;
    atomic_store(&configured, threads);
}

static void run_inline(long parts, fdfa_task task, void *context) {
    for (long p = 0; p < parts; p++) task(context, p, parts);
}

void fdfa_pool_run(long parts, fdfa_task task, void *context) {
    if (parts <= 1 || inside_task || pthread_mutex_trylock(&submit_lock) != 0) {
        run_inline(parts, task, context);
        return;
    }
    start_workers();
    if (parts > running) {
        pthread_mutex_unlock(&submit_lock);
        run_inline(parts, task, context);
        return;
    }
    job_task = task;
    job_context = context;
    job_parts = parts;
    atomic_store(&acknowledged, 0);
    publish();
    inside_task = 1;
    task(context, 0, parts);
    inside_task = 0;
    int workers_count = running - 1;
    for (unsigned spins = 0; atomic_load(&acknowledged) < workers_count; spins++) {
        if ((spins & 1023) == 1023) sched_yield(); else relax();
    }
    pthread_mutex_unlock(&submit_lock);
}
