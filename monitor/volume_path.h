/*
 * Paths beneath a volume's host folder, whatever the guest's ".." and
 * symlinks say: every lookup is openat2() with RESOLVE_IN_ROOT from the
 * folder, where "/" and ".." stop at the folder and a symlink's absolute
 * target starts there.  An operation on a name (mkdir, unlink, rename...)
 * resolves the name's parent folder so, then acts with the *at() call on
 * the last component alone, which the kernel does not follow: a symlink
 * the host swaps mid-run never leads outside.  No guest memory here:
 * volume_calls.c copies paths out of it.
 */
#ifndef KILN_VOLUME_PATH_H
#define KILN_VOLUME_PATH_H

#include <stdbool.h>
#include <stdint.h>

#include <kiln/abi.h>

/* Copies a guest path of len bytes (no NUL needed) into path, with a NUL:
 * 0, -ENAMETOOLONG past KILN_PATH_MAX - 1 bytes, or -EINVAL when a NUL
 * lies inside.  An empty path names the volume's folder. */
int volume_path_copy(char path[KILN_PATH_MAX], const uint8_t *bytes, uint64_t len);

enum volume_name_kind {
    VOLUME_NAME_PLAIN,
    VOLUME_NAME_DOT,    /* "." */
    VOLUME_NAME_DOTDOT, /* ".." */
    VOLUME_NAME_ROOT,   /* "" or "/": the volume's folder, the guest's mount point */
};

/* A path as a parent folder and a last component. */
struct volume_name {
    const char *parent; /* "." or "/" (both the volume's folder) when the path has none */
    const char *name;   /* the last component, with any trailing slashes */
    enum volume_name_kind kind;
    bool trailing_slash; /* the path must name a folder, which makes Linux follow */
};

/* Splits path, which it cuts in place, into its parent and last name. */
void volume_path_split(char *path, struct volume_name *split);

/* Where an operation that follows a last symlink or not (stat, utimens,
 * readlink) acts: with nofollow, on a plain last name in its parent
 * folder (*name points into path); else, and for ".", ".." or a trailing
 * slash, which make Linux follow, on what the whole path resolves to
 * (*name is "", for AT_EMPTY_PATH).  Returns an O_PATH descriptor, or
 * -errno. */
int volume_resolve_last(int root, const char *path, bool nofollow, const char **name);

/* The host's open flags for the guest's flags (Linux x86-64's): 0, or
 * -EINVAL (unknown or invalid flags), -EOPNOTSUPP (O_PATH, O_TMPFILE),
 * -EROFS (writing, creating or truncating in a read-only volume).  The
 * host descriptor never has O_APPEND: PWRITE writes at its offset
 * (kiln/abi.h). */
int volume_open_flags(uint32_t guest_flags, bool read_only, uint64_t *host_flags);

/* A mode the guest gives: permission bits, without setuid and setgid,
 * which a guest has no business setting on a host file. */
uint32_t volume_mode(uint32_t mode);

/* openat2() of path beneath root with flags (O_CLOEXEC added) and mode:
 * a descriptor, or -errno. */
int volume_resolve(int root, const char *path, uint64_t flags, uint32_t mode);

#endif
