/*
 * kiln new TEMPLATE DIR: a new app folder holding a copy of a template's
 * files (the templates/ folder of the source tree, which make copies next
 * to kiln).
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

/* The template's regular files; it has no subfolders. */
static int copy_template(const char *template_dir, DIR *template, const char *dir)
{
    char from[PATH_MAX], to[PATH_MAX];
    for (struct dirent *entry; (entry = readdir(template)) != NULL;) {
        if (entry->d_type != DT_REG)
            continue;
        if (join(from, template_dir, entry->d_name) != 0 || join(to, dir, entry->d_name) != 0 ||
            copy_file(from, to) != 0)
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
        rc = copy_template(template_dir, template, dir);
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
