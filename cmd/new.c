/*
 * kiln new TEMPLATE DIR: a new app folder holding a copy of a template's
 * files and subfolders (the templates/ folder of the source tree, which
 * make copies next to kiln).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "common/file_io.h"
#include "common/paths.h"
#include "common/report.h"
#include "exit_codes.h"
#include "help.h"
#include "runtime_dir.h"

#define COPY_CHUNK    65536
#define NEW_DIR_MODE  0777
#define NEW_FILE_MODE 0666

static bool is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

static int copy_bytes(int from, int to)
{
    char chunk[COPY_CHUNK];
    ssize_t got;
    while ((got = read_all(from, chunk, sizeof chunk)) > 0)
        if (write_all(to, chunk, (size_t)got) != got)
            return -1;
    return got < 0 ? -1 : 0;
}

static int copy_file(const char *from_path, const char *to_path)
{
    int from = open(from_path, O_RDONLY | O_CLOEXEC);
    if (from < 0)
        return report("new: %s: %s", from_path, strerror(errno));
    int to = open(to_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, NEW_FILE_MODE);
    int rc = to >= 0 ? copy_bytes(from, to) : -1;
    if (rc != 0)
        report("new: %s: %s", to_path, strerror(errno));
    if (to >= 0 && close(to) != 0 && rc == 0) {
        report("new: %s: %s", to_path, strerror(errno));
        rc = -1;
    }
    close(from);
    return rc;
}

static int join(char *path, const char *dir, const char *name)
{
    if (path_join(path, PATH_MAX, dir, name) == 0)
        return 0;
    return report("new: %s/%s: path too long", dir, name);
}

static int copy_folder(const char *from_path, DIR *from, const char *to_path);

/* A subfolder: made (it must not exist yet), then filled like the template. */
static int copy_subfolder(const char *from_path, const char *to_path)
{
    if (mkdir(to_path, NEW_DIR_MODE) != 0)
        return report("new: %s: %s", to_path, strerror(errno));
    DIR *from = opendir(from_path);
    if (from == NULL)
        return report("new: %s: %s", from_path, strerror(errno));
    int rc = copy_folder(from_path, from, to_path);
    closedir(from);
    return rc;
}

static bool is_dot_or_dotdot(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* The folder's regular files and subfolders, at any depth.  Symlinks,
 * fifos and the like are passed over: a template holds none. */
static int copy_folder(const char *from_path, DIR *from, const char *to_path)
{
    char from_entry[PATH_MAX], to_entry[PATH_MAX];
    struct stat st;
    for (struct dirent *entry; (entry = readdir(from)) != NULL;) {
        if (is_dot_or_dotdot(entry->d_name))
            continue;
        if (join(from_entry, from_path, entry->d_name) != 0 ||
            join(to_entry, to_path, entry->d_name) != 0)
            return -1;
        if (fstatat(dirfd(from), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            return report("new: %s: %s", from_entry, strerror(errno));
        if (S_ISDIR(st.st_mode) && copy_subfolder(from_entry, to_entry) != 0)
            return -1;
        if (S_ISREG(st.st_mode) && copy_file(from_entry, to_entry) != 0)
            return -1;
    }
    return 0;
}

static int is_template(const struct dirent *entry)
{
    return entry->d_type == DT_DIR && entry->d_name[0] != '.';
}

static void list_templates(const char *templates)
{
    struct dirent **names;
    struct report_text text;
    int count = scandir(templates, &names, is_template, alphasort);
    report_text_start(&text, "new: the templates in %s are:", templates);
    for (int i = 0; i < count; i++) {
        report_text_add(&text, " %s", names[i]->d_name);
        free(names[i]);
    }
    report_text_write(&text);
    if (count >= 0)
        free(names);
}

static int make_app(const char *name, const char *dir)
{
    char templates[PATH_MAX], template_dir[PATH_MAX];
    if (templates_dir_find(templates, sizeof templates) < 0 ||
        join(template_dir, templates, name) != 0)
        return EXIT_NEW_FAILED;
    DIR *template = strchr(name, '/') == NULL && name[0] != '.' ? opendir(template_dir) : NULL;
    if (template == NULL) {
        report("new: no template \"%s\"", name);
        list_templates(templates);
        return EXIT_NEW_FAILED;
    }
    int rc = mkdir(dir, NEW_DIR_MODE);
    if (rc != 0)
        report("new: %s: %s", dir, strerror(errno));
    else
        rc = copy_folder(template_dir, template, dir);
    closedir(template);
    if (rc != 0)
        return EXIT_NEW_FAILED;
    printf("%s: a new app from the %s template\n", dir, name);
    return 0;
}

int cmd_new(int argc, char **argv)
{
    if (argc > 1 && is_help(argv[1]))
        return help_print("new", stdout);
    if (argc != 3) {
        report("new: expected a TEMPLATE and a DIR (see kiln new --help)");
        return EXIT_USAGE;
    }
    return make_app(argv[1], argv[2]);
}
