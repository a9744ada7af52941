#include "layer_fixture.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/fs_file.h"
#include "runtime/fs_names.h"

#define PAGE              4096u
#define PAGES_UNLIMITED   (1ull << 20)
#define READ_BUFFER_BYTES (1u << 16)

static uint64_t pages_left = PAGES_UNLIMITED;
static int64_t clock_now = 1;

void *kiln_pages_alloc(uint64_t len)
{
    if (len / PAGE > pages_left)
        return NULL;
    pages_left -= len / PAGE;
    void *pages = aligned_alloc(PAGE, len);
    cr_assert_not_null(pages);
    return memset(pages, 0, len);
}

/* Every reading is later than the last. */
int64_t kiln_clock_realtime_ns(void)
{
    return clock_now++;
}

void layer_page_limit(uint64_t pages)
{
    pages_left = pages;
}

void layer_start(struct fs *fs, struct files_fixture *files)
{
    const void *blob = NULL;
    uint64_t size = 0;

    if (files) {
        cr_assert_eq(files_blob_write(&files->tree, &files->blob), 0);
        blob = files->blob.bytes;
        size = files->blob.size;
    }
    cr_assert_eq(fs_init(fs, blob, size), 0);
}

int layer_walk(struct fs *fs, const char *path, unsigned flags, struct fs_place *place)
{
    return fs_walk(fs, &fs->cwd, path, (uint32_t)strlen(path), flags, place);
}

struct fs_node *layer_node(struct fs *fs, const char *path)
{
    static struct fs_place place;
    return layer_walk(fs, path, 0, &place) == 0 ? place.node : NULL;
}

const char *layer_read(struct fs *fs, struct fs_node *node)
{
    static char text[READ_BUFFER_BYTES];
    uint64_t got = fs_file_read(fs, node, text, sizeof text - 1, 0);
    text[got] = '\0';
    return text;
}

struct fs_node *layer_put(struct fs *fs, const char *path, const char *text)
{
    static struct fs_place place;
    struct fs_node *made;

    cr_assert_eq(layer_walk(fs, path, FS_WALK_LAST, &place), 0, "%s", path);
    cr_assert_eq(fs_make(fs, &place, S_IFREG | 0644, NULL, 0, &made), 0, "%s", path);
    cr_assert_eq(fs_file_write(fs, made, text, strlen(text), 0), (int64_t)strlen(text));
    return made;
}
