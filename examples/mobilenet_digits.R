# A small MobileNet-style classifier for scikit-learn's 8x8 digits, built in R
# with kerasrbridge and |>: the same model, data split, seed and training as
# examples/mobilenet_digits.py (examples/main_job.py runs both and compares the
# final weights).
#
#   Rscript examples/mobilenet_digits.R --epochs 30
#
# Options (or environment variables, which the options override):
#   --epochs N              (MOBILENET_EPOCHS, default 30)
#   --init-weights PATH     start from these weights (.npz, keys in get_weights() order),
#                           e.g. the ones the Python run saved (MOBILENET_INIT_WEIGHTS)
#   --model-out PATH        save the trained model (.keras) (MOBILENET_MODEL_OUT)
#   --history-out PATH      write accuracy, epoch times and the history (.json) (MOBILENET_HISTORY_OUT)
#
# Needs RETICULATE_PYTHON pointing at a Python with kerasr_bridge, keras,
# tensorflow and scikit-learn (the `examples` extra: `pip install -e
# '.[cpu,examples]'`; the Makefile sets it to ./.venv).

library(kerasrbridge)

SEED <- 20261124L
BATCH_SIZE <- 32L
LEARNING_RATE <- 0.005
BN_MOMENTUM <- 0.9  # Keras's default is 0.99

option <- function(name, env, default = NULL) {
  args <- commandArgs(trailingOnly = TRUE)
  at <- match(paste0("--", name), args)
  if (!is.na(at) && at < length(args)) return(args[[at + 1L]])
  value <- Sys.getenv(env, "")
  if (nzchar(value)) value else default
}
epochs <- as.integer(option("epochs", "MOBILENET_EPOCHS", "30"))
init_weights <- option("init-weights", "MOBILENET_INIT_WEIGHTS")
model_out <- option("model-out", "MOBILENET_MODEL_OUT")
history_out <- option("history-out", "MOBILENET_HISTORY_OUT")
stopifnot(!is.na(epochs), epochs >= 1L)

# keras (the package's, which imports kerasr_bridge first) before TensorFlow: importing
# TensorFlow first would print its start-up lines ("oneDNN custom operations are on", ...).
keras$utils$set_random_seed(SEED)
tf <- reticulate::import("tensorflow")
tf$config$experimental$enable_op_determinism()
np <- reticulate::import("numpy", convert = FALSE)
sklearn_datasets <- reticulate::import("sklearn.datasets")
model_selection <- reticulate::import("sklearn.model_selection")

# The digits as (n, 8, 8, 1) in [0, 1]. digits$images arrives as an R array
# indexed like the NumPy one; a trailing dimension of 1 keeps that indexing.
digits <- sklearn_datasets$load_digits()
x <- digits$images / 16
dim(x) <- c(dim(x), 1L)
y <- as.integer(digits$target)
split <- model_selection$train_test_split(x, y, test_size = 0.25, random_state = 0L, stratify = y)
names(split) <- c("x_train", "x_test", "y_train", "y_test")
# float32/int32 NumPy arrays, exactly what the Python run trains on.
data <- list(
  x_train = np$asarray(split$x_train, dtype = "float32"),
  x_test = np$asarray(split$x_test, dtype = "float32"),
  y_train = np$asarray(split$y_train, dtype = "int32"),
  y_test = np$asarray(split$y_test, dtype = "int32")
)

# Sequential$add() for the layers that are not depthwise convolutions, so that
# every step of the model reads as one |> step.
add <- function(model, layer) {
  model$add(layer)
  model
}

# depthwise 3x3 -> BN -> ReLU -> pointwise 1x1 -> BN -> ReLU
block <- function(model, filters, strides = 1L, depth_multiplier = 1L) {
  model |>
    layer_depthwise_conv_2d(kernel_size = 3L, strides = strides, padding = "same",
                            depth_multiplier = depth_multiplier, use_bias = FALSE) |>
    add(keras$layers$BatchNormalization(momentum = BN_MOMENTUM)) |>
    add(keras$layers$ReLU()) |>
    add(keras$layers$Conv2D(as.integer(filters), kernel_size = 1L, use_bias = FALSE)) |>
    add(keras$layers$BatchNormalization(momentum = BN_MOMENTUM)) |>
    add(keras$layers$ReLU())
}

model <- keras$Sequential(list(keras$Input(shape = list(8L, 8L, 1L))), name = "mobilenet_digits") |>
  block(32L, depth_multiplier = 8L) |>   # 8x8x1 -> 8 depthwise maps -> 32 channels
  block(64L, strides = 2L) |>            # -> 4x4x64
  block(128L, strides = 2L) |>           # -> 2x2x128
  add(keras$layers$GlobalAveragePooling2D()) |>
  add(keras$layers$Dense(10L, activation = "softmax"))

if (!is.null(init_weights)) {
  saved <- np$load(init_weights)
  keys <- sort(reticulate::py_to_r(saved$files))
  own <- model$get_weights()
  given <- lapply(keys, function(key) reticulate::py_to_r(saved[[key]]))
  seeded_diff <- max(mapply(function(a, b) max(abs(a - b)), own, given))
  cat(sprintf("[R] initial weights from %s (R's own seeded initial weights differ from them by at most %g)\n",
              basename(init_weights), seeded_diff))
  model$set_weights(lapply(keys, function(key) saved[[key]]))
}

model$compile(
  optimizer = keras$optimizers$Adam(LEARNING_RATE),
  loss = "sparse_categorical_crossentropy",
  metrics = list("accuracy")
)

epoch_seconds <- numeric()
started <- NULL
timer <- keras$callbacks$LambdaCallback(
  on_epoch_begin = function(epoch, logs) started <<- proc.time()[["elapsed"]],
  on_epoch_end = function(epoch, logs) epoch_seconds <<- c(epoch_seconds, proc.time()[["elapsed"]] - started)
)
history <- model$fit(
  data$x_train, data$y_train, batch_size = BATCH_SIZE, epochs = epochs, shuffle = FALSE,
  validation_data = reticulate::tuple(data$x_test, data$y_test), callbacks = list(timer), verbose = 0L
)
accuracy <- model$evaluate(data$x_test, data$y_test, batch_size = 256L, verbose = 0L)[[2]]

describe_epoch_times <- function(seconds) {
  text <- sprintf("%.3f s (mean of %d)", mean(seconds), length(seconds))
  if (length(seconds) > 1L) {
    text <- sprintf("%s; first %.3f s (graph tracing), then %.3f s (median)",
                    text, seconds[[1]], stats::median(seconds[-1]))
  }
  text
}
cat(sprintf("[R] parameters: %d\n", as.integer(model$count_params())))
cat(sprintf("[R] test accuracy: %.4f (%d test digits, %d epochs)\n",
            accuracy, length(split$y_test), epochs))
cat(sprintf("[R] time per epoch: %s\n", describe_epoch_times(epoch_seconds)))

if (!is.null(model_out)) model$save(model_out)
if (!is.null(history_out)) {
  results <- list(
    language = "R",
    params = as.integer(model$count_params()),
    test_accuracy = accuracy,
    epoch_seconds = as.list(epoch_seconds),
    history = lapply(history$history, function(values) as.list(unlist(values)))
  )
  json <- reticulate::import("json")
  writeLines(json$dumps(reticulate::r_to_py(results), indent = 1L), history_out)
}
