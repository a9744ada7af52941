/*
 * Names kiln derives from the file names it is given.  Both return a
 * string to free, or NULL when memory runs out.
 */
#ifndef KILN_NAMES_H
#define KILN_NAMES_H

/* The default image of a build: "src/app.c" -> "app.kiln". */
char *names_image_for(const char *source);

/* The program's argv[0] in the guest: "out/app.kiln" or "app.c" -> "app". */
char *names_program(const char *path);

#endif
