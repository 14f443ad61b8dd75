#ifndef LIFEBOAT_CSYSTEM_SHIM_H
#define LIFEBOAT_CSYSTEM_SHIM_H
#include <sys/types.h>

/// glibc calls that Swift's Glibc module hides behind _GNU_SOURCE or cannot call (prctl is variadic,
/// and there is no <sys/xattr.h>). Declared here as glibc declares them rather than by defining
/// _GNU_SOURCE: that would give the system headers included here other definitions (fd_set) than
/// the ones every other module sees, and the modules would no longer merge.
extern int pipe2(int fds[2], int flags);
extern int syncfs(int fd);
extern int prctl(int option, ...);
extern ssize_t llistxattr(const char *path, char *list, size_t size);
extern ssize_t flistxattr(int fd, char *list, size_t size);
extern ssize_t lgetxattr(const char *path, const char *name, void *value, size_t size);
extern ssize_t fgetxattr(int fd, const char *name, void *value, size_t size);
extern int lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags);
extern int fsetxattr(int fd, const char *name, const void *value, size_t size, int flags);

extern long syscall(long number, ...);

static inline int lifeboat_pipe2(int fds[2], int flags) { return pipe2(fds, flags); }
/// ioprio_set(2) and ioprio_get(2), which glibc does not wrap (x86_64 and aarch64 numbers).
#if defined(__x86_64__)
#define LIFEBOAT_SYS_IOPRIO_SET 251
#define LIFEBOAT_SYS_IOPRIO_GET 252
#elif defined(__aarch64__)
#define LIFEBOAT_SYS_IOPRIO_SET 30
#define LIFEBOAT_SYS_IOPRIO_GET 31
#endif
static inline int lifeboat_ioprio_set(int which, int who, int ioprio) {
    return (int)syscall(LIFEBOAT_SYS_IOPRIO_SET, which, who, ioprio);
}
static inline int lifeboat_ioprio_get(int which, int who) { return (int)syscall(LIFEBOAT_SYS_IOPRIO_GET, which, who); }
static inline int lifeboat_syncfs(int fd) { return syncfs(fd); }
/// prctl with the fixed four arguments every option takes (Swift cannot call a variadic C function).
static inline int lifeboat_prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4,
                                 unsigned long a5) {
    return prctl(option, a2, a3, a4, a5);
}
static inline ssize_t lifeboat_llistxattr(const char *path, char *list, size_t size) {
    return llistxattr(path, list, size);
}
static inline ssize_t lifeboat_flistxattr(int fd, char *list, size_t size) { return flistxattr(fd, list, size); }
static inline ssize_t lifeboat_lgetxattr(const char *path, const char *name, void *value, size_t size) {
    return lgetxattr(path, name, value, size);
}
static inline ssize_t lifeboat_fgetxattr(int fd, const char *name, void *value, size_t size) {
    return fgetxattr(fd, name, value, size);
}
static inline int lifeboat_lsetxattr(const char *path, const char *name, const void *value, size_t size,
                                     int flags) {
    return lsetxattr(path, name, value, size, flags);
}
static inline int lifeboat_fsetxattr(int fd, const char *name, const void *value, size_t size, int flags) {
    return fsetxattr(fd, name, value, size, flags);
}
#endif
