#define _GNU_SOURCE
#include "CKernels.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

// A fork-join pool for fdfa's parallel loops and split GEMMs.
//
// Why not libdispatch: a training step is a chain of jobs of 20 µs to 1 ms with short serial gaps,
// and a worker woken through the kernel for each of them arrives late: on two cores dispatch's
// concurrentPerform gave a loop almost no speed-up. Here a worker spins for a short while after
// each job (a step's next job is usually microseconds away), then sleeps on a condition variable.
//
// Why parts are claimed, not assigned: on a busy machine (another process, a compiler) a worker
// may be descheduled. Every participant, the caller included, claims the next unclaimed part, so
// the caller never waits for a worker that has not started: it runs the remaining parts itself
// and waits only for parts that a running worker has claimed. Results never depend on which
// thread runs a part.
//
// Jobs come from one thread at a time: a job submitted while another runs, or from inside a part,
// runs all its parts inline on the caller.
//
// The claim word packs (job number << 32 | next part). A job's description is written while the
// word holds `closed` (nothing claimable) and published by storing (job, 0); a claim is a
// compare-and-swap from the exact word under which the description was read, so a worker that
// read a finished job's description can never claim a part of the next one.

enum { max_threads = 256 };
static const uint32_t closed = UINT32_MAX;
static const double spin_seconds = 0.0005;

static pthread_mutex_t submit_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;

static atomic_int configured;              // threads asked for (0: not yet set: the CPUs we may use)
static int running = 1;                    // 1 + the workers started (changed under submit_lock)
static pthread_t workers[max_threads];

static _Atomic uint64_t claim;             // job number << 32 | next part to claim
static _Atomic(fdfa_task) job_task;
static _Atomic(void *) job_context;
static atomic_long job_parts;
static atomic_long parts_done;
static atomic_int sleepers;                // workers waiting on `wake`
static atomic_int stopping;
static _Thread_local int inside_part;
static _Thread_local int thread_index;            // 0 outside the workers

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

static inline uint32_t job_of(uint64_t word) { return (uint32_t)(word >> 32); }
static inline uint32_t part_of(uint64_t word) { return (uint32_t)word; }

/// Claims and runs parts of the job published under `word` until none is left, or until the
/// word shows another job (or a closed one).
static void run_parts(uint64_t word) {
    for (;;) {
        if (part_of(word) == closed) return;
        fdfa_task task = atomic_load(&job_task);
        void *context = atomic_load(&job_context);
        long parts = atomic_load(&job_parts);
        if ((long)part_of(word) >= parts) return;
        if (!atomic_compare_exchange_weak(&claim, &word, word + 1)) {
            if (job_of(word) == job_of(atomic_load(&claim))) continue;   // lost a race: try the next part
            return;
        }
        inside_part = 1;
        task(context, (long)part_of(word), parts);
        inside_part = 0;
        atomic_fetch_add(&parts_done, 1);
        word = atomic_load(&claim);
    }
}

/// Waits until the claim word names a job after `seen`: spinning first, then asleep.
static uint64_t await_job(uint32_t seen) {
    double deadline = 0;
    for (unsigned spins = 0;; spins++) {
        uint64_t word = atomic_load(&claim);
        if (job_of(word) != seen || atomic_load(&stopping)) return word;
        if ((spins & 63) != 63) { relax(); continue; }
        double now = seconds();
        if (deadline == 0) deadline = now + spin_seconds;
        if (now < deadline) continue;
        pthread_mutex_lock(&sleep_lock);
        atomic_fetch_add(&sleepers, 1);
        while (job_of(word = atomic_load(&claim)) == seen && !atomic_load(&stopping))
            pthread_cond_wait(&wake, &sleep_lock);
        atomic_fetch_sub(&sleepers, 1);
        pthread_mutex_unlock(&sleep_lock);
        return word;
    }
}

static void *worker_main(void *index) {
    thread_index = (int)(intptr_t)index;
    // Ctrl-C is taken by the thread that installed its handler, on a stack of the handler's own
    // (Interrupt.swift): a signal frame pushed onto a worker's stack in the middle of one of
    // oneDNN's generated kernels overwrote data the kernel keeps below its stack pointer.
    sigset_t interrupt;
    sigemptyset(&interrupt);
    sigaddset(&interrupt, SIGINT);
    pthread_sigmask(SIG_BLOCK, &interrupt, NULL);
    uint32_t seen = job_of(atomic_load(&claim));
    for (;;) {
        uint64_t word = await_job(seen);
        // A closed word: the job is being described (a few stores); wait for it to open.
        while (part_of(word) == closed && !atomic_load(&stopping)) {
            relax();
            word = atomic_load(&claim);
        }
        if (atomic_load(&stopping)) return NULL;
        seen = job_of(word);
        run_parts(word);
    }
}

static void wake_sleepers(void) {
    if (atomic_load(&sleepers) == 0) return;
    pthread_mutex_lock(&sleep_lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&sleep_lock);
}

static int default_threads(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
    return 1;
}

int fdfa_pool_threads(void) {
    int n = atomic_load(&configured);
    if (n > 0) return n;
    int unset = 0;
    atomic_compare_exchange_strong(&configured, &unset, default_threads());
    return atomic_load(&configured);
}

int fdfa_pool_thread_index(void) { return thread_index; }

void fdfa_pool_set_threads(int threads) {
    if (threads < 1) threads = 1;
    if (threads > max_threads) threads = max_threads;
    atomic_store(&configured, threads);
}

/// Brings the workers in line with the configured count (with submit_lock held, no job running).
static void match_workers(void) {
    int wanted = fdfa_pool_threads();
    if (running == wanted) return;
    if (running > 1) {
        atomic_store(&stopping, 1);
        wake_sleepers();
        for (int i = 1; i < running; i++) pthread_join(workers[i], NULL);
        atomic_store(&stopping, 0);
    }
    running = 1;
    for (int i = 1; i < wanted; i++) {
        if (pthread_create(&workers[i], NULL, worker_main, (void *)(intptr_t)i) != 0) break;
        running++;
    }
}

void fdfa_pool_run(long parts, fdfa_task task, void *context) {
    if (parts <= 1 || inside_part || pthread_mutex_trylock(&submit_lock) != 0) {
        for (long p = 0; p < parts; p++) task(context, p, parts);
        return;
    }
    match_workers();
    // Close claims, describe the job, then open it under the next job number.
    uint32_t job = job_of(atomic_load(&claim)) + 1;
    atomic_store(&claim, (uint64_t)job << 32 | closed);
    atomic_store(&job_task, task);
    atomic_store(&job_context, context);
    atomic_store(&job_parts, parts);
    atomic_store(&parts_done, 0);
    uint64_t open = (uint64_t)job << 32;
    atomic_store(&claim, open);
    wake_sleepers();
    run_parts(open);
    // Only parts claimed by running workers can be outstanding now.
    for (unsigned spins = 0; atomic_load(&parts_done) < parts; spins++) {
        if ((spins & 255) == 255) sched_yield(); else relax();
    }
    pthread_mutex_unlock(&submit_lock);
}
