# Benchmarks for the R package kerasrbridge; prints Markdown tables.
#
#   RETICULATE_PYTHON=$PWD/.venv/bin/python R_LIBS=$PWD/.rlib Rscript benchmarks/bench_r.R [--quick]
#
# (after `make r-package`). Compares kerasrbridge::layer_depthwise_conv_2d()
# with a direct reticulate call of keras$layers$DepthwiseConv2D():
#
# (a) overhead: construction, and construction + call on a small R array
#     (1x8x8x4 double); target ratio <= 1.10.
# (b) data path: a 32x64x64x32 R double array through the layer and back with
#     as.array(), against the plain reticulate call of a Keras layer with the
#     same weights on the same R array.
#
# Timing: the variants of a table run interleaved in the same repetition loop
# (A, B, A, B, ...; the order reversed every other repetition), each
# repetition timing a batch of calls with bench::hires_time(). Reported are
# medians over repetitions and the median of the per-repetition ratios
# (paired, so drifting machine load cancels out) with its interquartile range.

Sys.setenv(TF_CPP_MIN_LOG_LEVEL = Sys.getenv("TF_CPP_MIN_LOG_LEVEL", "2"))
quick <- "--quick" %in% commandArgs(trailingOnly = TRUE)

suppressPackageStartupMessages({
  library(bench)
  library(kerasrbridge)
})
keras_py <- reticulate::import("keras")
bridge_py <- reticulate::import("kerasr_bridge")

# ---------------------------------------------------------------- helpers

interleaved <- function(variants, reps, inner, warmup = 2L) {
  if (length(inner) == 1L) inner <- stats::setNames(rep(inner, length(variants)), names(variants))
  for (name in names(variants)) for (i in seq_len(warmup)) variants[[name]]()
  times <- stats::setNames(lapply(variants, function(v) numeric(reps)), names(variants))
  for (rep in seq_len(reps)) {
    gc(verbose = FALSE)
    order <- if (rep %% 2L == 1L) names(variants) else rev(names(variants))
    for (name in order) {
      f <- variants[[name]]
      n <- inner[[name]]
      start <- bench::hires_time()
      for (i in seq_len(n)) f()
      times[[name]][rep] <- (bench::hires_time() - start) / n
    }
  }
  times
}

calibrate <- function(variants, budget) {
  vapply(variants, function(f) {
    f()
    start <- bench::hires_time()
    f()
    once <- max(bench::hires_time() - start, 1e-7)
    max(1L, as.integer(round(budget / once)))
  }, integer(1))
}

fmt_time <- function(seconds) format(bench::as_bench_time(seconds))

paired_ratio <- function(times, a, b) {
  r <- times[[a]] / times[[b]]
  q <- stats::quantile(r, c(0.25, 0.75), names = FALSE)
  sprintf("%.3f [%.3f, %.3f]", stats::median(r), q[1], q[2])
}

md_table <- function(headers, rows) {
  lines <- c(
    paste0("| ", paste(headers, collapse = " | "), " |"),
    paste0("|", paste(rep("---", length(headers)), collapse = "|"), "|"),
    vapply(rows, function(row) paste0("| ", paste(row, collapse = " | "), " |"), character(1))
  )
  paste(lines, collapse = "\n")
}

cpu_model <- function() {
  info <- tryCatch(readLines("/proc/cpuinfo"), error = function(e) character())
  model <- grep("^model name", info, value = TRUE)
  if (length(model)) trimws(sub("^[^:]*:", "", model[1])) else R.version$arch
}

device <- function() {
  tf <- reticulate::import("tensorflow")
  gpus <- tf$config$list_physical_devices("GPU")
  cpu <- sprintf("CPU %s, %d cores", cpu_model(), parallel::detectCores())
  if (length(gpus) == 0L) return(paste(cpu, "(no GPU)"))
  names <- vapply(gpus, function(g) {
    details <- tf$config$experimental$get_device_details(g)
    if (!is.null(details$device_name)) details$device_name else g$name
  }, character(1))
  sprintf("GPU %s (host: %s)", paste(names, collapse = ", "), cpu)
}

# ---------------------------------------------------------------- (a) overhead

bench_overhead <- function() {
  reps <- if (quick) 7L else 41L
  inner <- if (quick) 5L else 20L
  x <- array(stats::runif(1 * 8 * 8 * 4), c(1, 8, 8, 4))
  variants <- list(
    ours_call = function() layer_depthwise_conv_2d(x, kernel_size = 3),
    keras_call = function() keras_py$layers$DepthwiseConv2D(kernel_size = 3L)(x),
    ours_new = function() layer_depthwise_conv_2d(kernel_size = 3),
    keras_new = function() keras_py$layers$DepthwiseConv2D(kernel_size = 3L),
    # Diagnostic: the same Python function the R one forwards to, called directly.
    python_new = function() bridge_py$layer_depthwise_conv_2d(kernel_size = 3)
  )
  stopifnot(identical(dim(variants$ours_call()), dim(variants$keras_call())))
  times <- interleaved(variants, reps, inner)
  row <- function(what, a, b, target) {
    c(what, fmt_time(stats::median(times[[a]])), fmt_time(stats::median(times[[b]])),
      fmt_time(stats::median(times[[a]]) - stats::median(times[[b]])), paired_ratio(times, a, b), target)
  }
  paste0(
    sprintf("### (a) Call overhead from R (%d interleaved repetitions of %d calls each)\n\n", reps, inner),
    "`layer_depthwise_conv_2d(x, kernel_size = 3)` against `keras$layers$DepthwiseConv2D(kernel_size = 3L)(x)` ",
    "(`keras` imported with reticulate); construction alone likewise, without `x`. ",
    "`x` is a 1x8x8x4 R double array.\n\n",
    md_table(
      c("what", "kerasrbridge (median)", "reticulate + Keras (median)", "difference", "ratio [IQR]", "target"),
      list(
        row("construct + call on a 1x8x8x4 array", "ours_call", "keras_call", "<= 1.10"),
        row("construct only", "ours_new", "keras_new", "<= 1.10"),
        row("construct only, `kerasr_bridge$layer_depthwise_conv_2d(kernel_size = 3)` (Python function, no R wrapper; diagnostic)",
            "python_new", "keras_new", "-")
      )
    )
  )
}

# ---------------------------------------------------------------- (b) data path

bench_data_path <- function() {
  shape <- if (quick) c(4L, 64L, 64L, 32L) else c(32L, 64L, 64L, 32L)
  reps <- if (quick) 5L else 15L
  set.seed(2)
  x <- array(stats::rnorm(prod(shape)), shape)
  kernel <- array(stats::rnorm(3 * 3 * shape[4]) * 0.1, c(3, 3, shape[4], 1))
  bias <- array(stats::rnorm(shape[4]))  # a 1-d array (a plain vector would become a Python list)
  plain <- keras_py$layers$DepthwiseConv2D(kernel_size = 3L)
  plain$build(list(NULL, shape[2], shape[3], shape[4]))
  plain$set_weights(list(kernel, bias))
  y <- plain(x)
  variants <- list(
    plain = function() as.array(plain(x)),
    ours = function() as.array(layer_depthwise_conv_2d(x, kernel_size = 3, weights = list(kernel, bias))),
    plain_new = function() as.array(keras_py$layers$DepthwiseConv2D(kernel_size = 3L)(x)),
    ours_new = function() as.array(layer_depthwise_conv_2d(x, kernel_size = 3)),
    to_python = function() reticulate::r_to_py(x),
    back = function() as.array(y)
  )
  stopifnot(isTRUE(all.equal(variants$ours(), variants$plain(), tolerance = 1e-5)))
  inner <- calibrate(variants, if (quick) 0.05 else 0.2)
  times <- interleaved(variants, reps, inner, warmup = 0L)
  # name = c(row label, the row it is compared with)
  spec <- list(
    plain = c("A. `as.array(layer(x))`: a Keras layer (built once, weights w) called through reticulate", NA),
    ours = c("B. `as.array(layer_depthwise_conv_2d(x, kernel_size = 3, weights = w))` (builds the layer each call)", "plain"),
    plain_new = c("D. `as.array(keras$layers$DepthwiseConv2D(kernel_size = 3L)(x))`: a new Keras layer each call", NA),
    ours_new = c("E. `as.array(layer_depthwise_conv_2d(x, kernel_size = 3))`: a new layer each call", "plain_new"),
    to_python = c("R to Python alone: `reticulate::r_to_py(x)` (wraps the R memory as a Fortran-order float64 NumPy array)", NA),
    back = c(sprintf("Python to R alone: `as.array(y)` on the %s float32 output", paste(dim(y), collapse = "x")), NA)
  )
  rows <- lapply(names(spec), function(name) {
    versus <- spec[[name]][2]
    c(spec[[name]][1], fmt_time(stats::median(times[[name]])),
      if (is.na(versus)) "" else substr(spec[[versus]][1], 1, 1),
      if (is.na(versus)) "" else paired_ratio(times, versus, name))
  })
  paste0(
    sprintf("### (b) Data path from R: %s double array (%d interleaved repetitions)\n\n",
            paste(shape, collapse = "x"), reps),
    "Speed-up: time of row \"vs\" / time of this row (paired median [IQR]).\n\n",
    md_table(c("path", "median", "vs", "speed-up [IQR]"), rows)
  )
}

# ---------------------------------------------------------------- main

start <- bench::hires_time()
versions <- reticulate::py_eval(
  "__import__('platform').python_version()", convert = TRUE
)
py_versions <- list(
  numpy = reticulate::import("numpy")$`__version__`,
  keras = keras_py$`__version__`,
  tensorflow = reticulate::import("tensorflow")$`__version__`
)
cat(sprintf("## kerasrbridge benchmarks from R: %s\n\nDevice: %s\n\n",
            if (quick) "quick run (smoke test sizes; not for quoting)" else "full run", device()))
cat(md_table(c("", ""), list(
  c("command", paste0("`Rscript benchmarks/bench_r.R", if (quick) " --quick" else "", "`")),
  c("R", paste(R.version$major, R.version$minor, sep = ".")),
  c("reticulate", as.character(utils::packageVersion("reticulate"))),
  c("bench", as.character(utils::packageVersion("bench"))),
  c("kerasrbridge", as.character(utils::packageVersion("kerasrbridge"))),
  c("python", versions),
  c("numpy", py_versions$numpy),
  c("keras", py_versions$keras),
  c("tensorflow", py_versions$tensorflow)
)), "\n\n")
cat(bench_overhead(), "\n\n")
cat(bench_data_path(), "\n\n")
cat(sprintf("Total time: %.0f s\n", bench::hires_time() - start))
