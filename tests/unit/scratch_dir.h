/* A fresh folder under /tmp for one test, removed with all it holds, and
 * ways to damage the files in it. */
#ifndef KILN_TEST_SCRATCH_DIR_H
#define KILN_TEST_SCRATCH_DIR_H

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCRATCH_TEMPLATE "/tmp/kiln-unit-XXXXXX"

static inline void scratch_dir_make(char dir[sizeof SCRATCH_TEMPLATE])
{
    memcpy(dir, SCRATCH_TEMPLATE, sizeof SCRATCH_TEMPLATE);
    cr_assert_not_null(mkdtemp(dir));
}

static inline int scratch_dir_remove_one(const char *path, const struct stat *st, int type,
                                         struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

static inline void scratch_dir_remove(const char *dir)
{
    nftw(dir, scratch_dir_remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* dir/name into path. */
static inline void scratch_path(char *path, size_t size, const char *dir, const char *name)
{
    cr_assert_lt((size_t)snprintf(path, size, "%s/%s", dir, name), size);
}

/* Changes the byte at offset of the file at path, as a disk error might. */
static inline void scratch_flip_byte(const char *path, off_t offset)
{
    FILE *f = fopen(path, "r+");
    cr_assert_not_null(f, "%s", path);
    fseeko(f, offset, SEEK_SET);
    int c = fgetc(f);
    fseeko(f, offset, SEEK_SET);
    fputc(c ^ 1, f);
    fclose(f);
}

#endif
