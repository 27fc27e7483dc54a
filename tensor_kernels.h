/* TEMPORARY development file: section 7 (kernels) of tensor.h.
   Merged into tensor.h before commit. */
