#include "file_tree.h"

#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/report.h"
#include "guest_path.h"

#define IMPLIED_FOLDER_MODE (S_IFDIR | 0755)
#define PERMISSION_BITS     07777

/* Nodes and lookup keys both start with the name's pointer. */
static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void file_tree_init(struct file_tree *tree)
{
    *tree = (struct file_tree){.count = 1};
    tree->root.name = "";
    tree->root.mode = IMPLIED_FOLDER_MODE;
}

bool file_tree_is_empty(const struct file_tree *tree)
{
    return tree->count == 1;
}

static const char *kind_of(uint32_t mode)
{
    if (S_ISDIR(mode))
        return "a folder";
    return S_ISLNK(mode) ? "a symlink" : "a file";
}

/* path[0, len) is already there, as node, and entry cannot be put there. */
static int clash(const struct file_entry *entry, const char *path, size_t len,
                 const struct file_node *node)
{
    return report("%s: %s: %.*s is also %s in %s", entry->source, entry->name, (int)len, path,
                  kind_of(node->mode), node->source);
}

static struct file_node *find_child(const struct file_node *folder, const char *name, size_t len)
{
    char key_name[KILN_FILES_NAME_MAX + 1];
    const char *key = key_name;
    memcpy(key_name, name, len);
    key_name[len] = '\0';
    struct file_node **found = tfind(&key, &folder->children, by_name);
    return found != NULL ? *found : NULL;
}

/* The name's bytes live right after the node, in the same allocation. */
static struct file_node *add_child(struct file_tree *tree, struct file_node *folder,
                                   const char *name, size_t len, uint32_t mode, const char *source)
{
    struct file_node *node = calloc(1, sizeof *node + len + 1);
    if (node == NULL) {
        report("%s: out of memory", source);
        return NULL;
    }
    memcpy(node + 1, name, len);
    node->name = (const char *)(node + 1);
    node->mode = mode;
    node->source = source;
    node->parent = folder;
    if (tsearch(node, &folder->children, by_name) == NULL) {
        free(node);
        report("%s: out of memory", source);
        return NULL;
    }
    folder->child_count++;
    tree->count++;
    return node;
}

/* The folder at path's first len bytes (path[len] is '/' or the end),
 * made where missing, with the folders above it. */
static int make_folders(struct file_tree *tree, const struct file_entry *entry, const char *path,
                        size_t len, struct file_node **folder)
{
    struct file_node *at = &tree->root;
    for (size_t start = 1; start < len;) {
        size_t end = start + strcspn(path + start, "/");
        struct file_node *child = find_child(at, path + start, end - start);
        if (child == NULL)
            child =
                add_child(tree, at, path + start, end - start, IMPLIED_FOLDER_MODE, entry->source);
        if (child == NULL)
            return -1;
        if (!S_ISDIR(child->mode))
            return clash(entry, path, end, child);
        at = child;
        start = end + 1;
    }
    *folder = at;
    return 0;
}

struct file_node *file_tree_find(struct file_tree *tree, const char *path)
{
    struct file_node *at = &tree->root;
    for (size_t start = 1; at != NULL && path[start - 1] != '\0';) {
        size_t len = strcspn(path + start, "/");
        at = S_ISDIR(at->mode) ? find_child(at, path + start, len) : NULL;
        start += len + 1;
    }
    return at;
}

static int add_folder(struct file_tree *tree, const struct file_entry *entry, const char *path)
{
    struct file_node *folder;
    if (make_folders(tree, entry, path, strlen(path), &folder) != 0)
        return -1;
    /* A source's top is GUEST_DIR, whose mode is the same whatever the
     * source (a folder, an archive with or without "./"). */
    if (!guest_path_is_here(entry->name))
        folder->mode = S_IFDIR | (entry->mode & PERMISSION_BITS);
    return 0;
}

/* A new file or symlink at path; its data is for the caller to set. */
static int add_leaf(struct file_tree *tree, const struct file_entry *entry, const char *path,
                    uint32_t mode, struct file_node **leaf)
{
    struct file_node *folder;
    size_t slash = (size_t)(strrchr(path, '/') - path);
    if (make_folders(tree, entry, path, slash, &folder) != 0)
        return -1;
    const char *name = path + slash + 1;
    struct file_node *there = find_child(folder, name, strlen(name));
    if (there != NULL)
        return clash(entry, path, strlen(path), there);
    *leaf = add_child(tree, folder, name, strlen(name), mode, entry->source);
    return *leaf != NULL ? 0 : -1;
}

static int check_symlink(const struct file_entry *entry)
{
    if (entry->size == 0)
        return report("%s: %s: a symlink with an empty target", entry->source, entry->name);
    if (entry->size > GUEST_PATH_LEN_MAX)
        return report("%s: %s: a symlink target longer than 4095 bytes", entry->source,
                      entry->name);
    return 0;
}

static int add_file(struct file_tree *tree, struct file_entry *entry, const char *path)
{
    struct file_node *leaf;
    if (S_ISLNK(entry->mode) && check_symlink(entry) != 0)
        return -1;
    struct file_data *data = calloc(1, sizeof *data);
    if (data == NULL)
        return report("%s: out of memory", entry->source);
    if (add_leaf(tree, entry, path, entry->mode & (S_IFMT | PERMISSION_BITS), &leaf) != 0) {
        free(data);
        return -1;
    }
    *data = (struct file_data){.bytes = entry->bytes, .size = entry->size, .links = 1};
    entry->bytes = NULL;
    leaf->data = data;
    return 0;
}

/* A hard link that carries bytes gives them to all its links, as
 * extracting it would: cpio's newc format sends them with the last link. */
static int add_hardlink(struct file_tree *tree, struct file_entry *entry, const char *path)
{
    char target_path[KILN_PATH_MAX];
    const char *why;
    struct file_node *leaf;
    if (guest_path_join(target_path, entry->guest_dir, entry->hardlink, &why) != 0)
        return report("%s: %s: a hard link to %s: %s", entry->source, entry->name, entry->hardlink,
                      why);
    struct file_node *target = file_tree_find(tree, target_path);
    if (target == NULL || target->source != entry->source || S_ISDIR(target->mode))
        return report("%s: %s: a hard link to %s, which is not a file before it", entry->source,
                      entry->name, entry->hardlink);
    if (add_leaf(tree, entry, path, target->mode, &leaf) != 0)
        return -1;
    leaf->data = target->data;
    leaf->data->links++;
    if (entry->size > 0) {
        free(leaf->data->bytes);
        leaf->data->bytes = entry->bytes;
        leaf->data->size = entry->size;
        entry->bytes = NULL;
    }
    return 0;
}

int file_tree_add(struct file_tree *tree, struct file_entry *entry)
{
    char path[KILN_PATH_MAX];
    const char *why;
    int rc;
    if (guest_path_join(path, entry->guest_dir, entry->name, &why) != 0)
        rc = report("%s: %s: %s", entry->source, entry->name, why);
    else if (guest_path_is_here(entry->name) && (entry->hardlink != NULL || !S_ISDIR(entry->mode)))
        rc = report("%s: %s: names the guest folder %s itself, which must be a folder",
                    entry->source, entry->name, entry->guest_dir);
    else if (entry->hardlink != NULL)
        rc = add_hardlink(tree, entry, path);
    else if (S_ISDIR(entry->mode))
        rc = add_folder(tree, entry, path);
    else if (S_ISREG(entry->mode) || S_ISLNK(entry->mode))
        rc = add_file(tree, entry, path);
    else
        rc = report("%s: %s: not a file, folder or symlink", entry->source, entry->name);
    free(entry->bytes);
    entry->bytes = NULL;
    return rc;
}

struct visit {
    void (*visit)(struct file_node *child, void *context);
    void *context;
};

/* An in-order walk: a node between its smaller and its larger names. */
static void visit_in_order(const void *slot, VISIT which, void *closure)
{
    const struct visit *visit = closure;
    if (which == postorder || which == leaf)
        visit->visit(*(struct file_node *const *)slot, visit->context);
}

void file_tree_children(const struct file_node *folder,
                        void (*visit)(struct file_node *child, void *context), void *context)
{
    struct visit closure = {visit, context};
    twalk_r(folder->children, visit_in_order, &closure);
}

static void free_node(void *slot)
{
    struct file_node *node = slot;
    tdestroy(node->children, free_node);
    if (node->data != NULL && --node->data->links == 0) {
        free(node->data->bytes);
        free(node->data);
    }
    free(node);
}

void file_tree_free(struct file_tree *tree)
{
    tdestroy(tree->root.children, free_node);
    tree->root.children = NULL;
}
