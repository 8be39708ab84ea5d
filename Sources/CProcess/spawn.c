#include "CProcess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

pid_t fdfa_spawn_bound_to_parent(const char *path, char *const argv[], int output_fd) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) return pid;  // the parent (or -1: fork failed)
    // In the child of a multithreaded process: async-signal-safe calls only until execv.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) _exit(127);
    if (getppid() != parent) _exit(137);  // the parent died before prctl took effect
    int input = open("/dev/null", O_RDONLY);
    if (input < 0 || dup2(input, 0) < 0 || dup2(output_fd, 1) < 0 || dup2(output_fd, 2) < 0) _exit(127);
    execv(path, argv);
    _exit(127);
}
