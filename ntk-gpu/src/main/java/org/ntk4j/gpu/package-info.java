/**
 * GPU backend for kernel assembly. Not built yet (tracked as its own issue): the command line reports that no GPU backend
 * is available and uses the CPU path.
 */
package org.ntk4j.gpu;
