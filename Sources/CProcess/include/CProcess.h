// Starting a child process that dies with its parent: `fdfa sweep` runs each training as a child
// `fdfa train`, and a sweep killed outright (SIGKILL, the OOM killer) must not leave a training
// running unseen beside the next sweep that resumes it.
#ifndef FDFA_CPROCESS_H
#define FDFA_CPROCESS_H

#include <sys/types.h>

/// Starts `path` with `argv` (NULL-terminated) in the working directory, its standard output and
/// error going to `output_fd`, its standard input from /dev/null, and set to receive SIGKILL when
/// the calling process dies (PR_SET_PDEATHSIG). Returns the child's pid, or -1 with errno set.
pid_t fdfa_spawn_bound_to_parent(const char *path, char *const argv[], int output_fd);

#endif
