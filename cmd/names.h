/*
 * Names kiln derives from the file names it is given.  Both return a
 * string to free, or NULL when memory runs out.
 */
#ifndef KILN_NAMES_H
#define KILN_NAMES_H

#include <stdbool.h>

/* The default image of a build: "src/app.c" -> "app.kiln". */
char *names_image_for(const char *source);

/* The program's argv[0] in the guest: "out/app.kiln" or "app.c" -> "app". */
char *names_program(const char *path);

/* The guest's argv[0] for what kiln runs from path: a Linux program's is
 * its path, as a shell passes it (Python finds its library from there);
 * a kiln program's is names_program's. */
char *names_argv0(const char *path, bool is_linux_program);

#endif
