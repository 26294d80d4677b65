#include "CBuildInfo.h"

// Present only in builds made by scripts/build-release.sh (found through its `-Xcc -I<scratch>/build-info`).
#if __has_include("imagespec-build-info.h")
#include "imagespec-build-info.h"
#endif

#ifndef IMAGESPEC_BUILD_COMMIT
#define IMAGESPEC_BUILD_COMMIT ""
#endif

const char *imagespec_build_commit(void) { return IMAGESPEC_BUILD_COMMIT; }
