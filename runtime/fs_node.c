#define _GNU_SOURCE
#include "fs_node.h"
#include "bytes.h"
#include "clock.h"
#include "fs_file.h"
#include "fs_folder.h"
#include "fs_walk.h"
#include <errno.h>
#include <sys/stat.h>

#define STAT_BLOCK_SIZE   512
#define FOLDER_SIZE       4096 /* what ext4 and most tools show for a folder */
#define ROOT_FOLDER_MODE  (S_IFDIR | 0755)
#define FOLDER_SELF_LINKS 2 /* its name and its "." */

/* A root that is not a folder is no tree at all. */
int fs_init(struct fs *fs, const void *blob, uint64_t len)
{
    bytes_zero(fs, sizeof *fs);
    if (embedded_open(&fs->tree, blob, len) && !S_ISDIR(fs->tree.entries[0].mode))
        bytes_zero(&fs->tree, sizeof fs->tree);
    fs->next_ino = (uint64_t)fs->tree.count + 1;
    fs->root_volume = FS_NO_VOLUME;
    if (fs->tree.count > 0) {
        fs->root = fs_node_of_entry(fs, 0, NULL);
    } else {
        fs->root = fs_node_new(fs, ROOT_FOLDER_MODE);
        if (fs->root)
            fs->root->nlink = FOLDER_SELF_LINKS;
    }
    if (!fs->root)
        return -ENOMEM;
    fs->root->parent = fs->root;
    fs_node_hold(fs->root);
    fs->cwd = (struct fs_where){.dir = fs->root, .volume = FS_NO_VOLUME};
    return 0;
}

static void leave_cwd(struct fs *fs)
{
    if (fs->cwd.dir)
        fs_node_release(fs, fs->cwd.dir);
    fs_free(&fs->heap, (char *)fs->cwd.path, KILN_PATH_MAX);
}

void fs_set_cwd_dir(struct fs *fs, struct fs_node *dir)
{
    fs_node_hold(dir);
    leave_cwd(fs);
    fs->cwd = (struct fs_where){.dir = dir, .volume = FS_NO_VOLUME};
}

int fs_set_cwd_volume(struct fs *fs, int32_t volume, const char *path, uint32_t path_len)
{
    char *copy = fs_alloc(&fs->heap, KILN_PATH_MAX);

    if (!copy)
        return -ENOMEM;
    bytes_copy(copy, path, path_len);
    uint32_t len = fs_path_normalize(copy, path_len);
    leave_cwd(fs);
    fs->cwd = (struct fs_where){.volume = volume, .path = copy, .path_len = len};
    return 0;
}

struct fs_node *fs_node_new(struct fs *fs, uint32_t mode)
{
    struct fs_node *node = fs_alloc(&fs->heap, sizeof *node);

    if (!node)
        return NULL;
    int64_t now = kiln_clock_realtime_ns();
    node->mode = mode;
    node->entry = FS_NO_ENTRY;
    node->ino = fs->next_ino++;
    node->atime_ns = node->mtime_ns = node->ctime_ns = now;
    node->in_memory = true;
    return node;
}

/* Hard links are entries that share an ino: they share the node too.  An
 * ino out of range (a malformed blob) gives the entry a node of its own. */
uint64_t fs_entry_ino(const struct fs *fs, uint32_t entry)
{
    uint32_t ino = fs->tree.entries[entry].ino;
    return ino >= 1 && ino <= fs->tree.count ? ino : (uint64_t)entry + 1;
}

struct fs_node *fs_node_of_entry(struct fs *fs, uint32_t entry, struct fs_node *parent)
{
    const struct kiln_files_entry *e = embedded_entry(&fs->tree, entry);

    if (!e)
        return NULL;
    if (!fs->entry_nodes) {
        fs->entry_nodes = fs_alloc(&fs->heap, (size_t)fs->tree.count * sizeof *fs->entry_nodes);
        if (!fs->entry_nodes)
            return NULL;
    }
    uint64_t slot = fs_entry_ino(fs, entry) - 1;
    if (fs->entry_nodes[slot])
        return fs->entry_nodes[slot];
    struct fs_node *node = fs_alloc(&fs->heap, sizeof *node);
    if (!node)
        return NULL;
    node->mode = e->mode;
    node->nlink = e->nlink;
    node->entry = entry;
    node->ino = slot + 1;
    node->size = S_ISREG(e->mode) || S_ISLNK(e->mode) ? e->size : 0;
    node->parent = parent ? parent : node;
    fs->entry_nodes[slot] = node;
    return node;
}

void fs_node_hold(struct fs_node *node)
{
    node->refs++;
}

/* An embedded entry's node stays in the table (empty) so that the table
 * never points at freed memory. */
static void free_if_unused(struct fs *fs, struct fs_node *node)
{
    if (node->nlink > 0 || node->refs > 0)
        return;
    if (node->in_memory) {
        if (S_ISREG(node->mode))
            fs_file_free(fs, node);
        else if (S_ISDIR(node->mode))
            fs_folder_free(fs, node);
        else if (S_ISLNK(node->mode))
            fs_free(&fs->heap, node->target, node->size);
        node->in_memory = false;
    }
    if (node->entry == FS_NO_ENTRY)
        fs_free(&fs->heap, node, sizeof *node);
}

void fs_node_release(struct fs *fs, struct fs_node *node)
{
    node->refs--;
    free_if_unused(fs, node);
}

void fs_node_unlinked(struct fs *fs, struct fs_node *node)
{
    fs_node_changed(node);
    free_if_unused(fs, node);
}

const char *fs_node_target(const struct fs *fs, const struct fs_node *node)
{
    return node->in_memory ? node->target : embedded_data(&fs->tree, node->entry);
}

static uint64_t blocks_of(const struct fs_node *node)
{
    if (S_ISREG(node->mode) && node->in_memory)
        return node->data.pages_used * (FS_PAGE_SIZE / STAT_BLOCK_SIZE);
    if (S_ISDIR(node->mode))
        return FOLDER_SIZE / STAT_BLOCK_SIZE;
    return (node->size + STAT_BLOCK_SIZE - 1) / STAT_BLOCK_SIZE;
}

void fs_node_stat(const struct fs_node *node, struct fs_stat *st)
{
    *st = (struct fs_stat){
        .dev = FS_DEVICE_ID,
        .ino = node->ino,
        .nlink = node->nlink,
        .size = S_ISDIR(node->mode) ? FOLDER_SIZE : node->size,
        .blocks = blocks_of(node),
        .rdev = node->rdev,
        .mode = node->mode,
        .blksize = FS_PAGE_SIZE,
        .atime_ns = node->atime_ns,
        .mtime_ns = node->mtime_ns,
        .ctime_ns = node->ctime_ns,
    };
}

void fs_node_modified(struct fs_node *node)
{
    node->mtime_ns = node->ctime_ns = kiln_clock_realtime_ns();
}

void fs_node_changed(struct fs_node *node)
{
    node->ctime_ns = kiln_clock_realtime_ns();
}
