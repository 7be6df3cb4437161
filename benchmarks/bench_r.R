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
# (c) the floor: each part of that round trip (conversion in, the conv alone,
#     conversion out, R's allocation, a plain copy, ...), cold and interleaved,
#     and ours against keras3's with --keras3 (the current stack:
#     RETICULATE_PYTHON=$PWD/.venv-current/bin/python R_LIBS=$PWD/.rlib-current:$PWD/.rlib
#     Rscript benchmarks/bench_r.R --keras3).
# (d) separable: construction, and construction + call on the same 1x8x8x4
#     array, of layer_separable_conv_2d(filters = 8, kernel_size = 3) against
#     keras$layers$SeparableConv2D(8L, kernel_size = 3L) through reticulate;
#     target ratio for construction <= 1.10. --separable-only runs it alone.
#
# Timing: the variants of a table run interleaved in the same repetition loop
# (A, B, A, B, ...; the order reversed every other repetition), each
# repetition timing a batch of calls with bench::hires_time(). Reported are
# medians over repetitions and the median of the per-repetition ratios
# (paired, so drifting machine load cancels out) with its interquartile range.

Sys.setenv(TF_CPP_MIN_LOG_LEVEL = Sys.getenv("TF_CPP_MIN_LOG_LEVEL", "2"))
quick <- "--quick" %in% commandArgs(trailingOnly = TRUE)

# --keras3 (the current stack): keras3 is loaded too, for its round trip side by side.
with_keras3 <- "--keras3" %in% commandArgs(trailingOnly = TRUE)
# --floor-only: section (c) alone, with twice the repetitions (for a loaded machine).
floor_only <- "--floor-only" %in% commandArgs(trailingOnly = TRUE)
# --separable-only: section (d) alone.
separable_only <- "--separable-only" %in% commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages({
  library(bench)
  if (with_keras3) library(keras3)
  library(kerasrbridge, warn.conflicts = FALSE)
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

# ---------------------------------------------------------------- (c) the floor

# Each part of the R round trip, timed once per repetition in the state a user
# meets it: fresh allocations (R's and NumPy's), every step interleaved with
# the others (the order shuffled each repetition), a gc() before each
# repetition, no warm loops. Ratios are medians of per-repetition ratios.
bench_floor <- function() {
  shape <- if (quick) c(4L, 64L, 64L, 32L) else c(32L, 64L, 64L, 32L)
  reps <- if (quick) 5L else if (floor_only) 31L else 15L
  set.seed(3)
  x <- array(stats::rnorm(prod(shape)), shape)
  small <- array(stats::rnorm(1 * 8 * 8 * shape[4]), c(1L, 8L, 8L, shape[4]))
  kernel <- array(stats::rnorm(3 * 3 * shape[4]) * 0.1, c(3, 3, shape[4], 1))
  bias <- array(stats::rnorm(shape[4]))
  arrays <- reticulate::import("kerasr_bridge.arrays", convert = FALSE)
  to_r <- reticulate::import("kerasr_bridge.to_r", convert = FALSE)
  np <- reticulate::import("numpy", convert = FALSE)
  plain <- keras_py$layers$DepthwiseConv2D(kernel_size = 3L)
  plain$build(list(NULL, shape[2], shape[3], shape[4]))
  plain$set_weights(list(kernel, bias))
  x_tensor <- arrays$as_backend_tensor(arrays$c_order_copy(reticulate::r_to_py(x), "float32"))
  y <- layer_depthwise_conv_2d(x, kernel_size = 3, weights = list(kernel, bias))
  y_numpy <- to_r$host_array(y)
  out_shape <- dim(y)
  y_f64 <- np$empty(out_shape, dtype = "float64", order = "F")
  arrays$f_order_into(y_numpy, y_f64)
  warm_f64 <- np$empty(out_shape, dtype = "float64", order = "F")
  y_r <- kerasrbridge:::tensor_to_r(y)
  stopifnot(identical(y_r, reticulate::py_to_r(y_numpy)), identical(reticulate::py_to_r(y_f64), y_r))
  has_keras3 <- "keras3" %in% loadedNamespaces()
  variants <- list(
    conv_in = function() arrays$c_order_copy(reticulate::r_to_py(x), "float32"),
    conv = function() plain(x_tensor),
    fixed = function() layer_depthwise_conv_2d(small, kernel_size = 3, weights = list(kernel, bias)),
    call = function() layer_depthwise_conv_2d(x, kernel_size = 3, weights = list(kernel, bias)),
    out = function() kerasrbridge:::tensor_to_r(y),
    alloc = function() { v <- vector("double", prod(out_shape)); dim(v) <- out_shape; v },
    memcpy = function() { v <- y_r; v[1L] <- 0; v },
    blocked_warm = function() arrays$f_order_into(y_numpy, warm_f64),
    blocked_f64 = function() arrays$f_order_into(y_numpy, np$empty(out_shape, dtype = "float64", order = "F")),
    reticulate_f64 = function() reticulate::py_to_r(y_f64),
    reticulate_c32 = function() reticulate::py_to_r(y_numpy),
    round_trip = function() kerasrbridge:::tensor_to_r(layer_depthwise_conv_2d(x, kernel_size = 3)),
    call_new = function() layer_depthwise_conv_2d(x, kernel_size = 3)
  )
  if (has_keras3) {
    # keras3's own conversion is what as.array() dispatches to with keras3 loaded.
    variants$k3_out <- function() as.array(y)
    variants$k3_call <- function() keras3::layer_depthwise_conv_2d(x, kernel_size = 3)
    variants$k3_round_trip <- function() as.array(keras3::layer_depthwise_conv_2d(x, kernel_size = 3))
    stopifnot(identical(variants$k3_out(), y_r))
  }
  for (f in variants) f()
  times <- stats::setNames(lapply(variants, function(v) numeric(reps)), names(variants))
  for (rep in seq_len(reps)) {
    gc(verbose = FALSE)
    for (name in sample(names(variants))) {
      f <- variants[[name]]
      start <- bench::hires_time()
      f()
      times[[name]][rep] <- bench::hires_time() - start
    }
  }
  med <- vapply(times, stats::median, numeric(1))
  ms <- function(name) sprintf("%.1f", 1000 * med[[name]])
  ratio <- function(a, b) {
    r <- a / b
    q <- stats::quantile(r, c(0.25, 0.75), names = FALSE)
    sprintf("%.2f [%.2f, %.2f]", stats::median(r), q[1], q[2])
  }
  mb <- function(n, bytes) sprintf("%.1f MB", n * bytes / 1e6)
  n_in <- prod(shape)
  n_out <- prod(out_shape)
  rows <- list(
    c("1. conversion in: `arrays.c_order_copy(x, 'float32')` (blocked F- to C-order, cast)", ms("conv_in"),
      paste(mb(n_in, 8), "read,", mb(n_in, 4), "written")),
    c("2. the conv alone: a built Keras layer on the converted tensor", ms("conv"), mb(n_out, 4)),
    c("3. fixed cost of a new layer per call: the same call on a 1x8x8 input (construct, build, dispatch)",
      ms("fixed"), ""),
    c("4. our call: `layer_depthwise_conv_2d(x, kernel_size = 3, weights = w)`", ms("call"), ""),
    c("5. conversion out, ours: `as.array(y)` (R allocates, Python fills it)", ms("out"), mb(n_out, 8)),
    c("6. R's allocation and first touch of the result (`vector('double', n)`)", ms("alloc"), mb(n_out, 8)),
    c("7. a plain memory copy of the same bytes (R duplicating the result: allocation + memcpy)", ms("memcpy"),
      mb(n_out, 8)),
    c("8. the blocked copy alone, into touched memory", ms("blocked_warm"), mb(n_out, 8)),
    c("9. one blocked copy to a new F-order float64 NumPy array", ms("blocked_f64"), mb(n_out, 8)),
    c("10. reticulate's conversion of that F-order float64 array", ms("reticulate_f64"), mb(n_out, 8)),
    c("11. reticulate's conversion of the C-order float32 result (the old `as.array`)", ms("reticulate_c32"),
      mb(n_out, 8)),
    c("12. our round trip: `as.array(layer_depthwise_conv_2d(x, kernel_size = 3))`", ms("round_trip"), ""),
    c("13. our call alone, new layer: `layer_depthwise_conv_2d(x, kernel_size = 3)`", ms("call_new"), "")
  )
  if (has_keras3) {
    rows <- c(rows, list(
      c("14. keras3's conversion out: `as.array(y)` with keras3 loaded", ms("k3_out"), mb(n_out, 8)),
      c("15. keras3's call: `keras3::layer_depthwise_conv_2d(x, kernel_size = 3)`", ms("k3_call"), ""),
      c("16. keras3's round trip: `as.array(keras3::layer_depthwise_conv_2d(x, kernel_size = 3))`",
        ms("k3_round_trip"), "")
    ))
  }
  t <- times
  targets <- list(
    c("call / (conversion in + conv alone): rows 4 / (1 + 2)", ratio(t$call, t$conv_in + t$conv), "<= 1.3"),
    c("call / (conversion in + conv + fixed cost): rows 4 / (1 + 2 + 3)",
      ratio(t$call, t$conv_in + t$conv + t$fixed), "~1: nothing else"),
    c("ours out / (blocked copy to F-order float64 + reticulate's conversion): rows 5 / (9 + 10)",
      ratio(t$out, t$blocked_f64 + t$reticulate_f64), "<= 1.3"),
    c("ours out / (allocation and first touch + blocked copy): rows 5 / (6 + 8)",
      ratio(t$out, t$alloc + t$blocked_warm), "~1: nothing else"),
    c("ours out / plain memory copy: rows 5 / 7", ratio(t$out, t$memcpy), "-"),
    c("old out / ours out: rows 11 / 5", ratio(t$reticulate_c32, t$out), "speed-up"),
    c("round trip / (call + out): rows 12 / (13 + 5)", ratio(t$round_trip, t$call_new + t$out), "~1")
  )
  if (has_keras3) {
    targets <- c(targets, list(
      c("keras3's out / ours: rows 14 / 5", ratio(t$k3_out, t$out), ">= 1"),
      c("keras3's call / ours: rows 15 / 13", ratio(t$k3_call, t$call_new), "-"),
      c("keras3's round trip / ours: rows 16 / 12", ratio(t$k3_round_trip, t$round_trip), ">= 2 or the reason")
    ))
  }
  paste0(
    sprintf("### (c) The floor of the R data path: a %s double array, %s float32 result (%d interleaved repetitions; load: %s)\n\n",
            paste(shape, collapse = "x"), paste(out_shape, collapse = "x"), reps, load_average()),
    md_table(c("step", "median (ms)", "bytes"), rows), "\n\n",
    "Ratios: median of per-repetition ratios [IQR].\n\n",
    md_table(c("ratio", "value", "target"), targets)
  )
}

# ---------------------------------------------------------------- (d) separable

# Section (a)'s measurement for layer_separable_conv_2d() (and the 1D layer):
# a new layer every call on both sides, interleaved, paired ratios.
bench_separable <- function() {
  reps <- if (quick) 7L else 41L
  inner <- if (quick) 5L else 20L
  x <- array(stats::runif(1 * 8 * 8 * 4), c(1, 8, 8, 4))
  x1 <- array(stats::runif(1 * 16 * 4), c(1, 16, 4))
  variants <- list(
    ours_call = function() layer_separable_conv_2d(x, filters = 8, kernel_size = 3),
    keras_call = function() keras_py$layers$SeparableConv2D(8L, kernel_size = 3L)(x),
    ours_new = function() layer_separable_conv_2d(filters = 8, kernel_size = 3),
    keras_new = function() keras_py$layers$SeparableConv2D(8L, kernel_size = 3L),
    python_new = function() bridge_py$layer_separable_conv_2d(filters = 8, kernel_size = 3),
    ours_new_1d = function() layer_separable_conv_1d(filters = 8, kernel_size = 3),
    keras_new_1d = function() keras_py$layers$SeparableConv1D(8L, kernel_size = 3L),
    ours_call_1d = function() layer_separable_conv_1d(x1, filters = 8, kernel_size = 3),
    keras_call_1d = function() keras_py$layers$SeparableConv1D(8L, kernel_size = 3L)(x1)
  )
  stopifnot(identical(dim(variants$ours_call()), dim(variants$keras_call())),
            identical(dim(variants$ours_call_1d()), dim(variants$keras_call_1d())))
  without_name <- function(layer) {
    config <- layer$get_config()
    config$name <- NULL
    config
  }
  stopifnot(identical(without_name(variants$ours_new()), without_name(variants$keras_new())),
            identical(without_name(variants$ours_new_1d()), without_name(variants$keras_new_1d())))
  times <- interleaved(variants, reps, inner)
  row <- function(what, a, b, target) {
    c(what, fmt_time(stats::median(times[[a]])), fmt_time(stats::median(times[[b]])),
      fmt_time(stats::median(times[[a]]) - stats::median(times[[b]])), paired_ratio(times, a, b), target)
  }
  paste0(
    sprintf("### (d) Separable layers: call overhead from R (%d interleaved repetitions of %d calls each; load: %s)\n\n",
            reps, inner, load_average()),
    "`layer_separable_conv_2d(filters = 8, kernel_size = 3)` against `keras$layers$SeparableConv2D(8L, kernel_size = 3L)` ",
    "(`keras` imported with reticulate), and both called on `x`, a 1x8x8x4 R double array; the 1D layer likewise ",
    "on a 1x16x4 array. A new layer every call on both sides; the configurations are checked equal.\n\n",
    md_table(
      c("what", "kerasrbridge (median)", "reticulate + Keras (median)", "difference", "ratio [IQR]", "target"),
      list(
        row("2D: construct only", "ours_new", "keras_new", "<= 1.10"),
        row("2D: construct + call on a 1x8x8x4 array", "ours_call", "keras_call", "-"),
        row("2D: construct only, `kerasr_bridge$layer_separable_conv_2d(filters = 8, kernel_size = 3)` (Python function, no R wrapper; diagnostic)",
            "python_new", "keras_new", "-"),
        row("1D: construct only", "ours_new_1d", "keras_new_1d", "-"),
        row("1D: construct + call on a 1x16x4 array", "ours_call_1d", "keras_call_1d", "-")
      )
    )
  )
}

load_average <- function() {
  load <- tryCatch(readLines("/proc/loadavg", n = 1L), error = function(e) "unknown")
  paste(strsplit(load, " ")[[1]][1:3], collapse = " ")
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
  c("command", paste0("`Rscript benchmarks/bench_r.R", if (quick) " --quick" else "",
                      if (with_keras3) " --keras3" else "", if (floor_only) " --floor-only" else "",
                      if (separable_only) " --separable-only" else "", "`")),
  c("keras3", if (with_keras3) as.character(utils::packageVersion("keras3")) else "not loaded"),
  c("load average (1, 5, 15 min) at the start", load_average()),
  c("R", paste(R.version$major, R.version$minor, sep = ".")),
  c("reticulate", as.character(utils::packageVersion("reticulate"))),
  c("bench", as.character(utils::packageVersion("bench"))),
  c("kerasrbridge", as.character(utils::packageVersion("kerasrbridge"))),
  c("python", versions),
  c("numpy", py_versions$numpy),
  c("keras", py_versions$keras),
  c("tensorflow", py_versions$tensorflow)
)), "\n\n")
if (!floor_only && !separable_only) {
  cat(bench_overhead(), "\n\n")
  cat(bench_data_path(), "\n\n")
}
if (!separable_only) cat(bench_floor(), "\n\n")
if (!floor_only) cat(bench_separable(), "\n\n")
cat(sprintf("Total time: %.0f s\n", bench::hires_time() - start))
