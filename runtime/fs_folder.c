#define _GNU_SOURCE
#include "fs_folder.h"
#include "bytes.h"
#include <errno.h>
#include <sys/stat.h>

#define FIRST_CAPACITY 8

/* Position of the first child not sorting before name (with after: nor
 * equal to it). */
static uint32_t lower_bound(const struct fs_children *children, const char *name, uint32_t len,
                            bool after)
{
    uint32_t low = 0, high = children->count;

    while (low < high) {
        uint32_t mid = low + (high - low) / 2;
        const struct fs_child *child = &children->list[mid];
        int order = fs_name_compare(child->name, child->name_len, name, len);
        if (order < 0 || (after && order == 0))
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

static struct fs_child *find(struct fs_children *children, const char *name, uint32_t len)
{
    uint32_t at = lower_bound(children, name, len, false);

    if (at == children->count)
        return NULL;
    struct fs_child *child = &children->list[at];
    return fs_name_compare(child->name, child->name_len, name, len) == 0 ? child : NULL;
}

int fs_folder_lookup(struct fs *fs, struct fs_node *dir, const char *name, uint32_t len,
                     struct fs_node **found)
{
    uint32_t entry;

    *found = NULL;
    if (!dir->in_memory) {
        entry = embedded_find(&fs->tree, dir->entry, name, len);
        if (entry == EMBEDDED_NONE)
            return 0;
        *found = fs_node_of_entry(fs, entry, dir);
        return *found ? 0 : -ENOMEM;
    }
    struct fs_child *child = find(&dir->children, name, len);
    if (!child)
        return 0;
    if (!child->node)
        child->node = fs_node_of_entry(fs, child->entry, dir);
    *found = child->node;
    return *found ? 0 : -ENOMEM;
}

/* Room for need children, doubling. */
static int reserve(struct fs *fs, struct fs_children *children, uint32_t need)
{
    uint32_t capacity = children->capacity ? children->capacity : FIRST_CAPACITY;

    if (need <= children->capacity)
        return 0;
    while (capacity < need)
        capacity *= 2;
    struct fs_child *list = fs_alloc(&fs->heap, (size_t)capacity * sizeof *list);
    if (!list)
        return -ENOSPC;
    bytes_copy(list, children->list, (size_t)children->count * sizeof *list);
    fs_free(&fs->heap, children->list, (size_t)children->capacity * sizeof *list);
    children->list = list;
    children->capacity = capacity;
    return 0;
}

int fs_folder_copy_up(struct fs *fs, struct fs_node *dir)
{
    struct fs_children children = {.list = NULL};

    if (dir->in_memory)
        return 0;
    uint32_t count = embedded_child_count(&fs->tree, dir->entry);
    if (reserve(fs, &children, count) != 0)
        return -ENOSPC;
    uint32_t first = count > 0 ? fs->tree.entries[dir->entry].first_child : 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t len;
        struct fs_child *child = &children.list[i];
        child->name = embedded_name(&fs->tree, first + i, &len);
        child->name_len = (uint8_t)len;
        child->entry = first + i;
    }
    children.count = count;
    dir->children = children;
    dir->in_memory = true;
    return 0;
}

int fs_folder_add(struct fs *fs, struct fs_node *dir, const char *name, uint32_t len,
                  struct fs_node *node)
{
    int err = fs_folder_copy_up(fs, dir);
    if (err)
        return err;
    struct fs_children *children = &dir->children;
    char *copy = fs_alloc(&fs->heap, len);
    if (!copy || reserve(fs, children, children->count + 1) != 0) {
        fs_free(&fs->heap, copy, len);
        return -ENOSPC;
    }
    bytes_copy(copy, name, len);
    uint32_t at = lower_bound(children, name, len, false);
    bytes_move(&children->list[at + 1], &children->list[at],
               (size_t)(children->count - at) * sizeof *children->list);
    children->list[at] = (struct fs_child){.name = copy,
                                           .node = node,
                                           .entry = FS_NO_ENTRY,
                                           .name_len = (uint8_t)len,
                                           .owns_name = true};
    children->count++;
    return 0;
}

void fs_folder_remove(struct fs *fs, struct fs_node *dir, const char *name, uint32_t len)
{
    struct fs_children *children = &dir->children;
    struct fs_child *child = find(children, name, len);

    if (child->owns_name)
        fs_free(&fs->heap, (char *)child->name, child->name_len);
    uint32_t at = (uint32_t)(child - children->list);
    bytes_move(child, child + 1, (size_t)(children->count - at - 1) * sizeof *child);
    children->count--;
}

void fs_folder_replace(struct fs_node *dir, const char *name, uint32_t len, struct fs_node *node)
{
    find(&dir->children, name, len)->node = node;
}

uint32_t fs_folder_count(const struct fs *fs, const struct fs_node *dir)
{
    return dir->in_memory ? dir->children.count : embedded_child_count(&fs->tree, dir->entry);
}

/* An embedded child's type and ino need no node. */
static void entry_item(const struct fs *fs, uint32_t entry, struct fs_folder_item *item)
{
    item->name = embedded_name(&fs->tree, entry, &item->name_len);
    item->mode = fs->tree.entries[entry].mode;
    item->ino = fs_entry_ino(fs, entry);
}

bool fs_folder_item_at(const struct fs *fs, const struct fs_node *dir, uint32_t position,
                       struct fs_folder_item *item)
{
    if (position >= fs_folder_count(fs, dir))
        return false;
    if (!dir->in_memory) {
        entry_item(fs, fs->tree.entries[dir->entry].first_child + position, item);
        return true;
    }
    const struct fs_child *child = &dir->children.list[position];
    if (!child->node) {
        entry_item(fs, child->entry, item);
        return true;
    }
    *item = (struct fs_folder_item){.name = child->name,
                                    .name_len = child->name_len,
                                    .mode = child->node->mode,
                                    .ino = child->node->ino};
    return true;
}

uint32_t fs_folder_position_after(const struct fs *fs, const struct fs_node *dir, const char *name,
                                  uint32_t len)
{
    if (!dir->in_memory)
        return embedded_position_after(&fs->tree, dir->entry, name, len);
    return lower_bound(&dir->children, name, len, true);
}

/* A scan of the parent: getcwd is rare, and a name per node would cost
 * every node the bytes. */
bool fs_folder_name_of(const struct fs *fs, const struct fs_node *dir, const char **name,
                       uint32_t *len)
{
    const struct fs_node *parent = dir->parent;

    if (parent == dir || dir->nlink == 0)
        return false;
    if (!parent->in_memory) {
        *name = embedded_name(&fs->tree, dir->entry, len);
        return true;
    }
    for (uint32_t i = 0; i < parent->children.count; i++) {
        const struct fs_child *child = &parent->children.list[i];
        if (child->node == dir || (!child->node && fs_entry_ino(fs, child->entry) == dir->ino)) {
            *name = child->name;
            *len = child->name_len;
            return true;
        }
    }
    return false;
}

bool fs_folder_has(const struct fs *fs, const struct fs_node *dir, const char *name, uint32_t len)
{
    if (!dir->in_memory)
        return embedded_find(&fs->tree, dir->entry, name, len) != EMBEDDED_NONE;
    uint32_t at = lower_bound(&dir->children, name, len, false);
    return at < dir->children.count &&
           fs_name_compare(dir->children.list[at].name, dir->children.list[at].name_len, name,
                           len) == 0;
}

/* Built backwards from the end of path, then moved to its start. */
int fs_folder_path(const struct fs *fs, const struct fs_node *dir, char *path, uint32_t size)
{
    uint32_t start = size, len;
    const char *name;

    for (; dir != fs->root; dir = dir->parent) {
        if (!fs_folder_name_of(fs, dir, &name, &len))
            return -ENOENT;
        if (len + 1 > start)
            return -ENAMETOOLONG;
        start -= len;
        bytes_copy(path + start, name, len);
        path[--start] = '/';
    }
    if (start == size)
        return 0;
    bytes_move(path, path + start + 1, size - start - 1);
    return (int)(size - start - 1);
}

void fs_folder_free(struct fs *fs, struct fs_node *dir)
{
    struct fs_children *children = &dir->children;

    for (uint32_t i = 0; i < children->count; i++)
        if (children->list[i].owns_name)
            fs_free(&fs->heap, (char *)children->list[i].name, children->list[i].name_len);
    fs_free(&fs->heap, children->list, (size_t)children->capacity * sizeof *children->list);
}
