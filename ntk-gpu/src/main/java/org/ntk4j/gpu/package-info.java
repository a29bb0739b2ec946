/**
 * CUDA backend of {@link org.ntk4j.kernel.KernelBackend}: architectures are lowered to a small op program
 * ({@link org.ntk4j.gpu.GpuProgram}), the pair grid is cut into tiles ({@link org.ntk4j.gpu.TilePlan}) streamed over
 * several CUDA streams, and our own kernels (src/main/cuda, PTX committed) run through the JCuda driver API
 * ({@link org.ntk4j.gpu.CudaBackend}). Without a CUDA device nothing native is loaded beyond one failed probe.
 */
package org.ntk4j.gpu;
