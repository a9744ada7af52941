/*
 * kiln's version: the one place it is written down.  Not part of the
 * host/guest contract (that is abi.h); it sits here because cmd/ prints it
 * and builder/ hashes it into every build-cache key.
 */
#ifndef KILN_VERSION_H
#define KILN_VERSION_H

#define KILN_VERSION "0.1.0"

#endif
