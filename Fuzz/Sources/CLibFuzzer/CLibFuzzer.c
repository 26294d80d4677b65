// The declaration of libFuzzer's LLVMFuzzerRunDriver for Swift; the function itself comes from the fuzzer runtime
// that `-sanitize=fuzzer` links.
#include "CLibFuzzer.h"
