// Which CUDA errors lose the context (compute::is_context_fault), no GPU needed: the sticky ones a kernel causes
// (an illegal address, a trap, an assert, ...) are faults that call for a reset; errors a call merely returns (out of
// memory, a bad value, not ready) are not, and a stream query that fails for another reason (no device here) reports
// no fault.

#include "cuvk/compute/stream.hpp"

#include <gtest/gtest.h>

using namespace cuvk;

TEST(ContextFault, TheStickyErrorsOfAKernelAreFaults) {
    for (const cudaError_t e : {cudaErrorIllegalAddress, cudaErrorLaunchFailure, cudaErrorAssert,
                                cudaErrorIllegalInstruction, cudaErrorMisalignedAddress, cudaErrorHardwareStackError,
                                cudaErrorInvalidPc, cudaErrorInvalidAddressSpace, cudaErrorLaunchTimeout})
        EXPECT_TRUE(compute::is_context_fault(e)) << cudaGetErrorName(e);
}

TEST(ContextFault, ErrorsACallReturnsAreNot) {
    for (const cudaError_t e : {cudaSuccess, cudaErrorNotReady, cudaErrorMemoryAllocation, cudaErrorInvalidValue,
                                cudaErrorNoDevice, cudaErrorInvalidResourceHandle, cudaErrorLaunchOutOfResources})
        EXPECT_FALSE(compute::is_context_fault(e)) << cudaGetErrorName(e);
}

TEST(ContextFault, AQueryThatFailsForAnotherReasonReportsNone) {
    int devices = 0;
    if (cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0)
        GTEST_SKIP() << "a CUDA device is present: fault_gpu_tests covers real faults";
    (void)cudaGetLastError();
    EXPECT_EQ(compute::context_fault(nullptr), "");
}
