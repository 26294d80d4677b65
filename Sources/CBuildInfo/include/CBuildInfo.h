#ifndef IMAGESPEC_CBUILDINFO_H
#define IMAGESPEC_CBUILDINFO_H

/// The git commit this binary was built from (40 hex digits, "-dirty" appended when the work tree had changes), or
/// the empty string when the build did not record one (a plain `swift build`).
///
/// scripts/build-release.sh writes `imagespec-build-info.h` (one `#define IMAGESPEC_BUILD_COMMIT "…"`) into its
/// scratch directory and passes that directory with `-Xcc -I…`; nothing in the source tree changes.
const char *imagespec_build_commit(void);

#endif
