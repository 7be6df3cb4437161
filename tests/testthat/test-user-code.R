# What users bring: keras3's activation_* functions reach
# Keras as Keras's own function (saved by name, loaded in a fresh session with
# identical predictions); an R function warns at construction that a saved model
# cannot restore it; an error raised by the user's own R function names its
# argument, keeps the user's text and R classes, and leaves a model unchanged.

x_user <- array(stats::runif(2 * 6 * 6 * 4), c(2, 6, 6, 4))

test_that("an R function warns at construction that a saved model cannot restore it", {
  expect_warning(layer_depthwise_conv_2d(kernel_size = 2, activation = function(x) x),
                 class = "kerasrbridge_warning",
                 regexp = "^`activation` is an R function: a saved model .*will not restore it.*activation_gelu")
  expect_warning(layer_depthwise_conv_2d(kernel_size = 2, depthwise_constraint = function(w) w),
                 regexp = "^`depthwise_constraint` is an R function", class = "kerasrbridge_warning")
  expect_warning(layer_depthwise_conv_2d(kernel_size = 2, activation = abs), class = "kerasrbridge_warning")
  expect_no_warning(layer_depthwise_conv_2d(kernel_size = 2, activation = "gelu"))
  expect_no_warning(layer_depthwise_conv_2d(kernel_size = 2, activation = keras$activations$gelu))
})

raising <- function(message) {
  function(...) stop(structure(class = c("my_error", "error", "condition"), list(message = message, call = NULL)))
}

for (argument in c("activation", "depthwise_initializer", "bias_initializer", "activity_regularizer")) {
  test_that(sprintf("an error of the user's R function given as `%s` names it and keeps the user's text", argument), {
    args <- list(x_user, kernel_size = 2)
    args[[argument]] <- raising("my custom boom")
    error <- tryCatch(suppressWarnings(do.call(layer_depthwise_conv_2d, args)), error = identity)
    expect_s3_class(error, "kerasrbridge_UserCodeError")
    expect_s3_class(error, "kerasrbridge_error")
    expect_match(conditionMessage(error),
                 sprintf("^Invalid `%s`: your function raised an error in the layer '[a-z0-9_]+' on `object` of shape c\\(2, 6, 6, 4\\): my custom boom\\.$", argument))
    expect_false(grepl("\033|\n|\\\\n", conditionMessage(error)))
    expect_lte(nchar(conditionMessage(error)), 300)
    # reticulate 1.29+ hands the R condition's classes over: they come first.
    if (utils::packageVersion("reticulate") >= "1.29") expect_identical(class(error)[1], "my_error")
  })
}

test_that("a user's R initializer failing when the layer is added leaves the Sequential model unchanged", {
  model <- keras$Sequential(list(keras$Input(shape = list(6L, 6L, 4L))))
  error <- tryCatch(suppressWarnings(
    layer_depthwise_conv_2d(model, kernel_size = 2, depthwise_initializer = raising("init boom"))), error = identity)
  expect_s3_class(error, "kerasrbridge_UserCodeError")
  expect_match(conditionMessage(error), "^Invalid `depthwise_initializer`: .*left unchanged.*: init boom\\.$")
  expect_length(model$layers, 0L)
})

test_that("a long layer name keeps the message within 300 characters", {
  error <- tryCatch(suppressWarnings(
    layer_depthwise_conv_2d(x_user, kernel_size = 2, activation = raising(strrep("b", 500)), name = strrep("n", 3000))),
    error = identity)
  expect_s3_class(error, "kerasrbridge_UserCodeError")
  expect_lte(nchar(conditionMessage(error)), 300)
})

if (requireNamespace("keras3", quietly = TRUE)) {
  test_that("keras3's activation_* functions are stored by name and a saved model loads in a fresh session", {
    ns <- asNamespace("keras3")
    names <- grep("^activation_", getNamespaceExports("keras3"), value = TRUE)
    # Activations Keras can call with the tensor alone (threshold needs more arguments, in keras3 too).
    callable <- Filter(function(name) {
      formals <- formals(get(name, ns))[-1L]
      all(vapply(formals, function(default) !identical(default, quote(expr = )), logical(1)))
    }, names)
    expect_gt(length(callable), 25L)
    input <- keras$Input(shape = list(6L, 6L, 4L))
    outputs <- lapply(callable, function(name) {
      layer <- expect_no_warning(layer_depthwise_conv_2d(kernel_size = 2, activation = get(name, ns),
                                                         name = sub("^activation_", "dw_", name)))
      # Exactly what keras3's own layer stores (a name: "gelu"; hard_swish is stored as "hard_silu").
      stored <- keras3::layer_depthwise_conv_2d(kernel_size = 2, activation = get(name, ns))$get_config()$activation
      expect_true(is.character(stored), label = name)
      expect_identical(layer$get_config()$activation, stored, label = name)
      layer(input)
    })
    model <- keras$Model(input, outputs)
    predictions <- lapply(model$predict(x_user, verbose = 0L), as.array)
    dir <- tempfile("user-code")
    dir.create(dir)
    path <- file.path(dir, "model.keras")
    model$save(path)
    saveRDS(list(x = x_user, predictions = predictions), file.path(dir, "expected.rds"))
    script <- file.path(dir, "load.R")
    writeLines(c(
      "library(kerasrbridge)",
      sprintf("expected <- readRDS('%s')", file.path(dir, "expected.rds")),
      sprintf("model <- keras$models$load_model('%s')", path),
      "loaded <- lapply(model$predict(expected$x, verbose = 0L), as.array)",
      "cat(identical(loaded, expected$predictions), length(loaded), '\\n')"
    ), script)
    out <- system2(file.path(R.home("bin"), "Rscript"), script, stdout = TRUE, stderr = FALSE)
    expect_identical(utils::tail(out, 1L), sprintf("TRUE %d ", length(callable)))
  })
}
