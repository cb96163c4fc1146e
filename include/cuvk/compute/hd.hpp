#pragma once
// CUVK_HD marks math shared by a kernel and its CPU reference: __host__ __device__ under nvcc, plain C++ otherwise.
#if defined(__CUDACC__)
#define CUVK_HD __host__ __device__ __forceinline__
#else
#define CUVK_HD inline
#endif
