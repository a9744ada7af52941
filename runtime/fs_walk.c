#define _GNU_SOURCE
#include "fs_walk.h"
#include "bytes.h"
#include "fs_folder.h"
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>

#define WALK_DONE 1 /* step(): the place is found */

struct segment {
    const char *at;
    const char *end;
};

/* Following a symlink reads its target next and keeps the rest of the
 * path it was met in, so no path is ever copied. */
struct walker {
    struct fs *fs;
    struct fs_place *place;
    struct fs_node *dir;
    struct segment now;
    struct segment pending[FS_LINKS_MAX]; /* what follows each symlink being read */
    uint32_t depth;
    uint32_t links;
};

static void skip_slashes(struct segment *s)
{
    while (s->at < s->end && *s->at == '/')
        s->at++;
}

static bool next_name(struct walker *w, struct segment *name)
{
    for (;;) {
        skip_slashes(&w->now);
        if (w->now.at < w->now.end)
            break;
        if (w->depth == 0)
            return false;
        w->now = w->pending[--w->depth];
    }
    name->at = w->now.at;
    while (w->now.at < w->now.end && *w->now.at != '/')
        w->now.at++;
    name->end = w->now.at;
    return true;
}

/* The segment read i-th from now on: now, then the pending ones. */
static struct segment upcoming(const struct walker *w, uint32_t i)
{
    return i == 0 ? w->now : w->pending[w->depth - i];
}

/* Is the name just read the last?  Then only slashes follow it. */
static bool is_last(const struct walker *w, bool *slash)
{
    *slash = false;
    for (uint32_t i = 0; i <= w->depth; i++) {
        struct segment s = upcoming(w, i);
        for (const char *c = s.at; c < s.end; c++) {
            if (*c != '/')
                return false;
            *slash = true;
        }
    }
    return true;
}

static int append(struct fs_place *place, const char *at, uint64_t len)
{
    if (len >= KILN_PATH_MAX - place->path_len)
        return -ENAMETOOLONG;
    bytes_copy(place->path + place->path_len, at, len);
    place->path_len += (uint32_t)len;
    return 0;
}

/* The rest of the path, after what place->path holds already, its pieces
 * joined by single slashes, a trailing slash kept. */
static int hand_to_volume(struct walker *w, int32_t volume)
{
    struct fs_place *place = w->place;
    int err = 0;

    place->volume = volume;
    for (uint32_t i = 0; i <= w->depth && !err; i++) {
        struct segment s = upcoming(w, i);
        skip_slashes(&s);
        bool ends_in_slash = place->path_len > 0 && place->path[place->path_len - 1] == '/';
        if (place->path_len > 0 && !ends_in_slash && s.at > upcoming(w, i).at)
            err = append(place, "/", 1);
        if (!err)
            err = append(place, s.at, (uint64_t)(s.end - s.at));
    }
    if (!err && place->path_len == 0)
        err = append(place, ".", 1);
    return err ? err : WALK_DONE;
}

/* A name the layer's folder lacks, where the root volume shows through:
 * the folder's path, the name, then the rest. */
static int hand_to_root_volume(struct walker *w, struct segment name)
{
    struct fs_place *place = w->place;
    int len = fs_folder_path(w->fs, w->dir, place->path, KILN_PATH_MAX);

    if (len < 0)
        return len;
    place->path_len = (uint32_t)len;
    int err = len > 0 ? append(place, "/", 1) : 0;
    if (!err)
        err = append(place, name.at, (uint64_t)(name.end - name.at));
    return err ? err : hand_to_volume(w, w->fs->root_volume);
}

bool fs_shows_root_volume(const struct fs *fs, const struct fs_node *dir)
{
    if (fs->root_volume == FS_NO_VOLUME)
        return false;
    for (;; dir = dir->parent) {
        if (dir->opaque || dir->nlink == 0)
            return false;
        if (dir == fs->root)
            return true;
    }
}

/* A relative path from a folder beneath a volume is the volume's. */
static int start_in_volume(const struct fs_where *start, const char *path, uint32_t len,
                           struct fs_place *place)
{
    int err = 0;

    place->volume = start->volume;
    if (start->path_len > 0) {
        err = append(place, start->path, start->path_len);
        if (!err)
            err = append(place, "/", 1);
    }
    return err ? err : append(place, path, len);
}

static int follow(struct walker *w, const struct fs_node *link)
{
    const char *target = fs_node_target(w->fs, link);

    if (++w->links > FS_LINKS_MAX)
        return -ELOOP;
    if (!target)
        return -EIO;
    if (link->size == 0)
        return -ENOENT;
    w->pending[w->depth++] = w->now;
    w->now = (struct segment){.at = target, .end = target + link->size};
    if (target[0] == '/')
        w->dir = w->fs->root;
    w->place->dir = w->place->node = w->dir;
    w->place->last = FS_LAST_ROOT;
    return 0;
}

static int lookup(struct walker *w, struct segment name, struct fs_node **node)
{
    uint32_t len = (uint32_t)(name.end - name.at);

    if (len == 1 && name.at[0] == '.') {
        w->place->last = FS_LAST_DOT;
        *node = w->dir;
        return 0;
    }
    if (len == 2 && name.at[0] == '.' && name.at[1] == '.') {
        w->place->last = FS_LAST_DOTDOT;
        *node = w->dir->parent;
        return 0;
    }
    return fs_folder_lookup(w->fs, w->dir, name.at, len, node);
}

/* One name: 0 to go on, WALK_DONE, or -errno. */
static int step(struct walker *w, struct segment name, unsigned flags)
{
    struct fs_place *place = w->place;
    struct fs_node *node;
    bool slash, last = is_last(w, &slash);

    if (name.end - name.at > FS_NAME_MAX)
        return -ENAMETOOLONG;
    place->dir = w->dir;
    place->node = NULL;
    place->name = name.at;
    place->name_len = (uint32_t)(name.end - name.at);
    place->last = FS_LAST_NAME;
    place->trailing_slash = last && slash;
    int err = lookup(w, name, &node);
    if (err)
        return err;
    if (!node && !(flags & FS_WALK_LAYER) && fs_shows_root_volume(w->fs, w->dir))
        return hand_to_root_volume(w, name);
    if (!node)
        return last ? WALK_DONE : -ENOENT;
    bool as_is = last && (flags & FS_WALK_LAST);
    if (S_ISLNK(node->mode) && !as_is && (!last || slash || !(flags & FS_WALK_NOFOLLOW)))
        return follow(w, node);
    place->node = node;
    if (S_ISDIR(node->mode)) {
        if (node->volume)
            return hand_to_volume(w, node->volume - 1);
        w->dir = node;
        return 0;
    }
    return last && (!slash || as_is) ? WALK_DONE : -ENOTDIR;
}

int fs_walk(struct fs *fs, const struct fs_where *start, const char *path, uint32_t path_len,
            unsigned flags, struct fs_place *place)
{
    struct segment name;
    int err = 0;

    bytes_zero(place, offsetof(struct fs_place, path));
    place->volume = FS_NO_VOLUME;
    if (path[0] != '/' && start->volume != FS_NO_VOLUME)
        return start_in_volume(start, path, path_len, place);
    /* Field by field: the pending segments need no zeroing. */
    struct walker w;
    w.fs = fs;
    w.place = place;
    w.dir = path[0] == '/' ? fs->root : start->dir;
    w.now = (struct segment){.at = path, .end = path + path_len};
    w.depth = 0;
    w.links = 0;
    place->dir = place->node = w.dir;
    place->last = FS_LAST_ROOT;
    while (!err && next_name(&w, &name))
        err = step(&w, name, flags);
    return err == WALK_DONE ? 0 : err;
}

uint32_t fs_path_normalize(char *path, uint32_t len)
{
    uint32_t out = 0, at = 0;

    while (at < len) {
        while (at < len && path[at] == '/')
            at++;
        uint32_t start = at;
        while (at < len && path[at] != '/')
            at++;
        uint32_t name_len = at - start;
        if (name_len == 0 || (name_len == 1 && path[start] == '.'))
            continue;
        if (name_len == 2 && path[start] == '.' && path[start + 1] == '.') {
            while (out > 0 && path[out - 1] != '/')
                out--;
            out = out > 0 ? out - 1 : 0;
            continue;
        }
        if (out > 0)
            path[out++] = '/';
        bytes_move(path + out, path + start, name_len);
        out += name_len;
    }
    return out;
}
