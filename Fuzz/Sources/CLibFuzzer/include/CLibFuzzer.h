#ifndef IMAGESPEC_FUZZ_CLIBFUZZER_H
#define IMAGESPEC_FUZZ_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver for programs with their own main (FuzzerInterface.h, LLVM 11 and later): parses the libFuzzer
/// command line in argc/argv and fuzzes `callback`.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
