# Our conversion of a result back to R against keras3's, on the backend in
# KERAS_BACKEND (issue 20: never slower than keras3's), for a small and a large
# result; prints one line each. keras3 must be installed (the current stack's
# R library), e.g.
#
#   KERAS_BACKEND=jax RETICULATE_PYTHON=$PWD/.venv-jax/bin/python \
#     R_LIBS=$PWD/.rlib-current:$PWD/.rlib Rscript benchmarks/bench_r_backends.R
#
# Ours is called directly (with keras3 loaded, as.array() dispatches keras3's
# method); each repetition is a gc() and then a batch (200 small conversions
# or one large), alternating the order; the ratio is the median of paired ratios.
suppressPackageStartupMessages({library(keras3); library(kerasrbridge, warn.conflicts = FALSE)})
set.seed(1)
res <- list()
for (shape in list(c(2, 8, 8, 3), c(32, 64, 64, 32))) {
  y <- kerasrbridge::layer_depthwise_conv_2d(array(rnorm(prod(shape)), shape), kernel_size = 3)
  stopifnot(identical(kerasrbridge:::tensor_to_r(y), as.array(y)))
  v <- list(ours = function() kerasrbridge:::tensor_to_r(y), keras3 = function() as.array(y))
  n <- if (shape[1] == 2) 200L else 1L
  t <- sapply(names(v), function(k) numeric(21))
  for (r in 1:21) for (k in if (r %% 2) names(v) else rev(names(v))) {
    gc(FALSE); s <- bench::hires_time(); for (i in seq_len(n)) v[[k]](); t[r, k] <- (bench::hires_time() - s) / n }
  cat(sprintf("%s %s: ours %.3f ms, keras3 %.3f ms, keras3/ours %.2f\n", kerasrbridge::keras$config$backend(),
      paste(dim(y), collapse = "x"), 1000 * median(t[, "ours"]), 1000 * median(t[, "keras3"]), median(t[, "keras3"] / t[, "ours"])))
}
cat("load average", readLines("/proc/loadavg"), "\n")
