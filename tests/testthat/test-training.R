# R functions as activation and constraints, training with fit(), and saving.

tiny_model <- function(...) {
  model <- keras$Sequential(list(keras$Input(shape = list(6L, 6L, 2L)))) |>
    layer_depthwise_conv_2d(kernel_size = 3, name = "dw", ...)
  model$add(keras$layers$Flatten())
  model$add(keras$layers$Dense(1L))
  model
}

test_that("an R function works as activation", {
  # Seeded: the check below needs some negative pre-activations to mean anything.
  set.seed(11)
  x <- random_array(2, 6, 6, 2)
  w <- list(array(stats::runif(18, -1, 1), dim = c(3, 3, 2, 1)), c(-0.2, 0.3))
  linear <- as.array(layer_depthwise_conv_2d(x, kernel_size = 3, weights = w))
  # An R closure cannot be saved with the model, so the layer warns that saving would not restore it.
  expect_warning(
    absolute <- as.array(layer_depthwise_conv_2d(x, kernel_size = 3, weights = w,
                                                 activation = function(x) keras$ops$abs(x))),
    class = "kerasrbridge_warning"
  )
  expect_equal(absolute, abs(linear), tolerance = 1e-6)
  expect_true(any(linear < 0))
})

test_that("R constraints and activation are applied during fit()", {
  set.seed(1)
  clip_kernel <- function(w) keras$ops$clip(w, -0.01, 0.01)
  clip_bias <- function(b) keras$ops$clip(b, 0, 0.5)
  r_relu <- function(x) keras$ops$maximum(x, 0)
  # R closures: the layer warns (once per construction) that a saved model cannot restore them.
  model <- suppressWarnings(
    tiny_model(activation = r_relu, depthwise_initializer = "ones", bias_initializer = "ones",
               depthwise_constraint = clip_kernel, bias_constraint = clip_bias),
    classes = "kerasrbridge_warning"
  )
  model$compile(optimizer = "adam", loss = "mse")
  x <- random_array(16, 6, 6, 2)
  y <- matrix(stats::runif(16), ncol = 1)
  history <- model$fit(x, y, epochs = 2L, batch_size = 8L, verbose = 0L)
  expect_length(history$history$loss, 2L)
  expect_true(all(is.finite(unlist(history$history$loss))))
  weights <- model$get_layer("dw")$get_weights()
  # Initialised at 1, the kernel can only be within bounds through the constraint.
  expect_lte(max(abs(weights[[1]])), 0.01 + 1e-7)
  expect_true(all(weights[[2]] >= 0 & weights[[2]] <= 0.5 + 1e-7))
  # The R activation runs inside the model: no negative activations.
  features <- keras$Model(model$inputs, model$get_layer("dw")$output)
  expect_gte(min(features$predict(x, verbose = 0L)), 0)
})

test_that("a model saved to .keras loads back and predicts identically", {
  model <- keras$Sequential(list(keras$Input(shape = list(9L, 8L, 3L)))) |>
    layer_depthwise_conv_2d(kernel_size = 3, depth_multiplier = 2, activation = "relu", padding = "same") |>
    layer_depthwise_conv_2d(kernel_size = 3, strides = list(2L, 1L), padding = "same")
  model$compile(optimizer = "sgd", loss = "mse")
  x <- random_array(4, 9, 8, 3)
  model$fit(x, random_array(4, 5, 8, 6), epochs = 1L, verbose = 0L)
  path <- tempfile(fileext = ".keras")
  on.exit(unlink(path))
  model$save(path)
  expect_true(file.exists(path))
  loaded <- keras$saving$load_model(path)
  expect_identical(loaded$predict(x, verbose = 0L), model$predict(x, verbose = 0L))
  expect_identical(config_of(loaded$layers[[2]]), config_of(model$layers[[2]]))
})
