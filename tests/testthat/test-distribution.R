# Our layers, built from R, trained with fit() under tf.distribute.MirroredStrategy
# over 2 logical CPU devices, against the same training on one device.
#
# The logical devices must be declared before TensorFlow initialises its
# devices, which in this R session (earlier tests ran Keras) has happened: the
# check runs in a fresh Rscript, on the same library paths and Python.

distribution_script <- '
Sys.setenv(KERAS_BACKEND = "tensorflow", TF_CPP_MIN_LOG_LEVEL = "2")
library(kerasrbridge)
tf <- reticulate::import("tensorflow")
# First, before any TensorFlow operation: no GPU, 2 logical CPU devices.
tf$config$set_visible_devices(list(), "GPU")
cpu <- tf$config$list_physical_devices("CPU")[[1]]
tf$config$set_logical_device_configuration(
  cpu, list(tf$config$LogicalDeviceConfiguration(), tf$config$LogicalDeviceConfiguration())
)

# The four kinds: plain, channels_first with a bias (last spatial size = channels),
# unequal strides, 1D.
build_model <- function() {
  inputs <- keras$Input(shape = c(8L, 6L, 3L))
  plain <- inputs |>
    layer_depthwise_conv_2d(kernel_size = 3, padding = "same", depth_multiplier = 2, activation = "tanh")
  first <- keras$layers$Permute(c(3L, 1L, 2L))(plain) |>
    layer_depthwise_conv_2d(kernel_size = 3, data_format = "channels_first", bias_initializer = "random_normal")
  unequal <- plain |> layer_depthwise_conv_2d(kernel_size = c(3, 2), strides = c(2, 1), padding = "same")
  one_d <- keras$layers$Reshape(c(48L, 6L))(plain) |> layer_depthwise_conv_1d(kernel_size = 3, strides = 2)
  flat <- lapply(list(first, unequal, one_d), function(branch) keras$layers$Flatten()(branch))
  keras$Model(inputs, keras$layers$Dense(2L)(keras$layers$Concatenate()(flat)))
}

train <- function(model, initial, x, y) {
  model$set_weights(initial)
  model$compile(optimizer = keras$optimizers$SGD(0.05, momentum = 0.9), loss = "mse", jit_compile = FALSE)
  history <- model$fit(x, y, batch_size = 8L, epochs = 2L, shuffle = FALSE, verbose = 0L)
  list(weights = model$get_weights(), loss = unlist(history$history$loss))
}

keras$utils$set_random_seed(7L)
set.seed(20261126)
x <- array(stats::rnorm(32 * 8 * 6 * 3), dim = c(32, 8, 6, 3))
y <- matrix(stats::rnorm(64), ncol = 2)
single_model <- build_model()
initial <- single_model$get_weights()
single <- train(single_model, initial, x, y)

strategy <- tf$distribute$MirroredStrategy(list("/cpu:0", "/cpu:1"))
with(strategy$scope(), {
  mirrored_model <- build_model()
  copies <- length(strategy$experimental_local_results(mirrored_model$weights[[1]]$value))
  mirrored <- train(mirrored_model, initial, x, y)
})
difference <- max(mapply(function(a, b) max(abs(a - b)), single$weights, mirrored$weights))
change <- min(mapply(function(a, b) max(abs(a - b)), single$weights, initial))
classes <- vapply(mirrored_model$layers, function(layer) class(layer)[[1]], character(1))
cat("replicas:", strategy$num_replicas_in_sync, "\\n")
cat("kernel copies:", copies, "\\n")
cat("weights:", length(single$weights), "\\n")
cat("max difference:", format(difference, digits = 3), "\\n")
cat("min change:", format(change, digits = 3), "\\n")
cat("loss difference:", format(max(abs(single$loss - mirrored$loss)), digits = 3), "\\n")
cat("first loss:", single$loss[[1]], "last loss:", single$loss[[length(single$loss)]], "\\n")
cat("classes:", paste(classes, collapse = " "), "\\n")
'

figure <- function(lines, label) {
  line <- grep(paste0("^", label, ":"), lines, value = TRUE)
  if (length(line) != 1L) return(NA_real_)
  as.numeric(strsplit(trimws(sub(paste0("^", label, ":"), "", line)), " ")[[1]][[1]])
}

test_that("MirroredStrategy over 2 CPU devices trains our layers as one device does, from R", {
  script <- tempfile(fileext = ".R")
  on.exit(unlink(script))
  writeLines(distribution_script, script)
  # The child finds kerasrbridge where this session did, and uses this session's Python.
  env <- c(
    paste0("R_LIBS=", shQuote(paste(.libPaths(), collapse = .Platform$path.sep))),
    paste0("RETICULATE_PYTHON=", shQuote(reticulate::py_config()$python))
  )
  output <- suppressWarnings(system2(
    file.path(R.home("bin"), "Rscript"), c("--vanilla", shQuote(script)),
    stdout = TRUE, stderr = TRUE, env = env, timeout = 300
  ))
  status <- attr(output, "status")
  if (!is.null(status) && status != 0L) {
    fail(paste0("the Rscript child failed (status ", status, "):\n", paste(utils::tail(output, 40), collapse = "\n")))
    return(invisible())
  }
  report <- paste(output, collapse = "\n")
  expect_equal(figure(output, "replicas"), 2, info = report)
  # Variables made in the scope are mirrored: one copy per device.
  expect_equal(figure(output, "kernel copies"), 2, info = report)
  expect_equal(figure(output, "weights"), 10, info = report)
  # Training moved every weight array by far more than the tolerance (0.016 seen) ...
  expect_gt(figure(output, "min change"), 1e-3)
  # ... and the two runs agree up to float rounding (about 1e-7 seen).
  expect_lte(figure(output, "max difference"), 1e-6)
  expect_lte(figure(output, "loss difference"), 1e-5)
  classes <- grep("^classes:", output, value = TRUE)
  expect_match(classes, "ChannelsFirstDepthwiseConv2D", fixed = TRUE)
  expect_match(classes, "UnequalStridesDepthwiseConv2D", fixed = TRUE)
  expect_match(classes, "DepthwiseConv1D", fixed = TRUE)
})
