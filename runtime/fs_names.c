#define _GNU_SOURCE
#include "fs_names.h"
#include "bytes.h"
#include "fs_folder.h"
#include <errno.h>
#include <sys/stat.h>

#define FOLDER_SELF_LINKS 2 /* its name and its "." */

/* A name about to be made: "." and ".." exist already, and a trailing
 * slash only names a folder. */
static int check_new_name(const struct fs_place *place, bool folder)
{
    if (place->node)
        return -EEXIST;
    if (place->trailing_slash && !folder)
        return -ENOENT;
    return place->dir->nlink == 0 ? -ENOENT : 0;
}

/* A folder moved from one folder to another takes its ".." along. */
static void moved(struct fs_node *node, struct fs_node *from, struct fs_node *to)
{
    if (!S_ISDIR(node->mode) || from == to)
        return;
    node->parent = to;
    from->nlink--;
    to->nlink++;
}

static struct fs_node *new_node(struct fs *fs, uint32_t mode, const char *target,
                                uint32_t target_len)
{
    struct fs_node *node = fs_node_new(fs, mode);

    if (!node || !S_ISLNK(mode))
        return node;
    node->target = fs_alloc(&fs->heap, target_len);
    if (!node->target) {
        fs_node_unlinked(fs, node);
        return NULL;
    }
    bytes_copy(node->target, target, target_len);
    node->size = target_len;
    return node;
}

int fs_make(struct fs *fs, const struct fs_place *place, uint32_t mode, const char *target,
            uint32_t target_len, struct fs_node **made)
{
    struct fs_node *dir = place->dir;
    bool folder = S_ISDIR(mode);
    int err = check_new_name(place, folder);

    if (err)
        return err;
    struct fs_node *node = new_node(fs, mode, target, target_len);
    if (!node)
        return -ENOSPC;
    err = fs_folder_add(fs, dir, place->name, place->name_len, node);
    if (err) {
        fs_node_unlinked(fs, node);
        return err;
    }
    node->nlink = folder ? FOLDER_SELF_LINKS : 1;
    if (folder) {
        node->parent = dir;
        dir->nlink++;
    }
    fs_node_modified(dir);
    *made = node;
    return 0;
}

int fs_link(struct fs *fs, struct fs_node *node, const struct fs_place *to)
{
    if (S_ISDIR(node->mode))
        return -EPERM;
    int err = check_new_name(to, false);
    if (!err)
        err = fs_folder_add(fs, to->dir, to->name, to->name_len, node);
    if (err)
        return err;
    node->nlink++;
    fs_node_changed(node);
    fs_node_modified(to->dir);
    return 0;
}

/* The link counts when node loses its name in dir: a folder has one name
 * and is its parent's ".." no more. */
static void lose_name(struct fs *fs, struct fs_node *dir, struct fs_node *node)
{
    if (S_ISDIR(node->mode)) {
        node->nlink = 0;
        dir->nlink--;
    } else {
        node->nlink--;
    }
    fs_node_modified(dir);
    fs_node_unlinked(fs, node);
}

/* The name goes; the node lives on while it has another or is held. */
static int remove_name(struct fs *fs, const struct fs_place *place)
{
    int err = fs_folder_copy_up(fs, place->dir);

    if (err)
        return err;
    fs_folder_remove(fs, place->dir, place->name, place->name_len);
    lose_name(fs, place->dir, place->node);
    return 0;
}

int fs_unlink(struct fs *fs, const struct fs_place *place)
{
    if (!place->node)
        return -ENOENT;
    if (place->last != FS_LAST_NAME || S_ISDIR(place->node->mode))
        return -EISDIR;
    if (place->trailing_slash)
        return -ENOTDIR;
    return remove_name(fs, place);
}

int fs_rmdir(struct fs *fs, const struct fs_place *place)
{
    const struct fs_node *node = place->node;

    if (!node)
        return -ENOENT;
    if (place->last == FS_LAST_DOT)
        return -EINVAL;
    if (place->last == FS_LAST_DOTDOT)
        return -ENOTEMPTY;
    if (place->last == FS_LAST_ROOT || node->volume || node->opaque)
        return -EBUSY;
    if (!S_ISDIR(node->mode))
        return -ENOTDIR;
    if (fs_folder_count(fs, node) > 0)
        return -ENOTEMPTY;
    return remove_name(fs, place);
}

/* Is node the folder dir or one of its ancestors? */
static bool holds(const struct fs_node *node, const struct fs_node *dir)
{
    for (;; dir = dir->parent) {
        if (dir == node)
            return true;
        if (dir->parent == dir)
            return false;
    }
}

/* Linux's refusals, in Linux's order (fs/namei.c, do_renameat2). */
static int check_rename(const struct fs *fs, const struct fs_place *from, const struct fs_place *to,
                        unsigned flags)
{
    const struct fs_node *node = from->node, *over = to->node;
    bool folder = node && S_ISDIR(node->mode);

    if (from->last != FS_LAST_NAME)
        return -EBUSY;
    if (to->last != FS_LAST_NAME)
        return flags & FS_RENAME_NOREPLACE ? -EEXIST : -EBUSY;
    if (!node || (!over && to->dir->nlink == 0))
        return -ENOENT;
    if ((flags & FS_RENAME_NOREPLACE) && over)
        return -EEXIST;
    if ((flags & FS_RENAME_EXCHANGE) && !over)
        return -ENOENT;
    if ((flags & FS_RENAME_EXCHANGE) && !S_ISDIR(over->mode) && to->trailing_slash)
        return -ENOTDIR;
    if (!folder && (from->trailing_slash || (!(flags & FS_RENAME_EXCHANGE) && to->trailing_slash)))
        return -ENOTDIR;
    if (holds(node, to->dir))
        return -EINVAL;
    if (over && holds(over, from->dir))
        return flags & FS_RENAME_EXCHANGE ? -EINVAL : -ENOTEMPTY;
    if (node == over)
        return 0;
    if (node->volume || node->opaque || (over && (over->volume || over->opaque)))
        return -EBUSY;
    if (!over || (flags & FS_RENAME_EXCHANGE))
        return 0;
    if (folder != S_ISDIR(over->mode))
        return folder ? -ENOTDIR : -EISDIR;
    return folder && fs_folder_count(fs, over) > 0 ? -ENOTEMPTY : 0;
}

static void exchange(const struct fs_place *from, const struct fs_place *to)
{
    fs_folder_replace(from->dir, from->name, from->name_len, to->node);
    fs_folder_replace(to->dir, to->name, to->name_len, from->node);
    moved(from->node, from->dir, to->dir);
    moved(to->node, to->dir, from->dir);
}

/* from's node takes the place of to's, which loses that name. */
static void replace(struct fs *fs, const struct fs_place *from, const struct fs_place *to)
{
    struct fs_node *over = to->node;

    fs_folder_replace(to->dir, to->name, to->name_len, from->node);
    fs_folder_remove(fs, from->dir, from->name, from->name_len);
    moved(from->node, from->dir, to->dir);
    lose_name(fs, to->dir, over);
}

int fs_rename(struct fs *fs, const struct fs_place *from, const struct fs_place *to, unsigned flags)
{
    if ((flags & ~(unsigned)(FS_RENAME_NOREPLACE | FS_RENAME_EXCHANGE)) ||
        ((flags & FS_RENAME_NOREPLACE) && (flags & FS_RENAME_EXCHANGE)))
        return -EINVAL;
    int err = check_rename(fs, from, to, flags);
    if (err || from->node == to->node)
        return err;
    err = fs_folder_copy_up(fs, from->dir);
    if (!err)
        err = fs_folder_copy_up(fs, to->dir);
    if (!err && !to->node)
        err = fs_folder_add(fs, to->dir, to->name, to->name_len, from->node);
    if (err)
        return err;
    if (flags & FS_RENAME_EXCHANGE) {
        exchange(from, to);
    } else if (to->node) {
        replace(fs, from, to);
    } else {
        fs_folder_remove(fs, from->dir, from->name, from->name_len);
        moved(from->node, from->dir, to->dir);
    }
    fs_node_modified(from->dir);
    fs_node_modified(to->dir);
    fs_node_changed(from->node);
    return 0;
}

int fs_mount_folder(struct fs *fs, const struct fs_place *place, uint32_t mode,
                    struct fs_node **made)
{
    struct fs_node *dir = place->dir, *over = place->node;

    if (!over)
        return fs_make(fs, place, S_IFDIR | mode, NULL, 0, made);
    if (place->last != FS_LAST_NAME)
        return -EBUSY;
    int err = fs_folder_copy_up(fs, dir);
    struct fs_node *node = err ? NULL : fs_node_new(fs, S_IFDIR | mode);
    if (!node)
        return err ? err : -ENOSPC;
    node->nlink = FOLDER_SELF_LINKS;
    node->parent = dir;
    dir->nlink++;
    fs_folder_replace(dir, place->name, place->name_len, node);
    lose_name(fs, dir, over);
    *made = node;
    return 0;
}

int fs_make_folders(struct fs *fs, const char *path, uint32_t len, uint32_t mode,
                    struct fs_node **folder)
{
    struct fs_where root = {.dir = fs->root, .volume = FS_NO_VOLUME};
    struct fs_place place;

    for (uint32_t end = 1; end <= len; end++) {
        if (end < len && path[end] != '/')
            continue;
        int err = fs_walk(fs, &root, path, end, FS_WALK_LAYER, &place);
        if (!err && place.volume != FS_NO_VOLUME)
            err = -EXDEV;
        if (!err && !place.node)
            err = fs_make(fs, &place, S_IFDIR | mode, NULL, 0, &place.node);
        if (!err && !S_ISDIR(place.node->mode))
            err = -ENOTDIR;
        if (err)
            return err;
    }
    *folder = place.node;
    return 0;
}
