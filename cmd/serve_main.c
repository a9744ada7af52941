/* kiln-serve: kiln serve's own program, which kiln serve runs (see
 * serve_exec.c); its arguments are those of kiln serve. */
#include <signal.h>

#include "commands.h"

int main(int argc, char **argv)
{
    /* A client gone mid-answer must be an error to handle, not a kill. */
    signal(SIGPIPE, SIG_IGN);
    return cmd_serve(argc, argv);
}
