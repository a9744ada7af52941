/*
 * The volume hypercalls rung directly (kiln/abi.h), for the guests that
 * test them: each returns the call's result, a value or -errno, and
 * errname() names an errno the way the tests expect it.
 */
#ifndef KILN_TEST_VOLUME_CALLS_H
#define KILN_TEST_VOLUME_CALLS_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <kiln/abi.h>

#define GPA(p) ((uint32_t)(uintptr_t)(p))

static inline int64_t v_open_len(uint32_t volume, const char *path, uint64_t len, uint32_t flags,
                                 uint32_t mode)
{
    struct kiln_hc_open call = {
        .volume = volume, .flags = flags, .mode = mode, .path = (uintptr_t)path, .path_len = len};
    kiln_hypercall(KILN_HC_OPEN, GPA(&call));
    return call.result;
}

static inline int64_t v_open(uint32_t volume, const char *path, uint32_t flags, uint32_t mode)
{
    return v_open_len(volume, path, strlen(path), flags, mode);
}

static inline int64_t v_close(int64_t handle)
{
    struct kiln_hc_close call = {.handle = (uint32_t)handle};
    kiln_hypercall(KILN_HC_CLOSE, GPA(&call));
    return call.result;
}

static inline int64_t v_io(uint32_t nr, int64_t handle, void *buf, uint64_t len, uint64_t offset)
{
    struct kiln_hc_file_io call = {
        .handle = (uint32_t)handle, .buf = (uintptr_t)buf, .len = len, .offset = offset};
    kiln_hypercall(nr, GPA(&call));
    return call.result;
}

static inline int64_t v_stat(uint32_t volume, const char *path, uint32_t flags,
                             struct kiln_stat *st)
{
    struct kiln_hc_stat call = {.volume = volume,
                                .handle = volume,
                                .flags = flags,
                                .path = (uintptr_t)path,
                                .path_len = path ? strlen(path) : 0,
                                .stat = (uintptr_t)st};
    kiln_hypercall(KILN_HC_STAT, GPA(&call));
    return call.result;
}

static inline int64_t v_dirents(int64_t handle, void *buf, uint64_t len)
{
    struct kiln_hc_dirents call = {.handle = (uint32_t)handle, .buf = (uintptr_t)buf, .len = len};
    kiln_hypercall(KILN_HC_DIRENTS, GPA(&call));
    return call.result;
}

static inline int64_t v_file(int64_t handle, uint32_t op, uint64_t arg)
{
    struct kiln_hc_file call = {.handle = (uint32_t)handle, .op = op, .arg = arg};
    kiln_hypercall(KILN_HC_FILE, GPA(&call));
    return call.result;
}

/* PATH with path2 a string (or, for READLINK, a buffer of path2_len). */
static inline int64_t v_path(uint32_t op, uint32_t volume, const char *path, const char *path2,
                             uint64_t path2_len, uint32_t mode, uint32_t flags)
{
    struct kiln_hc_path call = {.op = op,
                                .volume = volume,
                                .mode = mode,
                                .flags = flags,
                                .path = (uintptr_t)path,
                                .path_len = strlen(path),
                                .path2 = (uintptr_t)path2,
                                .path2_len = path2_len,
                                .arg = {KILN_TIME_NOW, KILN_TIME_NOW}};
    kiln_hypercall(KILN_HC_PATH, GPA(&call));
    return call.result;
}

static inline int64_t v_op(uint32_t op, const char *path)
{
    return v_path(op, 0, path, NULL, 0, 0755, 0);
}

static inline int64_t v_op2(uint32_t op, const char *path, const char *path2)
{
    return v_path(op, 0, path, path2, strlen(path2), 0, 0);
}

static inline const char *errname(int64_t result)
{
    static const struct {
        int errno_value;
        const char *name;
    } names[] = {
        {ENOENT, "ENOENT"},
        {EEXIST, "EEXIST"},
        {ENOTDIR, "ENOTDIR"},
        {EISDIR, "EISDIR"},
        {EINVAL, "EINVAL"},
        {EMFILE, "EMFILE"},
        {ENAMETOOLONG, "ENAMETOOLONG"},
        {ELOOP, "ELOOP"},
        {EROFS, "EROFS"},
        {EBUSY, "EBUSY"},
        {ENOTEMPTY, "ENOTEMPTY"},
        {EBADF, "EBADF"},
        {EOPNOTSUPP, "EOPNOTSUPP"},
        {ENODEV, "ENODEV"},
        {EACCES, "EACCES"},
        {EXDEV, "EXDEV"},
    };
    static char other[32];
    if (result >= 0)
        return "ok";
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].errno_value == -result)
            return names[i].name;
    snprintf(other, sizeof other, "errno %lld", (long long)-result);
    return other;
}

#endif
